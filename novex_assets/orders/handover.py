"""Acts per warehouse at the cut-off, and returns polled from Ozon and received by Infor.

Acts: for each warehouse with packed postings not yet in an act, ask Ozon for the day's act; the
next run checks whether its documents are ready, sends the PDF and a manifest with the barcode
to Infor, and marks the postings that made it in. Postings Ozon left out are carried to the next
act. Returns: Ozon sends no push for them, so `/v1/returns/list` is read on a schedule; each
return is matched to our posting and announced to Infor, whose receipt closes it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from novex_assets.orders.context import OrdersContext
from resources.ozon.acts import ActRefusedError
from resources.ozon.errors import OzonError
from resources.sources.infor_documents import ActManifest, ExpectedReturn, ReturnReceipt

ACT_READY_STAGES = ("shipped", "labelled")


@dataclass
class HandoverReport:
    """What a handover or returns run did."""

    outcomes: Counter[str] = field(default_factory=Counter)
    refusals: dict[int, str] = field(default_factory=dict)
    cutoffs: dict[int, str] = field(default_factory=dict)

    def add(self, outcome: str, n: int = 1) -> None:
        """Count an outcome."""
        self.outcomes[outcome] += n


def create_acts(ctx: OrdersContext, report: HandoverReport) -> None:
    """One act per warehouse (= FBS delivery method) that has packed postings waiting.

    Ozon's day view of the method comes first: its cut-off (shown in the warehouse's zone) and a
    carriage already created for the day that we do not know yet (a run that died right after
    creating it), which is taken over instead of asking for a second one.
    """
    known_acts = {a["act_id"] for a in ctx.repo.acts()}
    open_acts = {a["warehouse_id"] for a in ctx.repo.acts(["forming"])}
    for warehouse in sorted({w.ozon_warehouse_id for w in ctx.settings.warehouses}):
        waiting = [p for p in ctx.repo.by_stage(ACT_READY_STAGES, warehouse) if not p["act_id"]]
        if not waiting or warehouse in open_acts:
            continue
        method = next(iter(ctx.client.carriages.delivery_list(delivery_method_id=warehouse)), None)
        if method is not None and method.cutoff_at:
            cutoff = datetime.fromisoformat(method.cutoff_at.replace("Z", "+00:00"))
            report.cutoffs[warehouse] = ctx.local(cutoff, warehouse)
        existing = method.existing_carriage_id if method is not None else None
        if existing and existing not in known_acts:
            act_id = int(existing)
            report.add("act_taken_over")
        else:
            try:
                act_id = ctx.client.acts.create(warehouse)
            except ActRefusedError as exc:
                report.refusals[warehouse] = exc.reason
                report.add(f"act_refused_{exc.reason}")
                ctx.log(f"warehouse {warehouse}: Ozon refused the act ({exc.reason})")
                continue
            report.add("act_created")
        ctx.repo.save_act(
            act_id,
            warehouse_id=warehouse,
            delivery_method_id=warehouse,
            status="forming",
            postings=[],
            carried_over=[],
        )


def finish_acts(ctx: OrdersContext, report: HandoverReport) -> None:
    """Acts whose documents are ready: PDF and manifest to Infor, postings marked in the act."""
    for act in ctx.repo.acts(["forming"]):
        act_id = act["act_id"]
        status = ctx.client.acts.check_status(act_id)
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
    """Returns changed within the look-back, stored, matched and announced to Infor once."""
    now = ctx.now()
    since = now - timedelta(days=ctx.settings.orders.returns_lookback_days)
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
