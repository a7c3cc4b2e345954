"""Marking codes (Честный ЗНАК) per unit: exemplar create-or-get, validate, set and status.

``set`` is asynchronous as on Ozon: codes go to ``validation_in_process`` and a tick settles them
``exemplar_check_seconds`` of sandbox time later into ``ship_available`` or
``ship_not_available``, with a ``check_status`` and ``error_codes`` per code.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import Field
from starlette.responses import JSONResponse

from ozon_sandbox.api.common import Int64, OzonRequest
from ozon_sandbox.api.postings import invalid, json_reply, posting_or_404
from ozon_sandbox.errors import OzonApiError
from ozon_sandbox.postings.marks import (
    MARK_DUPLICATED,
    MARK_REDUNDANT,
    MARK_REQUIRED,
    check_mark,
)
from ozon_sandbox.postings.model import (
    AWAITING_DELIVER,
    AWAITING_PACKAGING,
    Exemplar,
    Mark,
    Posting,
    postings_state,
)
from ozon_sandbox.registry import MethodContext, on_tick, ozon_method

WRONG_STATUS = "Posting must have 'awaiting_packaging' status"


def _require_packaging(posting: Posting) -> None:
    if posting.status != AWAITING_PACKAGING:
        raise OzonApiError(400, 3, WRONG_STATUS)


class PostingNumberRequest(OzonRequest):
    """A body naming one posting."""

    posting_number: str = Field(min_length=1)


def ensure_exemplars(ctx: MethodContext, posting: Posting) -> None:
    """Give every unit of the posting an exemplar id (Ozon creates them on first request)."""
    domain = postings_state(ctx.state)
    for product in posting.products:
        have = sum(1 for e in posting.exemplars if e.sku == product.sku)
        for _ in range(product.quantity - have):
            posting.exemplars.append(Exemplar(exemplar_id=domain.next_exemplar_id, sku=product.sku))
            domain.next_exemplar_id += 1


def _exemplar_body(exemplar: Exemplar) -> dict[str, Any]:
    body: dict[str, Any] = {
        "exemplar_id": exemplar.exemplar_id,
        "gtd": exemplar.gtd,
        "is_gtd_absent": exemplar.is_gtd_absent,
        "is_rnpt_absent": exemplar.is_rnpt_absent,
        "marks": [{"mark": m.mark, "mark_type": m.mark_type} for m in exemplar.marks],
        "rnpt": exemplar.rnpt,
    }
    if exemplar.weight is not None:
        body["weight"] = exemplar.weight
    return body


@ozon_method("/v6/fbs/posting/product/exemplar/create-or-get", request_model=PostingNumberRequest)
def create_or_get(ctx: MethodContext, request: PostingNumberRequest) -> JSONResponse:
    """Exemplar ids (one per unit) and what each product needs before packing."""
    posting = posting_or_404(ctx, request.posting_number)
    if posting.status not in (AWAITING_PACKAGING, AWAITING_DELIVER):
        raise OzonApiError(400, 3, WRONG_STATUS)
    ensure_exemplars(ctx, posting)
    products = []
    for product in posting.products:
        products.append(
            {
                "exemplars": [_exemplar_body(e) for e in posting.exemplars if e.sku == product.sku],
                "has_imei": False,
                "is_gtd_needed": False,
                "is_jw_uin_needed": False,
                "is_mandatory_mark_needed": product.mandatory_mark,
                "is_mandatory_mark_possible": product.mandatory_mark,
                "is_rnpt_needed": False,
                "is_weight_needed": False,
                "product_id": product.sku,
                "quantity": product.quantity,
                "weight_max": 0.0,
                "weight_min": 0.0,
            }
        )
    return json_reply(
        {
            "multi_box_qty": posting.multi_box_qty,
            "posting_number": posting.posting_number,
            "products": products,
        }
    )


# ---------------------------------------------------------------- validate


class MarkIn(OzonRequest):
    """One code of an exemplar."""

    mark: str = ""
    mark_type: str = "mandatory_mark"


class ValidateExemplar(OzonRequest):
    """An exemplar to pre-check."""

    gtd: str = ""
    marks: list[MarkIn] = Field(default_factory=list)
    rnpt: str = ""
    weight: float | None = None


class ValidateProduct(OzonRequest):
    """A product (``product_id`` = SKU) with its exemplars."""

    product_id: Int64
    exemplars: list[ValidateExemplar]


class ValidateRequest(OzonRequest):
    """Body of ``/v5/fbs/posting/product/exemplar/validate``."""

    posting_number: str = Field(min_length=1)
    products: list[ValidateProduct]


def _exemplar_errors(marked: bool, marks: list[MarkIn]) -> list[str]:
    has_mark = any(m.mark_type == "mandatory_mark" and m.mark for m in marks)
    if marked and not has_mark:
        return [MARK_REQUIRED]
    if not marked and has_mark:
        return [MARK_REDUNDANT]
    return []


@ozon_method("/v5/fbs/posting/product/exemplar/validate", request_model=ValidateRequest)
def validate(ctx: MethodContext, request: ValidateRequest) -> JSONResponse:
    """Format check of codes (no state change): per mark, exemplar and product ``valid``."""
    posting = posting_or_404(ctx, request.posting_number)
    products = []
    for product in request.products:
        line = posting.product(product.product_id)
        exemplars = []
        for exemplar in product.exemplars:
            marks = []
            for mark in exemplar.marks:
                errors = check_mark(mark.mark, mark.mark_type)
                marks.append(
                    {
                        "errors": errors,
                        "mark": mark.mark,
                        "mark_type": mark.mark_type,
                        "valid": not errors,
                    }
                )
            errors = _exemplar_errors(bool(line and line.mandatory_mark), exemplar.marks)
            body: dict[str, Any] = {
                "errors": errors,
                "gtd": exemplar.gtd,
                "marks": marks,
                "rnpt": exemplar.rnpt,
                "valid": not errors and all(m["valid"] for m in marks),
            }
            if exemplar.weight is not None:
                body["weight"] = exemplar.weight
            exemplars.append(body)
        error = "" if line is not None else "UNKNOWN_PRODUCT_DEFINED"
        products.append(
            {
                "error": error,
                "exemplars": exemplars,
                "product_id": product.product_id,
                "valid": not error and all(e["valid"] for e in exemplars),
            }
        )
    return json_reply({"products": products})


# ---------------------------------------------------------------- set


class SetExemplar(OzonRequest):
    """An exemplar's data to save."""

    exemplar_id: Int64
    gtd: str = ""
    is_gtd_absent: bool = False
    is_rnpt_absent: bool = False
    marks: list[MarkIn] = Field(default_factory=list)
    rnpt: str = ""
    weight: float | None = None


class SetProduct(OzonRequest):
    """A product (``product_id`` = SKU) with all its exemplars."""

    product_id: Int64
    exemplars: list[SetExemplar]


class SetRequest(OzonRequest):
    """Body of ``/v6/fbs/posting/product/exemplar/set``: the complete set for the posting."""

    posting_number: str = Field(min_length=1)
    multi_box_qty: int = Field(0, ge=0)
    products: list[SetProduct]


@ozon_method("/v6/fbs/posting/product/exemplar/set", request_model=SetRequest)
def set_exemplars(ctx: MethodContext, request: SetRequest) -> JSONResponse:
    """Save exemplar data and start the Честный ЗНАК check (HTTP 200 = task accepted)."""
    posting = posting_or_404(ctx, request.posting_number)
    _require_packaging(posting)
    ensure_exemplars(ctx, posting)
    by_id = {e.exemplar_id: e for e in posting.exemplars}
    updates: list[tuple[Exemplar, SetExemplar]] = []
    for product in request.products:
        if posting.product(product.product_id) is None:
            raise invalid(
                "UNKNOWN_PRODUCT_DEFINED", f"product_id {product.product_id} is not in the posting"
            )
        for item in product.exemplars:
            exemplar = by_id.get(item.exemplar_id)
            if exemplar is None or exemplar.sku != product.product_id:
                raise OzonApiError(
                    400,
                    3,
                    f"EXEMPLAR_ID {item.exemplar_id} does not belong to product "
                    f"{product.product_id}",
                )
            updates.append((exemplar, item))
    sent = {exemplar.exemplar_id for exemplar, _ in updates}
    for exemplar in posting.exemplars:
        if exemplar.exemplar_id not in sent:
            # The set is always complete: exemplars left out lose their data.
            exemplar.marks = []
    for exemplar, item in updates:
        exemplar.marks = [Mark(mark=m.mark, mark_type=m.mark_type) for m in item.marks]
        exemplar.gtd = item.gtd
        exemplar.is_gtd_absent = item.is_gtd_absent
        exemplar.rnpt = item.rnpt
        exemplar.is_rnpt_absent = item.is_rnpt_absent
        exemplar.weight = item.weight
    if request.multi_box_qty:
        posting.multi_box_qty = request.multi_box_qty
    delay = postings_state(ctx.state).settings.exemplar_check_seconds
    posting.exemplars_status = "validation_in_process"
    posting.exemplars_ready_at = ctx.now_dt + timedelta(seconds=delay)
    settle_exemplars(ctx)
    return json_reply({})


def _used_elsewhere(ctx: MethodContext, posting: Posting) -> set[str]:
    used: set[str] = set()
    for other in postings_state(ctx.state).postings.values():
        if other.order_number == posting.order_number or other.status == "cancelled":
            continue
        for exemplar in other.exemplars:
            used.update(m.mark for m in exemplar.marks if m.check_status == "passed")
    return used


def _settle(ctx: MethodContext, posting: Posting) -> None:
    used = _used_elsewhere(ctx, posting)
    seen: set[str] = set()
    for exemplar in posting.exemplars:
        for mark in exemplar.marks:
            errors = check_mark(mark.mark, mark.mark_type)
            if not errors and (mark.mark in seen or mark.mark in used):
                errors = [MARK_DUPLICATED]
            seen.add(mark.mark)
            mark.check_status = "failed" if errors else "passed"
            mark.error_codes = errors
    ok = True
    for product in posting.products:
        exemplars = [e for e in posting.exemplars if e.sku == product.sku]
        for exemplar in exemplars:
            codes = [m for m in exemplar.marks if m.mark_type == "mandatory_mark"]
            if product.mandatory_mark and not (
                len(codes) == 1 and codes[0].check_status == "passed"
            ):
                ok = False
            if not product.mandatory_mark and codes:
                ok = False
            if any(m.check_status == "failed" for m in exemplar.marks):
                ok = False
        if len(exemplars) != product.quantity:
            ok = False
    posting.exemplars_status = "ship_available" if ok else "ship_not_available"


@on_tick
def settle_exemplars(ctx: MethodContext) -> None:
    """Finish the Честный ЗНАК checks whose time has come."""
    for posting in postings_state(ctx.state).postings.values():
        if (
            posting.exemplars_status == "validation_in_process"
            and posting.exemplars_ready_at is not None
            and posting.exemplars_ready_at <= ctx.now_dt
        ):
            _settle(ctx, posting)


# ---------------------------------------------------------------- status


@ozon_method("/v5/fbs/posting/product/exemplar/status", request_model=PostingNumberRequest)
def exemplar_status(ctx: MethodContext, request: PostingNumberRequest) -> JSONResponse:
    """Check results per code and whether the posting can be packed."""
    posting = posting_or_404(ctx, request.posting_number)
    status = posting.exemplars_status
    if status is None:
        status = "ship_not_available" if posting.requiring_mandatory_mark else "ship_available"
    if posting.status != AWAITING_PACKAGING and status == "ship_available":
        status = (
            "update_available" if posting.status == AWAITING_DELIVER else "update_not_available"
        )
    products = []
    for product in posting.products:
        exemplars = []
        for e in posting.exemplars:
            if e.sku != product.sku:
                continue
            body: dict[str, Any] = {
                "exemplar_id": e.exemplar_id,
                "gtd": e.gtd,
                "gtd_check_status": "passed" if e.gtd else "",
                "gtd_error_codes": [],
                "is_gtd_absent": e.is_gtd_absent,
                "is_rnpt_absent": e.is_rnpt_absent,
                "marks": [
                    {
                        "check_status": m.check_status,
                        "error_codes": m.error_codes,
                        "mark": m.mark,
                        "mark_type": m.mark_type,
                    }
                    for m in e.marks
                ],
                "rnpt": e.rnpt,
                "rnpt_check_status": "passed" if e.rnpt else "",
                "rnpt_error_codes": [],
                "weight_check_status": "",
                "weight_error_codes": [],
            }
            if e.weight is not None:
                body["weight"] = e.weight
            exemplars.append(body)
        products.append({"exemplars": exemplars, "product_id": product.sku})
    return json_reply(
        {"posting_number": posting.posting_number, "products": products, "status": status}
    )
