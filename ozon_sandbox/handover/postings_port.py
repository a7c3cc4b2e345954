"""The narrow view of the postings domain that handover needs, in one place.

Handover reads postings (status, warehouse, cutoff, when they were packed, products) and moves
them (awaiting_deliver → delivering → delivered) only through these functions, so the postings
model can evolve without touching acts, carriages or returns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from ozon_sandbox.postings import model as postings
from ozon_sandbox.registry import MethodContext
from ozon_sandbox.state import AccountState


@dataclass(frozen=True)
class ProductLine:
    """One product line of a posting."""

    sku: int
    offer_id: str
    name: str
    quantity: int
    price: str


@dataclass(frozen=True)
class PostingView:
    """What handover needs to know about one posting."""

    posting_number: str
    status: str
    substatus: str
    warehouse_id: int
    delivery_method_id: int
    cutoff: datetime | None
    packed_at: datetime | None
    order_id: int
    order_number: str
    multi_box_qty: int
    products: tuple[ProductLine, ...]
    created_at: datetime | None
    updated_at: datetime | None


def _view(posting: postings.Posting) -> PostingView:
    return PostingView(
        posting_number=posting.posting_number,
        status=posting.status,
        substatus=posting.substatus,
        warehouse_id=posting.warehouse_id,
        delivery_method_id=posting.delivery_method_id or posting.warehouse_id,
        cutoff=posting.shipment_date,
        packed_at=posting.shipped_at,
        order_id=posting.order_id,
        order_number=posting.order_number,
        multi_box_qty=posting.multi_box_qty,
        products=tuple(
            ProductLine(
                sku=p.sku, offer_id=p.offer_id, name=p.name, quantity=p.quantity, price=p.price
            )
            for p in posting.products
        ),
        created_at=posting.in_process_at,
        updated_at=posting.history[-1].at if posting.history else posting.in_process_at,
    )


def get(state: AccountState, posting_number: str) -> PostingView | None:
    """The posting with this number, if the account has it."""
    posting = postings.get_posting(state, posting_number)
    return None if posting is None else _view(posting)


def in_status(
    state: AccountState, status: str, warehouse_id: int | None = None
) -> list[PostingView]:
    """Postings in ``status`` (optionally of one warehouse), in the postings domain's order."""
    return [_view(p) for p in postings.postings_in_status(state, status, warehouse_id=warehouse_id)]


def move(
    ctx: MethodContext,
    posting_number: str,
    status: str,
    substatus: str,
    at: datetime | None = None,
) -> bool:
    """Set a posting's status as of ``at`` (the postings domain emits the push).

    Passing the moment the step was due keeps histories and push dates independent of how
    often ticks run. Returns False if the posting is gone.
    """
    posting = postings.get_posting(ctx.state, posting_number)
    if posting is None:
        return False
    step_ctx = ctx if at is None else replace(ctx, now_dt=min(at, ctx.now_dt))
    postings.set_status(step_ctx, posting, status, substatus)
    return True
