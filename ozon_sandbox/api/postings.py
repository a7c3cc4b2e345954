"""FBS postings: the v4 lists, ``/v3/posting/fbs/get``, packing (``ship``, ``ship/package``).

Admin calls place buyer orders, cancel on the buyer's behalf, move cutoff and delivery dates, tune
the domain's timings and read postings and the pushes they caused.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field, model_validator
from starlette.responses import JSONResponse

from ozon_sandbox.api.common import Int64, OzonRequest
from ozon_sandbox.cursor import decode_cursor, encode_cursor
from ozon_sandbox.errors import OzonApiError, bad_request, not_found
from ozon_sandbox.postings.marks import MARK_REQUIRED
from ozon_sandbox.postings.model import (
    AWAITING_DELIVER,
    AWAITING_PACKAGING,
    CANCELLED,
    UNFULFILLED_STATUSES,
    Cancellation,
    Posting,
    PostingsSettings,
    emit_push,
    ozon_time,
    postings_state,
    seller_id,
    set_status,
)
from ozon_sandbox.postings.orders import (
    PlaceOrder,
    announce_posting,
    place_order,
    related_numbers,
    split_off,
)
from ozon_sandbox.postings.render import posting_v3, posting_v4
from ozon_sandbox.registry import MethodContext, admin_endpoint, ozon_method

MAX_WINDOW = timedelta(days=366)
SHIPPED_STATUSES = frozenset(
    {AWAITING_DELIVER, "delivering", "driver_pickup", "delivered", "arbitration", "not_accepted"}
)


def posting_or_404(ctx: MethodContext, number: str) -> Posting:
    """The posting, or Ozon's 404 ``POSTING_NOT_FOUND``."""
    posting = postings_state(ctx.state).postings.get(number)
    if posting is None:
        raise not_found(f"POSTING_NOT_FOUND: posting {number} not found")
    return posting


def invalid(code: str, detail: str) -> OzonApiError:
    """A 400 whose message starts with Ozon's error code."""
    return OzonApiError(400, 3, f"{code}: {detail}")


def json_reply(body: dict[str, Any]) -> JSONResponse:
    """Send a reply built as plain JSON (absent blocks already left out)."""
    return JSONResponse(body)


# ---------------------------------------------------------------- shared request parts


class Window(OzonRequest):
    """A ``{from, to}`` period."""

    from_: datetime | None = Field(None, alias="from")
    to: datetime | None = None


class WithFlags(OzonRequest):
    """Optional blocks of a posting."""

    analytics_data: bool = False
    barcodes: bool = False
    financial_data: bool = False
    legal_info: bool = False
    product_exemplars: bool = False
    related_postings: bool = False
    translit: bool = False


def _check_window(start: datetime | None, end: datetime | None, name: str) -> None:
    if start is None or end is None:
        raise bad_request(f"filter.{name}_from and filter.{name}_to go together")
    if end < start:
        raise bad_request(f"filter.{name}_to is before filter.{name}_from")
    if end - start > MAX_WINDOW:
        raise bad_request(f"filter.{name}: the period must not exceed one year")


def _key(*values: datetime | str) -> list[str]:
    return [v if isinstance(v, str) else f"{v:%Y-%m-%dT%H:%M:%S.%f}" for v in values]


def _page(
    postings: list[Posting],
    key: Any,
    cursor: str,
    limit: int,
    descending: bool,
) -> tuple[list[Posting], str, bool]:
    """Keyset paging: the cursor stores the sort key of the last posting sent."""
    ordered = sorted(postings, key=key, reverse=descending)
    after = decode_cursor(cursor).get("after")
    if after is not None:
        if not isinstance(after, list):
            raise bad_request("invalid cursor")
        if descending:
            ordered = [p for p in ordered if key(p) < after]
        else:
            ordered = [p for p in ordered if key(p) > after]
    page = ordered[:limit]
    has_next = len(ordered) > limit
    # Like Ozon's examples, the last page still carries a token; has_next says the walk ends.
    next_cursor = encode_cursor({"after": key(page[-1])}) if page else ""
    return page, next_cursor, has_next


# ---------------------------------------------------------------- /v4/posting/fbs/unfulfilled/list


class UnfulfilledFilter(OzonRequest):
    """``filter``: a cutoff window or a delivering-date window, plus optional narrowing."""

    cutoff_from: datetime | None = None
    cutoff_to: datetime | None = None
    delivering_date_from: datetime | None = None
    delivering_date_to: datetime | None = None
    delivery_method_ids: list[Int64] = Field(default_factory=list, max_length=1000)
    provider_ids: list[Int64] = Field(default_factory=list, max_length=1000)
    statuses: list[str] = Field(default_factory=list)
    warehouse_ids: list[Int64] = Field(default_factory=list, max_length=1000)
    last_changed_status_date: Window | None = None


class UnfulfilledRequest(OzonRequest):
    """Body of ``/v4/posting/fbs/unfulfilled/list``."""

    cursor: str = ""
    filter: UnfulfilledFilter = Field(default_factory=UnfulfilledFilter)
    limit: int = Field(ge=1, le=100)
    sort_dir: str = "ASC"
    translit: bool = False
    with_: WithFlags = Field(default_factory=WithFlags, alias="with")

    @model_validator(mode="after")
    def _one_window(self) -> UnfulfilledRequest:
        f = self.filter
        cutoff = f.cutoff_from is not None or f.cutoff_to is not None
        delivering = f.delivering_date_from is not None or f.delivering_date_to is not None
        if cutoff and delivering:
            raise ValueError("filter: pass cutoff_from/cutoff_to or delivering_date_from/to")
        if not cutoff and not delivering:
            raise ValueError(
                "filter: cutoff_from and cutoff_to, or delivering_date_from and "
                "delivering_date_to, are required"
            )
        return self


def _last_change(posting: Posting) -> datetime:
    return posting.history[-1].at if posting.history else posting.in_process_at


def _common_filters(
    posting: Posting,
    statuses: list[str],
    warehouse_ids: list[int],
    delivery_method_ids: list[int],
    provider_ids: list[int],
    changed: Window | None,
) -> bool:
    if statuses and posting.status not in statuses:
        return False
    if warehouse_ids and posting.warehouse_id not in warehouse_ids:
        return False
    method_id = posting.delivery_method_id or posting.warehouse_id
    if delivery_method_ids and method_id not in delivery_method_ids:
        return False
    if provider_ids and posting.tpl_provider_id not in provider_ids:
        return False
    if changed is not None:
        moment = _last_change(posting)
        if changed.from_ is not None and moment < changed.from_:
            return False
        if changed.to is not None and moment > changed.to:
            return False
    return True


def _sort_dir(value: str) -> bool:
    if value.upper() not in ("ASC", "DESC"):
        raise bad_request("sort_dir must be ASC or DESC")
    return value.upper() == "DESC"


@ozon_method("/v4/posting/fbs/unfulfilled/list", request_model=UnfulfilledRequest)
def unfulfilled_list(ctx: MethodContext, request: UnfulfilledRequest) -> JSONResponse:
    """Postings still to be processed, by cutoff (or delivering date), cursor-paged."""
    f = request.filter
    descending = _sort_dir(request.sort_dir)
    by_cutoff = f.cutoff_from is not None or f.cutoff_to is not None
    if by_cutoff:
        _check_window(f.cutoff_from, f.cutoff_to, "cutoff")
    else:
        _check_window(f.delivering_date_from, f.delivering_date_to, "delivering_date")
    matched: list[Posting] = []
    for posting in postings_state(ctx.state).postings.values():
        if not f.statuses and posting.status not in UNFULFILLED_STATUSES:
            continue
        if not _common_filters(
            posting,
            f.statuses,
            f.warehouse_ids,
            f.delivery_method_ids,
            f.provider_ids,
            f.last_changed_status_date,
        ):
            continue
        if by_cutoff:
            moment: datetime | None = posting.shipment_date
            start, end = f.cutoff_from, f.cutoff_to
        else:
            moment = posting.delivering_date or posting.delivery_date_begin
            start, end = f.delivering_date_from, f.delivering_date_to
        if moment is None or start is None or end is None or not start <= moment <= end:
            continue
        matched.append(posting)

    def key(p: Posting) -> list[str]:
        return _key(p.shipment_date, p.in_process_at, p.posting_number)

    page, cursor, has_next = _page(matched, key, request.cursor, request.limit, descending)
    flags = request.with_.model_dump()
    return json_reply(
        {
            "count": len(matched),
            "cursor": cursor,
            "has_next": has_next,
            "postings": [posting_v4(p, flags) for p in page],
        }
    )


# ---------------------------------------------------------------- /v4/posting/fbs/list


class ListFilter(OzonRequest):
    """``filter`` of ``/v4/posting/fbs/list``: ``since``/``to`` required."""

    since: datetime
    to: datetime
    statuses: list[str] = Field(default_factory=list)
    order_numbers: list[str] = Field(default_factory=list, max_length=100)
    order_id: Int64 = 0
    warehouse_ids: list[Int64] = Field(default_factory=list, max_length=1000)
    delivery_method_ids: list[Int64] = Field(default_factory=list, max_length=1000)
    provider_ids: list[Int64] = Field(default_factory=list, max_length=1000)
    is_blr_traceable: bool | None = None
    last_changed_status_date: Window | None = None


class ListRequest(OzonRequest):
    """Body of ``/v4/posting/fbs/list``."""

    cursor: str = ""
    filter: ListFilter
    limit: int = Field(ge=1, le=100)
    sort_dir: str = "ASC"
    translit: bool = False
    with_: WithFlags = Field(default_factory=WithFlags, alias="with")


@ozon_method("/v4/posting/fbs/list", request_model=ListRequest)
def postings_list(ctx: MethodContext, request: ListRequest) -> JSONResponse:
    """Postings of any status created in ``since``–``to``, by creation time, cursor-paged."""
    f = request.filter
    descending = _sort_dir(request.sort_dir)
    _check_window(f.since, f.to, "since/to")
    matched = [
        p
        for p in postings_state(ctx.state).postings.values()
        if f.since <= p.in_process_at <= f.to
        and (not f.order_numbers or p.order_number in f.order_numbers)
        and (not f.order_id or p.order_id == f.order_id)
        and _common_filters(
            p,
            f.statuses,
            f.warehouse_ids,
            f.delivery_method_ids,
            f.provider_ids,
            f.last_changed_status_date,
        )
    ]

    def key(p: Posting) -> list[str]:
        return _key(p.in_process_at, p.posting_number)

    page, cursor, has_next = _page(matched, key, request.cursor, request.limit, descending)
    flags = request.with_.model_dump()
    return json_reply(
        {"cursor": cursor, "has_next": has_next, "postings": [posting_v4(p, flags) for p in page]}
    )


# ---------------------------------------------------------------- /v3/posting/fbs/get


class GetRequest(OzonRequest):
    """Body of ``/v3/posting/fbs/get``."""

    posting_number: str = Field(min_length=1)
    with_: WithFlags = Field(default_factory=WithFlags, alias="with")


@ozon_method("/v3/posting/fbs/get", request_model=GetRequest)
def posting_get(ctx: MethodContext, request: GetRequest) -> JSONResponse:
    """One posting, wrapped in ``result``."""
    posting = posting_or_404(ctx, request.posting_number)
    related = related_numbers(postings_state(ctx.state), posting)
    return json_reply({"result": posting_v3(posting, request.with_.model_dump(), related)})


# ---------------------------------------------------------------- packing


def check_packable(posting: Posting) -> None:
    """Ozon's status errors for packing a posting."""
    if posting.status == CANCELLED:
        raise invalid("POSTING_ALREADY_CANCELLED", f"posting {posting.posting_number} is cancelled")
    if posting.status in SHIPPED_STATUSES:
        raise invalid("POSTING_ALREADY_SHIPPED", f"posting {posting.posting_number} is packed")
    if posting.status != AWAITING_PACKAGING:
        raise invalid(
            "HAS_INCORRECT_STATUS",
            f"posting {posting.posting_number} is {posting.status}, not awaiting_packaging",
        )


def _quantities(posting: Posting, lines: list[tuple[int, int]]) -> dict[int, int]:
    """SKU → quantity of the lines, checking every SKU belongs to the posting."""
    counts: dict[int, int] = {}
    for sku, quantity in lines:
        if posting.product(sku) is None:
            raise invalid(
                "UNKNOWN_PRODUCT_DEFINED",
                f"product_id {sku} is not in posting {posting.posting_number} "
                "(product_id must be the SKU)",
            )
        if quantity < 1:
            raise invalid("HAS_INCORRECT_PRODUCT_QUANTITY", f"quantity of {sku} must be positive")
        counts[sku] = counts.get(sku, 0) + quantity
    return counts


class ShipProduct(OzonRequest):
    """A product in a package; ``product_id`` carries the SKU."""

    product_id: Int64
    quantity: int


class ShipPackage(OzonRequest):
    """One box = one resulting posting."""

    products: list[ShipProduct] = Field(min_length=1)


class ShipWith(OzonRequest):
    """``with`` of ``/v4/posting/fbs/ship``."""

    additional_data: bool = False


class ShipRequest(OzonRequest):
    """Body of ``/v4/posting/fbs/ship``."""

    posting_number: str = Field(min_length=1)
    packages: list[ShipPackage] = Field(min_length=1)
    with_: ShipWith = Field(default_factory=ShipWith, alias="with")


def _check_marks(posting: Posting) -> None:
    if posting.requiring_mandatory_mark and posting.exemplars_status != "ship_available":
        state = posting.exemplars_status or "not set"
        raise invalid(
            MARK_REQUIRED,
            f"posting {posting.posting_number} needs accepted Честный ЗНАК codes for SKUs "
            f"{posting.requiring_mandatory_mark} (exemplars: {state})",
        )


def mark_shipped(ctx: MethodContext, posting: Posting) -> None:
    """Packed: ``awaiting_deliver``, labels ready after the configured delay."""
    settings = postings_state(ctx.state).settings
    posting.shipped_at = ctx.now_dt
    posting.label_ready_at = ctx.now_dt + timedelta(seconds=settings.label_ready_seconds)
    set_status(ctx, posting, AWAITING_DELIVER, "posting_transferring_to_delivery")


@ozon_method("/v4/posting/fbs/ship", request_model=ShipRequest)
def ship(ctx: MethodContext, request: ShipRequest) -> JSONResponse:
    """Pack a posting into boxes: one posting per package, all go to ``awaiting_deliver``."""
    posting = posting_or_404(ctx, request.posting_number)
    check_packable(posting)
    parts = [
        _quantities(posting, [(p.product_id, p.quantity) for p in package.products])
        for package in request.packages
    ]
    total: dict[int, int] = {}
    for part in parts:
        for sku, quantity in part.items():
            total[sku] = total.get(sku, 0) + quantity
    expected = {p.sku: p.quantity for p in posting.products}
    if total != expected:
        raise invalid(
            "HAS_INCORRECT_PRODUCT_QUANTITY",
            f"packages hold {total}, posting {posting.posting_number} has {expected}",
        )
    _check_marks(posting)
    if posting.multibox and posting.multi_box_qty < 1:
        # Ozon documents no error for this. Its process text says a count not given before
        # packing means combining all boxes into one, so the posting goes as one box.
        posting.multi_box_qty = 1
    shipped = split_off(ctx, posting, parts)
    for box in shipped:
        mark_shipped(ctx, box)
    body: dict[str, Any] = {"result": [p.posting_number for p in shipped]}
    if request.with_.additional_data:
        body["additional_data"] = [
            {
                "posting_number": p.posting_number,
                "products": [
                    {
                        "currency_code": line.currency_code,
                        "mandatory_mark": [
                            m.mark for e in p.exemplars if e.sku == line.sku for m in e.marks
                        ],
                        "name": line.name,
                        "offer_id": line.offer_id,
                        "price": line.price,
                        "quantity": line.quantity,
                        "sku": line.sku,
                    }
                    for line in p.products
                ],
            }
            for p in shipped
        ]
    return json_reply(body)


class ShipPackageProduct(OzonRequest):
    """A product to split off; ``exemplarsIds`` name the units that go with it."""

    product_id: Int64
    quantity: int
    exemplarsIds: list[Int64] = Field(default_factory=list)


class ShipPackageRequest(OzonRequest):
    """Body of ``/v4/posting/fbs/ship/package``."""

    posting_number: str = Field(min_length=1)
    products: list[ShipPackageProduct] = Field(min_length=1)


@ozon_method("/v4/posting/fbs/ship/package", request_model=ShipPackageRequest)
def ship_package(ctx: MethodContext, request: ShipPackageRequest) -> JSONResponse:
    """Split the listed items off into a new ``awaiting_packaging`` posting; return its number.

    The new posting is announced with ``TYPE_NEW_POSTING``.
    """
    posting = posting_or_404(ctx, request.posting_number)
    check_packable(posting)
    part = _quantities(posting, [(p.product_id, p.quantity) for p in request.products])
    rest: dict[int, int] = {}
    for line in posting.products:
        left = line.quantity - part.get(line.sku, 0)
        if left < 0:
            raise invalid(
                "HAS_INCORRECT_PRODUCT_QUANTITY",
                f"{part[line.sku]} of {line.sku} requested, posting has {line.quantity}",
            )
        if left:
            rest[line.sku] = left
    if not rest:
        raise invalid(
            "HAS_INCORRECT_PRODUCT_QUANTITY",
            "every item is listed: pack the whole posting with /v4/posting/fbs/ship",
        )
    exemplar_ids = [e for p in request.products for e in p.exemplarsIds]
    _, new = split_off(ctx, posting, [rest, part], [[], exemplar_ids])
    # The split-off part is a new posting still to be packed: the seller hears of it as of a
    # new order (the parent keeps its number and stays awaiting_packaging, so it has no push).
    announce_posting(ctx, new)
    return json_reply({"result": new.posting_number})


# ---------------------------------------------------------------- admin


class PlaceOrders(BaseModel):
    """Buyer orders to place (one posting each)."""

    orders: list[PlaceOrder] = Field(min_length=1)


@admin_endpoint("/postings/orders", request_model=PlaceOrders)
def admin_place_orders(ctx: MethodContext, body: PlaceOrders) -> dict[str, Any]:
    """Place buyer orders: postings in ``awaiting_packaging``, stock reserved, pushes sent."""
    numbers = [place_order(ctx, order).posting_number for order in body.orders]
    return {"posting_numbers": numbers}


@admin_endpoint("/postings", verbs=("GET",))
def admin_postings(ctx: MethodContext, body: None) -> dict[str, Any]:
    """Every posting as the sandbox holds it."""
    domain = postings_state(ctx.state)
    return {"postings": [p.model_dump(mode="json") for _, p in sorted(domain.postings.items())]}


@admin_endpoint("/postings/pushes", verbs=("GET",))
def admin_pushes(ctx: MethodContext, body: None) -> dict[str, Any]:
    """Pushes the postings domain has emitted (a copy; delivery drains the outbox)."""
    return {"pushes": list(postings_state(ctx.state).pushes)}


class BuyerCancel(BaseModel):
    """A buyer cancelling before the posting is handed over."""

    posting_number: str
    reason_id: int = 507
    reason: str = "Покупатель отменил заказ"


@admin_endpoint("/postings/buyer-cancel", request_model=BuyerCancel)
def admin_buyer_cancel(ctx: MethodContext, body: BuyerCancel) -> dict[str, Any]:
    """Cancel on the buyer's behalf: releases the reservation, emits ``TYPE_POSTING_CANCELLED``."""
    posting = posting_or_404(ctx, body.posting_number)
    if posting.status not in (AWAITING_PACKAGING, AWAITING_DELIVER, "awaiting_approve"):
        raise OzonApiError(409, 10, f"posting {posting.posting_number} is {posting.status}")
    posting.cancellation = Cancellation(
        cancel_reason_id=body.reason_id,
        cancel_reason=body.reason,
        cancellation_type="client",
        cancellation_initiator="Клиент",
        cancelled_after_ship=posting.status == AWAITING_DELIVER,
        affect_cancellation_rating=False,
    )
    set_status(ctx, posting, CANCELLED, "posting_canceled")
    return {"posting_number": posting.posting_number, "status": posting.status}


class CutoffChange(BaseModel):
    """A new pack-by deadline."""

    posting_number: str
    shipment_date: datetime


@admin_endpoint("/postings/cutoff", request_model=CutoffChange)
def admin_cutoff(ctx: MethodContext, body: CutoffChange) -> dict[str, Any]:
    """Move the cutoff and emit ``TYPE_CUTOFF_DATE_CHANGED``."""
    posting = posting_or_404(ctx, body.posting_number)
    old = posting.shipment_date
    posting.shipment_date = body.shipment_date
    posting.shipment_date_without_delay = body.shipment_date
    emit_push(
        ctx,
        {
            "message_type": "TYPE_CUTOFF_DATE_CHANGED",
            "posting_number": posting.posting_number,
            "new_cutoff_date": ozon_time(body.shipment_date),
            "old_cutoff_date": ozon_time(old),
            "warehouse_id": posting.warehouse_id,
            "seller_id": seller_id(ctx),
        },
    )
    return {"posting_number": posting.posting_number}


class DeliveryDateChange(BaseModel):
    """A new delivery interval promised to the buyer."""

    posting_number: str
    delivery_date_begin: datetime
    delivery_date_end: datetime


@admin_endpoint("/postings/delivery-date", request_model=DeliveryDateChange)
def admin_delivery_date(ctx: MethodContext, body: DeliveryDateChange) -> dict[str, Any]:
    """Move the delivery interval and emit ``TYPE_DELIVERY_DATE_CHANGED``."""
    posting = posting_or_404(ctx, body.posting_number)
    old_begin = posting.delivery_date_begin or posting.shipment_date
    old_end = posting.delivery_date_end or posting.shipment_date
    posting.delivery_date_begin = body.delivery_date_begin
    posting.delivery_date_end = body.delivery_date_end
    emit_push(
        ctx,
        {
            "message_type": "TYPE_DELIVERY_DATE_CHANGED",
            "posting_number": posting.posting_number,
            "new_delivery_date_begin": ozon_time(body.delivery_date_begin),
            "new_delivery_date_end": ozon_time(body.delivery_date_end),
            "old_delivery_date_begin": ozon_time(old_begin),
            "old_delivery_date_end": ozon_time(old_end),
            "warehouse_id": posting.warehouse_id,
            "seller_id": seller_id(ctx),
        },
    )
    return {"posting_number": posting.posting_number}


class SettingsUpdate(BaseModel):
    """Timings to change; omitted ones stay."""

    label_ready_seconds: float | None = Field(None, ge=0)
    exemplar_check_seconds: float | None = Field(None, ge=0)
    label_task_seconds: float | None = Field(None, ge=0)


@admin_endpoint("/postings/settings", verbs=("GET", "PUT"), request_model=SettingsUpdate)
def admin_settings(ctx: MethodContext, body: SettingsUpdate | None) -> PostingsSettings:
    """Read or change how long labels, mark checks and label tasks take (sandbox seconds)."""
    domain = postings_state(ctx.state)
    if body is not None:
        changes = body.model_dump(exclude_none=True)
        domain.settings = domain.settings.model_copy(update=changes)
    return domain.settings
