"""Reading messy delimited exports into typed polars frames, every line accounted for.

Written once for every file-based source (SAP, Infor, Art-Trade): a `TableSpec` names the
columns, their kinds and the key, and `parse_table` does the rest. Real exports come from Excel
or report jobs: UTF-8 with or without a BOM, UTF-16, cp1251, `;` `,` or tab separators, CRLF,
LF or CR line ends, decimal commas, quoted fields, trailing separators. The file is split into
physical lines first and each line into fields on its own (`resources.sources.lines`), so a
stray quote or a wrong separator count costs that line, never the rest of the file. Cells are
then validated with vectorised polars expressions (row-by-row models are far too slow at a
million rows).

Every physical line ends up as header, blank, trailer, loaded or quarantined
(`SourceBatch.lines`); a whole file is refused (`SourceFileError`) only when it has no usable
header. Values the store cannot hold (text longer than its column, integers beyond its column
type, NUL bytes) are quarantined here, with bounds read from `resources.store.tables`, so the
same rows fail on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Literal

import polars as pl
import sqlalchemy as sa

from resources.sources.errors import SourceFileError
from resources.sources.lines import (
    CONTROL,
    MAX_RECORD_LINES,
    SEPARATORS,
    SplitLine,
    decode,
    decode_lines,
    fits,
    quote,
    sniff_separator,
    split_fields,
)
from resources.sources.models import (
    ASSORTMENT_SCHEMA,
    STOCK_SCHEMA,
    LineCounts,
    QuarantinedRow,
    SourceBatch,
    SourceName,
)
from resources.store import tables as t

__all__ = [
    "ASSORTMENT_SPEC",
    "STOCK_SPEC",
    "Column",
    "Kind",
    "TableSpec",
    "decode",
    "parse_assortment",
    "parse_stock",
    "parse_table",
    "sniff_separator",
]

_LINE = "__line"
_SPAN = "__span"
_RAW = "__raw"
_STRUCT = "__struct"
_REASON = "__reason"
_TRAILER = re.compile(r"^#\s*(?:rows|lines|строк)\s*[:=]?\s*(\d{1,12})[\s;,]*$", re.IGNORECASE)


class Kind(StrEnum):
    """How a column's text is turned into a value."""

    TEXT = "text"
    KEY = "key"  # text that identifies a row: no quotes, no control characters
    CODE = "code"  # Latin code: Cyrillic look-alikes mapped to Latin, upper-cased
    INT = "int"  # whole number >= 0
    DECIMAL = "decimal"  # number >= 0
    PRICE = "price"  # number >= 0, rounded to 2 decimals
    VAT = "vat"  # normalised to Ozon's VAT strings
    FLAG = "flag"  # yes/no in Russian or English, empty = no
    BARCODE = "barcode"  # GTIN digits with a valid check digit


@dataclass(frozen=True)
class Column:
    """One expected column of an export.

    `on_error="field"` marks an optional column whose bad value is set aside on its own: the
    row loads without it and the field is quarantined. Otherwise a bad value quarantines the row.
    """

    name: str
    kind: Kind = Kind.TEXT
    required: bool = True  # False: an empty cell is allowed and becomes null
    max_len: int | None = None
    max_value: float | None = None
    on_error: Literal["row", "field"] = "row"

    def stored_in(self, column: sa.Column[object]) -> Column:
        """This column with the bounds of the store column it ends up in."""
        kind = column.type
        if isinstance(kind, sa.String) and kind.length:
            return replace(self, max_len=min(kind.length, self.max_len or kind.length))
        if isinstance(kind, sa.BigInteger):
            return replace(self, max_value=2**63 - 1)
        if isinstance(kind, sa.Integer):
            return replace(self, max_value=2**31 - 1)
        if isinstance(kind, sa.Numeric) and kind.precision is not None:
            scale = kind.scale or 0
            return replace(self, max_value=10 ** (kind.precision - scale) - 10**-scale)
        return self


@dataclass(frozen=True)
class TableSpec:
    """The columns of one kind of export, its unique key and its output schema."""

    source: SourceName
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    schema: dict[str, pl.DataType]
    line_column: str | None = None  # set: loaded rows also carry their physical line number
    # Set: loaded rows also carry their line's decoded text, for checks made after parsing
    # that must quarantine a row with its text (whatever the file's encoding and line ends).
    raw_column: str | None = None


_P = t.products.c
ASSORTMENT_SPEC = TableSpec(
    source="sap",
    columns=(
        Column("offer_id", Kind.KEY).stored_in(_P.offer_id),
        Column("barcode", Kind.BARCODE, required=False, on_error="field").stored_in(_P.barcode),
        Column("name", max_len=500),  # Ozon's limit; the store's column is unbounded text
        Column("brand", required=False, on_error="field").stored_in(_P.brand),
        Column("category_code", Kind.CODE).stored_in(_P.category_code),
        Column("category_name", required=False, on_error="field").stored_in(_P.category_name),
        Column("vat", Kind.VAT).stored_in(_P.vat),
        *(
            Column(name, Kind.DECIMAL, required=False, on_error="field").stored_in(_P[name])
            for name in ("weight_g", "length_mm", "width_mm", "height_mm")
        ),
        Column("base_price", Kind.PRICE).stored_in(_P.base_price),
        # Not optional-by-field: a bad flag read as "no" would take the product off Ozon.
        Column("ozon_enabled", Kind.FLAG, required=False),
    ),
    key=("offer_id",),
    schema=ASSORTMENT_SCHEMA,
)

_S = t.stock_levels.c
STOCK_SPEC = TableSpec(
    source="infor",
    columns=(
        Column("offer_id", Kind.KEY).stored_in(_S.offer_id),
        Column("site", Kind.CODE, max_len=50),
        # Published stock is stored as an integer; anything beyond it is a broken export.
        Column("on_hand", Kind.INT).stored_in(_S.stock),
        Column("allocated", Kind.INT).stored_in(_S.stock),
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
# Cyrillic letters that look like Latin ones: "НС-0102" typed on a Russian layout is "HC-0102".
_LOOKALIKES = dict(zip("АВЕКМНОРСТУХаеорсух", "ABEKMHOPCTYXaeopcyx", strict=True))


# --- lines into records ---------------------------------------------------------------------


@dataclass
class _Records:
    """Data records of a file: one row per record, the wanted cells still as text."""

    frame: pl.DataFrame  # _LINE, _SPAN, _RAW, _STRUCT and one text column per wanted column
    counts: LineCounts
    trailer_rows: int | None
    encoding: str


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SourceFileError(path, f"cannot be read ({reason})") from exc


def _header(
    path: Path, lines: list[str], problems: dict[int, str], spec: TableSpec
) -> tuple[int, str, dict[str, int], int]:
    """(index, separator, column positions, width) of the header line; refuses the file."""
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if index is None:
        raise SourceFileError(path, "is empty: no header row", [c.name for c in spec.columns])
    line = lines[index]
    if index in problems or CONTROL.search(line):
        raise SourceFileError(
            path,
            f"line {index + 1} is not a readable header (binary content or a broken encoding); "
            "is it a text export?",
        )
    sep = sniff_separator(line)
    split = split_fields(line, sep)
    if split.error or split.open_quote:
        raise SourceFileError(path, f"header line {index + 1} has broken quoting")
    names = [name.strip().strip('"').strip().lower() for name in split.fields]
    while names and not names[-1]:
        names.pop()  # Excel's trailing separator
    positions: dict[str, int] = {}
    for i, name in enumerate(names):
        positions.setdefault(name, i)  # the first of duplicated names wins
    missing = [c.name for c in spec.columns if c.name not in positions]
    if missing:
        shown = ", ".join(n[:40] for n in names[:20]) + (
            f", … ({len(names)} columns)" if len(names) > 20 else ""
        )
        raise SourceFileError(
            path, f"missing required columns: {', '.join(missing)} (header has: {shown})", missing
        )
    return index, sep, positions, max(len(names), 1)


def _text(name: str) -> str:
    return f"__text:{name}"


def _blank_mask(lines: pl.Series, sep: str) -> pl.Series:
    """Lines of nothing but spaces, quotes and separators (";;;;" left by Excel)."""
    return lines.str.strip_chars(f'{sep} \t\u00a0"').str.len_chars() == 0


def _other_separator(text: str, sep: str, width: int) -> list[str] | None:
    """Fields of a line written with another separator than the file's, if that is certain."""
    if sep in text or '"' in text:
        return None
    for other in SEPARATORS:
        if other != sep and other in text and fits(fields := text.split(other), width):
            return fields
    return None


def _records(path: Path, spec: TableSpec) -> _Records:
    decoded = decode_lines(_read_bytes(path))
    lines, problems = decoded.lines, decoded.problems
    head, sep, positions, width = _header(path, lines, problems, spec)

    end = len(lines)
    last = next((i for i in range(end - 1, head, -1) if lines[i].strip()), None)
    trailer_rows = None
    if last is not None and (match := _TRAILER.match(lines[last].strip())):
        trailer_rows, end = int(match.group(1)), last

    start = head + 1
    body = pl.Series("raw", lines[start:end], dtype=pl.String)
    blank = _blank_mask(body, sep)
    special = (body.str.contains('"', literal=True) & ~blank).arg_true().to_list()
    special = sorted({*special, *(i - start for i in problems if start <= i < end)})

    # Lines with quotes or decoding problems go one by one; a quoted field may take the next
    # lines along, but never a line that is a whole record on its own.
    consumed: set[int] = set()
    py_rows: list[tuple[int, int, str, list[str], str | None]] = []
    for rel in special:
        if rel in consumed:
            continue
        index = start + rel
        text = lines[index]
        if index in problems:
            py_rows.append((index, 1, text, split_fields(text, sep).fields, problems[index]))
            continue
        split = split_fields(text, sep)
        span = 1
        if split.open_quote:
            joined = _join(lines, problems, index, end, sep, width)
            if joined is not None:
                span, text, split = joined
                consumed.update(range(rel + 1, rel + span))
        struct = _structure(split, width, sep, text)
        py_rows.append((index, span, text, split.fields, struct))

    # Every other line is split in bulk: only the wanted cells are cut out, and the field count
    # comes from counting separators (trailing ones Excel adds do not count).
    wanted = {name: positions[name] for name in (c.name for c in spec.columns)}
    taken = pl.Series(sorted({*special, *consumed}), dtype=pl.UInt32)
    plain_mask = ~blank & ~pl.int_range(0, body.len(), eager=True).is_in(taken.implode())
    plain = pl.DataFrame({_RAW: body}).with_row_index(_LINE, offset=start + 1).filter(plain_mask)
    count = pl.col(_RAW).str.count_matches(sep, literal=True)
    stripped = pl.col(_RAW).str.strip_chars_end(f"{sep} \t").str.count_matches(sep, literal=True)
    plain = plain.with_columns(
        count.alias("__seps"),
        ((count == width - 1) | ((count > width - 1) & (stripped <= width - 1))).alias("__fits"),
    )
    # A line with none of the file's separator may still be certain under another one.
    misfit = plain.filter(~pl.col("__fits") & (pl.col("__seps") == 0))
    if misfit.height:
        moved = []
        for line_no, raw in misfit.select(_LINE, _RAW).iter_rows():
            fields = _other_separator(raw, sep, width)
            if fields is not None:
                py_rows.append((line_no - 1, 1, raw, fields, None))
                moved.append(line_no)
        plain = plain.filter(~pl.col(_LINE).is_in(moved))
    last = max(wanted.values())
    if last < 64:
        parts = pl.col(_RAW).str.splitn(sep, last + 2)
        cells = [parts.struct.field(f"field_{pos}").alias(_text(n)) for n, pos in wanted.items()]
    else:  # wanted columns far right in a very wide export: a list beats a huge struct
        as_list = pl.col(_RAW).str.split(sep)
        cells = [
            as_list.list.get(pos, null_on_oob=True).alias(_text(n)) for n, pos in wanted.items()
        ]
    plain = plain.select(
        pl.col(_LINE).cast(pl.Int64),
        pl.lit(1, pl.Int64).alias(_SPAN),
        _RAW,
        pl.when(pl.col(_RAW).str.contains(CONTROL.pattern))
        .then(pl.lit("the line contains a control character (NUL or similar)"))
        .when(~pl.col("__fits"))
        .then(
            pl.format(
                f"the line has {{}} fields, the header has {width} (separator '{sep}')",
                pl.col("__seps") + 1,
            )
        )
        .alias(_STRUCT),
        *cells,
    )
    extra = pl.DataFrame(
        {
            _LINE: [r[0] + 1 for r in py_rows],
            _SPAN: [r[1] for r in py_rows],
            _RAW: [r[2] for r in py_rows],
            _STRUCT: [r[4] for r in py_rows],
            **{
                _text(name): [r[3][pos] if pos < len(r[3]) else None for r in py_rows]
                for name, pos in wanted.items()
            },
        },
        schema={
            _LINE: pl.Int64,
            _SPAN: pl.Int64,
            _RAW: pl.String,
            _STRUCT: pl.String,
            **{_text(name): pl.String for name in wanted},
        },
    )
    frame = pl.concat([plain, extra]).sort(_LINE)
    if not decoded.ends_with_newline and trailer_rows is None and frame.height:
        # A last line without its line end is what a cut-off copy leaves: "123" may be "12".
        last_line = frame[_LINE][-1] + frame[_SPAN][-1] - 1
        if last_line == len(lines):
            frame = frame.with_columns(
                pl.when(pl.int_range(pl.len()) == frame.height - 1)
                .then(
                    pl.coalesce(
                        _STRUCT, pl.lit("the last line has no line end: the file may be cut off")
                    )
                )
                .otherwise(pl.col(_STRUCT))
                .alias(_STRUCT)
            )
    total = len(lines)
    consumed_blank = int(blank.gather(sorted(consumed)).sum()) if consumed else 0
    after_trailer = total - end - 1 if trailer_rows is not None else 0
    counts = LineCounts(
        total=total,
        header=1,
        blank=head + int(blank.sum()) - consumed_blank + after_trailer,
        trailer=int(trailer_rows is not None),
        loaded=0,
        quarantined=0,
    )
    return _Records(frame, counts, trailer_rows, decoded.encoding)


def _join(
    lines: list[str], problems: dict[int, str], index: int, end: int, sep: str, width: int
) -> tuple[int, str, SplitLine] | None:
    """(span, text, fields) of a record whose quoted field continues on the next lines."""
    text = lines[index]
    for j in range(index + 1, min(index + MAX_RECORD_LINES, end)):
        follow = lines[j]
        alone = split_fields(follow, sep)
        if j in problems or (
            not alone.open_quote and not alone.error and fits(alone.fields, width)
        ):
            return None  # the next line is a record of its own: the quote is a stray one
        text = f"{text}\n{follow}"
        split = split_fields(text, sep)
        if split.open_quote:
            continue
        if split.error or not fits(split.fields, width):
            return None
        return j - index + 1, text, split
    return None


def _structure(split: SplitLine, width: int, sep: str, text: str) -> str | None:
    if split.open_quote:
        return f"a quote opened in field {len(split.fields) + 1} is never closed"
    if split.error:
        return split.error
    if CONTROL.search(text):
        return "the line contains a control character (NUL or similar)"
    if not fits(split.fields, width):
        return (
            f"the line has {len(split.fields)} fields, the header has {width} (separator '{sep}')"
        )
    return None


# --- cells into values ----------------------------------------------------------------------

_AMBIGUOUS = r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$"


def _compact(cell: pl.Expr) -> pl.Expr:
    return cell.str.replace_all(r"[\s\u00a0\u202f']", "")


def _number(cell: pl.Expr) -> pl.Expr:
    """Number text in a dot-decimal form polars can cast: "1 234,5" -> "1234.5"."""
    s = _compact(cell)
    # Dot-grouped thousands ("1.234,5", "1.000.000") and comma-grouped ones ("1,234.5"). One
    # group alone ("1.000") also matches, but such a cell is quarantined as ambiguous.
    dot_groups = s.str.contains(r"^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$")
    comma_groups = s.str.contains(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
    return (
        pl.when(dot_groups)
        .then(s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(comma_groups)
        .then(s.str.replace_all(",", "", literal=True))
        .otherwise(s.str.replace(",", ".", literal=True))
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


def _why(name: str) -> str:
    return f"__why:{name}"


def _cell_expr(col: Column) -> pl.Expr:
    """Stage 1: the stripped cell, null when empty; codes mapped to Latin capitals."""
    cell = pl.col(_text(col.name)).str.strip_chars()
    if col.kind is Kind.CODE:
        cell = cell.str.replace_many(list(_LOOKALIKES), list(_LOOKALIKES.values()))
        cell = cell.str.to_uppercase()
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
        whole = pl.when(as_float == as_float.round(0)).then(as_float).cast(pl.Int64, strict=False)
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
    else:  # TEXT, KEY, CODE and BARCODE keep the (normalised) text
        value = cell
    return value.alias(col.name)


def _reason_exprs(col: Column) -> list[pl.Expr]:
    """Stage 4: why this column's value cannot be used, null when it is fine."""
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
    if col.kind in (Kind.KEY, Kind.CODE):
        reasons.append(
            pl.when(cell.str.contains('"', literal=True)).then(
                pl.format(f"{name} contains a quote: '{{}}'", cell)
            )
        )
    if col.kind is Kind.CODE:
        reasons.append(
            pl.when(present & ~cell.str.contains(r"^[\x20-\x7e]*$")).then(
                pl.format(f"{name} '{{}}' has characters other than Latin letters and digits", cell)
            )
        )
    numeric = col.kind in (Kind.INT, Kind.DECIMAL, Kind.PRICE)
    if numeric:
        ambiguous = _compact(cell).str.contains(_AMBIGUOUS).fill_null(False)
        as_float = _float(aux)
        limit = col.max_value if col.max_value is not None else 2**63 - 1
        too_big = (as_float > limit).fill_null(False)
        what = "a whole number" if col.kind is Kind.INT else "a number"
        reasons += [
            pl.when(present & ambiguous).then(
                pl.format(
                    f"{name} '{{}}' is ambiguous: the separator may mark thousands or decimals "
                    "(write it without a thousands separator)",
                    cell,
                )
            ),
            pl.when(present & ~ambiguous & too_big).then(
                pl.format(f"{name} is too large: '{{}}' (max {col.max_value:.0f})", cell)
            ),
            pl.when(present & ~ambiguous & ~too_big & value.is_null()).then(
                pl.format(f"{name} is not {what}: '{{}}'", cell)
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


def _joined(reasons: list[pl.Expr]) -> pl.Expr:
    if not reasons:  # a free-text column with no rule of its own has nothing to object to
        return pl.lit(None, dtype=pl.String())
    text = pl.concat_str(reasons, separator="; ", ignore_nulls=True)
    return pl.when(text.str.len_chars() > 0).then(text)


def parse_table(path: Path, spec: TableSpec) -> SourceBatch:
    """Read one delimited export into a `SourceBatch`, every physical line accounted for.

    Raises:
        SourceFileError: the file cannot be read, has no readable header or lacks required
            columns. Any problem below the header costs only the lines it touches.
    """
    records = _records(path, spec)
    frame = records.frame.lazy().with_columns(_cell_expr(col) for col in spec.columns)
    aux = [e for e in (_aux_expr(col) for col in spec.columns) if e is not None]
    aux_names = {_aux(col.name) for col in spec.columns}
    frame = frame.with_columns(
        *aux,
        *(pl.lit(None).alias(n) for n in sorted(aux_names - {e.meta.output_name() for e in aux})),
    )
    frame = frame.with_columns(_value_expr(col) for col in spec.columns)
    frame = frame.with_columns(
        _joined(_reason_exprs(col)).alias(_why(col.name)) for col in spec.columns
    )
    row_level = [col for col in spec.columns if col.on_error == "row"]
    field_level = [col for col in spec.columns if col.on_error == "field"]
    frame = frame.with_columns(
        pl.coalesce(pl.col(_STRUCT), _joined([pl.col(_why(c.name)) for c in row_level])).alias(
            _REASON
        ),
        # An optional field that cannot be used is dropped from its row, not the row.
        *(pl.when(pl.col(_why(c.name)).is_null()).then(pl.col(c.name)) .alias(c.name)
          for c in field_level),
    )  # fmt: skip

    # Among valid rows the first occurrence of a key wins; later ones are quarantined.
    valid = pl.col(_REASON).is_null()
    frame = frame.with_columns(
        pl.col(_LINE).filter(valid).min().over(spec.key).alias("__first_line")
    )
    first_line = pl.col("__first_line")
    key_text = pl.concat_str([pl.col(k) for k in spec.key], separator="/")
    duplicate = valid & (pl.col(_LINE) != first_line)
    frame = frame.with_columns(
        pl.when(duplicate)
        .then(
            pl.format(
                f"duplicate {'/'.join(spec.key)} '{{}}' (first on line {{}})", key_text, first_line
            )
        )
        .otherwise(pl.col(_REASON))
        .alias(_REASON),
        duplicate.alias("__dup"),
        # A quarantined row's key is trusted only when its line split cleanly, every required
        # cell is there (an empty one may mean a lost separator shifted the cells) and the key
        # cells themselves are valid; a held key column is null where it is not.
        *(
            pl.when(
                pl.col(_STRUCT).is_null()
                & pl.col(_why(k)).is_null()
                & pl.all_horizontal(
                    pl.col(_cell(c.name)).is_not_null() for c in spec.columns if c.required
                )
            )
            .then(pl.col(_cell(k)))
            .alias(f"__held:{k}")
            for k in spec.key
        ),
    )
    result = frame.select(
        *(pl.col(name).cast(dtype) for name, dtype in spec.schema.items()),
        _LINE,
        _SPAN,
        _RAW,
        _REASON,
        "__dup",
        *(f"__held:{k}" for k in spec.key),
        *(_why(c.name) for c in field_level),
    ).collect()

    is_bad = result[_REASON].is_not_null()
    good = result.filter(~is_bad)
    bad = result.filter(is_bad)
    held_key = pl.concat_str([pl.col(f"__held:{k}") for k in spec.key], separator="/")
    rows = [
        QuarantinedRow(
            source=spec.source, file=path.name, line=line, reason=reason, raw=quote(raw), key=key
        )
        for line, reason, raw, key in bad.select(_LINE, _REASON, _RAW, held_key).iter_rows()
    ]
    good_key = pl.concat_str([pl.col(k) for k in spec.key], separator="/")
    for col in field_level:
        issues = good.filter(pl.col(_why(col.name)).is_not_null())
        rows += [
            QuarantinedRow(
                source=spec.source,
                file=path.name,
                line=line,
                reason=f"{reason}; row loaded without {col.name}",
                raw=quote(raw),
                key=key,
                field=col.name,
            )
            for line, reason, raw, key in issues.select(
                _LINE, _why(col.name), _RAW, good_key
            ).iter_rows()
        ]
    rows.sort(key=lambda q: (q.line, q.field or ""))

    set_aside = bad.filter(~pl.col("__dup"))
    first_key = f"__held:{spec.key[0]}"
    held = (
        set_aside.filter(pl.col(first_key).is_not_null())
        .select(pl.col(f"__held:{k}").alias(k) for k in spec.key)
        .unique(maintain_order=True)
    )
    key_ok = pl.all_horizontal(pl.col(f"__held:{k}").is_not_null() for k in spec.key[:1])
    unidentified = set_aside.filter(~key_ok).height
    loaded_lines = int(good[_SPAN].sum() or 0)
    counts = records.counts.model_copy(
        update={"loaded": loaded_lines, "quarantined": int(bad[_SPAN].sum() or 0)}
    )
    accounted = counts.header + counts.blank + counts.trailer + counts.loaded + counts.quarantined
    if accounted != counts.total:  # a bug here would lose rows silently: never let it pass
        raise AssertionError(f"{path.name}: {accounted} lines accounted for of {counts.total}")
    return SourceBatch(
        source=spec.source,
        frame=good.select(
            *spec.schema,
            *([pl.col(_LINE).cast(pl.Int64()).alias(spec.line_column)] if spec.line_column else []),
            *([pl.col(_RAW).alias(spec.raw_column)] if spec.raw_column else []),
        ),
        quarantined=rows,
        files=[path.name],
        rows_read=result.height,
        lines=counts,
        held=held,
        unidentified=unidentified,
        trailer_rows=records.trailer_rows,
        encoding=records.encoding,
    )


def parse_assortment(path: Path) -> SourceBatch:
    """Read a SAP assortment export (see `ASSORTMENT_SCHEMA`)."""
    return parse_table(path, ASSORTMENT_SPEC)


def parse_stock(path: Path) -> SourceBatch:
    """Read an Infor stock snapshot export (see `STOCK_SCHEMA`)."""
    return parse_table(path, STOCK_SPEC)
