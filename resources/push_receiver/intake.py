"""What the receiver does with one request body: the inbox entry to store and the reply to give.

Pure functions, no I/O: the app stores the entry (durably) and only then sends the reply.
Replies follow API-NOTES §11: PING → ``{version, name, time}``, any other accepted type →
``{"result": true}``, a refused body → 4xx with ``{"error": {code, message, details}}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from resources.ozon.push import PUSH_MODELS, ack_reply, error_reply, parse_push, ping_reply
from resources.store.inbox import InboxEntry
from resources.store.inbox_keys import dedup_key, invalid_key

PING = "TYPE_PING"
# Types Ozon documents; TYPE_POSTING_SHIPPED is in the beta notification API's enum only, with no
# payload published, so it is stored as received (parse_push gives it as UnknownPush).
KNOWN_TYPES = frozenset(PUSH_MODELS) | {"TYPE_POSTING_SHIPPED"}
# Stored text of a refused body is cut here: enough to see what was sent.
INVALID_KEEP_BYTES = 65_536


@dataclass(frozen=True)
class Reply:
    """HTTP status and JSON body to answer with."""

    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class Intake:
    """The outcome for one body: store ``entry`` (if any) before sending ``reply``."""

    reply: Reply
    entry: InboxEntry | None = None

    @property
    def accepted(self) -> bool:
        """Whether the body is a message to process (not a ping, not refused)."""
        return self.entry is not None and self.entry.status == "pending"


def _refused(raw: bytes, status: int, code: str, reason: str, message_type: str = "") -> Intake:
    text = raw[:INVALID_KEEP_BYTES].decode("utf-8", errors="replace")
    entry = InboxEntry(
        dedup_key=invalid_key(raw),
        message_type=message_type[:64],
        payload=text,
        status="invalid",
        error=reason,
    )
    return Intake(Reply(status, error_reply(code, reason)), entry)


def oversized(raw_head: bytes, max_bytes: int) -> Intake:
    """A body over the size limit: refused, its head kept for inspection."""
    return _refused(raw_head, 413, "ERROR_UNKNOWN", f"body larger than {max_bytes} bytes")


def classify(raw: bytes, *, app_name: str, app_version: str, now: datetime | None = None) -> Intake:
    """Decide what a push body is and what to answer."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _refused(raw, 400, "ERROR_UNKNOWN", "body is not valid JSON")
    if not isinstance(data, dict):
        return _refused(raw, 400, "ERROR_UNKNOWN", "body is not a JSON object")
    message_type = data.get("message_type")
    if not isinstance(message_type, str) or not message_type:
        return _refused(raw, 400, "ERROR_PARAMETER_VALUE_MISSED", "message_type is missing")
    if message_type == PING:
        return Intake(Reply(200, ping_reply(app_name, app_version, now)))
    if message_type not in KNOWN_TYPES:
        return _refused(
            raw, 400, "ERROR_UNKNOWN", f"unknown message_type {message_type!r}", message_type
        )
    try:
        parse_push(data)
    except ValidationError as exc:
        missing = [
            ".".join(str(p) for p in e["loc"]) for e in exc.errors() if e["type"] == "missing"
        ]
        if missing:
            reason = f"{message_type}: missing {', '.join(missing)}"
            return _refused(raw, 400, "ERROR_PARAMETER_VALUE_MISSED", reason, message_type)
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        reason = f"{message_type}: {where}: {first['msg']}"
        return _refused(raw, 400, "ERROR_UNKNOWN", reason, message_type)
    posting = data.get("posting_number")
    entry = InboxEntry(
        dedup_key=dedup_key(data),
        message_type=message_type,
        payload=raw.decode("utf-8"),
        posting_number=posting if isinstance(posting, str) and posting else None,
        source="push",
    )
    return Intake(Reply(200, ack_reply()), entry)
