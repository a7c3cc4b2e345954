"""Ozon's published push rules: the types it sends, retry gaps, and connection-check codes."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

PING = "TYPE_PING"

# Types a seller can subscribe to (the beta notification API's enum plus the cabinet list).
# TYPE_CREATE_ITEM / TYPE_UPDATE_ITEM were suspended in 2023 but are still described, and
# TYPE_POSTING_SHIPPED exists only in the beta enum; all three stay selectable.
PUSH_TYPES: tuple[str, ...] = (
    "TYPE_NEW_POSTING",
    "TYPE_POSTING_CANCELLED",
    "TYPE_STATE_CHANGED",
    "TYPE_CUTOFF_DATE_CHANGED",
    "TYPE_DELIVERY_DATE_CHANGED",
    "TYPE_POSTING_SHIPPED",
    "TYPE_CREATE_OR_UPDATE_ITEM",
    "TYPE_CREATE_ITEM",
    "TYPE_UPDATE_ITEM",
    "TYPE_STOCKS_CHANGED",
    "TYPE_NEW_MESSAGE",
    "TYPE_UPDATE_MESSAGE",
    "TYPE_MESSAGE_READ",
    "TYPE_CHAT_CLOSED",
)

# Removed from Ozon's documentation on 2025-09-17: never delivered, never selectable.
RETIRED_TYPES: frozenset[str] = frozenset({"TYPE_PRICE_INDEX_CHANGED"})

# Chat pushes carry seller_id as a string in Ozon's examples, every other type as a number.
CHAT_TYPES: frozenset[str] = frozenset(
    {"TYPE_NEW_MESSAGE", "TYPE_UPDATE_MESSAGE", "TYPE_MESSAGE_READ", "TYPE_CHAT_CLOSED"}
)

# "Retried after a few seconds with growing gaps up to 10 min, then 5 more tries every 10 min,
# then dropped." The exact growing gaps are not published; doubling from 5 s is the sandbox's.
RETRY_DELAYS: tuple[timedelta, ...] = tuple(
    timedelta(seconds=s) for s in (5, 10, 20, 40, 80, 160, 320, 600, 600, 600, 600, 600)
)
MAX_ATTEMPTS = 1 + len(RETRY_DELAYS)


class Outcome(StrEnum):
    """How one delivery attempt ended; the failure names are the cabinet's check codes."""

    OK = "OK"
    REQUEST_ERROR = "REQUEST_ERROR"
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    SERVER_FAULT = "SERVER_FAULT"
    STATUS_CODE_NOT_OK = "STATUS_CODE_NOT_OK"
    EMPTY_BODY = "EMPTY_BODY"
    INVALID_BODY = "INVALID_BODY"
    INVALID_JSON = "INVALID_JSON"
    WRONG_RESULT_FIELD = "WRONG_RESULT_FIELD"
    WRONG_RESULT_TIME_FIELD = "WRONG_RESULT_TIME_FIELD"


class SuspendReason(StrEnum):
    """Why Ozon paused every push to the account (one per documented condition)."""

    UNREACHABLE = "UNREACHABLE"
    FAILING_24H = "FAILING_24H"
    LOW_SUCCESS_RATE = "LOW_SUCCESS_RATE"
    SLOW_REPLIES = "SLOW_REPLIES"
