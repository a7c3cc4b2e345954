from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from resources.sources import ASSORTMENT_SCHEMA, OZON_VAT_RATES, FileDropInfor, FileDropSap
from sample_data.generator import GenerationSummary, change_stock, ean13, generate
from sample_data.vocabulary import CATEGORIES


def _digest(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*.csv"))
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    return generate(tmp_path_factory.mktemp("data"), skus=3_000, seed=11)


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    generate(tmp_path / "a", skus=500, seed=3)
    generate(tmp_path / "b", skus=500, seed=3)
    generate(tmp_path / "c", skus=500, seed=4)
    first, again, other = (_digest(tmp_path / d) for d in "abc")

    assert len(first) == 4  # SAP, Infor, Art-Trade content and characteristics
    assert first == again
    assert first["sap/assortment.csv"] != other["sap/assortment.csv"]
    assert set(first.values()).isdisjoint(other.values())


def test_files_look_like_a_russian_excel_export(generated: GenerationSummary) -> None:
    data = generated.assortment_file.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    header, first = text.split("\r\n")[:2]
    assert header.split(";")[0] == "offer_id"
    assert first.count(";") == 12
    assert "\u00a0" in text  # thousands separator in prices and weights
    assert generated.stock_file.name == f"stock_{generated.taken_at:%Y%m%dT%H%M%S}.csv"
    assert generated.stock_file.parent == generated.out_dir / "infor" / "stock"


def test_planted_bad_rows_are_exactly_what_the_adapters_quarantine(
    generated: GenerationSummary,
) -> None:
    sap = FileDropSap(generated.out_dir).read_assortment()
    infor = FileDropInfor(generated.out_dir)
    stock = infor.read_stock_snapshot(infor.latest_stock_snapshot())

    planted = {(b.file, b.line) for b in generated.bad_rows}
    found = {(q.file, q.line) for q in [*sap.quarantined, *stock.quarantined]}
    assert found == planted
    assert generated.bad_row_count == 5
    assert {b.kind for b in generated.bad_rows} == {
        "missing_offer_id", "bad_price", "bad_barcode", "duplicate_offer_id", "negative_on_hand"
    }  # fmt: skip
    reasons = {b.kind: q.reason for b in generated.bad_rows
               for q in [*sap.quarantined, *stock.quarantined] if q.line == b.line}  # fmt: skip
    assert reasons["bad_price"] == "base_price is not a number: '12,3,4'"
    assert reasons["duplicate_offer_id"].startswith("duplicate offer_id")
    assert reasons["negative_on_hand"].startswith("on_hand is negative")

    assert sap.rows_loaded == generated.skus
    assert stock.rows_loaded == generated.stock_rows - 1


def test_assortment_is_plausible(generated: GenerationSummary) -> None:
    frame = FileDropSap(generated.out_dir).read_assortment().frame

    assert frame["offer_id"].is_unique().all()
    assert frame["barcode"].is_unique().all()
    assert all(ean13(b[:12]) == b for b in frame["barcode"].to_list())
    assert set(frame["vat"].unique()) <= set(OZON_VAT_RATES)
    assert 20 <= frame["category_code"].n_unique() <= 40
    assert frame["category_code"].str.slice(0, 2).unique().sort().to_list() == [
        "CO", "HC", "HG", "HY", "PF"
    ]  # fmt: skip
    assert 0.95 < frame["ozon_enabled"].mean() < 0.99
    assert frame.select(pl.col("weight_g", "length_mm", "base_price").min()).row(0) > (0, 0, 0)
    perfume = frame.filter(pl.col("category_code").str.starts_with("PF-"))
    sponges = frame.filter(pl.col("category_code") == "HG-0101")
    assert perfume["base_price"].median() > 5 * sponges["base_price"].median()
    assert frame["name"].str.contains("мл").any()
    assert dict(frame.schema) == ASSORTMENT_SCHEMA
    assert generated.categories == frame["category_code"].n_unique() <= len(CATEGORIES)


def test_without_bad_rows_everything_loads_and_valid_rows_are_unchanged(tmp_path: Path) -> None:
    clean = generate(tmp_path / "clean", skus=400, seed=5, bad_rows=False)
    dirty = generate(tmp_path / "dirty", skus=400, seed=5, bad_rows=True)

    clean_sap = FileDropSap(clean.out_dir).read_assortment()
    dirty_sap = FileDropSap(dirty.out_dir).read_assortment()
    assert clean.bad_row_count == 0 and clean_sap.quarantined == []
    assert clean_sap.frame.equals(dirty_sap.frame)


def test_ean13_check_digit() -> None:
    assert ean13("460123456789") == "4601234567893"
    assert ean13("400638133393") == "4006381333931"


def test_change_stock_changes_about_the_share_and_nothing_else(tmp_path: Path) -> None:
    summary = generate(tmp_path, skus=5_000, seed=2, sites=("MSK1", "SPB1", "EKB1"))
    infor = FileDropInfor(tmp_path)
    before_ref = infor.latest_stock_snapshot()

    path = change_stock(tmp_path, share=0.01, seed=9)

    after_ref = infor.latest_stock_snapshot()
    assert after_ref is not None and after_ref.path == path
    assert after_ref.name > before_ref.name
    before = infor.read_stock_snapshot(before_ref)
    after = infor.read_stock_snapshot(after_ref)
    assert after.frame.height == before.frame.height
    joined = before.frame.join(after.frame, on=["offer_id", "site"], suffix="_new")
    assert joined.height == before.frame.height
    changed = joined.filter(pl.col("on_hand") != pl.col("on_hand_new")).height
    assert changed == round(0.01 * summary.stock_rows)
    # Lines not chosen are copied byte for byte, the planted bad row included.
    old_lines = before_ref.path.read_bytes().split(b"\r\n")
    new_lines = path.read_bytes().split(b"\r\n")
    assert sum(a != b for a, b in zip(old_lines, new_lines, strict=True)) == changed
    assert [q.line for q in after.quarantined] == [q.line for q in before.quarantined]


def test_change_stock_at_a_given_time_and_is_reproducible(tmp_path: Path) -> None:
    generate(tmp_path / "x", skus=300, seed=1)
    generate(tmp_path / "y", skus=300, seed=1)
    at = datetime(2026, 3, 1, 12, 30, 0)

    a = change_stock(tmp_path / "x", share=0.1, seed=4, at=at)
    b = change_stock(tmp_path / "y", share=0.1, seed=4, at=at)

    assert a.name == "stock_20260301T123000.csv"
    assert a.read_bytes() == b.read_bytes()


def test_change_stock_needs_a_snapshot(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no Infor stock snapshot"):
        change_stock(tmp_path, share=0.01, seed=1)
