from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import dagster as dg
import pytest

from resources.sources import FileDropInfor, FileDropSap, SourceFileError
from resources.sources.resources import (
    FileDropInforResource,
    FileDropSapResource,
    InforResource,
    SapResource,
)
from tests.support.sources import ASSORTMENT_HEADER, STOCK_HEADER, WriteFile, product_line


def test_snapshots_are_listed_oldest_first_and_latest_is_current(
    tmp_path: Path, write_file: WriteFile
) -> None:
    write_file("infor/stock/stock_20260102T080000.csv", [STOCK_HEADER, "A;MSK1;2;0"])
    write_file("infor/stock/stock_20260101T230000.csv", [STOCK_HEADER, "A;MSK1;1;0"])
    write_file("infor/stock/.stock_20260103T000000.csv.tmp", [STOCK_HEADER])  # being written
    write_file("infor/stock/readme.txt", ["not a snapshot"])
    infor = FileDropInfor(tmp_path)

    refs = infor.list_stock_snapshots()

    assert [r.name for r in refs] == ["stock_20260101T230000.csv", "stock_20260102T080000.csv"]
    assert refs[0].taken_at == datetime(2026, 1, 1, 23, 0, 0)
    latest = infor.latest_stock_snapshot()
    assert latest == refs[-1]
    assert infor.read_stock_snapshot(latest).frame["on_hand"].to_list() == [2]


def test_no_snapshot_yet(tmp_path: Path) -> None:
    infor = FileDropInfor(tmp_path)
    assert infor.list_stock_snapshots() == []
    assert infor.latest_stock_snapshot() is None


def test_newest_assortment_export_is_current(tmp_path: Path, write_file: WriteFile) -> None:
    old = write_file("sap/assortment_old.csv", [ASSORTMENT_HEADER, product_line("OLD")])
    new = write_file("sap/assortment.csv", [ASSORTMENT_HEADER, product_line("NEW")])
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_800_000_000, 1_800_000_000))

    batch = FileDropSap(tmp_path).read_assortment()

    assert batch.frame["offer_id"].to_list() == ["NEW"]
    assert batch.files == ["assortment.csv"]


def test_missing_assortment_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="no SAP assortment export"):
        FileDropSap(tmp_path).read_assortment()


def test_dagster_resources_return_what_the_adapters_return(
    tmp_path: Path, write_file: WriteFile
) -> None:
    write_file("sap/assortment.csv", [ASSORTMENT_HEADER, product_line("A"), product_line("")])
    write_file("infor/stock/stock_20260101T000000.csv", [STOCK_HEADER, "A;MSK1;3;1", "B;MSK1;-1;0"])

    @dg.asset
    def probe(sap: SapResource, infor: InforResource) -> tuple[int, int, int, int]:
        wms = infor.source()
        latest = wms.latest_stock_snapshot()
        assert latest is not None
        stock = wms.read_stock_snapshot(latest)
        assortment = sap.source().read_assortment()
        return (
            assortment.rows_loaded,
            assortment.rows_quarantined,
            stock.rows_loaded,
            stock.rows_quarantined,
        )

    result = dg.materialize(
        [probe],
        resources={
            "sap": FileDropSapResource(data_dir=str(tmp_path)),
            "infor": FileDropInforResource(data_dir=str(tmp_path)),
        },
    )
    assert result.success
    assert result.output_for_node("probe") == (1, 1, 1, 1)

    sap = FileDropSapResource(data_dir=str(tmp_path)).source().read_assortment()
    plain = FileDropSap(tmp_path).read_assortment()
    assert sap.frame.equals(plain.frame)
    assert sap.quarantined == plain.quarantined
    infor_resource = FileDropInforResource(data_dir=str(tmp_path))
    assert (
        infor_resource.source().list_stock_snapshots()
        == FileDropInfor(tmp_path).list_stock_snapshots()
    )
