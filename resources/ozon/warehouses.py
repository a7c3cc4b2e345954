"""``client.warehouses``: the seller's warehouses (``/v2/warehouse/list``)."""

from __future__ import annotations

from collections.abc import Sequence

from resources.ozon import constants
from resources.ozon.models.warehouses import (
    Warehouse,
    WarehouseListRequest,
    WarehouseListResponse,
)
from resources.ozon.pagination import Paged, cursor_pages
from resources.ozon.service import Service


class WarehousesService(Service):
    """Warehouse reads."""

    def pages(
        self, warehouse_ids: Sequence[int] = (), *, page_size: int = constants.WAREHOUSE_PAGE_MAX
    ) -> Paged[WarehouseListResponse, Warehouse]:
        """Walk the warehouse list page by page (cursor)."""

        def fetch(cursor: str) -> WarehouseListResponse:
            request = WarehouseListRequest(
                limit=page_size, cursor=cursor, warehouse_ids=list(warehouse_ids) or None
            )
            return self._client._post(constants.WAREHOUSE_LIST, request, WarehouseListResponse)

        return cursor_pages(fetch, lambda page: page.warehouses)

    def list(self, warehouse_ids: Sequence[int] = ()) -> list[Warehouse]:
        """All warehouses (or the given ones), every page walked."""
        return self.pages(warehouse_ids).to_list()
