"""Alembic environment: reuses the caller's connection, or opens one from NOVEX_DB_URL.

`resources.store.migrate.upgrade` passes a connection (holding the PostgreSQL advisory lock) in
`config.attributes["connection"]`; the `alembic` command line gets none and builds an engine.
"""

from __future__ import annotations

import logging.config

import sqlalchemy as sa
from alembic import context

from resources.store.engine import create_store_engine, default_store_url
from resources.store.migrate import VERSION_TABLE
from resources.store.tables import metadata

config = context.config
if config.config_file_name is not None and config.attributes.get("connection") is None:
    # Only the command line configures logging; programmatic callers keep their own.
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        version_table=VERSION_TABLE,
        # SQLite cannot ALTER most things; batch mode rebuilds tables for later revisions.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """Emit SQL for review instead of applying it (`alembic upgrade head --sql`)."""
    url = config.get_main_option("sqlalchemy.url") or default_store_url()
    context.configure(
        url=url, target_metadata=metadata, literal_binds=True, version_table=VERSION_TABLE
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Apply migrations over the given connection, or over a fresh engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_store_engine(config.get_main_option("sqlalchemy.url") or default_store_url())
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
