from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ozon_sandbox.testing import SandboxServer
from tests.support.push_receiver import Receiver
from tests.support.sandbox import CLIENT_ID, sandbox_config, start_sandbox

# Short real-time waits keep the suite fast: a reply slower than TIMEOUT is a REQUEST_TIMEOUT.
TIMEOUT = 0.3
FAST_PUSH = {
    "timeout_seconds": TIMEOUT,
    "slow_reply_seconds": 0.15,
    "ping_interval_seconds": 0,
    "background": False,
    # Out of the way unless a test is about these rules.
    "health_min_attempts": 1000,
    "health_window": 1000,
}

StartSandbox = Callable[..., SandboxServer]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def push_sandbox() -> Iterator[StartSandbox]:
    """Start a frozen-clock sandbox with push settings overridden per test."""
    servers: list[SandboxServer] = []

    def start(**push: Any) -> SandboxServer:
        server = start_sandbox(sandbox_config(time_factor=0, push={**FAST_PUSH, **push}))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def connected(push_sandbox: StartSandbox, receiver: Receiver) -> SandboxServer:
    """A sandbox whose account 123456 pushes to ``receiver``, connected by a passed check."""
    server = push_sandbox()
    check = server.admin.check_push(CLIENT_ID, receiver.url)
    assert check.ok, check
    receiver.received.clear()
    return server
