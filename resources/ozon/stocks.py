"""``client.stocks``: FBS stock updates and per-warehouse read-back.

Ozon lets each (card, warehouse) pair through once per 30 seconds, so the client never puts a
pair twice in one request and waits (briefly) before resending a pair it sent moments ago.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from resources.ozon import constants
from resources.ozon.errors import OzonItemError
from resources.ozon.models.stocks import (
    StocksByWarehouseRequest,
    StocksByWarehouseResponse,
    StocksUpdateRequest,
    StocksUpdateResponse,
    StockUpdate,
    StockUpdateResult,
    WarehouseStock,
)
from resources.ozon.pagination import Paged, chain, cursor_pages
from resources.ozon.service import Service


def batches_without_repeats(keys: Sequence[Hashable], size: int) -> list[list[int]]:
    """Split positions into batches of ``size`` where no key repeats within a batch.

    A key's later occurrences land in later batches, so the last value for a pair is sent last.
    """
    batches: list[list[int]] = []
    last_batch: dict[Hashable, int] = {}
    first_open = 0
    for index, key in enumerate(keys):
        target = max(last_batch.get(key, -1) + 1, first_open)
        while target < len(batches) and len(batches[target]) >= size:
            target += 1
        if target == len(batches):
            batches.append([])
        batches[target].append(index)
        last_batch[key] = target
        while first_open < len(batches) and len(batches[first_open]) >= size:
            first_open += 1
    return batches


def _held_back(item: StockUpdate) -> StockUpdateResult:
    return StockUpdateResult(
        offer_id=item.offer_id or "",
        product_id=item.product_id or 0,
        warehouse_id=item.warehouse_id,
        updated=False,
        errors=[
            OzonItemError(
                code=constants.LOCAL_RATE_LIMIT,
                message="not sent: Ozon accepts each (product, warehouse) pair once per 30 s",
            )
        ],
    )


class StocksService(Service):
    """Stock writes and reads for FBS warehouses."""

    def update(self, items: Sequence[StockUpdate]) -> list[StockUpdateResult]:
        """Publish stock for any number of pairs, 100 per request, within Ozon's limits.

        Returns one result per pair Ozon answered for, plus ``LOCAL_RATE_LIMIT`` results for
        pairs the client could not send in time (these are not sent; retry them later).
        """
        batches = batches_without_repeats(
            [item.limit_key() for item in items], constants.STOCKS_BATCH_MAX
        )
        return self._send_reserved(constants.STOCKS_UPDATE, items, batches, self._send, _held_back)

    def _send(self, stocks: list[StockUpdate]) -> list[StockUpdateResult]:
        response = self._client._post(
            constants.STOCKS_UPDATE,
            StocksUpdateRequest(stocks=stocks),
            StocksUpdateResponse,
            reserved=True,
            item_keys=[item.limit_key() for item in stocks],
        )
        return response.result

    def by_warehouse_fbs(
        self,
        *,
        offer_ids: Sequence[str] = (),
        skus: Sequence[int] = (),
        page_size: int = constants.STOCK_FILTER_IDS_MAX,
    ) -> Paged[StocksByWarehouseResponse, WarehouseStock]:
        """Ozon's FBS stock per warehouse for the given cards, lazily (1000 ids per walk)."""
        if not offer_ids and not skus:
            raise ValueError("give offer_ids or skus: Ozon reads stock by one of them")
        walks: list[Paged[StocksByWarehouseResponse, WarehouseStock]] = []
        size = constants.STOCK_FILTER_IDS_MAX
        offer_list = [str(v) for v in offer_ids]
        sku_list = [int(str(v)) for v in skus]
        for start in range(0, len(offer_list), size):
            walks.append(self._walk(page_size, offer_id=offer_list[start : start + size]))
        for start in range(0, len(sku_list), size):
            walks.append(self._walk(page_size, sku=sku_list[start : start + size]))
        return walks[0] if len(walks) == 1 else chain(walks)

    def _walk(
        self,
        page_size: int,
        *,
        offer_id: list[str] | None = None,
        sku: list[int] | None = None,
    ) -> Paged[StocksByWarehouseResponse, WarehouseStock]:
        def fetch(cursor: str) -> StocksByWarehouseResponse:
            request = StocksByWarehouseRequest(
                offer_id=offer_id, sku=sku, limit=page_size, cursor=cursor
            )
            return self._client._post(
                constants.STOCKS_BY_WAREHOUSE_FBS, request, StocksByWarehouseResponse
            )

        return cursor_pages(fetch, lambda page: page.products)
