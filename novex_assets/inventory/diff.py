"""What must be sent to Ozon: only what differs from what Ozon last accepted."""

from __future__ import annotations

import polars as pl

from novex_assets.inventory.prices import PRICE_SCHEMA
from novex_assets.inventory.stock import LEVEL_SCHEMA


def changed_stock(desired: pl.DataFrame, accepted: pl.DataFrame) -> pl.DataFrame:
    """Pairs whose stock differs from Ozon's accepted value, or that Ozon never accepted.

    Rejected items never reach the accepted state, so they come back here on every run until
    Ozon takes them: retries need no separate queue. Pairs Ozon holds stock for that are no
    longer wanted (product switched off or dropped from SAP, warehouse unmapped) are sent as 0.
    """
    desired = desired.select(list(LEVEL_SCHEMA)).cast(LEVEL_SCHEMA)
    accepted = accepted.select(
        pl.col("offer_id").cast(pl.String),
        pl.col("warehouse_id").cast(pl.Int64),
        pl.col("stock").cast(pl.Int64).alias("accepted_stock"),
    )
    changed = (
        desired.join(accepted, on=["offer_id", "warehouse_id"], how="left")
        .filter(pl.col("accepted_stock").is_null() | (pl.col("accepted_stock") != pl.col("stock")))
        .select(list(LEVEL_SCHEMA))
    )
    withdrawn = (
        accepted.join(desired, on=["offer_id", "warehouse_id"], how="anti")
        .filter(pl.col("accepted_stock") != 0)
        .select("offer_id", "warehouse_id", pl.lit(0, dtype=pl.Int64).alias("stock"))
    )
    return pl.concat([changed, withdrawn]).sort("offer_id", "warehouse_id")


def on_ozon(changes: pl.DataFrame, products: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Keep the changes whose product has a live card on Ozon, adding its ``ozon_product_id``.

    Returns the kept rows and how many were left out: a product without a card cannot take
    stock or prices until the catalog export has created it.
    """
    cards = products.filter(pl.col("ozon_product_id").is_not_null()).select(
        pl.col("offer_id").cast(pl.String), pl.col("ozon_product_id").cast(pl.Int64)
    )
    kept = changes.join(cards, on="offer_id", how="inner")
    return kept, changes.height - kept.height


def _money(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.Float64).round(2).fill_null(-1.0)


def changed_prices(desired: pl.DataFrame, accepted: pl.DataFrame) -> pl.DataFrame:
    """Products whose price, old price or minimum differs from what Ozon accepted."""
    desired = desired.select(list(PRICE_SCHEMA)).cast(PRICE_SCHEMA)
    accepted = accepted.select(
        pl.col("offer_id").cast(pl.String),
        _money("price").alias("acc_price"),
        _money("old_price").alias("acc_old_price"),
        _money("min_price").alias("acc_min_price"),
        pl.lit(True).alias("known"),
    )
    differs = (
        pl.col("known").is_null()
        | (_money("price") != pl.col("acc_price"))
        | (_money("old_price") != pl.col("acc_old_price"))
        | (_money("min_price") != pl.col("acc_min_price"))
    )
    return (
        desired.join(accepted, on="offer_id", how="left")
        .filter(differs)
        .select(list(PRICE_SCHEMA))
        .sort("offer_id")
    )
