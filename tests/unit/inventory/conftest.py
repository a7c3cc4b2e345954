from __future__ import annotations

import polars as pl
import pytest

from novex_assets.settings import NovexSettings


@pytest.fixture
def settings() -> NovexSettings:
    return NovexSettings.model_validate(
        {
            "ozon": {"accounts": [{"name": "main", "client_id": "1"}]},
            "warehouses": [
                {"infor_site": "MSK1", "ozon_warehouse_id": 11, "merge_sites": True},
                {"infor_site": "MSK2", "ozon_warehouse_id": 11, "merge_sites": True},
                {"infor_site": "SPB1", "ozon_warehouse_id": 22},
            ],
            "stock_rules": {
                "default": {"buffer": 2, "min_to_publish": 3, "max_stock": 100},
                "overrides": [
                    {"match": {"category_code": "PF-*"}, "buffer": 0, "min_to_publish": 1},
                    {"match": {"offer_id": "CAP-*"}, "max_stock": 5},
                ],
            },
            "price_rules": {
                "default": {
                    "markup_pct": 10,
                    "rounding_step": 1,
                    "rounding_mode": "ceil",
                    "min_price": 50,
                    "old_price_pct": 20,
                    "min_price_pct": 10,
                },
                "overrides": [{"match": {"category_code": "PF-*"}, "markup_pct": 50}],
            },
        }
    )


@pytest.fixture
def assortment() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "offer_id": ["A1", "PF1", "CAP-1", "OFF1"],
            "category_code": ["HC-01", "PF-02", "HC-01", "HC-01"],
            "ozon_enabled": [True, True, True, False],
            "base_price": [100.0, 1000.0, 20.0, 300.0],
        }
    )
