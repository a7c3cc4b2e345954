"""The code location loads, with the named assets, checks, jobs, sensors and schedules."""

from __future__ import annotations

import dagster as dg


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
    assert defs.get_sensor_def("inventory_sync_on_stock_snapshot").job_name == "inventory_sync"
    assert defs.get_schedule_def("inventory_reconcile_schedule")
    checks = {k.name for k in defs.resolve_asset_graph().asset_check_keys}
    assert {"no_negative_stock", "price_jump_within_limit", "price_not_below_minimum"} <= checks
    dg.Definitions.validate_loadable(defs)


def test_secrets_are_read_from_the_environment_not_run_config(monkeypatch):
    monkeypatch.setenv("OZON_API_KEY", "super-secret-key")
    from novex_assets.definitions import default_resources

    ozon = default_resources()["ozon"]
    assert "super-secret-key" not in repr(ozon)


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
    } <= keys
    process = {
        k.to_user_string()
        for k in defs.resolve_job_def("orders_process").asset_layer.executable_asset_keys
    }
    assert {"orders/postings", "orders/shipments", "orders/labels"} <= process
    for job in ("orders_handover", "orders_returns"):
        assert defs.resolve_job_def(job) is not None
    sensor = defs.resolve_sensor_def("orders_process_on_infor_document")
    assert sensor.job_name == "orders_process"
    for name in ("orders_handover_schedule", "orders_returns_schedule"):
        assert defs.resolve_schedule_def(name)
