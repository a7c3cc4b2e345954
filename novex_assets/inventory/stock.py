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
    # Site codes no warehouse is mapped to, with their rows (the 20 with most): a stores' site
    # is expected here, a mistyped code of a mapped one (`MSK 1`) is what staff look for.
    unmapped_sites: dict[str, int] = {}
    unknown_offer_rows: int
    disabled_products: int
    held_pairs: int = 0
    held_products: int = 0


def _held_pairs(
    held: pl.DataFrame | None, site_map: pl.DataFrame, warehouses: pl.DataFrame
) -> pl.DataFrame:
    """(offer_id, warehouse_id) fed by a quarantined row.

    A row without a readable site, or with a site no warehouse is mapped to (which may be a
    mangled code of a mapped one), holds the product on every warehouse.
    """
    schema = {"offer_id": pl.String, "warehouse_id": pl.Int64}
    if held is None or held.is_empty():
        return pl.DataFrame(schema={**schema, "__held": pl.Boolean})
    held = held.select(
        pl.col("offer_id").cast(pl.String), pl.col("site").cast(pl.String).str.to_uppercase()
    ).join(site_map, on="site", how="left")
    return (
        pl.concat(
            [
                held.filter(pl.col("warehouse_id").is_not_null()).select(list(schema)),
                held.filter(pl.col("warehouse_id").is_null())
                .select("offer_id")
                .join(warehouses, how="cross"),
            ]
        )
        .unique()
        .with_columns(pl.lit(True).alias("__held"))
    )


def compute_stock_levels(
    assortment: pl.DataFrame,
    stock: pl.DataFrame,
    reserved: pl.DataFrame,
    settings: NovexSettings,
    *,
    held: pl.DataFrame | None = None,
    complete: bool = True,
    accepted: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, StockLevelStats]:
    """Stock to publish for every Ozon-enabled product on every mapped Ozon warehouse.

    Every enabled product gets a row per warehouse, so goods that vanish from a complete Infor
    snapshot are published as 0 instead of lingering on Ozon. Products switched off in SAP get
    no row; the diff zeroes whatever Ozon still holds for them.

    What the snapshot does not vouch for keeps what Ozon shows (`accepted`): pairs fed by a
    quarantined row (`held`: offer_id, site), and, when the snapshot is not `complete`, pairs it
    has no row for. Such a pair is published at its accepted value, or left out when Ozon has
    none, so the diff sends nothing for it.
    """
    site_map = pl.DataFrame(
        {
            "site": [w.infor_site.upper() for w in settings.warehouses],
            "warehouse_id": [w.ozon_warehouse_id for w in settings.warehouses],
        },
        schema={"site": pl.String, "warehouse_id": pl.Int64},
    )
    stock = stock.with_columns(pl.col("site").str.to_uppercase())
    mapped = stock.join(site_map, on="site", how="left")
    unmapped = mapped.filter(pl.col("warehouse_id").is_null())
    unmapped_sites = (
        unmapped.group_by("site")
        .len()
        .sort(["len", "site"], descending=[True, False], nulls_last=True)
        .head(20)
    )
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
    present = on_hand.select("offer_id", "warehouse_id", pl.lit(True).alias("__present"))
    frame = frame.join(present, on=["offer_id", "warehouse_id"], how="left").join(
        _held_pairs(held, site_map, warehouses), on=["offer_id", "warehouse_id"], how="left"
    )
    is_held = pl.col("__held").fill_null(False)
    if not complete:
        is_held = is_held | pl.col("__present").is_null()
    accepted_stock = (
        accepted.select(
            pl.col("offer_id").cast(pl.String),
            pl.col("warehouse_id").cast(pl.Int64),
            pl.col("stock").cast(pl.Int64).alias("__accepted"),
        )
        if accepted is not None
        else pl.DataFrame(
            schema={"offer_id": pl.String, "warehouse_id": pl.Int64, "__accepted": pl.Int64}
        )
    )
    frame = (
        frame.with_columns(is_held.alias("__held"))
        .join(accepted_stock, on=["offer_id", "warehouse_id"], how="left")
        .filter(~pl.col("__held") | pl.col("__accepted").is_not_null())
        .with_columns(
            pl.when(pl.col("__held")).then(pl.col("__accepted")).otherwise("stock").alias("stock")
        )
    )
    enabled = frame.filter(pl.col("ozon_enabled"))
    held_rows = enabled.filter(pl.col("__held"))
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
        unmapped_site_rows=unmapped.height,
        unmapped_sites={str(site): int(n) for site, n in unmapped_sites.iter_rows()},
        unknown_offer_rows=unknown_rows,
        disabled_products=products.filter(~pl.col("ozon_enabled")).height,
        held_pairs=held_rows.height,
        held_products=held_rows["offer_id"].n_unique(),
    )
    levels = enabled.select(list(LEVEL_SCHEMA)).cast(LEVEL_SCHEMA).sort("offer_id", "warehouse_id")
    return levels, stats
