from __future__ import annotations

import httpx

from ozon_sandbox.admin import SeedProduct, SeedStock
from ozon_sandbox.state import Warehouse
from ozon_sandbox.testing import SandboxServer
from tests.support.sandbox import CLIENT_ID, WAREHOUSE_IDS, seed_catalog

W1, W2 = WAREHOUSE_IDS


def _stock(offer_id: str, stock: int, warehouse_id: int = W1, **extra: object) -> dict[str, object]:
    return {"offer_id": offer_id, "stock": stock, "warehouse_id": warehouse_id, **extra}


def _walk(
    api: httpx.Client, path: str, body: dict[str, object], key: str
) -> list[dict[str, object]]:
    """Follow cursor paging until has_next is false / the cursor is empty."""
    rows: list[dict[str, object]] = []
    cursor = ""
    for _ in range(100):
        data = api.post(path, json={**body, "cursor": cursor}).json()
        rows += data[key]
        cursor = data["cursor"]
        if not cursor:
            return rows
    raise AssertionError("paging never ended")


def test_warehouse_list_pages_with_cursor_and_filters(
    api: httpx.Client, sandbox: SandboxServer
) -> None:
    sandbox.admin.seed_warehouses(
        CLIENT_ID, [Warehouse(warehouse_id=22142605388000 + i, name=f"Extra {i}") for i in range(3)]
    )
    first = api.post("/v2/warehouse/list", json={"limit": 2}).json()
    assert first["has_next"] is True and first["cursor"]
    rows = _walk(api, "/v2/warehouse/list", {"limit": 2}, "warehouses")
    ids = [int(str(w["warehouse_id"])) for w in rows]
    assert len(ids) == 5 and ids == sorted(ids) and set(WAREHOUSE_IDS) <= set(ids)
    only = api.post("/v2/warehouse/list", json={"limit": 200, "warehouse_ids": [str(W2)]}).json()
    assert [w["name"] for w in only["warehouses"]] == ["Новэкс Химки"]
    assert only["has_next"] is False and only["cursor"] == ""


def test_product_list_last_id_paging_and_filters(api: httpx.Client, sandbox: SandboxServer) -> None:
    offers = seed_catalog(sandbox.admin, 25)
    sandbox.admin.seed_products(CLIENT_ID, [SeedProduct(offer_id="OLD-1", is_archived=True)])
    seen: list[str] = []
    last_id = ""
    while True:
        result = api.post("/v3/product/list", json={"limit": 10, "last_id": last_id}).json()[
            "result"
        ]
        assert result["total"] == 25  # archived cards are outside visibility ALL
        seen += [item["offer_id"] for item in result["items"]]
        last_id = result["last_id"]
        if not last_id:
            break
    assert seen == offers
    by_offer = api.post(
        "/v3/product/list", json={"filter": {"offer_id": ["OLD-1", "nope"]}, "limit": 10}
    ).json()["result"]
    assert [(i["offer_id"], i["archived"]) for i in by_offer["items"]] == [("OLD-1", True)]
    archived = api.post("/v3/product/list", json={"filter": {"visibility": "ARCHIVED"}}).json()
    assert archived["result"]["total"] == 1
    first_id = sandbox.admin.products(CLIENT_ID)[0].product_id
    both = api.post(
        "/v3/product/list",
        json={"filter": {"offer_id": ["OLD-1"], "product_id": [first_id]}, "limit": 10},
    ).json()["result"]
    assert [i["offer_id"] for i in both["items"]] == [offers[0], "OLD-1"]


def test_product_info_list_moves_to_price_sent_after_a_price(
    api: httpx.Client, sandbox: SandboxServer
) -> None:
    seed_catalog(sandbox.admin, 2, price_sent=False)
    sandbox.admin.seed_products(CLIENT_ID, [SeedProduct(offer_id="NEW-1", is_created=False)])
    info = api.post("/v3/product/info/list", json={"offer_id": ["NVX-00000", "NEW-1", "nope"]})
    items = {i["offer_id"]: i for i in info.json()["items"]}
    assert set(items) == {"NVX-00000", "NEW-1"}
    assert items["NVX-00000"]["statuses"]["status"] != "price_sent"
    assert items["NVX-00000"]["visibility_details"]["has_price"] is False
    assert items["NEW-1"]["statuses"]["is_created"] is False

    reply = api.post(
        "/v1/product/import/prices", json={"prices": [{"offer_id": "NVX-00000", "price": "349.90"}]}
    )
    assert reply.json()["result"][0]["updated"] is True
    sku = items["NVX-00000"]["sku"]
    after = api.post("/v3/product/info/list", json={"sku": [sku]}).json()["items"][0]
    assert after["statuses"]["status"] == "price_sent"
    assert after["price"] == "349.9"
    assert after["visibility_details"]["has_price"] is True


def test_stocks_happy_path_and_read_back(api: httpx.Client, sandbox: SandboxServer) -> None:
    offers = seed_catalog(sandbox.admin, 3)
    product = sandbox.admin.products(CLIENT_ID)[1]
    # Ozon holds 2 units in reserve; the value we send excludes them.
    sandbox.admin.seed_stocks(
        CLIENT_ID, [SeedStock(offer_id=offers[0], warehouse_id=W1, present=2, reserved=2)]
    )
    reply = api.post(
        "/v2/products/stocks",
        json={
            "stocks": [
                _stock(offers[0], 10),
                _stock(offers[0], 4, W2),
                {"product_id": product.product_id, "stock": 7, "warehouse_id": W1},
            ]
        },
    )
    assert reply.status_code == 200
    result = reply.json()["result"]
    assert [r["updated"] for r in result] == [True, True, True]
    assert result[2]["offer_id"] == product.offer_id  # resolved from product_id
    stocks = sandbox.admin.stocks(CLIENT_ID)
    assert (stocks[(offers[0], W1)].present, stocks[(offers[0], W1)].reserved) == (12, 2)
    assert stocks[(offers[1], W1)].present == 7
    rows = api.post(
        "/v2/product/info/stocks-by-warehouse/fbs", json={"offer_id": [offers[0]], "limit": 10}
    ).json()["products"]
    by_wh = {r["warehouse_id"]: r for r in rows}
    assert (by_wh[W1]["present"], by_wh[W1]["reserved"], by_wh[W1]["free_stock"]) == (12, 2, 10)
    assert by_wh[W2]["free_stock"] == 4 and by_wh[W2]["warehouse_name"] == "Новэкс Химки"


def test_stocks_per_item_errors(api: httpx.Client, sandbox: SandboxServer) -> None:
    seed_catalog(sandbox.admin, 1)
    seed_catalog(sandbox.admin, 1, price_sent=False, prefix="NOPRICE-")
    real = sandbox.admin.products(CLIENT_ID)[0]
    items = [
        _stock("ghost", 1),
        {"product_id": 42, "stock": 1, "warehouse_id": W1},
        _stock("NVX-00000", 1, warehouse_id=1),
        _stock("NOPRICE-00000", 1),
        _stock("NVX-00000", 1_000_000),
        # offer_id wins over product_id: this pair targets NVX-00000 on W2 and succeeds.
        _stock("NVX-00000", 5, W2, product_id=real.product_id + 999),
    ]
    reply = api.post("/v2/products/stocks", json={"stocks": items})
    assert reply.status_code == 200
    result = reply.json()["result"]
    codes = [[e["code"] for e in r["errors"]] for r in result]
    assert codes == [
        ["offer_id_not_found"],
        ["NOT_FOUND_ERROR"],
        ["WAREHOUSE_NOT_FOUND"],
        ["PRICE_IS_NOT_SENT"],
        ["STOCK_TOO_BIG"],
        [],
    ]
    assert [r["updated"] for r in result] == [False] * 5 + [True]
    assert result[5]["product_id"] == real.product_id
    counters = sandbox.admin.requests(CLIENT_ID).methods["/v2/products/stocks"]
    assert counters.items == 6 and counters.item_errors["STOCK_TOO_BIG"] == 1


def test_stocks_by_warehouse_pages_with_cursor(api: httpx.Client, sandbox: SandboxServer) -> None:
    offers = seed_catalog(sandbox.admin, 5)
    api.post(
        "/v2/products/stocks",
        json={"stocks": [_stock(o, 3, w) for o in offers for w in WAREHOUSE_IDS]},
    )
    rows = _walk(
        api,
        "/v2/product/info/stocks-by-warehouse/fbs",
        {"offer_id": offers, "limit": 3},
        "products",
    )
    assert len(rows) == 10
    assert {(r["offer_id"], r["warehouse_id"]) for r in rows} == {
        (o, w) for o in offers for w in WAREHOUSE_IDS
    }
    skus = [p.sku for p in sandbox.admin.products(CLIENT_ID)][:2]
    by_sku = api.post(
        "/v2/product/info/stocks-by-warehouse/fbs", json={"sku": skus, "limit": 100}
    ).json()
    assert len(by_sku["products"]) == 4 and by_sku["has_next"] is False
    bad = api.post(
        "/v2/product/info/stocks-by-warehouse/fbs", json={"sku": skus, "limit": 1, "cursor": "%%%"}
    )
    assert bad.status_code == 400


def test_import_prices_rules(api: httpx.Client, sandbox: SandboxServer) -> None:
    seed_catalog(sandbox.admin, 8)
    cases = [
        ({"price": "1448", "old_price": "0", "vat": "0.1"}, []),
        ({"price": "-5"}, ["price_negative"]),
        ({"price": "390", "old_price": "405"}, ["discount_for_low_price_is_too_small"]),
        ({"price": "1000", "old_price": "1040"}, ["discount_for_low_price_is_too_small"]),
        ({"price": "20000", "old_price": "20400"}, ["discount_for_low_price_is_too_small"]),
        ({"price": "100", "old_price": "1000"}, ["discount_too_big"]),
        ({"price": "1000", "old_price": "1100"}, []),
        (
            {"price": "500", "auto_action_enabled": "ENABLED"},
            ["action_price_enabled_min_price_missing"],
        ),
    ]
    body: dict[str, list[dict[str, object]]] = {
        "prices": [{"offer_id": f"NVX-{i:05d}", **fields} for i, (fields, _) in enumerate(cases)]
    }
    body["prices"].append({"product_id": 1, "price": "100"})
    result = api.post("/v1/product/import/prices", json=body).json()["result"]
    assert [[e["code"] for e in r["errors"]] for r in result[:-1]] == [codes for _, codes in cases]
    assert result[-1]["updated"] is False and result[-1]["errors"]
    prices = sandbox.admin.prices(CLIENT_ID)
    assert prices["NVX-00000"].price == "1448"
    assert prices["NVX-00001"].price == "499"  # refused change leaves the old price
    assert (prices["NVX-00006"].price, prices["NVX-00006"].old_price) == ("1000", "1100")


def test_info_prices_cursor_and_filter(api: httpx.Client, sandbox: SandboxServer) -> None:
    offers = seed_catalog(sandbox.admin, 7)
    api.post(
        "/v1/product/import/prices",
        json={
            "prices": [
                {"offer_id": offers[3], "price": "1000", "old_price": "1200", "min_price": "900"}
            ]
        },
    )
    rows = _walk(
        api, "/v5/product/info/prices", {"filter": {"visibility": "ALL"}, "limit": 3}, "items"
    )
    assert [r["offer_id"] for r in rows] == offers
    one = api.post(
        "/v5/product/info/prices", json={"filter": {"offer_id": [offers[3]]}, "limit": 10}
    ).json()
    assert one["total"] == 1 and one["cursor"] == ""
    price = one["items"][0]["price"]
    assert (price["price"], price["old_price"], price["min_price"]) == (1000, 1200, 900)
