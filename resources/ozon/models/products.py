"""Models of ``/v3/product/list`` and ``/v3/product/info/list``: card ids, details and status."""

from __future__ import annotations

from pydantic import Field

from resources.ozon.models.common import (
    Int64Str,
    OzonInt,
    OzonRequest,
    OzonResponse,
    OzonStr,
)

Visibility = str
"""Ozon's visibility filter (``ALL`` = everything but archived, ``ARCHIVED``, ``IN_SALE`` ...)."""


class ProductListFilter(OzonRequest):
    """Filter by one id group (≤ 1000 values) and visibility."""

    offer_id: list[str] | None = None
    product_id: list[Int64Str] | None = None
    visibility: Visibility = "ALL"


class ProductListRequest(OzonRequest):
    """One page of the card id list."""

    filter: ProductListFilter = ProductListFilter()
    last_id: str = ""
    limit: int = Field(default=1000, ge=1, le=1000)


class Quant(OzonResponse):
    """An economy-product quant of a card."""

    quant_code: str = ""
    quant_size: OzonInt = 0


class ProductListItem(OzonResponse):
    """A card as the id list shows it."""

    product_id: OzonInt
    offer_id: str = ""
    archived: bool = False
    has_fbo_stocks: bool = False
    has_fbs_stocks: bool = False
    is_discounted: bool = False
    quants: list[Quant] = Field(default_factory=list)


class ProductListResult(OzonResponse):
    """The ``result`` object of the list: items plus paging state."""

    items: list[ProductListItem] = Field(default_factory=list)
    total: OzonInt = 0
    last_id: str = ""


class ProductListResponse(OzonResponse):
    """One page of the card id list."""

    result: ProductListResult = ProductListResult()


class ProductInfoListRequest(OzonRequest):
    """Up to 1000 ids in total across the three id kinds."""

    offer_id: list[str] | None = None
    product_id: list[Int64Str] | None = None
    sku: list[Int64Str] | None = None


class ProductStatuses(OzonResponse):
    """Where the card is in Ozon's creation and moderation pipeline."""

    status: str = ""
    status_name: str = ""
    status_description: str = ""
    status_tooltip: str = ""
    status_failed: str = ""
    status_updated_at: str | None = None
    moderate_status: str = ""
    validation_status: str = ""
    is_created: bool = False


class ProductErrorText(OzonResponse):
    """Human-readable parts of a card error."""

    short_description: str = ""
    description: str = ""
    hint_code: str = ""
    attribute_name: str = ""
    message: str = ""


class ProductError(OzonResponse):
    """A creation or validation problem of a card; ``level`` ERROR blocks selling, WARNING not."""

    code: OzonStr = ""
    field: str = ""
    attribute_id: OzonInt | None = None
    state: str = ""
    level: str = ""
    texts: ProductErrorText = ProductErrorText()


class ProductStock(OzonResponse):
    """Stock of a card per source (FBS, FBO ...)."""

    sku: OzonInt | None = None
    source: str = ""
    present: OzonInt = 0
    reserved: OzonInt = 0


class ProductStocks(OzonResponse):
    """Whether the card has stock, and where."""

    has_stock: bool = False
    stocks: list[ProductStock] = Field(default_factory=list)


class VisibilityDetails(OzonResponse):
    """Why a card is or is not visible to buyers."""

    has_price: bool = False
    has_stock: bool = False


class ProductInfo(OzonResponse):
    """One card's details and status from ``/v3/product/info/list``."""

    id: OzonInt
    offer_id: str = ""
    sku: OzonInt | None = None
    name: str = ""
    barcodes: list[str] = Field(default_factory=list)
    description_category_id: OzonInt | None = None
    type_id: OzonInt | None = None
    price: OzonStr = ""
    old_price: OzonStr = ""
    min_price: OzonStr = ""
    currency_code: str = ""
    vat: OzonStr = ""
    images: list[str] = Field(default_factory=list)
    primary_image: list[str] = Field(default_factory=list)
    is_archived: bool = False
    is_autoarchived: bool = False
    is_discounted: bool = False
    is_kgt: bool = False
    created_at: str | None = None
    updated_at: str | None = None
    statuses: ProductStatuses = ProductStatuses()
    errors: list[ProductError] = Field(default_factory=list)
    stocks: ProductStocks = ProductStocks()
    visibility_details: VisibilityDetails = VisibilityDetails()
    volume_weight: float | None = None


class ProductInfoListResponse(OzonResponse):
    """Details of the requested cards (unknown ids are simply missing)."""

    items: list[ProductInfo] = Field(default_factory=list)
