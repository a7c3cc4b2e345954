"""What the seller hears from postings: stock reservations, splits, cutoff and delivery changes.

Every push is read from the postings domain's log and parsed with the client's ``parse_push``, so
the payloads are checked the way a receiver would read them, and their keys against Ozon's
published examples.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from resources.ozon.models.push import (
    CutoffDateChangedPush,
    DeliveryDateChangedPush,
    NewPostingPush,
    PushMessage,
    StocksChangedPush,
)
from resources.ozon.push import parse_push
from tests.integration.postings.conftest import STOCK, WAREHOUSE, Shop
from tests.support.sandbox import CLIENT_ID

# Sandbox epoch is 06:00 UTC; the warehouse's drop-off slot opens at 07:00 UTC.
SETTLE_S = 61
FORMING_S = 61
HOUR = 3600


def key_shape(value: Any) -> Any:
    """The key structure of a JSON value (lists by their first element)."""
    if isinstance(value, dict):
        return {k: key_shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [key_shape(value[0])] if value else []
    return None


def example(ozon_examples: Path, message_type: str) -> Any:
    """Ozon's published payload of a push type."""
    return json.loads((ozon_examples / "push" / f"{message_type}.json").read_text())


class PushLog:
    """The postings domain's pushes, read in steps: each ``new()`` returns what came since."""

    def __init__(self, shop: Shop) -> None:
        self._shop = shop
        self._seen = 0
        self.raw: list[dict[str, Any]] = []

    def new(self) -> list[PushMessage]:
        """Pushes emitted since the last call, parsed as a receiver would."""
        pushes = self._shop.server.admin.posting_pushes(CLIENT_ID)
        self.raw, self._seen = pushes[self._seen :], len(pushes)
        return [parse_push(p) for p in self.raw]


def levels(push: StocksChangedPush) -> dict[int, tuple[int, int, int]]:
    """(warehouse, present, reserved) per SKU of a stock push."""
    result = {}
    for item in push.items:
        (stock,) = item.stocks
        result[item.sku] = (stock.warehouse_id, stock.present, stock.reserved)
    return result


def test_placing_an_order_pushes_the_reservation_then_the_posting(
    shop: Shop, ozon_examples: Path
) -> None:
    a, b = shop.offers[0], shop.offers[1]
    log = PushLog(shop)
    shop.advance(60)
    now = shop.server.admin.clock().now

    number = shop.order((a, 3, False), (b, 1, False))

    stocks, announced = log.new()
    assert isinstance(stocks, StocksChangedPush)
    assert key_shape(log.raw[0]) == key_shape(example(ozon_examples, "TYPE_STOCKS_CHANGED"))
    assert stocks.seller_id == int(CLIENT_ID)
    assert levels(stocks) == {
        shop.skus[a]: (WAREHOUSE, STOCK, 3),
        shop.skus[b]: (WAREHOUSE, STOCK, 1),
    }
    products = {p.offer_id: p for p in shop.server.admin.products(CLIENT_ID)}
    assert {i.product_id for i in stocks.items} == {products[a].product_id, products[b].product_id}
    assert {i.updated_at for i in stocks.items} == {now}
    assert isinstance(announced, NewPostingPush) and announced.posting_number == number
    rows = shop.server.admin.stocks(CLIENT_ID)
    assert [rows[(o, WAREHOUSE)].updated_at for o in (a, b)] == [now, now]


def test_cancelling_a_posting_pushes_the_released_reservation(shop: Shop) -> None:
    offer = shop.offers[0]
    number = shop.order((offer, 2, False))
    log = PushLog(shop)
    log.new()
    shop.advance(30)

    assert shop.client.postings.cancel(number, 352)

    stocks, cancelled = log.new()
    assert isinstance(stocks, StocksChangedPush)
    assert levels(stocks) == {shop.skus[offer]: (WAREHOUSE, STOCK, 0)}
    assert stocks.items[0].updated_at == shop.server.admin.clock().now
    assert cancelled.message_type == "TYPE_POSTING_CANCELLED"


def test_handing_a_posting_over_pushes_the_units_leaving_the_warehouse(shop: Shop) -> None:
    client, offer = shop.client, shop.offers[0]
    number = shop.order((offer, 2, False))
    client.postings.ship(number, [{shop.skus[offer]: 2}])
    shop.advance(SETTLE_S)
    act_id = client.acts.create(WAREHOUSE)
    shop.advance(FORMING_S)
    log = PushLog(shop)
    log.new()

    shop.advance(HOUR)  # past the drop-off slot: the carriage takes the posting
    assert client.postings.get(number).status == "delivering"

    stocks = [p for p in log.new() if isinstance(p, StocksChangedPush)]
    assert [levels(p) for p in stocks] == [{shop.skus[offer]: (WAREHOUSE, STOCK - 2, 0)}]
    row = shop.server.admin.stocks(CLIENT_ID)[(offer, WAREHOUSE)]
    assert (row.present, row.reserved) == (STOCK - 2, 0)
    assert row.updated_at == stocks[0].items[0].updated_at
    assert client.acts.check_status(act_id).added_to_act == [number]


def test_partial_cancel_pushes_only_the_stock_change(shop: Shop) -> None:
    client, a, b = shop.client, shop.offers[0], shop.offers[1]
    number = shop.order((a, 3, False), (b, 2, False))
    log = PushLog(shop)
    log.new()
    shop.advance(30)

    client.postings.cancel_products(number, {shop.skus[a]: 1}, 352, "Закончился")

    (stocks,) = log.new()
    assert isinstance(stocks, StocksChangedPush)
    assert levels(stocks) == {shop.skus[a]: (WAREHOUSE, STOCK, 2)}
    assert stocks.items[0].updated_at == shop.server.admin.clock().now
    posting = client.postings.get(number)
    assert posting.status == "awaiting_packaging"
    assert {(p.sku, p.quantity) for p in posting.products} == {(shop.skus[a], 2), (shop.skus[b], 2)}


def test_splitting_off_a_package_announces_the_new_posting(shop: Shop, ozon_examples: Path) -> None:
    client, a, b = shop.client, shop.offers[0], shop.offers[1]
    number = shop.order((a, 2, False), (b, 1, False))
    log = PushLog(shop)
    log.new()

    new = client.postings.ship_package(number, {shop.skus[b]: 1})

    (announced,) = log.new()
    assert key_shape(log.raw[0]) == key_shape(example(ozon_examples, "TYPE_NEW_POSTING"))
    assert isinstance(announced, NewPostingPush)
    part = client.postings.get(new, with_analytics_data=True)
    assert announced.posting_number == new != number
    assert part.status == "awaiting_packaging"
    assert [(p.sku, p.offer_id, p.quantity) for p in announced.products] == [(shop.skus[b], b, 1)]
    assert announced.warehouse_id == WAREHOUSE
    assert announced.shipment_date == part.shipment_date
    assert part.analytics_data is not None
    assert announced.delivery_date_begin == part.analytics_data.delivery_date_begin
    # Splitting moves no units: the reservations stay as they were.
    rows = shop.server.admin.stocks(CLIENT_ID)
    assert (rows[(a, WAREHOUSE)].reserved, rows[(b, WAREHOUSE)].reserved) == (2, 1)


def test_moved_cutoff_shows_on_the_posting_and_is_pushed(shop: Shop, ozon_examples: Path) -> None:
    number = shop.order((shop.offers[0], 1, False))
    old = shop.client.postings.get(number).shipment_date
    assert old is not None
    new = old + timedelta(hours=6)
    log = PushLog(shop)
    log.new()

    shop.server.admin.change_cutoff(CLIENT_ID, number, new.isoformat())

    assert shop.client.postings.get(number).shipment_date == new
    (push,) = log.new()
    assert key_shape(log.raw[0]) == key_shape(example(ozon_examples, "TYPE_CUTOFF_DATE_CHANGED"))
    assert isinstance(push, CutoffDateChangedPush)
    assert push.posting_number == number and push.warehouse_id == WAREHOUSE
    assert (push.old_cutoff_date, push.new_cutoff_date) == (old, new)
    assert push.seller_id == int(CLIENT_ID)


def test_moved_delivery_dates_show_on_the_posting_and_are_pushed(
    shop: Shop, ozon_examples: Path
) -> None:
    number = shop.order((shop.offers[0], 1, False))
    before = shop.client.postings.get(number, with_analytics_data=True).analytics_data
    assert before is not None and before.delivery_date_begin is not None
    begin = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)
    end = datetime(2026, 12, 5, 16, 0, tzinfo=UTC)
    log = PushLog(shop)
    log.new()

    shop.server.admin.change_delivery_date(CLIENT_ID, number, begin.isoformat(), end.isoformat())

    after = shop.client.postings.get(number, with_analytics_data=True).analytics_data
    assert after is not None
    assert (after.delivery_date_begin, after.delivery_date_end) == (begin, end)
    (push,) = log.new()
    shape = key_shape(example(ozon_examples, "TYPE_DELIVERY_DATE_CHANGED"))
    assert key_shape(log.raw[0]) == shape
    assert isinstance(push, DeliveryDateChangedPush)
    assert push.posting_number == number and push.warehouse_id == WAREHOUSE
    assert (push.new_delivery_date_begin, push.new_delivery_date_end) == (begin, end)
    assert (push.old_delivery_date_begin, push.old_delivery_date_end) == (
        before.delivery_date_begin,
        before.delivery_date_end,
    )


def test_date_changes_of_an_unknown_posting_are_refused(shop: Shop) -> None:
    moment = datetime(2026, 12, 5, 7, 0, tzinfo=UTC).isoformat()
    log = PushLog(shop)
    with pytest.raises(RuntimeError, match="POSTING_NOT_FOUND"):
        shop.server.admin.change_cutoff(CLIENT_ID, "00000000-0000-1", moment)
    with pytest.raises(RuntimeError, match="POSTING_NOT_FOUND"):
        shop.server.admin.change_delivery_date(CLIENT_ID, "00000000-0000-1", moment, moment)
    assert log.new() == []
