"""Which source snapshot files were processed, so a sensor does not load one twice."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from resources.store import tables as t
from resources.store.bulk import write_frame


class SnapshotRepo:
    """Bookkeeping of loaded snapshot files per source."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def mark_loaded(self, source: str, name: str, rows: int, quarantined: int) -> None:
        """Record (or re-record, on a reload) that a snapshot was processed."""
        with self._engine.begin() as conn:
            write_frame(
                conn,
                t.source_snapshots,
                pl.DataFrame(
                    {
                        "source": [source],
                        "name": [name],
                        "loaded_at": [t.utcnow()],
                        "rows": [rows],
                        "quarantined": [quarantined],
                    }
                ),
                keys=["source", "name"],
            )

    def is_loaded(self, source: str, name: str) -> bool:
        """Whether this snapshot of this source was already processed."""
        s = t.source_snapshots
        query = sa.select(sa.literal(1)).where(s.c.source == source, s.c.name == name)
        with self._engine.connect() as conn:
            return conn.execute(query).first() is not None

    def last_loaded(self, source: str) -> str | None:
        """Name of the snapshot of this source processed most recently, if any."""
        s = t.source_snapshots
        query = (
            sa.select(s.c.name)
            .where(s.c.source == source)
            .order_by(s.c.loaded_at.desc(), s.c.name.desc())
            .limit(1)
        )
        with self._engine.connect() as conn:
            return conn.execute(query).scalar_one_or_none()

    def recent_data_lines(self, source: str, limit: int = 3, *, exclude: str = "") -> list[int]:
        """Data lines (loaded + quarantined) of the last `limit` snapshots loaded, newest first.

        The completeness check compares a new file with these; `exclude` leaves out the file
        being judged when it is read again.
        """
        s = t.source_snapshots
        query = (
            sa.select(s.c.rows + s.c.quarantined)
            .where(s.c.source == source, s.c.name != exclude)
            .order_by(s.c.loaded_at.desc(), s.c.name.desc())
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [int(n) for n in conn.execute(query).scalars()]
