"""Schedules of the order flow: acts at the cut-offs, returns polled (Ozon pushes none)."""

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
            description="Acts for warehouses with packed postings at the cut-off.",
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
