"""Buyer orders becoming postings, and postings splitting into several when packed in boxes.

Numbering follows Ozon's pattern: an order number ``NNNNNNNN-NNNN`` and postings
``<order number>-1``, ``-2`` … Splitting keeps the original number for the first part and gives
each further part the next free suffix of the same order, with ``parent_posting_number`` set.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from ozon_sandbox import delivery_methods
from ozon_sandbox.errors import OzonApiError, bad_request, conflict
from ozon_sandbox.postings.model import (
    Exemplar,
    Posting,
    PostingProduct,
    PostingsState,
    StatusChange,
    UnsetDate,
    change_stock,
    emit_push,
    ozon_time,
    posting_units,
    postings_state,
    seller_id,
)
from ozon_sandbox.registry import MethodContext
from ozon_sandbox.state import StockLevel

ORDER_ID_BASE = 35_566_798_000
ORDER_NUMBER_BASE = 13_211_227


class OrderLine(BaseModel):
    """One product of a buyer order, named by offer_id or SKU."""

    offer_id: str | None = None
    sku: int | None = None
    quantity: int = Field(1, ge=1)
    mandatory_mark: bool = Field(False, description="The product is marked (Честный ЗНАК).")


class PlaceOrder(BaseModel):
    """A buyer order for one warehouse (becomes one posting)."""

    warehouse_id: int
    items: list[OrderLine] = Field(min_length=1)
    delivery_method_id: int | None = Field(
        None, description="One of the warehouse's delivery methods; default: its own."
    )
    shipment_date: datetime | None = Field(None, description="Cutoff; default: in 24 hours.")
    in_process_at: datetime | None = None
    delivery_date_begin: datetime | None = None
    delivery_date_end: datetime | None = None
    is_express: bool = False
    multibox: bool = Field(
        False,
        description="One of its products ships in several factory boxes (``is_multibox``): "
        "the seller gives the box count before packing.",
    )
    reserve_stock: bool = Field(True, description="Refuse the order without free stock.")
    unset_dates: list[UnsetDate] = Field(
        default_factory=list,
        description="Dates the posting's replies leave out (pushes keep them).",
    )


def _order_numbers(domain: PostingsState) -> tuple[int, str]:
    seq = domain.next_order_seq
    domain.next_order_seq += 1
    return ORDER_ID_BASE + seq, f"{ORDER_NUMBER_BASE + seq:08d}-{(seq * 37) % 10000:04d}"


def barcode_values(order_id: int, suffix: int) -> tuple[str, str]:
    """(upper, lower) barcodes of a posting: ASCII, so they print as Code 128."""
    return f"%101%{order_id}{suffix:02d}", f"{order_id}{suffix:02d}"


def place_order(ctx: MethodContext, order: PlaceOrder) -> Posting:
    """Create the posting of a buyer order, reserve its stock and announce it.

    Emits ``TYPE_STOCKS_CHANGED`` for the reservation, then ``TYPE_NEW_POSTING``.
    """
    state = ctx.state
    domain = postings_state(state)
    warehouse = state.warehouses.get(order.warehouse_id)
    if warehouse is None:
        raise bad_request(f"warehouse {order.warehouse_id} does not exist")
    chosen = delivery_methods.method(state, order.delivery_method_id or warehouse.warehouse_id)
    if chosen is None or chosen.warehouse.warehouse_id != warehouse.warehouse_id:
        raise bad_request(
            f"delivery method {order.delivery_method_id} is not one of warehouse "
            f"{warehouse.warehouse_id}"
        )
    lines: dict[int, PostingProduct] = {}
    for item in order.items:
        product = (
            state.products.get(item.offer_id)
            if item.offer_id
            else (state.by_sku(item.sku) if item.sku else None)
        )
        if product is None:
            raise bad_request(f"no product {item.offer_id or item.sku}")
        if product.sku in lines:
            lines[product.sku].quantity += item.quantity
            continue
        lines[product.sku] = PostingProduct(
            sku=product.sku,
            offer_id=product.offer_id,
            product_id=product.product_id,
            name=product.name or product.offer_id,
            quantity=item.quantity,
            price=product.price or "0",
            currency_code=product.currency_code,
            mandatory_mark=item.mandatory_mark,
        )
    for line in lines.values():
        level = state.stocks.get((line.offer_id, order.warehouse_id)) or StockLevel()
        if order.reserve_stock and level.free_stock < line.quantity:
            raise conflict(
                f"{line.offer_id}: {level.free_stock} free on warehouse {order.warehouse_id}, "
                f"{line.quantity} ordered"
            )
    change_stock(ctx, order.warehouse_id, posting_units(lines.values()), "reserve")
    order_id, order_number = _order_numbers(domain)
    now = ctx.now_dt.replace(microsecond=0)
    shipment_date = order.shipment_date or now + timedelta(days=1)
    upper, lower = barcode_values(order_id, 1)
    posting = Posting(
        posting_number=f"{order_number}-1",
        order_id=order_id,
        order_number=order_number,
        products=list(lines.values()),
        warehouse_id=warehouse.warehouse_id,
        warehouse_name=warehouse.name,
        delivery_method_id=chosen.id,
        delivery_method_name=chosen.name,
        is_express=order.is_express,
        in_process_at=order.in_process_at or now,
        shipment_date=shipment_date,
        shipment_date_without_delay=shipment_date,
        delivery_date_begin=order.delivery_date_begin or shipment_date + timedelta(days=1),
        delivery_date_end=order.delivery_date_end or shipment_date + timedelta(days=2),
        upper_barcode=upper,
        lower_barcode=lower,
        unset_dates=order.unset_dates,
        multibox=order.multibox,
        multi_box_qty=0 if order.multibox else 1,
    )
    posting.history.append(
        StatusChange(status=posting.status, substatus=posting.substatus, at=ctx.now_dt)
    )
    domain.postings[posting.posting_number] = posting
    announce_posting(ctx, posting)
    return posting


def announce_posting(ctx: MethodContext, posting: Posting) -> None:
    """Emit ``TYPE_NEW_POSTING`` for a posting the seller has to pack."""
    emit_push(
        ctx,
        {
            "message_type": "TYPE_NEW_POSTING",
            "posting_number": posting.posting_number,
            "products": [
                {"sku": p.sku, "offer_id": p.offer_id, "quantity": p.quantity}
                for p in posting.products
            ],
            "in_process_at": ozon_time(posting.in_process_at),
            "warehouse_id": posting.warehouse_id,
            "shipment_date": ozon_time(posting.shipment_date),
            "tpl_integration_type": "ozon",
            "is_express": posting.is_express,
            "tracking_number": posting.tracking_number,
            "delivery_date_begin": ozon_time(posting.delivery_date_begin or posting.shipment_date),
            "delivery_date_end": ozon_time(posting.delivery_date_end or posting.shipment_date),
            "seller_id": seller_id(ctx),
        },
    )


def next_posting_number(domain: PostingsState, order_number: str) -> str:
    """The next free ``<order number>-N``."""
    suffix = 1
    while f"{order_number}-{suffix}" in domain.postings:
        suffix += 1
    return f"{order_number}-{suffix}"


def related_numbers(domain: PostingsState, posting: Posting) -> list[str]:
    """Other postings of the same buyer order (from splits)."""
    return sorted(
        number
        for number, other in domain.postings.items()
        if other.order_number == posting.order_number and number != posting.posting_number
    )


def split_off(
    ctx: MethodContext,
    posting: Posting,
    parts: list[dict[int, int]],
    exemplar_ids: list[list[int]] | None = None,
) -> list[Posting]:
    """Split ``posting`` into one posting per part (SKU → quantity); the first keeps the number.

    Exemplars follow their units: those named in ``exemplar_ids`` go with their part, the rest
    are handed out in order. Stock reservations stay as they are (the total is unchanged).
    """
    domain = postings_state(ctx.state)
    original_products = list(posting.products)
    remaining = {e.exemplar_id: e for e in posting.exemplars}
    chosen: list[list[Exemplar]] = []
    for index, part in enumerate(parts):
        picked: list[Exemplar] = []
        wanted = (exemplar_ids or [])[index] if exemplar_ids and index < len(exemplar_ids) else []
        for exemplar_id in wanted:
            exemplar = remaining.pop(exemplar_id, None)
            if exemplar is None or part.get(exemplar.sku, 0) == 0:
                raise OzonApiError(
                    400, 3, f"EXEMPLAR_ID {exemplar_id} does not belong to the posting's products"
                )
            picked.append(exemplar)
        chosen.append(picked)
    for index, part in enumerate(parts):
        for sku, quantity in part.items():
            have = sum(1 for e in chosen[index] if e.sku == sku)
            for exemplar in [e for e in list(remaining.values()) if e.sku == sku][
                : max(0, quantity - have)
            ]:
                chosen[index].append(remaining.pop(exemplar.exemplar_id))
    result: list[Posting] = []
    for index, part in enumerate(parts):
        if index == 0:
            target = posting
        else:
            number = next_posting_number(domain, posting.order_number)
            suffix = int(number.rsplit("-", 1)[1])
            upper, lower = barcode_values(posting.order_id, suffix)
            target = posting.model_copy(
                deep=True,
                update={
                    "posting_number": number,
                    "parent_posting_number": posting.posting_number,
                    "upper_barcode": upper,
                    "lower_barcode": lower,
                    "history": [],
                },
            )
            domain.postings[number] = target
        target.products = [
            p.model_copy(update={"quantity": part[p.sku]})
            for p in original_products
            if part.get(p.sku, 0) > 0
        ]
        target.exemplars = chosen[index]
        result.append(target)
    return result
