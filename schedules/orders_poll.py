"""The polling safety net for Ozon's posting pushes, on a schedule from the config."""

from __future__ import annotations

import dagster as dg

from novex_assets.orders.intake_assets import orders_poll_job
from novex_assets.settings import OrdersIntakeSettings


def build_orders_poll_schedule(intake: OrdersIntakeSettings) -> dg.ScheduleDefinition:
    """`orders_poll` every `orders_intake.poll_cron`."""
    return dg.ScheduleDefinition(
        name="orders_poll_schedule",
        job=orders_poll_job,
        cron_schedule=intake.poll_cron,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Poll Ozon for postings whose status changed, so a missed, dropped or "
        "suspended push loses nothing.",
    )
