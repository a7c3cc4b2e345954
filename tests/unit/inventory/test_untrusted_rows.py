"""A row that cannot be trusted keeps what Ozon shows; only a complete file may say "gone"."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from novex_assets.inventory import checks
from novex_assets.inventory.diff import changed_stock
from novex_assets.inventory.stock import compute_stock_levels
from novex_assets.sources.trust import (
    assess_completeness,
    carry_products,
    keep_previous_fields,
)
from resources.sources.parsing import parse_assortment, parse_stock
from tests.support.sources import ASSORTMENT_HEADER, STOCK_HEADER, product_line

NO_RESERVATIONS = pl.DataFrame(
    schema={"offer_id": pl.String, "warehouse_id": pl.Int64, "reserved": pl.Int64}
)


def _levels(rows: list[tuple[str, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"offer_id": pl.String, "warehouse_id": pl.Int64, "stock": pl.Int64},
        orient="row",
    )  # fmt: skip


def _as_dict(levels: pl.DataFrame) -> dict[tuple[str, int], int]:
    return {(o, w): s for o, w, s in levels.select("offer_id", "warehouse_id", "stock").iter_rows()}


def _parse(tmp_path: Path, lines: list[str]):
    path = tmp_path / "stock_20260101T000000.csv"
    path.write_text("\n".join([STOCK_HEADER, *lines]) + "\n", encoding="utf-8")
    return parse_stock(path)


ON_OZON = _levels([("A1", 11, 10), ("A1", 22, 8), ("PF1", 11, 4), ("PF1", 22, 0)])


def test_a_quarantined_row_keeps_its_pairs_as_ozon_shows_them(tmp_path, settings, assortment):
    batch = _parse(tmp_path, ["A1;MSK1;1.000;0", "A1;SPB1;5;0", "PF1;MSK1;2;0"])
    levels, stats = compute_stock_levels(
        assortment, batch.frame, NO_RESERVATIONS, settings, held=batch.held, accepted=ON_OZON
    )
    got = _as_dict(levels)
    assert got[("A1", 11)] == 10  # "1.000" is not trusted: Ozon keeps its 10
    assert got[("A1", 22)] == 5 - 2  # the trusted row of the same product still counts
    assert (stats.held_pairs, stats.held_products) == (1, 1)
    assert ("A1", 11) not in _as_dict(changed_stock(levels, ON_OZON))


def test_a_held_row_without_a_site_holds_the_product_everywhere(settings, assortment):
    held = pl.DataFrame({"offer_id": ["A1"], "site": [None]}, schema={"offer_id": pl.String,
                        "site": pl.String})  # fmt: skip
    stock = pl.DataFrame({"offer_id": ["PF1"], "site": ["MSK1"], "on_hand": [3], "allocated": [0]})
    levels, _ = compute_stock_levels(
        assortment, stock, NO_RESERVATIONS, settings, held=held, accepted=ON_OZON
    )
    assert changed_stock(levels, ON_OZON).filter(pl.col("offer_id") == "A1").is_empty()


def test_complete_snapshot_zeroes_what_it_lacks_an_incomplete_one_does_not(settings, assortment):
    stock = pl.DataFrame({"offer_id": ["PF1"], "site": ["MSK1"], "on_hand": [3], "allocated": [0]})
    complete, _ = compute_stock_levels(
        assortment, stock, NO_RESERVATIONS, settings, accepted=ON_OZON
    )
    assert _as_dict(changed_stock(complete, ON_OZON)) == {
        ("A1", 11): 0, ("A1", 22): 0, ("CAP-1", 11): 0, ("CAP-1", 22): 0, ("PF1", 11): 3,
    }  # fmt: skip
    partial, stats = compute_stock_levels(
        assortment, stock, NO_RESERVATIONS, settings, complete=False, accepted=ON_OZON
    )
    # Only the pair the file has a row for changes; what it lacks keeps Ozon's value, and a
    # pair Ozon has no value for is left out rather than invented.
    assert _as_dict(changed_stock(partial, ON_OZON)) == {("PF1", 11): 3}
    assert ("CAP-1", 11) not in _as_dict(partial)
    assert stats.held_pairs == 3


def test_completeness_by_trailer_by_previous_files_and_by_unidentified_lines(tmp_path):
    rows = [f"X{i};MSK1;1;0" for i in range(10)]
    batch = _parse(tmp_path, rows)
    assert assess_completeness(batch, [], 0.9).complete  # the first file is taken as is
    assert assess_completeness(batch, [10, 11], 0.9).complete
    # The largest recent file counts, so two cut-off files in a row do not vouch for each other.
    judged = assess_completeness(batch, [6, 20], 0.9)
    assert not judged.complete and "10 data lines vs 20" in judged.reason
    assert assess_completeness(_parse(tmp_path, [*rows, "#rows: 10"]), [100], 0.9).complete
    cut = assess_completeness(_parse(tmp_path, [*rows, "#rows: 12"]), [], 0.9)
    assert not cut.complete and "trailer announces 12" in cut.reason
    broken = assess_completeness(_parse(tmp_path, [*rows, 'X;"MSK1;1;0']), [11], 0.9)
    assert not broken.complete and "could not be tied to a product" in broken.reason


def test_a_bad_optional_field_keeps_the_previous_value(tmp_path):
    path = tmp_path / "assortment.csv"
    lines = [ASSORTMENT_HEADER, product_line("A-1", barcode="4600000000016"), product_line("B-1")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = parse_assortment(path)
    stored = pl.DataFrame({"offer_id": ["A-1"], "barcode": ["4600000000008"]})
    frame, restored = keep_previous_fields(batch.frame, batch.quarantined, stored)
    assert frame["barcode"].to_list() == ["4600000000008", "4600000000008"]
    assert restored == 1


def test_held_and_unvouched_products_are_carried_as_the_store_knew_them(tmp_path):
    path = tmp_path / "assortment.csv"
    lines = [ASSORTMENT_HEADER, product_line("A-1"), product_line("B-1", price="12,3,4")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = parse_assortment(path)
    stored = batch.frame.with_columns(pl.lit("x").alias("extra"))
    stored = pl.concat(
        [
            stored,
            stored.with_columns(pl.lit("B-1").alias("offer_id")),
            stored.with_columns(pl.lit("C-1").alias("offer_id")),
            stored.with_columns(pl.lit("D-1").alias("offer_id")),
        ]
    )
    on_ozon = _levels([("C-1", 11, 5), ("D-1", 11, 0)])
    carried = carry_products(batch.frame, batch.held, stored, on_ozon, complete=True)
    assert carried["offer_id"].to_list() == ["B-1"]  # its row was quarantined
    carried = carry_products(batch.frame, batch.held, stored, on_ozon, complete=False)
    # Incomplete: whatever Ozon sells that the file lacks stays; D-1 shows 0 already.
    assert carried["offer_id"].to_list() == ["B-1", "C-1"]


def test_drop_gate_measures_each_warehouse_and_products_going_to_zero():
    on_ozon = _levels([(f"P{i}", w, 10) for i in range(20) for w in (1, 2)] + [("BIG", 1, 10_000)])
    # Warehouse 2 empties, but the big item on warehouse 1 keeps total units within 50 %.
    no_wh2 = on_ozon.filter(pl.col("warehouse_id") == 1)
    outcome = checks.stock_drop(no_wh2, on_ozon, 0.5, 0.9)
    assert not outcome.passed
    assert [p["measure"] for p in outcome.examples] == ["units_per_warehouse"]
    assert outcome.examples[0]["warehouse_id"] == 2 and outcome.failed_rows == 20
    # Five small items out of 21 go to zero everywhere: few units, many products.
    five_zero = on_ozon.with_columns(
        pl.when(pl.col("offer_id").is_in(["P0", "P1", "P2", "P3", "P4"]))
        .then(0)
        .otherwise(pl.col("stock"))
        .alias("stock")
    )
    outcome = checks.stock_drop(five_zero, on_ozon, 0.5, 0.1)
    assert [p["measure"] for p in outcome.examples] == ["products_to_zero"]
    assert outcome.examples[0]["products_going_to_zero"] == 5
    assert checks.stock_drop(five_zero, on_ozon, 0.5, 0.3).passed
    assert checks.stock_drop(on_ozon, on_ozon.head(0), 0.5, 0.1).passed  # first sync
