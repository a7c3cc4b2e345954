"""Seller cancellation of FBS postings: reasons, whole-posting and per-item cancel.

Reason ids are Ozon's documented seller reasons (API-NOTES §8). Which ones a posting accepts
depends on its stage: before handover the stock reasons and "other"; once delivering, the
delivery-service reasons.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from ozon_sandbox.api.common import Int64, OzonRequest
from ozon_sandbox.api.postings import invalid, json_reply, posting_or_404
from ozon_sandbox.postings.model import (
    AWAITING_DELIVER,
    AWAITING_PACKAGING,
    CANCELLED,
    DELIVERING,
    Cancellation,
    Posting,
    change_stock,
    set_status,
)
from ozon_sandbox.registry import MethodContext, ozon_method

REASON_OTHER = 402


class Reason(BaseModel):
    """One cancellation reason."""

    id: int
    title: str
    type_id: str
    is_available_for_cancellation: bool


REASONS: tuple[Reason, ...] = (
    Reason(id=352, title="Товар закончился на складе продавца", type_id="seller",
           is_available_for_cancellation=True),
    Reason(id=400, title="Остался только бракованный товар", type_id="seller",
           is_available_for_cancellation=True),
    Reason(id=401, title="Продавец отклонил арбитраж", type_id="seller",
           is_available_for_cancellation=False),
    Reason(id=402, title="Другое (вина продавца)", type_id="seller",
           is_available_for_cancellation=True),
    Reason(id=665, title="Покупатель не забрал заказ", type_id="seller",
           is_available_for_cancellation=False),
    Reason(id=666, title="Возврат из службы доставки: нет доставки в указанный регион",
           type_id="seller", is_available_for_cancellation=False),
    Reason(id=667, title="Заказ утерян службой доставки", type_id="seller",
           is_available_for_cancellation=False),
    Reason(id=507, title="Покупатель отменил заказ", type_id="buyer",
           is_available_for_cancellation=False),
)  # fmt: skip
REASONS_BY_ID = {r.id: r for r in REASONS}
BEFORE_HANDOVER = (352, 400, 402)
AFTER_HANDOVER = (665, 666, 667)


def reasons_for(posting: Posting) -> list[Reason]:
    """Reasons the seller may give for this posting now."""
    if posting.status in (AWAITING_PACKAGING, AWAITING_DELIVER):
        return [REASONS_BY_ID[i] for i in BEFORE_HANDOVER]
    if posting.status == DELIVERING:
        return [REASONS_BY_ID[i] for i in AFTER_HANDOVER]
    return []


class EmptyRequest(OzonRequest):
    """A method without a body."""


@ozon_method("/v2/posting/fbs/cancel-reason/list", request_model=EmptyRequest)
def reason_list(ctx: MethodContext, request: EmptyRequest) -> JSONResponse:
    """Every cancellation reason."""
    return json_reply({"result": [r.model_dump() for r in REASONS]})


class ReasonsRequest(OzonRequest):
    """Body of ``/v1/posting/fbs/cancel-reason``."""

    related_posting_numbers: list[str] = Field(min_length=1)


@ozon_method("/v1/posting/fbs/cancel-reason", request_model=ReasonsRequest)
def reasons(ctx: MethodContext, request: ReasonsRequest) -> JSONResponse:
    """Reasons valid for each posting in its current stage."""
    result = []
    for number in request.related_posting_numbers:
        posting = posting_or_404(ctx, number)
        result.append(
            {
                "posting_number": number,
                "reasons": [
                    {"id": r.id, "title": r.title, "type_id": r.type_id}
                    for r in reasons_for(posting)
                ],
            }
        )
    return json_reply({"result": result})


def _check_reason(posting: Posting, reason_id: int, message: str) -> Reason:
    if posting.status == CANCELLED:
        raise invalid("POSTING_ALREADY_CANCELLED", f"posting {posting.posting_number}")
    allowed = reasons_for(posting)
    if not allowed:
        raise invalid(
            "HAS_INCORRECT_STATUS", f"posting {posting.posting_number} is {posting.status}"
        )
    reason = next((r for r in allowed if r.id == reason_id), None)
    if reason is None:
        raise invalid(
            "HAS_INCORRECT_CANCEL_REASON",
            f"reason {reason_id} is not allowed for posting {posting.posting_number}; "
            f"allowed: {[r.id for r in allowed]}",
        )
    if reason_id == REASON_OTHER and not message.strip():
        raise invalid("CANCEL_REASON_MESSAGE_REQUIRED", "reason 402 needs cancel_reason_message")
    return reason


class CancelRequest(OzonRequest):
    """Body of ``/v2/posting/fbs/cancel``."""

    posting_number: str = Field(min_length=1)
    cancel_reason_id: Int64
    cancel_reason_message: str = ""


@ozon_method("/v2/posting/fbs/cancel", request_model=CancelRequest)
def cancel(ctx: MethodContext, request: CancelRequest) -> JSONResponse:
    """Cancel a whole posting; the reservation is released and the push is sent."""
    posting = posting_or_404(ctx, request.posting_number)
    reason = _check_reason(posting, request.cancel_reason_id, request.cancel_reason_message)
    posting.cancellation = Cancellation(
        cancel_reason_id=reason.id,
        cancel_reason=reason.title,
        cancellation_type="seller",
        cancellation_initiator="Продавец",
        cancelled_after_ship=posting.status != AWAITING_PACKAGING,
        affect_cancellation_rating=True,
        message=request.cancel_reason_message,
    )
    set_status(ctx, posting, CANCELLED, "posting_canceled")
    return json_reply({"result": True})


class CancelItem(OzonRequest):
    """Units of one SKU to cancel."""

    sku: Int64
    quantity: int = Field(ge=1)


class ProductCancelRequest(OzonRequest):
    """Body of ``/v2/posting/fbs/product/cancel``."""

    posting_number: str = Field(min_length=1)
    cancel_reason_id: Int64
    cancel_reason_message: str
    items: list[CancelItem] = Field(min_length=1)


@ozon_method("/v2/posting/fbs/product/cancel", request_model=ProductCancelRequest)
def product_cancel(ctx: MethodContext, request: ProductCancelRequest) -> JSONResponse:
    """Cancel some units of a posting awaiting packaging; their reservation is released.

    The release is pushed as ``TYPE_STOCKS_CHANGED``; the posting itself gets no push.
    """
    posting = posting_or_404(ctx, request.posting_number)
    _check_reason(posting, request.cancel_reason_id, request.cancel_reason_message)
    if posting.status != AWAITING_PACKAGING:
        raise invalid(
            "HAS_INCORRECT_STATUS", f"posting {posting.posting_number} is {posting.status}"
        )
    remaining = {p.sku: p.quantity for p in posting.products}
    for item in request.items:
        if item.sku not in remaining:
            raise invalid("UNKNOWN_PRODUCT_DEFINED", f"sku {item.sku} is not in the posting")
        remaining[item.sku] -= item.quantity
        if remaining[item.sku] < 0:
            raise invalid(
                "HAS_INCORRECT_PRODUCT_QUANTITY", f"more units of {item.sku} than the posting has"
            )
    if not any(remaining.values()):
        raise invalid(
            "HAS_INCORRECT_PRODUCT_QUANTITY",
            "every unit is listed: cancel the whole posting with /v2/posting/fbs/cancel",
        )
    released = {
        p.offer_id: p.quantity - remaining[p.sku]
        for p in posting.products
        if p.quantity > remaining[p.sku]
    }
    kept = []
    for product in posting.products:
        if remaining[product.sku]:
            kept.append(product.model_copy(update={"quantity": remaining[product.sku]}))
            extra = [e for e in posting.exemplars if e.sku == product.sku][remaining[product.sku] :]
            drop = {e.exemplar_id for e in extra}
            posting.exemplars = [e for e in posting.exemplars if e.exemplar_id not in drop]
        else:
            posting.exemplars = [e for e in posting.exemplars if e.sku != product.sku]
    # Ozon documents no posting push for a partial cancel; the stock change is pushed.
    change_stock(ctx, posting.warehouse_id, released, "release")
    posting.products = kept
    result: dict[str, Any] = {"result": posting.posting_number}
    return json_reply(result)
