"""Reading messy CSV exports into typed polars frames, with bad rows sent to quarantine.

Written once for every file-based source. Real exports from SAP and Infor arrive from Excel or
report jobs: UTF-8 with or without a BOM (or cp1251), `;` or `,` separators, decimal commas,
spaces as thousands separators, stray whitespace and quoted fields. Every cell is read as a
string and validated with vectorised polars expressions, because row-by-row models are far too
slow at a million rows. A bad row never stops the file: it is quarantined with its line number,
the reason and the raw text, and the rest loads.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path

import polars as pl

from resources.sources.errors import SourceFileError
from resources.sources.models import (
    ASSORTMENT_SCHEMA,
    STOCK_SCHEMA,
    QuarantinedRow,
    SourceBatch,
    SourceName,
)

_BOM = "\ufeff"
_SEPARATORS = (";", ",", "\t")
_LINE = "__line"
_RAW = "__raw"
_REASON = "__reason"


class Kind(StrEnum):
    """How a column's text is turned into a value."""

    TEXT = "text"
    INT = "int"  # whole number >= 0
    DECIMAL = "decimal"  # number >= 0
    PRICE = "price"  # number >= 0, rounded to 2 decimals
    VAT = "vat"  # normalised to Ozon's VAT strings
    FLAG = "flag"  # yes/no in Russian or English, empty = no
    BARCODE = "barcode"  # GTIN digits with a valid check digit


@dataclass(frozen=True)
class Column:
    """One expected column of an export."""

    name: str
    kind: Kind = Kind.TEXT
    required: bool = True  # False: an empty cell is allowed and becomes null
    max_len: int | None = None


@dataclass(frozen=True)
class TableSpec:
    """The columns of one kind of export, its unique key and its output schema."""

    source: SourceName
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    schema: dict[str, pl.DataType]


ASSORTMENT_SPEC = TableSpec(
    source="sap",
    columns=(
        Column("offer_id", max_len=50),
        Column("barcode", Kind.BARCODE, required=False),
        Column("name", max_len=500),
        Column("brand", required=False),
        Column("category_code"),
        Column("category_name", required=False),
        Column("vat", Kind.VAT),
        Column("weight_g", Kind.DECIMAL, required=False),
        Column("length_mm", Kind.DECIMAL, required=False),
        Column("width_mm", Kind.DECIMAL, required=False),
        Column("height_mm", Kind.DECIMAL, required=False),
        Column("base_price", Kind.PRICE),
        Column("ozon_enabled", Kind.FLAG, required=False),
    ),
    key=("offer_id",),
    schema=ASSORTMENT_SCHEMA,
)

STOCK_SPEC = TableSpec(
    source="infor",
    columns=(
        Column("offer_id", max_len=50),
        Column("site", max_len=50),
        Column("on_hand", Kind.INT),
        Column("allocated", Kind.INT),
    ),
    key=("offer_id", "site"),
    schema=STOCK_SCHEMA,
)

_FLAG_VALUES = {
    **dict.fromkeys(("1", "true", "t", "y", "yes", "x", "да", "д", "истина"), True),
    **dict.fromkeys(("0", "false", "f", "n", "no", "нет", "н", "ложь"), False),
}
# Percent -> Ozon's string; a rate written as a fraction (0.2) is scaled to percent first.
_VAT_BY_PERCENT = {0: "0", 5: "0.05", 7: "0.07", 10: "0.1", 20: "0.2", 22: "0.22"}
_VAT_WITHOUT = ("без ндс", "без_ндс", "безндс", "не облагается", "vat0")


@dataclass
class _RawTable:
    """Cells as strings, plus where each record sits in the file."""

    frame: pl.DataFrame  # one String column per expected column, plus _LINE (and _RAW)
    data: bytes  # the file as UTF-8 without BOM, for quoting raw rows

    @cached_property
    def lines(self) -> list[bytes]:
        """The file's physical lines; split only when a row must be quoted."""
        return self.data.split(b"\n")

    def line(self, number: int) -> str:
        """Physical line `number` (1-based) as text."""
        return self.lines[number - 1].removesuffix(b"\r").decode("utf-8", errors="replace")


def decode(data: bytes) -> str:
    """Text of an export: UTF-8 (BOM or not), else cp1251 as old Windows tools write it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1251", errors="replace")
    return text.removeprefix(_BOM)


def _as_utf8(data: bytes) -> bytes:
    """UTF-8 bytes without BOM; cp1251 input is transcoded."""
    return decode(data).encode("utf-8")


def sniff_separator(header: str) -> str:
    """The separator used by a header line: the most frequent of `;`, `,` and tab."""
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _normalise_header(name: str) -> str:
    return name.replace(_BOM, "").strip().strip('"').strip().lower()


def _find_header(data: bytes) -> tuple[int, int, bytes]:
    """(1-based line number, offset after it, raw bytes) of the first non-blank line."""
    number, offset = 0, 0
    while offset < len(data):
        end = data.find(b"\n", offset)
        end = len(data) if end < 0 else end
        number += 1
        line, offset = data[offset:end], end + 1
        if line.strip():
            return number, offset, line
    return number, len(data), b""


def _read_raw(path: Path, spec: TableSpec) -> _RawTable:
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SourceFileError(path, f"cannot be read ({reason})") from exc
    # Decoding a large file costs more than parsing it: UTF-8 goes to the CSV reader as bytes
    # and only a failure there (or in the header) means cp1251.
    data = data.removeprefix(_BOM.encode("utf-8"))
    header_no, body_start, header_bytes = _find_header(data)
    try:
        header_line = header_bytes.decode("utf-8")
    except UnicodeDecodeError:
        data = _as_utf8(data)
        header_no, body_start, header_bytes = _find_header(data)
        header_line = header_bytes.decode("utf-8")
    if not header_line.strip():
        raise SourceFileError(path, "is empty: no header row", [c.name for c in spec.columns])
    sep = sniff_separator(header_line)
    header = [_normalise_header(h) for h in next(csv.reader([header_line], delimiter=sep))]
    missing = [c.name for c in spec.columns if c.name not in header]
    if missing:
        raise SourceFileError(
            path,
            f"missing required columns: {', '.join(missing)} (header has: {', '.join(header)})",
            missing,
        )
    # The first of duplicated header names wins; polars needs unique names, so rename the rest.
    names = [h if h not in header[:i] else f"__dup{i}" for i, h in enumerate(header)]
    wanted = [c.name for c in spec.columns]
    if not data[body_start:].strip():
        frame = pl.DataFrame(schema={**dict.fromkeys(wanted, pl.String), _LINE: pl.Int64})
        return _RawTable(frame, data)

    # The CSV reader skips empty lines, which would shift line numbers; a line of spaces is
    # still a (blank) record, so only truly empty lines need the line-by-line path. So does a
    # quoted field spanning lines: only the csv module keeps line numbers straight there.
    if _has_empty_line(data, body_start) or (
        b'"' in data and any(ln.count(b'"') % 2 for ln in data[body_start:].split(b"\n"))
    ):
        return _read_by_line(data, header_no, sep, names, wanted)
    try:
        frame = _read_csv(data, sep, names, skip=header_no)
    except pl.exceptions.ComputeError:
        # Invalid UTF-8 past the header: the file is cp1251 after all.
        data = _as_utf8(data)
        frame = _read_csv(data, sep, names, skip=header_no)
    frame = frame.select(wanted).with_row_index(_LINE, offset=header_no + 1)
    return _RawTable(frame.with_columns(pl.col(_LINE).cast(pl.Int64)), data)


def _has_empty_line(data: bytes, start: int) -> bool:
    """An empty line between records (trailing ones do no harm)."""
    if data[start : start + 1] in (b"\r", b"\n"):
        return True
    for marker in (b"\n\n", b"\n\r\n"):
        found = data.find(marker, start)
        if found >= 0 and data[found:].strip():
            return True
    return False


def _read_csv(data: bytes, sep: str, names: list[str], skip: int = 0) -> pl.DataFrame:
    return pl.read_csv(
        data,
        separator=sep,
        has_header=False,
        skip_rows=skip,
        new_columns=names,
        infer_schema=False,
        quote_char='"',
        truncate_ragged_lines=True,
    )


def _read_by_line(
    data: bytes, header_no: int, sep: str, names: list[str], wanted: list[str]
) -> _RawTable:
    """Path for files with empty lines or multi-line quoted fields: track lines explicitly."""
    data = _as_utf8(data)  # validates, and the csv module needs text anyway
    table = _RawTable(pl.DataFrame(), data)
    lines = [table.line(n) for n in range(1, len(table.lines) + 1)]
    keep = [i for i in range(header_no, len(lines)) if lines[i].strip()]
    if any(lines[i].count('"') % 2 for i in keep):
        table.frame = _read_multiline(lines, keep, sep, names, wanted)
        return table
    frame = _read_csv("\n".join(lines[i] for i in keep).encode("utf-8"), sep, names)
    table.frame = frame.select(wanted).with_columns(pl.Series(_LINE, keep, dtype=pl.Int64) + 1)
    return table


def _read_multiline(
    lines: list[str], keep: list[int], sep: str, names: list[str], wanted: list[str]
) -> pl.DataFrame:
    """Slow but exact path for files whose quoted fields contain line breaks."""
    first, last = keep[0], keep[-1]
    reader = csv.reader(io.StringIO("\n".join(lines[first : last + 1])), delimiter=sep)
    positions = [names.index(name) for name in wanted]
    columns: dict[str, list[str | None]] = {name: [] for name in wanted}
    line_numbers: list[int] = []
    raws: list[str] = []
    consumed = 0
    for record in reader:
        start, consumed = first + consumed, reader.line_num
        end = first + consumed
        if not any(cell.strip() for cell in record):
            continue
        for name, pos in zip(wanted, positions, strict=True):
            columns[name].append(record[pos] if pos < len(record) else None)
        line_numbers.append(start + 1)
        raws.append("\n".join(lines[start:end]))
    return pl.DataFrame(
        {**columns, _LINE: line_numbers, _RAW: raws},
        schema={**dict.fromkeys(wanted, pl.String), _LINE: pl.Int64, _RAW: pl.String},
    )


def _number(cell: pl.Expr) -> pl.Expr:
    """Number text in a dot-decimal form polars can cast: "1 234,5" -> "1234.5"."""
    s = cell.str.replace_all(r"[\s\u00a0\u202f']", "")
    european = s.str.contains(r"^[+-]?\d{1,3}(\.\d{3})+,\d*$")
    english = s.str.contains(r"^[+-]?\d{1,3}(,\d{3})+\.\d*$")
    return (
        pl.when(european)
        .then(s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(english)
        .then(s.str.replace_all(",", "", literal=True))
        .otherwise(s.str.replace_all(",", ".", literal=True))
    )


def _float(number_text: pl.Expr) -> pl.Expr:
    value = number_text.cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value)


# Validation runs in stages over materialised helper columns: nesting the expressions instead
# would repeat each sub-expression many times over and make a million rows take seconds.
def _cell(name: str) -> str:
    return f"__cell:{name}"


def _aux(name: str) -> str:
    return f"__aux:{name}"


def _cell_expr(col: Column) -> pl.Expr:
    """Stage 1: the stripped cell, null when empty."""
    cell = pl.col(col.name).str.strip_chars()
    return pl.when(cell.str.len_chars() > 0).then(cell).alias(_cell(col.name))


def _aux_expr(col: Column) -> pl.Expr | None:
    """Stage 2: the intermediate a kind needs (number text, VAT percent, check digit)."""
    cell = pl.col(_cell(col.name))
    if col.kind in (Kind.INT, Kind.DECIMAL, Kind.PRICE):
        return _number(cell).alias(_aux(col.name))
    if col.kind is Kind.VAT:
        text = cell.str.to_lowercase().str.replace_all(r"[%\s]", "").str.strip_prefix("ндс")
        return _float(_number(text)).alias(_aux(col.name))
    if col.kind is Kind.BARCODE:
        padded = cell.str.zfill(14)
        # GTIN check digit: weights 3,1,3,... from the left of the 14-digit form.
        total = pl.sum_horizontal(
            padded.str.slice(i, 1).cast(pl.Int32, strict=False) * (3 if i % 2 == 0 else 1)
            for i in range(13)
        )
        return ((10 - total % 10) % 10).alias(_aux(col.name))
    return None


def _value_expr(col: Column) -> pl.Expr:
    """Stage 3: the typed value (null where it cannot be had)."""
    cell, aux = pl.col(_cell(col.name)), pl.col(_aux(col.name))
    if col.kind is Kind.INT:
        as_float = _float(aux)
        whole = pl.when(as_float == as_float.round(0)).then(as_float).cast(pl.Int64)
        value = aux.cast(pl.Int64, strict=False).fill_null(whole)
    elif col.kind is Kind.DECIMAL:
        value = _float(aux)
    elif col.kind is Kind.PRICE:
        value = _float(aux).round(2)
    elif col.kind is Kind.VAT:
        percent = pl.when(aux > 1).then(aux).otherwise(aux * 100).round(3)
        rate = percent.replace_strict(
            {float(pct): ozon for pct, ozon in _VAT_BY_PERCENT.items()},
            default=None,
            return_dtype=pl.String,
        )
        without = cell.str.to_lowercase().is_in(_VAT_WITHOUT)
        value = pl.when(without).then(pl.lit("0")).otherwise(rate)
    elif col.kind is Kind.FLAG:
        flag = cell.str.to_lowercase().replace_strict(
            _FLAG_VALUES, default=None, return_dtype=pl.Boolean
        )
        value = pl.when(cell.is_null()).then(pl.lit(False)).otherwise(flag)
    else:  # TEXT and BARCODE keep the stripped text
        value = cell
    return value.alias(col.name)


def _reason_exprs(col: Column) -> list[pl.Expr]:
    """Stage 4: why a row is rejected on this column, null when it is fine."""
    name = col.name
    cell, aux, value = pl.col(_cell(name)), pl.col(_aux(name)), pl.col(name)
    present = cell.is_not_null()
    reasons: list[pl.Expr] = []
    if col.required:
        reasons.append(pl.when(cell.is_null()).then(pl.lit(f"{name} is empty")))
    if col.max_len is not None:
        length = cell.str.len_chars()
        reasons.append(
            pl.when(length > col.max_len).then(
                pl.format(f"{name} is {{}} characters long (max {col.max_len})", length)
            )
        )
    if col.kind is Kind.INT:
        reasons += [
            pl.when(present & value.is_null()).then(
                pl.format(f"{name} is not a whole number: '{{}}'", cell)
            ),
            pl.when(value < 0).then(pl.format(f"{name} is negative: {{}}", value)),
        ]
    elif col.kind in (Kind.DECIMAL, Kind.PRICE):
        reasons += [
            pl.when(present & value.is_null()).then(
                pl.format(f"{name} is not a number: '{{}}'", cell)
            ),
            pl.when(value < 0).then(pl.format(f"{name} is negative: {{}}", value)),
        ]
    elif col.kind is Kind.VAT:
        reasons.append(
            pl.when(present & value.is_null()).then(
                pl.format(f"{name} '{{}}' is not an Ozon VAT rate (0, 5, 7, 10, 20 or 22 %)", cell)
            )
        )
    elif col.kind is Kind.FLAG:
        reasons.append(
            pl.when(present & value.is_null()).then(
                pl.format(f"{name} is not a yes/no value: '{{}}'", cell)
            )
        )
    elif col.kind is Kind.BARCODE:
        digits = cell.str.contains(r"^[0-9]+$") & cell.str.len_chars().is_in([8, 12, 13, 14])
        actual = cell.str.slice(-1, 1).cast(pl.Int32, strict=False)
        reasons += [
            pl.when(present & ~digits).then(
                pl.format(f"{name} is not an EAN-13 (or GTIN-8/12/14): '{{}}'", cell)
            ),
            pl.when(digits & (aux != actual)).then(
                pl.format(f"{name} {{}} has a bad check digit (expected {{}})", cell, aux)
            ),
        ]
    return reasons


def parse_table(path: Path, spec: TableSpec) -> SourceBatch:
    """Read one export into a `SourceBatch`.

    Raises:
        SourceFileError: the file cannot be read, has no header or lacks required columns.
    """
    raw = _read_raw(path, spec)
    frame = raw.frame.lazy().with_columns(_cell_expr(col) for col in spec.columns)
    # Rows of nothing but separators (";;;;" left by Excel) are blank lines, not bad rows.
    frame = frame.filter(~pl.all_horizontal(pl.col(_cell(c.name)).is_null() for c in spec.columns))

    aux = [e for e in (_aux_expr(col) for col in spec.columns) if e is not None]
    aux_names = {_aux(col.name) for col in spec.columns}
    frame = frame.with_columns(
        *aux,
        *(pl.lit(None).alias(n) for n in sorted(aux_names - {e.meta.output_name() for e in aux})),
    )
    frame = frame.with_columns(_value_expr(col) for col in spec.columns)
    reasons = [r for col in spec.columns for r in _reason_exprs(col)]
    frame = frame.with_columns(
        pl.concat_str(reasons, separator="; ", ignore_nulls=True).alias(_REASON)
    ).with_columns(
        pl.when(pl.col(_REASON).str.len_chars() > 0).then(pl.col(_REASON)).alias(_REASON)
    )

    # Among valid rows the first occurrence of a key wins; later ones are quarantined.
    valid = pl.col(_REASON).is_null()
    frame = frame.with_columns(
        pl.col(_LINE).filter(valid).min().over(spec.key).alias("__first_line")
    )
    first_line = pl.col("__first_line")
    key_text = pl.concat_str([pl.col(k) for k in spec.key], separator="/")
    frame = frame.with_columns(
        pl.when(valid & (pl.col(_LINE) != first_line))
        .then(
            pl.format(
                f"duplicate {'/'.join(spec.key)} '{{}}' (first on line {{}})", key_text, first_line
            )
        )
        .otherwise(pl.col(_REASON))
        .alias(_REASON)
    )

    extra = [_RAW] if _RAW in raw.frame.columns else []
    result = frame.select(
        *(pl.col(name).cast(dtype) for name, dtype in spec.schema.items()),
        _LINE,
        _REASON,
        *extra,
    ).collect()
    is_bad = result[_REASON].is_not_null()
    good = result.filter(~is_bad).select(list(spec.schema))
    return SourceBatch(
        source=spec.source,
        frame=good,
        quarantined=_quarantine(result.filter(is_bad), raw, spec.source, path.name),
        files=[path.name],
        rows_read=result.height,
    )


def _quarantine(
    bad: pl.DataFrame, raw: _RawTable, source: SourceName, file: str
) -> list[QuarantinedRow]:
    if bad.is_empty():
        return []
    line_numbers = bad[_LINE].to_list()
    in_frame = _RAW in bad.columns
    raws = bad[_RAW].to_list() if in_frame else [raw.line(n) for n in line_numbers]
    return [
        QuarantinedRow(source=source, file=file, line=line, reason=reason, raw=raw)
        for line, reason, raw in zip(line_numbers, bad[_REASON].to_list(), raws, strict=True)
    ]


def parse_assortment(path: Path) -> SourceBatch:
    """Read a SAP assortment export (see `ASSORTMENT_SCHEMA`)."""
    return parse_table(path, ASSORTMENT_SPEC)


def parse_stock(path: Path) -> SourceBatch:
    """Read an Infor stock snapshot export (see `STOCK_SCHEMA`)."""
    return parse_table(path, STOCK_SPEC)
