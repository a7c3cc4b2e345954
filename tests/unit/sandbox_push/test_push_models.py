"""Ozon's real push payloads and replies parse into the client's push models."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ozon_sandbox.push.replies import judge_reply
from ozon_sandbox.push.rules import PUSH_TYPES, Outcome
from resources.ozon import ack_reply, error_reply, parse_push, ping_reply
from resources.ozon.models.push import (
    ChatPush,
    NewPostingPush,
    PingPush,
    PingReply,
    PushAck,
    PushErrorReply,
    StocksChangedPush,
    UnknownPush,
)
from resources.ozon.push import PUSH_MODELS

PAYLOADS = sorted(
    name
    for name in (
        "TYPE_CHAT_CLOSED",
        "TYPE_CREATE_ITEM",
        "TYPE_CREATE_OR_UPDATE_ITEM",
        "TYPE_CUTOFF_DATE_CHANGED",
        "TYPE_DELIVERY_DATE_CHANGED",
        "TYPE_MESSAGE_READ",
        "TYPE_NEW_MESSAGE",
        "TYPE_NEW_POSTING",
        "TYPE_POSTING_CANCELLED",
        "TYPE_STATE_CHANGED",
        "TYPE_STOCKS_CHANGED",
        "TYPE_UPDATE_ITEM",
        "TYPE_UPDATE_MESSAGE",
    )
)


def load(examples: Path, name: str) -> dict[str, Any]:
    data = json.loads((examples / "push" / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_every_push_example_is_covered(ozon_examples: Path) -> None:
    files = {p.stem for p in (ozon_examples / "push").glob("TYPE_*.json") if "." not in p.stem}
    assert files == set(PAYLOADS)
    assert set(PUSH_TYPES) | {"TYPE_PING"} >= set(PUSH_MODELS)


@pytest.mark.parametrize("name", PAYLOADS)
def test_example_payload_parses_into_its_model(ozon_examples: Path, name: str) -> None:
    data = load(ozon_examples, f"{name}.json")
    # Ozon's TYPE_STOCKS_CHANGED example carries the placeholder "string" as its type.
    model = PUSH_MODELS[name]
    push = model.model_validate(data)
    assert isinstance(push, model)
    if data["message_type"] == name:
        assert type(parse_push(json.dumps(data, ensure_ascii=False))) is model
    assert push.seller_id == int(data["seller_id"])


def test_parsed_values_are_typed(ozon_examples: Path) -> None:
    posting = parse_push(load(ozon_examples, "TYPE_NEW_POSTING.json"))
    assert isinstance(posting, NewPostingPush)
    assert posting.products[0].sku == 147451939 and posting.warehouse_id == 12850503335000
    chat = parse_push(load(ozon_examples, "TYPE_NEW_MESSAGE.json"))
    assert isinstance(chat, ChatPush) and chat.seller_id == 7 and chat.data == ["Текст сообщения"]
    stocks = StocksChangedPush.model_validate(load(ozon_examples, "TYPE_STOCKS_CHANGED.json"))
    assert stocks.items[0].stocks[0].present == 0


def test_ping_and_replies_parse(ozon_examples: Path) -> None:
    ping = PingPush.model_validate(load(ozon_examples, "TYPE_PING.request.json"))
    assert ping.time == datetime(2019, 8, 24, 14, 15, 22, tzinfo=UTC)
    PingReply.model_validate(load(ozon_examples, "TYPE_PING.response-ok.json"))
    assert PushAck.model_validate(load(ozon_examples, "ack.response-ok.json")).result is True
    error = PushErrorReply.model_validate(load(ozon_examples, "error.response.json"))
    assert error.error.code == "ERROR_UNKNOWN"


def test_unknown_types_are_kept_whole() -> None:
    push = parse_push(b'{"message_type": "TYPE_SOMETHING_NEW", "seller_id": "15", "x": 1}')
    assert isinstance(push, UnknownPush) and push.raw["x"] == 1 and push.seller_id == 15
    with pytest.raises(ValueError, match="message_type"):
        parse_push(b"[]")


def test_the_client_replies_pass_the_sandbox_judge() -> None:
    # What a receiver built on the client answers is what Ozon accepts.
    ping = json.dumps(ping_reply("novex", "1.0")).encode()
    assert judge_reply("TYPE_PING", 200, "application/json", ping) is Outcome.OK
    ack = json.dumps(ack_reply()).encode()
    assert judge_reply("TYPE_NEW_POSTING", 200, "application/json", ack) is Outcome.OK
    assert error_reply("ERROR_REQUEST_DUPLICATED", "seen")["error"]["details"] is None
