from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from resources.sources import ASSORTMENT_SCHEMA, STOCK_SCHEMA, SourceFileError
from resources.sources.parsing import parse_assortment, parse_stock
from tests.support.sources import ASSORTMENT_HEADER, WriteFile, product_line


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", True), ("utf-8", False), ("cp1251", False)]
)
def test_reads_russian_excel_export_in_any_encoding(
    write_file: WriteFile, encoding: str, bom: bool
) -> None:
    path = write_file(
        "assortment.csv", [ASSORTMENT_HEADER, product_line()], encoding=encoding, bom=bom
    )

    batch = parse_assortment(path)

    assert batch.quarantined == []
    row = batch.frame.row(0, named=True)
    assert row["offer_id"] == "NVX-1"
    assert row["name"] == "Шампунь Herbaria для окрашенных волос 250 мл"
    assert row["category_name"] == "Шампуни"
    assert row["base_price"] == 1299.90
    assert row["weight_g"] == 270.5
    assert row["vat"] == "0.2"
    assert row["ozon_enabled"] is True


def test_comma_separated_quoted_file_with_mixed_case_header_in_any_order(
    write_file: WriteFile,
) -> None:
    header = (
        "Base_Price,OFFER_ID,Barcode,Name,Brand,Category_Code,Category_Name,VAT,Weight_g,"
        "Length_mm,Width_mm,Height_mm,Ozon_Enabled,Comment"
    )
    line = (
        '"1 234,50", NVX-7 ,4600000000008,"Крем для рук ""Бархат"", 75 мл",Herbaria,CO-0202,'
        '"Кремы для рук",0.22,"80,5",50,30,120,true,"anything, here"'
    )
    batch = parse_assortment(write_file("assortment.csv", [header, line], newline="\n"))

    assert batch.quarantined == []
    row = batch.frame.row(0, named=True)
    assert row["offer_id"] == "NVX-7"
    assert row["name"] == 'Крем для рук "Бархат", 75 мл'
    assert row["base_price"] == 1234.5
    assert row["weight_g"] == 80.5
    assert row["vat"] == "0.22"
    assert batch.frame.columns == list(ASSORTMENT_SCHEMA)
    assert dict(batch.frame.schema) == ASSORTMENT_SCHEMA


@pytest.mark.parametrize(
    ("written", "ozon"),
    [("0", "0"), ("5%", "0.05"), ("7", "0.07"), ("0,1", "0.1"), ("20 %", "0.2"),
     ("0.22", "0.22"), ("Без НДС", "0")],
)  # fmt: skip
def test_vat_is_normalised_to_ozon_strings(write_file: WriteFile, written: str, ozon: str) -> None:
    path = write_file("a.csv", [ASSORTMENT_HEADER, product_line(vat=written)])
    assert parse_assortment(path).frame["vat"].to_list() == [ozon]


@pytest.mark.parametrize(
    ("written", "enabled"),
    [("1", True), ("0", False), ("Y", True), ("N", False), ("Да", True), ("нет", False),
     ("TRUE", True), ("false", False), ("", False)],
)  # fmt: skip
def test_ozon_enabled_accepts_the_usual_spellings(
    write_file: WriteFile, written: str, enabled: bool
) -> None:
    path = write_file("a.csv", [ASSORTMENT_HEADER, product_line(enabled=written)])
    assert parse_assortment(path).frame["ozon_enabled"].to_list() == [enabled]


def test_each_kind_of_bad_row_is_quarantined_and_the_rest_loads(write_file: WriteFile) -> None:
    lines = [
        ASSORTMENT_HEADER,
        product_line("OK-1"),  # line 2
        product_line(""),  # 3: missing key
        product_line("BAD-PRICE", barcode="4600000000015", price="12,3,4"),  # 4
        product_line("BAD-EAN", barcode="4600000000016"),  # 5
        product_line("BAD-VAT", barcode="4600000000022", vat="18"),  # 6
        product_line("X" * 51, barcode="4600000000039"),  # 7
        product_line("OK-1", barcode="4600000000046", name="Повтор"),  # 8: duplicate
        product_line("NEG", barcode="4600000000053", weight="-5"),  # 9
        product_line("OK-2", barcode="4600000000060"),  # 10
    ]
    path = write_file("assortment_2026.csv", lines)

    batch = parse_assortment(path)

    # A bad optional field (barcode, weight) costs that field only: the row loads without it.
    assert batch.frame["offer_id"].to_list() == ["OK-1", "BAD-EAN", "NEG", "OK-2"]
    loaded = {r["offer_id"]: r for r in batch.frame.to_dicts()}
    assert loaded["BAD-EAN"]["barcode"] is None and loaded["NEG"]["weight_g"] is None
    assert loaded["NEG"]["barcode"] == "4600000000053"
    assert batch.frame.row(0, named=True)["name"].startswith("Шампунь")  # the first one wins
    rows = {q.line: q.reason for q in batch.quarantined if q.field is None}
    fields = {q.line: (q.field, q.reason) for q in batch.quarantined if q.field is not None}
    assert sorted(rows) == [3, 4, 6, 7, 8]
    assert rows[3] == "offer_id is empty"
    assert "base_price is not a number: '12,3,4'" in rows[4]
    assert "vat '18' is not an Ozon VAT rate" in rows[6]
    assert "offer_id is 51 characters long (max 50)" in rows[7]
    assert rows[8] == "duplicate offer_id 'OK-1' (first on line 2)"
    assert fields[5][0] == "barcode" and "bad check digit (expected 5)" in fields[5][1]
    assert fields[9][0] == "weight_g" and "weight_g is negative" in fields[9][1]
    assert fields[9][1].endswith("row loaded without weight_g")
    for q in batch.quarantined:
        assert q.source == "sap"
        assert q.file == "assortment_2026.csv"
        assert q.raw == lines[q.line - 1]
    assert (batch.rows_read, batch.rows_loaded, batch.rows_quarantined) == (9, 4, 5)
    assert batch.fields_quarantined == 2
    assert (batch.lines.total, batch.lines.loaded, batch.lines.quarantined) == (10, 4, 5)
    # The bad rows' products are held, not treated as gone; the duplicate is not.
    assert sorted(batch.held["offer_id"].to_list()) == ["BAD-PRICE", "BAD-VAT"]
    assert batch.unidentified == 2  # the empty and the over-long offer_id


def test_stock_bad_rows_and_duplicates_per_offer_and_site(write_file: WriteFile) -> None:
    lines = [
        "offer_id;site;on_hand;allocated",
        "A;MSK1;1 200;3",  # 2: thousands separator
        "A;SPB1;5;0",  # 3: same offer at another site is fine
        "B;MSK1;-4;0",  # 4
        "C;MSK1;12,5;0",  # 5
        "D;MSK1;abc;0",  # 6
        "A;MSK1;7;0",  # 7: duplicate (offer, site)
        ";MSK1;1;0",  # 8
        "E;;1;0",  # 9
        "F;SPB1;8,0;1",  # 10: a whole number written with a decimal comma
    ]
    batch = parse_stock(write_file("infor/stock/stock_20260101T000000.csv", lines))

    assert batch.frame.to_dicts() == [
        {"offer_id": "A", "site": "MSK1", "on_hand": 1200, "allocated": 3},
        {"offer_id": "A", "site": "SPB1", "on_hand": 5, "allocated": 0},
        {"offer_id": "F", "site": "SPB1", "on_hand": 8, "allocated": 1},
    ]
    assert dict(batch.frame.schema) == STOCK_SCHEMA
    found = {q.line: q.reason for q in batch.quarantined}
    assert found == {
        4: "on_hand is negative: -4",
        5: "on_hand is not a whole number: '12,5'",
        6: "on_hand is not a whole number: 'abc'",
        7: "duplicate offer_id/site 'A/MSK1' (first on line 2)",
        8: "offer_id is empty",
        9: "site is empty",
    }


def test_blank_and_separator_only_lines_are_skipped_without_shifting_line_numbers(
    write_file: WriteFile,
) -> None:
    lines = ["", "offer_id;site;on_hand;allocated", "A;MSK1;1;0", "", ";;;", "B;MSK1;-1;0", ""]
    batch = parse_stock(write_file("stock.csv", lines))

    assert batch.frame["offer_id"].to_list() == ["A"]
    assert [(q.line, q.raw) for q in batch.quarantined] == [(6, "B;MSK1;-1;0")]
    assert batch.rows_read == 2


def test_quoted_field_spanning_lines_keeps_line_numbers(write_file: WriteFile) -> None:
    lines = [
        ASSORTMENT_HEADER,
        product_line("M-1", name='"Гель для душа\nс маслом ши"'),  # lines 2-3
        product_line("M-2", barcode="4600000000015", price="oops"),  # line 4
    ]
    batch = parse_assortment(write_file("a.csv", lines, newline="\n"))

    assert batch.frame["name"].to_list() == ["Гель для душа\nс маслом ши"]
    assert [(q.line, q.reason) for q in batch.quarantined] == [
        (4, "base_price is not a number: 'oops'")
    ]


def test_missing_columns_name_the_file_and_the_columns(write_file: WriteFile) -> None:
    path = write_file("infor/stock/stock_20260101T000000.csv", ["offer_id;site;qty", "A;MSK1;1"])

    with pytest.raises(SourceFileError) as caught:
        parse_stock(path)

    assert caught.value.missing_columns == ("on_hand", "allocated")
    assert str(path) in str(caught.value)
    assert "on_hand, allocated" in str(caught.value)


def test_file_without_header_is_rejected(write_file: WriteFile) -> None:
    with pytest.raises(SourceFileError, match="no header row"):
        parse_stock(write_file("stock.csv", ["", "   "]))


def test_header_only_file_gives_an_empty_typed_frame(write_file: WriteFile) -> None:
    batch = parse_stock(write_file("stock.csv", ["offer_id;site;on_hand;allocated"]))
    assert batch.frame.is_empty()
    assert dict(batch.frame.schema) == STOCK_SCHEMA


def test_unreadable_file_raises_source_file_error(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="cannot be read"):
        parse_stock(tmp_path / "missing.csv")


def test_a_large_stock_file_is_read_whole_and_every_line_accounted_for(tmp_path: Path) -> None:
    # Speed is shown by `novex bench`, not asserted here: this checks the bulk path at size.
    n = 300_000
    frame = pl.DataFrame(
        {
            "offer_id": [f"NVX-{i:07d}" for i in range(n)],
            "site": ["MSK1"] * n,
            "on_hand": [str(i % 500) for i in range(n)],
            "allocated": ["0"] * n,
        }
    )
    path = tmp_path / "stock.csv"
    frame.write_csv(path, separator=";")

    batch = parse_stock(path)

    assert batch.rows_loaded == n
    assert batch.frame["on_hand"].sum() == sum(i % 500 for i in range(n))
    assert (batch.lines.total, batch.lines.loaded) == (n + 1, n)
