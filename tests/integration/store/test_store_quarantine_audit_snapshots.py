from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import polars as pl

from resources.sources.models import QuarantinedRow
from resources.store.store import Store


def _rows() -> list[QuarantinedRow]:
    return [
        QuarantinedRow(
            source="sap",
            file="assortment_1.csv",
            line=7,
            reason="bad VAT '18'",
            raw="A1;Аспирин;18",
        ),
        QuarantinedRow(
            source="sap", file="assortment_1.csv", line=9, reason="empty offer_id", raw=";Крем;20"
        ),
        QuarantinedRow(
            source="infor", file="stock_1.csv", line=2, reason="negative on_hand", raw="A1;MSK1;-3"
        ),
    ]


def test_quarantine_add_is_idempotent_per_source_file_line_reason(store: Store) -> None:
    repo = store.quarantine
    assert repo.add(_rows()) == 3
    first_seen = repo.list()["first_seen_at"].to_list()
    # Re-reading the same files adds nothing; a new problem on a known line is new.
    again = [*_rows(), _rows()[0].model_copy(update={"reason": "unknown category"})]
    assert repo.add(again) == 1
    assert repo.count() == 4
    assert repo.count("sap") == 3
    assert repo.count("infor") == 1
    listed = repo.list("sap")
    assert listed.select("file", "line", "reason").rows() == [
        ("assortment_1.csv", 7, "bad VAT '18'"),
        ("assortment_1.csv", 7, "unknown category"),
        ("assortment_1.csv", 9, "empty offer_id"),
    ]
    assert listed["raw"][0] == "A1;Аспирин;18"
    known = repo.list().filter(pl.col("reason") == "bad VAT '18'")
    assert known["first_seen_at"].item() in first_seen
    assert known["last_seen_at"].item() > known["first_seen_at"].item()


def test_quarantine_accepts_mappings_and_duplicates_within_one_call(store: Store) -> None:
    row = {"source": "infor", "file": "s.csv", "line": None, "reason": "no header", "raw": None}
    assert store.quarantine.add([row, row]) == 1
    assert store.quarantine.list().select("line", "raw").rows() == [(0, "")]
    assert store.quarantine.add([]) == 0


def test_audit_entries_filter_by_kind_time_and_limit(store: Store) -> None:
    stock = pl.DataFrame({"offer_id": ["A1", "B2"], "warehouse_id": [11, 11], "stock": [1, 2]})
    empty_rejects = stock.head(0).with_columns(code=pl.lit(""), message=pl.lit(""))
    store.inventory.record_stock_results(
        stock, empty_rejects, run_id="r1", method="/v2/products/stocks"
    )
    prices = pl.DataFrame(
        {"offer_id": ["A1"], "price": [10.0], "old_price": [0.0], "min_price": [None]},
        schema_overrides={"min_price": pl.Float64},
    )
    store.inventory.record_price_results(
        prices,
        prices.head(0).with_columns(code=pl.lit(""), message=pl.lit("")),
        run_id="r2",
        method="/v1/product/import/prices",
    )
    everything = store.audit.entries()
    assert everything.height == 3
    assert everything["id"].to_list() == sorted(everything["id"].to_list(), reverse=True)
    assert store.audit.entries(kind="stock")["offer_id"].sort().to_list() == ["A1", "B2"]
    assert store.audit.entries(limit=1)["kind"].to_list() == ["price"]
    assert store.audit.entries(offer_id="B2").height == 1
    future = datetime.now(UTC) + timedelta(minutes=5)
    assert store.audit.entries(since=future).height == 0
    assert store.audit.entries(since=future - timedelta(hours=1)).height == 3


def test_snapshots_remember_what_was_loaded(store: Store) -> None:
    repo = store.snapshots
    assert repo.last_loaded("infor") is None
    assert not repo.is_loaded("infor", "stock_20261127_0800.csv")
    repo.mark_loaded("infor", "stock_20261127_0800.csv", rows=1200, quarantined=3)
    time.sleep(0.01)
    repo.mark_loaded("infor", "stock_20261127_0900.csv", rows=1210, quarantined=0)
    repo.mark_loaded("sap", "assortment_20261127.csv", rows=25000, quarantined=12)
    assert repo.is_loaded("infor", "stock_20261127_0800.csv")
    assert not repo.is_loaded("sap", "stock_20261127_0800.csv")
    assert repo.last_loaded("infor") == "stock_20261127_0900.csv"
    # Reloading an older file makes it the latest processed one; no duplicate row.
    time.sleep(0.01)
    repo.mark_loaded("infor", "stock_20261127_0800.csv", rows=1200, quarantined=3)
    assert repo.last_loaded("infor") == "stock_20261127_0800.csv"
