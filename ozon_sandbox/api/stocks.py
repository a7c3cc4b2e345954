"""FBS stocks: ``/v2/products/stocks`` (write) and ``/v2/product/info/stocks-by-warehouse/fbs``."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from ozon_sandbox.api.common import Int64, ItemError, OzonRequest
from ozon_sandbox.cursor import decode_cursor, encode_cursor
from ozon_sandbox.errors import bad_request
from ozon_sandbox.limits import STOCK_PAIR
from ozon_sandbox.push.messages import StockChange, stocks_changed_message
from ozon_sandbox.registry import MethodContext, ozon_method
from ozon_sandbox.state import Product, StockLevel

# Ozon refuses stock values from one million up.
MAX_STOCK = 999_999

# ---------------------------------------------------------------- /v2/products/stocks


class StockItem(OzonRequest):
    """One (product, warehouse) pair to set; ``offer_id`` wins over ``product_id``."""

    offer_id: str = ""
    product_id: Int64 = 0
    stock: Int64 = Field(ge=0)
    warehouse_id: Int64

    @model_validator(mode="after")
    def _names_a_product(self) -> StockItem:
        if not self.offer_id and not self.product_id:
            raise ValueError("offer_id or product_id is required")
        return self


class StocksRequest(OzonRequest):
    """Body of ``/v2/products/stocks``: at most 100 pairs."""

    stocks: list[StockItem] = Field(min_length=1, max_length=100)


class StockResult(BaseModel):
    """Outcome for one pair."""

    warehouse_id: int
    product_id: int
    offer_id: str
    updated: bool
    errors: list[ItemError]


class StocksResponse(BaseModel):
    """Reply of ``/v2/products/stocks`` (HTTP 200 even when items fail)."""

    result: list[StockResult]


def _find(ctx: MethodContext, item: StockItem) -> tuple[Product | None, ItemError | None]:
    state = ctx.state
    if item.offer_id:
        product = state.products.get(item.offer_id)
        if product is None:
            return None, ItemError(code="offer_id_not_found", message="Offer ID not found")
        return product, None
    product = state.by_product_id(item.product_id)
    if product is None:
        return None, ItemError(code="NOT_FOUND_ERROR", message="Product not found")
    return product, None


def _check(ctx: MethodContext, item: StockItem, product: Product) -> ItemError | None:
    warehouse = ctx.state.warehouses.get(item.warehouse_id)
    if warehouse is None:
        return ItemError(code="WAREHOUSE_NOT_FOUND", message="Warehouse not found")
    if not product.is_created:
        return ItemError(code="product_is_not_created", message="Product is not created")
    if not product.price_sent:
        return ItemError(
            # Ozon's spec describes the code so; stock waits until the card has a price.
            code="PRICE_IS_NOT_SENT",
            message="The product hasn't been created yet or is being updated",
        )
    if item.stock > MAX_STOCK:
        return ItemError(code="STOCK_TOO_BIG", message="Stock must be less than 1000000")
    if warehouse.is_kgt and not product.is_kgt:
        return ItemError(
            code="NON_KGT_ON_KGT_WAREHOUSE", message="Regular product on a bulky-goods warehouse"
        )
    if ctx.limiter.item_error(STOCK_PAIR, (product.offer_id, item.warehouse_id), ctx.now):
        return ItemError(code=STOCK_PAIR.code, message=STOCK_PAIR.message)
    return None


@ozon_method("/v2/products/stocks", request_model=StocksRequest)
def set_stocks(ctx: MethodContext, request: StocksRequest) -> StocksResponse:
    """Set available (unreserved) stock per pair; each pair at most once per 30 s."""
    state = ctx.state
    results: list[StockResult] = []
    changes: list[StockChange] = []
    ctx.count_items(len(request.stocks))
    for item in request.stocks:
        product, error = _find(ctx, item)
        if product is not None and error is None:
            error = _check(ctx, item, product)
        if product is None or error is not None:
            error = error or ItemError(code="NOT_FOUND_ERROR", message="Product not found")
            ctx.item_error(error.code)
            results.append(
                StockResult(
                    warehouse_id=item.warehouse_id,
                    product_id=product.product_id if product else item.product_id,
                    offer_id=product.offer_id if product else item.offer_id,
                    updated=False,
                    errors=[error],
                )
            )
            continue
        key = (product.offer_id, item.warehouse_id)
        level = state.stocks.get(key)
        reserved = level.reserved if level else 0
        # Ozon's value excludes reserved units; it adds its reservations on top.
        state.stocks[key] = StockLevel(
            present=item.stock + reserved, reserved=reserved, updated_at=ctx.now_dt
        )
        ctx.limiter.record_item(STOCK_PAIR, key, ctx.now)
        level = state.stocks[key]
        changes.append(
            StockChange(
                product_id=product.product_id,
                sku=product.sku,
                warehouse_id=item.warehouse_id,
                present=level.present,
                reserved=level.reserved,
            )
        )
        results.append(
            StockResult(
                warehouse_id=item.warehouse_id,
                product_id=product.product_id,
                offer_id=product.offer_id,
                updated=True,
                errors=[],
            )
        )
    # Ozon tells subscribers about accepted changes with TYPE_STOCKS_CHANGED.
    message = stocks_changed_message(changes, ctx.now_dt)
    if message is not None:
        state.emit(message)
    return StocksResponse(result=results)


# ---------------------------------------------------------------- stocks-by-warehouse/fbs


class StocksByWarehouseRequest(OzonRequest):
    """Body of ``/v2/product/info/stocks-by-warehouse/fbs``: ``sku`` or ``offer_id``."""

    cursor: str = ""
    limit: int = Field(ge=1, le=1000)
    offer_id: list[str] | None = Field(None, max_length=1000)
    sku: list[Int64] | None = Field(None, max_length=1000)

    @model_validator(mode="after")
    def _one_of(self) -> StocksByWarehouseRequest:
        if bool(self.offer_id) == bool(self.sku):
            raise ValueError("pass exactly one of sku or offer_id")
        return self


class WarehouseStock(BaseModel):
    """Stock of one product on one FBS warehouse."""

    free_stock: int
    offer_id: str
    present: int
    product_id: int
    reserved: int
    sku: int
    warehouse_id: int
    warehouse_name: str


class StocksByWarehouseResponse(BaseModel):
    """Reply of ``/v2/product/info/stocks-by-warehouse/fbs``."""

    cursor: str
    has_next: bool
    products: list[WarehouseStock]


@ozon_method("/v2/product/info/stocks-by-warehouse/fbs", request_model=StocksByWarehouseRequest)
def stocks_by_warehouse(
    ctx: MethodContext, request: StocksByWarehouseRequest
) -> StocksByWarehouseResponse:
    """Rows per (product, warehouse) that hold a stock level, in request order, cursor-paged."""
    state = ctx.state
    offset = decode_cursor(request.cursor).get("offset", 0)
    if not isinstance(offset, int) or offset < 0:
        raise bad_request("invalid cursor")
    if request.offer_id:
        products = [state.products.get(offer_id) for offer_id in dict.fromkeys(request.offer_id)]
    else:
        products = [state.by_sku(sku) for sku in dict.fromkeys(request.sku or [])]
    rows: list[WarehouseStock] = []
    for product in products:
        if product is None:
            continue
        for wid, level in state.stocks_of(product.offer_id):
            rows.append(
                WarehouseStock(
                    free_stock=level.free_stock,
                    offer_id=product.offer_id,
                    present=level.present,
                    product_id=product.product_id,
                    reserved=level.reserved,
                    sku=product.sku,
                    warehouse_id=wid,
                    warehouse_name=state.warehouses[wid].name,
                )
            )
    page = rows[offset : offset + request.limit]
    has_next = offset + len(page) < len(rows)
    return StocksByWarehouseResponse(
        cursor=encode_cursor({"offset": offset + len(page)}) if has_next else "",
        has_next=has_next,
        products=page,
    )
