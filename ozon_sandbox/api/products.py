"""Product cards: ``/v3/product/list`` and ``/v3/product/info/list``."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from ozon_sandbox.api.common import (
    Int64,
    OzonRequest,
    ProductFilter,
    has_fbs_stock,
    select_products,
    visible_products,
)
from ozon_sandbox.cursor import decode_last_id, encode_last_id
from ozon_sandbox.errors import bad_request
from ozon_sandbox.registry import MethodContext, ozon_method
from ozon_sandbox.state import AccountState, CardError, Product

# ---------------------------------------------------------------- /v3/product/list


class ProductListRequest(OzonRequest):
    """Body of ``/v3/product/list``."""

    filter: ProductFilter = Field(default_factory=ProductFilter)
    last_id: str = ""
    limit: int = Field(1000, ge=1, le=1000)


class Quant(BaseModel):
    """An economy-product quant (the sandbox has none)."""

    quant_code: str
    quant_size: int


class ProductListItem(BaseModel):
    """One card in ``/v3/product/list``."""

    product_id: int
    offer_id: str
    has_fbo_stocks: bool
    has_fbs_stocks: bool
    archived: bool
    is_discounted: bool
    quants: list[Quant]


class ProductListResult(BaseModel):
    """``result`` of ``/v3/product/list``."""

    items: list[ProductListItem]
    total: int
    last_id: str


class ProductListResponse(BaseModel):
    """Reply of ``/v3/product/list``."""

    result: ProductListResult


def _list_item(state: AccountState, product: Product) -> ProductListItem:
    return ProductListItem(
        product_id=product.product_id,
        offer_id=product.offer_id,
        has_fbo_stocks=False,
        has_fbs_stocks=has_fbs_stock(state, product),
        archived=product.is_archived,
        is_discounted=False,
        quants=[],
    )


@ozon_method("/v3/product/list", request_model=ProductListRequest)
def product_list(ctx: MethodContext, request: ProductListRequest) -> ProductListResponse:
    """Cards by ascending product_id; an id filter returns those cards whatever their visibility.

    Ozon's text asks for one id group per call, yet its own example sends both; the sandbox
    accepts both and returns their union.
    """
    state = ctx.state
    flt = request.filter
    if flt.offer_id or flt.product_id:
        chosen = select_products(state, flt.offer_id, flt.product_id)
        matching = sorted({p.product_id: p for p in chosen}.values(), key=lambda p: p.product_id)
        after = decode_last_id(request.last_id)
        matching = [p for p in matching if p.product_id > after]
        total = len(chosen)
    else:
        after = decode_last_id(request.last_id)
        matching = visible_products(state, flt.visibility)
        total = len(matching)
        matching = [p for p in matching if p.product_id > after]
    page = matching[: request.limit]
    return ProductListResponse(
        result=ProductListResult(
            items=[_list_item(state, p) for p in page],
            total=total,
            # Ozon's example keeps a last_id on the last page too: the walk ends on the total
            # (or on the empty page that following it returns).
            last_id=encode_last_id(page[-1].product_id) if page else "",
        )
    )


# ---------------------------------------------------------------- /v3/product/info/list


class ProductInfoListRequest(OzonRequest):
    """Body of ``/v3/product/info/list``: up to 1000 ids over the three lists together."""

    offer_id: list[str] = Field(default_factory=list)
    product_id: list[Int64] = Field(default_factory=list)
    sku: list[Int64] = Field(default_factory=list)

    @model_validator(mode="after")
    def _at_most_1000(self) -> ProductInfoListRequest:
        if len(self.offer_id) + len(self.product_id) + len(self.sku) > 1000:
            raise ValueError("offer_id, product_id and sku together: at most 1000 values")
        return self


class HumanText(BaseModel):
    """Text of an availability reason."""

    text: str


class AvailabilityReason(BaseModel):
    """Why a product is hidden."""

    human_text: HumanText
    id: int


class Availability(BaseModel):
    """Whether the product can be bought, per source."""

    availability: str
    reasons: list[AvailabilityReason]
    sku: int
    source: str


class Commission(BaseModel):
    """Ozon's fee for one sales scheme."""

    delivery_amount: float
    percent: float
    return_amount: float
    sale_schema: str
    value: float


class ModelInfo(BaseModel):
    """The card's model group."""

    count: int
    model_id: int


class IndexData(BaseModel):
    """One price-index comparison (the sandbox has no competitors, so all zero)."""

    minimal_price: str
    minimal_price_currency: str
    price_index_value: float


class PriceIndexes(BaseModel):
    """Price indexes of a card."""

    color_index: str
    external_index_data: IndexData
    ozon_index_data: IndexData
    self_marketplaces_index_data: IndexData


class Promotion(BaseModel):
    """A promotion the card takes part in."""

    is_enabled: bool
    type: str


class Source(BaseModel):
    """A sales scheme the SKU is sold by."""

    created_at: datetime
    quant_code: str
    shipment_type: str
    sku: int
    source: str


class Statuses(BaseModel):
    """Card lifecycle: creation, moderation, and whether a price has been sent."""

    is_created: bool
    moderate_status: str
    status: str
    status_description: str
    status_failed: str
    status_name: str
    status_tooltip: str
    status_updated_at: datetime
    validation_status: str


class StockEntry(BaseModel):
    """Stock of one scheme in ``/v3/product/info/list``."""

    present: int
    reserved: int
    sku: int
    source: str


class Stocks(BaseModel):
    """Stock summary of a card."""

    has_stock: bool
    stocks: list[StockEntry]


class VisibilityDetails(BaseModel):
    """Why a card is or is not visible."""

    has_price: bool
    has_stock: bool


class ProductInfo(BaseModel):
    """One card in ``/v3/product/info/list``."""

    availabilities: list[Availability]
    barcodes: list[str]
    color_image: list[str]
    commissions: list[Commission]
    created_at: datetime
    currency_code: str
    description_category_id: int
    discounted_fbo_stocks: int
    errors: list[CardError]
    has_discounted_fbo_item: bool
    id: int
    images: list[str]
    images360: list[str]
    is_archived: bool
    is_autoarchived: bool
    is_discounted: bool
    is_kgt: bool
    is_prepayment_allowed: bool
    is_super: bool
    min_price: str
    model_info: ModelInfo
    name: str
    offer_id: str
    old_price: str
    price: str
    price_indexes: PriceIndexes
    primary_image: list[str]
    promotions: list[Promotion]
    sku: int
    sources: list[Source]
    statuses: Statuses
    stocks: Stocks
    type_id: int
    updated_at: datetime
    vat: str
    visibility_details: VisibilityDetails
    volume_weight: float


class ProductInfoListResponse(BaseModel):
    """Reply of ``/v3/product/info/list``."""

    items: list[ProductInfo]


def card_statuses(product: Product) -> Statuses:
    """Ozon-style lifecycle: imported → (moderated) → price_sent once a price is accepted.

    Imported cards sit in ``moderating`` until moderators decide; a new card that is declined
    stays uncreated with ``failed_moderation``. An update of a card already on sale keeps the
    card's status and shows the pending or declined review in ``moderate_status`` only.
    """
    if not product.is_created and product.moderate_status == "moderating":
        return Statuses(
            is_created=False,
            moderate_status="moderating",
            status="moderating",
            status_description="Товар проверяется модераторами",
            status_failed="",
            status_name="На модерации",
            status_tooltip="Проверка занимает до трёх дней",
            status_updated_at=product.status_updated_at,
            validation_status="success",
        )
    if not product.is_created and product.moderate_status == "declined":
        return Statuses(
            is_created=False,
            moderate_status="declined",
            status="failed_moderation",
            status_description="Исправьте ошибки и загрузите товар заново",
            status_failed="failed_moderation",
            status_name="Не прошёл модерацию",
            status_tooltip="Причины — в errors",
            status_updated_at=product.status_updated_at,
            validation_status="success",
        )
    if not product.is_created:
        return Statuses(
            is_created=False,
            moderate_status="",
            status="imported",
            status_description="Товар создаётся",
            status_failed="",
            status_name="Создаётся",
            status_tooltip="",
            status_updated_at=product.status_updated_at,
            validation_status="pending",
        )
    if not product.price_sent:
        return Statuses(
            is_created=True,
            moderate_status=product.moderate_status or "approved",
            status="processed",
            status_description="Укажите цену, чтобы начать продавать товар",
            status_failed="",
            status_name="Готов к продаже",
            status_tooltip="Нет цены",
            status_updated_at=product.status_updated_at,
            validation_status="success",
        )
    return Statuses(
        is_created=True,
        moderate_status=product.moderate_status or "approved",
        status="price_sent",
        status_description="Товар готов к продаже",
        status_failed="",
        status_name="Продаётся",
        status_tooltip="",
        status_updated_at=product.status_updated_at,
        validation_status="success",
    )


def _no_index() -> IndexData:
    return IndexData(minimal_price="", minimal_price_currency="RUB", price_index_value=0)


def product_info(state: AccountState, product: Product) -> ProductInfo:
    """Full card view as ``/v3/product/info/list`` returns it."""
    levels = state.stocks_of(product.offer_id)
    present = sum(level.present for _, level in levels)
    reserved = sum(level.reserved for _, level in levels)
    stock_entries = (
        [StockEntry(present=present, reserved=reserved, sku=product.sku, source="fbs")]
        if levels
        else []
    )
    sellable = product.is_created and product.price_sent and not product.is_archived
    return ProductInfo(
        availabilities=[
            Availability(
                availability="available" if sellable else "unavailable",
                reasons=[],
                sku=product.sku,
                source="fbs",
            )
        ],
        barcodes=product.barcodes,
        color_image=[],
        commissions=[],
        created_at=product.created_at,
        currency_code=product.currency_code,
        description_category_id=product.description_category_id,
        discounted_fbo_stocks=0,
        errors=list(product.card_errors),
        has_discounted_fbo_item=False,
        id=product.product_id,
        images=product.images,
        images360=[],
        is_archived=product.is_archived,
        is_autoarchived=False,
        is_discounted=False,
        is_kgt=product.is_kgt,
        is_prepayment_allowed=True,
        is_super=False,
        min_price=product.min_price,
        model_info=ModelInfo(count=1, model_id=product.product_id),
        name=product.name,
        offer_id=product.offer_id,
        old_price=product.old_price,
        price=product.price,
        price_indexes=PriceIndexes(
            color_index="COLOR_INDEX_WITHOUT_INDEX",
            external_index_data=_no_index(),
            ozon_index_data=_no_index(),
            self_marketplaces_index_data=_no_index(),
        ),
        primary_image=product.images[:1],
        promotions=[],
        sku=product.sku,
        sources=[
            Source(
                created_at=product.created_at,
                quant_code="",
                shipment_type="SHIPMENT_TYPE_GENERAL",
                sku=product.sku,
                source="sds",
            )
        ],
        statuses=card_statuses(product),
        stocks=Stocks(has_stock=present > reserved, stocks=stock_entries),
        type_id=product.type_id,
        updated_at=product.updated_at,
        vat=product.vat,
        visibility_details=VisibilityDetails(
            has_price=product.price_sent, has_stock=present > reserved
        ),
        volume_weight=product.volume_weight,
    )


@ozon_method("/v3/product/info/list", request_model=ProductInfoListRequest)
def product_info_list(
    ctx: MethodContext, request: ProductInfoListRequest
) -> ProductInfoListResponse:
    """Cards named by offer_id, product_id or sku; unknown ids are left out, repeats once."""
    if not request.offer_id and not request.product_id and not request.sku:
        raise bad_request("at least one of offer_id, product_id, sku is required")
    state = ctx.state
    seen: set[int] = set()
    items: list[ProductInfo] = []
    candidates = select_products(state, request.offer_id, request.product_id)
    candidates += [p for sku in request.sku if (p := state.by_sku(sku)) is not None]
    for product in candidates:
        if product.product_id not in seen:
            seen.add(product.product_id)
            items.append(product_info(state, product))
    return ProductInfoListResponse(items=items)
