"""Engines for the operational store: SQLite by default, PostgreSQL by URL.

SQLite gets WAL, foreign keys and a busy timeout so that the Dagster webserver, the daemon and
run workers can share one file; PostgreSQL is forced onto psycopg2, the driver we ship.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

DEFAULT_STORE_URL = "sqlite:///var/novex.sqlite"
STORE_URL_ENV = "NOVEX_DB_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def default_store_url() -> str:
    """The store URL from `NOVEX_DB_URL`, else a SQLite file under `./var`."""
    return os.environ.get(STORE_URL_ENV) or DEFAULT_STORE_URL


def normalise_url(url: str | URL) -> URL:
    """Parse a store URL, pinning bare PostgreSQL URLs to psycopg2.

    SQLAlchemy 2.1 maps `postgresql://` to psycopg v3, which is not installed.
    """
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed


def safe_url(url: str | URL) -> str:
    """The URL as it may be shown in logs, errors and reprs: password masked."""
    return sa.make_url(url).render_as_string(hide_password=True)


def _is_sqlite_file(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # WAL + NORMAL is durable against application crashes and much faster on bulk upserts.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def create_store_engine(url: str | URL) -> Engine:
    """Create an engine for the store; creates the SQLite file's folder when needed."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        if _is_sqlite_file(parsed):
            assert parsed.database is not None
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(
            parsed,
            pool_pre_ping=True,
            # Batch UPDATE/DELETE executemany too, not only INSERT (resolving errors in bulk).
            executemany_mode="values_plus_batch",
        )
    return sa.create_engine(parsed, pool_pre_ping=True)
