"""FBS carriages: ``/v1/carriage/*`` and ``/v2/carriage/delivery/list``.

A carriage made here starts ``new`` (its postings can still be replaced) and forms its documents
after ``/v1/carriage/approve``; from then on it is the same object the act methods serve.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator

from ozon_sandbox import delivery_methods
from ozon_sandbox.api.common import Int64, OzonRequest
from ozon_sandbox.cursor import decode_cursor, encode_cursor
from ozon_sandbox.errors import bad_request
from ozon_sandbox.handover import logic
from ozon_sandbox.handover.model import Carriage
from ozon_sandbox.registry import MethodContext, admin_endpoint, ozon_method
from ozon_sandbox.state import Warehouse

DELIVERY_LIST_MAX = 1000
TPL_PROVIDER_ID = 24
TPL_PROVIDER_NAME = "Доставка Ozon"

# ---------------------------------------------------------------- create / approve / cancel


class CarriageCreateRequest(OzonRequest):
    """Body of ``/v1/carriage/create``."""

    delivery_method_id: Int64 = Field(gt=0)
    departure_date: datetime | None = None
    all_blr_traceable: bool = False


class CarriageCreateResponse(BaseModel):
    """Reply of ``/v1/carriage/create``."""

    carriage_id: int


@ozon_method("/v1/carriage/create", request_model=CarriageCreateRequest)
def carriage_create(ctx: MethodContext, request: CarriageCreateRequest) -> CarriageCreateResponse:
    """Create a ``new`` carriage holding every packed posting of the delivery method."""
    carriage = logic.open_shipment(
        ctx,
        source="carriage",
        delivery_method_id=request.delivery_method_id,
        departure=request.departure_date,
        containers_count=0,
    )
    return CarriageCreateResponse(carriage_id=carriage.id)


class CarriageApproveRequest(OzonRequest):
    """Body of ``/v1/carriage/approve``."""

    carriage_id: Int64 = Field(gt=0)
    containers_count: int = Field(0, ge=0)


class EmptyResponse(BaseModel):
    """An empty JSON object."""


@ozon_method("/v1/carriage/approve", request_model=CarriageApproveRequest)
def carriage_approve(ctx: MethodContext, request: CarriageApproveRequest) -> EmptyResponse:
    """Confirm a ``new`` carriage; documents form and it becomes ``formed``."""
    carriage = logic.require_carriage(ctx, request.carriage_id)
    logic.approve(ctx, carriage, request.containers_count)
    return EmptyResponse()


class CarriageIdRequest(OzonRequest):
    """Body naming a carriage."""

    carriage_id: Int64 = Field(gt=0)


class CarriageCancelResponse(BaseModel):
    """Reply of ``/v1/carriage/cancel``: an error text when refused, and the status now."""

    error: str
    carriage_status: str


@ozon_method("/v1/carriage/cancel", request_model=CarriageIdRequest)
def carriage_cancel(ctx: MethodContext, request: CarriageIdRequest) -> CarriageCancelResponse:
    """Delete a carriage that has not been handed over; its postings become free again."""
    carriage = logic.require_carriage(ctx, request.carriage_id)
    error = logic.cancel(ctx, carriage)
    return CarriageCancelResponse(error=error, carriage_status=carriage.status)


class SetPostingsRequest(OzonRequest):
    """Body of ``/v1/carriage/set-postings``: the complete new list of postings."""

    carriage_id: Int64 = Field(gt=0)
    posting_numbers: list[str] = Field(min_length=1)


class SetPostingsResult(BaseModel):
    """Verdict on one posting."""

    error: str
    posting_number: str
    result: bool


class SetPostingsResponse(BaseModel):
    """Reply of ``/v1/carriage/set-postings``."""

    result: list[SetPostingsResult]


@ozon_method("/v1/carriage/set-postings", request_model=SetPostingsRequest)
def carriage_set_postings(ctx: MethodContext, request: SetPostingsRequest) -> SetPostingsResponse:
    """Replace the postings of a ``new`` carriage; left-out ones wait for the next one."""
    carriage = logic.require_carriage(ctx, request.carriage_id)
    outcome = logic.set_postings(ctx, carriage, request.posting_numbers)
    return SetPostingsResponse(
        result=[
            SetPostingsResult(error=error, posting_number=number, result=ok)
            for number, ok, error in outcome
        ]
    )


# ---------------------------------------------------------------- get


class CancelAvailability(BaseModel):
    """Whether the carriage can still be cancelled, and why not."""

    is_cancel_available: bool
    reason: str


class CarriageGetResponse(BaseModel):
    """Reply of ``/v1/carriage/get``."""

    act_type: str
    all_blr_traceable: bool
    is_waybill_enabled: bool
    is_econom: bool
    arrival_pass_ids: list[str]
    available_actions: list[str]
    cancel_availability: CancelAvailability
    carriage_id: int
    company_id: int
    containers_count: int
    created_at: datetime
    delivery_method_id: int
    departure_date: str
    first_mile_type: str
    has_postings_for_next_carriage: bool
    integration_type: str
    is_container_label_printed: bool
    is_partial: bool
    partial_num: int
    retry_count: int
    status: str
    tpl_provider_id: int
    updated_at: datetime
    warehouse_id: int


def carriage_actions(carriage: Carriage, warehouse: Warehouse | None) -> list[str]:
    """Documents (and passes) available for the carriage now."""
    if not logic.documents_ready(carriage):
        return []
    actions = ["get_shipping_list"]
    if warehouse is None or warehouse.is_waybill_enabled:
        actions.append("get_waybill")
    if carriage.status == "formed":
        actions.append("set_arrival_passes")
    return actions


@ozon_method("/v1/carriage/get", request_model=CarriageIdRequest)
def carriage_get(ctx: MethodContext, request: CarriageIdRequest) -> CarriageGetResponse:
    """A carriage's status, documents on offer and whether it can be cancelled."""
    carriage = logic.require_carriage(ctx, request.carriage_id)
    warehouse = ctx.state.warehouses.get(carriage.warehouse_id)
    can_cancel = carriage.status in logic.CANCELLABLE
    return CarriageGetResponse(
        act_type="ozon_digital",
        all_blr_traceable=False,
        is_waybill_enabled=bool(warehouse and warehouse.is_waybill_enabled),
        is_econom=False,
        arrival_pass_ids=[],
        available_actions=carriage_actions(carriage, warehouse),
        cancel_availability=CancelAvailability(
            is_cancel_available=can_cancel,
            reason="" if can_cancel else f"carriage is {carriage.status}",
        ),
        carriage_id=carriage.id,
        company_id=int(ctx.client_id) if ctx.client_id.isdigit() else 0,
        containers_count=carriage.containers_count,
        created_at=carriage.created_at,
        delivery_method_id=carriage.delivery_method_id,
        departure_date=carriage.departure_date.isoformat(),
        first_mile_type=warehouse.first_mile.type if warehouse else "DROP_OFF",
        has_postings_for_next_carriage=carriage.has_postings_for_next_carriage,
        integration_type="ozon",
        is_container_label_printed=False,
        is_partial=False,
        partial_num=0,
        retry_count=0,
        status=carriage.status,
        tpl_provider_id=TPL_PROVIDER_ID,
        updated_at=carriage.updated_at,
        warehouse_id=carriage.warehouse_id,
    )


# ---------------------------------------------------------------- delivery list


class DeliveryListFilter(OzonRequest):
    """``filter`` of ``/v2/carriage/delivery/list``."""

    delivery_method_id: Int64 | None = None
    departure_date: str = ""

    @field_validator("departure_date")
    @classmethod
    def _day(cls, value: str) -> str:
        if value:
            try:
                date.fromisoformat(value.strip())
            except ValueError as exc:
                raise ValueError("departure_date must be YYYY-MM-DD") from exc
        return value.strip()


class DeliveryListRequest(OzonRequest):
    """Body of ``/v2/carriage/delivery/list``."""

    filter: DeliveryListFilter = Field(default_factory=DeliveryListFilter)
    limit: int = Field(ge=1, le=DELIVERY_LIST_MAX)
    cursor: str = ""


class PickupFee(BaseModel):
    """Pick-up cost; drop-off shipments cost nothing."""

    currency_code: str
    value: float


class DeliveryMethodCarriage(BaseModel):
    """A shipment of the method for the date (``id`` 0 = one that can be created)."""

    all_blr_traceable: bool
    available_actions: list[str]
    carriage_volume: float
    id: int
    pickup_fee: PickupFee
    postings_count: int
    quantum_count: int
    status: str


class DeliveryMethodError(BaseModel):
    """A reason the shipment can't be (or shouldn't yet be) created."""

    code: str
    description: str
    status: str


class DeliveryMethod(BaseModel):
    """One delivery method (FBS warehouse) with its shipment situation for the date."""

    carriage_postings_count: int
    carriages: list[DeliveryMethodCarriage]
    cut_in: str
    cutoff_at: str
    delivery_method_id: int
    delivery_method_name: str
    delivery_method_status: str
    departure_date: str
    dropoff_address: str
    dropoff_change_availability: str
    dropoff_point_id: int
    dropoff_point_type: str
    errors: list[DeliveryMethodError]
    first_mile_changing: bool
    first_mile_type: str
    has_entrusted_acceptance: bool
    integration_type: str
    is_optional_carriage: bool
    is_presort: bool
    is_rfbs: bool
    mandatory_packaged_count: int
    mandatory_postings_count: int
    optional_packaged_count: int
    recommended_time_local: str
    recommended_time_utc_offset_in_minutes: int
    timeslot_from: str
    timeslot_to: str
    tpl_provider_icon_url: str
    tpl_provider_name: str
    warehouse_city: str
    warehouse_id: int
    warehouse_name: str


class DeliveryListResponse(BaseModel):
    """Reply of ``/v2/carriage/delivery/list``."""

    cursor: str
    has_next: bool
    methods: list[DeliveryMethod]


# Ozon's own descriptions, from the error table of /v2/posting/fbs/act/create.
ERROR_TEXTS = {
    "not_packaged": (
        "У вас есть отправления, которые нужно передать в доставку сегодня — "
        "добавьте их в отгрузку."
    ),
    "new_postings_are_possible": (
        "В отгрузку ещё могут попасть новые отправления. Используйте метод, когда закончится "
        "сегодняшнее время на сборку заказов."
    ),
    "package_time_not_passed": "Время для формирования отгрузки ещё не наступило.",
    "posting_statuses_not_ready": "Формируем отгрузку. Повторите запрос через несколько минут.",
    "no_postings": "Для выбранного метода нет доступных отправлений.",
}


def _method_row(
    ctx: MethodContext, method: delivery_methods.Method, day: date
) -> DeliveryMethod | None:
    hs = logic.handover_state(ctx)
    warehouse = method.warehouse
    to_pack = logic.unpacked_due(ctx, warehouse, day, method.id)
    ready, fresh = logic.shipment_candidates(ctx, warehouse, method.id)
    packed = ready + fresh
    mandatory_packed = [p for p in packed if logic.due_by(warehouse, p, day)]
    optional_packed = [p for p in packed if not logic.due_by(warehouse, p, day)]
    carriages = [
        c
        for c in sorted(hs.carriages.values(), key=lambda c: c.id)
        if c.delivery_method_id == method.id and c.departure_date == day and c.status != "cancelled"
    ]
    if not (to_pack or packed or carriages):
        # Ozon leaves out delivery methods that have no postings.
        return None
    rows = [
        DeliveryMethodCarriage(
            all_blr_traceable=False,
            available_actions=carriage_actions(c, warehouse),
            carriage_volume=0.0,
            id=c.id,
            pickup_fee=PickupFee(currency_code="RUB", value=0.0),
            postings_count=len(c.posting_numbers),
            quantum_count=0,
            status=c.status,
        )
        for c in carriages
    ]
    if packed and not any(c.status == "new" for c in carriages):
        rows.append(
            DeliveryMethodCarriage(
                all_blr_traceable=False,
                available_actions=["create"],
                carriage_volume=0.0,
                id=0,
                pickup_fee=PickupFee(currency_code="RUB", value=0.0),
                postings_count=len(ready),
                quantum_count=0,
                status="not_created",
            )
        )
    codes: list[tuple[str, str]] = []
    if to_pack:
        codes.append(("not_packaged", "error"))
    cutoff = logic.day_cutoff(warehouse, day)
    if logic.new_postings_possible(warehouse, day, ctx.now_dt):
        codes.append(("new_postings_are_possible", "warning"))
    if logic.forming_carriages(hs, warehouse, day, method.id):
        codes.append(("posting_statuses_not_ready", "error"))
    if fresh and not ready:
        codes.append(("package_time_not_passed", "error"))
    tz = logic.warehouse_tz(warehouse)
    offset = tz.utcoffset(None)
    return DeliveryMethod(
        carriage_postings_count=sum(len(c.posting_numbers) for c in carriages),
        carriages=rows,
        cut_in=f"{warehouse.first_mile.timeslot_from} {logic.utc_offset_text(warehouse)}",
        cutoff_at=cutoff.strftime("%Y-%m-%dT%H:%M:%SZ"),
        delivery_method_id=method.id,
        delivery_method_name=method.name,
        delivery_method_status="ACTIVE",
        departure_date=day.isoformat(),
        dropoff_address=warehouse.address_info.address,
        dropoff_change_availability="AVAILABLE",
        dropoff_point_id=logic.dropoff_point_id(warehouse),
        dropoff_point_type=warehouse.first_mile.type,
        errors=[
            DeliveryMethodError(code=code, description=ERROR_TEXTS[code], status=status)
            for code, status in codes
        ],
        first_mile_changing=warehouse.first_mile.first_mile_is_changing,
        first_mile_type=warehouse.first_mile.type,
        has_entrusted_acceptance=warehouse.has_entrusted_acceptance,
        integration_type="ozon",
        is_optional_carriage=not (to_pack or mandatory_packed),
        is_presort=False,
        is_rfbs=warehouse.is_rfbs,
        mandatory_packaged_count=len(mandatory_packed),
        mandatory_postings_count=len(mandatory_packed) + len(to_pack),
        optional_packaged_count=len(optional_packed),
        recommended_time_local=warehouse.first_mile.timeslot_from,
        recommended_time_utc_offset_in_minutes=int(offset.total_seconds() // 60) if offset else 0,
        timeslot_from=warehouse.first_mile.timeslot_from,
        timeslot_to=warehouse.first_mile.timeslot_to,
        tpl_provider_icon_url="",
        tpl_provider_name=TPL_PROVIDER_NAME,
        warehouse_city="",
        warehouse_id=warehouse.warehouse_id,
        warehouse_name=warehouse.name,
    )


@ozon_method("/v2/carriage/delivery/list", request_model=DeliveryListRequest)
def delivery_list(ctx: MethodContext, request: DeliveryListRequest) -> DeliveryListResponse:
    """Delivery methods with postings for the date: counts, carriages, blocking reasons."""
    after = decode_cursor(request.cursor).get("delivery_method_id", 0)
    if not isinstance(after, int):
        raise bad_request("invalid cursor")
    wanted = request.filter.delivery_method_id
    rows: list[DeliveryMethod] = []
    has_next = False
    for method in delivery_methods.methods(ctx.state):
        if method.id <= after or (wanted is not None and method.id != wanted):
            continue
        warehouse = method.warehouse
        if warehouse.is_rfbs:
            continue
        day = (
            date.fromisoformat(request.filter.departure_date)
            if request.filter.departure_date
            else logic.local_date(warehouse, ctx.now_dt)
        )
        row = _method_row(ctx, method, day)
        if row is None:
            continue
        if len(rows) == request.limit:
            has_next = True
            break
        rows.append(row)
    return DeliveryListResponse(
        cursor=encode_cursor({"delivery_method_id": rows[-1].delivery_method_id})
        if has_next
        else "",
        has_next=has_next,
        methods=rows,
    )


class SeedDeliveryMethods(BaseModel):
    """Extra delivery methods of warehouses (each warehouse's own, with its id, is implied)."""

    methods: list[delivery_methods.DeliveryMethodSeed] = Field(min_length=1)


@admin_endpoint("/handover/delivery-methods", verbs=("POST",), request_model=SeedDeliveryMethods)
def admin_seed_delivery_methods(ctx: MethodContext, body: SeedDeliveryMethods) -> dict[str, int]:
    """Add or replace delivery methods of warehouses; orders can then name them."""
    try:
        created = delivery_methods.add(ctx.state, body.methods)
    except ValueError as exc:
        raise bad_request(str(exc)) from exc
    return {"created": created, "replaced": len(body.methods) - created}


@admin_endpoint("/handover/delivery-methods", verbs=("GET",))
def admin_delivery_methods(ctx: MethodContext, body: None) -> list[dict[str, object]]:
    """Every delivery method of the account's warehouses, their own ones included."""
    return [
        {"delivery_method_id": m.id, "warehouse_id": m.warehouse.warehouse_id, "name": m.name}
        for m in delivery_methods.methods(ctx.state)
    ]
