"""Jobs: which assets run together."""

from __future__ import annotations

import dagster as dg

from novex_assets.constants import INVENTORY_RECONCILE_JOB, INVENTORY_SYNC_JOB

inventory_sync_job = dg.define_asset_job(
    INVENTORY_SYNC_JOB,
    selection=dg.AssetSelection.assets(
        ["sources", "sap_assortment"],
        ["sources", "infor_stock"],
        ["inventory", "stock_levels"],
        ["inventory", "price_levels"],
        ["inventory", "stock_sync"],
        ["inventory", "price_sync"],
    ),
    description="Read SAP and Infor, compute stock and prices, push what changed to Ozon.",
)

inventory_reconcile_job = dg.define_asset_job(
    INVENTORY_RECONCILE_JOB,
    selection=dg.AssetSelection.assets(
        ["inventory", "stock_reconciliation"],
        ["inventory", "price_reconciliation"],
        ["inventory", "stock_sync"],
        ["inventory", "price_sync"],
    ),
    description="Read back what Ozon shows, correct drift, and resend what differs.",
)
