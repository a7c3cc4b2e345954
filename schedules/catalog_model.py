"""The nightly refresh of Ozon's category model: tree, mapping suggestions, every mapped pair."""

import dagster as dg

from novex_assets.catalog.model_assets import (
    ATTRIBUTES_KEY,
    MAPPING_KEY,
    PAIRS_PARTITIONS,
    TREE_KEY,
)
from novex_assets.jobs import catalog_refresh_job
from novex_assets.settings import CatalogSettings

# Dagster's tags for a run over a range of partitions (one run, `context.partition_keys`).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def refresh_request(partition_keys: list[str], run_key: str | None = None) -> dg.RunRequest:
    """One run of `catalog_refresh` covering every pair (or only tree and mapping if none yet)."""
    if not partition_keys:
        return dg.RunRequest(run_key=run_key, asset_selection=[TREE_KEY, MAPPING_KEY])
    return dg.RunRequest(
        run_key=run_key,
        tags={RANGE_START_TAG: partition_keys[0], RANGE_END_TAG: partition_keys[-1]},
    )


def build_catalog_schedules(catalog: CatalogSettings) -> list[dg.ScheduleDefinition]:
    """The refresh schedule, its cron from the config."""

    @dg.schedule(
        name="catalog_refresh_schedule",
        job=catalog_refresh_job,
        cron_schedule=catalog.refresh_cron,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Ozon's tree, the mapping (import + suggestions) and the attributes and "
        "dictionaries of every mapped pair; only stale pairs and dictionaries call Ozon.",
    )
    def catalog_refresh_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        keys = context.instance.get_dynamic_partitions(PAIRS_PARTITIONS)
        return refresh_request(list(keys))

    return [catalog_refresh_schedule]


__all__ = ["ATTRIBUTES_KEY", "build_catalog_schedules", "refresh_request"]
