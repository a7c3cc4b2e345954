"""Pydantic models of the Ozon methods the project calls, one module per domain."""

from __future__ import annotations

from resources.ozon.models.prices import (
    Price,
    PriceInfo,
    PriceInfoResponse,
    PricesUpdateResponse,
    PriceUpdate,
    PriceUpdateResult,
)
from resources.ozon.models.products import (
    ProductError,
    ProductInfo,
    ProductInfoListResponse,
    ProductListItem,
    ProductListResponse,
    ProductStatuses,
)
from resources.ozon.models.stocks import (
    StocksByWarehouseResponse,
    StocksUpdateResponse,
    StockUpdate,
    StockUpdateResult,
    WarehouseStock,
)
from resources.ozon.models.warehouses import Warehouse, WarehouseListResponse

__all__ = [
    "Price",
    "PriceInfo",
    "PriceInfoResponse",
    "PriceUpdate",
    "PriceUpdateResult",
    "PricesUpdateResponse",
    "ProductError",
    "ProductInfo",
    "ProductInfoListResponse",
    "ProductListItem",
    "ProductListResponse",
    "ProductStatuses",
    "StockUpdate",
    "StockUpdateResult",
    "StocksByWarehouseResponse",
    "StocksUpdateResponse",
    "Warehouse",
    "WarehouseListResponse",
    "WarehouseStock",
]
