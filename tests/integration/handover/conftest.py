"""A frozen-clock sandbox with packed postings, and a client whose traffic is recorded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import pytest

from ozon_sandbox.admin import SeedStock
from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient
from tests.support.sandbox import (
    API_KEY,
    CLIENT_ID,
    WAREHOUSE_IDS,
    ozon_client,
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


@dataclass
class Exchange:
    """One recorded call: path, JSON request, status, and the JSON reply (None if binary)."""

    path: str
    request: Any
    status: int
    response: Any
    content_type: str


@dataclass
class Recorder:
    """Every call the client made, in order."""

    exchanges: list[Exchange] = field(default_factory=list)

    def on_response(self, response: httpx.Response) -> None:
        response.read()
        request = response.request
        content_type = response.headers.get("content-type", "")
        body = json.loads(request.content) if request.content else {}
        reply = response.json() if content_type.startswith("application/json") else None
        self.exchanges.append(
            Exchange(request.url.path, body, response.status_code, reply, content_type)
        )


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
    http = httpx.Client(event_hooks={"response": [recorder.on_response]}, timeout=30)
    with OzonClient(frozen.url, CLIENT_ID, API_KEY, http=http, max_attempts=1) as ozon:
        yield ozon
    http.close()


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
    orders: list[dict[str, Any]] = [
        {"warehouse_id": warehouse_id, "items": [{"offer_id": o, "quantity": 1}]} for o in offers
    ]
    if cutoff is not None:
        for order in orders:
            order["shipment_date"] = cutoff.isoformat()
    reply = server.admin._send(
        "POST", f"/sandbox/accounts/{CLIENT_ID}/postings/orders", {"orders": orders}
    )
    return list(reply["posting_numbers"])


def ship(server: SandboxServer, numbers: list[str]) -> None:
    """Pack each posting whole into one box (``/v4/posting/fbs/ship``)."""
    postings = server.admin._send("GET", f"/sandbox/accounts/{CLIENT_ID}/postings")["postings"]
    by_number = {p["posting_number"]: p for p in postings}
    with ozon_client(server) as http:
        for number in numbers:
            products = [
                {"product_id": p["sku"], "quantity": p["quantity"]}
                for p in by_number[number]["products"]
            ]
            reply = http.post(
                "/v4/posting/fbs/ship",
                json={"posting_number": number, "packages": [{"products": products}]},
            )
            assert reply.status_code == 200, reply.text


def packed(server: SandboxServer, count: int, **kwargs: Any) -> list[str]:
    """``count`` postings in ``awaiting_deliver``, packed long enough ago to join a shipment."""
    numbers = place_orders(server, count, **kwargs)
    ship(server, numbers)
    server.admin.advance(SETTLE_S)
    return numbers


def pushes(server: SandboxServer) -> list[dict[str, Any]]:
    """Pushes the postings domain emitted."""
    reply = server.admin._send("GET", f"/sandbox/accounts/{CLIENT_ID}/postings/pushes")
    return list(reply["pushes"])
