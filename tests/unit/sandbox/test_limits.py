from __future__ import annotations

import httpx

from ozon_sandbox.testing import SandboxServer
from tests.support.sandbox import CLIENT_ID, WAREHOUSE_IDS, seed_catalog

W1, W2 = WAREHOUSE_IDS


def _codes(reply: httpx.Response) -> list[list[str]]:
    return [[e["code"] for e in r["errors"]] for r in reply.json()["result"]]


def test_same_pair_only_once_per_30_sandbox_seconds(
    frozen_api: httpx.Client, frozen: SandboxServer
) -> None:
    seed_catalog(frozen.admin, 2)
    body = {"stocks": [{"offer_id": "NVX-00000", "stock": 1, "warehouse_id": W1}]}
    assert _codes(frozen_api.post("/v2/products/stocks", json=body)) == [[]]
    frozen.admin.advance(29)
    again = frozen_api.post(
        "/v2/products/stocks",
        json={
            "stocks": [
                {"offer_id": "NVX-00000", "stock": 2, "warehouse_id": W1},
                # Other pairs of the same product or warehouse are unaffected.
                {"offer_id": "NVX-00000", "stock": 2, "warehouse_id": W2},
                {"offer_id": "NVX-00001", "stock": 2, "warehouse_id": W1},
            ]
        },
    )
    assert again.status_code == 200
    assert _codes(again) == [["TOO_MANY_REQUESTS"], [], []]
    assert frozen.admin.stocks(CLIENT_ID)[("NVX-00000", W1)].present == 1
    frozen.admin.advance(1.5)
    assert _codes(frozen_api.post("/v2/products/stocks", json=body)) == [[]]
    counters = frozen.admin.requests(CLIENT_ID).methods["/v2/products/stocks"]
    assert counters.item_errors == {"TOO_MANY_REQUESTS": 1}


def test_same_pair_twice_in_one_request(frozen_api: httpx.Client, frozen: SandboxServer) -> None:
    seed_catalog(frozen.admin, 1)
    item = {"offer_id": "NVX-00000", "stock": 1, "warehouse_id": W1}
    reply = frozen_api.post("/v2/products/stocks", json={"stocks": [item, {**item, "stock": 9}]})
    assert _codes(reply) == [[], ["TOO_MANY_REQUESTS"]]


def test_stocks_80_requests_per_minute_then_429(
    frozen_api: httpx.Client, frozen: SandboxServer
) -> None:
    seed_catalog(frozen.admin, 1)
    body = {"stocks": [{"offer_id": "NVX-00000", "stock": 1, "warehouse_id": W1}]}
    for i in range(80):
        if i and i % 40 == 0:
            frozen.admin.advance(1.0)  # stay under the separate 50 rps limit
        assert frozen_api.post("/v2/products/stocks", json=body).status_code == 200
    frozen.admin.advance(1.0)
    refused = frozen_api.post("/v2/products/stocks", json=body)
    assert refused.status_code == 429
    assert refused.json() == {
        "code": 8,
        "message": "You have reached request rate limit per minute",
        "details": [],
    }
    # Other methods are not limited by the stocks method's budget.
    assert frozen_api.post("/v2/warehouse/list", json={"limit": 1}).status_code == 200
    frozen.admin.advance(60)
    assert frozen_api.post("/v2/products/stocks", json=body).status_code == 200
    counters = frozen.admin.requests(CLIENT_ID)
    assert counters.methods["/v2/products/stocks"].rejected_by_limit == 1
    assert counters.total_rejected_by_limit == 1


def test_global_50_requests_per_second(frozen_api: httpx.Client, frozen: SandboxServer) -> None:
    statuses = [
        frozen_api.post("/v2/warehouse/list", json={"limit": 1}).status_code for _ in range(51)
    ]
    assert statuses[:50] == [200] * 50
    assert statuses[50] == 429
    refused = frozen_api.post("/v3/product/list", json={"limit": 1})
    assert refused.json()["message"] == "You have reached request rate limit per second"
    frozen.admin.advance(1.0)
    assert frozen_api.post("/v3/product/list", json={"limit": 1}).status_code == 200


def test_price_changes_at_most_10_per_hour(frozen_api: httpx.Client, frozen: SandboxServer) -> None:
    seed_catalog(frozen.admin, 2)
    for i in range(10):
        reply = frozen_api.post(
            "/v1/product/import/prices",
            json={"prices": [{"offer_id": "NVX-00000", "price": str(500 + i)}]},
        )
        assert reply.json()["result"][0]["updated"] is True
        frozen.admin.advance(60)
    eleventh = frozen_api.post(
        "/v1/product/import/prices",
        json={
            "prices": [
                {"offer_id": "NVX-00000", "price": "999"},
                {"offer_id": "NVX-00001", "price": "999"},
            ]
        },
    ).json()["result"]
    assert eleventh[0]["updated"] is False
    assert (
        eleventh[0]["errors"][0]["message"]
        == "error limiting: acquire limit per item: items limit: limit exceeded"
    )
    assert eleventh[1]["updated"] is True
    assert frozen.admin.prices(CLIENT_ID)["NVX-00000"].price == "509"
    frozen.admin.advance(3600 - 600 + 1)  # the first change has left the hour window
    later = frozen_api.post(
        "/v1/product/import/prices", json={"prices": [{"offer_id": "NVX-00000", "price": "999"}]}
    )
    assert later.json()["result"][0]["updated"] is True


def test_fast_clock_lets_the_pair_rule_expire_in_real_time(
    api: httpx.Client, sandbox: SandboxServer
) -> None:
    import time

    seed_catalog(sandbox.admin, 1)
    body = {"stocks": [{"offer_id": "NVX-00000", "stock": 1, "warehouse_id": W1}]}
    assert _codes(api.post("/v2/products/stocks", json=body)) == [[]]
    time.sleep(30 / sandbox.config.time_factor + 0.05)
    assert _codes(api.post("/v2/products/stocks", json=body)) == [[]]
