"""``client.exemplars``: Честный ЗНАК codes per unit before packing a marked posting.

The flow: :meth:`~ExemplarsService.create_or_get` gives an ``exemplar_id`` per unit,
:meth:`~ExemplarsService.validate` pre-checks code formats, :meth:`~ExemplarsService.set` saves
the complete set (asynchronous on Ozon's side), and
:meth:`~ExemplarsService.wait_until_ship_available` polls the status until Ozon has decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from resources.ozon import constants
from resources.ozon.errors import OzonError
from resources.ozon.models.exemplars import (
    EXEMPLARS_FINAL,
    EmptyResponse,
    ExemplarProductData,
    ExemplarSetRequest,
    ExemplarsResponse,
    ExemplarStatusResponse,
    ExemplarValidateRequest,
    ExemplarValidateResponse,
    PostingNumberRequest,
    ValidateProduct,
)
from resources.ozon.polling import poll
from resources.ozon.postings import body
from resources.ozon.service import Service


class ExemplarsNotAcceptedError(OzonError):
    """Ozon refused the codes (``ship_not_available``); ``result`` holds the per-code results."""

    def __init__(self, message: str, *, result: ExemplarStatusResponse, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.result = result


class ExemplarsService(Service):
    """Marking codes of postings awaiting packaging."""

    def create_or_get(self, posting_number: str) -> ExemplarsResponse:
        """Units (with ``exemplar_id``) of each product, and what each product needs."""
        request = PostingNumberRequest(posting_number=posting_number)
        return self._client._post(
            constants.EXEMPLAR_CREATE_OR_GET, body(request), ExemplarsResponse
        )

    def validate(
        self, posting_number: str, products: Sequence[ValidateProduct]
    ) -> ExemplarValidateResponse:
        """Pre-check code formats; nothing is saved."""
        request = ExemplarValidateRequest(posting_number=posting_number, products=list(products))
        return self._client._post(
            constants.EXEMPLAR_VALIDATE, body(request), ExemplarValidateResponse
        )

    def set(
        self,
        posting_number: str,
        products: Sequence[ExemplarProductData],
        *,
        multi_box_qty: int | None = None,
    ) -> None:
        """Save the complete set of units' data; Ozon then checks it (see :meth:`status`)."""
        request = ExemplarSetRequest(
            posting_number=posting_number, products=list(products), multi_box_qty=multi_box_qty
        )
        self._client._post(constants.EXEMPLAR_SET, body(request), EmptyResponse)

    def status(self, posting_number: str) -> ExemplarStatusResponse:
        """Check results per code and whether the posting can be packed."""
        request = PostingNumberRequest(posting_number=posting_number)
        return self._client._post(constants.EXEMPLAR_STATUS, body(request), ExemplarStatusResponse)

    def wait_until_ship_available(
        self,
        posting_number: str,
        timeout_s: float = constants.EXEMPLAR_WAIT_TIMEOUT_S,
        *,
        poll_s: float = constants.EXEMPLAR_POLL_INTERVAL_S,
    ) -> ExemplarStatusResponse:
        """Poll until Ozon has checked the codes; times are seconds of Ozon time.

        Raises:
            ExemplarsNotAcceptedError: Ozon refused codes; the error carries the status.
            OzonPollTimeoutError: the check was still running at the deadline.
        """
        scale = self._client.time_scale or 1.0
        result = poll(
            lambda: self.status(posting_number),
            lambda s: s.status in EXEMPLARS_FINAL or s.status == "update_available",
            timeout_s=timeout_s / scale,
            interval_s=poll_s / scale,
            what=f"marking-code check of {posting_number}",
            path=constants.EXEMPLAR_STATUS,
            clock=self._client._clock,
        )
        if result.status not in ("ship_available", "update_available"):
            codes = sorted({c for m in result.failed_marks for c in m.error_codes})
            raise ExemplarsNotAcceptedError(
                f"posting {posting_number}: {result.status}"
                + (f" ({', '.join(codes)})" if codes else ""),
                path=constants.EXEMPLAR_STATUS,
                result=result,
            )
        return result
