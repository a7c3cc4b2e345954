"""``client.products``: card ids and details, card import, quotas and characteristics read-back."""

from __future__ import annotations

import builtins
import functools
from collections.abc import Iterable, Sequence

from resources.ozon import constants
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


def _chunks(values: Sequence[str], size: int) -> list[list[str]]:
    return [list(values[i : i + size]) for i in range(0, len(values), size)]


class ProductsService(Service):
    """Card reads."""

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

        Ozon processes a task asynchronously: follow it with :meth:`import_info` or
        :meth:`wait_for_import`.
        """
        cards = builtins.list(items)
        task_ids: builtins.list[int] = []
        for start in range(0, len(cards), constants.PRODUCT_IMPORT_BATCH_MAX):
            request = ImportRequest(items=cards[start : start + constants.PRODUCT_IMPORT_BATCH_MAX])
            response = self._client._post(constants.PRODUCT_IMPORT, request, ImportResponse)
            task_ids.append(response.result.task_id)
        return task_ids

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
        """Add or change characteristics without resending cards; one task per 100 cards."""
        updates = builtins.list(items)
        task_ids: builtins.list[int] = []
        for start in range(0, len(updates), constants.PRODUCT_IMPORT_BATCH_MAX):
            request = AttributesUpdateRequest(
                items=updates[start : start + constants.PRODUCT_IMPORT_BATCH_MAX]
            )
            response = self._client._post(
                constants.PRODUCT_ATTRIBUTES_UPDATE, request, AttributesUpdateResponse
            )
            task_ids.append(response.task_id)
        return task_ids

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
