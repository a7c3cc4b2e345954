"""Models of ``/v2/products/stocks`` and ``/v2/product/info/stocks-by-warehouse/fbs``."""

from __future__ import annotations

from collections.abc import Hashable

from pydantic import Field, model_validator

from resources.ozon import constants
from resources.ozon.errors import OzonItemError
from resources.ozon.models.common import Int64Str, MaybeBool, OzonInt, OzonRequest, OzonResponse


class StockUpdate(OzonRequest):
    """Stock to publish for one (card, FBS warehouse) pair, excluding what Ozon has reserved."""

    offer_id: str | None = None
    product_id: OzonInt | None = None
    warehouse_id: OzonInt
    stock: int = Field(ge=0, lt=constants.STOCK_VALUE_LIMIT)

    @model_validator(mode="after")
    def _identified(self) -> StockUpdate:
        if not self.offer_id and not self.product_id:
            raise ValueError("a stock update needs an offer_id or a product_id")
        return self

    def limit_key(self) -> Hashable:
        """The (card, warehouse) pair that Ozon lets through once per 30 seconds."""
        card = ("offer", self.offer_id) if self.offer_id else ("product", self.product_id)
        return (card, self.warehouse_id)


class StocksUpdateRequest(OzonRequest):
    """At most 100 pairs per call."""

    stocks: list[StockUpdate] = Field(min_length=1, max_length=constants.STOCKS_BATCH_MAX)


class StockUpdateResult(OzonResponse):
    """Ozon's verdict on one pair; ``errors`` explain a pair that was not updated."""

    offer_id: str = ""
    product_id: OzonInt = 0
    warehouse_id: OzonInt = 0
    updated: bool = False
    errors: list[OzonItemError] = Field(default_factory=list)


class StocksUpdateResponse(OzonResponse):
    """Per-pair results; HTTP 200 even when pairs failed."""

    result: list[StockUpdateResult] = Field(default_factory=list)


class StocksByWarehouseRequest(OzonRequest):
    """One page of FBS stock per warehouse, by SKUs or by offer ids (one kind per request)."""

    sku: list[Int64Str] | None = Field(default=None, max_length=constants.STOCK_FILTER_IDS_MAX)
    offer_id: list[str] | None = Field(default=None, max_length=constants.STOCK_FILTER_IDS_MAX)
    limit: int = Field(default=1000, ge=1, le=1000)
    cursor: str = ""


class WarehouseStock(OzonResponse):
    """Stock of one card on one FBS warehouse as Ozon sees it."""

    sku: OzonInt = 0
    offer_id: str = ""
    product_id: OzonInt = 0
    warehouse_id: OzonInt = 0
    warehouse_name: str = ""
    present: OzonInt = 0
    reserved: OzonInt = 0
    free_stock: OzonInt = 0


class StocksByWarehouseResponse(OzonResponse):
    """One page of per-warehouse stock."""

    products: list[WarehouseStock] = Field(default_factory=list)
    cursor: str = ""
    has_next: MaybeBool = None
