from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from ozon_sandbox.clock import SandboxClock
from ozon_sandbox.config import FaultSettings
from ozon_sandbox.testing import SandboxServer
from tests.support.sandbox import (
    API_KEY,
    CLIENT_ID,
    WAREHOUSE_IDS,
    WAREHOUSES,
    ozon_client,
    sandbox_config,
    seed_catalog,
)

W1 = WAREHOUSE_IDS[0]


def test_state_survives_a_restart(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox.json"
    config = sandbox_config(state_file=state_file)
    with SandboxServer(config) as first:
        first.admin.seed_warehouses(CLIENT_ID, list(WAREHOUSES))
        seed_catalog(first.admin, 3, price_sent=False)
        first.admin.add_account("555", "second-key")
        first.admin.set_faults("555", FaultSettings(rate_5xx=1.0))
        with ozon_client(first) as api:
            api.post(
                "/v1/product/import/prices",
                json={"prices": [{"offer_id": "NVX-00001", "price": "777"}]},
            )
            api.post(
                "/v2/products/stocks",
                json={"stocks": [{"offer_id": "NVX-00001", "stock": 9, "warehouse_id": W1}]},
            )
        clock_before = first.admin.clock().now
    assert state_file.is_file()  # written at shutdown
    assert API_KEY not in repr(first.config) + json.dumps(first.config.model_dump(mode="json"))

    with SandboxServer(config) as second:
        assert second.admin.stocks(CLIENT_ID)[("NVX-00001", W1)].present == 9
        assert second.admin.prices(CLIENT_ID)["NVX-00001"].price_sent is True
        assert second.admin.clock().now >= clock_before
        with ozon_client(second) as api:
            info = api.post("/v3/product/info/list", json={"offer_id": ["NVX-00001"]}).json()
            assert info["items"][0]["statuses"]["status"] == "price_sent"
            assert api.post("/v2/warehouse/list", json={"limit": 10}).json()["warehouses"]
        with ozon_client(second, "555", "second-key") as other:
            assert other.post("/v2/warehouse/list", json={"limit": 1}).status_code == 500
        # New cards after a restart never reuse ids.
        seed_catalog(second.admin, 1, prefix="AFTER-")
        ids = [p.product_id for p in second.admin.products(CLIENT_ID)]
        assert len(ids) == len(set(ids)) == 4


def test_save_on_demand(tmp_path: Path, sandbox: SandboxServer) -> None:
    with pytest.raises(RuntimeError, match="409"):
        sandbox.admin.save()
    state_file = tmp_path / "nested" / "state.json"
    with SandboxServer(sandbox_config(state_file=state_file)) as server:
        seed_catalog(server.admin, 2)
        saved = server.admin.save()
        data = json.loads(state_file.read_text())
    assert saved.path == str(state_file)
    assert len(data["accounts"][0]["products"]) == 2


def test_reset_empties_an_account(api: httpx.Client, sandbox: SandboxServer) -> None:
    seed_catalog(sandbox.admin, 2)
    api.post("/v2/warehouse/list", json={"limit": 1})
    sandbox.admin.reset()
    assert sandbox.admin.products(CLIENT_ID) == []
    assert sandbox.admin.requests(CLIENT_ID).total_requests == 0
    assert api.post("/v2/warehouse/list", json={"limit": 1}).status_code == 200


def test_clock_scales_real_time_and_adds_manual_advances() -> None:
    real = [100.0]
    clock = SandboxClock(60, real_monotonic=lambda: real[0])
    start = clock.now()
    real[0] += 0.5
    assert clock.monotonic() == pytest.approx(30)
    clock.advance(90)
    assert clock.monotonic() == pytest.approx(120)
    assert (clock.now() - start).total_seconds() == pytest.approx(120)
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_admin_clock_endpoint(frozen: SandboxServer) -> None:
    before = frozen.admin.clock()
    after = frozen.admin.advance(3600)
    assert before.time_factor == 0
    assert (after.now - before.now).total_seconds() == pytest.approx(3600)


def test_replies_are_dated_by_the_sandbox_clock_and_the_client_reads_it(
    frozen: SandboxServer,
) -> None:
    from resources.ozon import OzonClient

    frozen.admin.advance(5 * 86400 + 3600)
    sandbox_now = frozen.admin.clock().now
    with OzonClient(frozen.url, CLIENT_ID, API_KEY) as client:
        assert client.server_now() is None
        client.warehouses.list()
        seen = client.server_now()
    assert seen is not None
    # One Date header, to the second, of the sandbox's day (not the machine's).
    assert abs((seen - sandbox_now).total_seconds()) < 2
    with httpx.Client() as http:
        reply = http.post(
            f"{frozen.url}/v2/warehouse/list",
            json={"limit": 10},
            headers={"Client-Id": CLIENT_ID, "Api-Key": API_KEY},
        )
    assert len(reply.headers.get_list("date")) == 1


def test_ozon_now_asks_ozon_once_and_only_when_allowed(frozen: SandboxServer) -> None:
    from resources.ozon import OzonClient

    frozen.admin.advance(3 * 86400)
    sandbox_now = frozen.admin.clock().now
    with OzonClient(frozen.url, CLIENT_ID, API_KEY) as client:
        # Nothing heard from Ozon and no asking allowed: our own clock, no request.
        ours = client.ozon_now(probe=False)
        assert frozen.admin.requests(CLIENT_ID).total_requests == 0
        first = client.ozon_now()
        second = client.ozon_now()
        later = client.ozon_now(probe=False)
    assert abs((ours - datetime.now(UTC)).total_seconds()) < 2
    # One cheap read learns Ozon's day; later calls reuse it.
    assert abs((first - sandbox_now).total_seconds()) < 2
    assert abs((later - sandbox_now).total_seconds()) < 2 and second >= first
    assert frozen.admin.requests(CLIENT_ID).total_requests == 1
