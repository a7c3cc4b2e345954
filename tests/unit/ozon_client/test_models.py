"""Ozon's real payloads parse into the client's models, including Ozon's known quirks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from resources.ozon.models.postings import PostingGetResponse
from resources.ozon.models.prices import (
    PriceInfoRequest,
    PriceInfoResponse,
    PricesUpdateRequest,
    PricesUpdateResponse,
    PriceUpdate,
)
from resources.ozon.models.products import (
    ProductInfoListRequest,
    ProductInfoListResponse,
    ProductListRequest,
    ProductListResponse,
)
from resources.ozon.models.stocks import (
    StocksByWarehouseRequest,
    StocksByWarehouseResponse,
    StocksUpdateRequest,
    StocksUpdateResponse,
    StockUpdate,
)
from resources.ozon.models.warehouses import WarehouseListRequest, WarehouseListResponse

Loader = Callable[[str], Any]


def test_warehouse_list_example(load_example: Loader) -> None:
    request = load_example("v2-warehouse-list.request.json")
    request["limit"] = 200  # the published example has the placeholder 0, below Ozon's minimum
    parsed = WarehouseListRequest.model_validate(request)
    assert parsed.to_body()["warehouse_ids"] == ["20605650762000"]

    page = WarehouseListResponse.model_validate(load_example("v2-warehouse-list.response.json"))
    (warehouse,) = page.warehouses
    assert warehouse.warehouse_id == 20605650762000
    assert warehouse.is_rfbs and warehouse.is_kgt
    assert warehouse.first_mile is not None and warehouse.first_mile.type == "PICK_UP"
    assert warehouse.working_days[0] == "MONDAY"
    # The example's has_next is the placeholder "string": it must not read as "more pages".
    assert page.has_next is None


def test_product_list_example(load_example: Loader) -> None:
    request = ProductListRequest.model_validate(load_example("v3-product-list.request.json"))
    assert request.to_body()["filter"]["product_id"] == ["223681945"]
    page = ProductListResponse.model_validate(load_example("v3-product-list.response.json"))
    (item,) = page.result.items
    assert (item.product_id, item.offer_id, item.archived, item.has_fbs_stocks) == (
        3397917680,
        "2026-01-13 16:56:03 PDF",
        False,
        False,
    )
    assert page.result.last_id == "WzMzOTc5MTc2ODAsMzM5NzkxNzY4MF0="
    assert page.result.total == 1


def test_product_info_list_example(load_example: Loader) -> None:
    request = ProductInfoListRequest.model_validate(
        load_example("v3-product-info-list.request.json")
    )
    assert request.product_id == [3339791176800]
    assert request.to_body()["sku"] == ["33373353831"]
    response = ProductInfoListResponse.model_validate(
        load_example("v3-product-info-list.response.json")
    )
    (info,) = response.items
    assert info.id == 100001 and info.sku == 123456789 and info.offer_id == "OFFER_123456789"
    assert info.barcodes == ["123456789012"]
    assert (info.price, info.old_price, info.min_price) == ("1299.99", "1499.99", "999.99")
    assert info.statuses.moderate_status == "approved"
    assert info.statuses.validation_status == "valid"
    assert info.errors[0].code == "INVALID_PRICE"
    assert info.errors[0].level == "ERROR"  # the unprefixed spelling from real replies
    assert info.errors[0].texts.short_description == "Ошибка цены"
    assert info.stocks.stocks[0].present == 50
    assert info.description_category_id == 42 and info.type_id == 1


def test_stocks_update_examples(load_example: Loader) -> None:
    request = StocksUpdateRequest.model_validate(load_example("v2-products-stocks.request.json"))
    assert request.stocks[0].warehouse_id == 22142605386000
    assert request.to_body() == load_example("v2-products-stocks.request.json")
    response = StocksUpdateResponse.model_validate(load_example("v2-products-stocks.response.json"))
    (result,) = response.result
    assert result.updated and result.errors == []
    assert (result.offer_id, result.warehouse_id) == ("PH11042", 22142605386000)


def test_stocks_by_warehouse_schema_sample(load_example: Loader) -> None:
    request = load_example("schema-samples/v2-product-info-stocks-by-warehouse-fbs.request.json")
    request["limit"] = 1000
    parsed = StocksByWarehouseRequest.model_validate(request)
    assert parsed.sku == [0]
    page = StocksByWarehouseResponse.model_validate(
        load_example("schema-samples/v2-product-info-stocks-by-warehouse-fbs.response.json")
    )
    assert page.has_next is True
    assert page.products[0].warehouse_name == "string"


def test_prices_update_examples(load_example: Loader) -> None:
    body = load_example("v1-product-import-prices.request.json")
    request = PricesUpdateRequest.model_validate(body)
    (item,) = request.prices
    assert (item.product_id, item.price, item.min_price, item.vat) == (1386, "1448", "800", "0.1")
    assert request.to_body() == body
    response = PricesUpdateResponse.model_validate(
        load_example("v1-product-import-prices.response.json")
    )
    assert response.result[0].offer_id == "PH8865" and response.result[0].updated


def test_prices_info_examples(load_example: Loader) -> None:
    request = PriceInfoRequest.model_validate(load_example("v5-product-info-prices.request.json"))
    assert request.filter.offer_id == ["356792"]
    page = PriceInfoResponse.model_validate(load_example("v5-product-info-prices.response.json"))
    assert [i.offer_id for i in page.items] == ["test-offer-123456", "test-offer-123457"]
    assert page.items[0].price.price == pytest.approx(2999.99)
    assert page.items[0].price.min_price == pytest.approx(2799.99)
    assert page.cursor == "" and page.total == 2


def test_real_reply_quirks_are_tolerated() -> None:
    page = StocksByWarehouseResponse.model_validate(
        {
            "products": [
                {
                    "sku": "1234567890123",  # int64 as a decimal string
                    "offer_id": "A-1",
                    "product_id": None,  # null where the schema says integer
                    "warehouse_id": "22100000000001",
                    "present": 5,
                    "reserved": 1,
                    "free_stock": 4,
                    "brand_new_field": {"x": 1},  # fields Ozon adds later
                }
            ],
            "cursor": None,
            "has_next": "false",
        }
    )
    item = page.products[0]
    assert (item.sku, item.warehouse_id, item.product_id) == (1234567890123, 22100000000001, 0)
    assert page.cursor == "" and page.has_next is False


@pytest.mark.parametrize("unset", ["absent", None, "", "0001-01-01T00:00:00Z"])
def test_a_posting_without_its_dates_parses_with_none(load_example: Loader, unset: Any) -> None:
    body = load_example("v3-posting-fbs-get.response.json")
    for name in ("in_process_at", "shipment_date", "shipment_date_without_delay"):
        if unset == "absent":
            body["result"].pop(name, None)
        else:
            body["result"][name] = unset
    posting = PostingGetResponse.model_validate(body).result
    assert posting.in_process_at is None and posting.shipment_date is None
    assert posting.shipment_date_without_delay is None
    assert posting.posting_number and posting.products


@pytest.mark.parametrize("stock", [-1, 1_000_000])
def test_stock_out_of_range_is_refused_before_sending(stock: int) -> None:
    with pytest.raises(ValidationError):
        StockUpdate(offer_id="A", warehouse_id=1, stock=stock)


def test_updates_need_an_identity() -> None:
    with pytest.raises(ValidationError, match="offer_id or a product_id"):
        StockUpdate(warehouse_id=1, stock=1)
    with pytest.raises(ValidationError, match="offer_id or a product_id"):
        PriceUpdate(price="100")
    assert StockUpdate(offer_id="A", warehouse_id=1, stock=999_999).stock == 999_999
