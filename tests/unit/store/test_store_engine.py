from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from resources.store.engine import create_store_engine, default_store_url, normalise_url
from resources.store.store import Store
from resources.store_resource import StoreResource

SECRET_URL = "postgresql://novex:s3cr3t-pw@db.example:5432/cms"


def test_bare_postgresql_url_uses_psycopg2_driver() -> None:
    engine = create_store_engine(SECRET_URL)
    assert engine.dialect.driver == "psycopg2"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg2"
    assert normalise_url("postgresql+psycopg2://u@h/db").drivername == "postgresql+psycopg2"


def test_password_never_shown_in_reprs() -> None:
    store = Store(SECRET_URL)
    resource = StoreResource(url=SECRET_URL)
    for shown in (repr(store), store.url, repr(store.engine), repr(resource), str(resource)):
        assert "s3cr3t-pw" not in shown
        assert "db.example" in shown
    store.dispose()


def test_default_url_is_local_sqlite_unless_env_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOVEX_DB_URL", raising=False)
    assert default_store_url() == "sqlite:///var/novex.sqlite"
    monkeypatch.setenv("NOVEX_DB_URL", "postgresql://u@h/db")
    assert default_store_url() == "postgresql://u@h/db"


def test_sqlite_creates_folder_and_enables_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "store.sqlite"
    engine = create_store_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert (conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 1000
    engine.dispose()
    assert path.is_file()


def test_relative_sqlite_path_resolves_against_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    engine = create_store_engine("sqlite:///var/novex.sqlite")
    with engine.connect() as conn:
        conn.execute(sa.text("select 1"))
    engine.dispose()
    assert (tmp_path / "var" / "novex.sqlite").is_file()
