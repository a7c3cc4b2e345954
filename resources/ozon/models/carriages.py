"""Models of the carriage methods (``/v1/carriage/*``) and ``/v2/carriage/delivery/list``."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from resources.ozon import constants
from resources.ozon.models.common import (
    MaybeBool,
    OzonInt,
    OzonRequest,
    OzonResponse,
)


class DeliveryListFilter(OzonRequest):
    """One delivery method and/or departure day (``YYYY-MM-DD``; Ozon defaults to today)."""

    delivery_method_id: OzonInt | None = None
    departure_date: str | None = None


class DeliveryListRequest(OzonRequest):
    """One page of delivery methods."""

    filter: DeliveryListFilter | None = None
    limit: int = Field(default=constants.CARRIAGE_DELIVERY_PAGE_MAX, ge=1, le=1000)
    cursor: str = ""


class PickupFee(OzonResponse):
    """Pick-up cost of a carriage."""

    currency_code: str = ""
    value: float = 0.0


class DeliveryMethodCarriage(OzonResponse):
    """A carriage of the method for the day; ``id`` 0 is one that can still be created."""

    id: OzonInt = 0
    status: str = ""
    postings_count: OzonInt = 0
    available_actions: list[str] = Field(default_factory=list)
    all_blr_traceable: MaybeBool = None
    carriage_volume: float = 0.0
    quantum_count: OzonInt = 0
    pickup_fee: PickupFee | None = None


class DeliveryMethodError(OzonResponse):
    """Why a carriage can't (or shouldn't yet) be created, e.g. ``not_packaged``."""

    code: str = ""
    description: str = ""
    status: str = ""


class DeliveryMethod(OzonResponse):
    """A delivery method's shipment situation for one day."""

    delivery_method_id: OzonInt
    delivery_method_name: str = ""
    delivery_method_status: str = ""
    warehouse_id: OzonInt = 0
    warehouse_name: str = ""
    warehouse_city: str = ""
    departure_date: str = ""
    cutoff_at: str = ""
    cut_in: str = ""
    mandatory_postings_count: OzonInt = 0
    mandatory_packaged_count: OzonInt = 0
    optional_packaged_count: OzonInt = 0
    carriage_postings_count: OzonInt = 0
    carriages: list[DeliveryMethodCarriage] = Field(default_factory=list)
    errors: list[DeliveryMethodError] = Field(default_factory=list)
    first_mile_type: str = ""
    first_mile_changing: MaybeBool = None
    dropoff_point_id: OzonInt = 0
    dropoff_point_type: str = ""
    dropoff_address: str = ""
    dropoff_change_availability: str = ""
    has_entrusted_acceptance: MaybeBool = None
    integration_type: str = ""
    is_optional_carriage: MaybeBool = None
    is_presort: MaybeBool = None
    is_rfbs: MaybeBool = None
    recommended_time_local: str = ""
    recommended_time_utc_offset_in_minutes: OzonInt = 0
    timeslot_from: str = ""
    timeslot_to: str = ""
    tpl_provider_name: str = ""
    tpl_provider_icon_url: str = ""

    @property
    def error_codes(self) -> list[str]:
        """Codes of the reported problems."""
        return [e.code for e in self.errors]

    @property
    def cutoff(self) -> datetime | None:
        """`cutoff_at` as a moment; None when Ozon gave none (its schema samples send text)."""
        try:
            return datetime.fromisoformat(self.cutoff_at.replace("Z", "+00:00"))
        except ValueError:
            return None


class DeliveryListResponse(OzonResponse):
    """One page of delivery methods."""

    methods: list[DeliveryMethod] = Field(default_factory=list)
    cursor: str = ""
    has_next: MaybeBool = None


class CarriageCreateRequest(OzonRequest):
    """Create a carriage of every packed posting of the delivery method."""

    delivery_method_id: OzonInt
    departure_date: datetime | None = None
    all_blr_traceable: bool | None = None


class CarriageCreateResponse(OzonResponse):
    """The new carriage's id."""

    carriage_id: OzonInt


class CarriageApproveRequest(OzonRequest):
    """Confirm a ``new`` carriage."""

    carriage_id: OzonInt
    containers_count: int | None = Field(default=None, ge=0)


class CarriageApproveResponse(OzonResponse):
    """An empty reply."""


class CarriageIdRequest(OzonRequest):
    """A request naming one carriage."""

    carriage_id: OzonInt


class CarriageCancelResponse(OzonResponse):
    """``error`` is set when Ozon refused to cancel."""

    error: str = ""
    carriage_status: str = ""


class SetPostingsRequest(OzonRequest):
    """The complete new list of a ``new`` carriage's postings."""

    carriage_id: OzonInt
    posting_numbers: list[str] = Field(min_length=1)


class SetPostingsResult(OzonResponse):
    """Verdict on one posting."""

    posting_number: str = ""
    result: MaybeBool = None
    error: str = ""


class SetPostingsResponse(OzonResponse):
    """Per-posting verdicts."""

    result: list[SetPostingsResult] = Field(default_factory=list)


class CancelAvailability(OzonResponse):
    """Whether the carriage can still be cancelled."""

    is_cancel_available: MaybeBool = None
    reason: str = ""


class Carriage(OzonResponse):
    """A carriage as ``/v1/carriage/get`` describes it."""

    carriage_id: OzonInt
    status: str = ""
    delivery_method_id: OzonInt = 0
    warehouse_id: OzonInt = 0
    departure_date: str = ""
    act_type: str = ""
    integration_type: str = ""
    first_mile_type: str = ""
    available_actions: list[str] = Field(default_factory=list)
    cancel_availability: CancelAvailability | None = None
    containers_count: OzonInt = 0
    company_id: OzonInt = 0
    tpl_provider_id: OzonInt = 0
    arrival_pass_ids: list[OzonInt] = Field(default_factory=list)
    all_blr_traceable: MaybeBool = None
    is_waybill_enabled: MaybeBool = None
    is_econom: MaybeBool = None
    is_container_label_printed: MaybeBool = None
    is_partial: MaybeBool = None
    partial_num: OzonInt = 0
    retry_count: OzonInt = 0
    has_postings_for_next_carriage: MaybeBool = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
