from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from ozon_sandbox.testing import SandboxServer
from tests.support.sandbox import (
    API_KEY,
    CLIENT_ID,
    WAREHOUSE_IDS,
    ozon_client,
    sandbox_config,
    seed_catalog,
    start_sandbox,
)


def test_missing_headers_get_ozon_error_body(sandbox: SandboxServer) -> None:
    reply = httpx.post(f"{sandbox.url}/v2/warehouse/list", json={"limit": 10})
    # No credentials at all: 401 with gRPC UNAUTHENTICATED (a wrong key is a 403).
    assert reply.status_code == 401
    assert reply.json() == {
        "code": 16,
        "message": "Client-Id and Api-Key headers are required",
        "details": [],
    }


@pytest.mark.parametrize(("client_id", "api_key"), [(CLIENT_ID, "wrong-key"), ("999999", API_KEY)])
def test_wrong_key_or_unknown_account_is_403(
    sandbox: SandboxServer, client_id: str, api_key: str
) -> None:
    with ozon_client(sandbox, client_id, api_key) as client:
        reply = client.post("/v2/warehouse/list", json={"limit": 10})
    assert reply.status_code == 403
    assert reply.json()["code"] == 7
    assert "Invalid Api-Key" in reply.json()["message"]
    assert API_KEY not in reply.text


def test_accounts_have_separate_state() -> None:
    config = sandbox_config(accounts={CLIENT_ID: SecretStr(API_KEY), "777": SecretStr("other")})
    server = start_sandbox(config)
    try:
        seed_catalog(server.admin, 3)
        with ozon_client(server) as first, ozon_client(server, "777", "other") as second:
            mine = first.post("/v3/product/list", json={"limit": 10}).json()
            theirs = second.post("/v3/product/list", json={"limit": 10}).json()
            # A key is valid only with its own Client-Id.
            crossed = httpx.post(
                f"{server.url}/v3/product/list",
                json={"limit": 10},
                headers={"Client-Id": "777", "Api-Key": API_KEY},
            )
    finally:
        server.stop()
    assert mine["result"]["total"] == 3
    assert theirs["result"]["total"] == 0
    assert crossed.status_code == 403


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v2/warehouse/list", {"limit": 201}, "limit"),
        ("/v2/warehouse/list", {}, "limit"),
        ("/v3/product/list", {"limit": 1001}, "limit"),
        (
            "/v2/products/stocks",
            {"stocks": [{"offer_id": "A", "stock": 1}]},
            "stocks.0.warehouse_id",
        ),
        (
            "/v2/products/stocks",
            {"stocks": [{"offer_id": "A", "stock": "x", "warehouse_id": 1}]},
            "stocks.0.stock",
        ),
        ("/v2/products/stocks", {"stocks": [{"stock": 1, "warehouse_id": 1}]}, "stocks.0"),
        ("/v1/product/import/prices", {"prices": []}, "prices"),
        ("/v5/product/info/prices", {"filter": {}, "limit": 0}, "limit"),
        ("/v2/product/info/stocks-by-warehouse/fbs", {"limit": 10}, "offer_id"),
    ],
)
def test_invalid_requests_are_400_naming_the_field(
    api: httpx.Client, path: str, body: dict[str, object], field: str
) -> None:
    reply = api.post(path, json=body)
    assert reply.status_code == 400
    data = reply.json()
    assert data["code"] == 3
    assert data["details"] == []
    assert field in data["message"]


def test_batch_size_limits(api: httpx.Client) -> None:
    stocks = [
        {"offer_id": f"A{i}", "stock": 1, "warehouse_id": WAREHOUSE_IDS[0]} for i in range(101)
    ]
    prices = [{"offer_id": f"A{i}", "price": "100"} for i in range(1001)]
    info = {"offer_id": [f"A{i}" for i in range(600)], "sku": list(range(1, 402))}
    assert api.post("/v2/products/stocks", json={"stocks": stocks}).status_code == 400
    assert api.post("/v1/product/import/prices", json={"prices": prices}).status_code == 400
    assert api.post("/v3/product/info/list", json=info).status_code == 400
    assert api.post("/v2/products/stocks", json={"stocks": stocks[:100]}).status_code == 200


def test_malformed_json_unknown_path_and_wrong_verb(api: httpx.Client) -> None:
    bad_json = api.post(
        "/v2/warehouse/list", content=b"{limit:", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400 and bad_json.json()["code"] == 3
    unknown = api.post("/v9/does/not/exist", json={})
    assert unknown.status_code == 404 and unknown.json()["code"] == 5
    wrong_verb = api.get("/v2/warehouse/list")
    assert wrong_verb.status_code == 405 and set(wrong_verb.json()) == {
        "code",
        "message",
        "details",
    }


def test_int64_ids_accept_numeric_strings_only(api: httpx.Client, sandbox: SandboxServer) -> None:
    seed_catalog(sandbox.admin, 1)
    product_id = sandbox.admin.products(CLIENT_ID)[0].product_id
    as_string = api.post("/v3/product/info/list", json={"product_id": [str(product_id)]})
    assert [i["id"] for i in as_string.json()["items"]] == [product_id]
    assert api.post("/v3/product/info/list", json={"product_id": ["12ab"]}).status_code == 400
