"""Bring a store's schema to the latest revision, safely from several processes at once.

The webserver, the daemon and each run worker may start together against one PostgreSQL
database; an advisory lock makes them queue, and whoever comes second finds nothing to do.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from migrations import ALEMBIC_INI, MIGRATIONS_DIR

logger = logging.getLogger(__name__)

# Arbitrary but fixed: every process of this project must use the same advisory lock key.
_PG_LOCK_KEY = 0x4E4F5645_0001


# Our own version table: Dagster's PostgreSQL storage keeps its revision in `alembic_version`,
# and production may put both in one database.
VERSION_TABLE = "novex_alembic_version"


def alembic_config() -> Config:
    """Alembic config pointing at the shipped migrations, wherever the package lives."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    """The newest revision shipped with this code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when it was never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(
            conn, opts={"version_table": VERSION_TABLE}
        ).get_current_revision()


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """Serialise migrations of one SQLite file across processes (Dagster runs steps in several).

    PostgreSQL has advisory locks; SQLite has none that outlive alembic's DDL, so a lock file
    beside the database does the job.
    """
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).with_suffix(Path(database).suffix + ".migrate-lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(engine: Engine) -> None:
    """Apply every pending migration; a no-op when the schema is already at head."""
    with _sqlite_file_lock(engine):
        _upgrade(engine)


def _upgrade(engine: Engine) -> None:
    config = alembic_config()
    is_pg = engine.dialect.name == "postgresql"
    with engine.connect() as conn:
        if is_pg:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
            # Session-level lock: keep it while alembic runs its own transaction.
            conn.commit()
        try:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()
        finally:
            if is_pg:
                conn.rollback()
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
                conn.commit()
    logger.debug("store schema at %s", head_revision())
