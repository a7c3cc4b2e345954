"""Acts per delivery method at Ozon's cut-off, and returns polled from Ozon and received by Infor.

Acts: Ozon's day view of the delivery methods gives each method's warehouse and cut-off; once the
cut-off (on Ozon's clock) is within the lead time, the method with packed postings gets its act,
the run waits for the documents, and the PDF and a manifest with the barcode go to Infor. A staff
run asks for acts at once. Postings Ozon left out, or packed after the act, go with the next one.
Returns: Ozon sends no push for them, so `/v1/returns/list` is read on a schedule; each return is
matched to our posting and announced to Infor, whose receipt closes it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from novex_assets.orders.context import OrdersContext
from resources.ozon.acts import ActFailedError, ActRefusedError
from resources.ozon.errors import OzonError
from resources.ozon.models.acts import ActStatus
from resources.ozon.polling import OzonPollTimeoutError
from resources.sources.infor_documents import ActManifest, ExpectedReturn, ReturnReceipt

ACT_READY_STAGES = ("shipped", "labelled")
# Our acts that count as the method's act of the day (a failed one is asked for again).
LIVE_ACT_STATUSES = ("forming", "sent")


@dataclass
class HandoverReport:
    """What a handover or returns run did."""

    outcomes: Counter[str] = field(default_factory=Counter)
    # Delivery method id → Ozon's refusal code.
    refusals: dict[str, str] = field(default_factory=dict)
    # Delivery method id → its warehouse, cut-off, waiting postings and what the run decided.
    methods: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Returns: changes read since this moment (Ozon's clock).
    returns_since: datetime | None = None

    def add(self, outcome: str, n: int = 1) -> None:
        """Count an outcome."""
        self.outcomes[outcome] += n


def create_acts(
    ctx: OrdersContext,
    report: HandoverReport,
    *,
    on_demand: bool = False,
    warehouse_ids: Collection[int] = (),
) -> list[int]:
    """Ask Ozon for the acts that are due; returns their ids.

    An act per delivery method (each of a warehouse) with packed postings not yet in an act, once
    Ozon's cut-off for the method is ``act_lead_minutes`` away or less (on Ozon's clock), or
    later that day if no run came in time; on demand at once. One act per method and day: what
    is packed after it goes with the next day's. A carriage of the day we do not know (a run died
    right after creating it) is taken over instead of asking for a second one.
    """
    ours = {w.ozon_warehouse_id for w in ctx.settings.warehouses}
    if warehouse_ids:
        ours &= set(warehouse_ids)
    waiting: dict[int, list[dict[str, Any]]] = {}
    for row in ctx.repo.by_stage(ACT_READY_STAGES):
        if not row["act_id"] and row["warehouse_id"] in ours:
            waiting.setdefault(int(row["delivery_method_id"]), []).append(row)
    if not waiting:
        return []
    acts = {a["act_id"]: a for a in ctx.repo.acts()}
    forming = {a["delivery_method_id"] for a in acts.values() if a["status"] == "forming"}
    lead = timedelta(minutes=ctx.settings.orders.act_lead_minutes)
    created: list[int] = []
    for method in ctx.client.carriages.delivery_list():
        rows = waiting.pop(method.delivery_method_id, [])
        if not rows:
            continue
        method_id = method.delivery_method_id
        warehouse = int(rows[0]["warehouse_id"])
        cutoff = method.cutoff
        info: dict[str, Any] = {
            "warehouse_id": warehouse,
            "name": method.delivery_method_name,
            "cutoff": ctx.local(cutoff, warehouse),
            "postings_waiting": len(rows),
        }
        report.methods[str(method_id)] = info
        if method_id in forming:
            info["decision"] = "the act is still forming"
            report.add("act_still_forming")
            continue
        orphan = next((c.id for c in method.carriages if c.id and c.id not in acts), None)
        if orphan is not None:
            act_id = int(orphan)
            info["decision"] = f"carriage {act_id} taken over"
            report.add("act_taken_over")
        else:
            if not on_demand:
                today = [
                    c.id
                    for c in method.carriages
                    if c.id in acts and acts[c.id]["status"] in LIVE_ACT_STATUSES
                ]
                if today:
                    info["decision"] = "today's act is sent; these go with the next day's"
                    report.add("act_sent_today")
                    continue
                if cutoff is None:
                    info["decision"] = "Ozon reports no cut-off: on demand only"
                    report.add("act_no_cutoff")
                    continue
                opens = cutoff - lead
                if ctx.ozon_now() < opens:
                    info["decision"] = f"act due from {ctx.local(opens, warehouse)}"
                    report.add("act_not_due")
                    continue
            try:
                act_id = ctx.client.acts.create(method_id)
            except ActRefusedError as exc:
                report.refusals[str(method_id)] = exc.reason
                info["decision"] = f"Ozon refused the act: {exc.reason}"
                report.add(f"act_refused_{exc.reason}")
                ctx.log(f"delivery method {method_id}: Ozon refused the act ({exc.reason})")
                continue
            info["decision"] = "act created on demand" if on_demand else "act created"
            report.add("act_created")
        ctx.repo.save_act(
            act_id,
            warehouse_id=warehouse,
            delivery_method_id=method_id,
            status="forming",
            postings=[],
            carried_over=[],
        )
        created.append(act_id)
    for method_id, rows in waiting.items():
        report.methods[str(method_id)] = {
            "warehouse_id": int(rows[0]["warehouse_id"]),
            "postings_waiting": len(rows),
            "decision": "not in Ozon's delivery list for today",
        }
        report.add("method_not_listed")
    return created


def _status(ctx: OrdersContext, act_id: int, wait_s: float) -> ActStatus:
    """The act's status now, or once its documents are ready (waiting up to ``wait_s``)."""
    if wait_s <= 0:
        return ctx.client.acts.check_status(act_id)
    try:
        return ctx.client.acts.wait_until_ready(act_id, timeout_s=wait_s)
    except OzonPollTimeoutError as exc:
        return exc.last if isinstance(exc.last, ActStatus) else ctx.client.acts.check_status(act_id)
    except ActFailedError:
        return ctx.client.acts.check_status(act_id)


def finish_acts(
    ctx: OrdersContext,
    report: HandoverReport,
    act_ids: Collection[int] | None = None,
    *,
    wait_s: float = 0.0,
) -> None:
    """Acts whose documents are ready: PDF and manifest to Infor, postings marked in the act.

    Every forming act, or only ``act_ids``; ``wait_s`` (Ozon seconds) waits for the documents
    of each, so an act created this run reaches Infor in the same run.
    """
    for act in ctx.repo.acts(["forming"]):
        act_id = act["act_id"]
        if act_ids is not None and act_id not in act_ids:
            continue
        status = _status(ctx, act_id, wait_s)
        if status.status == "in_process":
            report.add("act_forming")
            continue
        if not status.is_ready:
            ctx.repo.save_act(act_id, status=f"failed:{status.status}")
            report.add("act_failed")
            continue
        pdf = ctx.client.acts.get_pdf(act_id)
        barcode = ctx.client.acts.get_barcode_text(act_id)
        pdf_name = ctx.infor.send_pdf(f"act_{act_id}.pdf", pdf)
        carried = list(status.removed_from_act)
        manifest = ActManifest(
            act_id=act_id,
            warehouse_id=act["warehouse_id"],
            delivery_method_id=act["delivery_method_id"],
            barcode=barcode,
            pdf=pdf_name,
            postings=sorted(status.added_to_act),
            carried_over=sorted(carried),
        )
        name = ctx.infor.send(f"act_{act_id}.json", manifest)
        ctx.repo.record_document("out", "act", pdf_name, status="sent")
        ctx.repo.record_document("out", "act_manifest", name, status="sent")
        for number in status.added_to_act:
            known = ctx.repo.posting(number)
            if known is not None and known["stage"] in ACT_READY_STAGES:
                ctx.repo.update_posting(number, stage="in_act", act_id=act_id)
        ctx.repo.save_act(
            act_id,
            status="sent",
            postings=sorted(status.added_to_act),
            carried_over=sorted(carried),
            barcode=barcode,
            document=pdf_name,
        )
        report.add("act_sent")
        report.add("postings_in_acts", len(status.added_to_act))
        report.add("postings_carried_over", len(carried))


def poll_returns(ctx: OrdersContext, report: HandoverReport) -> None:
    """Returns changed within the look-back, stored, matched and announced to Infor once.

    The look-back is counted back from Ozon's now (its change moments are on its clock).
    """
    now = ctx.now()
    since = ctx.ozon_now() - timedelta(days=ctx.settings.orders.returns_lookback_days)
    report.returns_since = since
    for item in ctx.client.returns.list(
        visual_status_change_moment=(since, None), return_schema="FBS"
    ):
        number = item.posting_number
        known = ctx.repo.posting(number)
        product = item.product
        existing = ctx.repo.get_return(int(item.id))
        # Closed by Infor's receipt, not by Ozon's status alone.
        status = existing["status"] if existing else "expected"
        new = ctx.repo.save_return(
            int(item.id),
            posting_number=number,
            order_id=int(item.order_id) or None,
            matched=known is not None,
            sku=int(product.sku) if product else None,
            offer_id=product.offer_id if product else None,
            quantity=int(product.quantity) if product else 0,
            return_type=item.type,
            reason=item.return_reason_name,
            ozon_status=item.status,
            status=status,
        )
        report.add("returns_seen")
        if new:
            report.add("returns_new")
            doc = ExpectedReturn(
                return_id=int(item.id),
                posting_number=number,
                offer_id=product.offer_id if product else "",
                sku=int(product.sku) if product else 0,
                quantity=int(product.quantity) if product else 0,
                reason=item.return_reason_name,
                status=item.status,
            )
            name = ctx.infor.send(f"return_{item.id}.json", doc)
            ctx.repo.record_document(
                "out", "expected_return", name, posting_number=number, status="sent"
            )
            ctx.repo.save_return(int(item.id), notified_at=now)
            if known is None:
                report.add("returns_unmatched")


def receive_return(ctx: OrdersContext, receipt: ReturnReceipt) -> str:
    """Infor's receipt closes the return (its stock comes back with the next snapshot)."""
    known = ctx.repo.get_return(receipt.return_id)
    if known is None:
        raise ValueError(f"return {receipt.return_id} is unknown")
    if known["status"] == "received":
        return "duplicate"
    ctx.repo.save_return(receipt.return_id, status="received", received_at=receipt.received_at)
    return "received"


__all__ = ["OzonError", "create_acts", "finish_acts", "poll_returns", "receive_return"]
