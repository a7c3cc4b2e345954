"""Shapes several Ozon methods share: per-item errors, visibility filters, id lists."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ozon_sandbox.state import AccountState, Product


class OzonRequest(BaseModel):
    """Base of request bodies: unknown fields are ignored, as Ozon's gateway does for ours."""

    model_config = ConfigDict(extra="ignore")


class ItemError(BaseModel):
    """One per-item error inside an HTTP 200 batch reply."""

    code: str
    message: str


def _int64(value: object) -> object:
    # Ozon's int64 fields are "string, format int64" in the spec: numbers and numeric strings
    # both arrive; anything else must fail validation instead of being coerced.
    if isinstance(value, bool):
        raise ValueError("must be an integer")
    if isinstance(value, str):
        if not value.strip().lstrip("-").isdigit():
            raise ValueError("must be an integer")
        return int(value)
    return value


Int64 = Annotated[int, BeforeValidator(_int64)]

Visibility = Literal[
    "ALL",
    "VISIBLE",
    "INVISIBLE",
    "EMPTY_STOCK",
    "NOT_MODERATED",
    "MODERATED",
    "DISABLED",
    "STATE_FAILED",
    "READY_TO_SUPPLY",
    "VALIDATION_STATE_PENDING",
    "VALIDATION_STATE_FAIL",
    "VALIDATION_STATE_SUCCESS",
    "TO_SUPPLY",
    "IN_SALE",
    "REMOVED_FROM_SALE",
    "OVERPRICED",
    "CRITICALLY_OVERPRICED",
    "EMPTY_BARCODE",
    "BARCODE_EXISTS",
    "QUARANTINE",
    "ARCHIVED",
    "OVERPRICED_WITH_STOCK",
    "PARTIAL_APPROVED",
    "AUTO_ARCHIVED",
    "MANUAL_ARCHIVED",
    "SEASONAL_AUTO_ARCHIVED",
    "VISIBLE_WITH_FBO_STOCK",
]


class ProductFilter(OzonRequest):
    """``filter`` of the product list methods: one id group, or a visibility."""

    offer_id: list[str] | None = Field(None, max_length=1000)
    product_id: list[Int64] | None = Field(None, max_length=1000)
    visibility: Visibility = "ALL"


def has_fbs_stock(state: AccountState, product: Product) -> bool:
    """True when any FBS warehouse holds units of the product."""
    return any(level.present > 0 for _, level in state.stocks_of(product.offer_id))


def matches_visibility(state: AccountState, product: Product, visibility: str) -> bool:
    """Whether a card falls under Ozon's visibility filter (states the sandbox models)."""
    if visibility in ("ARCHIVED", "MANUAL_ARCHIVED"):
        return product.is_archived
    if product.is_archived:
        return False
    if visibility == "ALL":
        return True
    on_sale = product.is_created and product.price_sent
    if visibility in ("VISIBLE", "IN_SALE", "TO_SUPPLY"):
        return on_sale and (visibility != "IN_SALE" or has_fbs_stock(state, product))
    if visibility in ("INVISIBLE", "REMOVED_FROM_SALE"):
        return not on_sale
    if visibility == "EMPTY_STOCK":
        return not has_fbs_stock(state, product)
    if visibility in ("MODERATED", "VALIDATION_STATE_SUCCESS"):
        return product.is_created
    if visibility in ("NOT_MODERATED", "VALIDATION_STATE_PENDING"):
        return not product.is_created
    if visibility == "EMPTY_BARCODE":
        return not product.barcodes
    if visibility == "BARCODE_EXISTS":
        return bool(product.barcodes)
    # States the sandbox never produces (quarantine, overpriced, failed validation …).
    return False


def visible_products(state: AccountState, visibility: str) -> list[Product]:
    """Cards under a visibility filter, by ascending product_id (Ozon's listing order)."""
    found: list[Product] = []
    for pid in state.product_ids_after(0):
        product = state.products[state.offer_by_product_id[pid]]
        if matches_visibility(state, product, visibility):
            found.append(product)
    return found


def select_products(
    state: AccountState, offer_ids: list[str] | None, product_ids: list[int] | None
) -> list[Product]:
    """Cards named by either id list, in request order, skipping unknown ids."""
    found: list[Product] = []
    for offer_id in offer_ids or []:
        product = state.products.get(offer_id)
        if product is not None:
            found.append(product)
    for product_id in product_ids or []:
        product = state.by_product_id(product_id)
        if product is not None:
            found.append(product)
    return found
