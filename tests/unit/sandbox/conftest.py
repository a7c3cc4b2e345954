from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ozon_sandbox.testing import SandboxServer
from tests.support.sandbox import ozon_client, sandbox, sandbox_config, start_sandbox

__all__ = ["sandbox"]


@pytest.fixture
def frozen() -> Iterator[SandboxServer]:
    """A sandbox whose clock moves only when a test advances it: limits become exact."""
    server = start_sandbox(sandbox_config(time_factor=0))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def api(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with ozon_client(sandbox) as client:
        yield client


@pytest.fixture
def frozen_api(frozen: SandboxServer) -> Iterator[httpx.Client]:
    with ozon_client(frozen) as client:
        yield client
