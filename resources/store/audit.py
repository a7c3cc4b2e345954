"""Read side of the audit log: every item sent to Ozon, with old and new value and outcome."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from resources.store import tables as t
from resources.store.bulk import TIMESTAMP, fetch_frame

AUDIT_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "at": TIMESTAMP,
    "run_id": pl.String(),
    "kind": pl.String(),
    "method": pl.String(),
    "offer_id": pl.String(),
    "warehouse_id": pl.Int64(),
    "old_value": pl.String(),
    "new_value": pl.String(),
    "outcome": pl.String(),
    "code": pl.String(),
    "message": pl.String(),
}


class AuditRepo:
    """Queries over the audit log; rows are written by the inventory repository's pushes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def entries(
        self,
        kind: str | None = None,
        since: datetime | None = None,
        limit: int | None = 1000,
        offer_id: str | None = None,
    ) -> pl.DataFrame:
        """Newest entries first, optionally of one kind, offer, or since a UTC time."""
        a = t.audit_log
        query = sa.select(*(a.c[c] for c in AUDIT_SCHEMA)).order_by(a.c.id.desc())
        if kind is not None:
            query = query.where(a.c.kind == kind)
        if offer_id is not None:
            query = query.where(a.c.offer_id == offer_id)
        if since is not None:
            query = query.where(a.c.at >= since)
        if limit is not None:
            query = query.limit(limit)
        with self._engine.connect() as conn:
            return fetch_frame(conn, query, AUDIT_SCHEMA)
