"""`novex demo`: the inventory flow end to end against the sandbox, with a printed summary."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click
import dagster as dg

from novex_assets.constants import INVENTORY_SYNC_JOB
from novex_assets.definitions import build_definitions
from novex_assets.run_monitoring import fail_dead_runs
from novex_cli.demo_catalog import run_catalog_demo
from novex_cli.stack import LocalStack, dagster_home, local_instance, start_stack

# Where `novex sandbox` looks for state by default, so it continues from the demo.
SANDBOX_STATE = Path("var/sandbox-state.json")
SYNC_KEYS = {
    "stock": dg.AssetKey(["inventory", "stock_sync"]),
    "price": dg.AssetKey(["inventory", "price_sync"]),
}


def materialization_metadata(
    result: dg.ExecuteInProcessResult, key: dg.AssetKey
) -> dict[str, Any] | None:
    """Metadata of one asset's materialisation in a run, as plain values (None if not run)."""
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        if materialization is not None and materialization.asset_key == key:
            return {k: v.value for k, v in materialization.metadata.items()}
    return None


def sync_metadata(result: dg.ExecuteInProcessResult) -> dict[str, dict[str, Any]]:
    """Metadata of the stock and price sync materialisations of one run, as plain values."""
    found = {kind: materialization_metadata(result, key) for kind, key in SYNC_KEYS.items()}
    return {kind: meta for kind, meta in found.items() if meta is not None}


def run_sync(stack: LocalStack, instance: dg.DagsterInstance, label: str) -> dict[str, Any]:
    """Run the inventory_sync job once and return what it did, with the sandbox's request count."""
    defs = build_definitions(resources=stack.resources())
    job = defs.resolve_job_def(INVENTORY_SYNC_JOB)
    before = stack.server.admin.requests(stack.client_id).total_requests
    started = time.perf_counter()
    result = job.execute_in_process(
        instance=instance,
        tags={"novex/demo": label},
        # Full event logs stay in the instance (see `dagster dev`); the terminal gets the summary.
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        raise_on_error=False,
    )
    seconds = time.perf_counter() - started
    after = stack.server.admin.requests(stack.client_id)
    if not result.success:
        raise click.ClickException(f"{label}: run {result.run_id} failed; see `dagster dev`")
    meta = sync_metadata(result)
    return {
        "label": label,
        "run_id": result.run_id,
        "seconds": round(seconds, 2),
        "requests": after.total_requests - before,
        "rejected_by_limit": after.total_rejected_by_limit,
        "stock": meta.get("stock", {}),
        "price": meta.get("price", {}),
    }


def _print(summary: dict[str, Any]) -> None:
    stock, price = summary["stock"], summary["price"]
    click.echo(
        f"\n== {summary['label']} (run {summary['run_id'][:8]}, {summary['seconds']} s, "
        f"{summary['requests']} Ozon requests)"
    )
    for name, data in (("stock pairs", stock), ("prices", price)):
        click.echo(
            f"  {name:<12} changed {data.get('changed', 0):>6}  sent {data.get('sent', 0):>6}  "
            f"accepted {data.get('accepted', 0):>6}  rejected {data.get('rejected', 0):>4}  "
            f"deferred {data.get('deferred', 0):>4}  batches {data.get('batches', 0):>4}"
        )
        codes = data.get("error_codes") or {}
        if codes:
            click.echo(f"  {'':<12} errors by code: {codes}")


def _skip_synced_snapshot_in_sensor(stack: LocalStack, instance: dg.DagsterInstance) -> None:
    """Set the snapshot sensor's cursor past what the demo synced, for the first `dagster dev`."""
    from novex_cli.sensor_cursor import WORKSPACE_FILE, advance_sensor_cursor
    from resources.sources.files import FileDropInfor
    from sensors.inventory import build_stock_snapshot_sensor

    latest = FileDropInfor(stack.data_dir).latest_stock_snapshot()
    if latest is None or not WORKSPACE_FILE.is_file():  # no checkout: no `dagster dev` to prime
        return
    sensor = build_stock_snapshot_sensor(stack.settings.sync.snapshot_sensor_interval_s)
    if advance_sensor_cursor(instance, sensor, latest.name):
        click.echo(f"\nSensor {sensor.name} now starts after {latest.name} (already synced).")


def run_demo(*, skus: int, seed: int, workdir: Path, time_factor: float) -> None:
    """Sandbox up, sample data, full sync, then a 1 % stock change synced alone."""
    from sample_data.generator import change_stock

    click.echo(f"Generating {skus} SKUs and starting the Ozon sandbox (clock x{time_factor:g}) ...")
    stack = start_stack(workdir, skus=skus, seed=seed, time_factor=time_factor)
    try:
        instance = local_instance(dagster_home())
        for run_id in fail_dead_runs(instance):
            click.echo(f"Run {run_id[:8]} was left STARTED by a crashed process: marked failed")
        click.echo(f"Sandbox at {stack.server.url}; store {stack.store_url}")
        first = run_sync(stack, instance, "full sync")
        _print(first)
        new_file = change_stock(stack.data_dir, share=0.01, seed=seed + 1)
        click.echo(f"\nInfor dropped a new snapshot with 1 % of rows changed: {new_file.name}")
        second = run_sync(stack, instance, "1 % stock change")
        _print(second)
        third = run_sync(stack, instance, "nothing changed")
        _print(third)
        run_catalog_demo(stack, instance, workdir)  # syncs a snapshot of its own, new cards
        _skip_synced_snapshot_in_sensor(stack, instance)

        from novex_cli.demo_orders import run_orders_day

        run_orders_day(stack, instance, orders=300, seed=seed)
        stack.save_sandbox_state(SANDBOX_STATE)
        click.echo(
            f"\nRuns are stored in {instance.root_directory}; "
            "browse them with `python3 dev.py run dagster dev`."
        )
        click.echo(
            f"Sandbox state saved to {SANDBOX_STATE}; `novex sandbox --state-file "
            f"{SANDBOX_STATE}` continues from it (README, Dagster UI)."
        )
    finally:
        stack.close()
