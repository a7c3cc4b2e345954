"""Receiving Ozon's push notifications: parse a body, build the replies Ozon expects.

Ozon judges the reply (API-NOTES §11): PING wants ``{version, name, time}``, every other type
``{"result": true}``, failures a 4xx/5xx with an ``error`` object. Wrong replies count against the
endpoint and can get every push suspended, so they are built here, once.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from resources.ozon.models.push import (
    ChatPush,
    CutoffDateChangedPush,
    DeliveryDateChangedPush,
    ItemChangedPush,
    NewPostingPush,
    PingPush,
    PingReply,
    PostingCancelledPush,
    PushAck,
    PushErrorInfo,
    PushErrorReply,
    PushMessage,
    StateChangedPush,
    StocksChangedPush,
    UnknownPush,
)

PUSH_MODELS: dict[str, type[PushMessage]] = {
    "TYPE_PING": PingPush,
    "TYPE_NEW_POSTING": NewPostingPush,
    "TYPE_POSTING_CANCELLED": PostingCancelledPush,
    "TYPE_STATE_CHANGED": StateChangedPush,
    "TYPE_CUTOFF_DATE_CHANGED": CutoffDateChangedPush,
    "TYPE_DELIVERY_DATE_CHANGED": DeliveryDateChangedPush,
    "TYPE_CREATE_OR_UPDATE_ITEM": ItemChangedPush,
    "TYPE_CREATE_ITEM": ItemChangedPush,
    "TYPE_UPDATE_ITEM": ItemChangedPush,
    "TYPE_STOCKS_CHANGED": StocksChangedPush,
    "TYPE_NEW_MESSAGE": ChatPush,
    "TYPE_UPDATE_MESSAGE": ChatPush,
    "TYPE_MESSAGE_READ": ChatPush,
    "TYPE_CHAT_CLOSED": ChatPush,
}


def parse_push(body: bytes | str | dict[str, Any]) -> PushMessage:
    """The typed push for a request body; unmodelled types become :class:`UnknownPush`.

    Raises:
        ValueError: the body is not a JSON object with a ``message_type``.
    """
    data = json.loads(body) if isinstance(body, bytes | str) else body
    if not isinstance(data, dict) or not isinstance(data.get("message_type"), str):
        raise ValueError("a push is a JSON object with a message_type")
    model = PUSH_MODELS.get(data["message_type"])
    if model is None:
        return UnknownPush.model_validate({**data, "raw": data})
    return model.model_validate(data)


def ping_reply(name: str, version: str, now: datetime | None = None) -> dict[str, str]:
    """The HTTP 200 body for ``TYPE_PING``: app name, version and UTC time."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    time = moment.isoformat(timespec="seconds").replace("+00:00", "Z")
    return PingReply(version=version, name=name, time=time).model_dump()


def ack_reply() -> dict[str, bool]:
    """The HTTP 200 body for any other processed push."""
    return PushAck().model_dump()


def error_reply(code: str, message: str) -> dict[str, Any]:
    """The 4xx/5xx body; ``code`` is ERROR_UNKNOWN, ERROR_PARAMETER_VALUE_MISSED or …_DUPLICATED."""
    info = PushErrorInfo.model_validate({"code": code, "message": message})
    return PushErrorReply(error=info).model_dump()
