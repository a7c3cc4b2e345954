from __future__ import annotations

import dagster as dg
import polars as pl

from resources.store.migrate import current_revision, head_revision
from resources.store_resource import StoreResource


def test_resource_migrates_once_and_shares_the_store(store_url: str) -> None:
    resource = StoreResource(url=store_url)
    store = resource.get_store()
    assert current_revision(store.engine) == head_revision()
    assert StoreResource(url=store_url).get_store() is store


def test_assets_write_through_the_resource(store_url: str) -> None:
    @dg.asset
    def stock_levels(store: StoreResource) -> dg.MaterializeResult:
        written = store.get_store().inventory.replace_stock_levels(
            pl.DataFrame({"offer_id": ["A1", "B2"], "warehouse_id": [11, 11], "stock": [4, 0]})
        )
        return dg.MaterializeResult(metadata={"rows": written})

    result = dg.materialize([stock_levels], resources={"store": StoreResource(url=store_url)})
    assert result.success
    levels = StoreResource(url=store_url).get_store().inventory.stock_levels()
    assert levels.select("offer_id", "stock").rows() == [("A1", 4), ("B2", 0)]
