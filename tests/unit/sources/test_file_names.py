"""One naming rule for the drop folders, shared by the sensor and the assets; strays never crash."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from resources.sources import FileDropInfor, FileDropSap, parse_snapshot_name
from resources.sources.resources import FileDropInforResource
from sensors.inventory import build_stock_snapshot_sensor
from tests.support.sources import ASSORTMENT_HEADER, STOCK_HEADER, WriteFile, product_line


@pytest.mark.parametrize(
    ("name", "taken_at"),
    [
        ("stock_20260102T080000.csv", datetime(2026, 1, 2, 8)),
        ("Stock_20260102T080000.CSV", datetime(2026, 1, 2, 8)),
        ("STOCK_20260102t080000.csv", datetime(2026, 1, 2, 8)),
    ],
)
def test_snapshot_names_match_in_any_case(name: str, taken_at: datetime) -> None:
    assert parse_snapshot_name(name) == taken_at


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("stock_20261399T999999.csv", "is not a valid timestamp"),
        ("stock_20260230T000000.csv", "is not a valid timestamp"),
        ("stock_2026-01-02.csv", "does not match stock_YYYYMMDDTHHMMSS.csv"),
        ("stock_20260102T080000.csv.bak", "does not match"),
    ],
)
def test_impossible_or_foreign_names_are_refused_with_the_reason(name: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_snapshot_name(name)


def _drop(write_file: WriteFile) -> None:
    write_file("infor/stock/stock_20260101T000000.csv", [STOCK_HEADER, "A;MSK1;1;0"])
    write_file("infor/stock/stock_20261399T999999.csv", [STOCK_HEADER, "A;MSK1;9;0"])
    write_file("infor/stock/Stock_20260102T000000.CSV", [STOCK_HEADER, "A;MSK1;2;0"])
    write_file("infor/stock/notes.txt", ["hello"])
    write_file("infor/stock/.stock_20260103T000000.csv.tmp", [STOCK_HEADER])


def test_adapter_lists_valid_snapshots_by_time_and_the_rest_as_ignored(
    tmp_path: Path, write_file: WriteFile
) -> None:
    _drop(write_file)
    infor = FileDropInfor(tmp_path)

    assert [r.name for r in infor.list_stock_snapshots()] == [
        "stock_20260101T000000.csv",
        "Stock_20260102T000000.CSV",
    ]
    assert {f.name: f.reason for f in infor.ignored_files()} == {
        "notes.txt": "name does not match stock_YYYYMMDDTHHMMSS.csv",
        "stock_20261399T999999.csv": "'20261399T999999' is not a valid timestamp",
    }


def test_sap_names_match_in_any_case_and_strays_are_listed(
    tmp_path: Path, write_file: WriteFile
) -> None:
    write_file("sap/Assortment_2026.CSV", [ASSORTMENT_HEADER, product_line("UPPER")])
    write_file("sap/prices.xlsx", ["x"])
    sap = FileDropSap(tmp_path)
    assert sap.read_assortment().frame["offer_id"].to_list() == ["UPPER"]
    assert [f.name for f in sap.ignored_files()] == ["prices.xlsx"]


def _tick(tmp_path: Path, cursor: str | None) -> Any:
    """The tick's execution data: run requests, cursor and skip message."""
    sensor = build_stock_snapshot_sensor()
    context = dg.build_sensor_context(
        cursor=cursor, resources={"infor": FileDropInforResource(data_dir=str(tmp_path))}
    )
    return sensor.evaluate_tick(context)


def test_sensor_uses_the_same_rule_upper_case_names_trigger_and_strays_are_named(
    tmp_path: Path, write_file: WriteFile
) -> None:
    _drop(write_file)

    first = _tick(tmp_path, "stock_20260101T000000.csv")
    # "Stock_…CSV" sorts before "stock_…" as text, but it is newer by its time.
    assert [r.tags["novex/snapshot"] for r in first.run_requests] == ["Stock_20260102T000000.CSV"]
    assert first.cursor == "Stock_20260102T000000.CSV"

    idle = _tick(tmp_path, first.cursor)
    assert not idle.run_requests
    assert "stock_20261399T999999.csv ('20261399T999999' is not a valid timestamp)" in (
        idle.skip_message or ""
    )
