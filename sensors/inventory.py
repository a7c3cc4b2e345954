"""Starts the inventory sync when Infor drops a new stock snapshot."""

import dagster as dg

from novex_assets.jobs import inventory_sync_job
from novex_assets.sources.assets import SNAPSHOT_TAG
from resources.sources.resources import InforResource

SENSOR_NAME = "inventory_sync_on_stock_snapshot"


def _newer(names: list[str], cursor: str | None) -> list[str]:
    return [n for n in names if cursor is None or n > cursor]


def build_stock_snapshot_sensor(interval_s: int = 60) -> dg.SensorDefinition:
    """Poll the Infor adapter; the cursor is the newest snapshot a run was requested for."""

    @dg.sensor(
        name=SENSOR_NAME,
        job=inventory_sync_job,
        minimum_interval_seconds=interval_s,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Runs inventory_sync once for the newest Infor stock snapshot not yet synced.",
    )
    def inventory_sync_on_stock_snapshot(
        context: dg.SensorEvaluationContext, infor: InforResource
    ) -> dg.SensorResult | dg.SkipReason:
        names = [ref.name for ref in infor.source().list_stock_snapshots()]
        fresh = _newer(names, context.cursor)
        if not fresh:
            return dg.SkipReason(f"no snapshot newer than {context.cursor or 'none'}")
        newest = fresh[-1]
        # One run for the newest snapshot: it supersedes the older ones that arrived meanwhile.
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(run_key=f"infor-stock:{newest}", tags={SNAPSHOT_TAG: newest})
            ],
            cursor=newest,
        )

    return inventory_sync_on_stock_snapshot
