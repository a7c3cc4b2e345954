"""Judging a receiver's reply the way Ozon does (API-NOTES §11, the cabinet's check codes)."""

from __future__ import annotations

import json
from datetime import datetime

from ozon_sandbox.push.rules import PING, Outcome


def _is_rfc3339(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return False
    return parsed.tzinfo is not None


def judge_reply(message_type: str, status: int, content_type: str, body: bytes) -> Outcome:
    """Outcome of a reply: PING wants ``{version, name, time}``, others ``{"result": true}``."""
    if status >= 500:
        return Outcome.SERVER_FAULT
    if status != 200:
        return Outcome.STATUS_CODE_NOT_OK
    if not body.strip():
        return Outcome.EMPTY_BODY
    if content_type.split(";")[0].strip().lower() != "application/json":
        return Outcome.INVALID_BODY
    try:
        data = json.loads(body)
    except ValueError:
        return Outcome.INVALID_JSON
    if not isinstance(data, dict):
        return Outcome.WRONG_RESULT_FIELD
    if message_type == PING:
        if not isinstance(data.get("version"), str) or not isinstance(data.get("name"), str):
            return Outcome.WRONG_RESULT_FIELD
        if "time" not in data:
            return Outcome.WRONG_RESULT_FIELD
        return Outcome.OK if _is_rfc3339(data["time"]) else Outcome.WRONG_RESULT_TIME_FIELD
    return Outcome.OK if data.get("result") is True else Outcome.WRONG_RESULT_FIELD
