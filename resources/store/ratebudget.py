"""The Ozon rate budget shared through the store: recent calls and item sends per Client-Id.

Every process pushing for an account records the calls it sends to rate-limited methods; a
process starting a push loads what Ozon's windows still hold, so it neither earns a 429 nor a
per-item ``TOO_MANY_REQUESTS`` for pairs another run sent seconds ago. Implements the client's
``BudgetJournal`` protocol without the client importing the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from resources.ozon.ratelimit import JournalEntry
from resources.store import tables as t

# Rows older than this are of no use to any window (the longest, prices', is one hour).
KEEP = timedelta(hours=2)


class BudgetRepo:
    """Calls and item sends of one Ozon account (Client-Id), as a ``BudgetJournal``."""

    def __init__(self, engine: Engine, client_id: str) -> None:
        self._engine = engine
        self.client_id = str(client_id)

    def recent(
        self, path: str, since: datetime, exclude_origin: str
    ) -> tuple[list[JournalEntry], list[JournalEntry]]:
        """Calls and item sends of ``path`` at or after ``since`` by other limiters."""
        calls, items = t.ozon_calls, t.ozon_item_sends
        with self._engine.begin() as conn:
            # Housekeeping on the way: nobody needs rows older than every window.
            cutoff = t.utcnow() - KEEP
            conn.execute(sa.delete(calls).where(calls.c.sent_at < cutoff))
            conn.execute(sa.delete(items).where(items.c.sent_at < cutoff))
            call_rows = conn.execute(
                sa.select(calls.c.id, calls.c.sent_at).where(
                    calls.c.client_id == self.client_id,
                    calls.c.path == path,
                    calls.c.sent_at >= since,
                    calls.c.origin != exclude_origin,
                )
            ).all()
            item_rows = conn.execute(
                sa.select(items.c.id, items.c.sent_at, items.c.item_key).where(
                    items.c.client_id == self.client_id,
                    items.c.path == path,
                    items.c.sent_at >= since,
                    items.c.origin != exclude_origin,
                )
            ).all()
        return (
            [JournalEntry(row.id, row.sent_at) for row in call_rows],
            [JournalEntry(row.id, row.sent_at, row.item_key) for row in item_rows],
        )

    def record(self, path: str, at: datetime, item_keys: Sequence[str], origin: str) -> None:
        """Remember one call and its items, in one transaction."""
        base = {"client_id": self.client_id, "path": path, "origin": origin, "sent_at": at}
        with self._engine.begin() as conn:
            conn.execute(sa.insert(t.ozon_calls).values(**base))
            if item_keys:
                conn.execute(
                    sa.insert(t.ozon_item_sends), [{**base, "item_key": k} for k in item_keys]
                )
