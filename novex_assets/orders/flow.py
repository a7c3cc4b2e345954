"""One batch of order work: inbox messages (chain 1 and events) and Infor's inbound documents.

Each message and each document is handled on its own: one that fails is marked failed with the
reason (the inbox offers it again a few times; a document goes to Infor's failed archive) and
the rest of the batch proceeds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from novex_assets.orders.context import OrdersContext
from novex_assets.orders.handover import receive_return
from novex_assets.orders.intake import (
    IntakeReport,
    accept_new_posting,
    dates_changed,
    posting_cancelled,
    state_changed,
)
from novex_assets.orders.packing import (
    PackingReport,
    Refusal,
    accept_packing,
    continue_marks,
    resume_unconfirmed,
)
from novex_assets.orders.stockbook import StockBook
from resources.ozon.models.push import (
    CutoffDateChangedPush,
    DeliveryDateChangedPush,
    NewPostingPush,
    PostingCancelledPush,
    StateChangedPush,
)
from resources.ozon.push import parse_push
from resources.sources.infor_documents import Allocation, PackingDocument, ReturnReceipt


def handle_message(
    ctx: OrdersContext, parsed: Any, book: Callable[[], StockBook], report: IntakeReport
) -> str:
    """Dispatch one parsed push (or polled change) to its handler."""
    if isinstance(parsed, NewPostingPush):
        return accept_new_posting(
            ctx, parsed.posting_number, book(), report, pack_by=parsed.shipment_date
        )
    if isinstance(parsed, PostingCancelledPush):
        reason = parsed.reason.message or f"cancelled (reason {parsed.reason.id})"
        return posting_cancelled(ctx, parsed.posting_number, reason, report)
    if isinstance(parsed, StateChangedPush):
        return state_changed(ctx, parsed.posting_number, parsed.new_state, report)
    if isinstance(parsed, CutoffDateChangedPush):
        return dates_changed(ctx, parsed.posting_number, report, cutoff=parsed.new_cutoff_date)
    if isinstance(parsed, DeliveryDateChangedPush):
        return dates_changed(
            ctx,
            parsed.posting_number,
            report,
            delivery_begin=parsed.new_delivery_date_begin,
            delivery_end=parsed.new_delivery_date_end,
        )
    report.add("ignored_type")
    return "ignored_type"


def handle_messages(
    ctx: OrdersContext, messages: Sequence[Any], inbox: Any, book: Callable[[], StockBook]
) -> IntakeReport:
    """Every message of the batch, idempotently per posting; marks each processed or failed."""
    report = IntakeReport()
    for message in messages:
        parsed = message.parsed if message.parsed is not None else parse_push(message.payload)
        try:
            handle_message(ctx, parsed, book, report)
        except Exception as exc:  # one bad message must not stop the batch
            inbox.mark_failed(message.id, f"{type(exc).__name__}: {exc}")
            report.add("failed")
            ctx.log(f"inbox message {message.id} ({message.message_type}) failed: {exc}")
            continue
        inbox.mark_processed([message.id])
    return report


def handle_infor_documents(ctx: OrdersContext, report: PackingReport) -> None:
    """Infor's inbound documents in drop order, each archived once handled."""
    for ref in ctx.infor.pending():
        done = ctx.repo.document("in", ref.name)
        if done is not None and done["status"] in ("processed", "failed"):
            ctx.infor.archive(ref, failed=done["error"] if done["status"] == "failed" else None)
            continue
        received = ctx.infor.read(ref)
        doc = received.document
        if doc is None:
            _failed(ctx, ref, "unreadable", None, received.error or "unreadable", report)
            continue
        number = getattr(doc, "posting_number", None)
        try:
            if isinstance(doc, Allocation):
                ctx.repo.set_allocated(doc.posting_numbers, doc.allocated_at)
                report.add("allocations")
            elif isinstance(doc, PackingDocument):
                accept_packing(ctx, doc, ref.name, report)
            elif isinstance(doc, ReturnReceipt):
                receive_return(ctx, doc)
                report.add("return_receipts")
        except (Refusal, ValueError) as exc:
            _failed(ctx, ref, doc.type, number, str(exc), report)
            continue
        ctx.repo.record_document(
            "in", doc.type, ref.name, posting_number=number, status="processed"
        )
        ctx.infor.archive(ref)
    continue_marks(ctx, report)
    resume_unconfirmed(ctx, report)


def _failed(
    ctx: OrdersContext, ref: Any, kind: str, number: str | None, error: str, report: PackingReport
) -> None:
    ctx.repo.record_document(
        "in", kind, ref.name, posting_number=number, status="failed", error=error
    )
    ctx.infor.archive(ref, failed=error)
    report.add("documents_failed")
    ctx.log(f"Infor document {ref.name} failed: {error}")
