"""Models of ``/v2/warehouse/list``: the seller's FBS/rFBS warehouses."""

from __future__ import annotations

from pydantic import Field

from resources.ozon.models.common import Int64Str, MaybeBool, OzonInt, OzonRequest, OzonResponse


class WarehouseListRequest(OzonRequest):
    """One page request; ``limit`` is required by Ozon (at most 200)."""

    limit: int = Field(ge=1, le=200)
    cursor: str = ""
    warehouse_ids: list[Int64Str] | None = None


class FirstMile(OzonResponse):
    """How parcels leave the warehouse: courier pick-up or drop-off at a point."""

    type: str = "UNSPECIFIED"
    dropoff_point_id: str = ""
    timeslot_id: OzonInt | None = None
    timeslot_from: str = ""
    timeslot_to: str = ""
    first_mile_is_changing: bool = False


class Warehouse(OzonResponse):
    """One warehouse; for FBS its id is also the delivery method id in act and carriage calls."""

    warehouse_id: OzonInt
    name: str = ""
    status: str = ""
    is_rfbs: bool = False
    is_kgt: bool = False
    is_express: bool = False
    is_comfort: bool = False
    is_auto_assembly: bool = False
    has_entrusted_acceptance: bool = False
    has_postings_limit: bool = False
    postings_limit: int | None = None
    min_postings_limit: int | None = None
    cut_in_time: OzonInt | None = None
    sla_cut_in: OzonInt | None = None
    carriage_label_type: str = "UNSPECIFIED"
    is_waybill_enabled: bool = False
    with_item_list: bool = False
    warehouse_type: str = ""
    working_days: list[str] = Field(default_factory=list)
    first_mile: FirstMile | None = None
    pause_at: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class WarehouseListResponse(OzonResponse):
    """One page of warehouses."""

    warehouses: list[Warehouse] = Field(default_factory=list)
    cursor: str = ""
    has_next: MaybeBool = None
