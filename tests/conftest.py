"""Fixtures shared by every test layer: the reference material and a real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("NOVEX_SHARED_DIR", REPO_ROOT.parent / "shared"))
OZON_EXAMPLES = SHARED_DIR / "ozon" / "examples"
OZON_SPEC = SHARED_DIR / "ozon" / "seller-api.openapi.json"
OZON_NOTES = SHARED_DIR / "ozon" / "API-NOTES.md"

PG_ADMIN_URL = os.environ.get(
    "NOVEX_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def ozon_examples() -> Path:
    """The folder of Ozon's real payloads; skips (with the reason) where it is absent."""
    if not OZON_EXAMPLES.is_dir():
        pytest.skip(f"Ozon reference payloads not found at {OZON_EXAMPLES}")
    return OZON_EXAMPLES


@pytest.fixture(scope="session")
def ozon_spec_path() -> Path:
    """Ozon's official OpenAPI document; skips (with the reason) where it is absent."""
    if not OZON_SPEC.is_file():
        pytest.skip(f"Ozon OpenAPI spec not found at {OZON_SPEC}")
    return OZON_SPEC


def _pg_reachable() -> str | None:
    """Return None when the test PostgreSQL answers, else the reason it does not."""
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as exc:  # any driver or network failure means "not reachable"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


@pytest.fixture(scope="session")
def pg_server() -> str:
    """Admin URL of a reachable PostgreSQL. In CI an unreachable server fails, never skips."""
    reason = _pg_reachable()
    if reason is not None:
        msg = f"PostgreSQL at {PG_ADMIN_URL} is not reachable ({reason})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg + "; CI requires it", pytrace=False)
        pytest.skip(msg)
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import sqlalchemy as sa

    name = f"novex_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(pg_server).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def chromium_browser() -> Iterator[Browser]:
    """A headless Chromium (`/usr/bin/chromium` via Playwright) for one test (~1 s to start).

    Skips with the reason where the browser is absent; in CI (`CI=true`) that fails instead.
    Open pages with `chromium_browser.new_page()`. Per test, not per session: Playwright's sync
    API keeps an event loop running while it is open, which would break later tests that start
    their own (uvicorn, asyncio.run).
    """
    from tests.support.browser import chromium_missing_reason, launch_chromium

    reason = chromium_missing_reason()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + "; CI requires it", pytrace=False)
        pytest.skip(reason)
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store URL on each backend: the same test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return request.getfixturevalue("pg_url")
