"""Ozon prices from SAP base prices by the config's markup, rounding, minimum, old-price rules."""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel

from novex_assets.rules import rule_columns
from novex_assets.settings import NovexSettings

PRICE_SCHEMA = pl.Schema(
    {
        "offer_id": pl.String,
        "price": pl.Float64,
        "old_price": pl.Float64,
        "min_price": pl.Float64,
    }
)
_RULE_FIELDS = (
    "markup_pct",
    "rounding_step",
    "rounding_mode",
    "min_price",
    "old_price_pct",
    "min_price_pct",
)


class PriceStats(BaseModel):
    """Counts shown on the materialisation."""

    products: int
    raised_to_minimum: int
    with_old_price: int
    old_price_dropped: int
    min_price_set: int


def _round(value: pl.Expr) -> pl.Expr:
    step = pl.col("rule_rounding_step")
    # Float noise (100 * 1.1 = 110.00000000000001) must not push ceil up a whole step.
    units = (value / step).round(6)
    rounded = (
        pl.when(pl.col("rule_rounding_mode") == "ceil")
        .then(units.ceil())
        .when(pl.col("rule_rounding_mode") == "floor")
        .then(units.floor())
        .otherwise(units.round(0))
    )
    return (rounded * step).round(2)


def discount_allowed(price: pl.Expr, old_price: pl.Expr) -> pl.Expr:
    """Ozon's rules for a strike-through price (else the whole item is rejected).

    Below 400 ₽ the gap must exceed 20 ₽, up to 10,000 ₽ it must exceed 5 %, above that 500 ₽,
    and a discount of 90 % or more is refused.
    """
    gap = old_price - price
    return (
        pl.when(price < 400)
        .then(gap > 20)
        .when(price <= 10_000)
        .then(gap > old_price * 0.05)
        .otherwise(gap > 500)
    ) & (gap < old_price * 0.9)


def compute_prices(
    assortment: pl.DataFrame, settings: NovexSettings
) -> tuple[pl.DataFrame, PriceStats]:
    """Price, old price (0 = none) and auto-action minimum for every Ozon-enabled product."""
    rules = settings.price_rules
    exprs = rule_columns(rules.default, rules.overrides, _RULE_FIELDS)
    frame = (
        assortment.filter(pl.col("ozon_enabled"))
        .select("offer_id", "category_code", "base_price")
        .unique("offer_id")
        .with_columns(e.alias(f"rule_{n}") for e, n in zip(exprs, _RULE_FIELDS, strict=True))
        .with_columns(
            _round(pl.col("base_price") * (1 + pl.col("rule_markup_pct") / 100)).alias("marked_up")
        )
        .with_columns(pl.max_horizontal("marked_up", "rule_min_price").round(2).alias("price"))
        .with_columns(
            pl.when(pl.col("rule_old_price_pct") > 0)
            .then(_round(pl.col("price") * (1 + pl.col("rule_old_price_pct") / 100)))
            .otherwise(0.0)
            .alias("wanted_old_price"),
            pl.when(pl.col("rule_min_price_pct") > 0)
            .then((pl.col("price") * (1 - pl.col("rule_min_price_pct") / 100)).floor().clip(1))
            .otherwise(None)
            .alias("min_price"),
        )
        .with_columns(
            pl.when(
                (pl.col("wanted_old_price") > 0)
                & discount_allowed(pl.col("price"), pl.col("wanted_old_price"))
            )
            .then(pl.col("wanted_old_price"))
            .otherwise(0.0)
            .alias("old_price")
        )
    )
    stats = PriceStats(
        products=frame.height,
        raised_to_minimum=frame.filter(pl.col("marked_up") < pl.col("rule_min_price")).height,
        with_old_price=frame.filter(pl.col("old_price") > 0).height,
        old_price_dropped=frame.filter(
            (pl.col("wanted_old_price") > 0) & (pl.col("old_price") == 0)
        ).height,
        min_price_set=frame.filter(pl.col("min_price").is_not_null()).height,
    )
    prices = frame.select(list(PRICE_SCHEMA)).cast(PRICE_SCHEMA).sort("offer_id")
    return prices, stats
