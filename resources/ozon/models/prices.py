"""Models of ``/v1/product/import/prices`` and ``/v5/product/info/prices``."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Literal

from pydantic import Field, model_validator

from resources.ozon import constants
from resources.ozon.errors import OzonItemError
from resources.ozon.models.common import (
    Int64Str,
    MaybeBool,
    OzonInt,
    OzonRequest,
    OzonResponse,
    OzonStr,
)

Toggle = Literal["UNKNOWN", "ENABLED", "DISABLED"]


class PriceUpdate(OzonRequest):
    """New prices of one card; amounts are decimal strings as Ozon wants them (``"0"`` resets)."""

    offer_id: str | None = None
    product_id: OzonInt | None = None
    price: OzonStr
    old_price: OzonStr | None = None
    min_price: OzonStr | None = None
    currency_code: str | None = None
    vat: OzonStr | None = None
    net_price: OzonStr | None = None
    auto_action_enabled: Toggle | None = None
    auto_add_to_ozon_actions_list_enabled: Toggle | None = None
    price_strategy_enabled: Toggle | None = None
    min_price_for_auto_actions_enabled: bool | None = None
    manage_elastic_boosting_through_price: bool | None = None
    quant_size: int | None = None

    @model_validator(mode="after")
    def _identified(self) -> PriceUpdate:
        if not self.offer_id and not self.product_id:
            raise ValueError("a price update needs an offer_id or a product_id")
        return self

    def limit_key(self) -> Hashable:
        """The card whose price Ozon lets change at most 10 times per hour."""
        return ("offer", self.offer_id) if self.offer_id else ("product", self.product_id)


class PricesUpdateRequest(OzonRequest):
    """At most 1000 cards per call."""

    prices: list[PriceUpdate] = Field(min_length=1, max_length=constants.PRICES_BATCH_MAX)


class PriceUpdateResult(OzonResponse):
    """Ozon's verdict on one card (or the client's, for items held back by the hourly rule)."""

    product_id: OzonInt = 0
    offer_id: str = ""
    updated: bool = False
    errors: list[OzonItemError] = Field(default_factory=list)


class PricesUpdateResponse(OzonResponse):
    """Per-card results; HTTP 200 even when cards failed."""

    result: list[PriceUpdateResult] = Field(default_factory=list)


class PriceInfoFilter(OzonRequest):
    """Which cards to read prices of (≤ 1000 ids per kind)."""

    offer_id: list[str] | None = None
    product_id: list[Int64Str] | None = None
    visibility: str = "ALL"


class PriceInfoRequest(OzonRequest):
    """One page of price read-back."""

    filter: PriceInfoFilter = PriceInfoFilter()
    limit: int = Field(default=1000, ge=1, le=1000)
    cursor: str = ""


class Price(OzonResponse):
    """A card's current prices (numbers here, unlike the strings of the import method)."""

    price: float = 0.0
    old_price: float = 0.0
    min_price: float = 0.0
    net_price: float | None = None
    marketing_seller_price: float | None = None
    retail_price: float | None = None
    currency_code: str = ""
    vat: float | None = None
    auto_action_enabled: MaybeBool = None
    auto_add_to_ozon_actions_list_enabled: MaybeBool = None


class PriceInfo(OzonResponse):
    """Prices of one card."""

    product_id: OzonInt
    offer_id: str = ""
    price: Price = Price()
    acquiring: float | None = None
    volume_weight: float | None = None


class PriceInfoResponse(OzonResponse):
    """One page of prices; Ozon gives no ``has_next`` here, an empty cursor ends the walk."""

    items: list[PriceInfo] = Field(default_factory=list)
    cursor: str = ""
    total: OzonInt = 0
    has_next: MaybeBool = None
