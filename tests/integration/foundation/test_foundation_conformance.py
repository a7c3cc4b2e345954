"""Warehouses, card lists, stocks and prices against Ozon's contract.

Every request the client built and every reply the sandbox gave is validated strictly against
the spec, including pages past the first, filters by each kind of id and items Ozon refuses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from resources.ozon import OzonClient, PriceUpdate, StockUpdate, constants
from tests.integration.foundation.conftest import Account
from tests.support.openapi import OzonSpec
from tests.support.sandbox import WAREHOUSE_IDS

W1, W2 = WAREHOUSE_IDS
UNKNOWN_WAREHOUSE = 1

FOUNDATION_METHODS = {
    constants.WAREHOUSE_LIST,
    constants.PRODUCT_LIST,
    constants.PRODUCT_INFO_LIST,
    constants.STOCKS_UPDATE,
    constants.STOCKS_BY_WAREHOUSE_FBS,
    constants.PRICES_UPDATE,
    constants.PRICES_INFO,
}


@pytest.fixture
def spec(ozon_spec_path: Path) -> OzonSpec:
    return OzonSpec.load(ozon_spec_path)


def _exercise(account: Account) -> None:
    """Call every foundation method the way the sync flows do, with paging and refusals."""
    client: OzonClient = account.client
    cards, unpriced = account.priced, account.unpriced
    offers = [c.offer_id for c in cards]

    client.warehouses.pages(page_size=1).to_list()
    client.warehouses.list([W2])

    client.products.list(page_size=2).to_list()
    client.products.list(offer_ids=offers, visibility="VISIBLE").to_list()
    client.products.list(product_ids=[c.product_id for c in cards]).to_list()
    client.products.info_list(
        offer_ids=offers[:1],
        product_ids=[cards[1].product_id],
        skus=[cards[2].sku, unpriced.sku],
    )

    priced = client.prices.update(
        [
            PriceUpdate(
                offer_id=cards[0].offer_id,
                price="549",
                old_price="699",
                min_price="500",
                net_price="300",
                currency_code="RUB",
                vat="0.2",
                auto_action_enabled="ENABLED",
                auto_add_to_ozon_actions_list_enabled="DISABLED",
                price_strategy_enabled="DISABLED",
                min_price_for_auto_actions_enabled=True,
                manage_elastic_boosting_through_price=False,
            ),
            PriceUpdate(product_id=cards[1].product_id, price="449", old_price="0"),
            # Refused: a 1 ₽ discount on a 500 ₽ card is too small to show.
            PriceUpdate(offer_id=cards[2].offer_id, price="500", old_price="501"),
        ]
    )
    assert [r.updated for r in priced] == [True, True, False]
    client.prices.info(offer_ids=offers, page_size=2).to_list()
    client.prices.info(product_ids=[cards[0].product_id]).to_list()
    client.prices.info(visibility="ALL").to_list()

    items = [
        StockUpdate(offer_id=c.offer_id, product_id=c.product_id, warehouse_id=w, stock=5)
        for c in cards
        for w in WAREHOUSE_IDS
    ]
    refused = [
        StockUpdate(
            offer_id=cards[0].offer_id,
            product_id=cards[0].product_id,
            warehouse_id=UNKNOWN_WAREHOUSE,
            stock=1,
        ),
        StockUpdate(
            offer_id=unpriced.offer_id, product_id=unpriced.product_id, warehouse_id=W1, stock=1
        ),
    ]
    results = client.stocks.update(items + refused)
    assert [r.updated for r in results] == [True] * len(items) + [False, False]
    client.stocks.by_warehouse_fbs(offer_ids=offers, page_size=2).to_list()
    client.stocks.by_warehouse_fbs(skus=[c.sku for c in cards]).to_list()


def test_every_exchange_conforms_to_the_spec(account: Account, spec: OzonSpec) -> None:
    _exercise(account)
    exchanges = account.recorder.exchanges
    assert {e.path for e in exchanges} == FOUNDATION_METHODS
    for exchange in exchanges:
        assert exchange.status == 200, exchange
        spec.validate_request(exchange.path, exchange.request)
        spec.validate_response(exchange.path, exchange.response, lenient=False)


def test_paged_reads_walk_past_the_first_page(account: Account) -> None:
    _exercise(account)
    recorder = account.recorder
    first_walk = recorder.of(constants.WAREHOUSE_LIST)[:2]
    assert [e.request.get("cursor", "") == "" for e in first_walk] == [True, False]
    assert any(e.request.get("last_id") for e in recorder.of(constants.PRODUCT_LIST))
    assert any(e.request.get("cursor") for e in recorder.of(constants.PRICES_INFO))
    assert any(e.request.get("cursor") for e in recorder.of(constants.STOCKS_BY_WAREHOUSE_FBS))


def test_stock_items_carry_both_ids_as_the_spec_requires(account: Account) -> None:
    _exercise(account)
    [sent, *_] = account.recorder.of(constants.STOCKS_UPDATE)
    assert all({"offer_id", "product_id"} <= set(item) for item in sent.request["stocks"])
    rows = account.client.stocks.by_warehouse_fbs(
        offer_ids=[c.offer_id for c in account.priced]
    ).to_list()
    assert {(r.offer_id, r.warehouse_id, r.free_stock) for r in rows} == {
        (c.offer_id, w, 5) for c in account.priced for w in WAREHOUSE_IDS
    }


def test_a_stock_item_may_name_its_card_by_either_id_and_offer_id_wins(account: Account) -> None:
    a, b, c = account.priced
    results = account.client.stocks.update(
        [
            StockUpdate(offer_id=a.offer_id, warehouse_id=W1, stock=1),
            StockUpdate(product_id=b.product_id, warehouse_id=W1, stock=2),
            # Both ids, naming different cards: Ozon goes by offer_id.
            StockUpdate(offer_id=c.offer_id, product_id=a.product_id, warehouse_id=W2, stock=3),
        ]
    )
    assert all(r.updated for r in results), results
    assert [(r.offer_id, r.product_id) for r in results] == [
        (a.offer_id, a.product_id),
        (b.offer_id, b.product_id),
        (c.offer_id, c.product_id),
    ]
    rows = account.client.stocks.by_warehouse_fbs(offer_ids=[a.offer_id, b.offer_id, c.offer_id])
    assert {(r.offer_id, r.warehouse_id, r.free_stock) for r in rows} == {
        (a.offer_id, W1, 1),
        (b.offer_id, W1, 2),
        (c.offer_id, W2, 3),
    }


def test_warehouse_replies_leave_unset_dates_out(account: Account) -> None:
    account.client.warehouses.list()
    [reply] = account.recorder.of(constants.WAREHOUSE_LIST)
    for warehouse in reply.response["warehouses"]:
        assert "pause_at" not in warehouse  # an active warehouse has no pause date
        timetable = warehouse["timetable"]
        assert timetable["timetable_from"] < timetable["timetable_to"]
