from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from ozon_sandbox.admin import SeedProduct
from ozon_sandbox.testing import SandboxServer
from tests.support.sandbox import CLIENT_ID, WAREHOUSE_IDS, seed_catalog

W1, W2 = WAREHOUSE_IDS


def _missing_keys(example: Any, actual: Any, where: str = "") -> list[str]:
    """Keys the real example shows that the sandbox reply lacks (recursing into first items)."""
    missing: list[str] = []
    if isinstance(example, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object"]
        for key, value in example.items():
            if key not in actual:
                missing.append(f"{where}.{key}")
            elif actual[key] is not None:
                missing += _missing_keys(value, actual[key], f"{where}.{key}")
    elif isinstance(example, list) and example and isinstance(actual, list) and actual:
        missing += _missing_keys(example[0], actual[0], f"{where}[0]")
    return missing


@pytest.fixture
def replies(api: httpx.Client, sandbox: SandboxServer) -> dict[str, Any]:
    offers = seed_catalog(sandbox.admin, 3)
    api.post(
        "/v1/product/import/prices",
        json={"prices": [{"offer_id": offers[0], "price": "1000", "old_price": "1200"}]},
    )
    api.post(
        "/v2/products/stocks",
        json={"stocks": [{"offer_id": offers[0], "stock": 5, "warehouse_id": W1}]},
    )
    sku = sandbox.admin.products(CLIENT_ID)[0].sku
    calls = {
        "v2-warehouse-list": ("/v2/warehouse/list", {"limit": 1}),
        "v3-product-list": ("/v3/product/list", {"limit": 1}),
        "v3-product-info-list": ("/v3/product/info/list", {"offer_id": [offers[0]]}),
        "v2-products-stocks": (
            "/v2/products/stocks",
            {"stocks": [{"offer_id": offers[1], "stock": 1, "warehouse_id": W2}]},
        ),
        "v1-product-import-prices": (
            "/v1/product/import/prices",
            {"prices": [{"offer_id": offers[2], "price": "300"}]},
        ),
        "v5-product-info-prices": (
            "/v5/product/info/prices",
            {"filter": {"offer_id": [offers[0]]}, "limit": 10},
        ),
        "schema-samples/v2-product-info-stocks-by-warehouse-fbs": (
            "/v2/product/info/stocks-by-warehouse/fbs",
            {"sku": [sku], "limit": 10},
        ),
    }
    out = {}
    for name, (path, body) in calls.items():
        reply = api.post(path, json=body)
        assert reply.status_code == 200, reply.text
        out[name] = reply.json()
    return out


@pytest.mark.parametrize(
    "name",
    [
        "v2-warehouse-list",
        "v3-product-list",
        "v3-product-info-list",
        "v2-products-stocks",
        "v1-product-import-prices",
        "v5-product-info-prices",
        "schema-samples/v2-product-info-stocks-by-warehouse-fbs",
    ],
)
def test_reply_has_the_shape_of_ozons_example(
    ozon_examples: Path, replies: dict[str, Any], name: str
) -> None:
    example = json.loads((ozon_examples / f"{name}.response.json").read_text())
    actual = replies[name]
    assert _missing_keys(example, actual) == []
    # Ozon's own example requests are accepted as they are.


def test_ozons_example_requests_are_accepted(ozon_examples: Path, api: httpx.Client) -> None:
    for name, path in [
        ("v3-product-list", "/v3/product/list"),
        ("v3-product-info-list", "/v3/product/info/list"),
        ("v2-products-stocks", "/v2/products/stocks"),
        ("v1-product-import-prices", "/v1/product/import/prices"),
        ("v5-product-info-prices", "/v5/product/info/prices"),
    ]:
        body = json.loads((ozon_examples / f"{name}.request.json").read_text())
        reply = api.post(path, json=body)
        assert reply.status_code == 200, (name, reply.text)


def test_error_body_matches_ozons_429_example_keys(
    ozon_examples: Path, frozen: SandboxServer
) -> None:
    example = json.loads(
        (ozon_examples / "errors" / "v3-product-import.response-429.json").read_text()
    )
    with httpx.Client(
        base_url=frozen.url, headers={"Client-Id": CLIENT_ID, "Api-Key": "test-key"}
    ) as api:
        statuses = [api.post("/v2/warehouse/list", json={"limit": 1}) for _ in range(51)]
    assert set(example) <= set(statuses[-1].json())


def test_full_25k_stock_sweep_is_fast(frozen: SandboxServer) -> None:
    count = 25_000
    started = time.perf_counter()
    frozen.admin.seed_products(
        CLIENT_ID,
        [SeedProduct(offer_id=f"SKU-{i:05d}", price="100", price_sent=True) for i in range(count)],
    )
    seeded = time.perf_counter() - started
    with httpx.Client(
        base_url=frozen.url, headers={"Client-Id": CLIENT_ID, "Api-Key": "test-key"}
    ) as api:
        started = time.perf_counter()
        for batch in range(count // 100):
            if batch and batch % 50 == 0:
                frozen.admin.advance(61)  # within Ozon's 80/min and 50/s budgets
            items = [
                {"offer_id": f"SKU-{i:05d}", "stock": i % 7, "warehouse_id": W1}
                for i in range(batch * 100, batch * 100 + 100)
            ]
            reply = api.post("/v2/products/stocks", json={"stocks": items})
            assert reply.status_code == 200
        swept = time.perf_counter() - started
    counters = frozen.admin.requests(CLIENT_ID).methods["/v2/products/stocks"]
    assert counters.accepted == 250 and counters.items == count and counters.item_errors == {}
    assert len(frozen.admin.stocks(CLIENT_ID)) == count
    # Generous bounds for slow CI machines; locally both take well under a second.
    assert seeded < 10
    assert swept / count < 0.001 * 4  # includes the HTTP round trip of the test client
