"""Chain 1 (a new posting) and the posting events after it: cancellation, state, dates.

New posting: read it from Ozon → check every line against our assortment and free stock → the
order and the posting's lines (the cart) with recipient, pack-by and delivery dates → reservations
and the shipment record → a shipment notice to Infor. Each step is keyed by the posting number,
so a push delivered twice, a polled duplicate or a rerun after a crash ends in one posting, one
reservation and one notice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from novex_assets.orders.context import OrdersContext
from novex_assets.orders.stockbook import StockBook
from resources.ozon.errors import OzonError, OzonNotFoundError
from resources.ozon.models.postings import Posting
from resources.sources.infor_documents import NoticeItem, ShipmentNotice, StopPicking
from resources.store.orders import FINAL_STAGES

# Push states (``posting_*``) and what they mean for our stage.
DELIVERING_STATES = {
    "posting_on_way_to_city",
    "posting_transferred_to_courier_service",
    "posting_in_courier_service",
    "posting_on_way_to_pickup_point",
    "posting_in_pickup_point",
    "posting_conditionally_delivered",
    "posting_driver_pick_up",
}
DELIVERED_STATES = {"posting_delivered", "posting_received"}
STATUS_OF_STATE = {
    **{s: "delivering" for s in DELIVERING_STATES},
    "posting_driver_pick_up": "driver_pickup",
    "posting_delivered": "delivered",
    "posting_received": "delivered",
    "posting_canceled": "cancelled",
    "posting_transferring_to_delivery": "awaiting_deliver",
    "posting_in_carriage": "awaiting_deliver",
    "posting_not_in_carriage": "awaiting_deliver",
    "posting_in_arbitration": "arbitration",
    "posting_in_client_arbitration": "client_arbitration",
    "posting_not_in_sort_center": "not_accepted",
}


@dataclass
class IntakeReport:
    """What a batch of posting events did, for the asset's metadata."""

    outcomes: Counter[str] = field(default_factory=Counter)
    exceptions: dict[str, str] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        """Count an outcome."""
        self.outcomes[outcome] += 1


def notice_name(number: str) -> str:
    """The outbox name of a posting's shipment notice (stable: a resend replaces it)."""
    return f"notice_{number}.json"


def stop_name(number: str) -> str:
    """The outbox name of a posting's stop-picking order."""
    return f"stop_{number}.json"


def _recipient(posting: Posting) -> str:
    data = posting.analytics_data
    if data is None:
        return ""
    return ", ".join(part for part in (data.city, data.region) if part)


def _problems(posting: Posting, book: StockBook, warehouse_id: int) -> tuple[str | None, str]:
    """(kind, reason) of the first thing that stops us serving the posting, or (None, "")."""
    unknown = [p.offer_id for p in posting.products if p.offer_id not in book.known_offers]
    if unknown:
        return "unknown_offer", f"unknown offer(s): {', '.join(sorted(set(unknown)))}"
    wanted: Counter[str] = Counter()
    for product in posting.products:
        wanted[product.offer_id] += int(product.quantity)
    short = [
        f"{offer} needs {units}, free {book.free(offer, warehouse_id)}"
        for offer, units in sorted(wanted.items())
        if book.free(offer, warehouse_id) < units
    ]
    if short:
        return "short_stock", "insufficient stock: " + "; ".join(short)
    return None, ""


def accept_new_posting(
    ctx: OrdersContext,
    number: str,
    book: StockBook,
    report: IntakeReport,
    pack_by: datetime | None = None,
) -> str:
    """Chain 1 for one posting; returns the outcome (also counted in ``report``).

    ``pack_by``: the push's ``shipment_date``, used if Ozon's reply leaves the posting's out.
    """
    known = ctx.repo.posting(number)
    if known is not None and known["stage"] != "accepted":
        report.add("duplicate")
        return "duplicate"
    posting = _read_posting(ctx, number, pack_by, known["shipment_date"] if known else None)
    warehouse_id = int(posting.delivery_method.warehouse_id)
    if known is None:
        outcome = _register(ctx, posting, warehouse_id, book, report)
        if outcome != "accepted":
            return outcome
    return _announce(ctx, posting, warehouse_id, report)


def retry_held(ctx: OrdersContext, number: str, book: StockBook, report: IntakeReport) -> str:
    """Chain 1 again for a posting the unknown-offer or short-stock rule held.

    The offer may be known or the stock there by now: the posting is read from Ozon and checked,
    reserved and announced to Infor as a new one would be; otherwise the rule applies again.
    """
    known = ctx.repo.posting(number)
    if known is None or known["stage"] != "exception":
        report.add("not_held")
        return "not_held"
    posting = _read_posting(ctx, number, None, known["shipment_date"])
    warehouse_id = int(posting.delivery_method.warehouse_id)
    outcome = _register(ctx, posting, warehouse_id, book, report)
    if outcome != "accepted":
        return outcome
    report.add("released")
    return _announce(ctx, posting, warehouse_id, report)


def _read_posting(
    ctx: OrdersContext, number: str, pack_by: datetime | None, known: datetime | None
) -> Posting:
    """The posting from Ozon, with a pack-by even when its reply leaves it out.

    The fallbacks: Ozon's undelayed date, else the push's, else what the store last knew.
    """
    posting = ctx.client.postings.get(number, with_analytics_data=True)
    if posting.shipment_date is None:
        posting.shipment_date = posting.shipment_date_without_delay or pack_by or known
    return posting


def _announce(ctx: OrdersContext, posting: Posting, warehouse_id: int, report: IntakeReport) -> str:
    """The shipment notice to Infor for an accepted posting, and its shipment record."""
    number = posting.posting_number
    notice = _notice(ctx, posting, warehouse_id)
    name = ctx.infor.send(notice_name(number), notice)
    ctx.repo.record_document("out", "shipment_notice", name, posting_number=number, status="sent")
    ctx.repo.save_shipment(
        number, warehouse_id=warehouse_id, pack_by=posting.shipment_date, status="awaiting_packing"
    )
    # The stage moves last: a run killed before it leaves the posting `accepted`, and the next
    # run redoes the notice and its records; once `notified`, everything above is in place.
    ctx.repo.update_posting(number, stage="notified")
    report.add("notified")
    return "notified"


def _register(
    ctx: OrdersContext, posting: Posting, warehouse_id: int, book: StockBook, report: IntakeReport
) -> str:
    number = posting.posting_number
    base = _posting_row(posting, warehouse_id)
    items = [
        {
            "posting_number": number,
            "sku": int(p.sku),
            "offer_id": p.offer_id,
            "name": p.name,
            "quantity": int(p.quantity),
            "price": float(p.price or 0),
            "mark_required": int(p.sku) in posting.requirements.products_requiring_mandatory_mark,
        }
        for p in posting.products
    ]
    order = {
        "order_id": int(posting.order_id),
        "order_number": posting.order_number,
        "status": "open",
    }
    if posting.status == "cancelled":
        ctx.repo.save_posting(
            {
                **base,
                "stage": "cancelled",
                "cancel_reason": posting.cancellation.cancel_reason or "cancelled",
            },
            items,
            order=order,
        )
        report.add("already_cancelled")
        return "already_cancelled"
    kind, reason = _problems(posting, book, warehouse_id)
    if kind is not None:
        ctx.repo.save_posting(
            {**base, "stage": "exception", "exception": reason}, items, order=order
        )
        report.exceptions[number] = reason
        ctx.log(f"posting {number}: {reason}")
        rules = ctx.settings.orders
        action = rules.unknown_offer_action if kind == "unknown_offer" else rules.short_stock_action
        if action == "cancel":
            reason_id = (
                rules.unknown_offer_reason_id
                if kind == "unknown_offer"
                else rules.short_stock_reason_id
            )
            try:
                seller_cancel(ctx, number, reason_id, reason)
            except OzonError as exc:
                ctx.repo.update_posting(number, exception=f"{reason}; cancel refused: {exc}")
                report.add(f"{kind}_held")
                return f"{kind}_held"
            ctx.repo.update_posting(number, stage="cancelled", cancel_reason=f"by rule: {reason}")
            report.add(f"{kind}_cancelled")
            return f"{kind}_cancelled"
        report.add(f"{kind}_held")
        return f"{kind}_held"
    reservations = []
    units: Counter[str] = Counter()
    for product in posting.products:
        units[product.offer_id] += int(product.quantity)
    for offer_id, quantity in units.items():
        book.take(offer_id, warehouse_id, quantity)
        reservations.append(
            {
                "posting_number": number,
                "offer_id": offer_id,
                "warehouse_id": warehouse_id,
                "quantity": quantity,
                "status": posting.status,
            }
        )
    ctx.repo.save_posting(
        {**base, "stage": "accepted", "exception": None},
        items,
        order=order,
        reservations=reservations,
    )
    return "accepted"


class CancelRefusedError(OzonError):
    """The seller reason is not one Ozon allows for the posting now."""


def seller_cancel(ctx: OrdersContext, number: str, reason_id: int, message: str) -> str:
    """Cancel a posting on Ozon with a seller reason; returns the reason's title.

    Which reasons a seller may give depends on the posting's stage, so Ozon is asked first and a
    reason it does not offer is refused here, naming the ones it does. Our own records follow
    the cancellation separately (``posting_cancelled``).

    Raises:
        CancelRefusedError: the reason is not allowed for the posting now.
        OzonNotFoundError: Ozon does not know the posting.
        OzonError: Ozon refused the cancellation itself.
    """
    offered = ctx.client.postings.cancel_reasons_for([number]).get(number, [])
    allowed = {int(r.id): r.title for r in offered if r.is_available_for_cancellation is not False}
    if reason_id not in allowed:
        raise CancelRefusedError(
            f"reason {reason_id} is not allowed for this posting now "
            f"(allowed: {sorted(allowed) or 'none'})"
        )
    ctx.client.postings.cancel(number, reason_id, message)
    return allowed[reason_id] or f"reason {reason_id}"


def _posting_row(posting: Posting, warehouse_id: int) -> dict[str, object]:
    data = posting.analytics_data
    return {
        "posting_number": posting.posting_number,
        "order_id": int(posting.order_id),
        "parent_posting_number": posting.parent_posting_number or None,
        "status": posting.status,
        "warehouse_id": warehouse_id,
        "delivery_method_id": int(posting.delivery_method.id or warehouse_id),
        "delivery_method": posting.delivery_method.name,
        "in_process_at": posting.in_process_at,
        "shipment_date": posting.shipment_date,
        "delivery_date_begin": data.delivery_date_begin if data else None,
        "delivery_date_end": data.delivery_date_end if data else None,
        "recipient": _recipient(posting),
    }


def _notice(ctx: OrdersContext, posting: Posting, warehouse_id: int) -> ShipmentNotice:
    row = ctx.repo.posting(posting.posting_number) or {}
    items = ctx.repo.items(posting.posting_number)
    return ShipmentNotice(
        posting_number=posting.posting_number,
        order_id=int(posting.order_id),
        order_number=posting.order_number,
        warehouse_id=warehouse_id,
        infor_sites=ctx.sites(warehouse_id),
        delivery_method=posting.delivery_method.name,
        in_process_at=posting.in_process_at,
        pack_by=row.get("shipment_date") or posting.shipment_date,
        pack_by_local=ctx.local(row.get("shipment_date") or posting.shipment_date, warehouse_id),
        timezone=ctx.settings.warehouse_timezone(warehouse_id),
        delivery_date_begin=row.get("delivery_date_begin"),
        delivery_date_end=row.get("delivery_date_end"),
        recipient=row.get("recipient") or "",
        multibox=bool(posting.is_multibox),
        items=[
            NoticeItem(
                sku=i["sku"],
                offer_id=i["offer_id"],
                name=i["name"] or "",
                quantity=i["quantity"],
                mark_required=i["mark_required"],
            )
            for i in items
        ],
    )


def stop_picking(ctx: OrdersContext, number: str, cause: str, reasons: list[str]) -> None:
    """Tell Infor to stop work on a posting, and log it."""
    doc = StopPicking(posting_number=number, cause=cause, reasons=reasons, at=ctx.now())  # type: ignore[arg-type]
    name = ctx.infor.send(stop_name(number), doc)
    ctx.repo.record_document("out", "stop_picking", name, posting_number=number, status="sent")


def posting_cancelled(ctx: OrdersContext, number: str, reason: str, report: IntakeReport) -> str:
    """A cancellation by the buyer, Ozon or us: release the stock and stop Infor's picking."""
    known = ctx.repo.posting(number)
    if known is None:
        try:
            posting = ctx.client.postings.get(number)
        except OzonNotFoundError:
            report.add("unknown_posting")
            return "unknown_posting"
        warehouse_id = int(posting.delivery_method.warehouse_id)
        ctx.repo.save_posting(
            {**_posting_row(posting, warehouse_id), "stage": "cancelled", "cancel_reason": reason},
            [],
            order={
                "order_id": int(posting.order_id),
                "order_number": posting.order_number,
                "status": "open",
            },
        )
        report.add("cancelled_unseen")
        return "cancelled_unseen"
    if known["stage"] == "cancelled":
        report.add("duplicate")
        return "duplicate"
    notified = known["stage"] not in ("accepted", "exception")
    ctx.repo.update_posting(number, stage="cancelled", status="cancelled", cancel_reason=reason)
    ctx.repo.close_reservations([number], "cancelled")
    ctx.repo.save_shipment(
        number, warehouse_id=known["warehouse_id"], status="cancelled", reason=reason
    )
    if notified or known["stage"] == "accepted":
        stop_picking(ctx, number, "cancelled", [reason or "cancelled on Ozon"])
    _close_order_if_done(ctx, known["order_id"])
    report.add("cancelled")
    return "cancelled"


def state_changed(ctx: OrdersContext, number: str, new_state: str, report: IntakeReport) -> str:
    """Follow Ozon's state: handed over releases reservations, delivered closes the order."""
    known = ctx.repo.posting(number)
    status = STATUS_OF_STATE.get(new_state)
    if known is None or status is None:
        report.add("state_ignored")
        return "state_ignored"
    if status == "cancelled":
        return posting_cancelled(ctx, number, "cancelled on Ozon", report)
    values: dict[str, object] = {"status": status}
    if new_state in DELIVERED_STATES:
        values["stage"] = "delivered"
    elif status in ("delivering", "driver_pickup") and known["stage"] not in FINAL_STAGES:
        values["stage"] = "delivering"
    ctx.repo.update_posting(number, **values)
    if status in ("delivering", "driver_pickup", "delivered"):
        ctx.repo.close_reservations([number], "delivering")
    if values.get("stage") == "delivered":
        _close_order_if_done(ctx, known["order_id"])
    report.add(f"state_{status}")
    return f"state_{status}"


def dates_changed(
    ctx: OrdersContext,
    number: str,
    report: IntakeReport,
    *,
    cutoff: datetime | None = None,
    delivery_begin: datetime | None = None,
    delivery_end: datetime | None = None,
) -> str:
    """New pack-by or delivery dates; Infor gets the notice again while it is still picking."""
    known = ctx.repo.posting(number)
    if known is None:
        report.add("dates_ignored")
        return "dates_ignored"
    values: dict[str, object] = {}
    if cutoff is not None and known["stage"] in ("accepted", "notified", "exception", "refused"):
        values["shipment_date"] = cutoff
    if delivery_begin is not None:
        values["delivery_date_begin"] = delivery_begin
    if delivery_end is not None:
        values["delivery_date_end"] = delivery_end
    if not values:
        report.add("dates_ignored")
        return "dates_ignored"
    ctx.repo.update_posting(number, **values)
    if known["stage"] == "notified":
        posting = ctx.client.postings.get(number)
        notice = _notice(ctx, posting, known["warehouse_id"])
        ctx.infor.send(notice_name(number), notice)
        if "shipment_date" in values:
            ctx.repo.save_shipment(number, warehouse_id=known["warehouse_id"], pack_by=cutoff)
    report.add("dates_updated")
    return "dates_updated"


def _close_order_if_done(ctx: OrdersContext, order_id: int) -> None:
    """An order is closed once every posting of it is delivered or cancelled."""
    import sqlalchemy as sa

    from resources.store import tables as t

    with ctx.repo.engine.begin() as conn:
        stages = {
            s
            for (s,) in conn.execute(
                sa.select(t.postings.c.stage).where(t.postings.c.order_id == order_id)
            )
        }
        if stages and stages <= {"delivered", "cancelled"}:
            status = "closed" if "delivered" in stages else "cancelled"
            conn.execute(
                sa.update(t.orders)
                .where(t.orders.c.order_id == order_id)
                .values(status=status, updated_at=t.utcnow())
            )
