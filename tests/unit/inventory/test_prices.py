from __future__ import annotations

import polars as pl

from novex_assets.inventory.prices import compute_prices, discount_allowed


def _by_offer(prices: pl.DataFrame) -> dict[str, dict]:
    return {row["offer_id"]: row for row in prices.to_dicts()}


def test_markup_rounding_minimum_and_old_price(settings, assortment):
    prices, stats = compute_prices(assortment, settings)
    got = _by_offer(prices)
    assert set(got) == {"A1", "PF1", "CAP-1"}  # disabled OFF1 is not priced
    assert got["A1"]["price"] == 110.0  # 100 * 1.10
    assert got["PF1"]["price"] == 1500.0  # perfume markup 50 %
    assert got["CAP-1"]["price"] == 50.0  # 22 raised to the minimum
    assert stats.raised_to_minimum == 1
    assert got["PF1"]["old_price"] == 1800.0  # 20 % above, gap > 5 % allowed
    assert got["A1"]["min_price"] == 99.0  # 10 % below, floored


def test_old_price_dropped_where_ozon_would_reject_the_discount(settings, assortment):
    # 110 -> 132: gap 22 > 20 allowed; 50 -> 60: gap 10 <= 20 refused by Ozon below 400 rub.
    prices, stats = compute_prices(assortment, settings)
    got = _by_offer(prices)
    assert got["A1"]["old_price"] == 132.0
    assert got["CAP-1"]["old_price"] == 0.0
    assert stats.old_price_dropped == 1


def test_discount_rules_match_ozon_thresholds():
    frame = pl.DataFrame(
        {
            "price": [300.0, 300.0, 1000.0, 1000.0, 20000.0, 20000.0, 100.0],
            "old": [321.0, 320.0, 1060.0, 1050.0, 20501.0, 20500.0, 1000.0],
        }
    )
    allowed = frame.select(discount_allowed(pl.col("price"), pl.col("old")))[:, 0].to_list()
    assert allowed == [True, False, True, False, True, False, False]


def test_rounding_modes(settings, assortment):
    cfg = settings.model_copy(
        update={
            "price_rules": settings.price_rules.model_copy(
                update={
                    "default": settings.price_rules.default.model_copy(
                        update={"rounding_step": 10.0, "rounding_mode": "floor", "markup_pct": 0}
                    ),
                    "overrides": [],
                }
            )
        }
    )
    prices, _ = compute_prices(assortment.with_columns(pl.lit(119.0).alias("base_price")), cfg)
    assert set(prices["price"].to_list()) == {110.0}
