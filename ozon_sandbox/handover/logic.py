"""Rules of shipments, delivery and returns, shared by the API handlers, ticks and admin calls.

Time-driven steps are computed from the moment each step was due, not from when a tick happens to
run, so one large clock advance yields the same history as many small ones.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta, timezone

from ozon_sandbox import delivery_methods
from ozon_sandbox.errors import OzonApiError, bad_request, not_found
from ozon_sandbox.handover import postings_port as port
from ozon_sandbox.handover import timeline
from ozon_sandbox.handover.model import (
    Carriage,
    DeliveryPlan,
    HandoverState,
    ReturnedProduct,
    ReturnStatusChange,
    ReturnType,
    SellerReturn,
)
from ozon_sandbox.registry import MethodContext
from ozon_sandbox.state import Warehouse

# gRPC FAILED_PRECONDITION: the gateway answers it with HTTP 400.
GRPC_FAILED_PRECONDITION = 9
ACTIVE = ("new", "in_process", "formed")
CANCELLABLE = ("new", "in_process", "formed")

# Return visual statuses the sandbox moves through. Only id 3 is confirmed by a published
# example (ArrivedAtReturnPlace); the other ids are assigned here.
RETURN_STATUSES: dict[str, tuple[int, str]] = {
    "MovingToSeller": (2, "Возврат на пути к продавцу"),
    "ArrivedAtReturnPlace": (3, "В пункте выдачи"),
    "ReceivedBySeller": (5, "Продавец получил возврат"),
}
RETURN_FLOW = ("MovingToSeller", "ArrivedAtReturnPlace", "ReceivedBySeller")
CLIENT_RETURN_REASON = "Покупатель вернул товар: не подошёл"


def precondition(code: str) -> OzonApiError:
    """Ozon's refusal of a shipment call, carrying the documented error code as the message."""
    return OzonApiError(400, GRPC_FAILED_PRECONDITION, code)


def handover_state(ctx: MethodContext) -> HandoverState:
    """The account's handover state."""
    return ctx.state.domain(HandoverState)


# ---------------------------------------------------------------- warehouse time


def warehouse_tz(warehouse: Warehouse) -> timezone:
    """The warehouse's UTC offset from ``address_info.utc`` ("UTC+03:00"); Moscow by default."""
    match = re.fullmatch(r"UTC([+-])(\d{2}):(\d{2})", warehouse.address_info.utc.strip())
    if match is None:
        return timezone(timedelta(hours=3))
    sign = 1 if match.group(1) == "+" else -1
    return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))


def local_date(warehouse: Warehouse, moment: datetime) -> date:
    """The calendar day at the warehouse at ``moment``."""
    return moment.astimezone(warehouse_tz(warehouse)).date()


def _clock_time(text: str, default: time) -> time:
    try:
        hours, minutes = text.split(":")[:2]
        return time(int(hours), int(minutes))
    except ValueError:
        return default


def dropoff_moment(warehouse: Warehouse, day: date) -> datetime:
    """Start of the warehouse's drop-off timeslot on ``day``, in UTC."""
    start = _clock_time(warehouse.first_mile.timeslot_from, time(10, 0))
    return datetime.combine(day, start, tzinfo=warehouse_tz(warehouse)).astimezone(UTC)


def day_cutoff(warehouse: Warehouse, day: date) -> datetime:
    """When packing for ``day``'s shipment ends (``cutoff_at`` of delivery/list), in UTC.

    The sandbox puts it at the start of the warehouse's drop-off slot.
    """
    return dropoff_moment(warehouse, day)


def new_postings_possible(warehouse: Warehouse, day: date, now: datetime) -> bool:
    """Whether an order placed at ``now`` could still join ``day``'s shipment.

    A new order gets at least the warehouse's minimum packing time (``sla_cut_in`` minutes)
    before it is due, so it can still join the shipment while that time fits before the day's
    cutoff. With the default 24 h, today's shipment is closed to new orders and tomorrow's is
    open until 24 h before its cutoff.
    """
    return now + timedelta(minutes=warehouse.sla_cut_in) <= day_cutoff(warehouse, day)


def dropoff_point_id(warehouse: Warehouse) -> int:
    """The drop-off point id of the warehouse's first mile (derived when not configured)."""
    text = warehouse.first_mile.dropoff_point_id.strip()
    return int(text) if text.isdigit() else warehouse.warehouse_id + 1


def utc_offset_text(warehouse: Warehouse) -> str:
    """The warehouse's UTC offset as Ozon prints it ("UTC+03:00")."""
    offset = warehouse_tz(warehouse).utcoffset(None) or timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def require_method(ctx: MethodContext, delivery_method_id: int) -> delivery_methods.Method:
    """An FBS delivery method (a warehouse's own has the warehouse's id), or Ozon's 404."""
    found = delivery_methods.method(ctx.state, delivery_method_id)
    if found is None or found.warehouse.is_rfbs:
        raise not_found("DELIVERY_METHOD_NOT_FOUND")
    return found


def require_warehouse(ctx: MethodContext, delivery_method_id: int) -> Warehouse:
    """The FBS warehouse behind a delivery method id."""
    return require_method(ctx, delivery_method_id).warehouse


# ---------------------------------------------------------------- shipments


def in_active_carriage(hs: HandoverState) -> set[str]:
    """Posting numbers already in a shipment that has not been handed over or cancelled."""
    numbers: set[str] = set()
    for carriage in hs.carriages.values():
        if carriage.status in ACTIVE:
            numbers.update(carriage.posting_numbers)
    return numbers


def handed_over(hs: HandoverState) -> set[str]:
    """Posting numbers of every carriage that was not cancelled."""
    numbers: set[str] = set()
    for carriage in hs.carriages.values():
        if carriage.status != "cancelled":
            numbers.update(carriage.posting_numbers)
    return numbers


def due_by(warehouse: Warehouse, posting: port.PostingView, day: date) -> bool:
    """Whether the posting must be handed over on ``day`` or earlier (its cutoff falls by then)."""
    return posting.cutoff is not None and local_date(warehouse, posting.cutoff) <= day


def settled(posting: port.PostingView, now: datetime) -> bool:
    """Whether the posting was packed long enough ago to join a shipment."""
    if posting.packed_at is None:
        return True
    return (now - posting.packed_at).total_seconds() >= timeline.PACKAGE_SETTLE_SECONDS


def _of_method(posting: port.PostingView, method_id: int | None) -> bool:
    return method_id is None or posting.delivery_method_id == method_id


def shipment_candidates(
    ctx: MethodContext, warehouse: Warehouse, method_id: int | None = None
) -> tuple[list[port.PostingView], list[port.PostingView]]:
    """Packed postings free to ship (of one delivery method): (settled, packed too recently)."""
    taken = handed_over(handover_state(ctx))
    ready = [
        p
        for p in port.in_status(ctx.state, "awaiting_deliver", warehouse.warehouse_id)
        if p.posting_number not in taken and _of_method(p, method_id)
    ]
    return (
        [p for p in ready if settled(p, ctx.now_dt)],
        [p for p in ready if not settled(p, ctx.now_dt)],
    )


def unpacked_due(
    ctx: MethodContext, warehouse: Warehouse, day: date, method_id: int | None = None
) -> list[port.PostingView]:
    """Postings (of one delivery method) still awaiting packaging, due on ``day`` or earlier."""
    return [
        p
        for p in port.in_status(ctx.state, "awaiting_packaging", warehouse.warehouse_id)
        if due_by(warehouse, p, day) and _of_method(p, method_id)
    ]


def forming_carriages(
    hs: HandoverState, warehouse: Warehouse, day: date, method_id: int | None = None
) -> list[Carriage]:
    """Shipments of the warehouse (or one method) and day whose documents are still forming."""
    return [
        c
        for c in hs.carriages.values()
        if c.warehouse_id == warehouse.warehouse_id
        and (method_id is None or c.delivery_method_id == method_id)
        and c.departure_date == day
        and c.status == "in_process"
    ]


def departure_day(ctx: MethodContext, warehouse: Warehouse, departure: datetime | None) -> date:
    """The requested departure day (today at the warehouse by default); past days are refused."""
    today = local_date(warehouse, ctx.now_dt)
    if departure is None:
        return today
    moment = departure if departure.tzinfo else departure.replace(tzinfo=UTC)
    day = local_date(warehouse, moment)
    if day < today:
        raise precondition("outdated")
    return day


def open_shipment(
    ctx: MethodContext,
    *,
    source: str,
    delivery_method_id: int,
    departure: datetime | None,
    containers_count: int,
) -> Carriage:
    """Create a shipment of every settled packed posting, checking Ozon's documented refusals.

    The refusals come from Ozon's error table of ``/v2/posting/fbs/act/create``; the carriage
    API (``/v1/carriage/create``) creates the same shipment and is refused the same way.
    """
    hs = handover_state(ctx)
    method = require_method(ctx, delivery_method_id)
    warehouse = method.warehouse
    if containers_count and not warehouse.has_entrusted_acceptance:
        raise bad_request("Trying set ContainersCount to not HasEntrustedAcceptance company")
    if warehouse.first_mile.type == "UNSPECIFIED":
        raise precondition("first_mile_absent")
    if warehouse.first_mile.first_mile_is_changing:
        raise precondition("first_mile_is_changing")
    day = departure_day(ctx, warehouse, departure)
    for carriage in hs.carriages.values():
        if (
            carriage.delivery_method_id == method.id
            and carriage.departure_date == day
            and carriage.status == "new"
        ):
            raise precondition("there_are_incomplete_carriages")
    if forming_carriages(hs, warehouse, day, method.id):
        # Ozon: "Формируем отгрузку. Повторите запрос через несколько минут."
        raise precondition("posting_statuses_not_ready")
    if new_postings_possible(warehouse, day, ctx.now_dt):
        # Ozon: "Используйте метод, когда закончится сегодняшнее время на сборку заказов."
        raise precondition("new_postings_are_possible")
    if unpacked_due(ctx, warehouse, day, method.id):
        raise precondition("not_packaged")
    ready, fresh = shipment_candidates(ctx, warehouse, method.id)
    if not ready:
        raise precondition("package_time_not_passed" if fresh else "no_postings")
    carriage_id = hs.new_carriage_id()
    carriage = Carriage(
        id=carriage_id,
        source="act" if source == "act" else "carriage",
        delivery_method_id=method.id,
        warehouse_id=warehouse.warehouse_id,
        departure_date=day,
        containers_count=containers_count,
        status="in_process" if source == "act" else "new",
        created_at=ctx.now_dt,
        updated_at=ctx.now_dt,
        posting_numbers=[p.posting_number for p in ready],
        removed_from_act=[p.posting_number for p in fresh],
        has_postings_for_next_carriage=bool(fresh),
        barcode=f"%303%{carriage_id}",
    )
    if source == "act":
        carriage.documents_ready_at = ctx.now_dt + timedelta(seconds=timeline.ACT_FORMING_SECONDS)
    hs.carriages[str(carriage_id)] = carriage
    return carriage


def require_carriage(ctx: MethodContext, carriage_id: int) -> Carriage:
    """The carriage with this id, or Ozon's 404."""
    carriage = handover_state(ctx).carriage(carriage_id)
    if carriage is None:
        raise not_found("carriage not found")
    return carriage


def approve(ctx: MethodContext, carriage: Carriage, containers_count: int) -> None:
    """Confirm a ``new`` carriage: its documents start forming."""
    if carriage.status != "new":
        raise precondition("Incorrect_carriage_status")
    warehouse = require_warehouse(ctx, carriage.warehouse_id)
    if containers_count and not warehouse.has_entrusted_acceptance:
        raise bad_request("Trying set ContainersCount to not HasEntrustedAcceptance company")
    if not carriage.posting_numbers:
        raise precondition("no_postings")
    carriage.containers_count = containers_count
    carriage.status = "in_process"
    carriage.updated_at = ctx.now_dt
    carriage.documents_ready_at = ctx.now_dt + timedelta(seconds=timeline.ACT_FORMING_SECONDS)


def set_postings(
    ctx: MethodContext, carriage: Carriage, numbers: list[str]
) -> list[tuple[str, bool, str]]:
    """Replace a ``new`` carriage's postings; returns (number, accepted, error) per posting."""
    if carriage.status != "new":
        raise precondition("Incorrect_carriage_status")
    hs = handover_state(ctx)
    others = {
        n
        for c in hs.carriages.values()
        if c.id != carriage.id and c.status != "cancelled"
        for n in c.posting_numbers
    }
    outcome: list[tuple[str, bool, str]] = []
    kept: list[str] = []
    for number in dict.fromkeys(numbers):
        posting = port.get(ctx.state, number)
        if posting is None:
            outcome.append((number, False, "POSTING_NOT_FOUND"))
        elif posting.delivery_method_id != carriage.delivery_method_id:
            outcome.append((number, False, "POSTING_FROM_ANOTHER_DELIVERY_METHOD"))
        elif posting.status != "awaiting_deliver":
            outcome.append((number, False, "POSTING_HAS_INCORRECT_STATUS"))
        elif number in others:
            outcome.append((number, False, "POSTING_ALREADY_IN_CARRIAGE"))
        else:
            outcome.append((number, True, ""))
            kept.append(number)
    previous = carriage.posting_numbers
    carriage.posting_numbers = kept
    dropped = [n for n in previous if n not in kept]
    carriage.removed_from_act = list(dict.fromkeys([*carriage.removed_from_act, *dropped]))
    carriage.removed_from_act = [n for n in carriage.removed_from_act if n not in kept]
    carriage.has_postings_for_next_carriage = bool(carriage.removed_from_act)
    carriage.updated_at = ctx.now_dt
    return outcome


def cancel(ctx: MethodContext, carriage: Carriage) -> str:
    """Cancel a carriage not yet handed over; returns the refusal text, empty when cancelled."""
    if carriage.status not in CANCELLABLE:
        return f"carriage in status {carriage.status} can not be cancelled"
    carriage.status = "cancelled"
    carriage.updated_at = ctx.now_dt
    return ""


def documents_ready(carriage: Carriage) -> bool:
    """Whether the shipping list, waybill and barcode can be downloaded."""
    return carriage.status in ("formed", "received", "closed")


# ---------------------------------------------------------------- time: shipments and delivery


def returns_share_hit(posting_number: str, share: float) -> bool:
    """Whether a delivered posting comes back: a hash of its number, so every run agrees."""
    digest = hashlib.sha256(posting_number.encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def advance_carriages(ctx: MethodContext) -> None:
    """Form documents, hand postings over at the drop-off slot, close accepted carriages."""
    hs = handover_state(ctx)
    now = ctx.now_dt
    for carriage in sorted(hs.carriages.values(), key=lambda c: c.id):
        ready_at = carriage.documents_ready_at
        if carriage.status == "in_process" and ready_at is not None and now >= ready_at:
            carriage.status = "formed"
            carriage.updated_at = ready_at
            warehouse = ctx.state.warehouses.get(carriage.warehouse_id)
            slot = (
                dropoff_moment(warehouse, carriage.departure_date)
                if warehouse is not None
                else ready_at
            )
            carriage.handover_at = max(slot, ready_at)
        if carriage.status == "formed" and carriage.handover_at and now >= carriage.handover_at:
            _hand_over(ctx, hs, carriage)
        if carriage.status == "received" and carriage.closed_at and now >= carriage.closed_at:
            carriage.status = "closed"
            carriage.updated_at = carriage.closed_at


def _hand_over(ctx: MethodContext, hs: HandoverState, carriage: Carriage) -> None:
    assert carriage.handover_at is not None
    at = carriage.handover_at
    carriage.status = "received"
    carriage.updated_at = at
    carriage.closed_at = at + timedelta(seconds=timeline.ACCEPTANCE_SECONDS)
    for number in carriage.posting_numbers:
        posting = port.get(ctx.state, number)
        if posting is None or posting.status != "awaiting_deliver":
            continue
        port.move(ctx, number, "delivering", "posting_on_way_to_city", at)
        to_pickup = at + timedelta(seconds=timeline.TO_PICKUP_POINT_SECONDS)
        in_point = to_pickup + timedelta(seconds=timeline.IN_PICKUP_POINT_SECONDS)
        hs.deliveries[number] = DeliveryPlan(
            posting_number=number,
            carriage_id=carriage.id,
            on_way_to_pickup_point_at=to_pickup,
            in_pickup_point_at=in_point,
            delivered_at=in_point + timedelta(seconds=timeline.PICKUP_WAIT_SECONDS),
        )


def advance_deliveries(ctx: MethodContext) -> None:
    """Move handed-over postings towards the buyer and pick the ones that will come back."""
    hs = handover_state(ctx)
    now = ctx.now_dt
    for plan in hs.deliveries.values():
        if plan.stage == "delivered":
            continue
        posting = port.get(ctx.state, plan.posting_number)
        if posting is None or posting.status != "delivering":
            # Cancelled, disputed or moved by someone else: this plan no longer applies.
            plan.stage = "delivered"
            continue
        if plan.stage == "on_way_to_city" and now >= plan.on_way_to_pickup_point_at:
            port.move(
                ctx,
                plan.posting_number,
                "delivering",
                "posting_on_way_to_pickup_point",
                plan.on_way_to_pickup_point_at,
            )
            plan.stage = "on_way_to_pickup_point"
        if plan.stage == "on_way_to_pickup_point" and now >= plan.in_pickup_point_at:
            port.move(
                ctx,
                plan.posting_number,
                "delivering",
                "posting_in_pickup_point",
                plan.in_pickup_point_at,
            )
            plan.stage = "in_pickup_point"
        if plan.stage == "in_pickup_point" and now >= plan.delivered_at:
            port.move(ctx, plan.posting_number, "delivered", "posting_delivered", plan.delivered_at)
            plan.stage = "delivered"
            if returns_share_hit(plan.posting_number, hs.settings.return_share):
                plan.return_due_at = plan.delivered_at + timedelta(
                    seconds=timeline.CLIENT_RETURN_AFTER_SECONDS
                )
    for plan in hs.deliveries.values():
        if plan.return_due_at is not None and now >= plan.return_due_at:
            due = plan.return_due_at
            plan.return_due_at = None
            if not any(r.posting_number == plan.posting_number for r in hs.returns.values()):
                open_returns(ctx, plan.posting_number, "ClientReturn", CLIENT_RETURN_REASON, due)


# ---------------------------------------------------------------- returns


def open_returns(
    ctx: MethodContext,
    posting_number: str,
    kind: ReturnType,
    reason: str,
    at: datetime,
    *,
    offer_ids: list[str] | None = None,
) -> list[SellerReturn]:
    """One return per product line of a posting (optionally only some offers), moving to seller."""
    hs = handover_state(ctx)
    posting = port.get(ctx.state, posting_number)
    if posting is None:
        raise not_found("posting not found")
    created: list[SellerReturn] = []
    for line in posting.products:
        if offer_ids and line.offer_id not in offer_ids:
            continue
        return_id = hs.new_return_id()
        price = float(line.price or 0)
        item = SellerReturn(
            id=return_id,
            posting_number=posting_number,
            order_id=posting.order_id,
            order_number=posting.order_number,
            warehouse_id=posting.warehouse_id,
            type=kind,
            reason=reason,
            product=ReturnedProduct(
                sku=line.sku,
                offer_id=line.offer_id,
                name=line.name,
                price=price,
                quantity=line.quantity,
            ),
            exemplar_ids=[return_id * 1000 + i for i in range(line.quantity)],
            barcode=f"ii{return_id}",
            status="MovingToSeller",
            history=[ReturnStatusChange(sys_name="MovingToSeller", moment=at)],
            return_date=at,
            next_step_at=at + timedelta(seconds=timeline.RETURN_TRANSIT_SECONDS),
        )
        hs.returns[str(return_id)] = item
        created.append(item)
    return created


def step_return(hs: HandoverState, item: SellerReturn, at: datetime) -> bool:
    """Move a return one status further along its flow; False when it is already received."""
    if item.status not in RETURN_FLOW or item.status == RETURN_FLOW[-1]:
        return False
    following = RETURN_FLOW[RETURN_FLOW.index(item.status) + 1]
    item.status = following
    item.history.append(ReturnStatusChange(sys_name=following, moment=at))
    if following == "ArrivedAtReturnPlace":
        item.arrived_at = at
        item.next_step_at = (
            at + timedelta(seconds=timeline.RETURN_PICKUP_WAIT_SECONDS)
            if hs.settings.auto_receive_returns
            else None
        )
    else:
        item.final_moment = at
        item.next_step_at = None
    return True


def advance_returns(ctx: MethodContext) -> None:
    """Bring every return up to the current sandbox time."""
    hs = handover_state(ctx)
    for item in hs.returns.values():
        while item.next_step_at is not None and ctx.now_dt >= item.next_step_at:
            if not step_return(hs, item, item.next_step_at):
                break


def tick(ctx: MethodContext) -> None:
    """Everything time-driven in the handover domain, in causal order."""
    hs = handover_state(ctx)
    if not hs.carriages and not hs.returns:
        return
    advance_carriages(ctx)
    advance_deliveries(ctx)
    advance_returns(ctx)
