"""Pure rules of the push: which pairs wait for a price, which errors are superseded, the floor."""

from __future__ import annotations

import polars as pl

from novex_assets.inventory.sync import hold_without_price, superseded_errors
from novex_cli.bench import floor_seconds

STOCK = {"offer_id": pl.String, "warehouse_id": pl.Int64, "stock": pl.Int64}


def _stock(rows: list[tuple[str, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=STOCK, orient="row")


def test_pairs_of_cards_without_an_accepted_price_wait_except_withdrawals_on_sale() -> None:
    changes = _stock([("A", 1, 5), ("B", 1, 3), ("B", 2, 0), ("C", 1, 0), ("C", 2, 0)])
    prices = pl.DataFrame({"offer_id": ["A"], "price": [10.0]})
    # C is on sale at warehouse 1 (accepted 4): going to 0 must not wait for anything.
    accepted = _stock([("C", 1, 4), ("C", 2, 0)])
    ready, held = hold_without_price(changes, prices, accepted)
    assert ready.select("offer_id", "warehouse_id").rows() == [("A", 1), ("C", 1)]
    assert sorted(held.select("offer_id", "warehouse_id").rows()) == [("B", 1), ("B", 2), ("C", 2)]


def test_errors_are_superseded_only_where_ozon_holds_the_wanted_value() -> None:
    errors = pl.DataFrame({"id": [1, 2, 3], "offer_id": ["A", "B", "C"], "warehouse_id": [1, 1, 1]})
    accepted = _stock([("A", 1, 5), ("B", 1, 2)])
    changes = _stock([("B", 1, 3), ("C", 1, 1)])  # B still differs, C was never accepted
    keys = ["offer_id", "warehouse_id"]
    assert superseded_errors(errors, changes, accepted, keys) == [1]
    assert superseded_errors(errors.head(0), changes, accepted, keys) == []


def test_the_floor_counts_one_window_per_80_calls_after_the_first_80() -> None:
    assert floor_seconds(80, 1.0) == 0.0
    assert floor_seconds(81, 1.0) == 60.0
    assert floor_seconds(485, 20.0) == 18.0
