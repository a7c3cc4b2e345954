"""Documents exchanged with Infor about orders, and the interface an Infor adapter offers for them.

Outbound (Novex → Infor): shipment notices for new postings, stop-picking orders (a posting was
cancelled or its packing refused), package labels (PDF), act documents (PDF plus a JSON manifest
with the barcode) and returns to expect. Inbound (Infor → Novex): allocations (Infor has reserved
a posting's units, so its stock snapshots count them from then on), packing documents (what went
into which box, with marking codes) and return receipts.

Every document is one pydantic model with a ``type`` field; the file-drop adapter in
`resources.sources.infor_files` writes and reads them as JSON, one document per file.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, model_validator


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1


# --- outbound ------------------------------------------------------------------------------


class NoticeItem(_Doc):
    """A line to pick."""

    sku: int
    offer_id: str
    name: str = ""
    quantity: int = Field(ge=1)
    mark_required: bool = Field(description="A Честный ЗНАК code must be scanned per unit.")


class ShipmentNotice(_Doc):
    """A new posting to pick and pack by ``pack_by`` (UTC; ``pack_by_local`` in the site's zone)."""

    type: Literal["shipment_notice"] = "shipment_notice"
    posting_number: str
    order_id: int
    order_number: str
    warehouse_id: int
    infor_sites: list[str]
    delivery_method: str
    in_process_at: AwareDatetime | None
    pack_by: AwareDatetime | None
    pack_by_local: str
    timezone: str
    delivery_date_begin: AwareDatetime | None = None
    delivery_date_end: AwareDatetime | None = None
    recipient: str = ""
    multibox: bool = Field(
        default=False,
        description="Ozon's is_multibox: the goods come in several factory boxes; the packing "
        "document lists every box, and they travel as one parcel.",
    )
    items: list[NoticeItem] = Field(min_length=1)


class StopPicking(_Doc):
    """Stop work on a posting: cancelled, or its packing document was refused (``reasons``)."""

    type: Literal["stop_picking"] = "stop_picking"
    posting_number: str
    cause: Literal["cancelled", "packing_refused", "exception"]
    reasons: list[str] = Field(min_length=1)
    at: AwareDatetime


class ExpectedReturn(_Doc):
    """A buyer return on its way back; Infor answers with a `ReturnReceipt` when it arrives."""

    type: Literal["expected_return"] = "expected_return"
    return_id: int
    posting_number: str
    offer_id: str
    sku: int
    quantity: int
    reason: str = ""
    status: str = ""


class ActManifest(_Doc):
    """The day's handover for a warehouse: act id, barcode and postings; the PDF is beside it."""

    type: Literal["act_manifest"] = "act_manifest"
    act_id: int
    warehouse_id: int
    delivery_method_id: int
    barcode: str
    pdf: str
    postings: list[str]
    carried_over: list[str] = Field(default_factory=list)


class LabelManifest(_Doc):
    """Which postings the pages of a label PDF belong to, in page order."""

    type: Literal["label_manifest"] = "label_manifest"
    pdf: str
    postings: list[str] = Field(min_length=1)


OutboundDocument = ShipmentNotice | StopPicking | ExpectedReturn | ActManifest | LabelManifest


# --- inbound -------------------------------------------------------------------------------


class Allocation(_Doc):
    """Infor allocated the postings' units; snapshots taken from ``allocated_at`` count them."""

    type: Literal["allocation"] = "allocation"
    posting_numbers: list[str] = Field(min_length=1)
    allocated_at: AwareDatetime


class PackedItem(_Doc):
    """Units of one offer in a box, with one marking code per unit where the goods are marked."""

    offer_id: str = Field(min_length=1)
    quantity: int = Field(ge=1)
    marks: list[str] = Field(default_factory=list)


class PackedBox(_Doc):
    """One physical box (becomes one Ozon posting when shipped, unless the posting is multibox).

    A box with no items is a further factory box of goods listed in another box; only a
    multibox posting may have one.
    """

    box_id: str = Field(min_length=1, max_length=64)
    items: list[PackedItem] = Field(default_factory=list)


class PackingDocument(_Doc):
    """What the pickers packed for a posting, box by box."""

    type: Literal["packing"] = "packing"
    posting_number: str = Field(min_length=1)
    packed_at: AwareDatetime
    boxes: list[PackedBox] = Field(min_length=1)

    @model_validator(mode="after")
    def _something_packed(self) -> PackingDocument:
        if not any(box.items for box in self.boxes):
            raise ValueError("no box holds any item")
        return self


class ReturnReceipt(_Doc):
    """Infor received a returned parcel into the warehouse."""

    type: Literal["return_receipt"] = "return_receipt"
    return_id: int
    posting_number: str
    quantity: int = Field(ge=0)
    received_at: AwareDatetime


InboundDocument = Annotated[
    Allocation | PackingDocument | ReturnReceipt, Field(discriminator="type")
]
INBOUND = TypeAdapter(InboundDocument)


@dataclass(frozen=True)
class InboundRef:
    """A document Infor dropped, not yet archived."""

    name: str
    dropped_at: datetime


@dataclass(frozen=True)
class Received:
    """An inbound document read: the parsed document, or why it could not be."""

    ref: InboundRef
    document: Allocation | PackingDocument | ReturnReceipt | None
    error: str | None = None


class InforDocuments(ABC):
    """Order documents to and from Infor; a new transport implements these methods."""

    @abstractmethod
    def send(self, name: str, document: OutboundDocument) -> str:
        """Deliver a document under a stable ``name`` (resending the same name replaces it)."""

    @abstractmethod
    def send_pdf(self, name: str, content: bytes) -> str:
        """Deliver a PDF (label, act) under a stable ``name``."""

    @abstractmethod
    def pending(self) -> list[InboundRef]:
        """Documents Infor dropped and we have not archived yet, oldest first."""

    @abstractmethod
    def read(self, ref: InboundRef) -> Received:
        """Parse one inbound document; a malformed one comes back with ``error`` set."""

    @abstractmethod
    def archive(self, ref: InboundRef, *, failed: str | None = None) -> None:
        """Move a handled document out of the way (to the failed archive with the reason)."""

    def remove_stale_temporaries(self, older_than_s: float = 60.0) -> int:
        """Remove our own half-written documents left by a killed writer; returns how many.

        A transport without temporaries has nothing to remove.
        """
        return 0
