from __future__ import annotations

import polars as pl

from novex_assets.inventory import checks
from novex_assets.inventory.diff import changed_prices, changed_stock


def test_only_changed_or_never_accepted_pairs_are_sent():
    desired = pl.DataFrame(
        {"offer_id": ["A", "A", "B", "C"], "warehouse_id": [1, 2, 1, 1], "stock": [5, 0, 7, 3]}
    )
    accepted = pl.DataFrame(
        {"offer_id": ["A", "A", "B"], "warehouse_id": [1, 2, 1], "stock": [5, 1, 7]}
    )
    changes = changed_stock(desired, accepted)
    assert changes.rows() == [("A", 2, 0), ("C", 1, 3)]
    assert changed_stock(desired, desired).height == 0


def test_pairs_no_longer_wanted_are_zeroed_once():
    desired = pl.DataFrame({"offer_id": ["A"], "warehouse_id": [1], "stock": [5]})
    accepted = pl.DataFrame(
        {"offer_id": ["A", "GONE", "ZERO"], "warehouse_id": [1, 1, 1], "stock": [5, 4, 0]}
    )
    assert changed_stock(desired, accepted).rows() == [("GONE", 1, 0)]


def test_price_diff_sees_price_old_price_and_minimum():
    desired = pl.DataFrame(
        {
            "offer_id": ["A", "B", "C", "D"],
            "price": [100.0, 200.0, 300.0, 400.0],
            "old_price": [0.0, 250.0, 0.0, 0.0],
            "min_price": [90.0, None, 270.0, None],
        }
    )
    accepted = pl.DataFrame(
        {
            "offer_id": ["A", "B", "C"],
            "price": [100.0, 200.0, 300.0],
            "old_price": [0.0, 240.0, 0.0],
            "min_price": [90.0, None, 280.0],
        }
    )
    assert changed_prices(desired, accepted)["offer_id"].to_list() == ["B", "C", "D"]
    assert changed_prices(desired, desired).height == 0


def test_checks_flag_bad_rows(settings, assortment):
    levels = pl.DataFrame(
        {"offer_id": ["A", "B"], "warehouse_id": [1, 1], "stock": [-1, 1_000_000]}
    )
    assert not checks.negative_stock(levels).passed
    assert checks.negative_stock(levels).failed_rows == 1
    assert not checks.stock_over_limit(levels).passed
    prices = pl.DataFrame({"offer_id": ["A1", "PF1"], "price": [10.0, 900.0]})
    low = checks.price_below_minimum(prices, assortment, settings)
    assert not low.passed and low.examples[0]["offer_id"] == "A1"
    accepted = pl.DataFrame({"offer_id": ["A1", "PF1"], "price": [10.0, 300.0]})
    jumps = checks.price_jumps(prices, accepted, 0.5)
    assert jumps.failed_rows == 1 and jumps.examples[0]["offer_id"] == "PF1"


def test_stock_drop_gate():
    accepted = pl.DataFrame({"offer_id": ["A", "B"], "warehouse_id": [1, 1], "stock": [60, 40]})
    half = pl.DataFrame({"offer_id": ["A"], "warehouse_id": [1], "stock": [50]})
    empty = half.head(0)
    assert checks.stock_drop(half, accepted, 0.5).passed
    assert not checks.stock_drop(empty, accepted, 0.5).passed
    assert checks.stock_drop(empty, accepted.head(0), 0.5).passed  # first sync: nothing to lose
