from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from resources.store.engine import create_store_engine
from resources.store.migrate import VERSION_TABLE, current_revision, head_revision, upgrade
from resources.store.store import Store
from resources.store.tables import metadata

REPO_ROOT = Path(__file__).resolve().parents[3]
EXPECTED_TABLES = {
    "products",
    "stock_levels",
    "price_levels",
    "ozon_stock_state",
    "ozon_price_state",
    "sync_errors",
    "order_reservations",
    "quarantine",
    "audit_log",
    "source_snapshots",
    "ozon_categories",
    "ozon_category_changes",
    "ozon_attributes",
    "ozon_dictionary_values",
    "ozon_attribute_changes",
    "ozon_dictionary_search_cache",
    "category_mapping",
    "arttrade_content",
    "arttrade_characteristics",
    # catalog drift flags (0007)
    "card_drift_flags",
    # orders flow (0006)
    "orders",
    "postings",
    "posting_items",
    "shipments",
    "shipment_boxes",
    "posting_marks",
    "posting_labels",
    "handover_acts",
    "order_returns",
    "infor_documents",
    "push_inbox",
    "poll_watermarks",
}


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_upgrade_creates_every_table_at_head(store_url: str) -> None:
    engine = create_store_engine(store_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert _tables(engine) >= EXPECTED_TABLES
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_second_upgrade_is_a_no_op_and_keeps_data(store_url: str) -> None:
    with Store(store_url) as store:
        store.migrate()
        store.snapshots.mark_loaded("infor", "stock_20261127.csv", 10, 0)
        store.migrate()
        assert store.snapshots.is_loaded("infor", "stock_20261127.csv")
        assert current_revision(store.engine) == head_revision()


def test_migrated_schema_matches_table_metadata(store_url: str) -> None:
    engine = create_store_engine(store_url)
    upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": VERSION_TABLE}
        )
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == []


def test_concurrent_upgrades_on_postgresql_both_succeed(pg_url: str) -> None:
    errors: list[BaseException] = []
    engines = [create_store_engine(pg_url) for _ in range(3)]
    start = threading.Barrier(len(engines))

    def run(engine: sa.Engine) -> None:
        try:
            start.wait()
            upgrade(engine)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert _tables(engines[0]) >= EXPECTED_TABLES
    assert current_revision(engines[0]) == head_revision()
    for engine in engines:
        engine.dispose()


def test_bare_postgresql_url_migrates_and_works(pg_url: str) -> None:
    bare = sa.make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    assert bare.startswith("postgresql://")
    with Store(bare) as store:
        store.migrate()
        assert store.backend == "postgresql"
        assert store.quarantine.count() == 0


def test_alembic_command_line_works_from_any_directory(tmp_path: Path) -> None:
    db = tmp_path / "cli" / "store.sqlite"
    env = {**os.environ, "NOVEX_DB_URL": f"sqlite:///{db}"}
    alembic = Path(sys.executable).parent / "alembic"
    result = subprocess.run(
        [str(alembic), "-c", str(REPO_ROOT / "migrations" / "alembic.ini"), "upgrade", "head"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    engine = create_store_engine(f"sqlite:///{db}")
    assert _tables(engine) >= EXPECTED_TABLES
    assert current_revision(engine) == head_revision()
    engine.dispose()
