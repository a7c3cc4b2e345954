"""Gates that stop a bad push before it reaches Ozon (plain functions the asset checks wrap)."""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel

from novex_assets.rules import rule_columns
from novex_assets.settings import NovexSettings


class CheckOutcome(BaseModel):
    """Result of one gate: whether it passed, how many rows failed and a few examples."""

    passed: bool
    failed_rows: int
    examples: list[dict[str, object]]


def _outcome(bad: pl.DataFrame, limit: int = 10) -> CheckOutcome:
    return CheckOutcome(
        passed=bad.height == 0, failed_rows=bad.height, examples=bad.head(limit).to_dicts()
    )


def negative_stock(levels: pl.DataFrame) -> CheckOutcome:
    """Ozon refuses negative stock; one would mean a broken rule or source row."""
    return _outcome(levels.filter(pl.col("stock") < 0))


def stock_over_limit(levels: pl.DataFrame) -> CheckOutcome:
    """Ozon refuses stock of 1,000,000 or more (STOCK_TOO_BIG)."""
    return _outcome(levels.filter(pl.col("stock") >= 1_000_000))


def stock_drop(
    levels: pl.DataFrame,
    accepted: pl.DataFrame,
    max_share: float,
    max_zeroed_share: float = 1.0,
) -> CheckOutcome:
    """Published stock collapsing at once: an empty, cut-off or mangled export.

    Three measures against what Ozon holds, each failing on its own: units in total, units per
    warehouse (a site dropped from the export, or two sites mixed up, hides in the total), and
    the share of products with stock on Ozon that would go to zero (many small items zeroed
    move few units). A pair Ozon holds that is no longer computed counts as going to zero.
    """
    keys = ["offer_id", "warehouse_id"]
    before = accepted.select(
        pl.col("offer_id").cast(pl.String),
        pl.col("warehouse_id").cast(pl.Int64),
        pl.col("stock").cast(pl.Int64).alias("before"),
    )
    after = levels.select(
        pl.col("offer_id").cast(pl.String),
        pl.col("warehouse_id").cast(pl.Int64),
        pl.col("stock").cast(pl.Int64).alias("after"),
    )
    pairs = before.join(after, on=keys, how="full", coalesce=True).with_columns(
        pl.col("before").fill_null(0), pl.col("after").fill_null(0)
    )
    problems: list[dict[str, object]] = []
    total_before, total_after = int(pairs["before"].sum() or 0), int(pairs["after"].sum() or 0)
    if total_before and total_after < total_before * (1 - max_share):
        problems.append(
            {"measure": "units", "units_on_ozon": total_before, "units_now": total_after,
             "max_drop_share": max_share}
        )  # fmt: skip
    per_warehouse = (
        pairs.group_by("warehouse_id")
        .agg(pl.col("before").sum(), pl.col("after").sum())
        .filter((pl.col("before") > 0) & (pl.col("after") < pl.col("before") * (1 - max_share)))
        .sort("warehouse_id")
    )
    problems += [
        {"measure": "units_per_warehouse", "warehouse_id": w, "units_on_ozon": b,
         "units_now": a, "max_drop_share": max_share}
        for w, b, a in per_warehouse.select("warehouse_id", "before", "after").iter_rows()
    ]  # fmt: skip
    products = pairs.group_by("offer_id").agg(pl.col("before").sum(), pl.col("after").sum())
    stocked = products.filter(pl.col("before") > 0)
    zeroed = stocked.filter(pl.col("after") == 0)
    if stocked.height and zeroed.height > stocked.height * max_zeroed_share:
        problems.append(
            {"measure": "products_to_zero", "products_with_stock_on_ozon": stocked.height,
             "products_going_to_zero": zeroed.height, "max_zeroed_share": max_zeroed_share,
             "some": zeroed.sort("offer_id")["offer_id"].head(5).to_list()}
        )  # fmt: skip
    failed = int(pairs.filter((pl.col("before") > 0) & (pl.col("after") == 0)).height)
    return CheckOutcome(
        passed=not problems, failed_rows=failed if problems else 0, examples=problems
    )


def price_below_minimum(
    prices: pl.DataFrame, assortment: pl.DataFrame, settings: NovexSettings
) -> CheckOutcome:
    """Every price must respect the configured minimum for its product."""
    rules = settings.price_rules
    (min_expr,) = rule_columns(rules.default, rules.overrides, ("min_price",))
    floor = (
        assortment.select("offer_id", "category_code")
        .unique("offer_id")
        .with_columns(min_expr.alias("configured_min"))
    )
    bad = (
        prices.join(floor, on="offer_id", how="left")
        .filter((pl.col("price") <= 0) | (pl.col("price") < pl.col("configured_min")))
        .select("offer_id", "price", "configured_min")
    )
    return _outcome(bad)


def price_jumps(prices: pl.DataFrame, accepted: pl.DataFrame, max_share: float) -> CheckOutcome:
    """Prices moving more than `max_share` against what Ozon has: Ozon quarantines such prices."""
    previous = accepted.select(
        pl.col("offer_id").cast(pl.String), pl.col("price").cast(pl.Float64).alias("ozon_price")
    )
    bad = (
        prices.join(previous, on="offer_id", how="inner")
        .filter(pl.col("ozon_price") > 0)
        .with_columns(
            ((pl.col("price") - pl.col("ozon_price")).abs() / pl.col("ozon_price")).alias("change")
        )
        .filter(pl.col("change") > max_share)
        .select("offer_id", "ozon_price", "price", pl.col("change").round(3))
        .sort("change", descending=True)
    )
    return _outcome(bad)
