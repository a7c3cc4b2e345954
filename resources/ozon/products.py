"""``client.products``: card ids and details, card import, quotas and characteristics read-back."""

from __future__ import annotations

import builtins
import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from resources.ozon import constants
from resources.ozon.errors import OzonError
from resources.ozon.models.product_import import (
    AttributesUpdateItem,
    AttributesUpdateRequest,
    AttributesUpdateResponse,
    ImportInfoItem,
    ImportInfoRequest,
    ImportInfoResponse,
    ImportInfoResult,
    ImportItem,
    ImportRequest,
    ImportResponse,
    ProductAttributes,
    ProductAttributesFilter,
    ProductAttributesRequest,
    ProductAttributesResponse,
    UploadQuota,
)
from resources.ozon.models.products import (
    ProductInfo,
    ProductInfoListRequest,
    ProductInfoListResponse,
    ProductListFilter,
    ProductListItem,
    ProductListRequest,
    ProductListResponse,
)
from resources.ozon.pagination import Paged, chain, last_id_pages
from resources.ozon.polling import poll
from resources.ozon.service import Service

logger = logging.getLogger(constants.LOGGER_NAME)

# Methods that share the per-minute item-operations limit and that this client calls.
ITEM_OPERATION_METHODS = (constants.PRODUCT_IMPORT, constants.PRODUCT_ATTRIBUTES_UPDATE)


class _OfferItem(Protocol):
    offer_id: str


OfferItemT = TypeVar("OfferItemT", bound=_OfferItem)


def _chunks(values: Sequence[str], size: int) -> list[list[str]]:
    return [list(values[i : i + size]) for i in range(0, len(values), size)]


class ProductsService(Service):
    """Card reads and writes."""

    _item_limit_learned = False

    def _learn_item_limit(self) -> int | None:
        """The account's per-minute item-operations limit, read once per client and after a 429.

        The limit goes to the rate limiter, which then paces every method of the family.
        """
        client = self._client
        stale = client.rate_limited_paths.intersection(ITEM_OPERATION_METHODS)
        if not self._item_limit_learned or stale:
            client.rate_limited_paths.difference_update(ITEM_OPERATION_METHODS)
            self._item_limit_learned = True
            try:
                limit = self.limits().operation_limits.limit
            except OzonError as exc:
                logger.warning("could not read the per-minute item limit (%s); not pacing", exc)
            else:
                client.limiter.set_item_budget(constants.PRODUCT_IMPORT, limit)
        return client.limiter.item_budget(constants.PRODUCT_IMPORT)

    def _send_paced(
        self, path: str, items: Sequence[OfferItemT], send: Callable[[list[OfferItemT]], int]
    ) -> builtins.list[int]:
        """Send ``items`` in batches of at most 100 (and at most the per-minute item limit).

        Each batch first waits until its items fit the account's per-minute budget, so a big
        import is paced instead of answered with 429s.
        """
        if not items:
            return []
        limit = self._learn_item_limit()
        size = constants.PRODUCT_IMPORT_BATCH_MAX
        if limit is not None:
            size = max(1, min(size, limit))
        task_ids: builtins.list[int] = []
        for start in range(0, len(items), size):
            batch = builtins.list(items[start : start + size])
            self._client._reserve(path, [item.offer_id for item in batch])
            task_ids.append(send(batch))
        return task_ids

    def _list_walk(
        self, filter_: ProductListFilter, page_size: int
    ) -> Paged[ProductListResponse, ProductListItem]:
        def fetch(last_id: str) -> ProductListResponse:
            request = ProductListRequest(filter=filter_, last_id=last_id, limit=page_size)
            return self._client._post(constants.PRODUCT_LIST, request, ProductListResponse)

        return last_id_pages(
            fetch,
            lambda page: page.result.items,
            last_id=lambda page: page.result.last_id,
            total=lambda page: page.result.total,
        )

    def list(
        self,
        *,
        offer_ids: Sequence[str] = (),
        product_ids: Sequence[int] = (),
        visibility: str = "ALL",
        page_size: int = constants.PRODUCT_PAGE_MAX,
    ) -> Paged[ProductListResponse, ProductListItem]:
        """Cards of the account (or the given ids), lazily, 1000 ids per filter at most.

        Ozon filters by one id group at a time, so offer ids and product ids are walked
        separately, each in chunks of 1000.
        """
        walks: builtins.list[Paged[ProductListResponse, ProductListItem]] = []
        for chunk in _chunks([str(v) for v in offer_ids], constants.PRODUCT_PAGE_MAX):
            walks.append(
                self._list_walk(
                    ProductListFilter(offer_id=chunk, visibility=visibility),
                    page_size,
                )
            )
        for chunk in _chunks([str(v) for v in product_ids], constants.PRODUCT_PAGE_MAX):
            walks.append(
                self._list_walk(
                    ProductListFilter(
                        product_id=[int(str(v)) for v in chunk], visibility=visibility
                    ),
                    page_size,
                )
            )
        if not walks:
            walks.append(self._list_walk(ProductListFilter(visibility=visibility), page_size))
        return walks[0] if len(walks) == 1 else chain(walks)

    def info_list(
        self,
        *,
        offer_ids: Sequence[str] = (),
        product_ids: Sequence[int] = (),
        skus: Sequence[int] = (),
    ) -> builtins.list[ProductInfo]:
        """Details and status of the given cards; any number of ids, 1000 per request."""
        tagged = (
            [("offer_id", str(v)) for v in offer_ids]
            + [("product_id", str(v)) for v in product_ids]
            + [("sku", str(v)) for v in skus]
        )
        found: builtins.list[ProductInfo] = []
        for start in range(0, len(tagged), constants.PRODUCT_INFO_IDS_MAX):
            groups: dict[str, list[str]] = {}
            for kind, value in tagged[start : start + constants.PRODUCT_INFO_IDS_MAX]:
                groups.setdefault(kind, []).append(value)
            request = ProductInfoListRequest.model_validate(groups)
            response = self._client._post(
                constants.PRODUCT_INFO_LIST, request, ProductInfoListResponse
            )
            found.extend(response.items)
        return found

    # ------------------------------------------------------------ card import

    def import_(self, items: Iterable[ImportItem]) -> builtins.list[int]:
        """Create or fully update cards; one task per 100 cards, task ids in order.

        Batches are paced by the account's per-minute item-operations limit (and made smaller
        when that limit is below 100). Ozon processes a task asynchronously: follow it with
        :meth:`import_info` or :meth:`wait_for_import`.
        """

        def send(batch: builtins.list[ImportItem]) -> int:
            response = self._client._post(
                constants.PRODUCT_IMPORT,
                ImportRequest(items=batch),
                ImportResponse,
                reserved=True,
                item_keys=[item.offer_id for item in batch],
            )
            return response.result.task_id

        return self._send_paced(constants.PRODUCT_IMPORT, builtins.list(items), send)

    def import_info(self, task_id: int) -> ImportInfoResult:
        """Per-card status and errors of an import or attribute-update task."""
        request = ImportInfoRequest(task_id=task_id)
        return self._client._post(constants.PRODUCT_IMPORT_INFO, request, ImportInfoResponse).result

    def wait_for_import(
        self,
        task_id: int | Sequence[int],
        timeout_s: float = constants.IMPORT_WAIT_TIMEOUT_S,
        poll_s: float = constants.IMPORT_POLL_INTERVAL_S,
    ) -> builtins.list[ImportInfoItem]:
        """Poll until no item of the task(s) is pending; the items of every task, in order.

        Times are seconds of Ozon time, scaled by the client's ``time_scale``.

        Raises:
            OzonPollTimeoutError: an item was still pending after ``timeout_s`` (``last`` holds
                the last status seen).
        """
        task_ids = [task_id] if isinstance(task_id, int) else builtins.list(task_id)
        clock = self._client._clock
        scale = self._client.time_scale
        deadline = clock.monotonic() + timeout_s / scale
        items: builtins.list[ImportInfoItem] = []
        for one in task_ids:
            result = poll(
                functools.partial(self.import_info, one),
                lambda result: bool(result.items) and not any(i.pending for i in result.items),
                timeout_s=max(0.0, deadline - clock.monotonic()),
                interval_s=poll_s / scale,
                what=f"import task {one}",
                path=constants.PRODUCT_IMPORT_INFO,
                clock=clock,
            )
            items.extend(result.items)
        return items

    def update_attributes(self, items: Iterable[AttributesUpdateItem]) -> builtins.list[int]:
        """Add or change characteristics without resending cards; one task per 100 cards.

        Paced like :meth:`import_`: both count against the same per-minute item limit.
        """

        def send(batch: builtins.list[AttributesUpdateItem]) -> int:
            response = self._client._post(
                constants.PRODUCT_ATTRIBUTES_UPDATE,
                AttributesUpdateRequest(items=batch),
                AttributesUpdateResponse,
                reserved=True,
                item_keys=[item.offer_id for item in batch],
            )
            return response.task_id

        return self._send_paced(constants.PRODUCT_ATTRIBUTES_UPDATE, builtins.list(items), send)

    def limits(self) -> UploadQuota:
        """Assortment cap, daily create/update quotas with usage, and the per-minute limit."""
        return self._client._post(constants.PRODUCT_INFO_LIMIT, {}, UploadQuota)

    def _attributes_walk(
        self, request: ProductAttributesRequest
    ) -> Paged[ProductAttributesResponse, ProductAttributes]:
        def fetch(last_id: str) -> ProductAttributesResponse:
            page = request.model_copy(update={"last_id": last_id})
            return self._client._post(
                constants.PRODUCT_INFO_ATTRIBUTES, page, ProductAttributesResponse
            )

        return last_id_pages(
            fetch,
            lambda page: page.result,
            last_id=lambda page: page.last_id,
            total=lambda page: page.total,
        )

    def info_attributes(
        self,
        *,
        offer_ids: Sequence[str] = (),
        product_ids: Sequence[int] = (),
        skus: Sequence[int] = (),
        visibility: str = "ALL",
        sort_by: str | None = None,
        sort_dir: str | None = None,
        page_size: int = constants.PRODUCT_ATTRIBUTES_PAGE_MAX,
    ) -> Paged[ProductAttributesResponse, ProductAttributes]:
        """Characteristics, sizes, media and barcodes of cards, lazily (``last_id`` paging).

        With no ids, every card under ``visibility``; ids are sent 1000 per filter.
        """
        tagged = (
            [("offer_id", str(v)) for v in offer_ids]
            + [("product_id", str(v)) for v in product_ids]
            + [("sku", str(v)) for v in skus]
        )
        walks: builtins.list[Paged[ProductAttributesResponse, ProductAttributes]] = []
        step = constants.PRODUCT_ATTRIBUTES_PAGE_MAX
        for start in range(0, max(len(tagged), 1), step):
            groups: dict[str, builtins.list[str]] = {}
            for kind, value in tagged[start : start + step]:
                groups.setdefault(kind, []).append(value)
            request = ProductAttributesRequest.model_validate(
                {
                    "filter": ProductAttributesFilter.model_validate(
                        {**groups, "visibility": visibility}
                    ),
                    "limit": page_size,
                    "sort_by": sort_by,
                    "sort_dir": sort_dir,
                }
            )
            walks.append(self._attributes_walk(request))
        return walks[0] if len(walks) == 1 else chain(walks)
