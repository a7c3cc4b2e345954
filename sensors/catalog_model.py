"""Fetches attributes and dictionaries as soon as the mapping confirms a new Ozon pair.

The mapping can gain a pair outside any run (`novex mapping import`), so this sensor compares
the confirmed pairs in the store with the partitions of `catalog/ozon_attributes`, adds the
missing partitions and asks for one run per new pair.
"""

import dagster as dg

from novex_assets.catalog.attributes import partition_key
from novex_assets.catalog.model_assets import ATTRIBUTES_KEY, PAIRS_PARTITIONS, pairs_partitions
from novex_assets.jobs import catalog_refresh_job
from resources.store_resource import StoreResource

SENSOR_NAME = "catalog_refresh_on_new_pair"


def build_new_pair_sensor(interval_s: int = 60) -> dg.SensorDefinition:
    """A sensor adding a partition (and a run) for every newly confirmed pair."""

    @dg.sensor(
        name=SENSOR_NAME,
        job=catalog_refresh_job,
        minimum_interval_seconds=interval_s,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Adds a catalog/ozon_attributes partition for each Ozon pair the mapping "
        "newly confirms and fetches its attributes and dictionaries.",
    )
    def catalog_refresh_on_new_pair(
        context: dg.SensorEvaluationContext, store: StoreResource
    ) -> dg.SensorResult | dg.SkipReason:
        keys = [partition_key(p) for p in store.get_store().catalog_model.confirmed_pairs()]
        known = set(context.instance.get_dynamic_partitions(PAIRS_PARTITIONS))
        new = [k for k in keys if k not in known]
        if not new:
            return dg.SkipReason(f"no new Ozon pair among {len(keys)} confirmed")
        return dg.SensorResult(
            dynamic_partitions_requests=[pairs_partitions.build_add_request(new)],
            run_requests=[
                dg.RunRequest(
                    run_key=f"ozon-pair:{key}",
                    partition_key=key,
                    asset_selection=[ATTRIBUTES_KEY],
                )
                for key in new
            ],
        )

    return catalog_refresh_on_new_pair
