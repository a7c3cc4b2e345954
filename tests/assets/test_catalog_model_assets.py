"""Catalog model assets in real runs: tree, mapping, partitioned attributes, sensor, schedule."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from novex_assets.catalog.mapping import import_mapping_file
from novex_assets.catalog.model_assets import (
    ATTRIBUTES_KEY,
    MAPPING_KEY,
    PAIRS_PARTITIONS,
    TREE_KEY,
)
from novex_assets.definitions import build_definitions
from novex_assets.settings_resource import SettingsResource
from novex_cli.stack import LocalStack, start_stack
from resources.store.store import Store
from resources.store.tables import utcnow
from schedules.catalog_model import RANGE_END_TAG, RANGE_START_TAG
from tests.assets.conftest import materialization

REPO = Path(__file__).resolve().parents[2]
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@pytest.fixture
def catalog_stack(tmp_path: Path) -> Iterator[tuple[LocalStack, dict, Path]]:
    """Sample data with every Novex category, a sandbox, and a config whose mapping file is a
    copy of the shipped one (assets rewrite it)."""
    stack = start_stack(tmp_path / "stack", skus=2000, seed=11, time_factor=120.0)
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    shutil.copy(REPO / "config" / "novex.yaml", config_dir / "novex.yaml")
    shutil.copy(REPO / "config" / "category_mapping.csv", config_dir / "category_mapping.csv")
    resources = {
        **stack.resources(),
        "settings": SettingsResource(config_path=str(config_dir / "novex.yaml")),
    }
    try:
        yield stack, resources, config_dir / "category_mapping.csv"
    finally:
        stack.close()


def _job(resources: dict) -> dg.JobDefinition:
    return build_definitions(resources=resources).resolve_job_def("catalog_refresh")


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    """A temporary instance with a reference, as schedule evaluation needs."""
    with dg.instance_for_test() as temporary:
        yield temporary


def test_catalog_refresh_builds_the_model_and_refreshes_only_what_is_stale(
    catalog_stack: tuple[LocalStack, dict, Path], instance: dg.DagsterInstance
) -> None:
    stack, resources, mapping_file = catalog_stack
    defs = build_definitions(resources=resources)
    sources = dg.materialize(
        [
            defs.get_assets_def(["sources", "sap_assortment"]),
            defs.get_assets_def(["sources", "arttrade_content"]),
        ],
        resources=resources,
        instance=instance,
        run_config=QUIET,
    )
    assert sources.success
    art = materialization(sources, "sources", "arttrade_content")
    assert art["offers"] > 1900 and art["characteristics"] > 4000
    assert art["quarantined"] == 5 and art["offers_without_images"] > 0

    # No partitions yet: the first refresh reads the tree and the mapping only.
    first = _job(resources).execute_in_process(
        instance=instance, asset_selection=[TREE_KEY, MAPPING_KEY], run_config=QUIET
    )
    assert first.success
    tree = materialization(first, "catalog", "ozon_category_tree")
    assert tree["types"] == 22 and tree["first_load"] is True and tree["changes"] == 0
    mapping = materialization(first, "catalog", "category_mapping")
    assert mapping["confirmed_categories"] == 22 and mapping["pairs_added"] == 18
    assert mapping["suggestions"] >= 3 and mapping["without_candidate"] > 0
    keys = instance.get_dynamic_partitions(PAIRS_PARTITIONS)
    assert len(keys) == 18 and "17028968:93284" in keys
    text = mapping_file.read_text(encoding="utf-8-sig")
    assert text.count(";confirmed;") == 22 and ";suggested;" in text

    # The scheduled refresh: one run over every pair.
    tags = {RANGE_START_TAG: keys[0], RANGE_END_TAG: keys[-1]}
    second = _job(resources).execute_in_process(instance=instance, tags=tags, run_config=QUIET)
    assert second.success
    attributes = materialization(second, "catalog", "ozon_attributes")
    assert attributes["pairs"] == 18 and attributes["pairs_refreshed"] == 18
    assert attributes["dictionaries_walked"] > 18 and attributes["values_fetched"] > 0
    assert attributes["dictionaries_by_search"] >= 18  # Brand on every pair
    assert attributes["drift_events"] == 0
    assert attributes["dictionary_requests_per_minimum"] == 1.0
    store = Store(stack.store_url)
    stored = store.catalog_model.attributes()
    assert stored.select("description_category_id", "type_id").unique().height == 18
    brand = stored.filter(pl.col("attribute_id") == 85)
    assert brand["dictionary_mode"].unique().to_list() == ["search"]
    assert store.catalog_model.dictionary_values((17028968, 93284), 85).is_empty()

    third = _job(resources).execute_in_process(instance=instance, tags=tags, run_config=QUIET)
    again = materialization(third, "catalog", "ozon_attributes")
    assert again["ozon_requests"] == 0 and again["dictionaries_fresh"] > 0

    # A pair confirmed outside any run (novex mapping import) is picked up by the sensor.
    lines = mapping_file.read_text(encoding="utf-8-sig").splitlines()
    lines.append("CO-0303;Лаки для ногтей;17028975;92512;;confirmed;;Ирина;;;")
    mapping_file.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    import_mapping_file(store, mapping_file, decided_by="Ирина", now=utcnow())
    sensor = defs.get_sensor_def("catalog_refresh_on_new_pair")
    with dg.build_sensor_context(instance=instance, resources=resources) as context:
        result = sensor(context)
    assert isinstance(result, dg.SensorResult)
    assert [r.partition_keys for r in result.dynamic_partitions_requests] == [["17028975:92512"]]
    assert [r.partition_key for r in result.run_requests] == ["17028975:92512"]
    assert result.run_requests[0].asset_selection == [ATTRIBUTES_KEY]

    schedule = defs.get_schedule_def("catalog_refresh_schedule")
    with dg.build_schedule_context(instance=instance) as context:
        request = schedule.evaluate_tick(context).run_requests[0]
    assert request.tags[RANGE_START_TAG] == keys[0]
    store.dispose()


def test_a_broken_mapping_file_fails_the_run_and_changes_nothing(
    catalog_stack: tuple[LocalStack, dict, Path],
) -> None:
    stack, resources, mapping_file = catalog_stack
    instance = dg.DagsterInstance.ephemeral()
    defs = build_definitions(resources=resources)
    dg.materialize(
        [defs.get_assets_def(["sources", "sap_assortment"])],
        resources=resources,
        instance=instance,
        run_config=QUIET,
    )
    assert (
        _job(resources)
        .execute_in_process(
            instance=instance, asset_selection=[TREE_KEY, MAPPING_KEY], run_config=QUIET
        )
        .success
    )
    store = Store(stack.store_url)
    before = store.catalog_model.mapping()

    text = mapping_file.read_text(encoding="utf-8-sig")
    mapping_file.write_text(
        "\ufeff" + text.replace("CO-0101;Шампуни;17028968;93284", "CO-0101;Шампуни;17028968;x1"),
        encoding="utf-8",
    )
    failed = _job(resources).execute_in_process(
        instance=instance,
        asset_selection=[TREE_KEY, MAPPING_KEY],
        run_config=QUIET,
        raise_on_error=False,
    )
    assert not failed.success
    failure = next(e for e in failed.all_events if e.is_step_failure)
    assert "row 2: type_id 'x1' is not a positive whole number" in str(
        failure.step_failure_data.error
    )
    assert store.catalog_model.mapping().equals(before)
    assert "x1" in mapping_file.read_text(encoding="utf-8-sig"), "the file is left for staff"
    store.dispose()
