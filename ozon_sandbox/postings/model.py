"""The posting state of one seller account, and the functions other domains build on.

A posting is Ozon's unit of FBS work: one box of one buyer order shipped from one warehouse. The
sandbox keeps each posting as a :class:`Posting` inside the account's :class:`PostingsState`
(fetched with ``ctx.state.domain(PostingsState)``), keyed by posting number.

Stable public API (handover, delivery and returns rely on exactly these):

- :func:`postings_state` — the account's :class:`PostingsState`.
- :func:`get_posting` ``(state, number)`` — the posting or ``None``.
- :func:`postings_in_status` ``(state, status, warehouse_id=None)`` — postings in one status,
  by posting number.
- :func:`set_status` ``(ctx, posting, status, substatus)`` — move a posting, record the change,
  keep stock in step and emit Ozon's push: ``TYPE_POSTING_CANCELLED`` when the status becomes
  ``cancelled`` (with the posting's ``cancellation`` reason), ``TYPE_STATE_CHANGED`` otherwise.
  Stock follows the status: a posting reserves its units while it is with the seller; moving it
  to ``cancelled`` releases them, moving it to ``delivering`` (or later) takes them off the
  warehouse (present and reserved both drop).
- :func:`available_actions` ``(posting)`` — Ozon's ``available_actions`` for the posting now.
- :func:`emit_push` ``(ctx, message)`` — queue a push and keep a copy in the domain's log.
- :func:`change_stock` ``(ctx, warehouse_id, units, move)`` — reserve, release or consume units
  of one warehouse and emit ``TYPE_STOCKS_CHANGED`` with the new levels.

Statuses and substatuses are Ozon's (API-NOTES §5, push mapping §11).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from ozon_sandbox.push.messages import StockChange, stocks_changed_message
from ozon_sandbox.registry import MethodContext
from ozon_sandbox.state import AccountState, StockLevel

# Ozon's posting statuses (API-NOTES §5).
AWAITING_REGISTRATION = "awaiting_registration"
ACCEPTANCE_IN_PROGRESS = "acceptance_in_progress"
AWAITING_APPROVE = "awaiting_approve"
AWAITING_PACKAGING = "awaiting_packaging"
AWAITING_VERIFICATION = "awaiting_verification"
AWAITING_DELIVER = "awaiting_deliver"
ARBITRATION = "arbitration"
CLIENT_ARBITRATION = "client_arbitration"
DELIVERING = "delivering"
DRIVER_PICKUP = "driver_pickup"
DELIVERED = "delivered"
CANCELLED = "cancelled"
NOT_ACCEPTED = "not_accepted"

# Statuses of postings the seller still has to act on (the unfulfilled list).
UNFULFILLED_STATUSES = frozenset(
    {
        AWAITING_REGISTRATION,
        ACCEPTANCE_IN_PROGRESS,
        AWAITING_APPROVE,
        AWAITING_PACKAGING,
        AWAITING_VERIFICATION,
        AWAITING_DELIVER,
        ARBITRATION,
        CLIENT_ARBITRATION,
    }
)
# Once a posting is in one of these, its units have left the seller's warehouse.
LEFT_WAREHOUSE_STATUSES = frozenset({DELIVERING, DRIVER_PICKUP, DELIVERED, NOT_ACCEPTED})

# The substatus each status gets when a caller does not name one (push ``new_state`` values).
DEFAULT_SUBSTATUS: dict[str, str] = {
    AWAITING_PACKAGING: "posting_created",
    AWAITING_APPROVE: "posting_created",
    AWAITING_REGISTRATION: "posting_awaiting_registration",
    ACCEPTANCE_IN_PROGRESS: "posting_acceptance_in_progress",
    AWAITING_DELIVER: "posting_transferring_to_delivery",
    DELIVERING: "posting_transferred_to_courier_service",
    DRIVER_PICKUP: "posting_driver_pick_up",
    DELIVERED: "posting_delivered",
    CANCELLED: "posting_canceled",
    NOT_ACCEPTED: "posting_not_in_sort_center",
    ARBITRATION: "posting_in_arbitration",
    CLIENT_ARBITRATION: "posting_in_client_arbitration",
}

# What an order does to a warehouse's stock: hold units for it, give them back, or ship them.
StockMove = Literal["reserve", "release", "consume"]

ExemplarsStatus = Literal[
    "validation_in_process",
    "ship_available",
    "ship_not_available",
    "update_available",
    "update_not_available",
]

# Events kept in the domain's own push log (the outbox itself is drained by delivery).
PUSH_LOG_LIMIT = 2000


class PostingProduct(BaseModel):
    """One product line of a posting."""

    sku: int
    offer_id: str
    product_id: int = 0
    name: str = ""
    quantity: int = Field(ge=1)
    price: str = "0"
    currency_code: str = "RUB"
    mandatory_mark: bool = Field(
        default=False, description="Needs a Честный ЗНАК code per unit before packing."
    )


class Mark(BaseModel):
    """One code attached to an exemplar, with the result of Ozon's check."""

    mark: str
    mark_type: str = "mandatory_mark"
    check_status: Literal["processing", "passed", "failed"] = "processing"
    error_codes: list[str] = Field(default_factory=list)


class Exemplar(BaseModel):
    """One physical unit of a product in a posting (Ozon's "экземпляр")."""

    exemplar_id: int
    sku: int
    marks: list[Mark] = Field(default_factory=list)
    gtd: str = ""
    is_gtd_absent: bool = False
    rnpt: str = ""
    is_rnpt_absent: bool = False
    weight: float | None = None


class Cancellation(BaseModel):
    """Why and by whom a posting was cancelled (Ozon's ``cancellation`` block)."""

    cancel_reason_id: int = 0
    cancel_reason: str = ""
    cancellation_type: str = ""
    cancellation_initiator: str = ""
    cancelled_after_ship: bool = False
    affect_cancellation_rating: bool = False
    message: str = ""


class StatusChange(BaseModel):
    """One entry of a posting's status history."""

    status: str
    substatus: str
    at: datetime


UnsetDate = Literal["in_process_at", "shipment_date", "shipment_date_without_delay"]


class Posting(BaseModel):
    """An FBS posting as the sandbox holds it; replies are rendered from this."""

    posting_number: str
    order_id: int
    order_number: str
    status: str = AWAITING_PACKAGING
    substatus: str = "posting_created"
    previous_substatus: str = ""
    products: list[PostingProduct]
    warehouse_id: int
    warehouse_name: str = ""
    delivery_method_id: int = 0
    delivery_method_name: str = ""
    tpl_provider_id: int = 24
    tpl_provider: str = "Доставка Ozon"
    tracking_number: str = ""
    is_express: bool = False
    in_process_at: datetime
    shipment_date: datetime = Field(description="Pack-by deadline (cutoff).")
    shipment_date_without_delay: datetime | None = None
    delivering_date: datetime | None = Field(None, description="When it was handed to delivery.")
    delivery_date_begin: datetime | None = None
    delivery_date_end: datetime | None = None
    parent_posting_number: str = ""
    related_posting_numbers: list[str] = Field(default_factory=list)
    upper_barcode: str = ""
    lower_barcode: str = ""
    multibox: bool = Field(
        default=False,
        description="A product ships in several factory boxes: Ozon wants the box count "
        "(``multi_box_qty``) before packing and shows ``is_multibox`` until it is packed.",
    )
    multi_box_qty: int = Field(
        default=1, ge=0, description="Boxes of the posting; 0 = a multi-box count not given yet."
    )
    exemplars: list[Exemplar] = Field(default_factory=list)
    exemplars_status: ExemplarsStatus | None = None
    exemplars_ready_at: datetime | None = None
    cancellation: Cancellation | None = None
    history: list[StatusChange] = Field(default_factory=list)
    shipped_at: datetime | None = None
    label_ready_at: datetime | None = Field(None, description="Labels print from this time on.")
    stock: Literal["reserved", "released", "consumed"] = "reserved"
    unset_dates: list[UnsetDate] = Field(
        default_factory=list,
        description="Dates Ozon leaves out of this posting's replies (it does for some orders, "
        "e.g. in_process_at of a late-paid one); its rules still use them.",
    )

    @property
    def requiring_mandatory_mark(self) -> list[int]:
        """SKUs that need a Честный ЗНАК code per unit (``requirements``)."""
        return [p.sku for p in self.products if p.mandatory_mark]

    @property
    def is_multibox(self) -> bool:
        """Ozon's ``is_multibox``: true for a multi-box posting until it is packed, then false."""
        return self.multibox and self.shipped_at is None

    def product(self, sku: int) -> PostingProduct | None:
        """The product line with this SKU, if the posting has one."""
        return next((p for p in self.products if p.sku == sku), None)


class LabelTask(BaseModel):
    """An async label task of ``/v2/posting/fbs/package-label/create``."""

    task_id: int
    task_type: Literal["big_label", "small_label"]
    posting_numbers: list[str]
    created_at: datetime
    ready_at: datetime
    status: Literal["pending", "in_progress", "completed", "error"] = "pending"
    error: str = ""
    printed: list[str] = Field(default_factory=list)
    unprinted: list[dict[str, str]] = Field(default_factory=list)


class PostingsSettings(BaseModel):
    """Timings of the account's time-driven posting processes, in sandbox seconds."""

    label_ready_seconds: float = Field(
        default=45.0, ge=0, description="Labels print this long after packing (Ozon: 45–60 s)."
    )
    exemplar_check_seconds: float = Field(
        default=30.0, ge=0, description="Честный ЗНАК check of marks sent with exemplar/set."
    )
    label_task_seconds: float = Field(
        default=10.0, ge=0, description="Async label tasks complete this long after creation."
    )


class PostingsState(BaseModel):
    """Every posting and label task of one account, plus id counters and timings."""

    postings: dict[str, Posting] = Field(default_factory=dict)
    label_tasks: dict[str, LabelTask] = Field(default_factory=dict)
    settings: PostingsSettings = Field(default_factory=PostingsSettings)
    next_order_seq: int = 1
    next_exemplar_id: int = 1
    next_task_id: int = 5_819_327_210_248
    pushes: list[dict[str, Any]] = Field(default_factory=list)


def postings_state(state: AccountState) -> PostingsState:
    """The account's postings domain."""
    return state.domain(PostingsState)


def get_posting(state: AccountState | PostingsState, number: str) -> Posting | None:
    """The posting with this number, or ``None``."""
    domain = state if isinstance(state, PostingsState) else postings_state(state)
    return domain.postings.get(number)


def postings_in_status(
    state: AccountState | PostingsState, status: str, warehouse_id: int | None = None
) -> list[Posting]:
    """Postings in ``status`` (optionally on one warehouse), ordered by posting number."""
    domain = state if isinstance(state, PostingsState) else postings_state(state)
    return [
        p
        for _, p in sorted(domain.postings.items())
        if p.status == status and (warehouse_id is None or p.warehouse_id == warehouse_id)
    ]


def ozon_time(value: datetime) -> str:
    """RFC 3339 UTC as Ozon writes it (``2026-05-04T06:44:37Z``, milliseconds when present)."""
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond // 1000:03d}"
    return text + "Z"


def emit_push(ctx: MethodContext, message: dict[str, Any]) -> None:
    """Queue a push for delivery and keep a copy in the domain's push log."""
    ctx.state.emit(message)
    log = postings_state(ctx.state).pushes
    log.append(message)
    del log[:-PUSH_LOG_LIMIT]


def seller_id(ctx: MethodContext) -> int:
    """The seller id pushes carry (the Client-Id)."""
    return int(ctx.client_id) if ctx.client_id.isdigit() else 0


def change_stock(
    ctx: MethodContext, warehouse_id: int, units: Mapping[str, int], move: StockMove
) -> None:
    """Apply ``move`` to ``units`` (offer_id → quantity) on one warehouse and push the new levels.

    ``reserve`` holds units for an order (present grows if it has to), ``release`` gives them
    back, ``consume`` takes them off the shelf (present and reserved both drop). Changed rows are
    stamped with the sandbox time and reported in one ``TYPE_STOCKS_CHANGED`` (Ozon's push for a
    change of ``present`` or ``reserved``); nothing is pushed when no row changed.
    """
    state = ctx.state
    changes: list[StockChange] = []
    for offer_id, quantity in units.items():
        key = (offer_id, warehouse_id)
        level = state.stocks.get(key) or StockLevel()
        step = quantity if move == "reserve" else -quantity
        reserved = max(0, level.reserved + step)
        present = level.present - quantity if move == "consume" else level.present
        present = max(0, present, reserved)
        if (present, reserved) == (level.present, level.reserved):
            continue
        state.stocks[key] = StockLevel(present=present, reserved=reserved, updated_at=ctx.now_dt)
        product = state.products.get(offer_id)
        changes.append(
            StockChange(
                product_id=product.product_id if product else 0,
                sku=product.sku if product else 0,
                warehouse_id=warehouse_id,
                present=present,
                reserved=reserved,
            )
        )
    message = stocks_changed_message(changes, ctx.now_dt)
    if message is not None:
        emit_push(ctx, {**message, "seller_id": seller_id(ctx)})


def posting_units(products: Iterable[PostingProduct]) -> dict[str, int]:
    """Units per offer_id of a posting's product lines."""
    units: dict[str, int] = {}
    for product in products:
        units[product.offer_id] = units.get(product.offer_id, 0) + product.quantity
    return units


def _move_stock(ctx: MethodContext, posting: Posting, target: str) -> None:
    """Bring the posting's stock effect to ``target`` (released or consumed) once."""
    if posting.stock != "reserved" or target == "reserved":
        return
    move: StockMove = "consume" if target == "consumed" else "release"
    change_stock(ctx, posting.warehouse_id, posting_units(posting.products), move)
    posting.stock = "released" if target == "released" else "consumed"


def set_status(
    ctx: MethodContext, posting: Posting, status: str, substatus: str | None = None
) -> None:
    """Move ``posting`` to ``status``/``substatus``, keep stock in step and emit Ozon's push.

    Cancelling emits ``TYPE_POSTING_CANCELLED`` (set ``posting.cancellation`` first to give the
    reason) and releases the reservation; any other change emits ``TYPE_STATE_CHANGED``. A stock
    move (release, or consumption on leaving the warehouse) is pushed first, as
    ``TYPE_STOCKS_CHANGED``.
    """
    substatus = substatus or DEFAULT_SUBSTATUS.get(status, f"posting_{status}")
    old_substatus = posting.substatus
    posting.previous_substatus = old_substatus
    posting.status = status
    posting.substatus = substatus
    posting.history.append(StatusChange(status=status, substatus=substatus, at=ctx.now_dt))
    if status == CANCELLED:
        _move_stock(ctx, posting, "released")
    elif status in LEFT_WAREHOUSE_STATUSES:
        _move_stock(ctx, posting, "consumed")
        if status == DELIVERING and posting.delivering_date is None:
            posting.delivering_date = ctx.now_dt
    common = {
        "posting_number": posting.posting_number,
        "changed_state_date": ozon_time(ctx.now_dt),
        "warehouse_id": posting.warehouse_id,
        "seller_id": seller_id(ctx),
    }
    if status == CANCELLED:
        reason = posting.cancellation or Cancellation()
        emit_push(
            ctx,
            {
                "message_type": "TYPE_POSTING_CANCELLED",
                "posting_number": posting.posting_number,
                "products": [{"sku": p.sku, "quantity": p.quantity} for p in posting.products],
                "old_state": old_substatus,
                "new_state": substatus,
                "changed_state_date": common["changed_state_date"],
                "reason": {"id": reason.cancel_reason_id, "message": reason.cancel_reason},
                "warehouse_id": posting.warehouse_id,
                "seller_id": common["seller_id"],
            },
        )
    else:
        emit_push(ctx, {"message_type": "TYPE_STATE_CHANGED", **common, "new_state": substatus})


def available_actions(posting: Posting) -> list[str]:
    """Ozon's ``available_actions`` for the posting in its current state."""
    if posting.status == AWAITING_PACKAGING:
        actions = ["cancel", "has_barcode_for_printing", "product_cancel", "ship", "ship_async"]
        if posting.requiring_mandatory_mark:
            actions.append("update_cis")
        return sorted(actions)
    if posting.status == AWAITING_DELIVER:
        return ["cancel", "label_download", "label_download_big", "label_download_small"]
    if posting.status in (ARBITRATION, CLIENT_ARBITRATION):
        return ["awaiting_delivery"]
    return []
