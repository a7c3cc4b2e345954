"""``client.acts``: the day's FBS shipment (act), its documents, barcode and contents.

An act id is also the carriage id, so every method here works for carriages made with
``client.carriages.create`` too. Documents form asynchronously: create, then
``wait_until_ready``, then download.
"""

from __future__ import annotations

import builtins
from datetime import date, datetime

from resources.ozon import constants
from resources.ozon.errors import OzonError
from resources.ozon.models.acts import (
    ActCreateRequest,
    ActCreateResponse,
    ActIdRequest,
    ActListFilter,
    ActListItem,
    ActListRequest,
    ActListResponse,
    ActPosting,
    ActPostingsResponse,
    ActStatus,
    ActStatusResponse,
    BarcodeTextResponse,
)
from resources.ozon.polling import poll
from resources.ozon.service import Service


class ActFailedError(OzonError):
    """Ozon stopped forming the act's documents (``error`` or ``cancelled``): create it again."""


def _day(value: date | datetime | str) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


class ActsService(Service):
    """Shipment documents for FBS warehouses."""

    def create(
        self,
        delivery_method_id: int,
        *,
        departure_date: datetime | None = None,
        containers_count: int | None = None,
    ) -> int:
        """Confirm the shipment of every packed posting of a warehouse; returns the act id.

        For FBS the delivery method id is the warehouse id. ``containers_count`` only for
        warehouses with trusted acceptance.
        """
        request = ActCreateRequest(
            delivery_method_id=delivery_method_id,
            departure_date=departure_date,
            containers_count=containers_count,
        )
        return self._client._post(constants.ACT_CREATE, request, ActCreateResponse).result.id

    def check_status(self, act_id: int) -> ActStatus:
        """Whether the documents are ready, and which postings are in (or left out of) the act."""
        response = self._client._post(
            constants.ACT_CHECK_STATUS, ActIdRequest(id=act_id), ActStatusResponse
        )
        return response.result

    def wait_until_ready(
        self,
        act_id: int,
        timeout_s: float = constants.ACT_WAIT_TIMEOUT_S,
        poll_s: float = constants.ACT_POLL_INTERVAL_S,
    ) -> ActStatus:
        """Poll ``check_status`` until the documents are ready (seconds of Ozon time).

        Raises:
            ActFailedError: forming ended in ``error``/``cancelled`` (create the act again).
            OzonPollTimeoutError: still forming after ``timeout_s``.
        """
        scale = self._client.time_scale
        status = poll(
            lambda: self.check_status(act_id),
            lambda s: s.is_ready or s.is_failed,
            timeout_s=timeout_s / scale,
            interval_s=poll_s / scale,
            what=f"act {act_id} documents",
            path=constants.ACT_CHECK_STATUS,
            clock=self._client._clock,
        )
        if not status.is_ready:
            raise ActFailedError(
                f"act {act_id} documents ended as {status.status!r}",
                path=constants.ACT_CHECK_STATUS,
            )
        return status

    def get_pdf(self, act_id: int) -> bytes:
        """The shipping list and waybill as one PDF."""
        return self._client._post_bytes(constants.ACT_GET_PDF, ActIdRequest(id=act_id))

    def get_barcode(self, act_id: int) -> bytes:
        """The shipment barcode as a PNG, to show at the drop-off point."""
        return self._client._post_bytes(constants.ACT_GET_BARCODE, ActIdRequest(id=act_id))

    def get_barcode_text(self, act_id: int) -> str:
        """The value encoded in the shipment barcode."""
        response = self._client._post(
            constants.ACT_GET_BARCODE_TEXT, ActIdRequest(id=act_id), BarcodeTextResponse
        )
        return response.result

    def postings(self, act_id: int) -> builtins.list[ActPosting]:
        """The postings of the act (or carriage), with their current status."""
        response = self._client._post(
            constants.ACT_GET_POSTINGS, ActIdRequest(id=act_id), ActPostingsResponse
        )
        return response.result

    def list(
        self,
        date_from: date | datetime | str,
        date_to: date | datetime | str,
        *,
        statuses: builtins.list[str] | None = None,
        integration_type: str | None = None,
        limit: int = constants.ACT_LIST_MAX,
    ) -> builtins.list[ActListItem]:
        """Shipments created in the period (at most ``limit``, Ozon's cap is 50)."""
        request = ActListRequest(
            filter=ActListFilter(
                date_from=_day(date_from),
                date_to=_day(date_to),
                integration_type=integration_type,
                status=statuses,
            ),
            limit=limit,
        )
        return self._client._post(constants.ACT_LIST, request, ActListResponse).result
