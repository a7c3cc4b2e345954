"""``client.returns``: FBS returns, the drop-off points holding them, and the giveout barcode."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime

from resources.ozon import constants
from resources.ozon.models.returns import (
    CompanyFbsInfoRequest,
    CompanyFbsInfoResponse,
    DropOffFilter,
    DropOffPagination,
    DropOffPoint,
    EmptyRequest,
    Giveout,
    GiveoutBarcodeResponse,
    GiveoutEnabledResponse,
    GiveoutInfo,
    GiveoutInfoRequest,
    GiveoutListRequest,
    GiveoutListResponse,
    ReturnsFilter,
    ReturnsListRequest,
    ReturnsListResponse,
    SellerReturn,
    TimeRange,
)
from resources.ozon.pagination import Paged, last_id_pages
from resources.ozon.service import Service

DateRange = tuple[datetime | None, datetime | None]


def _range(value: DateRange | None) -> TimeRange | None:
    return None if value is None else TimeRange(time_from=value[0], time_to=value[1])


class ReturnsService(Service):
    """Returns of the seller's postings and their collection."""

    def list(
        self,
        *,
        logistic_return_date: DateRange | None = None,
        storage_tariffication_start_date: DateRange | None = None,
        visual_status_change_moment: DateRange | None = None,
        posting_numbers: Sequence[str] | None = None,
        status: str | None = None,
        offer_id: str | None = None,
        order_id: int | None = None,
        warehouse_id: int | None = None,
        barcode: str | None = None,
        return_schema: str | None = None,
        page_size: int = constants.RETURNS_PAGE_MAX,
    ) -> Paged[ReturnsListResponse, SellerReturn]:
        """Returns matching the filter, lazily, ``last_id``-paged (500 per page at most).

        Give at most one of the three date ranges ``(from, to)``: Ozon refuses more, and so does
        this method (``ValueError``) before sending anything.
        """
        flt = ReturnsFilter(
            logistic_return_date=_range(logistic_return_date),
            storage_tariffication_start_date=_range(storage_tariffication_start_date),
            visual_status_change_moment=_range(visual_status_change_moment),
            posting_numbers=builtins.list(posting_numbers) if posting_numbers else None,
            visual_status_name=status,
            offer_id=offer_id,
            order_id=order_id,
            warehouse_id=warehouse_id,
            barcode=barcode,
            return_schema=return_schema,
        )

        def fetch(last_id: int) -> ReturnsListResponse:
            request = ReturnsListRequest(filter=flt, limit=page_size, last_id=last_id or 0)
            return self._client._post(constants.RETURNS_LIST, request, ReturnsListResponse)

        def next_id(page: ReturnsListResponse) -> int | None:
            if not page.returns or page.has_next is False:
                return None
            return page.returns[-1].id

        return last_id_pages(fetch, lambda page: page.returns, next_id, first=0)

    def company_fbs_info(
        self, *, place_id: int | None = None, page_size: int = constants.RETURNS_DROP_OFF_PAGE_MAX
    ) -> Paged[CompanyFbsInfoResponse, DropOffPoint]:
        """Drop-off points where FBS returns wait, with return and box counts."""
        flt = DropOffFilter(place_id=place_id) if place_id is not None else None

        def fetch(last_id: int) -> CompanyFbsInfoResponse:
            request = CompanyFbsInfoRequest(
                filter=flt, pagination=DropOffPagination(last_id=last_id or 0, limit=page_size)
            )
            return self._client._post(
                constants.RETURNS_COMPANY_FBS_INFO, request, CompanyFbsInfoResponse
            )

        def next_id(page: CompanyFbsInfoResponse) -> int | None:
            if not page.drop_off_points or page.has_next is False:
                return None
            return page.drop_off_points[-1].id

        return last_id_pages(fetch, lambda page: page.drop_off_points, next_id, first=0)

    # giveout: collecting returns at the drop-off point by barcode

    def giveout_is_enabled(self) -> bool:
        """Whether returns can be collected by barcode."""
        response = self._client._post(
            constants.GIVEOUT_IS_ENABLED, EmptyRequest(), GiveoutEnabledResponse
        )
        return bool(response.enabled)

    def giveout_barcode(self) -> str:
        """The giveout barcode's value."""
        return self._client._post(
            constants.GIVEOUT_BARCODE, EmptyRequest(), GiveoutBarcodeResponse
        ).barcode

    def giveout_png(self) -> bytes:
        """The giveout barcode as a PNG."""
        return self._client._post_bytes(constants.GIVEOUT_GET_PNG, EmptyRequest())

    def giveout_pdf(self) -> bytes:
        """The giveout barcode as a printable PDF."""
        return self._client._post_bytes(constants.GIVEOUT_GET_PDF, EmptyRequest())

    def giveout_reset_barcode(self) -> bytes:
        """Issue a new giveout barcode (old ones stop working); returns it as a PNG."""
        return self._client._post_bytes(constants.GIVEOUT_BARCODE_RESET, EmptyRequest())

    def giveouts(
        self, *, page_size: int = constants.GIVEOUT_PAGE_MAX
    ) -> Paged[GiveoutListResponse, Giveout]:
        """Giveouts opened by scanning the barcode, ``last_id``-paged."""

        def fetch(last_id: int) -> GiveoutListResponse:
            request = GiveoutListRequest(last_id=last_id or 0, limit=page_size)
            return self._client._post(constants.GIVEOUT_LIST, request, GiveoutListResponse)

        def next_id(page: GiveoutListResponse) -> int | None:
            if len(page.giveouts) < page_size:
                return None
            return page.giveouts[-1].giveout_id

        return last_id_pages(fetch, lambda page: page.giveouts, next_id, first=0)

    def giveout_info(self, giveout_id: int) -> GiveoutInfo:
        """One giveout and its items."""
        return self._client._post(
            constants.GIVEOUT_INFO, GiveoutInfoRequest(giveout_id=giveout_id), GiveoutInfo
        )
