"""FBS shipment documents: ``/v2/posting/fbs/act/*`` (create, status, PDF, barcode, postings, list).

An act and a carriage are one object in Ozon's model (the act id is the carriage id); the shared
rules live in ``ozon_sandbox.handover.logic``. PDFs and PNGs are sent as raw binary bodies, as
Ozon's live API does (the spec models them as ``{content_type, file_name, file_content}``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from pydantic import BaseModel, Field, field_validator
from starlette.responses import Response

from ozon_sandbox import delivery_methods
from ozon_sandbox.api.common import Int64, OzonRequest
from ozon_sandbox.documents import ActData, ActPosting, render_act, render_barcode_png
from ozon_sandbox.errors import bad_request
from ozon_sandbox.handover import logic
from ozon_sandbox.handover import postings_port as port
from ozon_sandbox.handover.model import Carriage
from ozon_sandbox.registry import MethodContext, on_tick, ozon_method

ACT_TYPE = "ozon_digital"
INTEGRATION_TYPE = "ozon"
ACT_LIST_MAX = 50


@on_tick
def handover_tick(ctx: MethodContext) -> None:
    """Form documents, hand over, deliver and return, up to the current sandbox time."""
    logic.tick(ctx)


# ---------------------------------------------------------------- create


class ActCreateRequest(OzonRequest):
    """Body of ``/v2/posting/fbs/act/create``; for FBS the delivery method is the warehouse."""

    delivery_method_id: Int64 = Field(gt=0)
    departure_date: datetime | None = None
    containers_count: int = Field(0, ge=0)


class ActCreateResult(BaseModel):
    """The new act (carriage) id."""

    id: int


class ActCreateResponse(BaseModel):
    """Reply of ``/v2/posting/fbs/act/create``."""

    result: ActCreateResult


@ozon_method("/v2/posting/fbs/act/create", request_model=ActCreateRequest)
def act_create(ctx: MethodContext, request: ActCreateRequest) -> ActCreateResponse:
    """Confirm the day's shipment of packed postings; its documents form over sandbox time."""
    carriage = logic.open_shipment(
        ctx,
        source="act",
        delivery_method_id=request.delivery_method_id,
        departure=request.departure_date,
        containers_count=request.containers_count,
    )
    return ActCreateResponse(result=ActCreateResult(id=carriage.id))


# ---------------------------------------------------------------- check-status


class ActIdRequest(OzonRequest):
    """Body naming an act (carriage) by ``id``."""

    id: Int64 = Field(gt=0)


class ActStatus(BaseModel):
    """Where the act's documents are."""

    status: str
    added_to_act: list[str]
    removed_from_act: list[str]
    act_type: str
    is_partial: bool
    has_postings_for_next_carriage: bool
    partial_num: int


class ActStatusResponse(BaseModel):
    """Reply of ``/v2/posting/fbs/act/check-status``."""

    result: ActStatus


def _document_status(carriage: Carriage) -> str:
    if carriage.status == "cancelled":
        return "cancelled"
    return "ready" if logic.documents_ready(carriage) else "in_process"


@ozon_method("/v2/posting/fbs/act/check-status", request_model=ActIdRequest)
def act_check_status(ctx: MethodContext, request: ActIdRequest) -> ActStatusResponse:
    """``in_process`` while documents form, then ``ready``; lists who is in and who waits."""
    carriage = logic.require_carriage(ctx, request.id)
    return ActStatusResponse(
        result=ActStatus(
            status=_document_status(carriage),
            added_to_act=list(carriage.posting_numbers),
            removed_from_act=list(carriage.removed_from_act),
            act_type=ACT_TYPE,
            is_partial=False,
            has_postings_for_next_carriage=carriage.has_postings_for_next_carriage,
            partial_num=0,
        )
    )


# ---------------------------------------------------------------- documents


def _ready_carriage(ctx: MethodContext, carriage_id: int) -> Carriage:
    carriage = logic.require_carriage(ctx, carriage_id)
    if not logic.documents_ready(carriage):
        # Documents exist only for formed (or later) shipments.
        raise logic.precondition("Incorrect_carriage_status")
    return carriage


def act_document(ctx: MethodContext, carriage: Carriage) -> ActData:
    """What the shipping list and waybill of ``carriage`` show."""
    warehouse = ctx.state.warehouses.get(carriage.warehouse_id)
    rows: list[ActPosting] = []
    for number in carriage.posting_numbers:
        posting = port.get(ctx.state, number)
        items = sum(line.quantity for line in posting.products) if posting else 0
        boxes = max(1, posting.multi_box_qty) if posting else 1
        rows.append(ActPosting(posting_number=number, box_count=boxes, item_count=items))
    return ActData(
        act_id=carriage.id,
        created_at=carriage.created_at,
        departure_date=carriage.departure_date,
        warehouse_id=carriage.warehouse_id,
        warehouse_name=warehouse.name if warehouse else str(carriage.warehouse_id),
        postings=rows,
        barcode=carriage.barcode,
    )


@ozon_method("/v2/posting/fbs/act/get-pdf", request_model=ActIdRequest)
def act_get_pdf(ctx: MethodContext, request: ActIdRequest) -> Response:
    """Shipping list + waybill as one PDF, once the documents are formed."""
    carriage = _ready_carriage(ctx, request.id)
    pdf = render_act(act_document(ctx, carriage))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{carriage.id}.pdf"'},
    )


@ozon_method("/v2/posting/fbs/act/get-barcode", request_model=ActIdRequest)
def act_get_barcode(ctx: MethodContext, request: ActIdRequest) -> Response:
    """The shipment barcode as a PNG, shown at the drop-off point."""
    carriage = _ready_carriage(ctx, request.id)
    return Response(
        render_barcode_png(carriage.barcode),
        media_type="image/png",
        headers={"Content-Disposition": f'attachment; filename="{carriage.id}_barcode.png"'},
    )


class BarcodeTextResponse(BaseModel):
    """Reply of ``/v2/posting/fbs/act/get-barcode/text``."""

    result: str


@ozon_method("/v2/posting/fbs/act/get-barcode/text", request_model=ActIdRequest)
def act_get_barcode_text(ctx: MethodContext, request: ActIdRequest) -> BarcodeTextResponse:
    """The value encoded in the shipment barcode."""
    return BarcodeTextResponse(result=_ready_carriage(ctx, request.id).barcode)


# ---------------------------------------------------------------- postings of an act


class ActProduct(BaseModel):
    """A product line of a posting in an act."""

    name: str
    offer_id: str
    price: str
    quantity: int
    sku: int


class ActPostingRow(BaseModel):
    """One posting of an act with its current status."""

    id: int
    multi_box_qty: int
    posting_number: str
    status: str
    seller_error: str
    updated_at: datetime
    created_at: datetime
    products: list[ActProduct]


class ActPostingsResponse(BaseModel):
    """Reply of ``/v2/posting/fbs/act/get-postings``."""

    result: list[ActPostingRow]


@ozon_method("/v2/posting/fbs/act/get-postings", request_model=ActIdRequest)
def act_get_postings(ctx: MethodContext, request: ActIdRequest) -> ActPostingsResponse:
    """Every posting of the act (or carriage), with its status as of now."""
    carriage = logic.require_carriage(ctx, request.id)
    rows: list[ActPostingRow] = []
    for number in carriage.posting_numbers:
        posting = port.get(ctx.state, number)
        if posting is None:
            continue
        rows.append(
            ActPostingRow(
                id=carriage.id,
                multi_box_qty=max(1, posting.multi_box_qty),
                posting_number=number,
                status=posting.status,
                seller_error="",
                updated_at=posting.updated_at or carriage.updated_at,
                created_at=posting.created_at or carriage.created_at,
                products=[
                    ActProduct(
                        name=line.name,
                        offer_id=line.offer_id,
                        price=line.price,
                        quantity=line.quantity,
                        sku=line.sku,
                    )
                    for line in posting.products
                ],
            )
        )
    return ActPostingsResponse(result=rows)


# ---------------------------------------------------------------- list


def _parse_day(value: str, field: str, *, end: bool) -> datetime:
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise bad_request(f"invalid request: filter.{field}: not a date") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ActListFilter(OzonRequest):
    """``filter`` of ``/v2/posting/fbs/act/list``: creation period, integration type, statuses."""

    date_from: str = Field(min_length=1)
    date_to: str = Field(min_length=1)
    integration_type: str = ""
    status: list[str] = Field(default_factory=list)


class ActListRequest(OzonRequest):
    """Body of ``/v2/posting/fbs/act/list``."""

    filter: ActListFilter
    limit: int = Field(ge=1, le=ACT_LIST_MAX)

    @field_validator("filter")
    @classmethod
    def _dates(cls, value: ActListFilter) -> ActListFilter:
        _parse_day(value.date_from, "date_from", end=False)
        _parse_day(value.date_to, "date_to", end=True)
        return value


class DocumentInfo(BaseModel):
    """Status of one handover document."""

    created_at: datetime
    document_status: str


class RelatedDocs(BaseModel):
    """Documents of a shipment; only the acceptance act exists in the sandbox."""

    act_of_acceptance: DocumentInfo


class ActListItem(BaseModel):
    """One shipment in the act list."""

    id: int
    delivery_method_id: int
    delivery_method_name: str
    integration_type: str
    containers_count: int
    status: str
    departure_date: str
    created_at: datetime
    updated_at: datetime
    act_type: str
    is_partial: bool
    has_postings_for_next_carriage: bool
    partial_num: int
    related_docs: RelatedDocs


class ActListResponse(BaseModel):
    """Reply of ``/v2/posting/fbs/act/list``."""

    result: list[ActListItem]


def _document_state(carriage: Carriage) -> str:
    if carriage.status == "closed":
        return "CONFIRMED"
    return "FORMED" if logic.documents_ready(carriage) else "FORMING"


@ozon_method("/v2/posting/fbs/act/list", request_model=ActListRequest)
def act_list(ctx: MethodContext, request: ActListRequest) -> ActListResponse:
    """Shipments created in the period, newest first, at most ``limit``."""
    start = _parse_day(request.filter.date_from, "date_from", end=False)
    end = _parse_day(request.filter.date_to, "date_to", end=True)
    wanted = set(request.filter.status)
    if request.filter.integration_type and request.filter.integration_type != INTEGRATION_TYPE:
        return ActListResponse(result=[])
    items: list[ActListItem] = []
    carriages = sorted(logic.handover_state(ctx).carriages.values(), key=lambda c: -c.id)
    for carriage in carriages:
        if not start <= carriage.created_at <= end:
            continue
        if wanted and carriage.status not in wanted:
            continue
        method = delivery_methods.method(ctx.state, carriage.delivery_method_id)
        docs = RelatedDocs(
            act_of_acceptance=DocumentInfo(
                created_at=carriage.documents_ready_at or carriage.created_at,
                document_status=_document_state(carriage),
            )
        )
        items.append(
            ActListItem(
                id=carriage.id,
                delivery_method_id=carriage.delivery_method_id,
                delivery_method_name=method.name if method else "",
                integration_type=INTEGRATION_TYPE,
                containers_count=carriage.containers_count,
                status=carriage.status,
                departure_date=carriage.departure_date.isoformat(),
                created_at=carriage.created_at,
                updated_at=carriage.updated_at,
                act_type=ACT_TYPE,
                is_partial=False,
                has_postings_for_next_carriage=carriage.has_postings_for_next_carriage,
                partial_num=0,
                related_docs=docs,
            )
        )
        if len(items) >= request.limit:
            break
    return ActListResponse(result=items)
