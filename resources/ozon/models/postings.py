"""Models of the FBS posting methods: the v4 lists, ``/v3/posting/fbs/get``, packing, cancel.

Response models follow the v4 naming; the v3 ``get`` differs in its product price (a string plus
``currency_code`` instead of ``{amount, currency}``) and in a few extra blocks, so both product
shapes parse into one :class:`PostingProduct`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from resources.ozon.models.common import (
    Int64Str,
    MaybeBool,
    OzonInt,
    OzonRequest,
    OzonResponse,
    OzonStr,
    OzonTime,
)


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


# Ozon's enum is ASC/DESC; its own examples write it in lower case.
SortDir = Annotated[Literal["ASC", "DESC"], BeforeValidator(_upper)]

PostingStatus = Literal[
    "awaiting_registration",
    "acceptance_in_progress",
    "awaiting_approve",
    "awaiting_packaging",
    "awaiting_verification",
    "awaiting_deliver",
    "arbitration",
    "client_arbitration",
    "delivering",
    "driver_pickup",
    "delivered",
    "cancelled",
    "cancelled_from_split_pending",
    "not_accepted",
    "sent_by_seller",
]


# ---------------------------------------------------------------- requests


class PostingWith(OzonRequest):
    """Optional blocks of postings in the v4 lists."""

    analytics_data: bool | None = None
    barcodes: bool | None = None
    financial_data: bool | None = None
    legal_info: bool | None = None


class PostingGetWith(PostingWith):
    """Optional blocks of ``/v3/posting/fbs/get``."""

    product_exemplars: bool | None = None
    related_postings: bool | None = None
    translit: bool | None = None


class StatusChangeWindow(OzonRequest):
    """``last_changed_status_date``: a period."""

    from_: datetime = Field(alias="from")
    to: datetime


class UnfulfilledFilter(OzonRequest):
    """Filter of the work queue: a cutoff window or a delivering-date window, not both."""

    cutoff_from: datetime | None = None
    cutoff_to: datetime | None = None
    delivering_date_from: datetime | None = None
    delivering_date_to: datetime | None = None
    statuses: list[str] | None = None
    warehouse_ids: list[Int64Str] | None = Field(default=None, max_length=1000)
    delivery_method_ids: list[Int64Str] | None = Field(default=None, max_length=1000)
    provider_ids: list[Int64Str] | None = Field(default=None, max_length=1000)
    last_changed_status_date: StatusChangeWindow | None = None

    @model_validator(mode="after")
    def _one_window(self) -> UnfulfilledFilter:
        cutoff = (self.cutoff_from, self.cutoff_to)
        delivering = (self.delivering_date_from, self.delivering_date_to)
        has_cutoff = any(v is not None for v in cutoff)
        has_delivering = any(v is not None for v in delivering)
        if has_cutoff == has_delivering:
            raise ValueError("give a cutoff window or a delivering-date window (exactly one)")
        window = cutoff if has_cutoff else delivering
        if None in window:
            raise ValueError("a window needs both its start and its end")
        return self


class UnfulfilledListRequest(OzonRequest):
    """Body of ``/v4/posting/fbs/unfulfilled/list``."""

    filter: UnfulfilledFilter
    limit: int = Field(default=100, ge=1, le=100)
    cursor: str = ""
    sort_dir: SortDir | None = None
    with_: PostingWith | None = Field(default=None, alias="with")


class PostingListFilter(OzonRequest):
    """Filter of the history list: ``since``/``to`` (at most one year apart)."""

    since: datetime
    to: datetime
    statuses: list[str] | None = None
    order_numbers: list[str] | None = Field(default=None, max_length=100)
    order_id: OzonInt | None = None
    warehouse_ids: list[Int64Str] | None = Field(default=None, max_length=1000)
    delivery_method_ids: list[Int64Str] | None = Field(default=None, max_length=1000)
    provider_ids: list[Int64Str] | None = Field(default=None, max_length=1000)
    is_blr_traceable: bool | None = None
    last_changed_status_date: StatusChangeWindow | None = None


class PostingListRequest(OzonRequest):
    """Body of ``/v4/posting/fbs/list``."""

    filter: PostingListFilter
    limit: int = Field(default=100, ge=1, le=100)
    cursor: str = ""
    sort_dir: SortDir | None = None
    with_: PostingWith | None = Field(default=None, alias="with")


class PostingGetRequest(OzonRequest):
    """Body of ``/v3/posting/fbs/get``."""

    posting_number: str = Field(min_length=1)
    with_: PostingGetWith | None = Field(default=None, alias="with")


class ShipProduct(OzonRequest):
    """Units of one product in a box; Ozon names the SKU ``product_id`` here."""

    product_id: OzonInt = Field(description="The SKU (not the card's product_id).")
    quantity: int = Field(ge=1)


class ShipPackage(OzonRequest):
    """One box; each box becomes its own posting."""

    products: list[ShipProduct] = Field(min_length=1)


class ShipWith(OzonRequest):
    """``with`` of the ship call."""

    additional_data: bool | None = None


class ShipRequest(OzonRequest):
    """Body of ``/v4/posting/fbs/ship``."""

    posting_number: str = Field(min_length=1)
    packages: list[ShipPackage] = Field(min_length=1)
    with_: ShipWith | None = Field(default=None, alias="with")


class ShipPackageProduct(OzonRequest):
    """Units to split off; ``exemplarsIds`` name the units (exemplars) that go with them."""

    product_id: OzonInt = Field(description="The SKU.")
    quantity: int = Field(ge=1)
    exemplarsIds: list[Int64Str] | None = None


class ShipPackageRequest(OzonRequest):
    """Body of ``/v4/posting/fbs/ship/package``."""

    posting_number: str = Field(min_length=1)
    products: list[ShipPackageProduct] = Field(min_length=1)


class CancelReasonsRequest(OzonRequest):
    """Body of ``/v1/posting/fbs/cancel-reason``."""

    related_posting_numbers: list[str] = Field(min_length=1)


class CancelRequest(OzonRequest):
    """Body of ``/v2/posting/fbs/cancel``."""

    posting_number: str = Field(min_length=1)
    cancel_reason_id: OzonInt
    cancel_reason_message: str | None = None


class CancelItem(OzonRequest):
    """Units of one SKU to cancel."""

    sku: OzonInt
    quantity: int = Field(ge=1)


class ProductCancelRequest(OzonRequest):
    """Body of ``/v2/posting/fbs/product/cancel``."""

    posting_number: str = Field(min_length=1)
    cancel_reason_id: OzonInt
    cancel_reason_message: str
    items: list[CancelItem] = Field(min_length=1)


# ---------------------------------------------------------------- responses


class Money(OzonResponse):
    """``{amount, currency}``."""

    amount: OzonStr = "0"
    currency: str = ""


class PostingProduct(OzonResponse):
    """A product line; ``price`` is the decimal string of either v3 or v4 shape."""

    sku: OzonInt = 0
    offer_id: str = ""
    name: str = ""
    quantity: OzonInt = 0
    price: OzonStr = "0"
    currency_code: str = ""
    mandatory_mark: list[str] = Field(default_factory=list)
    imei: list[str] = Field(default_factory=list)
    is_blr_traceable: MaybeBool = None
    is_marketplace_buyout: MaybeBool = None
    weight: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _price_object(cls, data: Any) -> Any:
        # v4 sends price as {amount, currency}; v3 as a string plus currency_code.
        if isinstance(data, dict) and isinstance(data.get("price"), dict):
            money = data["price"]
            data = {
                **data,
                "price": money.get("amount") or "0",
                "currency_code": data.get("currency_code") or money.get("currency") or "",
            }
        return data


class DeliveryMethod(OzonResponse):
    """Where the posting leaves from and who carries it (for FBS: id = warehouse id)."""

    id: OzonInt = 0
    name: str = ""
    warehouse_id: OzonInt = 0
    warehouse: str = ""
    tpl_provider_id: OzonInt = 0
    tpl_provider: str = ""


class Cancellation(OzonResponse):
    """Why a posting was cancelled (zero values when it was not)."""

    cancel_reason_id: OzonInt = 0
    cancel_reason: str = ""
    cancellation_type: str = ""
    cancellation_initiator: str = ""
    cancelled_after_ship: MaybeBool = None
    affect_cancellation_rating: MaybeBool = None


def _sku_list(value: Any) -> Any:
    # The schema says strings, real replies send numbers: both become ints.
    if isinstance(value, list):
        return [int(v) if isinstance(v, str) and v.strip().isdigit() else v for v in value]
    return value


class Requirements(OzonResponse):
    """SKUs needing extra data before packing."""

    products_requiring_mandatory_mark: list[int] = Field(default_factory=list)
    products_requiring_gtd: list[int] = Field(default_factory=list)
    products_requiring_country: list[int] = Field(default_factory=list)
    products_requiring_change_country: list[int] = Field(default_factory=list)
    products_requiring_rnpt: list[int] = Field(default_factory=list)
    products_requiring_jw_uin: list[int] = Field(default_factory=list)
    products_requiring_imei: list[int] = Field(default_factory=list)
    products_requiring_weight: list[int] = Field(default_factory=list)

    _skus = field_validator("*", mode="before")(_sku_list)


class OptionalMarks(OzonResponse):
    """SKUs that may carry a mark (``optional``)."""

    products_with_possible_mandatory_mark: list[int] = Field(default_factory=list)

    _skus = field_validator("*", mode="before")(_sku_list)


class Barcodes(OzonResponse):
    """Barcodes printed on the posting's label."""

    upper_barcode: OzonStr = ""
    lower_barcode: OzonStr = ""


class AnalyticsData(OzonResponse):
    """Where the posting goes and how the buyer pays."""

    region: str = ""
    city: str = ""
    delivery_type: str = ""
    is_premium: MaybeBool = None
    is_legal: MaybeBool = None
    payment_type_group_name: str = ""
    warehouse_id: OzonInt = 0
    warehouse: str = ""
    tpl_provider_id: OzonInt = 0
    tpl_provider: str = ""
    delivery_date_begin: OzonTime = None
    delivery_date_end: OzonTime = None


class FinancialProduct(OzonResponse):
    """Money of one product line (v4 and v3 shapes)."""

    product_id: OzonInt = 0
    quantity: OzonInt = 0
    price: float = 0.0
    old_price: float = 0.0
    payout: float = 0.0
    commission_amount: float = 0.0
    commission_percent: float = 0.0

    @model_validator(mode="before")
    @classmethod
    def _commission_object(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("commission"), dict):
            commission = data["commission"]
            data = {
                **data,
                "commission_amount": commission.get("amount") or 0,
                "commission_percent": commission.get("percent") or 0,
            }
        return data


class FinancialData(OzonResponse):
    """Financial block of a posting."""

    cluster_from: str = ""
    cluster_to: str = ""
    products: list[FinancialProduct] = Field(default_factory=list)


class ExemplarInfo(OzonResponse):
    """One unit's data as ``/v3/posting/fbs/get`` shows it."""

    exemplar_id: OzonInt = 0
    mandatory_mark: str = ""
    gtd: str = ""
    is_gtd_absent: MaybeBool = None
    rnpt: str = ""
    is_rnpt_absent: MaybeBool = None
    imei: list[str] = Field(default_factory=list)


class ProductExemplars(OzonResponse):
    """Units of one SKU."""

    sku: OzonInt = 0
    exemplars: list[ExemplarInfo] = Field(default_factory=list)


class PostingExemplars(OzonResponse):
    """``product_exemplars`` block."""

    products: list[ProductExemplars] = Field(default_factory=list)


class RelatedPostings(OzonResponse):
    """``related_postings`` block."""

    related_posting_numbers: list[str] = Field(default_factory=list)


class Posting(OzonResponse):
    """An FBS posting (one box of a buyer order)."""

    posting_number: str
    order_id: OzonInt = 0
    order_number: str = ""
    status: str = ""
    substatus: str = ""
    previous_substatus: str = ""
    delivery_method: DeliveryMethod = Field(default_factory=DeliveryMethod)
    tracking_number: str = ""
    tpl_integration_type: str = ""
    in_process_at: OzonTime = None
    shipment_date: OzonTime = None
    shipment_date_without_delay: OzonTime = None
    delivering_date: OzonTime = None
    cancellation: Cancellation = Field(default_factory=Cancellation)
    products: list[PostingProduct] = Field(default_factory=list)
    requirements: Requirements = Field(default_factory=Requirements)
    optional: OptionalMarks = Field(default_factory=OptionalMarks)
    available_actions: list[str] = Field(default_factory=list)
    barcodes: Barcodes | None = None
    analytics_data: AnalyticsData | None = None
    financial_data: FinancialData | None = None
    product_exemplars: PostingExemplars | None = None
    related_postings: RelatedPostings | None = None
    parent_posting_number: str = ""
    is_express: MaybeBool = None
    is_multibox: MaybeBool = None
    multi_box_qty: OzonInt = 1

    @property
    def warehouse_id(self) -> int:
        """The warehouse the posting ships from."""
        return self.delivery_method.warehouse_id


class PostingListPage(OzonResponse):
    """A page of ``/v4/posting/fbs/list`` or ``/v4/posting/fbs/unfulfilled/list``."""

    postings: list[Posting] = Field(default_factory=list)
    cursor: str = ""
    has_next: MaybeBool = None
    count: OzonInt | None = None


class PostingGetResponse(OzonResponse):
    """Reply of ``/v3/posting/fbs/get``."""

    result: Posting


class ShippedProduct(OzonResponse):
    """A product of a packed posting (``additional_data``)."""

    sku: OzonInt = 0
    offer_id: str = ""
    name: str = ""
    quantity: OzonInt = 0
    price: OzonStr = ""
    currency_code: str = ""
    mandatory_mark: list[str] = Field(default_factory=list)


class ShippedPosting(OzonResponse):
    """One posting created by packing, with its products."""

    posting_number: str = ""
    products: list[ShippedProduct] = Field(default_factory=list)


class ShipResponse(OzonResponse):
    """Reply of ``/v4/posting/fbs/ship``: the postings the boxes became."""

    result: list[str] = Field(default_factory=list)
    additional_data: list[ShippedPosting] = Field(default_factory=list)


class ShipPackageResponse(OzonResponse):
    """Reply of ``/v4/posting/fbs/ship/package``: the new posting's number."""

    result: str = ""


class CancelReason(OzonResponse):
    """A cancellation reason."""

    id: OzonInt
    title: str = ""
    type_id: str = ""
    is_available_for_cancellation: MaybeBool = None


class CancelReasonListResponse(OzonResponse):
    """Reply of ``/v2/posting/fbs/cancel-reason/list``."""

    result: list[CancelReason] = Field(default_factory=list)


class PostingCancelReasons(OzonResponse):
    """Reasons valid for one posting."""

    posting_number: str = ""
    reasons: list[CancelReason] = Field(default_factory=list)


class CancelReasonsResponse(OzonResponse):
    """Reply of ``/v1/posting/fbs/cancel-reason``."""

    result: list[PostingCancelReasons] = Field(default_factory=list)


class CancelResponse(OzonResponse):
    """Reply of ``/v2/posting/fbs/cancel``."""

    result: MaybeBool = None


class ProductCancelResponse(OzonResponse):
    """Reply of ``/v2/posting/fbs/product/cancel`` (the posting number)."""

    result: OzonStr = ""
