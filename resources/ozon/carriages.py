"""``client.carriages``: the day's delivery methods and the carriage API (create → approve).

A carriage created here starts ``new`` (its postings can be replaced with ``set_postings``) and
forms its documents once approved; from then on ``client.acts`` serves it by the same id.
"""

from __future__ import annotations

from datetime import date, datetime

from resources.ozon import constants
from resources.ozon.acts import refusing
from resources.ozon.models.carriages import (
    Carriage,
    CarriageApproveRequest,
    CarriageApproveResponse,
    CarriageCancelResponse,
    CarriageCreateRequest,
    CarriageCreateResponse,
    CarriageIdRequest,
    DeliveryListFilter,
    DeliveryListRequest,
    DeliveryListResponse,
    DeliveryMethod,
    SetPostingsRequest,
    SetPostingsResponse,
    SetPostingsResult,
)
from resources.ozon.pagination import Paged, cursor_pages
from resources.ozon.service import Service


class CarriagesService(Service):
    """Delivery methods of the day and carriages."""

    def delivery_list(
        self,
        *,
        delivery_method_id: int | None = None,
        departure_date: date | None = None,
        page_size: int = constants.CARRIAGE_DELIVERY_PAGE_MAX,
    ) -> Paged[DeliveryListResponse, DeliveryMethod]:
        """Delivery methods with postings for the day: counts, carriages, blocking errors."""
        flt = None
        if delivery_method_id is not None or departure_date is not None:
            flt = DeliveryListFilter(
                delivery_method_id=delivery_method_id,
                departure_date=departure_date.isoformat() if departure_date else None,
            )

        def fetch(cursor: str) -> DeliveryListResponse:
            request = DeliveryListRequest(filter=flt, limit=page_size, cursor=cursor)
            return self._client._post(
                constants.CARRIAGE_DELIVERY_LIST, request, DeliveryListResponse
            )

        return cursor_pages(fetch, lambda page: page.methods)

    def create(
        self,
        delivery_method_id: int,
        *,
        departure_date: datetime | None = None,
        all_blr_traceable: bool | None = None,
    ) -> int:
        """Create a ``new`` carriage of every packed posting; returns its id.

        Raises:
            ActRefusedError: Ozon refused the shipment; ``reason`` is its error code.
        """
        request = CarriageCreateRequest(
            delivery_method_id=delivery_method_id,
            departure_date=departure_date,
            all_blr_traceable=all_blr_traceable,
        )
        response = refusing(
            lambda: self._client._post(constants.CARRIAGE_CREATE, request, CarriageCreateResponse)
        )
        return response.carriage_id

    def approve(self, carriage_id: int, *, containers_count: int | None = None) -> None:
        """Confirm a ``new`` carriage; its documents start forming.

        Raises:
            ActRefusedError: Ozon refused (``Incorrect_carriage_status``, ``no_postings`` ...).
        """
        request = CarriageApproveRequest(carriage_id=carriage_id, containers_count=containers_count)
        refusing(
            lambda: self._client._post(constants.CARRIAGE_APPROVE, request, CarriageApproveResponse)
        )

    def get(self, carriage_id: int) -> Carriage:
        """Status, available documents and cancel availability of a carriage."""
        return self._client._post(
            constants.CARRIAGE_GET, CarriageIdRequest(carriage_id=carriage_id), Carriage
        )

    def cancel(self, carriage_id: int) -> CarriageCancelResponse:
        """Delete a carriage not yet handed over; ``error`` says why Ozon refused, if it did."""
        return self._client._post(
            constants.CARRIAGE_CANCEL,
            CarriageIdRequest(carriage_id=carriage_id),
            CarriageCancelResponse,
        )

    def set_postings(self, carriage_id: int, posting_numbers: list[str]) -> list[SetPostingsResult]:
        """Replace a ``new`` carriage's postings with exactly these; a verdict per posting."""
        request = SetPostingsRequest(carriage_id=carriage_id, posting_numbers=posting_numbers)
        return self._client._post(
            constants.CARRIAGE_SET_POSTINGS, request, SetPostingsResponse
        ).result
