from __future__ import annotations

import time

import httpx

from ozon_sandbox.config import FaultSettings
from ozon_sandbox.testing import SandboxServer
from tests.support.sandbox import CLIENT_ID, ozon_client, sandbox_config, start_sandbox

BODY = {"limit": 1}


def _statuses(api: httpx.Client, n: int) -> list[int]:
    return [api.post("/v2/warehouse/list", json=BODY).status_code for _ in range(n)]


def test_injected_429_and_5xx(api: httpx.Client, sandbox: SandboxServer) -> None:
    sandbox.admin.set_faults(CLIENT_ID, FaultSettings(rate_429=1.0))
    reply = api.post("/v2/warehouse/list", json=BODY)
    assert reply.status_code == 429 and reply.json()["code"] == 8
    sandbox.admin.set_faults(CLIENT_ID, FaultSettings(rate_5xx=1.0, status_5xx=502))
    reply = api.post("/v2/warehouse/list", json=BODY)
    assert reply.status_code == 502 and set(reply.json()) == {"code", "message", "details"}
    sandbox.admin.clear_faults(CLIENT_ID)
    assert api.post("/v2/warehouse/list", json=BODY).status_code == 200
    faults = sandbox.admin.requests(CLIENT_ID).methods["/v2/warehouse/list"].faults
    assert faults == {"fault_429": 1, "fault_5xx": 1}


def test_faults_can_target_one_method(api: httpx.Client, sandbox: SandboxServer) -> None:
    sandbox.admin.set_faults(CLIENT_ID, FaultSettings(rate_5xx=1.0, methods=["/v3/product/list"]))
    assert api.post("/v3/product/list", json={"limit": 1}).status_code == 500
    assert api.post("/v2/warehouse/list", json=BODY).status_code == 200


def test_partial_rates_are_reproducible_with_the_seed() -> None:
    outcomes = []
    for _ in range(2):
        server = start_sandbox(sandbox_config(faults=FaultSettings(rate_429=0.2, rate_5xx=0.2)))
        try:
            with ozon_client(server) as api:
                outcomes.append(_statuses(api, 40))
        finally:
            server.stop()
    assert outcomes[0] == outcomes[1]
    assert {200, 429, 500} <= set(outcomes[0])


def test_slow_replies_are_held_back(api: httpx.Client, sandbox: SandboxServer) -> None:
    sandbox.admin.set_faults(CLIENT_ID, FaultSettings(slow_rate=1.0, slow_seconds=0.3))
    started = time.perf_counter()
    reply = api.post("/v2/warehouse/list", json=BODY)
    assert reply.status_code == 200
    assert time.perf_counter() - started >= 0.3
    with ozon_client(sandbox) as impatient:
        impatient.timeout = httpx.Timeout(0.1)
        try:
            impatient.post("/v2/warehouse/list", json=BODY)
        except httpx.ReadTimeout:
            pass
        else:
            raise AssertionError("a slow reply should outlast a short client timeout")


def test_circle_open_until_it_recovers(frozen_api: httpx.Client, frozen: SandboxServer) -> None:
    frozen.admin.set_faults(CLIENT_ID, FaultSettings(circle_open_seconds=120))
    reply = frozen_api.post("/v2/warehouse/list", json=BODY)
    assert reply.status_code == 503
    assert reply.json()["message"] == "Circle is open"
    frozen.admin.advance(119)
    assert frozen_api.post("/v2/warehouse/list", json=BODY).status_code == 503
    frozen.admin.advance(2)
    assert frozen_api.post("/v2/warehouse/list", json=BODY).status_code == 200
    assert frozen.admin.requests(CLIENT_ID).methods["/v2/warehouse/list"].faults == {
        "circle_open": 2
    }
