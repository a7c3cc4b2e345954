"""Free stock per (offer, Ozon warehouse): on hand - allocated - reserved - buffer, per config."""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel

from novex_assets.rules import rule_columns
from novex_assets.settings import NovexSettings

LEVEL_SCHEMA = pl.Schema({"offer_id": pl.String, "warehouse_id": pl.Int64, "stock": pl.Int64})


class StockLevelStats(BaseModel):
    """Counts shown on the materialisation, so staff see what the rules did."""

    pairs: int
    products: int
    warehouses: int
    published_units: int
    zero_pairs: int
    capped_pairs: int
    below_minimum_pairs: int
    reserved_units: int
    unmapped_site_rows: int
    unknown_offer_rows: int
    disabled_products: int


def compute_stock_levels(
    assortment: pl.DataFrame,
    stock: pl.DataFrame,
    reserved: pl.DataFrame,
    settings: NovexSettings,
) -> tuple[pl.DataFrame, StockLevelStats]:
    """Stock to publish for every Ozon-enabled product on every mapped Ozon warehouse.

    Every enabled product gets a row per warehouse, so goods that vanish from the Infor snapshot
    are published as 0 instead of lingering on Ozon. Products switched off in SAP get no row; the
    diff zeroes whatever Ozon still holds for them.
    """
    site_map = pl.DataFrame(
        {
            "site": [w.infor_site for w in settings.warehouses],
            "warehouse_id": [w.ozon_warehouse_id for w in settings.warehouses],
        },
        schema={"site": pl.String, "warehouse_id": pl.Int64},
    )
    mapped = stock.join(site_map, on="site", how="left")
    unmapped_rows = mapped.filter(pl.col("warehouse_id").is_null()).height
    on_hand = (
        mapped.filter(pl.col("warehouse_id").is_not_null())
        .group_by("offer_id", "warehouse_id")
        .agg(pl.col("on_hand").sum(), pl.col("allocated").sum())
    )
    products = assortment.select("offer_id", "category_code", "ozon_enabled").unique("offer_id")
    unknown_rows = on_hand.join(products, on="offer_id", how="anti").height
    warehouses = site_map.select("warehouse_id").unique()

    reserved = reserved.select(
        pl.col("offer_id").cast(pl.String),
        pl.col("warehouse_id").cast(pl.Int64),
        pl.col("reserved").cast(pl.Int64),
    )
    rules = settings.stock_rules
    frame = (
        products.join(warehouses, how="cross")
        .join(on_hand, on=["offer_id", "warehouse_id"], how="left")
        .join(reserved, on=["offer_id", "warehouse_id"], how="left")
        .with_columns(
            pl.col("on_hand").fill_null(0),
            pl.col("allocated").fill_null(0),
            pl.col("reserved").fill_null(0),
            *rule_columns(
                rules.default, rules.overrides, ("buffer", "min_to_publish", "max_stock")
            ),
        )
        .with_columns(
            (pl.col("on_hand") - pl.col("allocated") - pl.col("reserved") - pl.col("buffer")).alias(
                "free"
            )
        )
        .with_columns(
            pl.when(~pl.col("ozon_enabled") | (pl.col("free") < pl.col("min_to_publish")))
            .then(0)
            .otherwise(pl.min_horizontal("free", "max_stock"))
            .clip(lower_bound=0)
            .cast(pl.Int64)
            .alias("stock")
        )
    )
    enabled = frame.filter(pl.col("ozon_enabled"))
    stats = StockLevelStats(
        pairs=enabled.height,
        products=products.height,
        warehouses=warehouses.height,
        published_units=int(enabled["stock"].sum() or 0),
        zero_pairs=enabled.filter(pl.col("stock") == 0).height,
        capped_pairs=enabled.filter(pl.col("free") > pl.col("max_stock")).height,
        below_minimum_pairs=enabled.filter(
            (pl.col("free") < pl.col("min_to_publish")) & (pl.col("free") > 0)
        ).height,
        reserved_units=int(enabled["reserved"].sum() or 0),
        unmapped_site_rows=unmapped_rows,
        unknown_offer_rows=unknown_rows,
        disabled_products=products.filter(~pl.col("ozon_enabled")).height,
    )
    levels = enabled.select(list(LEVEL_SCHEMA)).cast(LEVEL_SCHEMA).sort("offer_id", "warehouse_id")
    return levels, stats
