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


def stock_drop(levels: pl.DataFrame, accepted: pl.DataFrame, max_share: float) -> CheckOutcome:
    """Published units falling by more than `max_share` at once: an empty or cut-off export.

    Without this gate a truncated Infor file or an SAP extract with no valid rows would send 0
    for every product Ozon holds.
    """
    before = int(accepted["stock"].sum() or 0) if accepted.height else 0
    after = int(levels["stock"].sum() or 0) if levels.height else 0
    if before == 0 or after >= before * (1 - max_share):
        return CheckOutcome(passed=True, failed_rows=0, examples=[])
    return CheckOutcome(
        passed=False,
        failed_rows=accepted.height,
        examples=[{"units_on_ozon": before, "units_now": after, "max_drop_share": max_share}],
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
