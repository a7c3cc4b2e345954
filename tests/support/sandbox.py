"""A running Ozon sandbox for tests: one account, two FBS warehouses, a fast clock.

Import the fixture where it is needed::

    from tests.support.sandbox import sandbox  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from ozon_sandbox.admin import SeedProduct
from ozon_sandbox.config import SandboxConfig
from ozon_sandbox.state import Warehouse
from ozon_sandbox.testing import SandboxAdmin, SandboxServer

CLIENT_ID = "123456"
API_KEY = "test-key"
# 120 sandbox seconds per real second: the 30 s stock-pair rule takes 0.25 s, 80/min ≈ 160 rps.
FAST_TIME_FACTOR = 120.0
WAREHOUSES = (
    Warehouse(warehouse_id=22142605386000, name="Новэкс Подольск"),
    Warehouse(warehouse_id=22142605387000, name="Новэкс Химки"),
)
WAREHOUSE_IDS = tuple(w.warehouse_id for w in WAREHOUSES)


def sandbox_config(**overrides: object) -> SandboxConfig:
    """The standard test account, with any config field overridden."""
    values: dict[str, object] = {
        "accounts": {CLIENT_ID: SecretStr(API_KEY)},
        "time_factor": FAST_TIME_FACTOR,
        "seed": 7,
    }
    values.update(overrides)
    return SandboxConfig.model_validate(values)


def start_sandbox(config: SandboxConfig) -> SandboxServer:
    """Start a server for ``config`` and seed the two standard warehouses."""
    server = SandboxServer(config).start()
    for client_id in config.accounts:
        server.admin.seed_warehouses(client_id, list(WAREHOUSES))
    return server


def seed_catalog(
    admin: SandboxAdmin,
    count: int,
    *,
    price_sent: bool = True,
    prefix: str = "NVX-",
    client_id: str = CLIENT_ID,
) -> list[str]:
    """Seed ``count`` cards (``NVX-00000`` …) and return their offer_ids."""
    offer_ids = [f"{prefix}{i:05d}" for i in range(count)]
    admin.seed_products(
        client_id,
        [
            SeedProduct(
                offer_id=offer_id,
                name=f"Шампунь {offer_id}",
                price="499" if price_sent else None,
                price_sent=price_sent,
            )
            for offer_id in offer_ids
        ],
    )
    return offer_ids


def ozon_client(
    server: SandboxServer, client_id: str = CLIENT_ID, api_key: str = API_KEY
) -> httpx.Client:
    """A plain httpx client with Ozon's auth headers, pointed at the sandbox."""
    return httpx.Client(
        base_url=server.url, headers={"Client-Id": client_id, "Api-Key": api_key}, timeout=30
    )


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A running sandbox: account 123456 / test-key, two warehouses, clock ×120."""
    server = start_sandbox(sandbox_config())
    try:
        yield server
    finally:
        server.stop()
