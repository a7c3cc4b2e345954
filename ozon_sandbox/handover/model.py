"""Per-account state of the handover domain: carriages (acts), returns, giveouts, settings.

One carriage record serves both of Ozon's ways to create a shipment: ``/v2/posting/fbs/act/create``
(formed at once) and ``/v1/carriage/create`` + ``/approve`` (``new`` until approved). Its id is
both the act id and the carriage id, as Ozon documents.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

CarriageStatus = Literal["new", "in_process", "formed", "received", "closed", "cancelled"]
ActSource = Literal["act", "carriage"]
ReturnType = Literal["Cancellation", "FullReturn", "PartialReturn", "ClientReturn", "Unknown"]
GiveoutStatus = Literal[
    "GIVEOUT_STATUS_CREATED",
    "GIVEOUT_STATUS_APPROVED",
    "GIVEOUT_STATUS_COMPLETED",
    "GIVEOUT_STATUS_CANCELLED",
]

# Ids start in Ozon-like ranges and never collide with postings or products.
FIRST_CARRIAGE_ID = 22_435_521_842_000
FIRST_RETURN_ID = 1_000_015_552
FIRST_GIVEOUT_ID = 9_000_001


class Carriage(BaseModel):
    """One shipment of one warehouse (delivery method) for one departure date."""

    id: int
    source: ActSource
    delivery_method_id: int
    warehouse_id: int
    departure_date: date
    containers_count: int = 0
    status: CarriageStatus
    created_at: datetime
    updated_at: datetime
    # When the documents are (or will be) formed; None while the carriage awaits approval.
    documents_ready_at: datetime | None = None
    # When the postings are handed over at the drop-off point (set once documents are formed).
    handover_at: datetime | None = None
    closed_at: datetime | None = None
    posting_numbers: list[str] = Field(default_factory=list)
    removed_from_act: list[str] = Field(default_factory=list)
    has_postings_for_next_carriage: bool = False
    barcode: str = ""


class DeliveryPlan(BaseModel):
    """The remaining life of one handed-over posting (times in sandbox UTC)."""

    posting_number: str
    carriage_id: int
    on_way_to_pickup_point_at: datetime
    in_pickup_point_at: datetime
    delivered_at: datetime
    stage: Literal["on_way_to_city", "on_way_to_pickup_point", "in_pickup_point", "delivered"] = (
        "on_way_to_city"
    )
    return_due_at: datetime | None = None


class ReturnedProduct(BaseModel):
    """The item a return carries back."""

    sku: int
    offer_id: str
    name: str
    price: float
    quantity: int


class ReturnStatusChange(BaseModel):
    """One step of a return's visual status."""

    sys_name: str
    moment: datetime


class SellerReturn(BaseModel):
    """An FBS return of one product of one posting, as ``/v1/returns/list`` shows it."""

    id: int
    posting_number: str
    order_id: int
    order_number: str
    warehouse_id: int
    type: ReturnType
    reason: str
    product: ReturnedProduct
    exemplar_ids: list[int] = Field(default_factory=list)
    barcode: str
    status: str
    history: list[ReturnStatusChange] = Field(default_factory=list)
    return_date: datetime
    next_step_at: datetime | None = None
    arrived_at: datetime | None = None
    final_moment: datetime | None = None
    giveout_id: int | None = None


class Giveout(BaseModel):
    """A pick-up of returns at a drop-off point, opened by scanning the seller's barcode."""

    giveout_id: int
    warehouse_id: int
    status: GiveoutStatus
    created_at: datetime
    return_ids: list[int] = Field(default_factory=list)


class HandoverSettings(BaseModel):
    """Knobs of the simulation; the admin surface changes them."""

    # Share of delivered postings that come back as client returns (0..1), chosen by a hash of
    # the posting number so the same postings return in every run.
    return_share: float = Field(0.1, ge=0.0, le=1.0)
    auto_receive_returns: bool = True
    giveout_enabled: bool = True


class HandoverState(BaseModel):
    """Everything the handover domain keeps for one account."""

    carriages: dict[str, Carriage] = Field(default_factory=dict)
    next_carriage_id: int = FIRST_CARRIAGE_ID
    deliveries: dict[str, DeliveryPlan] = Field(default_factory=dict)
    returns: dict[str, SellerReturn] = Field(default_factory=dict)
    next_return_id: int = FIRST_RETURN_ID
    giveouts: dict[str, Giveout] = Field(default_factory=dict)
    next_giveout_id: int = FIRST_GIVEOUT_ID
    giveout_barcode_version: int = 1
    settings: HandoverSettings = Field(default_factory=HandoverSettings)

    def carriage(self, carriage_id: int) -> Carriage | None:
        """The carriage (act) with this id, if any."""
        return self.carriages.get(str(carriage_id))

    def new_carriage_id(self) -> int:
        """A fresh carriage id (Ozon's ids grow by thousands)."""
        value = self.next_carriage_id
        self.next_carriage_id += 1000
        return value

    def new_return_id(self) -> int:
        """A fresh return id."""
        value = self.next_return_id
        self.next_return_id += 1
        return value

    def new_giveout_id(self) -> int:
        """A fresh giveout id."""
        value = self.next_giveout_id
        self.next_giveout_id += 1
        return value
