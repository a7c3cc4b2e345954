"""Production shape: the store on PostgreSQL and the Dagster instance from deploy/dagster.yaml."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa

from novex_assets.constants import INVENTORY_SYNC_JOB
from novex_cli.stack import LocalStack, start_stack
from resources.store.store import Store
from tests.assets.conftest import materialization, run_job

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg_stack(tmp_path: Path, pg_url: str) -> Iterator[LocalStack]:
    stack = start_stack(tmp_path / "stack", skus=200, seed=4, time_factor=120.0)
    stack.store_url = pg_url
    try:
        yield stack
    finally:
        stack.close()


@pytest.fixture
def pg_instance(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dg.DagsterInstance]:
    """A Dagster instance built from the shipped production dagster.yaml, on its own database."""
    url = sa.engine.make_url(pg_url)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(REPO_ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_PG_HOST", url.host or "127.0.0.1")
    monkeypatch.setenv("DAGSTER_PG_PORT", str(url.port or 5432))
    monkeypatch.setenv("DAGSTER_PG_DB", url.database or "")
    monkeypatch.setenv("DAGSTER_PG_USER", url.username or "postgres")
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", url.password or "")
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        yield instance
    finally:
        instance.dispose()


@pytest.mark.postgres
def test_inventory_sync_on_postgres_store_and_postgres_instance(pg_stack, pg_instance):
    result = run_job(pg_stack, INVENTORY_SYNC_JOB, instance=pg_instance)
    assert result.success
    stock = materialization(result, "inventory", "stock_sync")
    assert stock["accepted"] == stock["changed"] > 0
    # The run and its materialisations are stored in PostgreSQL.
    assert type(pg_instance.run_storage).__name__ == "PostgresRunStorage"
    record = pg_instance.get_run_record_by_id(result.run_id)
    assert record is not None and record.dagster_run.is_success
    latest = pg_instance.get_latest_materialization_event(dg.AssetKey(["inventory", "stock_sync"]))
    assert latest is not None
    store = Store(pg_stack.store_url).migrate()
    assert store.backend == "postgresql"
    assert store.inventory.ozon_stock_state().height == stock["accepted"]
    again = run_job(pg_stack, INVENTORY_SYNC_JOB, instance=pg_instance)
    assert materialization(again, "inventory", "stock_sync")["sent"] == 0
