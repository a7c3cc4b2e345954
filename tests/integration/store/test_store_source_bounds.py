"""Values a store column cannot hold stop at the parser, identically on SQLite and PostgreSQL.

Before, PostgreSQL alone refused a NUL byte, a weight of 2^31, a 65-character category code or a
price of 1e10 with a raw driver error, and SQLite silently kept them.
"""

from __future__ import annotations

from pathlib import Path

from resources.sources.parsing import parse_assortment, parse_stock
from resources.store.store import Store
from tests.support.sources import ASSORTMENT_HEADER, STOCK_HEADER, product_line


def test_an_export_at_and_beyond_the_column_limits_loads_what_fits(
    store: Store, tmp_path: Path
) -> None:
    lines = [
        ASSORTMENT_HEADER,
        product_line("OK-1", weight="2147483647", price="9999999999,99"),  # exactly at the limit
        product_line("W-1", barcode="4600000000015", weight="2147483648"),
        product_line("P-1", barcode="4600000000022", price="10000000000"),
        product_line("C-1", barcode="4600000000039").replace("CO-0101", "C" * 65),
        product_line("B-1", barcode="4600000000046").replace("Herbaria", "Б" * 256),
        product_line("N-1", barcode="4600000000053", name="Крем\x00"),
        product_line("X" * 50, barcode="4600000000060"),
    ]
    path = tmp_path / "assortment.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = parse_assortment(path)

    counts = store.inventory.upsert_products(batch.frame)
    assert store.quarantine.add(batch.quarantined) == len(batch.quarantined)

    assert counts["inserted"] == 4
    products = {r["offer_id"]: r for r in store.inventory.products().to_dicts()}
    assert sorted(products) == ["B-1", "OK-1", "W-1", "X" * 50]
    assert products["OK-1"]["weight_g"] == 2147483647
    assert products["OK-1"]["base_price"] == 9999999999.99
    assert products["W-1"]["weight_g"] is None and products["B-1"]["brand"] is None
    stored = store.quarantine.list("sap")
    assert set(stored["line"].to_list()) == {3, 4, 5, 6, 7}
    nul = stored.filter(stored["line"] == 7).row(0, named=True)
    assert "control character" in nul["reason"] and "\\x00" in nul["raw"]


def test_a_stock_export_with_nul_and_huge_numbers(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "stock_20260101T000000.csv"
    path.write_bytes(
        (STOCK_HEADER + "\nA;MSK1;1;0\nB;MSK1;99999999999999999999;0\n").encode()
        + b"C\x00;MSK1;1;0\n"
    )
    batch = parse_stock(path)
    assert store.quarantine.add(batch.quarantined) == 2
    store.snapshots.mark_loaded("infor", path.name, batch.lines.loaded, batch.lines.quarantined)
    assert store.snapshots.recent_data_lines("infor") == [3]
    assert store.quarantine.list("infor")["raw"].to_list() == [
        "B;MSK1;99999999999999999999;0",
        "C\\x00;MSK1;1;0",
    ]
