"""Starts the inventory sync when Infor drops a new stock snapshot."""

import dagster as dg

from novex_assets.jobs import inventory_sync_job
from novex_assets.sources.assets import SNAPSHOT_TAG
from resources.sources.files import snapshot_order
from resources.sources.models import SnapshotRef
from resources.sources.resources import InforResource

SENSOR_NAME = "inventory_sync_on_stock_snapshot"


def _newer(refs: list[SnapshotRef], cursor: str | None) -> list[SnapshotRef]:
    """Snapshots after the cursor, compared by the time their names encode (any case)."""
    if cursor is None:
        return refs
    try:
        after = snapshot_order(cursor)
    except ValueError:  # a cursor from before the naming rule: compare as text
        return [r for r in refs if r.name > cursor]
    return [r for r in refs if snapshot_order(r.name) > after]


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
        source = infor.source()
        fresh = _newer(source.list_stock_snapshots(), context.cursor)
        if not fresh:
            ignored = source.ignored_files()
            note = ""
            if ignored:
                listed = "; ".join(f"{f.name} ({f.reason})" for f in ignored[:5])
                more = f" and {len(ignored) - 5} more" if len(ignored) > 5 else ""
                note = f"; ignored {len(ignored)} file(s): {listed}{more}"
            return dg.SkipReason(f"no snapshot newer than {context.cursor or 'none'}{note}")
        newest = fresh[-1].name
        # One run for the newest snapshot: it supersedes the older ones that arrived meanwhile.
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(run_key=f"infor-stock:{newest}", tags={SNAPSHOT_TAG: newest})
            ],
            cursor=newest,
        )

    return inventory_sync_on_stock_snapshot
