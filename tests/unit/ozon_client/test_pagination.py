"""Each of Ozon's three pagination styles walks every page once and stops where it should."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from resources.ozon import OzonClient
from resources.ozon.pagination import last_value_id_pages
from tests.unit.ozon_client.conftest import Call, OzonStub

Loader = Callable[[str], Any]


def _cursor_pages(stub: OzonStub, path: str, pages: list[dict[str, Any]]) -> None:
    """Serve ``pages`` in order, checking the client echoes each cursor it was given."""

    def handler(call: Call) -> httpx.Response:
        index = 0 if not call.body.get("cursor") else int(call.body["cursor"].split("-")[1])
        return httpx.Response(200, json=pages[index])

    stub.route(path, handler)


def test_warehouse_cursor_walk(client: OzonClient, stub: OzonStub, load_example: Loader) -> None:
    template = load_example("v2-warehouse-list.response.json")["warehouses"][0]
    pages = []
    for n in range(3):
        page_items = []
        for k in range(2):
            item = copy.deepcopy(template)
            item["warehouse_id"] = 1000 + n * 10 + k
            page_items.append(item)
        last = n == 2
        pages.append(
            {"warehouses": page_items, "cursor": "" if last else f"c-{n + 1}", "has_next": not last}
        )
    _cursor_pages(stub, "/v2/warehouse/list", pages)
    warehouses = client.warehouses.list()
    assert [w.warehouse_id for w in warehouses] == [1000, 1001, 1010, 1011, 1020, 1021]
    assert [c.body.get("cursor", "") for c in stub.calls] == ["", "c-1", "c-2"]
    assert all(c.body["limit"] == 200 for c in stub.calls)


def test_prices_cursor_walk_without_has_next(
    client: OzonClient, stub: OzonStub, load_example: Loader
) -> None:
    example = load_example("v5-product-info-prices.response.json")
    first = {"items": example["items"][:1], "cursor": "c-1", "total": 2}
    second = {"items": example["items"][1:], "cursor": "", "total": 2}
    _cursor_pages(stub, "/v5/product/info/prices", [first, second])
    paged = client.prices.info()
    assert [p.offer_id for p in paged] == ["test-offer-123456", "test-offer-123457"]
    assert len(stub.calls) == 2
    # Pages are available too, and a second iteration walks again from the start.
    assert [len(p.items) for p in paged.pages()] == [1, 1]
    assert len(stub.calls) == 4


def test_cursor_walk_stops_if_ozon_repeats_the_cursor(client: OzonClient, stub: OzonStub) -> None:
    page = {
        "products": [{"sku": 1, "offer_id": "A", "warehouse_id": 5}],
        "cursor": "same",
        "has_next": True,
    }
    stub.reply("/v2/product/info/stocks-by-warehouse/fbs", httpx.Response(200, json=page))
    assert len(client.stocks.by_warehouse_fbs(offer_ids=["A"]).to_list()) == 2
    assert len(stub.calls) == 2


def test_product_last_id_walk(client: OzonClient, stub: OzonStub, load_example: Loader) -> None:
    template = load_example("v3-product-list.response.json")["result"]["items"][0]

    def handler(call: Call) -> httpx.Response:
        offset = int(call.body["last_id"] or 0)
        size = call.body["limit"]
        ids = range(offset, min(offset + size, 5))
        items = [dict(template, product_id=i + 1, offer_id=f"O{i + 1}") for i in ids]
        return httpx.Response(
            200, json={"result": {"items": items, "total": 5, "last_id": str(offset + len(items))}}
        )

    stub.route("/v3/product/list", handler)
    items = list(client.products.list(page_size=2))
    assert [i.offer_id for i in items] == ["O1", "O2", "O3", "O4", "O5"]
    # Stops once the total is reached, without asking for an empty page.
    assert [c.body["last_id"] for c in stub.calls] == ["", "2", "4"]


def test_last_id_walk_stops_on_an_empty_page(client: OzonClient, stub: OzonStub) -> None:
    stub.reply(
        "/v3/product/list",
        httpx.Response(200, json={"result": {"items": [{"product_id": 1}], "last_id": "x"}}),
        httpx.Response(200, json={"result": {"items": [], "last_id": "y"}}),
    )
    assert [i.product_id for i in client.products.list()] == [1]
    assert len(stub.calls) == 2


@dataclass
class _ValuePage:
    result: list[dict[str, int]]
    has_next: bool
    asked: list[int] = field(default_factory=list)


def test_last_value_id_walk() -> None:
    values = [{"id": i} for i in (3, 8, 11, 20, 21)]
    asked: list[int] = []

    def fetch(last_value_id: int) -> _ValuePage:
        asked.append(last_value_id)
        rest = [v for v in values if v["id"] > last_value_id][:2]
        return _ValuePage(rest, has_next=rest[-1]["id"] != values[-1]["id"])

    paged = last_value_id_pages(fetch, lambda p: p.result, lambda v: v["id"])
    assert [v["id"] for v in paged] == [3, 8, 11, 20, 21]
    assert asked == [0, 8, 20]
