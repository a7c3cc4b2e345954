"""Chain 2: Infor's packing document → checked → marks → ship (one package per box) → labels.

A multibox posting (Ozon's ``is_multibox``: goods in several factory boxes) is the exception to
one package per box: Ozon gets the box count with the exemplars (``multi_box_qty`` of
``exemplar/set``, its FBS method that carries it) and one package with every unit.

A posting stops with a clear reason (to Infor as a stop-picking document, to staff in the
posting's ``exception``) when its document misses or adds items, gets a quantity wrong, carries a
bad marking code, or the posting was cancelled meanwhile; other postings proceed. The ship call
is recorded as requested before it is sent, so after a timeout or a crash the next run reads the
posting's state on Ozon instead of packing it a second time.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from novex_assets.orders.context import OrdersContext
from novex_assets.orders.intake import stop_picking
from resources.ozon.errors import (
    OzonError,
    OzonRateLimitedError,
    OzonServerError,
    OzonTransportError,
)
from resources.ozon.models.exemplars import (
    ExemplarData,
    ExemplarProductData,
    MarkValue,
    ValidateExemplar,
    ValidateProduct,
)
from resources.ozon.models.postings import Posting
from resources.sources.infor_documents import LabelManifest, PackingDocument

# After a ship request with no answer, Ozon has settled the posting well within this (Ozon) time.
SHIP_SETTLE_S = 120
SHIP_ATTEMPTS = 3
LABELS_PER_TASK = 20  # Ozon's maximum per label call
LABEL_RETRY_S = 15
LABEL_MAX_ATTEMPTS = 40  # about ten minutes of Ozon time saying "not ready"
PACKABLE = ("notified", "refused", "packing")
DONE = ("shipped", "labelled", "in_act", "delivering", "delivered", "closed")


@dataclass
class PackingReport:
    """What chain 2 did in a run, for the asset's metadata."""

    outcomes: Counter[str] = field(default_factory=Counter)
    refused: dict[str, str] = field(default_factory=dict)
    new_postings: int = 0

    def add(self, outcome: str, n: int = 1) -> None:
        """Count an outcome."""
        self.outcomes[outcome] += n


class Refusal(Exception):
    """The packing document cannot be used; the message is the reason given to Infor."""


def check_items(doc: PackingDocument, items: list[dict[str, object]]) -> list[str]:
    """Reasons the boxes do not match the posting (empty when all is packed, nothing extra)."""
    wanted = Counter({str(i["offer_id"]): int(i["quantity"]) for i in items})  # type: ignore[call-overload]
    packed: Counter[str] = Counter()
    for box in doc.boxes:
        for item in box.items:
            packed[item.offer_id] += item.quantity
    reasons = []
    for offer, units in sorted(wanted.items()):
        if packed[offer] == 0:
            reasons.append(f"missing item {offer} ({units} ordered)")
        elif packed[offer] != units:
            reasons.append(f"{offer}: packed {packed[offer]}, ordered {units}")
    for offer in sorted(set(packed) - set(wanted)):
        reasons.append(f"extra item {offer} ({packed[offer]}) not in the posting")
    if len({b.box_id for b in doc.boxes}) != len(doc.boxes):
        reasons.append("box ids repeat")
    return reasons


def check_marks(doc: PackingDocument, items: list[dict[str, object]]) -> list[str]:
    """Reasons the marking codes are wrong: one code per unit of marked goods, none repeated."""
    marked = {str(i["offer_id"]) for i in items if i["mark_required"]}
    reasons = []
    seen: Counter[str] = Counter()
    for box in doc.boxes:
        for item in box.items:
            if item.offer_id in marked and len(item.marks) != item.quantity:
                reasons.append(
                    f"{item.offer_id} in box {box.box_id}: {len(item.marks)} marking code(s) "
                    f"for {item.quantity} unit(s)"
                )
            seen.update(item.marks)
    reasons.extend(f"marking code repeated: {code}" for code, n in sorted(seen.items()) if n > 1)
    return reasons


def empty_boxes(doc: PackingDocument, multibox: bool) -> list[str]:
    """Reasons against boxes with no items: only a multibox posting's extra boxes may be empty."""
    if multibox:
        return []
    return [f"box {b.box_id} holds no items" for b in doc.boxes if not b.items]


def package_rows(
    doc: PackingDocument, items: list[dict[str, object]], multibox: bool
) -> list[dict[str, object]]:
    """The boxes to record: each its own package, or for a multibox posting one package.

    A multibox posting's units all go in the first row (the one package shipped); the other
    boxes are recorded empty, travelling with it.
    """
    if not multibox:
        return [
            {
                "box_no": n,
                "box_id": box.box_id,
                "items": [{**_line(items, i.offer_id), "quantity": i.quantity} for i in box.items],
            }
            for n, box in enumerate(doc.boxes, start=1)
        ]
    units: Counter[str] = Counter()
    for box in doc.boxes:
        for item in box.items:
            units[item.offer_id] += item.quantity
    every = [{**_line(items, offer), "quantity": n} for offer, n in units.items()]
    return [
        {"box_no": n, "box_id": box.box_id, "items": every if n == 1 else []}
        for n, box in enumerate(doc.boxes, start=1)
    ]


def _line(items: list[dict[str, object]], offer_id: str) -> dict[str, object]:
    line = next(i for i in items if i["offer_id"] == offer_id)
    return {k: line[k] for k in ("sku", "offer_id", "name", "price", "mark_required")}


def _refuse(ctx: OrdersContext, number: str, reasons: list[str], report: PackingReport) -> str:
    text = "; ".join(reasons)
    known = ctx.repo.posting(number)
    if known is not None and known["stage"] != "cancelled":
        ctx.repo.update_posting(number, stage="refused", exception=f"packing refused: {text}")
        ctx.repo.save_shipment(
            number, warehouse_id=known["warehouse_id"], status="refused", reason=text
        )
    stop_picking(ctx, number, "packing_refused", reasons)
    report.refused[number] = text
    report.add("refused")
    ctx.log(f"posting {number}: packing refused: {text}")
    return "refused"


def accept_packing(
    ctx: OrdersContext, doc: PackingDocument, doc_name: str, report: PackingReport
) -> str:
    """Check a packing document and start packing on Ozon; returns the outcome."""
    number = doc.posting_number
    known = ctx.repo.posting(number)
    if known is None:
        raise Refusal(f"posting {number} is unknown (no shipment notice was sent for it)")
    if known["stage"] in DONE:
        report.add("duplicate")
        return "duplicate"
    if known["stage"] == "cancelled":
        return _refuse(ctx, number, ["posting was cancelled; do not ship"], report)
    if known["stage"] not in PACKABLE:
        return _refuse(
            ctx, number, [f"posting is on hold: {known['exception'] or known['stage']}"], report
        )
    shipment = ctx.repo.shipment(number) or {}
    if shipment.get("status") in ("ship_requested", "marks_submitted"):
        report.add("in_progress")
        return "in_progress"
    items = ctx.repo.items(number)
    reasons = check_items(doc, items) + check_marks(doc, items)
    if reasons:
        return _refuse(ctx, number, reasons, report)
    posting = ctx.client.postings.get(number)
    if posting.status == "cancelled":
        from novex_assets.orders.intake import IntakeReport, posting_cancelled

        posting_cancelled(
            ctx, number, posting.cancellation.cancel_reason or "cancelled", IntakeReport()
        )
        return _refuse(ctx, number, ["posting was cancelled on Ozon; do not ship"], report)
    if posting.status != "awaiting_packaging":
        return _refuse(
            ctx, number, [f"posting is {posting.status} on Ozon, not awaiting packaging"], report
        )
    multibox = bool(posting.is_multibox)
    empty = empty_boxes(doc, multibox)
    if empty:
        return _refuse(ctx, number, empty, report)
    sku_of = {str(i["offer_id"]): int(i["sku"]) for i in items}  # type: ignore[call-overload]
    ctx.repo.save_boxes(number, package_rows(doc, items, multibox))
    ctx.repo.update_posting(number, stage="packing", exception=None)
    ctx.repo.save_shipment(
        number,
        warehouse_id=known["warehouse_id"],
        status="packing",
        packing_document=doc_name,
        reason=None,
    )
    marks = [
        (sku_of[i.offer_id], m)
        for b in doc.boxes
        for i in b.items
        for m in i.marks
        if any(x["offer_id"] == i.offer_id and x["mark_required"] for x in items)
    ]
    if multibox:
        report.add("multibox")
    if marks or multibox:
        try:
            _submit_exemplars(
                ctx, number, marks, multi_box_qty=len(doc.boxes) if multibox else None
            )
        except Refusal as exc:
            return _refuse(ctx, number, [str(exc)], report)
        ctx.repo.save_shipment(number, warehouse_id=known["warehouse_id"], status="marks_submitted")
        report.add("marks_submitted")
        return "marks_submitted"
    return ship(ctx, number, report)


def _submit_exemplars(
    ctx: OrdersContext,
    number: str,
    marks: list[tuple[int, str]],
    *,
    multi_box_qty: int | None = None,
) -> None:
    """Codes of marked units and a multibox posting's box count, through the exemplar flow.

    Either way the ship call waits for Ozon's check of the set (``continue_marks``).
    """
    exemplars = ctx.client.exemplars.create_or_get(number)
    by_sku: dict[int, list[str]] = {}
    for sku, mark in marks:
        by_sku.setdefault(sku, []).append(mark)
    products: list[ExemplarProductData] = []
    rows: list[dict[str, object]] = []
    for product in exemplars.products:
        codes = list(by_sku.get(int(product.product_id), []))
        data = []
        for exemplar in product.exemplars:
            code = codes.pop(0) if product.is_mandatory_mark_needed and codes else None
            data.append(
                ExemplarData(
                    exemplar_id=exemplar.exemplar_id, marks=[MarkValue(mark=code)] if code else []
                )
            )
            if code:
                rows.append(
                    {
                        "exemplar_id": int(exemplar.exemplar_id),
                        "sku": int(product.product_id),
                        "mark": code,
                        "status": "submitted",
                    }
                )
        products.append(ExemplarProductData(product_id=product.product_id, exemplars=data))
    to_check = [
        ValidateProduct(
            product_id=p.product_id,
            exemplars=[ValidateExemplar(marks=e.marks) for e in p.exemplars if e.marks],
        )
        for p in products
        if any(e.marks for e in p.exemplars)
    ]
    check = ctx.client.exemplars.validate(number, to_check) if to_check else None
    if check is not None and not check.valid:
        bad = [
            f"marking code {m.mark} is not valid: {', '.join(m.errors) or 'format'}"
            for prod in check.products
            for ex in prod.exemplars
            for m in ex.marks
            if m.valid is False or m.errors
        ]
        raise Refusal("; ".join(bad) or "marking codes are not valid")
    ctx.repo.save_marks(number, rows)
    ctx.client.exemplars.set(number, products, multi_box_qty=multi_box_qty)


def continue_marks(ctx: OrdersContext, report: PackingReport) -> None:
    """Postings whose codes Ozon was checking: ship the accepted, refuse the rejected."""
    for posting in ctx.repo.by_stage(["packing"]):
        number = posting["posting_number"]
        shipment = ctx.repo.shipment(number) or {}
        if shipment.get("status") != "marks_submitted":
            continue
        status = ctx.client.exemplars.status(number)
        if status.status in ("ship_available", "update_available"):
            ship(ctx, number, report)
        elif status.status == "validation_in_process":
            report.add("marks_checking")
        else:
            failed = [
                f"marking code {m.mark} refused by Ozon: {', '.join(m.error_codes)}"
                for m in status.failed_marks
            ]
            _refuse(
                ctx, number, failed or [f"marking codes not accepted ({status.status})"], report
            )


def ship(ctx: OrdersContext, number: str, report: PackingReport) -> str:
    """Pack on Ozon with one package per box, after recording that we asked."""
    boxes = ctx.repo.boxes(number)
    known = ctx.repo.posting(number) or {}
    ctx.repo.save_shipment(
        number,
        warehouse_id=known["warehouse_id"],
        status="ship_requested",
        # Ozon's clock: whether the request has settled is judged on Ozon's time.
        ship_requested_at=ctx.ozon_now(),
    )
    # A multibox posting's extra boxes are empty: they are no package of their own.
    packages = [
        {int(i["sku"]): int(i["quantity"]) for i in box["items"]} for box in boxes if box["items"]
    ]
    try:
        result = _ship_once(ctx, number, packages)
    except OzonTransportError as exc:
        # The request may have reached Ozon: the posting is read before anything else is sent.
        ctx.log(f"posting {number}: ship unconfirmed ({exc}); its state is read next")
        report.add("ship_unconfirmed")
        return "ship_unconfirmed"
    except (OzonServerError, OzonRateLimitedError) as exc:
        # Ozon answered and applied nothing; the next run tries again after reading the state.
        ctx.log(f"posting {number}: ship not accepted now ({exc}); retried next run")
        report.add("ship_unconfirmed")
        return "ship_unconfirmed"
    except OzonError as exc:
        message = exc.message
        if "POSTING_ALREADY_SHIPPED" in message:
            return resolve_ship(ctx, number, report)
        if "POSTING_ALREADY_CANCELLED" in message:
            from novex_assets.orders.intake import IntakeReport, posting_cancelled

            posting_cancelled(ctx, number, "cancelled on Ozon before packing", IntakeReport())
            return _refuse(ctx, number, ["posting was cancelled on Ozon; do not ship"], report)
        return _refuse(ctx, number, [f"Ozon refused packing: {message}"], report)
    return _shipped(ctx, number, result, report)


def _ship_once(ctx: OrdersContext, number: str, packages: list[dict[int, int]]) -> list[str]:
    """The ship call without the client's resend after a timeout (a resend would be blind).

    Replies that say Ozon applied nothing (429, 5xx) are retried here a few times; a timeout or
    a broken connection is not, because Ozon may have packed the posting.
    """
    client = ctx.client
    saved = client.max_attempts
    client.max_attempts = 1
    try:
        for attempt in range(SHIP_ATTEMPTS):
            try:
                return list(client.postings.ship(number, packages).result)
            except (OzonServerError, OzonRateLimitedError):
                if attempt + 1 == SHIP_ATTEMPTS:
                    raise
                time.sleep(min(2.0, 0.2 * 2**attempt))
        raise AssertionError("unreachable")
    finally:
        client.max_attempts = saved


def resolve_ship(ctx: OrdersContext, number: str, report: PackingReport) -> str:
    """A ship request without a confirmed answer: read the posting, then finish or repeat."""
    shipment = ctx.repo.shipment(number) or {}
    posting = ctx.client.postings.get(number, with_related_postings=True)
    if posting.status == "cancelled":
        from novex_assets.orders.intake import IntakeReport, posting_cancelled

        posting_cancelled(
            ctx, number, posting.cancellation.cancel_reason or "cancelled", IntakeReport()
        )
        return _refuse(ctx, number, ["posting was cancelled on Ozon; do not ship"], report)
    if posting.status == "awaiting_packaging":
        requested = shipment.get("ship_requested_at")
        if posting.substatus == "ship_failed" or (
            requested is not None and ctx.ozon_now() - requested >= timedelta(seconds=SHIP_SETTLE_S)
        ):
            return ship(ctx, number, report)
        report.add("ship_unconfirmed")
        return "ship_unconfirmed"
    numbers = [number, *_children(ctx, posting)]
    return _shipped(ctx, number, numbers, report)


def _children(ctx: OrdersContext, posting: Posting) -> list[str]:
    related = posting.related_postings.related_posting_numbers if posting.related_postings else []
    children = []
    for other in related:
        if ctx.client.postings.get(other).parent_posting_number == posting.posting_number:
            children.append(other)
    return children


def _shipped(ctx: OrdersContext, number: str, results: list[str], report: PackingReport) -> str:
    """Record the resulting postings (a split makes new ones) and ask for their labels."""
    parent = ctx.repo.posting(number) or {}
    boxes = ctx.repo.boxes(number)
    packed = [box for box in boxes if box["items"]]
    for box, result in zip(packed, results, strict=False):
        box["result_posting_number"] = result
    for box in boxes:
        if not box["items"] and results:
            box["result_posting_number"] = results[0]  # a multibox parcel's further box
    ctx.repo.save_boxes(number, boxes)
    now = ctx.now()
    for box in packed:
        result = str(box.get("result_posting_number") or "")
        if not result:
            continue
        box_items = [{**item, "posting_number": result} for item in box["items"]]
        units: Counter[str] = Counter()
        for item in box_items:
            units[str(item["offer_id"])] += int(item["quantity"])
        reservations = [
            {
                "posting_number": result,
                "offer_id": offer,
                "warehouse_id": parent["warehouse_id"],
                "quantity": quantity,
                "status": "awaiting_deliver",
            }
            for offer, quantity in units.items()
        ]
        if result != number and ctx.repo.posting(result) is None:
            report.new_postings += 1
        row = {k: v for k, v in parent.items() if k not in ("created_at", "updated_at")}
        row.update(
            posting_number=result,
            stage="shipped",
            status="awaiting_deliver",
            exception=None,
            parent_posting_number=None if result == number else number,
        )
        ctx.repo.replace_lines(row, box_items, reservations)
    # Ozon prints labels a little after packing, by its clock: the time is kept on its clock.
    delay = timedelta(seconds=ctx.settings.orders.label_delay_s)
    ctx.repo.want_labels(results, ctx.ozon_now() + delay)
    # Last: until the shipment says shipped, a run killed above is finished by the next one
    # (`resume_unconfirmed` reads the posting on Ozon and records it again, idempotently).
    ctx.repo.save_shipment(
        number, warehouse_id=parent["warehouse_id"], status="shipped", shipped_at=now
    )
    report.add("shipped")
    return "shipped"


def resume_unconfirmed(ctx: OrdersContext, report: PackingReport) -> None:
    """Ship requests a previous run left unanswered (timeout, crash): read the state first.

    By the shipment's status, whatever the posting's stage: a run killed while recording the
    result may already have moved the posting to ``shipped``.
    """
    for number in ctx.repo.shipments_with_status("ship_requested"):
        resolve_ship(ctx, number, report)


def fetch_labels(ctx: OrdersContext, report: PackingReport) -> None:
    """Labels of packed postings through Ozon's label tasks (≤ 20 postings each) to Infor.

    Postings whose time has come go into new tasks; tasks already asked for are read once per
    run (never waited on): a finished one is downloaded and sent to Infor as one PDF with a
    manifest of its postings in page order; postings Ozon could not print yet ("not ready") and
    failed tasks go back to the queue for a later run.
    """
    if not ctx.repo.label_status_counts().get("pending"):
        return  # nothing to ask for (and no need to learn Ozon's time)
    ozon_now = ctx.ozon_now()  # label times are on Ozon's clock (see ``_shipped``)
    retry_at = ozon_now + timedelta(seconds=LABEL_RETRY_S)
    due = ctx.repo.labels_due(ozon_now)
    tasks: dict[int, list[dict[str, object]]] = {}
    for row in due:
        if row["task_id"] is not None:
            tasks.setdefault(int(row["task_id"]), []).append(row)
    for task_id, rows in tasks.items():
        attempts = {str(r["posting_number"]): int(r["attempts"]) for r in rows}  # type: ignore[call-overload]
        _read_task(ctx, task_id, list(attempts), attempts, retry_at, report)
    fresh = [str(r["posting_number"]) for r in due if r["task_id"] is None]
    for start in range(0, len(fresh), LABELS_PER_TASK):
        chunk = fresh[start : start + LABELS_PER_TASK]
        try:
            refs = ctx.client.labels.create_task(chunk)
        except OzonError as exc:
            ctx.repo.label_result(chunk, status="pending", not_before=retry_at, error=str(exc))
            report.add("label_task_refused")
            continue
        big = next((r for r in refs if r.task_type == "big_label"), refs[0] if refs else None)
        if big is None:
            ctx.repo.label_result(chunk, status="pending", not_before=retry_at, error="no task")
            continue
        ctx.repo.label_task(chunk, int(big.task_id))
        report.add("label_tasks_created")


def _read_task(
    ctx: OrdersContext,
    task_id: int,
    numbers: list[str],
    attempts: dict[str, int],
    retry_at: datetime,
    report: PackingReport,
) -> None:
    try:
        task = ctx.client.labels.get_task(task_id)
    except OzonError as exc:
        ctx.repo.label_result(numbers, status="pending", not_before=retry_at, error=str(exc))
        report.add("label_retry")
        return
    if not task.finished:
        report.add("label_task_running")
        return
    unprinted = {u.posting_number: u.msg for u in task.unprinted_postings}
    printed = [n for n in numbers if n not in unprinted] if task.status == "completed" else []
    if printed:
        pdf = ctx.client.labels.download(task.file_url)
        name = ctx.infor.send_pdf(f"labels_{task_id}.pdf", pdf)
        manifest = ctx.infor.send(
            f"labels_{task_id}.json", LabelManifest(pdf=name, postings=printed)
        )
        ctx.repo.record_document("out", "labels", name, status="sent")
        ctx.repo.record_document("out", "label_manifest", manifest, status="sent")
        ctx.repo.label_result(printed, status="sent", document=name, error=None)
        for number in printed:
            known = ctx.repo.posting(number) or {}
            if known.get("stage") == "shipped":
                ctx.repo.update_posting(number, stage="labelled")
        report.add("labels_sent", len(printed))
    for number in [n for n in numbers if n not in printed]:
        reason = unprinted.get(number) or task.error or task.status
        known = ctx.repo.posting(number) or {}
        if known.get("stage") == "cancelled" or attempts.get(number, 0) >= LABEL_MAX_ATTEMPTS:
            ctx.repo.label_result([number], status="failed", error=reason)
            report.add("label_failed")
        else:
            ctx.repo.label_result([number], status="pending", not_before=retry_at, error=reason)
            report.add("label_not_ready")
