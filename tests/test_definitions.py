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
    assert {
        "sources/arttrade_content",
        "catalog/ozon_category_tree",
        "catalog/category_mapping",
        "catalog/ozon_attributes",
    } <= keys
    assert defs.resolve_job_def("catalog_refresh") is not None
    assert defs.get_sensor_def("catalog_refresh_on_new_pair").job_name == "catalog_refresh"
    assert defs.get_schedule_def("catalog_refresh_schedule").cron_schedule == "40 3 * * *"
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
    from novex_assets.definitions import default_resources

    ozon = default_resources()["ozon"]
    assert "super-secret-key" not in repr(ozon)
