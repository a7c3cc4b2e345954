"""``client.products``: card ids (``/v3/product/list``) and details (``/v3/product/info/list``)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from resources.ozon import constants
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
