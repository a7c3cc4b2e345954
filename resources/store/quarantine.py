"""Source rows that could not be used, kept once each so staff can fix them at the source."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy.engine import Engine

from resources.store import tables as t
from resources.store.bulk import TIMESTAMP, fetch_frame, write_frame

_REASON_MAX = 1000

QUARANTINE_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "source": pl.String(),
    "file": pl.String(),
    "line": pl.Int64(),
    "reason": pl.String(),
    "raw": pl.String(),
    "first_seen_at": TIMESTAMP,
    "last_seen_at": TIMESTAMP,
}


class QuarantineEntry(BaseModel):
    """One rejected source row as stored; built from any object with these attributes."""

    model_config = ConfigDict(from_attributes=True)

    source: str
    file: str
    line: int = 0
    reason: str
    raw: str = ""

    @field_validator("line", mode="before")
    @classmethod
    def _no_line(cls, value: Any) -> Any:
        # A whole-file problem has no line; 0 keeps it unique (NULLs never collide in a key).
        return 0 if value is None else value

    @field_validator("raw", mode="before")
    @classmethod
    def _raw_text(cls, value: Any) -> Any:
        return "" if value is None else str(value)

    @field_validator("reason")
    @classmethod
    def _reason_fits(cls, value: str) -> str:
        return value[:_REASON_MAX]


class QuarantineRepo:
    """Append-only, deduplicated store of quarantined source rows."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, rows: Iterable[Any]) -> int:
        """Store rows (objects or mappings with source, file, line, reason, raw).

        Re-reading the same file does not duplicate them: a row already known only gets its
        `last_seen_at` refreshed. Returns how many rows are new.
        """
        now = t.utcnow()
        entries = [
            QuarantineEntry.model_validate(dict(row) if isinstance(row, Mapping) else row)
            for row in rows
        ]
        if not entries:
            return 0
        frame = pl.DataFrame(
            [entry.model_dump() for entry in entries],
            schema={c: QUARANTINE_SCHEMA[c] for c in ("source", "file", "line", "reason", "raw")},
            orient="row",
        ).with_columns(pl.lit(now).alias("first_seen_at"), pl.lit(now).alias("last_seen_at"))
        with self._engine.begin() as conn:
            before = self._count(conn, None)
            write_frame(
                conn,
                t.quarantine,
                frame,
                keys=["source", "file", "line", "reason"],
                update=["raw", "last_seen_at"],
            )
            return self._count(conn, None) - before

    def list(self, source: str | None = None) -> pl.DataFrame:
        """Quarantined rows, optionally of one source, by source, file and line."""
        q = t.quarantine
        query = sa.select(*(q.c[c] for c in QUARANTINE_SCHEMA)).order_by(
            q.c.source, q.c.file, q.c.line, q.c.reason
        )
        if source is not None:
            query = query.where(q.c.source == source)
        with self._engine.connect() as conn:
            return fetch_frame(conn, query, QUARANTINE_SCHEMA)

    def count(self, source: str | None = None) -> int:
        """Number of quarantined rows, optionally of one source."""
        with self._engine.connect() as conn:
            return self._count(conn, source)

    @staticmethod
    def _count(conn: sa.Connection, source: str | None) -> int:
        query = sa.select(sa.func.count()).select_from(t.quarantine)
        if source is not None:
            query = query.where(t.quarantine.c.source == source)
        return int(conn.execute(query).scalar_one())
