"""Alembic migrations of the operational store; applied by `resources.store.migrate.upgrade`."""

from __future__ import annotations

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent
ALEMBIC_INI = MIGRATIONS_DIR / "alembic.ini"
