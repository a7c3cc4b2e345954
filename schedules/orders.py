"""Schedules of the order flow: acts near the cut-offs, returns polled (Ozon pushes none)."""

import dagster as dg

from novex_assets.orders.assets import orders_handover_job, orders_returns_job
from novex_assets.settings import OrdersSettings


def build_orders_schedules(settings: OrdersSettings) -> list[dg.ScheduleDefinition]:
    """The acts and returns schedules, with cron expressions from the `orders` config."""
    return [
        dg.ScheduleDefinition(
            name="orders_handover_schedule",
            job=orders_handover_job,
            cron_schedule=settings.acts_cron,
            execution_timezone="UTC",
            default_status=dg.DefaultScheduleStatus.RUNNING,
            # Fires often; the run creates a method's act only within act_lead_minutes of
            # Ozon's cut-off for it, so the cron must fire at least that often.
            description="Acts for delivery methods whose Ozon cut-off is near.",
        ),
        dg.ScheduleDefinition(
            name="orders_returns_schedule",
            job=orders_returns_job,
            cron_schedule=settings.returns_cron,
            execution_timezone="UTC",
            default_status=dg.DefaultScheduleStatus.RUNNING,
            description="Returns from /v1/returns/list into the store and to Infor.",
        ),
    ]
