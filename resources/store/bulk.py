"""Bulk reads and writes shared by every repository, straight between polars and the driver.

Per-row work in Python is what makes a million rows slow, so writes skip SQLAlchemy's
per-value processing: SQLite gets one `executemany` of plain tuples, PostgreSQL gets `COPY` into
a temporary table followed by one `INSERT ... SELECT ... ON CONFLICT`. Reads fetch raw driver
values and convert whole columns in polars. Statements are still built with SQLAlchemy Core.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

IN_LIST_CHUNK = 1_000

MONEY = pl.Float64
TIMESTAMP = pl.Datetime("us", "UTC")

# How SQLAlchemy's SQLite DateTime type stores values; reads and writes must agree with it.
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S%.6f"


def chunks(items: Sequence[Any], size: int = IN_LIST_CHUNK) -> Iterator[Sequence[Any]]:
    """Fixed-size slices, so IN lists stay within every backend's parameter limits."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def require_columns(frame: pl.DataFrame, columns: Sequence[str], what: str) -> None:
    """Fail with the missing column names instead of a KeyError deep inside a write."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)}")


def typed(frame: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Exactly these columns, cast to these types (extra columns dropped)."""
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])


def _dialect_insert(conn: sa.Connection, table: sa.Table) -> Any:
    name = conn.dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"bulk writes are not supported on {name}")


def _with_conflict(
    stmt: Any,
    keys: Sequence[str] | None,
    columns: Sequence[str],
    update: Sequence[str] | None,
    set_: Mapping[str, Any] | None,
    index_where: sa.ColumnElement[bool] | None,
) -> Any:
    if not keys:
        return stmt
    copied = update if update is not None else [c for c in columns if c not in keys]
    assignments: dict[str, Any] = {c: stmt.excluded[c] for c in copied}
    assignments.update(set_ or {})
    if not assignments:
        return stmt.on_conflict_do_nothing(index_elements=list(keys), index_where=index_where)
    return stmt.on_conflict_do_update(
        index_elements=list(keys), index_where=index_where, set_=assignments
    )


def _write_sqlite(conn: sa.Connection, stmt: Any, frame: pl.DataFrame) -> None:
    compiled = stmt.compile(dialect=conn.dialect, column_keys=list(frame.columns))
    order = list(compiled.positiontup or [])
    unknown = [name for name in order if name not in frame.columns]
    if unknown:
        # A bound literal in the statement would shift every positional parameter.
        raise ValueError(f"bulk statement has parameters outside the frame: {unknown}")
    plain = frame.select(
        [
            pl.col(c).dt.convert_time_zone("UTC").dt.strftime(_SQLITE_DATETIME)
            if isinstance(frame.schema[c], pl.Datetime)
            else pl.col(c)
            for c in order
        ]
    )
    conn.exec_driver_sql(str(compiled), plain.rows())


def _write_postgresql(
    conn: sa.Connection, table: sa.Table, frame: pl.DataFrame, make_stmt: Any
) -> None:
    quote = conn.dialect.identifier_preparer.quote
    columns = list(frame.columns)
    staging = f"_bulk_{table.name}_{uuid.uuid4().hex[:8]}"
    column_list = ", ".join(quote(c) for c in columns)
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
        f"SELECT {column_list} FROM {quote(table.name)} WITH NO DATA"
    )
    # polars writes NULL as an empty field and "" as a quoted empty string, as COPY expects.
    buffer = io.StringIO(frame.write_csv(include_header=False))
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.copy_expert(f"COPY {staging} ({column_list}) FROM STDIN WITH (FORMAT csv)", buffer)
    finally:
        cursor.close()
    source = sa.table(staging, *(sa.column(c) for c in columns))
    conn.execute(make_stmt(source))
    conn.exec_driver_sql(f"DROP TABLE {staging}")


def write_frame(
    conn: sa.Connection,
    table: sa.Table,
    frame: pl.DataFrame,
    *,
    keys: Sequence[str] | None = None,
    update: Sequence[str] | None = None,
    set_: Mapping[str, Any] | None = None,
    index_where: sa.ColumnElement[bool] | None = None,
) -> int:
    """Insert a frame's rows, or upsert them when `keys` is given.

    Args:
        conn: An open connection; the caller owns the transaction.
        table: Target table; the frame's column names are its column names.
        frame: Rows to write, already typed (timestamps as UTC datetimes).
        keys: Conflict target (primary key or unique index columns); duplicates of a key in
            the frame are collapsed, the last one wins.
        update: Columns copied from the new row on conflict (default: all non-key columns).
        set_: Extra conflict assignments as SQL expressions without bound parameters
            (e.g. `table.c.attempts + sa.literal_column("1")`).
        index_where: Predicate of a partial unique index used as the conflict target.

    Returns:
        The number of rows sent.
    """
    if frame.height == 0:
        return 0
    if keys:
        frame = frame.unique(list(keys), keep="last", maintain_order=True)
    columns = list(frame.columns)
    if conn.dialect.name == "postgresql":

        def make_stmt(source: Any) -> Any:
            stmt = postgresql.insert(table).from_select(columns, sa.select(*source.c))
            return _with_conflict(stmt, keys, columns, update, set_, index_where)

        _write_postgresql(conn, table, frame, make_stmt)
    else:
        stmt = _with_conflict(
            _dialect_insert(conn, table), keys, columns, update, set_, index_where
        )
        _write_sqlite(conn, stmt, frame)
    return frame.height


def fetch_frame(
    conn: sa.Connection, query: sa.Select[Any], schema: Mapping[str, pl.DataType]
) -> pl.DataFrame:
    """Run a select whose columns are `schema`'s, in order, and return exactly that frame."""
    raw = []
    for column, (name, dtype) in zip(query.selected_columns, schema.items(), strict=True):
        expr: sa.ColumnElement[Any] = column
        if dtype == MONEY():
            # NUMERIC would arrive as Decimal objects; the backend converts much faster.
            expr = sa.cast(expr, sa.Float)
        raw.append(sa.type_coerce(expr, sa.types.NullType()).label(name))
    rows = conn.execute(query.with_only_columns(*raw)).fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    series = []
    for values, (name, dtype) in zip(columns, schema.items(), strict=True):
        if isinstance(dtype, pl.Datetime) and conn.dialect.name == "sqlite":
            s = pl.Series(name, values, dtype=pl.String).str.to_datetime(
                _SQLITE_DATETIME, time_unit="us", time_zone="UTC"
            )
        else:
            s = pl.Series(name, values, dtype=dtype, strict=False)
        series.append(s)
    return pl.DataFrame(series)
