"""``client.acts``: the day's FBS shipment (act), its documents, barcode and contents.

An act id is also the carriage id, so every method here works for carriages made with
``client.carriages.create`` too. Documents form asynchronously: create, then
``wait_until_ready``, then download.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from resources.ozon import constants
from resources.ozon.errors import OzonConflictError, OzonError, OzonValidationError
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

T = TypeVar("T")

# Ozon's error table of /v2/posting/fbs/act/create (the carriage methods answer with the same
# codes), plus /v1/carriage/create's own POSTING_NOT_FOUND. A bad delivery method id is a 404
# and a container count without trusted acceptance a plain validation error; neither is here.
ACT_REFUSAL_REASONS = frozenset(
    {
        "can't create carriage",
        "Company has no FBS-warehouses",
        "first_mile_absent",
        "first_mile_is_changing",
        "has_overflow",
        "has_postings_with_registration_error",
        "has_seller_returns_in_stock",
        "has_surge",
        "new_postings_are_possible",
        "no_postings",
        "non_carriageable",
        "not_accepted_on_sc",
        "not_packaged",
        "not_registered",
        "other",
        "outdated",
        "package_time_not_passed",
        "partial_carriage_formed",
        "partial_carriage_in_proccess",
        "posting_statuses_not_ready",
        "there_are_incomplete_carriages",
        "will_be_partial_carriage",
        "Incorrect_carriage_status",
        "POSTING_NOT_FOUND",
    }
)
_BY_LOWER = {reason.lower(): reason for reason in ACT_REFUSAL_REASONS}
# Codes distinctive enough to find inside a longer message; "other" counts only on its own.
_IN_TEXT = re.compile(
    "|".join(
        rf"(?<![\w']){re.escape(reason)}(?![\w'])"
        for reason in sorted(ACT_REFUSAL_REASONS - {"other"}, key=len, reverse=True)
    ),
    re.IGNORECASE,
)


class ActFailedError(OzonError):
    """Ozon stopped forming the act's documents (``error`` or ``cancelled``): create it again."""


class ActRefusedError(OzonError):
    """Ozon refused to create or approve a shipment; ``reason`` is its documented error code.

    Some reasons pass with time (``new_postings_are_possible``: wait for the day's packing
    cutoff; ``posting_statuses_not_ready``, ``package_time_not_passed``: retry in a few
    minutes), others need the seller to act (``not_packaged``: pack the day's postings).
    """

    def __init__(self, message: str, *, reason: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.reason = reason


def refusal_reason(message: str) -> str | None:
    """The documented refusal code in an error message, spelled as Ozon documents it."""
    text = message.strip()
    exact = _BY_LOWER.get(text.lower())
    if exact is not None:
        return exact
    found = _IN_TEXT.search(text)
    return _BY_LOWER[found.group(0).lower()] if found else None


def refusing(call: Callable[[], T]) -> T:
    """Run a shipment call, turning Ozon's documented refusals into ``ActRefusedError``."""
    try:
        return call()
    except (OzonValidationError, OzonConflictError) as exc:
        reason = refusal_reason(exc.message)
        if reason is None:
            raise
        raise ActRefusedError(
            exc.message,
            reason=reason,
            path=exc.path,
            status=exc.status,
            code=exc.code,
            details=exc.details,
        ) from exc


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

        Raises:
            ActRefusedError: Ozon refused the shipment; ``reason`` says why (``not_packaged``,
                ``new_postings_are_possible``, ``posting_statuses_not_ready`` ...).
        """
        request = ActCreateRequest(
            delivery_method_id=delivery_method_id,
            departure_date=departure_date,
            containers_count=containers_count,
        )
        response = refusing(
            lambda: self._client._post(constants.ACT_CREATE, request, ActCreateResponse)
        )
        return response.result.id

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
