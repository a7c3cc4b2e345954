"""Dagster resource handing assets the operational store, migrated once per process."""

from __future__ import annotations

import threading

import dagster as dg
from pydantic import Field

from resources.store.engine import default_store_url, safe_url
from resources.store.store import Store

_stores: dict[str, Store] = {}
_lock = threading.Lock()


def open_store(url: str) -> Store:
    """The process-wide `Store` for a URL, migrated on first use."""
    with _lock:
        store = _stores.get(url)
        if store is None:
            store = Store(url).migrate()
            _stores[url] = store
        return store


class StoreResource(dg.ConfigurableResource):
    """The CMS store (SQLite file by default, PostgreSQL in production)."""

    url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the store, e.g. sqlite:///var/novex.sqlite or "
            "postgresql://user:password@host/db. Unset: $NOVEX_DB_URL when a run starts, else "
            "sqlite:///var/novex.sqlite; either way the password stays out of the run config."
        ),
    )

    def resolved_url(self) -> str:
        """The URL in force: config, else `$NOVEX_DB_URL`, else the SQLite file under ./var."""
        return self.url or default_store_url()

    def get_store(self) -> Store:
        """The migrated store; engine and migration check are shared by all runs of a process."""
        return open_store(self.resolved_url())

    def __repr__(self) -> str:
        return f"StoreResource(url={safe_url(self.resolved_url())!r})"

    __str__ = __repr__
