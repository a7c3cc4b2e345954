"""Service methods send Ozon-sized, limit-respecting requests and return typed results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from resources.ozon import LOCAL_RATE_LIMIT, OzonClient, PriceUpdate, StockUpdate
from resources.ozon.ratelimit import WINDOW_SAFETY
from tests.unit.ozon_client.conftest import API_KEY, CLIENT_ID, Call, FakeClock, OzonStub

STOCKS = "/v2/products/stocks"
PRICES = "/v1/product/import/prices"


def _echo_stocks(call: Call) -> httpx.Response:
    result = [
        {
            "offer_id": s.get("offer_id", ""),
            "product_id": s.get("product_id", 0),
            "warehouse_id": s["warehouse_id"],
            "updated": s["stock"] != 13,
            "errors": [] if s["stock"] != 13 else [{"code": "PRICE_IS_NOT_SENT", "message": "x"}],
        }
        for s in call.body["stocks"]
    ]
    return httpx.Response(200, json={"result": result})


def _echo_prices(call: Call) -> httpx.Response:
    result = [
        {
            "offer_id": p.get("offer_id", ""),
            "product_id": p.get("product_id", 0),
            "updated": True,
            "errors": [],
        }
        for p in call.body["prices"]
    ]
    return httpx.Response(200, json={"result": result})


def test_every_call_carries_the_auth_headers(client: OzonClient, stub: OzonStub) -> None:
    stub.reply("/v2/warehouse/list", httpx.Response(200, json={"warehouses": []}))
    assert client.warehouses.list() == []
    headers = stub.calls[0].headers
    assert headers["Client-Id"] == CLIENT_ID
    assert headers["Api-Key"] == API_KEY
    assert headers["Content-Type"] == "application/json"


def test_stock_update_sends_batches_of_100(client: OzonClient, stub: OzonStub) -> None:
    stub.route(STOCKS, _echo_stocks)
    items = [StockUpdate(offer_id=f"A{i}", warehouse_id=1, stock=i % 50) for i in range(250)]
    results = client.stocks.update(items)
    assert [len(c.body["stocks"]) for c in stub.calls] == [100, 100, 50]
    assert len(results) == 250
    assert stub.calls[0].body["stocks"][0] == {"offer_id": "A0", "warehouse_id": 1, "stock": 0}
    failed = [r for r in results if not r.updated]
    assert [(r.offer_id, r.errors[0].code) for r in failed] == [
        ("A13", "PRICE_IS_NOT_SENT"),
        ("A63", "PRICE_IS_NOT_SENT"),
        ("A113", "PRICE_IS_NOT_SENT"),
        ("A163", "PRICE_IS_NOT_SENT"),
        ("A213", "PRICE_IS_NOT_SENT"),
    ]


def test_a_pair_sent_twice_waits_30_seconds(
    client: OzonClient, stub: OzonStub, clock: FakeClock
) -> None:
    stub.route(STOCKS, _echo_stocks)
    items = [
        StockUpdate(offer_id="A", warehouse_id=1, stock=5),
        StockUpdate(offer_id="B", warehouse_id=1, stock=5),
        StockUpdate(offer_id="A", warehouse_id=1, stock=4),  # newer value of the same pair
    ]
    results = client.stocks.update(items)
    assert [[s["offer_id"] for s in c.body["stocks"]] for c in stub.calls] == [["A", "B"], ["A"]]
    assert stub.calls[1].body["stocks"][0]["stock"] == 4
    assert stub.calls[1].at - stub.calls[0].at == pytest.approx(30.0 * WINDOW_SAFETY, abs=0.05)
    assert all(r.updated for r in results)


def test_pair_rule_spans_calls_and_clients_of_the_account(
    make_client: Callable[..., OzonClient], stub: OzonStub, clock: FakeClock
) -> None:
    from resources.ozon.ratelimit import RateLimiter

    limiter = RateLimiter(clock=clock)
    stub.route(STOCKS, _echo_stocks)
    make_client(limiter=limiter).stocks.update([StockUpdate(offer_id="A", warehouse_id=1, stock=1)])
    clock.advance(5.0)
    make_client(limiter=limiter).stocks.update([StockUpdate(offer_id="A", warehouse_id=1, stock=2)])
    assert stub.calls[1].at - stub.calls[0].at == pytest.approx(30.0 * WINDOW_SAFETY, abs=0.05)


def test_price_update_chunks_and_defers_over_the_hourly_limit(
    client: OzonClient, stub: OzonStub, clock: FakeClock
) -> None:
    stub.route(PRICES, _echo_prices)
    many = [PriceUpdate(offer_id=f"P{i}", price="100.00", old_price="0") for i in range(1500)]
    results = client.prices.update(many)
    assert [len(c.body["prices"]) for c in stub.calls] == [1000, 500]
    assert len(results) == 1500 and all(r.updated for r in results)
    assert stub.calls[0].body["prices"][0] == {
        "offer_id": "P0",
        "price": "100.00",
        "old_price": "0",
    }

    stub.calls.clear()
    for _ in range(9):  # P0 has had 1 change; 9 more reach Ozon's 10 per hour
        clock.advance(60.0)
        client.prices.update([PriceUpdate(offer_id="P0", price="101")])
    clock.advance(60.0)
    results = client.prices.update(
        [PriceUpdate(offer_id="P0", price="102"), PriceUpdate(offer_id="P1", price="102")]
    )
    assert len(stub.calls) == 10
    assert [p["offer_id"] for p in stub.calls[-1].body["prices"]] == ["P1"]
    held = [r for r in results if r.offer_id == "P0"]
    assert len(held) == 1 and not held[0].updated
    assert held[0].errors[0].code == LOCAL_RATE_LIMIT


def test_a_fully_deferred_batch_sends_nothing(client: OzonClient, stub: OzonStub) -> None:
    stub.route(PRICES, _echo_prices)
    for _ in range(10):
        client.prices.update([PriceUpdate(product_id=42, price="10")])
    sent = len(stub.calls)
    results = client.prices.update([PriceUpdate(product_id=42, price="11")])
    assert len(stub.calls) == sent
    assert results[0].product_id == 42 and results[0].errors[0].code == LOCAL_RATE_LIMIT


def test_info_list_chunks_ids_over_1000(client: OzonClient, stub: OzonStub) -> None:
    def handler(call: Call) -> httpx.Response:
        ids = call.body.get("offer_id", []) + call.body.get("product_id", [])
        return httpx.Response(
            200, json={"items": [{"id": n + 1, "offer_id": str(v)} for n, v in enumerate(ids)]}
        )

    stub.route("/v3/product/info/list", handler)
    infos = client.products.info_list(
        offer_ids=[f"O{i}" for i in range(1500)], product_ids=list(range(1, 801))
    )
    assert len(infos) == 2300
    sizes = [
        len(c.body.get("offer_id", [])) + len(c.body.get("product_id", [])) for c in stub.calls
    ]
    assert sizes == [1000, 1000, 300]
    assert stub.calls[1].body["product_id"][0] == "1"  # int64 ids as strings, per the spec


def test_stocks_by_warehouse_walks_each_chunk(client: OzonClient, stub: OzonStub) -> None:
    def handler(call: Call) -> Any:
        products = [
            {
                "sku": 1,
                "offer_id": o,
                "product_id": 2,
                "warehouse_id": 5,
                "present": 3,
                "reserved": 1,
                "free_stock": 2,
            }
            for o in call.body.get("offer_id", [])[:2]
        ]
        return httpx.Response(200, json={"products": products, "cursor": "", "has_next": False})

    stub.route("/v2/product/info/stocks-by-warehouse/fbs", handler)
    rows = list(client.stocks.by_warehouse_fbs(offer_ids=[f"O{i}" for i in range(1200)]))
    assert [len(c.body["offer_id"]) for c in stub.calls] == [1000, 200]
    assert [(r.offer_id, r.free_stock) for r in rows] == [
        ("O0", 2),
        ("O1", 2),
        ("O1000", 2),
        ("O1001", 2),
    ]
    with pytest.raises(ValueError, match="offer_ids or skus"):
        client.stocks.by_warehouse_fbs()


def test_owned_http_client_is_closed_on_exit() -> None:
    with OzonClient("https://ozon.test", "1", "k") as client:
        http = client._http
    assert http.is_closed


def test_injected_http_client_is_left_open(client: OzonClient) -> None:
    with client:
        pass
    assert not client._http.is_closed
