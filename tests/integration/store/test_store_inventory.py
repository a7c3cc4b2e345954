from __future__ import annotations

import json
import time

import polars as pl
import pytest

from resources.store.store import Store

STOCK = "/v2/products/stocks"
PRICES = "/v1/product/import/prices"


def _products(**overrides: list[object]) -> pl.DataFrame:
    data: dict[str, list[object]] = {
        "offer_id": ["A1", "B2", "C3"],
        "barcode": ["4600000000011", "4600000000028", "4600000000035"],
        "name": ["Аспирин 500 мг", "Крем детский", "Бинт"],
        "brand": ["Bayer", "Невская", None],
        "category_code": ["HC-01", "PF-02", "HC-01"],
        "category_name": ["Лекарства", "Косметика", "Лекарства"],
        "vat": ["0.1", "0.2", "0.1"],
        "weight_g": [50, 120, 30],
        "length_mm": [100, 150, 80],
        "width_mm": [50, 60, 40],
        "height_mm": [20, 40, 40],
        "base_price": [199.9, 89.5, 35.0],
        "ozon_enabled": [True, True, False],
    }
    data.update(overrides)
    return pl.DataFrame(data)


def _stock(rows: list[tuple[str, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"offer_id": pl.String, "warehouse_id": pl.Int64, "stock": pl.Int64},
        orient="row",
    )


def _rejected(rows: list[tuple[str, int, int, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "offer_id": pl.String,
            "warehouse_id": pl.Int64,
            "stock": pl.Int64,
            "code": pl.String,
            "message": pl.String,
        },
        orient="row",
    )


def _prices(rows: list[tuple[str, float, float, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "offer_id": pl.String,
            "price": pl.Float64,
            "old_price": pl.Float64,
            "min_price": pl.Float64,
        },
        orient="row",
    )


def test_upsert_products_counts_and_is_idempotent(store: Store) -> None:
    repo = store.inventory
    assert repo.upsert_products(_products()) == {"inserted": 3, "updated": 0, "unchanged": 0}
    first = repo.products()
    assert repo.upsert_products(_products()) == {"inserted": 0, "updated": 0, "unchanged": 3}

    changed = _products(base_price=[199.9, 95.0, 35.0]).vstack(
        _products().head(1).with_columns(pl.lit("D4").alias("offer_id"))
    )
    assert repo.upsert_products(changed) == {"inserted": 1, "updated": 1, "unchanged": 2}

    after = repo.products()
    assert after["offer_id"].to_list() == ["A1", "B2", "C3", "D4"]
    row = after.filter(pl.col("offer_id") == "B2").row(0, named=True)
    assert row["base_price"] == pytest.approx(95.0)
    assert row["name"] == "Крем детский"
    # Only the changed product gets a new timestamp.
    untouched = first.filter(pl.col("offer_id") == "A1")["updated_at"].item()
    assert after.filter(pl.col("offer_id") == "A1")["updated_at"].item() == untouched
    assert row["updated_at"] > first.filter(pl.col("offer_id") == "B2")["updated_at"].item()
    assert str(row["updated_at"].tzinfo) == "UTC"


def test_upsert_products_keeps_columns_the_source_does_not_send(store: Store) -> None:
    repo = store.inventory
    repo.upsert_products(_products())
    partial = pl.DataFrame({"offer_id": ["A1"], "base_price": [210.0]})
    assert repo.upsert_products(partial) == {"inserted": 0, "updated": 1, "unchanged": 0}
    row = repo.products().filter(pl.col("offer_id") == "A1").row(0, named=True)
    assert row["base_price"] == pytest.approx(210.0)
    assert row["weight_g"] == 50
    assert row["ozon_enabled"] is True


def test_upsert_products_rejects_missing_offer_id(store: Store) -> None:
    with pytest.raises(ValueError, match="offer_id"):
        store.inventory.upsert_products(pl.DataFrame({"name": ["x"]}))


def test_set_ozon_ids_fills_product_and_sku(store: Store) -> None:
    repo = store.inventory
    repo.upsert_products(_products())
    repo.set_ozon_ids(
        pl.DataFrame(
            {
                "offer_id": ["A1", "ZZ"],
                "ozon_product_id": [3_000_000_001, 7],
                "ozon_sku": [1_800_000_000_123, 8],
            }
        )
    )
    frame = repo.products().select("offer_id", "ozon_product_id", "ozon_sku")
    assert frame.rows() == [
        ("A1", 3_000_000_001, 1_800_000_000_123),
        ("B2", None, None),
        ("C3", None, None),
    ]
    # A later assortment upsert must not wipe the ids.
    repo.upsert_products(_products(base_price=[1.0, 2.0, 3.0]))
    assert repo.products()["ozon_sku"].to_list()[0] == 1_800_000_000_123


def test_replace_stock_levels_replaces_the_whole_set(store: Store) -> None:
    repo = store.inventory
    assert repo.replace_stock_levels(_stock([("A1", 11, 5), ("A1", 22, 3), ("B2", 11, 0)])) == 3
    assert repo.replace_stock_levels(_stock([("A1", 11, 7)])) == 1
    levels = repo.stock_levels()
    assert levels.select("offer_id", "warehouse_id", "stock").rows() == [("A1", 11, 7)]
    assert levels.schema["warehouse_id"] == pl.Int64


def test_replace_stock_levels_refuses_duplicates_and_keeps_old_set(store: Store) -> None:
    repo = store.inventory
    repo.replace_stock_levels(_stock([("A1", 11, 5)]))
    with pytest.raises(ValueError, match="duplicate"):
        repo.replace_stock_levels(_stock([("B2", 11, 1), ("B2", 11, 2)]))
    assert repo.stock_levels()["offer_id"].to_list() == ["A1"]


def test_replace_price_levels_round_trips_money(store: Store) -> None:
    repo = store.inventory
    repo.replace_price_levels(_prices([("A1", 219.0, 279.0, 199.0), ("B2", 99.99, 0.0, None)]))
    prices = repo.price_levels()
    assert prices.select("offer_id", "price", "old_price", "min_price").rows() == [
        ("A1", 219.0, 279.0, 199.0),
        ("B2", 99.99, 0.0, None),
    ]
    assert prices.schema["price"] == pl.Float64


def test_record_stock_results_moves_errors_from_open_to_resolved(store: Store) -> None:
    repo = store.inventory
    repo.record_stock_results(
        _stock([("A1", 11, 5)]),
        _rejected([("B2", 11, 4, "NOT_FOUND", "offer not found")]),
        run_id="run-1",
        method=STOCK,
    )
    assert repo.ozon_stock_state().select("offer_id", "warehouse_id", "stock").rows() == [
        ("A1", 11, 5)
    ]
    errors = repo.open_sync_errors("stock")
    assert errors.select("offer_id", "warehouse_id", "code", "attempts").rows() == [
        ("B2", 11, "NOT_FOUND", 1)
    ]
    assert json.loads(errors["payload"].item()) == {
        "offer_id": "B2",
        "warehouse_id": 11,
        "stock": 4,
    }

    # Rejected again with another code: same open error, one more attempt, latest code.
    repo.record_stock_results(
        _stock([]),
        _rejected([("B2", 11, 4, "TOO_MANY_REQUESTS", "slow down")]),
        run_id="run-2",
        method=STOCK,
    )
    errors = repo.open_sync_errors("stock")
    assert errors.select("offer_id", "code", "message", "attempts").rows() == [
        ("B2", "TOO_MANY_REQUESTS", "slow down", 2)
    ]
    assert errors["last_seen_at"].item() > errors["first_seen_at"].item()

    # Accepted at last: the error is resolved and the state updated.
    repo.record_stock_results(_stock([("B2", 11, 4)]), _rejected([]), run_id="run-3", method=STOCK)
    assert repo.open_sync_errors().height == 0
    assert repo.ozon_stock_state().select("offer_id", "stock").rows() == [("A1", 5), ("B2", 4)]

    # A new failure after resolution opens a fresh error starting at one attempt.
    repo.record_stock_results(
        _stock([]),
        _rejected([("B2", 11, 9, "STOCK_TOO_BIG", "too big")]),
        run_id="run-4",
        method=STOCK,
    )
    assert repo.open_sync_errors("stock")["attempts"].to_list() == [1]
    assert repo.open_sync_errors("price").height == 0


def test_record_stock_results_audits_old_and_new_values(store: Store) -> None:
    repo = store.inventory
    repo.record_stock_results(_stock([("A1", 11, 5)]), _rejected([]), run_id="r1", method=STOCK)
    repo.record_stock_results(
        _stock([("A1", 11, 8)]),
        _rejected([("A1", 22, 3, "NOT_FOUND", "no warehouse")]),
        run_id="r2",
        method=STOCK,
    )
    entries = store.audit.entries(kind="stock")
    assert entries.select(
        "run_id", "method", "offer_id", "warehouse_id", "old_value", "new_value", "outcome", "code"
    ).sort("run_id", "warehouse_id").rows() == [
        ("r1", STOCK, "A1", 11, None, "5", "accepted", None),
        ("r2", STOCK, "A1", 11, "5", "8", "accepted", None),
        ("r2", STOCK, "A1", 22, None, "3", "rejected", "NOT_FOUND"),
    ]
    # Rejections do not change what Ozon holds.
    assert repo.ozon_stock_state().select("warehouse_id", "stock").rows() == [(11, 8)]


def test_record_price_results_defers_local_rate_limit_without_error(store: Store) -> None:
    repo = store.inventory
    accepted = _prices([("A1", 219.0, 279.0, 199.0)])
    deferred = _prices([("B2", 99.0, 0.0, None)]).with_columns(
        code=pl.lit("LOCAL_RATE_LIMIT"), message=pl.lit("price changed too often")
    )
    rejected = _prices([("C3", 10.0, 5.0, None)]).with_columns(
        code=pl.lit("INVALID_PRICE"), message=pl.lit("old price below price")
    )
    repo.record_price_results(accepted, pl.concat([deferred, rejected]), run_id="p1", method=PRICES)
    assert repo.ozon_price_state().select("offer_id", "price", "old_price", "min_price").rows() == [
        ("A1", 219.0, 279.0, 199.0)
    ]
    errors = repo.open_sync_errors("price")
    assert errors.select("offer_id", "warehouse_id", "code").rows() == [("C3", 0, "INVALID_PRICE")]
    outcomes = dict(store.audit.entries(kind="price").select("offer_id", "outcome").iter_rows())
    assert outcomes == {"A1": "accepted", "B2": "deferred", "C3": "rejected"}

    repo.record_price_results(
        _prices([("A1", 229.0, 279.0, 199.0), ("C3", 10.0, 0.0, None)]),
        _prices([]).head(0),
        run_id="p2",
        method=PRICES,
    )
    assert repo.open_sync_errors("price").height == 0
    latest = (
        store.audit.entries(kind="price", limit=None)
        .filter((pl.col("run_id") == "p2") & (pl.col("offer_id") == "A1"))
        .row(0, named=True)
    )
    assert json.loads(latest["old_value"])["price"] == 219.0
    assert json.loads(latest["new_value"]) == {
        "price": 229.0,
        "old_price": 279.0,
        "min_price": 199.0,
    }


def test_drift_correction_and_forgetting_accepted_state(store: Store) -> None:
    repo = store.inventory
    repo.record_stock_results(
        _stock([("A1", 11, 5), ("B2", 11, 2)]), _rejected([]), run_id="r", method=STOCK
    )
    repo.correct_ozon_stock_state(_stock([("A1", 11, 3)]))
    repo.forget_ozon_stock_state(_stock([("B2", 11, 0)]).select("offer_id", "warehouse_id"))
    assert repo.ozon_stock_state().select("offer_id", "stock").rows() == [("A1", 3)]

    repo.record_price_results(
        _prices([("A1", 100.0, 0.0, None), ("B2", 50.0, 0.0, None)]),
        _prices([]).head(0),
        run_id="p",
        method=PRICES,
    )
    repo.correct_ozon_price_state(_prices([("A1", 120.0, 150.0, None)]))
    repo.forget_ozon_price_state(pl.DataFrame({"offer_id": ["B2"]}))
    assert repo.ozon_price_state().select("offer_id", "price", "old_price").rows() == [
        ("A1", 120.0, 150.0)
    ]


def test_reserved_quantities_sum_only_open_orders(store: Store) -> None:
    repo = store.inventory
    rows = [
        ("P-1", "A1", 11, 2, "awaiting_packaging"),
        ("P-2", "A1", 11, 1, "awaiting_deliver"),
        ("P-3", "A1", 11, 5, "cancelled"),
        ("P-4", "A1", 11, 4, "delivered"),
        ("P-5", "A1", 11, 3, "delivering"),
        ("P-6", "A1", 22, 1, "awaiting_approve"),
        ("P-6", "B2", 22, 2, "awaiting_approve"),
    ]
    frame = pl.DataFrame(
        rows,
        schema=["posting_number", "offer_id", "warehouse_id", "quantity", "status"],
        orient="row",
    )
    assert repo.upsert_reservations(frame) == 7
    assert repo.reserved_quantities().rows() == [("A1", 11, 3), ("A1", 22, 1), ("B2", 22, 2)]

    # The posting moves on: its reservation stops counting.
    repo.upsert_reservations(
        frame.filter(pl.col("posting_number") == "P-1").with_columns(
            pl.lit("delivering").alias("status")
        )
    )
    assert repo.reserved_quantities().filter(pl.col("warehouse_id") == 11).rows() == [("A1", 11, 1)]


def test_bulk_writes_and_reads_of_25k_rows_are_fast(store: Store) -> None:
    n = 25_000
    ids = [f"OFF-{i:06d}" for i in range(n)]
    products = pl.DataFrame(
        {
            "offer_id": ids,
            "name": ["Товар"] * n,
            "base_price": [100.0] * n,
            "ozon_enabled": [True] * n,
            "weight_g": [100] * n,
        }
    )
    stock = pl.DataFrame({"offer_id": ids, "warehouse_id": [11] * n, "stock": list(range(n))})
    started = time.perf_counter()
    assert store.inventory.upsert_products(products)["inserted"] == n
    assert store.inventory.upsert_products(products)["unchanged"] == n
    store.inventory.replace_stock_levels(stock)
    assert store.inventory.stock_levels().height == n
    store.inventory.record_stock_results(
        stock,
        stock.head(0).with_columns(code=pl.lit(""), message=pl.lit("")),
        run_id="bulk",
        method=STOCK,
    )
    assert store.inventory.ozon_stock_state().height == n
    store.inventory.record_stock_results(
        stock.with_columns(pl.col("stock") + 1),
        stock.head(0).with_columns(code=pl.lit(""), message=pl.lit("")),
        run_id="bulk-2",
        method=STOCK,
    )
    history = store.audit.entries(offer_id="OFF-000007").select("run_id", "old_value", "new_value")
    assert history.rows() == [("bulk-2", "7", "8"), ("bulk", None, "7")]
    # Generous bound for slow CI machines; locally this is about a second on either backend.
    assert time.perf_counter() - started < 15
