"""``client.postings``: FBS postings — the work queue, history, one posting, packing, cancel.

Both lists are cursor-paged (100 postings per page) and returned as lazy :class:`Paged` views.
Packing and cancelling are asynchronous on Ozon's side: HTTP 200 means "accepted", so callers
confirm with :meth:`PostingsService.get` (``substatus == "ship_failed"`` means pack again).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from resources.ozon import constants
from resources.ozon.models.postings import (
    CancelItem,
    CancelReason,
    CancelReasonListResponse,
    CancelReasonsRequest,
    CancelReasonsResponse,
    CancelRequest,
    CancelResponse,
    Posting,
    PostingGetRequest,
    PostingGetResponse,
    PostingGetWith,
    PostingListFilter,
    PostingListPage,
    PostingListRequest,
    PostingWith,
    ProductCancelRequest,
    ProductCancelResponse,
    ShipPackage,
    ShipPackageProduct,
    ShipPackageRequest,
    ShipPackageResponse,
    ShipProduct,
    ShipRequest,
    ShipResponse,
    ShipWith,
    StatusChangeWindow,
    UnfulfilledFilter,
    UnfulfilledListRequest,
)
from resources.ozon.pagination import Paged, cursor_pages
from resources.ozon.service import Service

# A box as plain data: SKU → units, or (SKU, units) pairs.
Box = Mapping[int, int] | Iterable[tuple[int, int]] | ShipPackage


def body(request: BaseModel) -> dict[str, Any]:
    """A request model as Ozon's JSON body (aliases such as ``with``, unset fields left out)."""
    return request.model_dump(mode="json", exclude_none=True, by_alias=True)


def _package(box: Box) -> ShipPackage:
    if isinstance(box, ShipPackage):
        return box
    pairs = box.items() if isinstance(box, Mapping) else box
    return ShipPackage(products=[ShipProduct(product_id=sku, quantity=q) for sku, q in pairs])


def _changed(window: tuple[datetime, datetime] | None) -> StatusChangeWindow | None:
    if window is None:
        return None
    return StatusChangeWindow.model_validate({"from": window[0], "to": window[1]})


class PostingsService(Service):
    """FBS postings of the seller account."""

    def list_unfulfilled(
        self,
        *,
        cutoff_from: datetime | None = None,
        cutoff_to: datetime | None = None,
        delivering_date_from: datetime | None = None,
        delivering_date_to: datetime | None = None,
        statuses: Sequence[str] | None = None,
        warehouse_ids: Sequence[int] | None = None,
        with_: PostingWith | None = None,
        page_size: int = constants.POSTING_PAGE_MAX,
        status_changed: tuple[datetime, datetime] | None = None,
    ) -> Paged[PostingListPage, Posting]:
        """Postings to work on, in a cutoff window or a delivering-date window (exactly one).

        ``status_changed`` (from, to) keeps only postings whose status last changed then.
        """
        flt = UnfulfilledFilter(
            cutoff_from=cutoff_from,
            cutoff_to=cutoff_to,
            delivering_date_from=delivering_date_from,
            delivering_date_to=delivering_date_to,
            statuses=list(statuses) if statuses else None,
            warehouse_ids=list(warehouse_ids) if warehouse_ids else None,
            last_changed_status_date=_changed(status_changed),
        )

        def fetch(cursor: str) -> PostingListPage:
            request = UnfulfilledListRequest(
                filter=flt, limit=page_size, cursor=cursor, with_=with_
            )
            return self._client._post(
                constants.POSTING_UNFULFILLED_LIST, body(request), PostingListPage
            )

        return cursor_pages(fetch, lambda page: page.postings)

    def list(
        self,
        *,
        since: datetime,
        to: datetime,
        statuses: Sequence[str] | None = None,
        warehouse_ids: Sequence[int] | None = None,
        order_numbers: Sequence[str] | None = None,
        with_: PostingWith | None = None,
        page_size: int = constants.POSTING_PAGE_MAX,
        status_changed: tuple[datetime, datetime] | None = None,
    ) -> Paged[PostingListPage, Posting]:
        """Postings of any status accepted between ``since`` and ``to`` (at most a year).

        ``status_changed`` (from, to) keeps only postings whose status last changed then.
        """
        flt = PostingListFilter(
            since=since,
            to=to,
            statuses=list(statuses) if statuses else None,
            warehouse_ids=list(warehouse_ids) if warehouse_ids else None,
            order_numbers=list(order_numbers) if order_numbers else None,
            last_changed_status_date=_changed(status_changed),
        )

        def fetch(cursor: str) -> PostingListPage:
            request = PostingListRequest(filter=flt, limit=page_size, cursor=cursor, with_=with_)
            return self._client._post(constants.POSTING_LIST, body(request), PostingListPage)

        return cursor_pages(fetch, lambda page: page.postings)

    def get(
        self,
        posting_number: str,
        *,
        with_analytics_data: bool = False,
        with_barcodes: bool = False,
        with_financial_data: bool = False,
        with_legal_info: bool = False,
        with_product_exemplars: bool = False,
        with_related_postings: bool = False,
    ) -> Posting:
        """One posting, with the optional blocks asked for."""
        flags = PostingGetWith(
            analytics_data=with_analytics_data or None,
            barcodes=with_barcodes or None,
            financial_data=with_financial_data or None,
            legal_info=with_legal_info or None,
            product_exemplars=with_product_exemplars or None,
            related_postings=with_related_postings or None,
        )
        has_flags = bool(flags.model_dump(exclude_none=True))
        request = PostingGetRequest(
            posting_number=posting_number, with_=flags if has_flags else None
        )
        return self._client._post(constants.POSTING_GET, body(request), PostingGetResponse).result

    def ship(
        self, posting_number: str, packages: Sequence[Box], *, additional_data: bool = False
    ) -> ShipResponse:
        """Pack the posting: one box per package, each becomes a posting in ``awaiting_deliver``.

        Boxes name products by SKU. Every unit of the posting must be in exactly one box.
        """
        request = ShipRequest(
            posting_number=posting_number,
            packages=[_package(box) for box in packages],
            with_=ShipWith(additional_data=True) if additional_data else None,
        )
        return self._client._post(constants.POSTING_SHIP, body(request), ShipResponse)

    def ship_package(
        self,
        posting_number: str,
        products: Mapping[int, int] | Sequence[ShipPackageProduct],
    ) -> str:
        """Split the listed units (SKU → quantity) off into a new posting; returns its number."""
        items = (
            [ShipPackageProduct(product_id=sku, quantity=q) for sku, q in products.items()]
            if isinstance(products, Mapping)
            else list(products)
        )
        request = ShipPackageRequest(posting_number=posting_number, products=items)
        return self._client._post(
            constants.POSTING_SHIP_PACKAGE, body(request), ShipPackageResponse
        ).result

    def cancel_reasons(self) -> builtins.list[CancelReason]:
        """Every cancellation reason Ozon knows, with whether a seller may use it."""
        return self._client._post(constants.CANCEL_REASON_LIST, {}, CancelReasonListResponse).result

    def cancel_reasons_for(
        self, posting_numbers: Sequence[str]
    ) -> dict[str, builtins.list[CancelReason]]:
        """Reasons valid for each posting now (they depend on its stage), by posting number."""
        request = CancelReasonsRequest(related_posting_numbers=list(posting_numbers))
        response = self._client._post(
            constants.CANCEL_REASONS_FOR_POSTINGS, body(request), CancelReasonsResponse
        )
        return {entry.posting_number: entry.reasons for entry in response.result}

    def cancel(self, posting_number: str, reason_id: int, message: str | None = None) -> bool:
        """Cancel the whole posting (reason 402 "other" needs a ``message``)."""
        if reason_id == 402 and not (message or "").strip():
            raise ValueError("reason 402 (other) needs a message saying why")
        request = CancelRequest(
            posting_number=posting_number,
            cancel_reason_id=reason_id,
            cancel_reason_message=message or None,
        )
        return bool(
            self._client._post(constants.POSTING_CANCEL, body(request), CancelResponse).result
        )

    def cancel_products(
        self,
        posting_number: str,
        items: Mapping[int, int],
        reason_id: int,
        message: str,
    ) -> str:
        """Cancel some units (SKU → quantity) of a posting awaiting packaging."""
        request = ProductCancelRequest(
            posting_number=posting_number,
            cancel_reason_id=reason_id,
            cancel_reason_message=message,
            items=[CancelItem(sku=sku, quantity=q) for sku, q in items.items()],
        )
        return self._client._post(
            constants.POSTING_PRODUCT_CANCEL, body(request), ProductCancelResponse
        ).result
