"""Moderation: follow exported cards on `/v3/product/info/list` until approved or declined.

An approved card is handed to the inventory side at once (its Ozon product id and SKU go into
`products`), so the next stock and price sync includes it without anyone flipping a switch.
"""

from __future__ import annotations

import json

import polars as pl
from pydantic import BaseModel

from resources.ozon import OzonClient
from resources.ozon.models.products import ProductInfo
from resources.store.catalog_cards import CatalogCardsRepo
from resources.store.inventory import InventoryRepo

FINAL = ("approved", "declined")
BLOCKING_LEVELS = ("ERROR_LEVEL_ERROR", "ERROR_LEVEL_INTERNAL", "ERROR", "INTERNAL")


class ModerationReport(BaseModel):
    """What one moderation pass saw; its fields become Dagster metadata."""

    followed: int = 0
    approved: int = 0
    declined: int = 0
    in_review: int = 0
    not_found: int = 0
    handed_to_inventory: int = 0


def to_follow(exports: pl.DataFrame, moderation: pl.DataFrame) -> list[str]:
    """Cards Ozon accepted whose moderation is not decided since they were last accepted."""
    accepted = exports.filter(pl.col("accepted_at").is_not_null()).select("offer_id", "accepted_at")
    joined = accepted.join(
        moderation.select("offer_id", "status", "updated_at"), on="offer_id", how="left"
    )
    open_ = (
        pl.col("status").is_null()
        | ~pl.col("status").is_in(list(FINAL))
        | (pl.col("updated_at") < pl.col("accepted_at"))
    )
    return joined.filter(open_)["offer_id"].sort().to_list()


def status_of(info: ProductInfo) -> str:
    """`approved`, `declined`, or Ozon's in-review value as given."""
    statuses = info.statuses
    moderate = (statuses.moderate_status or "").lower()
    if moderate in FINAL:
        return moderate
    if statuses.status == "failed_moderation" or statuses.status_failed:
        return "declined"
    return moderate or statuses.status or "unknown"


def decline_reasons(info: ProductInfo) -> list[dict[str, str]]:
    """The blocking errors Ozon attached to a card, in words staff can act on."""
    reasons = []
    for error in info.errors:
        if error.level and error.level not in BLOCKING_LEVELS:
            continue
        texts = error.texts
        reasons.append(
            {
                "code": error.code,
                "message": texts.description or texts.short_description or texts.message,
                "attribute_name": texts.attribute_name,
            }
        )
    return reasons


def follow_moderation(
    client: OzonClient, repo: CatalogCardsRepo, inventory: InventoryRepo
) -> ModerationReport:
    """Read the status of every card under moderation and record it."""
    offers = to_follow(repo.exports(), repo.moderation())
    report = ModerationReport(followed=len(offers))
    if not offers:
        return report
    infos = client.products.info_list(offer_ids=offers)
    rows = []
    approved_ids = []
    for info in infos:
        status = status_of(info)
        reasons = decline_reasons(info) if status == "declined" else []
        rows.append((info.offer_id, int(info.id), status, json.dumps(reasons, ensure_ascii=False)))
        if status == "approved":
            report.approved += 1
            approved_ids.append((info.offer_id, int(info.id), int(info.sku) if info.sku else None))
        elif status == "declined":
            report.declined += 1
        else:
            report.in_review += 1
    report.not_found = len(offers) - len(infos)
    repo.record_moderation(
        pl.DataFrame(
            rows,
            schema={
                "offer_id": pl.String,
                "product_id": pl.Int64,
                "status": pl.String,
                "reasons": pl.String,
            },
            orient="row",
        )
    )
    if approved_ids:
        inventory.set_ozon_ids(
            pl.DataFrame(
                approved_ids,
                schema={"offer_id": pl.String, "ozon_product_id": pl.Int64, "ozon_sku": pl.Int64},
                orient="row",
            )
        )
        report.handed_to_inventory = len(approved_ids)
    return report
