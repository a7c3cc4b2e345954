"""The catalog export sensor (new SAP or Art-Trade file -> one run) and the moderation schedule."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import dagster as dg

from novex_assets.catalog.card_fields import ExportSettings
from novex_assets.catalog.export_jobs import catalog_export_job
from resources.sources.resources import FileDropArtTradeResource, FileDropSapResource
from schedules.catalog_export import SCHEDULE_NAME, build_catalog_moderation_schedule
from sensors.catalog_export import SENSOR_NAME, build_catalog_export_sensor

SAP_ROW = (
    "offer_id;barcode;name;brand;category_code;category_name;vat;weight_g;length_mm;width_mm;"
    "height_mm;base_price;ozon_enabled\r\n"
    "A1;4600000000008;Шампунь;Nivea;CO-0101;Шампуни;0.2;420;60;50;200;300;1\r\n"
)


def _tick(data_dir: Path, cursor: str | None) -> Any:
    sensor = build_catalog_export_sensor(30)
    context = dg.build_sensor_context(
        cursor=cursor,
        resources={
            "sap": FileDropSapResource(data_dir=str(data_dir)),
            "arttrade": FileDropArtTradeResource(data_dir=str(data_dir)),
        },
    )
    return sensor.evaluate_tick(context)


def _drop(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8-sig")
    later = time.time() + len(list(path.parent.iterdir()))
    os.utime(path, (later, later))


def test_one_run_per_new_source_file_and_the_cursor_moves_with_it(tmp_path: Path) -> None:
    nothing = _tick(tmp_path, None)
    assert not nothing.run_requests and nothing.skip_message

    _drop(tmp_path / "sap" / "assortment.csv", SAP_ROW)
    first = _tick(tmp_path, None)
    assert len(first.run_requests) == 1 and first.cursor
    again = _tick(tmp_path, first.cursor)
    assert not again.run_requests and again.cursor in (None, first.cursor)

    _drop(tmp_path / "arttrade" / "content.csv", "offer_id;name;description;image_urls\r\n")
    second = _tick(tmp_path, first.cursor)
    assert len(second.run_requests) == 1
    assert second.run_requests[0].run_key != first.run_requests[0].run_key

    shutil.copyfile(tmp_path / "sap" / "assortment.csv", tmp_path / "sap" / "assortment_2.csv")
    _drop(tmp_path / "sap" / "assortment_2.csv", SAP_ROW)
    third = _tick(tmp_path, second.cursor)
    assert len(third.run_requests) == 1 and "assortment_2.csv" in str(third.cursor)


def test_a_file_rewritten_under_the_same_name_starts_a_run(tmp_path: Path) -> None:
    _drop(tmp_path / "sap" / "assortment.csv", SAP_ROW)
    _drop(tmp_path / "arttrade" / "Content.CSV", "offer_id;name;description;image_urls\r\n")
    first = _tick(tmp_path, None)
    assert len(first.run_requests) == 1

    # Art-Trade rewrites its export in place: same name, new content.
    _drop(
        tmp_path / "arttrade" / "Content.CSV",
        "offer_id;name;description;image_urls\r\nA1;Шампунь;;\r\n",
    )
    second = _tick(tmp_path, first.cursor)
    assert len(second.run_requests) == 1
    assert second.run_requests[0].run_key != first.run_requests[0].run_key
    assert not _tick(tmp_path, second.cursor).run_requests

    # SAP rewrites its file with the same size: the new modification time tells.
    path = tmp_path / "sap" / "assortment.csv"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert len(_tick(tmp_path, second.cursor).run_requests) == 1


def test_a_cursor_of_names_only_is_taken_over_without_a_spurious_run(tmp_path: Path) -> None:
    _drop(tmp_path / "sap" / "assortment.csv", SAP_ROW)
    _drop(tmp_path / "arttrade" / "content.csv", "offer_id;name;description;image_urls\r\n")
    # What the sensor stored when it keyed on names alone.
    old = json.dumps({"arttrade": ["content.csv"], "sap": ["assortment.csv"]}, sort_keys=True)
    same = _tick(tmp_path, old)
    assert not same.run_requests and same.cursor and same.cursor != old
    assert "assortment.csv@" in same.cursor
    assert not _tick(tmp_path, same.cursor).run_requests
    # An old cursor at other files still means new files: one run.
    older = json.dumps({"arttrade": [], "sap": ["assortment.csv"]}, sort_keys=True)
    assert len(_tick(tmp_path, older).run_requests) == 1


def test_sensor_and_schedule_start_the_catalog_jobs() -> None:
    sensor = build_catalog_export_sensor(30)
    assert sensor.name == SENSOR_NAME and sensor.job_name == catalog_export_job.name
    schedule = build_catalog_moderation_schedule(ExportSettings(moderation_cron="*/10 * * * *"))
    assert schedule.name == SCHEDULE_NAME and schedule.cron_schedule == "*/10 * * * *"
    assert schedule.job_name == "catalog_moderation"
