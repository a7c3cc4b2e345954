"""Postings fixtures: a sandbox with stocked products, an OzonClient recording every exchange.

The ``frozen`` sandbox's clock moves only when a test advances it, so "labels are ready 45 s
after packing" is exact; the ``fast`` one runs at ×120 for the client's own waiting helpers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from ozon_sandbox.admin import SeedStock
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder
from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient
from tests.support.sandbox import (
    API_KEY,
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
class Exchange:
    """One HTTP call the client made: path, request body, status, content type and reply."""

    path: str
    status: int
    content_type: str
    request: Any
    response: Any


@dataclass
class Recorder:
    """Collects the client's exchanges through an httpx event hook."""

    exchanges: list[Exchange] = field(default_factory=list)

    def on_response(self, response: httpx.Response) -> None:
        response.read()
        raw = response.request.content
        request = json.loads(raw) if raw else None
        content_type = response.headers.get("content-type", "")
        body: Any = None
        if content_type.startswith("application/json"):
            body = response.json()
        self.exchanges.append(
            Exchange(response.request.url.path, response.status_code, content_type, request, body)
        )

    def of(self, path: str) -> list[Exchange]:
        return [e for e in self.exchanges if e.path == path]


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
    http = httpx.Client(timeout=30, event_hooks={"response": [recorder.on_response]})
    with OzonClient(
        server.url, CLIENT_ID, API_KEY, http=http, max_attempts=1, time_scale=time_scale
    ) as ozon:
        yield Shop(server, ozon, recorder, offers, skus)
    http.close()


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
