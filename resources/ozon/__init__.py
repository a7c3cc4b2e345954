"""Ozon Seller API client: ``OzonClient``, its errors and the models it speaks."""

from __future__ import annotations

from resources.ozon.client import OzonClient
from resources.ozon.constants import LOCAL_RATE_LIMIT
from resources.ozon.errors import (
    OzonAuthError,
    OzonConflictError,
    OzonError,
    OzonForbiddenError,
    OzonItemError,
    OzonNotFoundError,
    OzonRateLimitedError,
    OzonResponseError,
    OzonServerError,
    OzonTransportError,
    OzonValidationError,
)
from resources.ozon.models import (
    Price,
    PriceInfo,
    PriceUpdate,
    PriceUpdateResult,
    ProductError,
    ProductInfo,
    ProductListItem,
    ProductStatuses,
    StockUpdate,
    StockUpdateResult,
    Warehouse,
    WarehouseStock,
)
from resources.ozon.pagination import Paged
from resources.ozon.ratelimit import RateLimiter

__all__ = [
    "LOCAL_RATE_LIMIT",
    "OzonAuthError",
    "OzonClient",
    "OzonConflictError",
    "OzonError",
    "OzonForbiddenError",
    "OzonItemError",
    "OzonNotFoundError",
    "OzonRateLimitedError",
    "OzonResponseError",
    "OzonServerError",
    "OzonTransportError",
    "OzonValidationError",
    "Paged",
    "Price",
    "PriceInfo",
    "PriceUpdate",
    "PriceUpdateResult",
    "ProductError",
    "ProductInfo",
    "ProductListItem",
    "ProductStatuses",
    "RateLimiter",
    "StockUpdate",
    "StockUpdateResult",
    "Warehouse",
    "WarehouseStock",
]
