"""``client.prices``: price updates and read-back.

Ozon accepts at most 10 price changes per card per hour. Waiting out an hour inside a run is
pointless, so a card over that budget is not sent and comes back as a ``LOCAL_RATE_LIMIT``
result for the caller to keep and retry on its next run.
"""

from __future__ import annotations

from collections.abc import Sequence

from resources.ozon import constants
from resources.ozon.errors import OzonItemError
from resources.ozon.models.prices import (
    PriceInfo,
    PriceInfoFilter,
    PriceInfoRequest,
    PriceInfoResponse,
    PricesUpdateRequest,
    PricesUpdateResponse,
    PriceUpdate,
    PriceUpdateResult,
)
from resources.ozon.pagination import Paged, chain, cursor_pages
from resources.ozon.service import Service


def _held_back(item: PriceUpdate) -> PriceUpdateResult:
    return PriceUpdateResult(
        offer_id=item.offer_id or "",
        product_id=item.product_id or 0,
        updated=False,
        errors=[
            OzonItemError(
                code=constants.LOCAL_RATE_LIMIT,
                message="not sent: Ozon accepts at most 10 price changes per product per hour",
            )
        ],
    )


class PricesService(Service):
    """Price writes and reads."""

    def update(self, items: Sequence[PriceUpdate]) -> list[PriceUpdateResult]:
        """Send new prices for any number of cards, 1000 per request.

        Returns Ozon's per-card results plus ``LOCAL_RATE_LIMIT`` results for cards held back
        by the 10-per-hour rule (not sent).
        """
        size = constants.PRICES_BATCH_MAX
        batches = [
            range(start, min(start + size, len(items))) for start in range(0, len(items), size)
        ]
        return self._send_reserved(constants.PRICES_UPDATE, items, batches, self._send, _held_back)

    def _send(self, prices: list[PriceUpdate]) -> list[PriceUpdateResult]:
        response = self._client._post(
            constants.PRICES_UPDATE,
            PricesUpdateRequest(prices=prices),
            PricesUpdateResponse,
            reserved=True,
            item_keys=[item.limit_key() for item in prices],
        )
        return response.result

    def info(
        self,
        *,
        offer_ids: Sequence[str] = (),
        product_ids: Sequence[int] = (),
        visibility: str = "ALL",
        page_size: int = constants.PRICES_PAGE_MAX,
    ) -> Paged[PriceInfoResponse, PriceInfo]:
        """Current prices of the given cards (or all cards), lazily, 1000 ids per walk."""
        size = constants.PRICES_PAGE_MAX
        filters: list[PriceInfoFilter] = []
        offer_list = [str(v) for v in offer_ids]
        product_list = [int(str(v)) for v in product_ids]
        for start in range(0, len(offer_list), size):
            filters.append(
                PriceInfoFilter(offer_id=offer_list[start : start + size], visibility=visibility)
            )
        for start in range(0, len(product_list), size):
            filters.append(
                PriceInfoFilter(
                    product_id=product_list[start : start + size], visibility=visibility
                )
            )
        if not filters:
            filters.append(PriceInfoFilter(visibility=visibility))
        walks = [self._walk(f, page_size) for f in filters]
        return walks[0] if len(walks) == 1 else chain(walks)

    def _walk(
        self, filter_: PriceInfoFilter, page_size: int
    ) -> Paged[PriceInfoResponse, PriceInfo]:
        def fetch(cursor: str) -> PriceInfoResponse:
            request = PriceInfoRequest(filter=filter_, limit=page_size, cursor=cursor)
            return self._client._post(constants.PRICES_INFO, request, PriceInfoResponse)

        return cursor_pages(fetch, lambda page: page.items)
