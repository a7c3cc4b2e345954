"""The push inbox on both backends: idempotent adds, pending by cursor, status bookkeeping."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from resources.store.inbox import InboxEntry
from resources.store.inbox_keys import dedup_key
from resources.store.store import Store

NEW = {
    "message_type": "TYPE_NEW_POSTING",
    "seller_id": 100500,
    "posting_number": "1234-0001-1",
    "products": [{"sku": 1, "offer_id": "A", "quantity": 2}],
    "warehouse_id": 7,
}


def _add(store: Store, payload: dict, source: str = "push") -> tuple[int, bool]:
    return store.inbox.add(
        dedup_key(payload),
        payload["message_type"],
        payload,
        posting_number=payload.get("posting_number"),
        source=source,  # type: ignore[arg-type]
    )


def test_add_is_idempotent_on_the_dedup_key(store: Store) -> None:
    first = _add(store, NEW)
    again = _add(store, NEW)
    polled = _add(store, {**NEW, "tracking_number": "x"}, source="poll")
    assert first[1] is True
    assert again == (first[0], False)
    assert polled == (first[0], False)
    rows = store.inbox.rows()
    assert len(rows) == 1
    assert rows[0]["source"] == "push"
    assert rows[0]["status"] == "pending"


def test_pending_by_cursor_and_limit(store: Store) -> None:
    ids = [_add(store, {**NEW, "posting_number": f"1-{n}"})[0] for n in range(5)]
    assert [m.id for m in store.inbox.pending(limit=10)] == ids
    assert [m.id for m in store.inbox.pending(after_id=ids[1], limit=2)] == ids[2:4]
    assert [m.id for m in store.inbox.pending(up_to_id=ids[2], limit=10)] == ids[:3]
    message = store.inbox.pending(limit=1)[0]
    assert message.payload["posting_number"] == "1-0"
    assert message.received_at.tzinfo is not None
    assert store.inbox.max_id() == ids[-1]


def test_processed_and_failed_bookkeeping(store: Store) -> None:
    a, _ = _add(store, {**NEW, "posting_number": "1-a"})
    b, _ = _add(store, {**NEW, "posting_number": "1-b"})
    c, _ = store.inbox.add("invalid:x", "", "not json", status="invalid", error="bad body")
    assert store.inbox.mark_processed([a]) == 1
    assert store.inbox.mark_processed([a]) == 0  # repeating changes nothing
    store.inbox.mark_failed(b, "Infor outbox unreachable")
    lag = store.inbox.lag()
    assert lag.counts == {"pending": 0, "processed": 1, "failed": 1, "invalid": 1}
    assert lag.oldest_pending_at is None
    # A failed message is offered again, with its attempts; an invalid one never is.
    again = store.inbox.pending(limit=10)
    assert [(m.id, m.status, m.attempts, m.error) for m in again] == [
        (b, "failed", 1, "Infor outbox unreachable")
    ]
    for _ in range(4):
        store.inbox.mark_failed(b, "still unreachable")
    assert store.inbox.pending(limit=10) == []
    assert store.inbox.get("invalid:x")["id"] == c  # type: ignore[index]
    assert store.inbox.max_id() is None


def test_lag_reports_the_oldest_pending_message(store: Store) -> None:
    old = datetime.now(UTC) - timedelta(minutes=5)
    store.inbox.add_many(
        [
            InboxEntry(
                dedup_key="new:1", message_type="TYPE_NEW_POSTING", payload=NEW, received_at=old
            ),
            InboxEntry(dedup_key="new:2", message_type="TYPE_NEW_POSTING", payload=NEW),
        ]
    )
    lag = store.inbox.lag()
    assert lag.oldest_pending_at == old
    age = lag.oldest_pending_age_s()
    assert age is not None and 299 < age < 400


def test_watermark_only_moves_forward(store: Store) -> None:
    t0 = datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert store.inbox.watermark("postings") is None
    store.inbox.set_watermark("postings", t0)
    store.inbox.set_watermark("postings", t0 - timedelta(hours=1))
    assert store.inbox.watermark("postings") == t0
    store.inbox.set_watermark("postings", t0 + timedelta(hours=1))
    assert store.inbox.watermark("postings") == t0 + timedelta(hours=1)


def test_concurrent_writers_store_each_message_once(store: Store) -> None:
    errors: list[BaseException] = []

    def send(n: int) -> None:
        try:
            # Half the senders repeat another's message: Ozon's retries racing each other.
            _add(store, {**NEW, "posting_number": f"9-{n // 2}"})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.inbox.rows()) == 20
