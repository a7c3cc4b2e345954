"""The polling safety net: postings Ozon shows, turned into the inbox rows their pushes would be.

Ozon advises polling because pushes can lag, be dropped after their retries, or be suspended.
Each posting found becomes an inbox entry with the same dedup key the push about the same change
has (`resources.store.inbox_keys`), so a change that arrives both ways is handled once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from resources.ozon.client import OzonClient
from resources.ozon.models.postings import Posting
from resources.store.inbox import InboxEntry, InboxRepo
from resources.store.inbox_keys import (
    NEW_POSTING_STATUSES,
    PUSH_STATE_TO_STATUS,
    new_posting_key,
    state_key,
    status_for_state,
)

WATERMARK = "postings"
# Ozon caps every posting window at one year. Windows are set on Ozon's clock (the Date of its
# replies) and reach well past its now, so a change stamped after our reading loses nothing.
_AHEAD = timedelta(days=30)
_CREATED_SPAN = timedelta(days=360)
_CUTOFF_SPAN = timedelta(days=120)
_CUTOFF_AHEAD = timedelta(days=180)

# The push state Ozon would send for a status, when the posting's substatus is not one.
_STATE_FOR_STATUS: dict[str, str] = {}
for _state, _status in PUSH_STATE_TO_STATUS.items():
    _STATE_FOR_STATUS.setdefault(_status, _state)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _products(posting: Posting) -> list[dict[str, Any]]:
    return [
        {"sku": p.sku, "offer_id": p.offer_id, "quantity": p.quantity} for p in posting.products
    ]


def _push_state(posting: Posting) -> str:
    if posting.substatus and status_for_state(posting.substatus) == posting.status:
        return posting.substatus
    return _STATE_FOR_STATUS.get(posting.status, posting.substatus or posting.status)


def entries_for(posting: Posting, seller_id: int) -> list[InboxEntry]:
    """The inbox entries a polled posting stands for, shaped as Ozon's pushes."""
    number = posting.posting_number
    common = {"seller_id": seller_id, "posting_number": number}
    if posting.status in NEW_POSTING_STATUSES:
        payload: dict[str, Any] = {
            "message_type": "TYPE_NEW_POSTING",
            **common,
            "products": _products(posting),
            "in_process_at": _iso(posting.in_process_at),
            "warehouse_id": posting.warehouse_id,
            "shipment_date": _iso(posting.shipment_date),
            "tpl_integration_type": posting.tpl_integration_type,
            "is_express": bool(posting.is_express),
            "tracking_number": posting.tracking_number,
        }
        key = new_posting_key(number)
    elif posting.status == "cancelled":
        payload = {
            "message_type": "TYPE_POSTING_CANCELLED",
            **common,
            "products": _products(posting),
            "old_state": posting.previous_substatus,
            "new_state": "posting_canceled",
            "changed_state_date": None,
            "reason": {
                "id": posting.cancellation.cancel_reason_id,
                "message": posting.cancellation.cancel_reason,
            },
            "warehouse_id": posting.warehouse_id,
        }
        key = state_key(number, "cancelled")
    elif posting.status:
        payload = {
            "message_type": "TYPE_STATE_CHANGED",
            **common,
            "new_state": _push_state(posting),
            "changed_state_date": None,
            "warehouse_id": posting.warehouse_id,
        }
        key = state_key(number, posting.status)
    else:
        return []
    return [
        InboxEntry(
            dedup_key=key,
            message_type=payload["message_type"],
            payload={k: v for k, v in payload.items() if v is not None},
            posting_number=number,
            source="poll",
        )
    ]


@dataclass
class PollReport:
    """What one poll saw and stored."""

    window_from: datetime
    window_to: datetime
    unfulfilled_seen: int = 0
    changed_seen: int = 0
    created: int = 0
    known: int = 0
    created_by_type: dict[str, int] = field(default_factory=dict)
    watermark: datetime | None = None


def _store(repo: InboxRepo, entries: Iterable[InboxEntry], report: PollReport) -> None:
    batch = list(entries)
    for entry, (_id, created) in zip(batch, repo.add_many(batch), strict=True):
        if created:
            report.created += 1
            kind = entry.message_type
            report.created_by_type[kind] = report.created_by_type.get(kind, 0) + 1
        else:
            report.known += 1


def poll_postings(
    client: OzonClient,
    repo: InboxRepo,
    *,
    seller_id: int,
    overlap: timedelta,
    initial_lookback: timedelta,
    now: datetime | None = None,
) -> PollReport:
    """Read postings whose status changed since the watermark into the inbox, then move it.

    The watermark is the newest Ozon-side time seen (a posting's ``in_process_at``), never our
    own clock: a change Ozon stamps later than that is always inside the next window, even when
    Ozon's clock and ours disagree. It moves only after every page is stored, so a poll that
    fails halfway is repeated in full, and the dedup keys make the repeat harmless.
    """
    moment = (now or client.ozon_now()).astimezone(UTC)
    last = repo.watermark(WATERMARK)
    start = (last - overlap) if last is not None else moment - initial_lookback
    end = moment + _AHEAD
    report = PollReport(window_from=start, window_to=end)
    changed = (start, end)
    newest: datetime | None = None

    def take(postings: list[Posting]) -> None:
        nonlocal newest
        for posting in postings:
            seen = posting.in_process_at
            if seen is not None and seen <= end and (newest is None or seen > newest):
                newest = seen
        _store(repo, (e for p in postings for e in entries_for(p, seller_id)), report)

    # The first poll takes the whole open queue, whatever its times: every posting still to be
    # packed is known from then on, even if Ozon's clock and ours disagree.
    queue = client.postings.list_unfulfilled(
        cutoff_from=end - _CUTOFF_SPAN,
        cutoff_to=end + _CUTOFF_AHEAD,
        status_changed=changed if last is not None else None,
    )
    for page in queue.pages():
        report.unfulfilled_seen += len(page.postings)
        take(page.postings)
    history = client.postings.list(since=end - _CREATED_SPAN, to=end, status_changed=changed)
    for page in history.pages():
        report.changed_seen += len(page.postings)
        take(page.postings)
    if newest is not None:
        repo.set_watermark(WATERMARK, newest)
    report.watermark = newest or last
    return report
