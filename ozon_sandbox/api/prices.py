"""Prices: ``/v1/product/import/prices`` (write) and ``/v5/product/info/prices`` (read)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from ozon_sandbox.api.common import (
    Int64,
    ItemError,
    OzonRequest,
    ProductFilter,
    select_products,
    visible_products,
)
from ozon_sandbox.cursor import decode_cursor, encode_cursor
from ozon_sandbox.errors import bad_request
from ozon_sandbox.limits import PRICE_CHANGE
from ozon_sandbox.registry import MethodContext, ozon_method
from ozon_sandbox.state import Product, parse_money

Toggle = Literal["UNKNOWN", "ENABLED", "DISABLED"]

VAT_RATES = frozenset({"0", "0.05", "0.07", "0.1", "0.2", "0.22"})

# ---------------------------------------------------------------- /v1/product/import/prices


class PriceItem(OzonRequest):
    """One product's new price; ``offer_id`` wins over ``product_id``."""

    offer_id: str = ""
    product_id: Int64 = 0
    price: str = ""
    old_price: str = ""
    min_price: str = ""
    net_price: str = ""
    currency_code: str = ""
    vat: str = ""
    auto_action_enabled: Toggle = "UNKNOWN"
    auto_add_to_ozon_actions_list_enabled: Toggle = "UNKNOWN"
    price_strategy_enabled: Toggle = "UNKNOWN"
    min_price_for_auto_actions_enabled: bool | None = None
    manage_elastic_boosting_through_price: bool | None = None
    quant_size: Int64 | None = None


class ImportPricesRequest(OzonRequest):
    """Body of ``/v1/product/import/prices``: at most 1000 items."""

    prices: list[PriceItem] = Field(min_length=1, max_length=1000)


class PriceResult(BaseModel):
    """Outcome for one product."""

    product_id: int
    offer_id: str
    updated: bool
    errors: list[ItemError]


class ImportPricesResponse(BaseModel):
    """Reply of ``/v1/product/import/prices`` (HTTP 200 even when items fail)."""

    result: list[PriceResult]


def discount_error(price: Decimal, old_price: Decimal) -> ItemError | None:
    """Ozon's sanity rules for the gap between ``price`` and the struck-through ``old_price``."""
    if old_price <= 0:
        return None
    gap = old_price - price
    if price < 400:
        enough = gap > 20
    elif price <= 10_000:
        enough = gap > price * Decimal("0.05")
    else:
        enough = gap > 500
    if not enough:
        return ItemError(
            code="discount_for_low_price_is_too_small",
            message="The difference between price and old_price is too small",
        )
    if gap >= old_price * Decimal("0.9"):
        return ItemError(code="discount_too_big", message="The discount must be less than 90%")
    return None


def _money(item: PriceItem, name: str) -> tuple[Decimal | None, ItemError | None]:
    raw: str = getattr(item, name)
    if raw == "":
        return None, None
    value = parse_money(raw)
    if value is None:
        return None, ItemError(code="invalid_price", message=f"{name} is not a number")
    if value < 0:
        return None, ItemError(code="price_negative", message=f"{name} must not be negative")
    return value, None


def _validate(
    ctx: MethodContext, item: PriceItem, product: Product
) -> tuple[dict[str, Decimal | None], ItemError | None]:
    values: dict[str, Decimal | None] = {}
    for name in ("price", "old_price", "min_price", "net_price"):
        values[name], error = _money(item, name)
        if error is not None:
            return values, error
    price = values["price"]
    if price is None and not product.price:
        return values, ItemError(code="price_is_empty", message="price is required")
    if price is not None and price <= 0:
        return values, ItemError(code="price_negative", message="price must be greater than 0")
    effective = price if price is not None else Decimal(product.price)
    old_price = values["old_price"]
    if old_price is not None:
        error = discount_error(effective, old_price)
        if error is not None:
            return values, error
    if item.vat and item.vat not in VAT_RATES:
        return values, ItemError(code="vat_invalid", message="Invalid VAT rate")
    if item.currency_code and item.currency_code != product.currency_code:
        return values, ItemError(
            code="currency_code_invalid",
            message="currency_code must match the currency set in the seller cabinet",
        )
    min_price = values["min_price"] if values["min_price"] is not None else None
    if item.auto_action_enabled == "ENABLED" and min_price is None and not product.min_price:
        return values, ItemError(
            code="action_price_enabled_min_price_missing",
            message="Set min_price to enable automatic promotions",
        )
    if ctx.limiter.item_error(PRICE_CHANGE, product.offer_id, ctx.now):
        return values, ItemError(code=PRICE_CHANGE.code, message=PRICE_CHANGE.message)
    return values, None


def _apply(
    ctx: MethodContext, item: PriceItem, product: Product, values: dict[str, Decimal | None]
) -> None:
    updates: dict[str, object] = {
        name: _fmt(value) for name, value in values.items() if value is not None
    }
    if item.vat:
        updates["vat"] = item.vat
    if item.auto_action_enabled != "UNKNOWN":
        updates["auto_action_enabled"] = item.auto_action_enabled == "ENABLED"
    if item.auto_add_to_ozon_actions_list_enabled != "UNKNOWN":
        updates["auto_add_to_ozon_actions_list_enabled"] = (
            item.auto_add_to_ozon_actions_list_enabled == "ENABLED"
        )
    if updates.get("old_price") == "0":
        updates["old_price"] = ""
    updates["updated_at"] = ctx.now_dt
    if not product.price_sent and product.is_created:
        updates["price_sent"] = True
        updates["status_updated_at"] = ctx.now_dt
    ctx.state.put_product(product.model_copy(update=updates))
    ctx.limiter.record_item(PRICE_CHANGE, product.offer_id, ctx.now)


def _fmt(value: Decimal) -> str:
    # Ozon echoes money as plain decimal strings without exponent.
    text = format(value.normalize(), "f")
    return text


@ozon_method("/v1/product/import/prices", request_model=ImportPricesRequest)
def import_prices(ctx: MethodContext, request: ImportPricesRequest) -> ImportPricesResponse:
    """Set prices; an accepted price moves a created card to ``price_sent``."""
    state = ctx.state
    ctx.count_items(len(request.prices))
    results: list[PriceResult] = []
    for item in request.prices:
        if item.offer_id:
            product = state.products.get(item.offer_id)
        elif item.product_id:
            product = state.by_product_id(item.product_id)
        else:
            product = None
        if product is None:
            error = ItemError(code="NOT_FOUND", message="Product not found")
            ctx.item_error(error.code)
            results.append(
                PriceResult(
                    product_id=item.product_id,
                    offer_id=item.offer_id,
                    updated=False,
                    errors=[error],
                )
            )
            continue
        values, found = _validate(ctx, item, product)
        if found is None:
            _apply(ctx, item, product, values)
        else:
            ctx.item_error(found.code)
        results.append(
            PriceResult(
                product_id=product.product_id,
                offer_id=product.offer_id,
                updated=found is None,
                errors=[] if found is None else [found],
            )
        )
    return ImportPricesResponse(result=results)


# ---------------------------------------------------------------- /v5/product/info/prices


class InfoPricesRequest(OzonRequest):
    """Body of ``/v5/product/info/prices``."""

    cursor: str = ""
    filter: ProductFilter
    limit: int = Field(ge=1, le=1000)


class PriceView(BaseModel):
    """``price`` object of ``/v5/product/info/prices`` (numbers, unlike the import strings)."""

    price: float
    old_price: float
    min_price: float
    net_price: float
    marketing_seller_price: float
    retail_price: float
    currency_code: str
    vat: float
    auto_action_enabled: bool
    auto_add_to_ozon_actions_list_enabled: bool


class Commissions(BaseModel):
    """Ozon's fees (the sandbox charges a flat, plausible tariff)."""

    sales_percent_fbo: float
    sales_percent_fbs: float
    fbo_deliv_to_customer_amount: float
    fbs_deliv_to_customer_amount: float
    fbo_return_flow_amount: float
    fbs_return_flow_amount: float


class PriceIndexData(BaseModel):
    """One price-index comparison."""

    min_price: float
    min_price_currency: str
    price_index_value: float


class PriceIndexes(BaseModel):
    """Price indexes (no competitors in the sandbox)."""

    color_index: str
    ozon_index_data: PriceIndexData
    external_index_data: PriceIndexData


class MarketingAction(BaseModel):
    """A promotion applied to the price."""

    title: str
    value: int
    date_from: datetime
    date_to: datetime


class MarketingActions(BaseModel):
    """Promotions of the product (none in the sandbox; the period is the current month)."""

    ozon_actions_exist: bool
    current_period_from: datetime
    current_period_to: datetime
    actions: list[MarketingAction] = Field(default_factory=list)


class PriceInfo(BaseModel):
    """One product in ``/v5/product/info/prices``."""

    product_id: int
    offer_id: str
    price: PriceView
    commissions: Commissions
    price_indexes: PriceIndexes
    marketing_actions: MarketingActions
    acquiring: float
    volume_weight: float


class InfoPricesResponse(BaseModel):
    """Reply of ``/v5/product/info/prices``; an empty cursor ends the walk."""

    items: list[PriceInfo]
    cursor: str
    total: int


def _num(value: str) -> float:
    return float(value) if value else 0.0


def promotion_period(now: datetime) -> tuple[datetime, datetime]:
    """The calendar month around ``now``, the period Ozon's own examples report."""
    start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (start + timedelta(days=32)).replace(day=1)
    return start, next_month - timedelta(seconds=1)


def price_info(product: Product, now: datetime) -> PriceInfo:
    """Price view of one card at sandbox time ``now``."""
    period_from, period_to = promotion_period(now)
    price = _num(product.price)
    zero = PriceIndexData(min_price=0, min_price_currency="RUB", price_index_value=0)
    return PriceInfo(
        product_id=product.product_id,
        offer_id=product.offer_id,
        price=PriceView(
            price=price,
            old_price=_num(product.old_price),
            min_price=_num(product.min_price),
            net_price=_num(product.net_price),
            marketing_seller_price=price,
            retail_price=0,
            currency_code=product.currency_code,
            vat=_num(product.vat),
            auto_action_enabled=product.auto_action_enabled,
            auto_add_to_ozon_actions_list_enabled=product.auto_add_to_ozon_actions_list_enabled,
        ),
        commissions=Commissions(
            sales_percent_fbo=15,
            sales_percent_fbs=15,
            fbo_deliv_to_customer_amount=25,
            fbs_deliv_to_customer_amount=60,
            fbo_return_flow_amount=50,
            fbs_return_flow_amount=50,
        ),
        price_indexes=PriceIndexes(
            color_index="WITHOUT_INDEX", ozon_index_data=zero, external_index_data=zero
        ),
        marketing_actions=MarketingActions(
            ozon_actions_exist=False,
            current_period_from=period_from,
            current_period_to=period_to,
        ),
        acquiring=round(price * 0.015, 2),
        volume_weight=product.volume_weight,
    )


@ozon_method("/v5/product/info/prices", request_model=InfoPricesRequest)
def info_prices(ctx: MethodContext, request: InfoPricesRequest) -> InfoPricesResponse:
    """Prices by ascending product_id (or the filter's ids), cursor-paged."""
    state = ctx.state
    position = decode_cursor(request.cursor)
    after = position.get("product_id", 0)
    if not isinstance(after, int):
        raise bad_request("invalid cursor")
    flt = request.filter
    if flt.offer_id or flt.product_id:
        chosen = {p.product_id: p for p in select_products(state, flt.offer_id, flt.product_id)}
        matching = [chosen[pid] for pid in sorted(chosen)]
    else:
        matching = visible_products(state, flt.visibility)
    total = len(matching)
    rest = [p for p in matching if p.product_id > after]
    page = rest[: request.limit]
    has_next = len(rest) > len(page)
    return InfoPricesResponse(
        items=[price_info(p, ctx.now_dt) for p in page],
        cursor=encode_cursor({"product_id": page[-1].product_id}) if has_next else "",
        total=total,
    )
