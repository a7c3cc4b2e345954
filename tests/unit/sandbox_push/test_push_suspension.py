"""Ozon's pause conditions, what a suspended account does, and resuming by a passed check."""

from __future__ import annotations

from typing import Any

from ozon_sandbox.push.rules import SuspendReason
from ozon_sandbox.testing import SandboxServer
from tests.support.push_receiver import Receiver, Reply, closed_port_url
from tests.support.sandbox import CLIENT_ID

POSTING = {"message_type": "TYPE_NEW_POSTING", "posting_number": "1-1-1", "products": []}
FAIL = Reply(status=500, body=b'{"error": {"code": "ERROR_UNKNOWN"}}')


def posting(n: int) -> dict[str, Any]:
    return {**POSTING, "posting_number": f"1000-{n}-1"}


def connect(server: SandboxServer, url: str) -> None:
    server.admin.configure_push(CLIENT_ID, url)


def test_fewer_than_half_answered_suspends_then_check_resumes(
    push_sandbox: Any, receiver: Receiver
) -> None:
    server = push_sandbox(health_window=4, health_min_attempts=4)
    admin = server.admin
    connect(server, receiver.url)
    receiver.answer(FAIL, FAIL, Reply(), FAIL)
    admin.emit_pushes(CLIENT_ID, [posting(n) for n in range(4)])

    report = admin.deliver_pushes(CLIENT_ID)

    assert (report.status, report.suspended_reason) == (
        "suspended",
        SuspendReason.LOW_SUCCESS_RATE,
    )
    # While suspended nothing goes out, however far the clock moves; new events queue up.
    admin.emit_pushes(CLIENT_ID, [posting(4)])
    admin.advance(3600)
    assert admin.deliver_pushes(CLIENT_ID).attempts == []
    status = admin.push_status(CLIENT_ID)
    assert status.status == "suspended" and status.queued == 4
    assert status.suspended_reason is SuspendReason.LOW_SUCCESS_RATE

    assert admin.check_push(CLIENT_ID).ok  # re-confirm the URL
    resumed = admin.deliver_pushes(CLIENT_ID)

    assert resumed.status == "active" and resumed.delivered == 4
    numbers = [m["posting_number"] for m in receiver.messages("TYPE_NEW_POSTING")]
    assert numbers[-4:] == ["1000-0-1", "1000-1-1", "1000-3-1", "1000-4-1"]


def test_failed_check_keeps_the_account_suspended(push_sandbox: Any, receiver: Receiver) -> None:
    server = push_sandbox(health_window=2, health_min_attempts=2)
    connect(server, receiver.url)
    receiver.answer(then=FAIL)
    server.admin.emit_pushes(CLIENT_ID, [posting(1), posting(2)])
    server.admin.deliver_pushes(CLIENT_ID)

    assert not server.admin.check_push(CLIENT_ID).ok
    assert server.admin.push_status(CLIENT_ID).status == "suspended"


def test_slow_answers_suspend(push_sandbox: Any, receiver: Receiver) -> None:
    server = push_sandbox(health_window=3, health_min_attempts=3, slow_reply_seconds=0.05)
    connect(server, receiver.url)
    receiver.answer(then=Reply(delay=0.1))  # answered 200 as documented, but slowly
    server.admin.emit_pushes(CLIENT_ID, [posting(n) for n in range(3)])

    report = server.admin.deliver_pushes(CLIENT_ID)

    assert report.delivered == 3
    assert (report.status, report.suspended_reason) == ("suspended", SuspendReason.SLOW_REPLIES)


def test_failing_for_24_hours_suspends(push_sandbox: Any, receiver: Receiver) -> None:
    server = push_sandbox()
    admin = server.admin
    connect(server, receiver.url)
    receiver.answer(then=FAIL)
    for hour in range(0, 24, 3):
        admin.emit_pushes(CLIENT_ID, [posting(hour)])
        report = admin.deliver_pushes(CLIENT_ID)
        assert report.status == "active", hour
        admin.advance(3 * 3600)
    admin.emit_pushes(CLIENT_ID, [posting(24)])

    report = admin.deliver_pushes(CLIENT_ID)

    assert (report.status, report.suspended_reason) == ("suspended", SuspendReason.FAILING_24H)


def test_one_success_restarts_the_24_hour_count(push_sandbox: Any, receiver: Receiver) -> None:
    server = push_sandbox()
    admin = server.admin
    connect(server, receiver.url)
    receiver.answer(then=FAIL)
    admin.emit_pushes(CLIENT_ID, [posting(0)])
    admin.deliver_pushes(CLIENT_ID)
    admin.advance(20 * 3600)
    receiver.answer(Reply(), then=FAIL)
    admin.emit_pushes(CLIENT_ID, [posting(1)])
    admin.deliver_pushes(CLIENT_ID)
    admin.advance(5 * 3600)
    admin.emit_pushes(CLIENT_ID, [posting(2)])

    assert admin.deliver_pushes(CLIENT_ID).status == "active"


def test_unreachable_service_suspends(push_sandbox: Any) -> None:
    server = push_sandbox(unreachable_suspend_seconds=1800)
    admin = server.admin
    connect(server, closed_port_url())
    admin.emit_pushes(CLIENT_ID, [posting(0)])
    first = admin.deliver_pushes(CLIENT_ID)
    assert first.attempts[0].outcome == "REQUEST_ERROR" and first.status == "active"

    reports = []
    for _ in range(6):  # the retries spread over more than half an hour
        admin.advance(600)
        reports.append(admin.deliver_pushes(CLIENT_ID))

    assert reports[0].status == "active"
    assert reports[-1].suspended_reason is SuspendReason.UNREACHABLE
    status = admin.push_status(CLIENT_ID)
    assert status.status == "suspended" and status.queued == 1  # kept for after resuming
