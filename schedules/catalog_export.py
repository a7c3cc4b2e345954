"""Follows moderation between exports: Ozon decides over hours, not within one run."""

from __future__ import annotations

import dagster as dg

from novex_assets.catalog.card_fields import ExportSettings
from novex_assets.catalog.export_jobs import catalog_moderation_job

SCHEDULE_NAME = "catalog_moderation_schedule"


def build_catalog_moderation_schedule(export: ExportSettings) -> dg.ScheduleDefinition:
    """The moderation follow-up on `export.moderation_cron` of `config/card_fields.yaml`."""
    return dg.ScheduleDefinition(
        name=SCHEDULE_NAME,
        job=catalog_moderation_job,
        cron_schedule=export.moderation_cron,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Read the moderation status of exported cards, hand approved ones to the "
        "stock and price sync, refresh the staff report.",
    )
