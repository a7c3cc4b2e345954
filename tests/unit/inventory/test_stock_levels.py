from __future__ import annotations

import polars as pl

from novex_assets.inventory.stock import compute_stock_levels

NO_RESERVATIONS = pl.DataFrame(
    schema={"offer_id": pl.String, "warehouse_id": pl.Int64, "reserved": pl.Int64}
)


def _stock(rows: list[tuple[str, str, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["offer_id", "site", "on_hand", "allocated"], orient="row")


def _as_dict(levels: pl.DataFrame) -> dict[tuple[str, int], int]:
    return {(o, w): s for o, w, s in levels.iter_rows()}


def test_free_stock_is_on_hand_minus_allocated_reserved_and_buffer(settings, assortment):
    stock = _stock([("A1", "MSK1", 20, 3), ("A1", "SPB1", 10, 0)])
    reserved = pl.DataFrame({"offer_id": ["A1"], "warehouse_id": [11], "reserved": [4]})
    levels, stats = compute_stock_levels(assortment, stock, reserved, settings)
    got = _as_dict(levels)
    assert got[("A1", 11)] == 20 - 3 - 4 - 2
    assert got[("A1", 22)] == 10 - 2
    assert stats.reserved_units == 4


def test_sites_mapped_to_one_warehouse_are_summed(settings, assortment):
    stock = _stock([("A1", "MSK1", 10, 0), ("A1", "MSK2", 7, 1)])
    levels, _ = compute_stock_levels(assortment, stock, NO_RESERVATIONS, settings)
    assert _as_dict(levels)[("A1", 11)] == 10 + 7 - 1 - 2


def test_below_minimum_publishes_zero_and_override_applies(settings, assortment):
    stock = _stock([("A1", "MSK1", 4, 0), ("PF1", "MSK1", 1, 0)])
    levels, stats = compute_stock_levels(assortment, stock, NO_RESERVATIONS, settings)
    got = _as_dict(levels)
    assert got[("A1", 11)] == 0  # 4 - 2 = 2 < min_to_publish 3
    assert got[("PF1", 11)] == 1  # perfume: no buffer, minimum 1
    assert stats.below_minimum_pairs == 1


def test_cap_per_offer_pattern_and_default_cap(settings, assortment):
    stock = _stock([("CAP-1", "MSK1", 50, 0), ("A1", "SPB1", 500, 0)])
    levels, stats = compute_stock_levels(assortment, stock, NO_RESERVATIONS, settings)
    got = _as_dict(levels)
    assert got[("CAP-1", 11)] == 5
    assert got[("A1", 22)] == 100
    assert stats.capped_pairs == 2


def test_every_enabled_product_gets_every_warehouse_missing_stock_is_zero(settings, assortment):
    stock = _stock([("OFF1", "MSK1", 50, 0), ("GHOST", "MSK1", 9, 0), ("A1", "NOWHERE", 9, 0)])
    levels, stats = compute_stock_levels(assortment, stock, NO_RESERVATIONS, settings)
    got = _as_dict(levels)
    assert len(got) == 3 * 2
    assert ("OFF1", 11) not in got  # switched off in SAP: the diff zeroes it on Ozon
    assert got[("PF1", 22)] == 0
    assert ("GHOST", 11) not in got
    assert stats.unknown_offer_rows == 1
    assert stats.unmapped_site_rows == 1
    assert stats.unmapped_sites == {"NOWHERE": 1}  # named, so a mistyped site code shows
    assert stats.disabled_products == 1


def test_never_negative_even_when_reservations_exceed_stock(settings, assortment):
    stock = _stock([("A1", "MSK1", 1, 5)])
    reserved = pl.DataFrame({"offer_id": ["A1"], "warehouse_id": [11], "reserved": [3]})
    levels, _ = compute_stock_levels(assortment, stock, reserved, settings)
    assert levels["stock"].min() == 0
