"""Models of ``/v1/returns/list``, ``/v1/returns/company/fbs/info`` and the giveout methods."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import Field, model_validator

from resources.ozon import constants
from resources.ozon.models.common import MaybeBool, OzonInt, OzonRequest, OzonResponse

# Return statuses the FBS flow passes through (``visual.status.sys_name``).
RETURN_MOVING_TO_SELLER = "MovingToSeller"
RETURN_ARRIVED_AT_RETURN_PLACE = "ArrivedAtReturnPlace"
RETURN_RECEIVED_BY_SELLER = "ReceivedBySeller"
DATE_RANGE_FILTERS = (
    "logistic_return_date",
    "storage_tariffication_start_date",
    "visual_status_change_moment",
)


class TimeRange(OzonRequest):
    """A period; either end may be left open."""

    time_from: datetime | None = None
    time_to: datetime | None = None


class ReturnsFilter(OzonRequest):
    """Which returns to list; Ozon refuses more than one of the three date ranges."""

    logistic_return_date: TimeRange | None = None
    storage_tariffication_start_date: TimeRange | None = None
    visual_status_change_moment: TimeRange | None = None
    order_id: OzonInt | None = None
    posting_numbers: list[str] | None = Field(
        default=None, max_length=constants.RETURNS_POSTING_NUMBERS_MAX
    )
    product_name: str | None = None
    offer_id: str | None = None
    visual_status_name: str | None = None
    warehouse_id: OzonInt | None = None
    barcode: str | None = None
    return_schema: str | None = None
    compensation_status_id: int | None = None

    @model_validator(mode="after")
    def _one_date_range(self) -> ReturnsFilter:
        given = [name for name in DATE_RANGE_FILTERS if getattr(self, name) is not None]
        if len(given) > 1:
            raise ValueError(
                f"Ozon accepts only one date range per returns query, got {', '.join(given)}"
            )
        return self


class ReturnsListRequest(OzonRequest):
    """One page of returns."""

    filter: ReturnsFilter | None = None
    limit: int = Field(default=constants.RETURNS_PAGE_MAX, ge=1, le=constants.RETURNS_PAGE_MAX)
    last_id: OzonInt = 0


class ReturnMoney(OzonResponse):
    """An amount (Ozon sends numbers or numeric strings)."""

    currency_code: str = ""
    price: Decimal = Decimal(0)


class ReturnPlace(OzonResponse):
    """A sorting centre or drop-off point."""

    id: OzonInt = 0
    name: str = ""
    address: str = ""


class ReturnStorage(OzonResponse):
    """Paid storage of a return waiting for the seller."""

    sum: ReturnMoney | None = None
    tariffication_first_date: datetime | None = None
    tariffication_start_date: datetime | None = None
    arrived_moment: datetime | None = None
    days: OzonInt = 0
    utilization_sum: ReturnMoney | None = None
    utilization_forecast_date: str | None = None


class ReturnProduct(OzonResponse):
    """The returned item."""

    sku: OzonInt = 0
    offer_id: str = ""
    name: str = ""
    price: ReturnMoney | None = None
    price_without_commission: ReturnMoney | None = None
    commission_percent: Decimal = Decimal(0)
    commission: ReturnMoney | None = None
    quantity: OzonInt = 0


class ReturnLogistic(OzonResponse):
    """Logistics moments and the return's barcode."""

    technical_return_moment: datetime | None = None
    final_moment: datetime | None = None
    cancelled_with_compensation_moment: datetime | None = None
    return_date: datetime | None = None
    barcode: str = ""


class ReturnStatus(OzonResponse):
    """A status with its id and names."""

    id: OzonInt = 0
    display_name: str = ""
    sys_name: str = ""


class ReturnVisual(OzonResponse):
    """The status the seller cabinet shows, and when it was set."""

    status: ReturnStatus | None = None
    change_moment: datetime | None = None


class ReturnCompensation(OzonResponse):
    """Compensation for the return, when Ozon paid or reversed one."""

    status: ReturnStatus | None = None
    change_moment: datetime | None = None


class ReturnAdditionalInfo(OzonResponse):
    """Flags of a return."""

    is_opened: MaybeBool = None
    is_super_econom: MaybeBool = None


class ReturnExemplar(OzonResponse):
    """One returned unit."""

    id: OzonInt = 0


class SellerReturn(OzonResponse):
    """One FBS/FBO return."""

    id: OzonInt
    company_id: OzonInt = 0
    posting_number: str = ""
    order_id: OzonInt = 0
    order_number: str = ""
    type: str = ""
    return_schema: str = Field(default="", alias="schema")
    return_reason_name: str = ""
    product: ReturnProduct | None = None
    visual: ReturnVisual | None = None
    logistic: ReturnLogistic | None = None
    place: ReturnPlace | None = None
    target_place: ReturnPlace | None = None
    storage: ReturnStorage | None = None
    compensation_status: ReturnCompensation | None = None
    exemplars: list[ReturnExemplar] = Field(default_factory=list)
    additional_info: ReturnAdditionalInfo | None = None
    source_id: OzonInt | None = None
    clearing_id: OzonInt | None = None
    return_clearing_id: OzonInt | None = None

    @property
    def status(self) -> str:
        """The status's system name (``MovingToSeller``, ``ReceivedBySeller`` …)."""
        if self.visual is None or self.visual.status is None:
            return ""
        return self.visual.status.sys_name


class ReturnsListResponse(OzonResponse):
    """One page of returns."""

    returns: list[SellerReturn] = Field(default_factory=list)
    has_next: MaybeBool = None


class DropOffFilter(OzonRequest):
    """One drop-off point."""

    place_id: OzonInt | None = None


class DropOffPagination(OzonRequest):
    """``last_id`` is the id of the previous page's last drop-off point."""

    last_id: OzonInt = 0
    limit: int = Field(
        default=constants.RETURNS_DROP_OFF_PAGE_MAX,
        ge=1,
        le=constants.RETURNS_DROP_OFF_PAGE_MAX,
    )


class CompanyFbsInfoRequest(OzonRequest):
    """One page of drop-off points holding returns."""

    filter: DropOffFilter | None = None
    pagination: DropOffPagination


class PassInfo(OzonResponse):
    """Whether a pass is needed to collect returns."""

    count: OzonInt = 0
    is_required: MaybeBool = None


class DropOffPoint(OzonResponse):
    """A drop-off point where returns wait for the seller."""

    id: OzonInt
    place_id: OzonInt = 0
    name: str = ""
    address: str = ""
    returns_count: OzonInt = 0
    box_count: OzonInt = 0
    utc_offset: str = ""
    warehouses_ids: list[OzonInt] = Field(default_factory=list)
    pass_info: PassInfo | None = None


class CompanyFbsInfoResponse(OzonResponse):
    """One page of drop-off points."""

    drop_off_points: list[DropOffPoint] = Field(default_factory=list)
    has_next: MaybeBool = None


class EmptyRequest(OzonRequest):
    """A method without parameters."""


class GiveoutEnabledResponse(OzonResponse):
    """Whether returns can be collected by barcode."""

    enabled: MaybeBool = None


class GiveoutBarcodeResponse(OzonResponse):
    """The giveout barcode's value."""

    barcode: str = ""


class GiveoutListRequest(OzonRequest):
    """One page of giveouts."""

    last_id: OzonInt = 0
    limit: int = Field(default=constants.GIVEOUT_PAGE_MAX, ge=1, le=constants.GIVEOUT_PAGE_MAX)


class Giveout(OzonResponse):
    """A collection of returns opened by scanning the barcode."""

    giveout_id: OzonInt
    giveout_status: str = ""
    created_at: datetime | None = None
    approved_articles_count: OzonInt = 0
    total_articles_count: OzonInt = 0
    warehouse_id: OzonInt = 0
    warehouse_name: str = ""
    warehouse_address: str = ""


class GiveoutListResponse(OzonResponse):
    """One page of giveouts."""

    giveouts: list[Giveout] = Field(default_factory=list)


class GiveoutInfoRequest(OzonRequest):
    """One giveout."""

    giveout_id: OzonInt


class GiveoutArticle(OzonResponse):
    """One returned item of a giveout."""

    approved: MaybeBool = None
    delivery_schema: str = ""
    name: str = ""
    seller_id: OzonInt = 0


class GiveoutInfo(OzonResponse):
    """A giveout and its items."""

    giveout_id: OzonInt
    giveout_status: str = ""
    warehouse_name: str = ""
    warehouse_address: str = ""
    articles: list[GiveoutArticle] = Field(default_factory=list)
