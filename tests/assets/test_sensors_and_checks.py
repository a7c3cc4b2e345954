"""Sensor ticks, blocking asset checks and schedules of the inventory flow."""

from __future__ import annotations

import dagster as dg
import polars as pl

from novex_assets.constants import INVENTORY_SYNC_JOB
from novex_assets.definitions import build_definitions
from resources.sources.resources import FileDropInforResource
from resources.store.store import Store
from sample_data.generator import change_stock
from sensors.inventory import SENSOR_NAME
from tests.assets.conftest import materialization, run_job


def _tick(stack, cursor: str | None):
    defs = build_definitions(resources=stack.resources())
    sensor = defs.resolve_sensor_def(SENSOR_NAME)
    context = dg.build_sensor_context(
        cursor=cursor,
        resources={"infor": FileDropInforResource(data_dir=str(stack.data_dir))},
        definitions=defs,
    )
    return sensor.evaluate_tick(context)


def test_sensor_requests_one_run_per_new_snapshot_and_advances_its_cursor(stack):
    first = _tick(stack, None)
    assert len(first.run_requests) == 1
    snapshot = first.cursor
    assert first.run_requests[0].tags["novex/snapshot"] == snapshot
    assert first.run_requests[0].run_key == f"infor-stock:{snapshot}"

    idle = _tick(stack, snapshot)
    assert not idle.run_requests
    assert "no snapshot newer" in (idle.skip_message or "")

    new_file = change_stock(stack.data_dir, share=0.02, seed=5)
    fresh = _tick(stack, snapshot)
    assert fresh.cursor == new_file.name
    assert len(fresh.run_requests) == 1
    # The requested run is the inventory sync, and it reads the snapshot it was requested for.
    result = run_job(stack, INVENTORY_SYNC_JOB, tags=fresh.run_requests[0].tags)
    assert result.success
    assert materialization(result, "sources", "infor_stock")["snapshot"] == fresh.cursor
    # Re-running the older request must not push older stock over the newer one.
    older = run_job(stack, INVENTORY_SYNC_JOB, tags=first.run_requests[0].tags)
    assert not older.success
    failure = older.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert "older than" in failure.description


def test_blocking_price_check_stops_the_price_push_but_not_the_stock_push(stack):
    assert run_job(stack, INVENTORY_SYNC_JOB).success
    store = Store(stack.store_url).migrate()
    offer_id, price = store.inventory.price_levels().select("offer_id", "price").row(0)
    # Ozon shows a third of our price for one product: pushing ours would be a +200 % jump.
    store.inventory.correct_ozon_price_state(
        pl.DataFrame(
            {"offer_id": [offer_id], "price": [price / 3], "old_price": [0.0], "min_price": [None]},
            schema={
                "offer_id": pl.String,
                "price": pl.Float64,
                "old_price": pl.Float64,
                "min_price": pl.Float64,
            },
        )
    )
    ozon_before = stack.server.admin.prices(stack.client_id)[offer_id].price
    change_stock(stack.data_dir, share=0.05, seed=9)
    result = run_job(stack, INVENTORY_SYNC_JOB)

    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert checks["price_jump_within_limit"].passed is False
    assert checks["price_jump_within_limit"].metadata["failed_rows"].value == 1
    assert checks["no_negative_stock"].passed is True
    done = {e.materialization.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["inventory", "price_sync"]) not in done
    assert dg.AssetKey(["inventory", "stock_sync"]) in done
    assert stack.server.admin.prices(stack.client_id)[offer_id].price == ozon_before


def test_schedules_come_from_config_and_target_the_jobs(stack):
    defs = build_definitions(resources=stack.resources())
    reconcile = defs.resolve_schedule_def("inventory_reconcile_schedule")
    assert reconcile.cron_schedule == stack.settings.sync.reconcile_cron
    assert reconcile.job_name == "inventory_reconcile"
    assert defs.resolve_schedule_def("inventory_sync_schedule").job_name == INVENTORY_SYNC_JOB
    context = dg.build_schedule_context(scheduled_execution_time=None)
    data = reconcile.evaluate_tick(context)
    assert len(data.run_requests) == 1
