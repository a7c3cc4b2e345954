"""Drift correction: read back what Ozon shows and fix our record of what it accepted.

If Ozon's value differs (a manual edit in the cabinet, a lost reply), our accepted-state row is set
to Ozon's value, so the next sync sees a difference and sends the right number again.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from pydantic import BaseModel

from resources.ozon import OzonClient
from resources.store.inventory import InventoryRepo

_IDS_PER_REQUEST = 1000


class ReconcileResult(BaseModel):
    """Counts of one drift check."""

    kind: str
    checked: int
    reported_by_ozon: int
    drifted: int
    unknown_to_ozon: int


def _chunks(values: list[str], size: int) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def reconcile_stock(
    client: OzonClient, repo: InventoryRepo, *, log: Callable[[str], None]
) -> ReconcileResult:
    """Compare Ozon's free FBS stock per (offer, warehouse) with our accepted state."""
    accepted = repo.ozon_stock_state()
    offers = sorted(set(accepted["offer_id"].to_list()))
    rows: list[tuple[str, int, int]] = []
    for number, chunk in enumerate(_chunks(offers, _IDS_PER_REQUEST), start=1):
        for item in client.stocks.by_warehouse_fbs(offer_ids=chunk):
            rows.append((item.offer_id, int(item.warehouse_id), int(item.free_stock)))
        log(f"stock reconciliation: {number * _IDS_PER_REQUEST} offers read back")
    reported = pl.DataFrame(
        rows,
        schema={"offer_id": pl.String, "warehouse_id": pl.Int64, "ozon_stock": pl.Int64},
        orient="row",
    )
    joined = accepted.select(
        pl.col("offer_id").cast(pl.String),
        pl.col("warehouse_id").cast(pl.Int64),
        pl.col("stock").cast(pl.Int64),
    ).join(reported, on=["offer_id", "warehouse_id"], how="left")
    drift = joined.filter(
        pl.col("ozon_stock").is_not_null() & (pl.col("ozon_stock") != pl.col("stock"))
    )
    unknown = joined.filter(pl.col("ozon_stock").is_null())
    if drift.height:
        repo.correct_ozon_stock_state(
            drift.select("offer_id", "warehouse_id", pl.col("ozon_stock").alias("stock"))
        )
    if unknown.height:
        # Ozon no longer shows the pair: forget it so the next sync sends it again.
        repo.forget_ozon_stock_state(unknown.select("offer_id", "warehouse_id"))
    log(f"stock reconciliation: {drift.height} drifted, {unknown.height} unknown to Ozon")
    return ReconcileResult(
        kind="stock",
        checked=accepted.height,
        reported_by_ozon=reported.height,
        drifted=drift.height,
        unknown_to_ozon=unknown.height,
    )


def reconcile_prices(
    client: OzonClient, repo: InventoryRepo, *, log: Callable[[str], None]
) -> ReconcileResult:
    """Compare Ozon's current prices with our accepted state."""
    accepted = repo.ozon_price_state()
    offers = sorted(set(accepted["offer_id"].to_list()))
    rows: list[tuple[str, float, float, float | None]] = []
    for chunk in _chunks(offers, _IDS_PER_REQUEST):
        for item in client.prices.info(offer_ids=chunk):
            rows.append(
                (
                    item.offer_id,
                    float(item.price.price),
                    float(item.price.old_price or 0),
                    None if not item.price.min_price else float(item.price.min_price),
                )
            )
    reported = pl.DataFrame(
        rows,
        schema={
            "offer_id": pl.String,
            "o_price": pl.Float64,
            "o_old": pl.Float64,
            "o_min": pl.Float64,
        },
        orient="row",
    )
    joined = accepted.select(
        pl.col("offer_id").cast(pl.String),
        pl.col("price").cast(pl.Float64).round(2),
        pl.col("old_price").cast(pl.Float64).round(2).fill_null(0.0),
    ).join(reported, on="offer_id", how="left")
    drift = joined.filter(
        pl.col("o_price").is_not_null()
        & (
            (pl.col("o_price").round(2) != pl.col("price"))
            | (pl.col("o_old").round(2) != pl.col("old_price"))
        )
    )
    unknown = joined.filter(pl.col("o_price").is_null())
    if drift.height:
        repo.correct_ozon_price_state(
            drift.select(
                "offer_id",
                pl.col("o_price").alias("price"),
                pl.col("o_old").alias("old_price"),
                pl.col("o_min").alias("min_price"),
            )
        )
    if unknown.height:
        repo.forget_ozon_price_state(unknown.select("offer_id"))
    log(f"price reconciliation: {drift.height} drifted, {unknown.height} unknown to Ozon")
    return ReconcileResult(
        kind="price",
        checked=accepted.height,
        reported_by_ozon=reported.height,
        drifted=drift.height,
        unknown_to_ozon=unknown.height,
    )
