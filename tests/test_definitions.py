"""The code location loads, with the named assets, checks, jobs, sensors and schedules."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from novex_assets.constants import INVENTORY_SYNC_JOB
from novex_assets.definitions import build_definitions, default_resources
from novex_cli.stack import start_stack
from resources.ozon_resource import LOCAL_SANDBOX_URL, OzonConfigError, OzonResource
from resources.sources.resources import FileDropInforResource, data_dir_path
from resources.store.engine import DEFAULT_STORE_URL
from resources.store_resource import StoreResource

OPTIONAL_ENV = (
    "NOVEX_DB_URL",
    "NOVEX_DATA_DIR",
    "OZON_API_URL",
    "OZON_CLIENT_ID",
    "OZON_TIME_SCALE",
)


def test_definitions_load_with_everything_named(monkeypatch):
    monkeypatch.setenv("OZON_API_KEY", "any")
    from novex_assets.definitions import defs

    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {
        "sources/sap_assortment",
        "sources/infor_stock",
        "inventory/stock_levels",
        "inventory/price_levels",
        "inventory/stock_sync",
        "inventory/price_sync",
        "inventory/stock_reconciliation",
        "inventory/price_reconciliation",
    } <= keys
    for job in ("inventory_sync", "inventory_reconcile"):
        assert defs.resolve_job_def(job) is not None
    assert defs.resolve_sensor_def("inventory_sync_on_stock_snapshot").job_name == "inventory_sync"
    assert defs.resolve_schedule_def("inventory_reconcile_schedule")
    checks = {k.name for k in defs.resolve_asset_graph().asset_check_keys}
    assert {"no_negative_stock", "price_jump_within_limit", "price_not_below_minimum"} <= checks
    assert {
        "sources/arttrade_content",
        "catalog/ozon_category_tree",
        "catalog/category_mapping",
        "catalog/ozon_attributes",
    } <= keys
    assert defs.resolve_job_def("catalog_refresh") is not None
    assert defs.resolve_sensor_def("catalog_refresh_on_new_pair").job_name == "catalog_refresh"
    assert defs.resolve_schedule_def("catalog_refresh_schedule").cron_schedule == "40 3 * * *"
    dg.Definitions.validate_loadable(defs)


def test_catalog_export_is_defined(monkeypatch):
    monkeypatch.setenv("OZON_API_KEY", "any")
    from novex_assets.definitions import defs

    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {
        "catalog/product_cards",
        "catalog/card_checks",
        "catalog/card_export",
        "catalog/card_moderation",
        "catalog/report",
    } <= keys
    for job in ("catalog_export", "catalog_moderation"):
        assert defs.resolve_job_def(job) is not None
    assert defs.resolve_sensor_def("catalog_export_on_source_file").job_name == "catalog_export"
    schedule = defs.resolve_schedule_def("catalog_moderation_schedule")
    assert schedule.job_name == "catalog_moderation"
    checks = {k.name for k in defs.resolve_asset_graph().asset_check_keys}
    assert "failing_share_within_limit" in checks


def test_secrets_are_read_from_the_environment_not_run_config(monkeypatch):
    monkeypatch.setenv("OZON_API_KEY", "super-secret-key")
    monkeypatch.setenv("NOVEX_DB_URL", "postgresql://novex:db-password@db/novex")
    resources = default_resources()
    assert "super-secret-key" not in repr(resources["ozon"])
    assert "db-password" not in repr(resources["store"])


def test_building_definitions_bakes_in_no_environment_variable(monkeypatch, tmp_path: Path):
    # Set at import time, changed before the run: the run must see the later values.
    for name in OPTIONAL_ENV:
        monkeypatch.setenv(name, f"at-import-{name}")
    resources = build_definitions().resources
    assert resources is not None
    store = resources["store"]
    assert isinstance(store, StoreResource) and store.url is None
    ozon = resources["ozon"]
    assert isinstance(ozon, OzonResource)
    assert (ozon.base_url, ozon.client_id, ozon.time_scale) == (None, None, None)
    assert ozon.default_client_id == "100500"  # from config/novex.yaml, not the environment
    infor = resources["infor"]
    assert isinstance(infor, FileDropInforResource) and infor.data_dir is None

    monkeypatch.setenv("NOVEX_DB_URL", f"sqlite:///{tmp_path / 'later.sqlite'}")
    monkeypatch.setenv("OZON_API_URL", "http://ozon.example:9000")
    monkeypatch.setenv("OZON_CLIENT_ID", "4242")
    monkeypatch.setenv("OZON_TIME_SCALE", "20")
    monkeypatch.setenv("NOVEX_DATA_DIR", str(tmp_path / "drops"))
    assert store.resolved_url().endswith("later.sqlite")
    assert ozon.resolved_base_url() == "http://ozon.example:9000"
    assert ozon.resolved_client_id() == "4242"
    assert ozon.resolved_time_scale() == 20.0
    assert data_dir_path(infor.data_dir) == tmp_path / "drops"


def test_unset_optional_variables_fall_back_to_the_documented_defaults(monkeypatch):
    for name in OPTIONAL_ENV:
        monkeypatch.delenv(name, raising=False)
    resources = default_resources()
    ozon = resources["ozon"]
    assert ozon.resolved_base_url() == LOCAL_SANDBOX_URL == "http://127.0.0.1:8765"
    assert ozon.resolved_client_id() == "100500"
    assert ozon.resolved_time_scale() == 1.0
    assert resources["store"].resolved_url() == DEFAULT_STORE_URL
    assert data_dir_path(resources["sap"].data_dir) == Path("var/data")


def test_a_bad_optional_variable_is_named_when_the_client_is_made(monkeypatch):
    monkeypatch.setenv("OZON_TIME_SCALE", "fast")
    ozon = OzonResource(default_client_id="1", api_key="k")
    with pytest.raises(OzonConfigError, match=r"\$OZON_TIME_SCALE must be a positive number"):
        ozon.get_client()
    monkeypatch.delenv("OZON_CLIENT_ID", raising=False)
    with pytest.raises(OzonConfigError, match=r"OZON_CLIENT_ID"):
        OzonResource(api_key="k").resolved_client_id()


@pytest.mark.slow
def test_the_shipped_definitions_run_against_what_the_environment_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`dagster dev` with the README's variables: the default resources reach sandbox and store."""
    stack = start_stack(tmp_path / "stack", skus=120, seed=8, time_factor=120.0)
    try:
        defs = build_definitions()  # built before the variables are set, as at import
        monkeypatch.setenv("OZON_API_URL", stack.server.url)
        monkeypatch.setenv("OZON_TIME_SCALE", "120")
        monkeypatch.delenv("OZON_CLIENT_ID", raising=False)
        monkeypatch.setenv("NOVEX_DB_URL", stack.store_url)
        monkeypatch.setenv("NOVEX_DATA_DIR", str(stack.data_dir))
        result = defs.resolve_job_def(INVENTORY_SYNC_JOB).execute_in_process(
            instance=dg.DagsterInstance.ephemeral(),
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
        assert result.success
        sent = stack.server.admin.requests(stack.client_id).total_requests
        assert sent > 0
        assert (tmp_path / "stack" / "novex.sqlite").is_file()
    finally:
        stack.close()


def test_orders_flow_is_registered(monkeypatch):
    monkeypatch.setenv("OZON_API_KEY", "any")
    from novex_assets.definitions import defs

    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {
        "orders/postings",
        "orders/shipments",
        "orders/labels",
        "orders/acts",
        "orders/returns",
        "orders/staff_cancellations",
        "orders/held_postings",
    } <= keys
    process = {
        k.to_user_string()
        for k in defs.resolve_job_def("orders_process").asset_layer.executable_asset_keys
    }
    assert {"orders/postings", "orders/shipments", "orders/labels"} <= process
    # Staff assets need their run config: the sensor-started batch job leaves them out.
    assert not process & {"orders/staff_cancellations", "orders/held_postings"}
    for job in ("orders_handover", "orders_returns", "orders_cancel", "orders_retry_held"):
        assert defs.resolve_job_def(job) is not None
    assert defs.resolve_schedule_def("orders_handover_schedule").cron_schedule == "*/10 * * * *"
    sensor = defs.resolve_sensor_def("orders_process_on_infor_document")
    assert sensor.job_name == "orders_process"
    for name in ("orders_handover_schedule", "orders_returns_schedule"):
        assert defs.resolve_schedule_def(name)
