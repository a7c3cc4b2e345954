"""FBS returns: ``/v1/returns/list``, ``/v1/returns/company/fbs/info`` and the giveout methods.

Returns come from delivered postings (a deterministic share, see ``HandoverSettings``) or from the
admin surface, and move ``MovingToSeller`` → ``ArrivedAtReturnPlace`` → ``ReceivedBySeller`` over
sandbox time. The seller picks them up at the warehouse's drop-off point with the giveout barcode.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from starlette.responses import JSONResponse, Response

from ozon_sandbox.api.common import Int64, OzonRequest
from ozon_sandbox.documents import render_barcode_png
from ozon_sandbox.errors import forbidden, not_found
from ozon_sandbox.handover import logic, timeline
from ozon_sandbox.handover.giveout import giveout_barcode_value, render_giveout_pdf
from ozon_sandbox.handover.model import (
    Carriage,
    Giveout,
    HandoverSettings,
    HandoverState,
    ReturnType,
    SellerReturn,
)
from ozon_sandbox.registry import MethodContext, admin_endpoint, ozon_method
from ozon_sandbox.state import Warehouse

RETURNS_PAGE_MAX = 500
POSTING_NUMBERS_MAX = 50
DROP_OFF_PAGE_MAX = 500
GIVEOUT_PAGE_MAX = 500
STORAGE_PRICE_PER_DAY = 15.0
DATE_RANGES = (
    "logistic_return_date",
    "storage_tariffication_start_date",
    "visual_status_change_moment",
)


def _json(model: BaseModel) -> JSONResponse:
    # Moments that have not happened yet are left out rather than sent as null.
    return JSONResponse(model.model_dump(mode="json", exclude_none=True))


# ---------------------------------------------------------------- /v1/returns/list


class TimeRange(OzonRequest):
    """A period filter; either end may be open."""

    time_from: datetime | None = None
    time_to: datetime | None = None

    def contains(self, moment: datetime | None) -> bool:
        """Whether ``moment`` falls in the period (an absent moment never does)."""
        if moment is None:
            return False
        if self.time_from is not None and moment < self.time_from:
            return False
        return self.time_to is None or moment <= self.time_to


class ReturnsFilter(OzonRequest):
    """``filter`` of ``/v1/returns/list``: at most one of the three date ranges."""

    logistic_return_date: TimeRange | None = None
    storage_tariffication_start_date: TimeRange | None = None
    visual_status_change_moment: TimeRange | None = None
    order_id: Int64 | None = None
    posting_numbers: list[str] | None = Field(None, max_length=POSTING_NUMBERS_MAX)
    product_name: str = ""
    offer_id: str = ""
    visual_status_name: str = ""
    warehouse_id: Int64 | None = None
    barcode: str = ""
    return_schema: str = ""
    compensation_status_id: int | None = None

    @model_validator(mode="after")
    def _one_date_range(self) -> ReturnsFilter:
        given = [name for name in DATE_RANGES if getattr(self, name) is not None]
        if len(given) > 1:
            raise ValueError(
                "use only one of logistic_return_date, storage_tariffication_start_date, "
                f"visual_status_change_moment (got {', '.join(given)})"
            )
        return self


class ReturnsListRequest(OzonRequest):
    """Body of ``/v1/returns/list``."""

    filter: ReturnsFilter = Field(default_factory=ReturnsFilter)
    limit: int = Field(ge=1, le=RETURNS_PAGE_MAX)
    last_id: Int64 = Field(0, ge=0)


class Money(BaseModel):
    """An amount with its currency."""

    currency_code: str
    price: float


class Place(BaseModel):
    """A sorting centre or drop-off point."""

    id: int
    name: str
    address: str


class Storage(BaseModel):
    """Paid storage of a return waiting at the drop-off point."""

    sum: Money
    tariffication_first_date: datetime | None = None
    tariffication_start_date: datetime | None = None
    arrived_moment: datetime | None = None
    days: int
    utilization_sum: Money
    utilization_forecast_date: str | None = None


class ReturnProduct(BaseModel):
    """The returned item."""

    sku: int
    offer_id: str
    name: str
    price: Money
    price_without_commission: Money
    commission_percent: float
    commission: Money
    quantity: int


class Logistic(BaseModel):
    """Logistics moments and the return's own barcode."""

    technical_return_moment: datetime | None = None
    final_moment: datetime | None = None
    cancelled_with_compensation_moment: datetime | None = None
    return_date: datetime
    barcode: str


class VisualStatus(BaseModel):
    """A return status as the seller cabinet shows it."""

    id: int
    display_name: str
    sys_name: str


class Visual(BaseModel):
    """The current status and when it was set."""

    status: VisualStatus
    change_moment: datetime


class AdditionalInfo(BaseModel):
    """Flags of a return."""

    is_opened: bool
    is_super_econom: bool


class Exemplar(BaseModel):
    """One returned unit."""

    id: int


class ReturnItem(BaseModel):
    """One return of ``/v1/returns/list``."""

    exemplars: list[Exemplar]
    id: int
    company_id: int
    return_reason_name: str
    type: str
    schema_: str = Field(serialization_alias="schema")
    order_id: int
    order_number: str
    place: Place
    target_place: Place
    storage: Storage
    product: ReturnProduct
    logistic: Logistic
    visual: Visual
    additional_info: AdditionalInfo
    source_id: int
    posting_number: str


class ReturnsListResponse(BaseModel):
    """Reply of ``/v1/returns/list``."""

    returns: list[ReturnItem]
    has_next: bool


def drop_off_place(warehouse: Warehouse | None, warehouse_id: int) -> Place:
    """The drop-off point of a warehouse, where its returns arrive."""
    if warehouse is None:
        return Place(id=warehouse_id + 1, name=f"ПВЗ склада {warehouse_id}", address="")
    return Place(
        id=logic.dropoff_point_id(warehouse),
        name=f"Пункт приёма {warehouse.name}",
        address=warehouse.address_info.address,
    )


SORTING_CENTRE = Place(
    id=23_869_688_194_000,
    name="СЦ_Львовский_Возвраты",
    address="Россия, обл. Московская, г. Подольск, промышленная зона Львовский",
)


def tariffication_start(item: SellerReturn) -> datetime | None:
    """When paid storage starts (after the free days at the drop-off point)."""
    if item.arrived_at is None:
        return None
    return item.arrived_at + timedelta(seconds=timeline.RETURN_FREE_STORAGE_SECONDS)


def _storage(item: SellerReturn, now: datetime) -> Storage:
    start = tariffication_start(item)
    end = item.final_moment or now
    days = max(0, (end - start).days + 1) if start is not None and end >= start else 0
    rub = Money(currency_code="RUB", price=0.0)
    return Storage(
        sum=Money(currency_code="RUB", price=days * STORAGE_PRICE_PER_DAY),
        tariffication_first_date=start + timedelta(days=1) if start else None,
        tariffication_start_date=start,
        arrived_moment=item.arrived_at,
        days=days,
        utilization_sum=rub,
        utilization_forecast_date=(
            (start + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ") if start else None
        ),
    )


def render_return(ctx: MethodContext, item: SellerReturn) -> ReturnItem:
    """A return as ``/v1/returns/list`` shows it now."""
    warehouse = ctx.state.warehouses.get(item.warehouse_id)
    point = drop_off_place(warehouse, item.warehouse_id)
    status_id, display = logic.RETURN_STATUSES.get(item.status, (0, item.status))
    commission_percent = 10.0
    price = item.product.price
    commission = round(price * commission_percent / 100, 2)
    return ReturnItem(
        exemplars=[Exemplar(id=e) for e in item.exemplar_ids],
        id=item.id,
        company_id=int(ctx.client_id) if ctx.client_id.isdigit() else 0,
        return_reason_name=item.reason,
        type=item.type,
        schema_="FBS",
        order_id=item.order_id,
        order_number=item.order_number,
        place=SORTING_CENTRE if item.status == "MovingToSeller" else point,
        target_place=point,
        storage=_storage(item, ctx.now_dt),
        product=ReturnProduct(
            sku=item.product.sku,
            offer_id=item.product.offer_id,
            name=item.product.name,
            price=Money(currency_code="RUB", price=price),
            price_without_commission=Money(currency_code="RUB", price=round(price - commission, 2)),
            commission_percent=commission_percent,
            commission=Money(currency_code="RUB", price=commission),
            quantity=item.product.quantity,
        ),
        logistic=Logistic(
            technical_return_moment=item.return_date,
            # "Arrived at fulfilment or handed to the seller" (the spec): arrival at the return
            # place until the seller takes it.
            final_moment=item.final_moment or item.arrived_at,
            return_date=item.return_date,
            barcode=item.barcode,
        ),
        visual=Visual(
            status=VisualStatus(id=status_id, display_name=display, sys_name=item.status),
            change_moment=item.history[-1].moment if item.history else item.return_date,
        ),
        additional_info=AdditionalInfo(
            is_opened=item.type == "ClientReturn", is_super_econom=False
        ),
        source_id=item.id,
        posting_number=item.posting_number,
    )


def _matches(item: SellerReturn, f: ReturnsFilter) -> bool:
    checks = [
        f.logistic_return_date is None or f.logistic_return_date.contains(item.return_date),
        f.storage_tariffication_start_date is None
        or f.storage_tariffication_start_date.contains(tariffication_start(item)),
        f.visual_status_change_moment is None
        or f.visual_status_change_moment.contains(
            item.history[-1].moment if item.history else None
        ),
        f.order_id is None or item.order_id == f.order_id,
        not f.posting_numbers or item.posting_number in f.posting_numbers,
        not f.product_name or f.product_name.casefold() in item.product.name.casefold(),
        not f.offer_id or item.product.offer_id == f.offer_id,
        not f.visual_status_name or item.status == f.visual_status_name,
        f.warehouse_id is None or item.warehouse_id == f.warehouse_id,
        not f.barcode or item.barcode == f.barcode,
        not f.return_schema or f.return_schema.upper() == "FBS",
        # No sandbox return is ever compensated.
        f.compensation_status_id is None,
    ]
    return all(checks)


@ozon_method("/v1/returns/list", request_model=ReturnsListRequest)
def returns_list(ctx: MethodContext, request: ReturnsListRequest) -> JSONResponse:
    """Returns matching the filter by ascending id, ``last_id``-paged."""
    hs = logic.handover_state(ctx)
    found = [
        item
        for item in sorted(hs.returns.values(), key=lambda r: r.id)
        if item.id > request.last_id and _matches(item, request.filter)
    ]
    page = found[: request.limit]
    response = ReturnsListResponse(
        returns=[render_return(ctx, item) for item in page], has_next=len(found) > len(page)
    )
    data = response.model_dump(mode="json", exclude_none=True, by_alias=True)
    for rendered in data["returns"]:
        # Always sent, as in Ozon's example: null until the return has arrived.
        rendered["logistic"].setdefault("final_moment", None)
    return JSONResponse(data)


# ---------------------------------------------------------------- /v1/returns/company/fbs/info


class DropOffFilter(OzonRequest):
    """``filter`` of the drop-off point summary."""

    place_id: Int64 | None = None


class DropOffPagination(OzonRequest):
    """``pagination``: ``last_id`` is the id of the last drop-off point of the previous page."""

    last_id: Int64 = Field(0, ge=0)
    limit: int = Field(ge=1, le=DROP_OFF_PAGE_MAX)


class CompanyFbsInfoRequest(OzonRequest):
    """Body of ``/v1/returns/company/fbs/info``."""

    filter: DropOffFilter = Field(default_factory=DropOffFilter)
    pagination: DropOffPagination


class PassInfo(BaseModel):
    """Whether a pass is needed to collect returns."""

    count: int
    is_required: bool


class DropOffPoint(BaseModel):
    """A drop-off point holding returns for the seller."""

    address: str
    box_count: int
    id: int
    name: str
    pass_info: PassInfo
    place_id: int
    returns_count: int
    utc_offset: str
    warehouses_ids: list[str]


class CompanyFbsInfoResponse(BaseModel):
    """Reply of ``/v1/returns/company/fbs/info``."""

    drop_off_points: list[DropOffPoint]
    has_next: bool


def waiting_returns(ctx: MethodContext) -> dict[int, list[SellerReturn]]:
    """Returns waiting at drop-off points, by point id."""
    points: dict[int, list[SellerReturn]] = {}
    for item in logic.handover_state(ctx).returns.values():
        if item.status != "ArrivedAtReturnPlace":
            continue
        warehouse = ctx.state.warehouses.get(item.warehouse_id)
        point = drop_off_place(warehouse, item.warehouse_id)
        points.setdefault(point.id, []).append(item)
    return points


@ozon_method("/v1/returns/company/fbs/info", request_model=CompanyFbsInfoRequest)
def company_fbs_info(ctx: MethodContext, request: CompanyFbsInfoRequest) -> CompanyFbsInfoResponse:
    """Drop-off points holding returns, with how many returns and boxes wait at each."""
    points = waiting_returns(ctx)
    ids = sorted(
        pid
        for pid in points
        if pid > request.pagination.last_id
        and (not request.filter.place_id or pid == request.filter.place_id)
    )
    page = ids[: request.pagination.limit]
    rows: list[DropOffPoint] = []
    for pid in page:
        items = points[pid]
        warehouse_ids = sorted({i.warehouse_id for i in items})
        warehouse = ctx.state.warehouses.get(warehouse_ids[0])
        place = drop_off_place(warehouse, warehouse_ids[0])
        rows.append(
            DropOffPoint(
                address=place.address,
                box_count=len({i.posting_number for i in items}),
                id=pid,
                name=place.name,
                pass_info=PassInfo(count=0, is_required=False),
                place_id=pid,
                returns_count=len(items),
                utc_offset=logic.utc_offset_text(warehouse) if warehouse else "UTC+03:00",
                warehouses_ids=[str(w) for w in warehouse_ids],
            )
        )
    return CompanyFbsInfoResponse(drop_off_points=rows, has_next=len(ids) > len(page))


# ---------------------------------------------------------------- giveout


class EmptyRequest(OzonRequest):
    """A method without parameters."""


class GiveoutEnabledResponse(BaseModel):
    """Reply of ``/v1/return/giveout/is-enabled``."""

    enabled: bool


def _giveout_ready(ctx: MethodContext) -> HandoverState:
    hs = logic.handover_state(ctx)
    if not hs.settings.giveout_enabled:
        raise forbidden("returns giveout by barcode is not enabled for the company")
    return hs


def giveout_barcode(ctx: MethodContext) -> str:
    """The account's current giveout barcode value."""
    return giveout_barcode_value(ctx.client_id, logic.handover_state(ctx).giveout_barcode_version)


@ozon_method("/v1/return/giveout/is-enabled", request_model=EmptyRequest)
def giveout_is_enabled(ctx: MethodContext, request: EmptyRequest) -> GiveoutEnabledResponse:
    """Whether returns can be collected by barcode."""
    return GiveoutEnabledResponse(enabled=logic.handover_state(ctx).settings.giveout_enabled)


class GiveoutBarcodeResponse(BaseModel):
    """Reply of ``/v1/return/giveout/barcode``."""

    barcode: str


@ozon_method("/v1/return/giveout/barcode", request_model=EmptyRequest)
def giveout_barcode_text(ctx: MethodContext, request: EmptyRequest) -> GiveoutBarcodeResponse:
    """The giveout barcode value."""
    _giveout_ready(ctx)
    return GiveoutBarcodeResponse(barcode=giveout_barcode(ctx))


@ozon_method("/v1/return/giveout/get-png", request_model=EmptyRequest)
def giveout_get_png(ctx: MethodContext, request: EmptyRequest) -> Response:
    """The giveout barcode as a PNG."""
    _giveout_ready(ctx)
    return Response(render_barcode_png(giveout_barcode(ctx)), media_type="image/png")


@ozon_method("/v1/return/giveout/get-pdf", request_model=EmptyRequest)
def giveout_get_pdf(ctx: MethodContext, request: EmptyRequest) -> Response:
    """The giveout barcode as a printable PDF."""
    _giveout_ready(ctx)
    return Response(render_giveout_pdf(giveout_barcode(ctx)), media_type="application/pdf")


@ozon_method("/v1/return/giveout/barcode-reset", request_model=EmptyRequest)
def giveout_barcode_reset(ctx: MethodContext, request: EmptyRequest) -> Response:
    """Issue a new giveout barcode (the old one stops working) and return it as a PNG."""
    hs = _giveout_ready(ctx)
    hs.giveout_barcode_version += 1
    return Response(render_barcode_png(giveout_barcode(ctx)), media_type="image/png")


class GiveoutListRequest(OzonRequest):
    """Body of ``/v1/return/giveout/list``."""

    last_id: Int64 = Field(0, ge=0)
    limit: int = Field(ge=1, le=GIVEOUT_PAGE_MAX)


class GiveoutRow(BaseModel):
    """One giveout in the list."""

    approved_articles_count: int
    created_at: datetime
    giveout_id: int
    giveout_status: str
    total_articles_count: int
    warehouse_address: str
    warehouse_id: int
    warehouse_name: str


class GiveoutListResponse(BaseModel):
    """Reply of ``/v1/return/giveout/list``."""

    giveouts: list[GiveoutRow]


def _approved(giveout: Giveout) -> int:
    return len(giveout.return_ids) if giveout.status != "GIVEOUT_STATUS_CREATED" else 0


@ozon_method("/v1/return/giveout/list", request_model=GiveoutListRequest)
def giveout_list(ctx: MethodContext, request: GiveoutListRequest) -> GiveoutListResponse:
    """Giveouts opened by scanning the barcode, by ascending id."""
    hs = _giveout_ready(ctx)
    rows: list[GiveoutRow] = []
    for giveout in sorted(hs.giveouts.values(), key=lambda g: g.giveout_id):
        if giveout.giveout_id <= request.last_id:
            continue
        warehouse = ctx.state.warehouses.get(giveout.warehouse_id)
        rows.append(
            GiveoutRow(
                approved_articles_count=_approved(giveout),
                created_at=giveout.created_at,
                giveout_id=giveout.giveout_id,
                giveout_status=giveout.status,
                total_articles_count=len(giveout.return_ids),
                warehouse_address=warehouse.address_info.address if warehouse else "",
                warehouse_id=giveout.warehouse_id,
                warehouse_name=warehouse.name if warehouse else "",
            )
        )
        if len(rows) == request.limit:
            break
    return GiveoutListResponse(giveouts=rows)


class GiveoutInfoRequest(OzonRequest):
    """Body of ``/v1/return/giveout/info``."""

    giveout_id: Int64 = Field(gt=0)


class GiveoutArticle(BaseModel):
    """One returned item of a giveout."""

    approved: bool
    delivery_schema: str
    name: str
    seller_id: int


class GiveoutInfoResponse(BaseModel):
    """Reply of ``/v1/return/giveout/info``."""

    articles: list[GiveoutArticle]
    giveout_id: int
    giveout_status: str
    warehouse_address: str
    warehouse_name: str


@ozon_method("/v1/return/giveout/info", request_model=GiveoutInfoRequest)
def giveout_info(ctx: MethodContext, request: GiveoutInfoRequest) -> GiveoutInfoResponse:
    """The returned items of one giveout."""
    hs = _giveout_ready(ctx)
    giveout = hs.giveouts.get(str(request.giveout_id))
    if giveout is None:
        raise not_found("giveout not found")
    warehouse = ctx.state.warehouses.get(giveout.warehouse_id)
    seller = int(ctx.client_id) if ctx.client_id.isdigit() else 0
    articles = [
        GiveoutArticle(
            approved=giveout.status != "GIVEOUT_STATUS_CREATED",
            delivery_schema="GIVEOUT_DELIVERY_SCHEMA_FBS",
            name=hs.returns[str(rid)].product.name,
            seller_id=seller,
        )
        for rid in giveout.return_ids
        if str(rid) in hs.returns
    ]
    return GiveoutInfoResponse(
        articles=articles,
        giveout_id=giveout.giveout_id,
        giveout_status=giveout.status,
        warehouse_address=warehouse.address_info.address if warehouse else "",
        warehouse_name=warehouse.name if warehouse else "",
    )


# ---------------------------------------------------------------- admin


class ForceReturn(BaseModel):
    """Make a posting come back now (all its products, or only ``offer_ids``)."""

    posting_number: str = Field(min_length=1)
    type: ReturnType = "ClientReturn"
    reason: str = logic.CLIENT_RETURN_REASON
    offer_ids: list[str] | None = None


class ReturnView(BaseModel):
    """A return as the admin surface shows it."""

    id: int
    posting_number: str
    status: str
    type: str
    offer_id: str
    history: list[str]


def _view(item: SellerReturn) -> ReturnView:
    return ReturnView(
        id=item.id,
        posting_number=item.posting_number,
        status=item.status,
        type=item.type,
        offer_id=item.product.offer_id,
        history=[h.sys_name for h in item.history],
    )


@admin_endpoint("/handover/returns", verbs=("POST",), request_model=ForceReturn)
def admin_force_return(ctx: MethodContext, body: ForceReturn) -> list[dict[str, object]]:
    """Open returns for a posting at the current sandbox time."""
    created = logic.open_returns(
        ctx, body.posting_number, body.type, body.reason, ctx.now_dt, offer_ids=body.offer_ids
    )
    return [_view(item).model_dump() for item in created]


@admin_endpoint("/handover/returns", verbs=("GET",))
def admin_returns(ctx: MethodContext, body: None) -> list[dict[str, object]]:
    """Every return of the account."""
    hs = logic.handover_state(ctx)
    return [_view(item).model_dump() for item in sorted(hs.returns.values(), key=lambda r: r.id)]


class AdvanceReturn(BaseModel):
    """Move one return (by id) or every return of a posting one status further, now."""

    return_id: int | None = None
    posting_number: str | None = None

    @model_validator(mode="after")
    def _one(self) -> AdvanceReturn:
        if (self.return_id is None) == (self.posting_number is None):
            raise ValueError("give return_id or posting_number")
        return self


@admin_endpoint("/handover/returns/advance", verbs=("POST",), request_model=AdvanceReturn)
def admin_advance_return(ctx: MethodContext, body: AdvanceReturn) -> list[dict[str, object]]:
    """Advance returns one step (e.g. to ``ReceivedBySeller``) without waiting."""
    hs = logic.handover_state(ctx)
    items = [
        r
        for r in hs.returns.values()
        if r.id == body.return_id
        or (body.posting_number and r.posting_number == body.posting_number)
    ]
    if not items:
        raise not_found("no such return")
    for item in items:
        logic.step_return(hs, item, ctx.now_dt)
    return [_view(item).model_dump() for item in items]


@admin_endpoint("/handover/settings", verbs=("GET", "PUT"), request_model=HandoverSettings)
def admin_settings(ctx: MethodContext, body: HandoverSettings | None) -> HandoverSettings:
    """Read or replace the simulation knobs (return share, auto receipt, giveout)."""
    hs = logic.handover_state(ctx)
    if body is not None:
        hs.settings = body
    return hs.settings


class ScanGiveout(BaseModel):
    """The seller shows the giveout barcode at a warehouse's drop-off point."""

    warehouse_id: int
    barcode: str


class GiveoutView(BaseModel):
    """A giveout after a scan."""

    giveout_id: int
    status: str
    return_ids: list[int]


@admin_endpoint("/handover/giveout/scan", verbs=("POST",), request_model=ScanGiveout)
def admin_scan_giveout(ctx: MethodContext, body: ScanGiveout) -> GiveoutView:
    """First scan opens (and approves) a giveout of the waiting returns; the second completes it.

    Completing hands the returns to the seller (``ReceivedBySeller``).
    """
    hs = _giveout_ready(ctx)
    if body.barcode != giveout_barcode(ctx):
        raise forbidden("unknown or outdated giveout barcode")
    active = next(
        (
            g
            for g in hs.giveouts.values()
            if g.warehouse_id == body.warehouse_id and g.status == "GIVEOUT_STATUS_APPROVED"
        ),
        None,
    )
    if active is not None:
        active.status = "GIVEOUT_STATUS_COMPLETED"
        for rid in active.return_ids:
            item = hs.returns.get(str(rid))
            if item is not None and item.status == "ArrivedAtReturnPlace":
                logic.step_return(hs, item, ctx.now_dt)
        return GiveoutView(
            giveout_id=active.giveout_id, status=active.status, return_ids=active.return_ids
        )
    waiting = [
        r.id
        for r in sorted(hs.returns.values(), key=lambda r: r.id)
        if r.status == "ArrivedAtReturnPlace" and r.warehouse_id == body.warehouse_id
    ]
    if not waiting:
        raise not_found("no returns wait for the seller at this drop-off point")
    giveout = Giveout(
        giveout_id=hs.new_giveout_id(),
        warehouse_id=body.warehouse_id,
        status="GIVEOUT_STATUS_APPROVED",
        created_at=ctx.now_dt,
        return_ids=waiting,
    )
    hs.giveouts[str(giveout.giveout_id)] = giveout
    return GiveoutView(giveout_id=giveout.giveout_id, status=giveout.status, return_ids=waiting)


class CarriageView(BaseModel):
    """A carriage as the admin surface shows it."""

    id: int
    source: str
    warehouse_id: int
    delivery_method_id: int = 0
    status: Literal["new", "in_process", "formed", "received", "closed", "cancelled"]
    posting_numbers: list[str]
    handover_at: datetime | None


@admin_endpoint("/handover/carriages", verbs=("GET",))
def admin_carriages(ctx: MethodContext, body: None) -> list[dict[str, object]]:
    """Every carriage (act) of the account."""
    hs = logic.handover_state(ctx)
    rows: list[Carriage] = sorted(hs.carriages.values(), key=lambda c: c.id)
    return [
        CarriageView(
            id=c.id,
            source=c.source,
            warehouse_id=c.warehouse_id,
            delivery_method_id=c.delivery_method_id,
            status=c.status,
            posting_numbers=c.posting_numbers,
            handover_at=c.handover_at,
        ).model_dump(mode="json")
        for c in rows
    ]
