"""What makes two inbox messages "the same": the dedup key of a push or of a polled change.

Ozon retries a push with the same body, and the polling safety net may find the same change
again; both must land on one inbox row. So the key names the change, not the delivery:
``new:<posting>``, ``cancelled:<posting>``, ``state:<posting>:<API status>``,
``cutoff:<posting>:<new cutoff>``, ``delivery_date:<posting>:<begin>:<end>``; any other type is
keyed by a hash of its canonical body.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

# Push states (`posting_*`, what TYPE_STATE_CHANGED carries) to the posting `status` the API
# shows (API-NOTES §11, Ozon's mapping table). A polled status maps to the same key.
PUSH_STATE_TO_STATUS: dict[str, str] = {
    "posting_created": "awaiting_packaging",
    "posting_awaiting_registration": "awaiting_registration",
    "posting_acceptance_in_progress": "acceptance_in_progress",
    "posting_transferring_to_delivery": "awaiting_deliver",
    "posting_in_carriage": "awaiting_deliver",
    "posting_not_in_carriage": "awaiting_deliver",
    "posting_on_way_to_city": "delivering",
    "posting_transferred_to_courier_service": "delivering",
    "posting_in_courier_service": "delivering",
    "posting_on_way_to_pickup_point": "delivering",
    "posting_in_pickup_point": "delivering",
    "posting_conditionally_delivered": "delivering",
    "posting_driver_pick_up": "driver_pickup",
    "posting_delivered": "delivered",
    "posting_received": "delivered",
    "posting_canceled": "cancelled",
    "posting_cancelled": "cancelled",
    "posting_not_in_sort_center": "not_accepted",
    "posting_in_arbitration": "arbitration",
    "posting_in_client_arbitration": "client_arbitration",
}

# Statuses a new posting is in when it reaches the seller (API-NOTES §5).
NEW_POSTING_STATUSES = frozenset(
    {"awaiting_packaging", "awaiting_approve", "awaiting_verification"}
)


def _norm_time(value: Any) -> str:
    """One spelling per instant, so '…Z', '…+00:00' and '….000Z' give the same key."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def status_for_state(state: str) -> str:
    """The API status a push state means (unknown states stand for themselves)."""
    return PUSH_STATE_TO_STATUS.get(state, state)


def new_posting_key(posting_number: str) -> str:
    """Key of "this posting reached the seller"."""
    return f"new:{posting_number}"


def cancelled_key(posting_number: str) -> str:
    """Key of "this posting was cancelled" (by push or found by polling)."""
    return f"cancelled:{posting_number}"


def state_key(posting_number: str, status: str) -> str:
    """Key of "this posting reached this API status"; cancelled is one key whatever its source."""
    if status == "cancelled":
        return cancelled_key(posting_number)
    return f"state:{posting_number}:{status}"


def body_hash(payload: dict[str, Any] | bytes) -> str:
    """SHA-256 of a canonical JSON body (or of raw bytes)."""
    if isinstance(payload, bytes):
        data = payload
    else:
        data = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(data).hexdigest()


def dedup_key(payload: dict[str, Any]) -> str:
    """The dedup key of a push payload (already known to be a JSON object with a type)."""
    message_type = str(payload.get("message_type", ""))
    posting = payload.get("posting_number")
    if isinstance(posting, str) and posting:
        if message_type == "TYPE_NEW_POSTING":
            return new_posting_key(posting)
        if message_type == "TYPE_POSTING_CANCELLED":
            return cancelled_key(posting)
        if message_type == "TYPE_STATE_CHANGED":
            return state_key(posting, status_for_state(str(payload.get("new_state", ""))))
        if message_type == "TYPE_CUTOFF_DATE_CHANGED":
            return f"cutoff:{posting}:{_norm_time(payload.get('new_cutoff_date'))}"
        if message_type == "TYPE_DELIVERY_DATE_CHANGED":
            begin = _norm_time(payload.get("new_delivery_date_begin"))
            end = _norm_time(payload.get("new_delivery_date_end"))
            return f"delivery_date:{posting}:{begin}:{end}"
    return f"{message_type.lower()[:40]}:{body_hash(payload)}"


def invalid_key(raw: bytes) -> str:
    """Key of a body that could not be accepted: one row per distinct body."""
    return f"invalid:{body_hash(raw)}"
