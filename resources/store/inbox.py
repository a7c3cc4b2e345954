"""The push inbox: every Ozon notification (pushed or found by polling), stored once, in order.

The receiver writes here before it acknowledges Ozon; the orders assets read pending rows by id
and mark them processed or failed. The `dedup_key` is the message's meaning (see
`resources.store.inbox_keys`), so Ozon's retries and a polled copy of the same change collapse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from resources.store import tables as t

InboxSource = Literal["push", "poll"]
InboxStatus = Literal["pending", "processed", "failed", "invalid"]

# A failed message is offered again to later runs until it has failed this often; then it stays
# 'failed' for a person to look at (visible in `lag()` and the asset's metadata).
MAX_ATTEMPTS = 5
_ERROR_MAX = 4000
# Rows per INSERT: well under SQLite's bound-parameter limit at nine columns a row.
_INSERT_CHUNK = 500


class InboxEntry(BaseModel):
    """A message to store: what the receiver or the poll hands to `add`."""

    dedup_key: str = Field(min_length=1, max_length=255)
    message_type: str = Field(max_length=64)
    payload: str | dict[str, Any]
    posting_number: str | None = Field(default=None, max_length=64)
    source: InboxSource = "push"
    status: InboxStatus = "pending"
    error: str | None = None
    received_at: datetime | None = None

    def payload_text(self) -> str:
        """The payload as stored: text as received, or compact JSON for a built one."""
        if isinstance(self.payload, str):
            return self.payload
        return json.dumps(self.payload, ensure_ascii=False, separators=(",", ":"))


class InboxMessage(BaseModel):
    """A stored message offered for processing; `parsed` is attached by `orders/push_inbox`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: int
    dedup_key: str
    message_type: str
    posting_number: str | None
    source: InboxSource
    payload: dict[str, Any]
    received_at: datetime
    status: InboxStatus
    attempts: int
    error: str | None = None
    parsed: Any = None


class InboxLag(BaseModel):
    """How far behind processing is: the oldest unprocessed message and counts by status."""

    oldest_pending_at: datetime | None
    counts: dict[str, int]

    def oldest_pending_age_s(self, now: datetime | None = None) -> float | None:
        """Seconds since the oldest pending message arrived (None when nothing is pending)."""
        if self.oldest_pending_at is None:
            return None
        return max(0.0, ((now or t.utcnow()) - self.oldest_pending_at).total_seconds())


def _insert(engine: Engine) -> Any:
    """An INSERT that skips rows whose dedup_key exists (both backends speak ON CONFLICT)."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(t.push_inbox)


class InboxRepo:
    """Append-only, deduplicated inbox with a processing status per message."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(
        self,
        dedup_key: str,
        message_type: str,
        payload: str | dict[str, Any],
        *,
        posting_number: str | None = None,
        source: InboxSource = "push",
        status: InboxStatus = "pending",
        error: str | None = None,
        received_at: datetime | None = None,
    ) -> tuple[int, bool]:
        """Store one message durably; returns (id, created). A known dedup_key is not rewritten."""
        entry = InboxEntry(
            dedup_key=dedup_key,
            message_type=message_type,
            payload=payload,
            posting_number=posting_number,
            source=source,
            status=status,
            error=error,
            received_at=received_at,
        )
        return self.add_many([entry])[0]

    def add_many(self, entries: Iterable[InboxEntry]) -> list[tuple[int, bool]]:
        """Store several messages in one transaction; (id, created) for each, in order.

        One multi-row INSERT … ON CONFLICT DO NOTHING for the whole group (the receiver's group
        commit), then one SELECT for the keys that were already there. A key repeated inside
        the group is created once, by its first occurrence.
        """
        items = list(entries)
        if not items:
            return []
        now = t.utcnow()
        inbox = t.push_inbox
        first: dict[str, InboxEntry] = {}
        for entry in items:
            first.setdefault(entry.dedup_key, entry)
        rows = [
            {
                "dedup_key": entry.dedup_key,
                "message_type": entry.message_type,
                "posting_number": entry.posting_number,
                "source": entry.source,
                "payload": entry.payload_text(),
                "received_at": entry.received_at or now,
                "status": entry.status,
                "error": entry.error[:_ERROR_MAX] if entry.error else None,
                "attempts": 0,
            }
            for entry in first.values()
        ]
        created: dict[str, int] = {}
        # executemany with RETURNING: SQLAlchemy batches it ("insertmanyvalues") and caches the
        # compiled statement, several times faster than building one big VALUES clause.
        stmt = (
            _insert(self._engine)
            .on_conflict_do_nothing(index_elements=["dedup_key"])
            .returning(inbox.c.id, inbox.c.dedup_key)
        )
        with self._engine.begin() as conn:
            if len(rows) == 1:
                returned = conn.execute(stmt.values(rows[0])).all()
            else:
                returned = conn.execute(stmt, rows).all()
            created.update({key: int(new_id) for new_id, key in returned})
            known = [key for key in first if key not in created]
            existing: dict[str, int] = {}
            for start in range(0, len(known), _INSERT_CHUNK):
                chunk = known[start : start + _INSERT_CHUNK]
                query = sa.select(inbox.c.dedup_key, inbox.c.id).where(inbox.c.dedup_key.in_(chunk))
                existing.update({key: int(row_id) for key, row_id in conn.execute(query)})
        results: list[tuple[int, bool]] = []
        for entry in items:
            key = entry.dedup_key
            if key in created and first[key] is entry:
                results.append((created[key], True))
            else:
                results.append((created.get(key) or existing[key], False))
        return results

    def pending(
        self,
        after_id: int | None = None,
        limit: int = 500,
        *,
        up_to_id: int | None = None,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> list[InboxMessage]:
        """Messages to process, oldest first: pending ones and failed ones with attempts left."""
        inbox = t.push_inbox
        query = (
            sa.select(inbox)
            .where(
                sa.or_(
                    inbox.c.status == "pending",
                    sa.and_(inbox.c.status == "failed", inbox.c.attempts < max_attempts),
                )
            )
            .order_by(inbox.c.id)
            .limit(limit)
        )
        if after_id is not None:
            query = query.where(inbox.c.id > after_id)
        if up_to_id is not None:
            query = query.where(inbox.c.id <= up_to_id)
        with self._engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            InboxMessage(
                id=row["id"],
                dedup_key=row["dedup_key"],
                message_type=row["message_type"],
                posting_number=row["posting_number"],
                source=row["source"],
                payload=json.loads(row["payload"]),
                received_at=row["received_at"],
                status=row["status"],
                attempts=row["attempts"],
                error=row["error"],
            )
            for row in rows
        ]

    def mark_processed(self, ids: Sequence[int]) -> int:
        """Mark messages handled; returns how many changed. Repeating it changes nothing."""
        if not ids:
            return 0
        inbox = t.push_inbox
        stmt = (
            sa.update(inbox)
            .where(inbox.c.id.in_(list(ids)), inbox.c.status.in_(("pending", "failed")))
            .values(status="processed", processed_at=t.utcnow(), error=None)
        )
        with self._engine.begin() as conn:
            return int(conn.execute(stmt).rowcount or 0)

    def mark_failed(self, id: int, error: str) -> None:
        """Record a failed attempt; the message stays visible and is offered again later."""
        inbox = t.push_inbox
        stmt = (
            sa.update(inbox)
            .where(inbox.c.id == id, inbox.c.status.in_(("pending", "failed")))
            .values(status="failed", error=error[:_ERROR_MAX], attempts=inbox.c.attempts + 1)
        )
        with self._engine.begin() as conn:
            conn.execute(stmt)

    def lag(self) -> InboxLag:
        """Oldest pending message's arrival time and the number of messages per status."""
        inbox = t.push_inbox
        with self._engine.connect() as conn:
            oldest = conn.execute(
                sa.select(sa.func.min(inbox.c.received_at, type_=t.UtcDateTime())).where(
                    inbox.c.status == "pending"
                )
            ).scalar_one_or_none()
            counts = {
                str(status): int(n)
                for status, n in conn.execute(
                    sa.select(inbox.c.status, sa.func.count()).group_by(inbox.c.status)
                )
            }
        return InboxLag(
            oldest_pending_at=oldest,
            counts={status: counts.get(status, 0) for status in t.INBOX_STATUSES},
        )

    def max_id(self, *, pending_only: bool = True) -> int | None:
        """The newest message id (of pending ones by default), the sensor's cursor candidate."""
        inbox = t.push_inbox
        query = sa.select(sa.func.max(inbox.c.id))
        if pending_only:
            query = query.where(inbox.c.status == "pending")
        with self._engine.connect() as conn:
            value = conn.execute(query).scalar_one_or_none()
        return None if value is None else int(value)

    def get(self, dedup_key: str) -> dict[str, Any] | None:
        """The stored row for a key, as a mapping (inspection and tests)."""
        inbox = t.push_inbox
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(inbox).where(inbox.c.dedup_key == dedup_key)).first()
        return None if row is None else dict(row._mapping)

    def rows(self, status: InboxStatus | None = None) -> list[dict[str, Any]]:
        """Every stored row (optionally of one status) by id, for inspection and tests."""
        inbox = t.push_inbox
        query = sa.select(inbox).order_by(inbox.c.id)
        if status is not None:
            query = query.where(inbox.c.status == status)
        with self._engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def watermark(self, name: str) -> datetime | None:
        """The last committed polling watermark of that name."""
        w = t.poll_watermarks
        with self._engine.connect() as conn:
            return conn.execute(
                sa.select(w.c.watermark).where(w.c.name == name)
            ).scalar_one_or_none()

    def set_watermark(self, name: str, value: datetime) -> None:
        """Move a polling watermark (only ever forward)."""
        w = t.poll_watermarks
        now = t.utcnow()
        with self._engine.begin() as conn:
            current = conn.execute(
                sa.select(w.c.watermark).where(w.c.name == name).with_for_update()
            ).scalar_one_or_none()
            if current is None:
                conn.execute(sa.insert(w).values(name=name, watermark=value, updated_at=now))
            elif value > current:
                conn.execute(
                    sa.update(w).where(w.c.name == name).values(watermark=value, updated_at=now)
                )
