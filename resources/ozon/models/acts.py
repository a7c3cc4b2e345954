"""Models of the FBS act methods (``/v2/posting/fbs/act/*``): shipment documents and contents."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from resources.ozon import constants
from resources.ozon.models.common import MaybeBool, OzonInt, OzonRequest, OzonResponse, OzonStr

# Document statuses of ``check-status``; ``The next postings aren't ready`` is an Ozon error text.
ACT_IN_PROCESS = "in_process"
ACT_READY = "ready"
ACT_ERROR = "error"
ACT_CANCELLED = "cancelled"


class ActCreateRequest(OzonRequest):
    """Confirm the day's shipment of one delivery method (= warehouse id for FBS)."""

    delivery_method_id: OzonInt
    departure_date: datetime | None = None
    containers_count: int | None = Field(default=None, ge=0)


class ActCreateResult(OzonResponse):
    """The shipment's id: act id and carriage id at once."""

    id: OzonInt


class ActCreateResponse(OzonResponse):
    """Reply of act creation."""

    result: ActCreateResult


class ActIdRequest(OzonRequest):
    """A request naming one act (carriage)."""

    id: OzonInt


class ActStatus(OzonResponse):
    """Whether the act's documents are ready, and which postings are in it."""

    status: str = ""
    added_to_act: list[str] = Field(default_factory=list)
    removed_from_act: list[str] = Field(default_factory=list)
    act_type: str = ""
    is_partial: MaybeBool = None
    has_postings_for_next_carriage: MaybeBool = None
    partial_num: OzonInt = 0

    @property
    def is_ready(self) -> bool:
        """Documents can be downloaded."""
        return self.status == ACT_READY

    @property
    def is_failed(self) -> bool:
        """Forming failed or was cancelled: the act must be requested again."""
        return self.status not in (ACT_IN_PROCESS, ACT_READY)


class ActStatusResponse(OzonResponse):
    """Reply of ``check-status``."""

    result: ActStatus


class BarcodeTextResponse(OzonResponse):
    """The shipment barcode's value."""

    result: str = ""


class ActProduct(OzonResponse):
    """A product line of a posting in an act."""

    name: str = ""
    offer_id: str = ""
    price: OzonStr = ""
    quantity: OzonInt = 0
    sku: OzonInt = 0


class ActPosting(OzonResponse):
    """One posting of an act, with its current status."""

    id: OzonInt = 0
    multi_box_qty: OzonInt = 1
    posting_number: str
    status: str = ""
    seller_error: str = ""
    updated_at: datetime | None = None
    created_at: datetime | None = None
    products: list[ActProduct] = Field(default_factory=list)


class ActPostingsResponse(OzonResponse):
    """Reply of ``get-postings``."""

    result: list[ActPosting] = Field(default_factory=list)


class ActListFilter(OzonRequest):
    """Acts created in a period (dates as ``YYYY-MM-DD``), optionally by type and status."""

    date_from: str
    date_to: str
    integration_type: str | None = None
    status: list[str] | None = None


class ActListRequest(OzonRequest):
    """Body of the act list."""

    filter: ActListFilter
    limit: int = Field(default=constants.ACT_LIST_MAX, ge=1, le=constants.ACT_LIST_MAX)


class ActDocument(OzonResponse):
    """Status of one handover document."""

    created_at: datetime | None = None
    document_status: str = ""


class ActRelatedDocs(OzonResponse):
    """The acceptance, mismatch and excess acts of a shipment, where they exist."""

    act_of_acceptance: ActDocument | None = None
    act_of_mismatch: ActDocument | None = None
    act_of_excess: ActDocument | None = None


class ActListItem(OzonResponse):
    """One shipment in the act list."""

    id: OzonInt
    delivery_method_id: OzonInt = 0
    delivery_method_name: str = ""
    integration_type: str = ""
    containers_count: OzonInt = 0
    status: str = ""
    departure_date: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    act_type: str = ""
    is_partial: MaybeBool = None
    has_postings_for_next_carriage: MaybeBool = None
    partial_num: OzonInt = 0
    related_docs: ActRelatedDocs | None = None


class ActListResponse(OzonResponse):
    """Reply of the act list."""

    result: list[ActListItem] = Field(default_factory=list)
