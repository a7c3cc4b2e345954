"""Truly messy exports: each problem costs its own line (or field), never the rest of the file."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from resources.sources import SourceBatch, SourceFileError
from resources.sources.parsing import parse_assortment, parse_stock
from tests.support.sources import ASSORTMENT_HEADER, STOCK_HEADER, product_line

ROWS = [f"NVX-{i};MSK1;{i + 10};1" for i in range(1, 21)]


def _write(tmp_path: Path, data: bytes, name: str = "stock_20260101T000000.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _stock(tmp_path: Path, lines: list[str], newline: str = "\r\n", **kw: object) -> SourceBatch:
    text = newline.join([STOCK_HEADER, *lines]) + newline
    return parse_stock(_write(tmp_path, text.encode(str(kw.get("encoding", "utf-8")))))


def _accounted(batch: SourceBatch) -> None:
    n = batch.lines
    assert n.total == n.header + n.blank + n.trailer + n.loaded + n.quarantined


def test_a_stray_quote_costs_its_line_not_the_rest_of_the_file(tmp_path: Path) -> None:
    lines = [*ROWS[:5], 'NVX-99;"MSK1;5;0', *ROWS[5:]]
    batch = _stock(tmp_path, lines)

    assert batch.rows_loaded == len(ROWS)
    (bad,) = batch.quarantined
    assert bad.line == 7 and "never closed" in bad.reason
    assert bad.raw == 'NVX-99;"MSK1;5;0'
    _accounted(batch)
    assert (batch.lines.loaded, batch.lines.quarantined) == (20, 1)
    # The broken line cannot prove which product it was: the file proves nothing is gone.
    assert batch.unidentified == 1


def test_two_stray_quotes_never_swallow_the_record_between_them(tmp_path: Path) -> None:
    lines = [
        ASSORTMENT_HEADER,
        product_line("A-1", name='"Крем'),
        product_line("A-2", barcode="4600000000015"),
        product_line("A-3", barcode="4600000000022", name='Бархат"'),
    ]
    path = _write(tmp_path, ("\n".join(lines) + "\n").encode(), "assortment.csv")
    batch = parse_assortment(path)

    assert batch.frame["offer_id"].to_list() == ["A-2", "A-3"]
    assert batch.frame["name"][1] == 'Бархат"'  # a quote inside a field is a character
    assert [q.line for q in batch.quarantined] == [2]
    _accounted(batch)


def test_quote_inside_a_key_is_quarantined_not_loaded_as_another_product(tmp_path: Path) -> None:
    batch = _stock(tmp_path, ['NV"X-1;MSK1;5;0', *ROWS[1:]])
    assert "offer_id contains a quote" in batch.quarantined[0].reason
    assert batch.unidentified == 1


def test_excel_trailing_separators_in_header_and_rows(tmp_path: Path) -> None:
    text = STOCK_HEADER + ";\r\n" + "".join(f"{r};\r\n" for r in ROWS[:3]) + ROWS[3] + ";;;\r\n"
    batch = parse_stock(_write(tmp_path, text.encode()))
    assert batch.rows_loaded == 4 and batch.quarantined == []
    _accounted(batch)


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),  # no BOM: recognised by its NUL bytes
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-8", b""),
        ("cp1251", b""),
    ],
)
@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_every_encoding_and_line_end(
    tmp_path: Path, encoding: str, prefix: bytes, newline: str
) -> None:
    lines = [*ROWS[:3], "НВХ-7;SPB1;4;0"]
    text = newline.join([STOCK_HEADER, *lines]) + newline
    batch = parse_stock(_write(tmp_path, prefix + text.encode(encoding)))

    assert batch.quarantined == []
    assert batch.frame["offer_id"].to_list()[-1] == "НВХ-7"
    assert batch.lines.total == 5 and batch.lines.loaded == 4
    _accounted(batch)


def test_mixed_line_ends_and_a_stray_carriage_return(tmp_path: Path) -> None:
    text = f"{STOCK_HEADER}\r\n{ROWS[0]}\n{ROWS[1]}\r\nNVX-9;MSK1;4\r;0\n{ROWS[2]}\r\n"
    batch = parse_stock(_write(tmp_path, text.encode()))
    assert batch.rows_loaded == 3
    (bad,) = batch.quarantined
    assert bad.line == 4 and "control character" in bad.reason and bad.raw == "NVX-9;MSK1;4\\x0d;0"
    _accounted(batch)


def test_a_line_in_another_encoding_costs_that_line(tmp_path: Path) -> None:
    good = (STOCK_HEADER + "\n" + "\n".join([*ROWS[:3], "НВХ-7;SPB1;4;0"]) + "\n").encode()
    path = _write(tmp_path, good + "НВХ-8;SPB1;4;0\n".encode("cp1251") + b"NVX-9;SPB1;1;0\n")
    batch = parse_stock(path)
    assert batch.rows_loaded == 5
    (bad,) = batch.quarantined
    assert bad.line == 6 and "not valid UTF-8" in bad.reason
    _accounted(batch)


def test_mixed_separators(tmp_path: Path) -> None:
    batch = _stock(tmp_path, [ROWS[0], "NVX-2,MSK1,7,0", "NVX-3,MSK1;7;0", ROWS[3]])
    assert batch.frame.filter(pl.col("offer_id") == "NVX-2")["on_hand"].to_list() == [7]
    (bad,) = batch.quarantined
    assert bad.line == 4 and "the line has 3 fields, the header has 4" in bad.reason
    _accounted(batch)


def test_site_codes_are_normalised(tmp_path: Path) -> None:
    # Lower case, and Cyrillic М/К typed for the Latin letters.
    batch = _stock(tmp_path, ["NVX-1;msk1;5;0", "NVX-2;\u041cS\u041a1;6;0", "NVX-3;СПБ1;1;0"])
    assert batch.frame["site"].to_list() == ["MSK1", "MSK1"]
    (bad,) = batch.quarantined
    assert bad.line == 4 and "has characters other than Latin letters" in bad.reason


def test_look_alike_category_code_is_normalised(tmp_path: Path) -> None:
    line = product_line("A-1").replace("CO-0101", "С\u041e-0101")  # Cyrillic С and О
    path = _write(tmp_path, f"{ASSORTMENT_HEADER}\n{line}\n".encode(), "assortment.csv")
    assert parse_assortment(path).frame["category_code"].to_list() == ["CO-0101"]


@pytest.mark.parametrize(
    ("written", "loaded"),
    [("1 000", 1000), ("1.000.000", 1_000_000), ("1000", 1000), ("8,0", 8), ("0,000", 0)],
)
def test_unambiguous_quantities(tmp_path: Path, written: str, loaded: int) -> None:
    batch = _stock(tmp_path, [f"NVX-1;MSK1;{written};0"])
    assert batch.frame["on_hand"].to_list() == [loaded]


@pytest.mark.parametrize("written", ["1.000", "1,000", "12.500"])
def test_a_thousands_separator_alone_is_ambiguous_and_never_guessed(
    tmp_path: Path, written: str
) -> None:
    batch = _stock(tmp_path, [f"NVX-1;MSK1;{written};0", ROWS[1]])
    assert batch.rows_loaded == 1
    assert "is ambiguous" in batch.quarantined[0].reason
    assert batch.held.to_dicts() == [{"offer_id": "NVX-1", "site": "MSK1"}]
    assert batch.unidentified == 0  # its key is sound: only that pair is held


def test_numbers_beyond_the_store_are_quarantined_with_the_line(tmp_path: Path) -> None:
    batch = _stock(
        tmp_path, ["NVX-1;MSK1;99999999999999999999;0", "NVX-2;MSK1;2147483648;0", ROWS[2]]
    )
    assert batch.rows_loaded == 1
    reasons = [q.reason for q in batch.quarantined]
    assert all("on_hand is too large" in r and "max 2147483647" in r for r in reasons)


def test_values_the_store_columns_cannot_hold(tmp_path: Path) -> None:
    lines = [
        ASSORTMENT_HEADER,
        product_line("OK-1"),
        product_line("W-1", barcode="4600000000015", weight="2147483648"),  # field only
        product_line("P-1", barcode="4600000000022", price="10000000000"),
        product_line("C-1", barcode="4600000000039").replace("CO-0101", "C" * 65),
        product_line("B-1", barcode="4600000000046").replace("Herbaria", "Б" * 256),
    ]
    path = _write(tmp_path, ("\n".join(lines) + "\n").encode(), "assortment.csv")
    batch = parse_assortment(path)

    loaded = {r["offer_id"]: r for r in batch.frame.to_dicts()}
    assert sorted(loaded) == ["B-1", "OK-1", "W-1"]
    assert loaded["W-1"]["weight_g"] is None and loaded["B-1"]["brand"] is None
    rows = {q.key: q.reason for q in batch.quarantined if q.field is None}
    assert "base_price is too large" in rows["P-1"]
    assert "category_code is 65 characters long (max 64)" in rows["C-1"]
    assert {q.field for q in batch.quarantined if q.field} == {"weight_g", "brand"}


def test_nul_bytes_cost_their_line_and_are_escaped_in_the_quarantine(tmp_path: Path) -> None:
    data = (STOCK_HEADER + "\n" + ROWS[0] + "\n").encode() + b"NVX-2;MSK1;5\x00;0\n"
    batch = parse_stock(_write(tmp_path, data + (ROWS[2] + "\n").encode()))
    assert batch.rows_loaded == 2
    (bad,) = batch.quarantined
    assert "control character" in bad.reason and bad.raw == "NVX-2;MSK1;5\\x00;0"


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)) * 4,  # an .xlsx
        bytes(range(256)) * 16,
        b"\x00" * 1000,
    ],
)
def test_a_binary_file_is_refused_as_a_whole_naming_file_and_reason(
    tmp_path: Path, data: bytes
) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(SourceFileError) as caught:
        parse_stock(path)
    assert str(path) in str(caught.value)
    assert caught.value.problem


def test_a_cut_off_file_loses_only_its_last_line(tmp_path: Path) -> None:
    text = (STOCK_HEADER + "\n" + "\n".join(ROWS) + "\nNVX-21;MSK1;30;12\n").encode()
    batch = parse_stock(_write(tmp_path, text[:-2]))  # allocated "12" cut to "1"
    assert batch.rows_loaded == 20
    (bad,) = batch.quarantined
    assert "no line end: the file may be cut off" in bad.reason
    assert batch.unidentified == 1  # so the file cannot prove any product is gone
    _accounted(batch)


def test_a_utf16_file_cut_inside_a_character(tmp_path: Path) -> None:
    data = ("\r\n".join([STOCK_HEADER, *ROWS[:3]]) + "\r\nNVX-4;MSK1;7;1").encode("utf-16")
    batch = parse_stock(_write(tmp_path, data[:-1]))
    assert batch.rows_loaded == 3
    assert len(batch.quarantined) == 1
    _accounted(batch)


def test_a_cr_only_file_with_blank_lines(tmp_path: Path) -> None:
    text = "\r".join(["", STOCK_HEADER, ROWS[0], "", ";;;", ROWS[1], ""]) + "\r"
    batch = parse_stock(_write(tmp_path, text.encode()))
    assert batch.rows_loaded == 2
    assert (batch.lines.total, batch.lines.blank) == (7, 4)
    _accounted(batch)


def test_a_quoted_field_may_span_lines_but_not_swallow_a_record(tmp_path: Path) -> None:
    lines = [
        ASSORTMENT_HEADER,
        product_line("M-1", name='"Гель\nдля душа\nс маслом ши"'),  # lines 2-4: one record
        product_line("M-2", barcode="4600000000015", name='"Открыта'),  # 5: never closed
        product_line("M-3", barcode="4600000000022"),  # 6: a record of its own
    ]
    path = _write(tmp_path, ("\n".join(lines) + "\n").encode(), "assortment.csv")
    batch = parse_assortment(path)
    assert batch.frame["offer_id"].to_list() == ["M-1", "M-3"]
    assert batch.frame["name"][0] == "Гель\nдля душа\nс маслом ши"
    assert [q.line for q in batch.quarantined] == [5]
    assert (batch.lines.loaded, batch.lines.quarantined) == (4, 1)
    _accounted(batch)


def test_trailer_is_read_and_not_counted_as_data(tmp_path: Path) -> None:
    batch = _stock(tmp_path, [*ROWS[:3], "#rows: 3"])
    assert batch.trailer_rows == 3 and batch.lines.trailer == 1
    assert batch.rows_loaded == 3 and batch.quarantined == []
    _accounted(batch)


def test_a_very_wide_header_is_read_in_one_pass(tmp_path: Path) -> None:
    # 200,000 columns (duplicates among them) before the real ones: the old header parsing
    # compared every name with all before it and took minutes here.
    noise = ";".join(f"col{i % 1000}" for i in range(200_000))
    text = f"{noise};{STOCK_HEADER}\n" + ";" * 200_000 + ROWS[0] + "\n"
    batch = parse_stock(_write(tmp_path, text.encode()))
    assert batch.frame["offer_id"].to_list() == ["NVX-1"]


def test_a_header_that_lacks_columns_names_them_and_stays_short(tmp_path: Path) -> None:
    wide = ";".join(f"c{i}" for i in range(5_000))
    with pytest.raises(SourceFileError) as caught:
        parse_stock(_write(tmp_path, f"{wide}\n".encode()))
    assert caught.value.missing_columns == ("offer_id", "site", "on_hand", "allocated")
    assert len(str(caught.value)) < 1_000
