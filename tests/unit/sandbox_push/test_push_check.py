"""The cabinet's "Check" button: TYPE_PING and Ozon's connection-check codes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from ozon_sandbox.push.rules import Outcome
from ozon_sandbox.testing import SandboxServer
from tests.support.push_receiver import Receiver, Reply, closed_port_url
from tests.support.sandbox import CLIENT_ID

# A reply slower than this is a REQUEST_TIMEOUT; kept short so the suite stays fast.
TIMEOUT = 0.3
PING_OK = b'{"version": "1.0", "name": "novex", "time": "2026-12-01T06:00:00Z"}'


def test_passed_check_sends_ping_and_saves_the_url(
    push_sandbox: Any, receiver: Receiver, ozon_examples: Any
) -> None:
    server: SandboxServer = push_sandbox()
    check = server.admin.check_push(CLIENT_ID, receiver.url)

    assert check.ok and check.code is Outcome.OK and check.http_status == 200
    (ping,) = receiver.messages()
    assert ping["message_type"] == "TYPE_PING"
    assert set(ping) == set(_example(ozon_examples))
    assert datetime.fromisoformat(ping["time"]) == server.admin.clock().now  # sandbox time
    status = server.admin.push_status(CLIENT_ID)
    assert (status.status, status.url, status.last_check) == ("active", receiver.url, check)


def _example(examples: Any) -> dict[str, Any]:
    import json

    data = json.loads((examples / "push" / "TYPE_PING.request.json").read_text())
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (Reply(body=b'{"result": true}'), Outcome.WRONG_RESULT_FIELD),
        (
            Reply(body=b'{"version": "1", "time": "2026-12-01T06:00:00Z"}'),
            Outcome.WRONG_RESULT_FIELD,
        ),
        (
            Reply(body=b'{"version": "1", "name": "n", "time": "yesterday"}'),
            Outcome.WRONG_RESULT_TIME_FIELD,
        ),
        (
            Reply(body=b'{"version": "1", "name": "n", "time": 1764568800}'),
            Outcome.WRONG_RESULT_TIME_FIELD,
        ),
        (Reply(body=b"{version: 1"), Outcome.INVALID_JSON),
        (Reply(body=PING_OK, content_type="text/html"), Outcome.INVALID_BODY),
        (Reply(body=b""), Outcome.EMPTY_BODY),
        (Reply(status=500, body=b'{"error": {"code": "ERROR_UNKNOWN"}}'), Outcome.SERVER_FAULT),
        (Reply(status=404, body=PING_OK), Outcome.STATUS_CODE_NOT_OK),
        (Reply(status=204, body=b""), Outcome.STATUS_CODE_NOT_OK),
        (Reply(delay=TIMEOUT + 0.2), Outcome.REQUEST_TIMEOUT),
    ],
)
def test_bad_replies_get_ozons_check_codes(
    push_sandbox: Any, receiver: Receiver, reply: Reply, code: Outcome
) -> None:
    server: SandboxServer = push_sandbox(timeout_seconds=TIMEOUT)
    receiver.answer(reply)

    check = server.admin.check_push(CLIENT_ID, receiver.url)

    assert (check.ok, check.code) == (False, code)
    # A failed check neither saves the URL nor switches push on.
    status = server.admin.push_status(CLIENT_ID)
    assert (status.status, status.url) == ("unconfigured", None)


def test_unreachable_url_is_a_request_error(push_sandbox: Any) -> None:
    server: SandboxServer = push_sandbox()
    check = server.admin.check_push(CLIENT_ID, closed_port_url())
    assert (check.ok, check.code, check.http_status) == (False, Outcome.REQUEST_ERROR, None)
