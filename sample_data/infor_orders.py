"""Infor's side of the order documents, simulated for the demo, the tests and `novex bench`.

Reads the shipment notices in the outbox and answers each with an allocation and a packing
document (goods split into boxes of at most ``box_units`` units, one valid Честный ЗНАК code per
marked unit; a multibox notice's goods in one box plus further factory boxes); reads expected
returns and answers with receipts. Faults can be asked for per posting, to show what the flow
does with a wrong packing document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from ozon_sandbox.postings.marks import datamatrix, make_gtin
from resources.sources.infor_documents import (
    Allocation,
    PackedBox,
    PackedItem,
    PackingDocument,
    ReturnReceipt,
    ShipmentNotice,
)
from resources.sources.infor_files import FileDropInforDocuments, atomic_write

Fault = Literal["missing", "extra", "quantity", "bad_mark"]


class InforSimulator:
    """Plays Infor against the file drop under ``data_dir``."""

    def __init__(
        self, data_dir: Path | str, *, box_units: int = 4, multibox_boxes: int = 2
    ) -> None:
        self.files = FileDropInforDocuments(data_dir)
        self.box_units = box_units
        self.multibox_boxes = multibox_boxes

    def _drop(self, name: str, document: object) -> None:
        payload = document.model_dump_json(indent=2)  # type: ignore[attr-defined]
        atomic_write(self.files.inbox / name, payload.encode("utf-8"))

    def _seen(self, name: str) -> bool:
        return any(
            (folder / name).exists()
            for folder in (self.files.inbox, self.files.processed, self.files.failed)
        )

    def notices(self) -> list[ShipmentNotice]:
        """Notices in the outbox not stopped by a stop-picking order."""
        found = []
        for path in sorted(self.files.outbox.glob("notice_*.json")):
            notice = ShipmentNotice.model_validate_json(path.read_bytes())
            if not (self.files.outbox / f"stop_{notice.posting_number}.json").exists():
                found.append(notice)
        return found

    def allocate(self, now: datetime | None = None) -> int:
        """Confirm every new notice's allocation; returns how many were confirmed."""
        now = now or datetime.now(UTC)
        count = 0
        for notice in self.notices():
            name = f"allocation_{notice.posting_number}.json"
            if not self._seen(name):
                self._drop(
                    name, Allocation(posting_numbers=[notice.posting_number], allocated_at=now)
                )
                count += 1
        return count

    def pack(
        self,
        now: datetime | None = None,
        *,
        faults: Mapping[str, Fault] | None = None,
        only: set[str] | None = None,
    ) -> list[str]:
        """Answer new notices with packing documents; returns the posting numbers packed."""
        now = now or datetime.now(UTC)
        faults = faults or {}
        packed = []
        for notice in self.notices():
            number = notice.posting_number
            if only is not None and number not in only:
                continue
            name = f"packing_{number}.json"
            if self._seen(name):
                continue
            self._drop(name, self.packing_document(notice, now, faults.get(number)))
            packed.append(number)
        return packed

    def packing_document(
        self, notice: ShipmentNotice, now: datetime, fault: Fault | None = None
    ) -> PackingDocument:
        """Boxes of at most ``box_units`` units; a code per marked unit.

        A multibox notice's units are listed in the first box, followed by ``multibox_boxes - 1``
        further factory boxes of the same goods, listed empty.
        """
        units: list[tuple[str, str | None]] = []
        for item in notice.items:
            for n in range(item.quantity):
                serial = f"{notice.posting_number.replace('-', '')[-9:]}{item.sku % 100:02d}{n:02d}"
                mark = datamatrix(make_gtin(item.sku), serial[-13:].rjust(13, "0"))
                units.append((item.offer_id, mark if item.mark_required else None))
        if fault == "missing":
            units = units[:-1]
        if fault == "extra":
            units.append(("NOT-IN-ORDER", None))
        if fault == "quantity":
            units.append(units[0])
        if fault == "bad_mark":
            units = [(o, "BROKEN-CODE" if m else m) for o, m in units]
        boxes: list[PackedBox] = []
        step = max(len(units), 1) if notice.multibox else self.box_units
        for start in range(0, max(len(units), 1), step):
            chunk = units[start : start + step]
            lines: dict[str, list[str | None]] = {}
            for offer, code in chunk:
                lines.setdefault(offer, []).append(code)
            items = [
                PackedItem(offer_id=o, quantity=len(m), marks=[x for x in m if x])
                for o, m in lines.items()
            ]
            if items:
                boxes.append(PackedBox(box_id=f"BX{len(boxes) + 1}", items=items))
        if not boxes:
            # Nothing left to pack: Infor reports an empty box rather than no document.
            boxes = [PackedBox(box_id="BX1", items=[PackedItem(offer_id="EMPTY", quantity=1)])]
        if notice.multibox:
            boxes += [PackedBox(box_id=f"BX{n}") for n in range(2, self.multibox_boxes + 1)]
        return PackingDocument(posting_number=notice.posting_number, packed_at=now, boxes=boxes)

    def receive_returns(self, now: datetime | None = None) -> int:
        """Receipts for every expected return in the outbox; returns how many were written."""
        now = now or datetime.now(UTC)
        count = 0
        for path in sorted(self.files.outbox.glob("return_*.json")):
            body = json.loads(path.read_text(encoding="utf-8"))
            name = f"receipt_{body['return_id']}.json"
            if self._seen(name):
                continue
            self._drop(
                name,
                ReturnReceipt(
                    return_id=body["return_id"],
                    posting_number=body["posting_number"],
                    quantity=body["quantity"],
                    received_at=now,
                ),
            )
            count += 1
        return count
