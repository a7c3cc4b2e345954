"""Delivery: order, payload shapes, retries on sandbox time, drops, type choice, periodic PING."""

from __future__ import annotations

import itertools
import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from ozon_sandbox.push.rules import MAX_ATTEMPTS, RETRY_DELAYS, Outcome
from ozon_sandbox.testing import SandboxServer
from resources.ozon import parse_push
from resources.ozon.push import PUSH_MODELS
from tests.support.push_receiver import Receiver, Reply
from tests.support.sandbox import CLIENT_ID

EXAMPLE_TYPES = (
    "TYPE_NEW_POSTING",
    "TYPE_POSTING_CANCELLED",
    "TYPE_STATE_CHANGED",
    "TYPE_CUTOFF_DATE_CHANGED",
    "TYPE_DELIVERY_DATE_CHANGED",
    "TYPE_CREATE_OR_UPDATE_ITEM",
    "TYPE_NEW_MESSAGE",
    "TYPE_CHAT_CLOSED",
)


def example(examples: Path, message_type: str) -> dict[str, Any]:
    data = json.loads((examples / "push" / f"{message_type}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def raised(examples: Path, message_type: str) -> dict[str, Any]:
    """The example as a domain would emit it: Ozon's payload without seller_id."""
    return {k: v for k, v in example(examples, message_type).items() if k != "seller_id"}


def test_pushes_arrive_in_order_with_ozons_shapes(
    connected: SandboxServer, receiver: Receiver, ozon_examples: Path
) -> None:
    admin = connected.admin
    admin.emit_pushes(CLIENT_ID, [raised(ozon_examples, t) for t in EXAMPLE_TYPES])

    report = admin.deliver_pushes(CLIENT_ID)

    assert report.delivered == len(EXAMPLE_TYPES) and report.queued == 0
    got = receiver.messages()
    assert [m["message_type"] for m in got] == list(EXAMPLE_TYPES)
    for message in got:
        reference = example(ozon_examples, message["message_type"])
        assert set(message) == set(reference), message["message_type"]
        # seller_id is the Client-Id: a number, except on chat pushes where Ozon sends a string.
        assert type(message["seller_id"]) is type(reference["seller_id"])
        assert str(message["seller_id"]) == CLIENT_ID
        # ... and the client's push models read what the sandbox sends.
        assert type(parse_push(message)) is PUSH_MODELS[message["message_type"]]
    assert all(r.content_type == "application/json" for r in receiver.received)
    assert admin.push_status(CLIENT_ID).counters.delivered == len(EXAMPLE_TYPES)


def test_failed_push_is_retried_identically_once_the_clock_reaches_the_retry(
    connected: SandboxServer, receiver: Receiver, ozon_examples: Path
) -> None:
    admin = connected.admin
    admin.emit_pushes(CLIENT_ID, [raised(ozon_examples, "TYPE_NEW_POSTING")])
    receiver.answer(Reply(status=500, body=b'{"error": {"code": "ERROR_UNKNOWN"}}'))

    first = admin.deliver_pushes(CLIENT_ID)
    assert [a.outcome for a in first.attempts] == [Outcome.SERVER_FAULT]
    assert admin.deliver_pushes(CLIENT_ID).attempts == []  # not due yet: no real-time wait

    admin.advance(RETRY_DELAYS[0].total_seconds())
    second = admin.deliver_pushes(CLIENT_ID)

    assert [(a.attempt, a.outcome) for a in second.attempts] == [(2, Outcome.OK)]
    assert len(receiver.received) == 2
    assert receiver.received[0].raw == receiver.received[1].raw  # byte-identical retry
    status = admin.push_status(CLIENT_ID)
    assert (status.counters.delivered, status.counters.retried, status.queued) == (1, 1, 0)


def test_push_is_dropped_after_the_last_retry_of_ozons_schedule(
    connected: SandboxServer, receiver: Receiver, ozon_examples: Path
) -> None:
    admin = connected.admin
    receiver.answer(then=Reply(status=503, body=b""))
    admin.emit_pushes(CLIENT_ID, [raised(ozon_examples, "TYPE_STATE_CHANGED")])

    admin.deliver_pushes(CLIENT_ID)
    for delay in RETRY_DELAYS:
        admin.advance(delay.total_seconds())
        admin.deliver_pushes(CLIENT_ID)
    admin.advance(3600)
    assert admin.deliver_pushes(CLIENT_ID).attempts == []

    status = admin.push_status(CLIENT_ID)
    assert len(receiver.received) == MAX_ATTEMPTS == 13
    assert (status.counters.dropped, status.queued) == (1, 0)
    assert status.recent[-1].dropped
    times = [a.at for a in status.recent if a.push_id is not None]
    # Growing gaps up to ten minutes, then five more tries ten minutes apart.
    assert [b - a for a, b in itertools.pairwise(times)] == list(RETRY_DELAYS)
    assert [d for d in RETRY_DELAYS if d == timedelta(minutes=10)] == [RETRY_DELAYS[-1]] * 5


def test_wrong_acknowledgement_counts_as_a_failure(
    connected: SandboxServer, receiver: Receiver, ozon_examples: Path
) -> None:
    admin = connected.admin
    receiver.answer(Reply(body=b'{"result": false}'), Reply(body=b"ok", content_type="text/plain"))
    admin.emit_pushes(CLIENT_ID, [raised(ozon_examples, t) for t in EXAMPLE_TYPES[:2]])

    report = admin.deliver_pushes(CLIENT_ID)

    assert [a.outcome for a in report.attempts] == [
        Outcome.WRONG_RESULT_FIELD,
        Outcome.INVALID_BODY,
    ]
    assert report.queued == 2


def test_only_the_chosen_types_are_sent(
    connected: SandboxServer, receiver: Receiver, ozon_examples: Path
) -> None:
    admin = connected.admin
    admin.configure_push(CLIENT_ID, receiver.url, types=["TYPE_NEW_POSTING"])
    admin.emit_pushes(
        CLIENT_ID, [raised(ozon_examples, t) for t in ("TYPE_STATE_CHANGED", "TYPE_NEW_POSTING")]
    )

    admin.deliver_pushes(CLIENT_ID)

    assert [m["message_type"] for m in receiver.messages()] == ["TYPE_NEW_POSTING"]
    assert admin.push_status(CLIENT_ID).counters.filtered == 1


def test_price_index_push_is_never_sent_nor_selectable(
    connected: SandboxServer, receiver: Receiver
) -> None:
    admin = connected.admin
    admin.emit_pushes(CLIENT_ID, [{"message_type": "TYPE_PRICE_INDEX_CHANGED", "sku": 1}])
    admin.deliver_pushes(CLIENT_ID)

    assert receiver.received == []
    assert admin.push_status(CLIENT_ID).counters.refused == 1
    refused = httpx.put(
        f"{connected.url}/sandbox/accounts/{CLIENT_ID}/push",
        json={"url": receiver.url, "types": ["TYPE_PRICE_INDEX_CHANGED"]},
    )
    assert refused.status_code == 422 and "removed by Ozon" in refused.text


def test_nothing_is_sent_while_push_is_off(
    push_sandbox: Any, receiver: Receiver, ozon_examples: Path
) -> None:
    server: SandboxServer = push_sandbox()
    admin = server.admin
    admin.emit_pushes(CLIENT_ID, [raised(ozon_examples, "TYPE_NEW_POSTING")])
    assert admin.push_status(CLIENT_ID).status == "unconfigured"
    admin.deliver_pushes(CLIENT_ID)

    # Connecting later does not replay earlier events; disabling drops what was queued.
    admin.configure_push(CLIENT_ID, receiver.url)
    admin.deliver_pushes(CLIENT_ID)
    admin.emit_pushes(CLIENT_ID, [raised(ozon_examples, "TYPE_NEW_POSTING")])
    off = admin.configure_push(CLIENT_ID, receiver.url, enabled=False)
    admin.deliver_pushes(CLIENT_ID)

    assert receiver.received == []
    assert off.status == "disabled" and off.counters.discarded == 2


def test_periodic_ping_on_sandbox_time(push_sandbox: Any, receiver: Receiver) -> None:
    server: SandboxServer = push_sandbox(ping_interval_seconds=600)
    admin = server.admin
    admin.configure_push(CLIENT_ID, receiver.url)
    admin.deliver_pushes(CLIENT_ID)
    assert receiver.received == []

    now = admin.advance(600).now
    admin.deliver_pushes(CLIENT_ID)

    (ping,) = receiver.messages()
    assert set(ping) == {"message_type", "time"}  # no seller_id on PING
    assert ping["message_type"] == "TYPE_PING"
    assert ping["time"] == now.isoformat().replace("+00:00", "Z")


def test_background_loop_delivers_without_being_asked(
    push_sandbox: Any, receiver: Receiver, ozon_examples: Path
) -> None:
    server: SandboxServer = push_sandbox(background=True, url=receiver.url)
    assert server.admin.push_status(CLIENT_ID).status == "active"  # URL from the config
    server.admin.emit_pushes(CLIENT_ID, [raised(ozon_examples, "TYPE_NEW_POSTING")])

    deadline = time.monotonic() + 5
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.01)

    assert [m["message_type"] for m in receiver.messages()] == ["TYPE_NEW_POSTING"]
