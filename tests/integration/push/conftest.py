from __future__ import annotations

from collections.abc import Iterator

import pytest

from ozon_sandbox.admin import SeedStock
from ozon_sandbox.testing import SandboxServer
from tests.support.push_receiver import Receiver
from tests.support.sandbox import (
    CLIENT_ID,
    WAREHOUSE_IDS,
    sandbox_config,
    seed_catalog,
    start_sandbox,
)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def pushing_sandbox(receiver: Receiver) -> Iterator[SandboxServer]:
    """A frozen-clock sandbox with two cards, one holding a reservation, pushing to ``receiver``."""
    config = sandbox_config(
        time_factor=0,
        push={"url": receiver.url, "background": False, "timeout_seconds": 1.0},
    )
    server = start_sandbox(config)
    try:
        seed_catalog(server.admin, 2)
        server.admin.seed_stocks(
            CLIENT_ID,
            [SeedStock(offer_id="NVX-00001", warehouse_id=WAREHOUSE_IDS[0], present=3, reserved=3)],
        )
        yield server
    finally:
        server.stop()
