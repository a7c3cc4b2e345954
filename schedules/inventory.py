"""Time-based safety nets: periodic drift reconciliation and a periodic full sync."""

from __future__ import annotations

import dagster as dg

from novex_assets.jobs import inventory_reconcile_job, inventory_sync_job
from novex_assets.settings import SyncSettings


def build_inventory_schedules(sync: SyncSettings) -> list[dg.ScheduleDefinition]:
    """Schedules whose cron expressions come from the config file."""
    return [
        dg.ScheduleDefinition(
            name="inventory_reconcile_schedule",
            job=inventory_reconcile_job,
            cron_schedule=sync.reconcile_cron,
            default_status=dg.DefaultScheduleStatus.RUNNING,
            description="Compare Ozon's stock and prices with ours and resend what drifted.",
        ),
        dg.ScheduleDefinition(
            name="inventory_sync_schedule",
            job=inventory_sync_job,
            cron_schedule=sync.price_sync_cron,
            default_status=dg.DefaultScheduleStatus.RUNNING,
            description="Full sync (changes only) even when no new snapshot arrived: picks up SAP "
            "price changes and retries stored per-item errors.",
        ),
    ]
