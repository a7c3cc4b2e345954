"""A frozen-clock sandbox with packed postings, and a client whose traffic is recorded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from ozon_sandbox.admin import SeedStock
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder
from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient
from tests.support.recording import Recorder, recording_client
from tests.support.sandbox import (
    API_KEY,
    CLIENT_ID,
    WAREHOUSE_IDS,
    sandbox_config,
    seed_catalog,
    start_sandbox,
)

WAREHOUSE_ID = WAREHOUSE_IDS[0]
OTHER_WAREHOUSE_ID = WAREHOUSE_IDS[1]
# Sandbox epoch is 2026-12-01 06:00 UTC (09:00 at the Moscow-time warehouse); its drop-off
# slot opens at 10:00 local = 07:00 UTC.
SETTLE_S = 61
FORMING_S = 61
HOUR = 3600
DAY = 24 * HOUR


@pytest.fixture
def frozen() -> Iterator[SandboxServer]:
    """A sandbox whose clock moves only when the test advances it."""
    server = start_sandbox(sandbox_config(time_factor=0))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def recorder() -> Recorder:
    """The calls of the ``client`` fixture."""
    return Recorder()


@pytest.fixture
def client(frozen: SandboxServer, recorder: Recorder) -> Iterator[OzonClient]:
    """An Ozon client for the frozen sandbox, recording its traffic."""
    with recording_client(frozen, recorder) as ozon:
        yield ozon


def place_orders(
    server: SandboxServer,
    count: int,
    *,
    warehouse_id: int = WAREHOUSE_ID,
    cutoff: datetime | None = None,
    prefix: str = "NVX-",
) -> list[str]:
    """Place ``count`` one-item buyer orders; returns the new posting numbers."""
    offers = seed_catalog(server.admin, count, prefix=prefix)
    server.admin.seed_stocks(
        CLIENT_ID, [SeedStock(offer_id=o, warehouse_id=warehouse_id, present=50) for o in offers]
    )
    orders = [
        PlaceOrder(warehouse_id=warehouse_id, items=[OrderLine(offer_id=o)], shipment_date=cutoff)
        for o in offers
    ]
    return server.admin.place_orders(CLIENT_ID, orders)


def ship(server: SandboxServer, numbers: list[str]) -> None:
    """Pack each posting whole into one box, through a client of its own (not recorded)."""
    postings = server.admin.postings(CLIENT_ID)
    with OzonClient(server.url, CLIENT_ID, API_KEY, max_attempts=1) as ozon:
        for number in numbers:
            box = [(p.sku, p.quantity) for p in postings[number].products]
            ozon.postings.ship(number, [box])


def packed(server: SandboxServer, count: int, **kwargs: Any) -> list[str]:
    """``count`` postings in ``awaiting_deliver``, packed long enough ago to join a shipment."""
    numbers = place_orders(server, count, **kwargs)
    ship(server, numbers)
    server.admin.advance(SETTLE_S)
    return numbers


def pushes(server: SandboxServer) -> list[dict[str, Any]]:
    """Pushes the postings domain emitted."""
    return server.admin.posting_pushes(CLIENT_ID)
