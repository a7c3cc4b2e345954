"""Postings fixtures: a sandbox with stocked products, an OzonClient recording every exchange.

The ``frozen`` sandbox's clock moves only when a test advances it, so "labels are ready 45 s
after packing" is exact; the ``fast`` one runs at ×120 for the client's own waiting helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from ozon_sandbox.admin import SeedStock
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder
from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient
from tests.support.recording import Recorder, recording_client
from tests.support.sandbox import (
    CLIENT_ID,
    FAST_TIME_FACTOR,
    WAREHOUSE_IDS,
    sandbox_config,
    seed_catalog,
    start_sandbox,
)

WAREHOUSE = WAREHOUSE_IDS[0]
STOCK = 10


@dataclass
class Shop:
    """A running sandbox with stocked products and a recording client."""

    server: SandboxServer
    client: OzonClient
    recorder: Recorder
    offers: list[str]
    skus: dict[str, int]

    def order(self, *lines: tuple[str, int, bool], **fields: Any) -> str:
        """Place a buyer order of (offer_id, quantity, marked) lines; returns the posting."""
        order = PlaceOrder(
            warehouse_id=WAREHOUSE,
            items=[OrderLine(offer_id=o, quantity=q, mandatory_mark=m) for o, q, m in lines],
            **fields,
        )
        return self.server.admin.place_orders(CLIENT_ID, [order])[0]

    def advance(self, seconds: float) -> None:
        self.server.admin.advance(seconds)


def _shop(server: SandboxServer, time_scale: float) -> Iterator[Shop]:
    offers = seed_catalog(server.admin, 3)
    server.admin.seed_stocks(
        CLIENT_ID, [SeedStock(offer_id=o, warehouse_id=WAREHOUSE, present=STOCK) for o in offers]
    )
    skus = {p.offer_id: p.sku for p in server.admin.products(CLIENT_ID)}
    recorder = Recorder()
    with recording_client(server, recorder, time_scale=time_scale) as ozon:
        yield Shop(server, ozon, recorder, offers, skus)


@pytest.fixture
def shop() -> Iterator[Shop]:
    """Three stocked products (10 units each) on a sandbox whose clock stands still."""
    server = start_sandbox(sandbox_config(time_factor=0))
    try:
        yield from _shop(server, 1.0)
    finally:
        server.stop()


@pytest.fixture
def fast_shop() -> Iterator[Shop]:
    """The same on a sandbox running ×120, with a client that knows it."""
    server = start_sandbox(sandbox_config())
    try:
        yield from _shop(server, FAST_TIME_FACTOR)
    finally:
        server.stop()
