"""Infor's order documents on disk, and the checks of a packing document against its posting."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from novex_assets.orders.packing import check_items, check_marks
from novex_assets.orders.stockbook import snapshot_taken_at
from resources.sources.infor_documents import (
    NoticeItem,
    PackingDocument,
    ShipmentNotice,
    StopPicking,
)
from resources.sources.infor_files import FileDropInforDocuments
from sample_data.infor_orders import InforSimulator

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
ITEMS = [
    {"sku": 11, "offer_id": "CREAM", "quantity": 2, "mark_required": True},
    {"sku": 12, "offer_id": "SOAP", "quantity": 3, "mark_required": False},
]


def _notice() -> ShipmentNotice:
    return ShipmentNotice(
        posting_number="1000-0001-1",
        order_id=1,
        order_number="1000-0001",
        warehouse_id=7,
        infor_sites=["MSK1"],
        delivery_method="FBS",
        in_process_at=NOW,
        pack_by=NOW,
        pack_by_local="2026-12-01 13:00 MSK",
        timezone="Europe/Moscow",
        items=[
            NoticeItem(sku=11, offer_id="CREAM", quantity=2, mark_required=True),
            NoticeItem(sku=12, offer_id="SOAP", quantity=3, mark_required=False),
        ],
    )


def _doc(fault: str | None = None, box_units: int = 10) -> PackingDocument:
    return InforSimulator(Path("/nonexistent"), box_units=box_units).packing_document(
        _notice(),
        NOW,
        fault,  # type: ignore[arg-type]
    )


def test_a_complete_packing_document_passes_and_splits_into_boxes() -> None:
    doc = _doc(box_units=3)
    assert len(doc.boxes) == 2
    assert check_items(doc, ITEMS) == [] and check_marks(doc, ITEMS) == []


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("missing", "SOAP: packed 2, ordered 3"),
        ("extra", "extra item NOT-IN-ORDER (1) not in the posting"),
        ("quantity", "CREAM: packed 3, ordered 2"),
    ],
)
def test_a_wrong_packing_document_is_refused_with_the_reason(fault: str, reason: str) -> None:
    assert reason in check_items(_doc(fault), ITEMS)


def test_marking_codes_must_cover_every_marked_unit_once() -> None:
    doc = _doc()
    box = doc.boxes[0]
    cream = next(i for i in box.items if i.offer_id == "CREAM")
    short = cream.model_copy(update={"marks": cream.marks[:1]})
    twice = cream.model_copy(update={"marks": [cream.marks[0], cream.marks[0]]})
    for item, expected in ((short, "1 marking code(s) for 2 unit(s)"), (twice, "repeated")):
        items = [item if i.offer_id == "CREAM" else i for i in box.items]
        bad = doc.model_copy(update={"boxes": [box.model_copy(update={"items": items})]})
        assert any(expected in r for r in check_marks(bad, ITEMS))


def test_documents_are_written_whole_and_archived_with_the_reason(tmp_path: Path) -> None:
    docs = FileDropInforDocuments(tmp_path)
    stop = StopPicking(posting_number="P-1", cause="cancelled", reasons=["buyer"], at=NOW)
    assert docs.send("stop_P-1.json", stop) == "stop_P-1.json"
    docs.send("stop_P-1.json", stop)  # a resend replaces the file
    assert [p.name for p in docs.outbox.iterdir()] == ["stop_P-1.json"]
    with pytest.raises(ValueError, match="unsafe"):
        docs.send("../escape.json", stop)
    with pytest.raises(ValueError, match="not a PDF"):
        docs.send_pdf("label_P-1.pdf", b"hello")

    docs.inbox.mkdir(parents=True)
    (docs.inbox / ".half-written.json.tmp").write_text("{")
    (docs.inbox / "bad.json").write_text('{"type": "packing", "posting_number": ""}')
    (docs.inbox / "good.json").write_text(_doc().model_dump_json())
    refs = docs.pending()
    assert sorted(r.name for r in refs) == ["bad.json", "good.json"]
    received = {r.name: docs.read(r) for r in refs}
    assert received["bad.json"].document is None
    assert "posting_number" in (received["bad.json"].error or "")
    assert isinstance(received["good.json"].document, PackingDocument)
    for ref in refs:
        docs.archive(ref, failed=received[ref.name].error)
    assert (docs.failed / "bad.json").exists()
    assert "posting_number" in (docs.failed / "bad.json.error.txt").read_text()
    assert (docs.processed / "good.json").exists()
    assert [r.name for r in docs.pending()] == []


def test_snapshot_time_comes_from_its_name() -> None:
    assert snapshot_taken_at("stock_20261201T093000.csv") == datetime(
        2026, 12, 1, 9, 30, tzinfo=UTC
    )
    assert snapshot_taken_at(None) is None
