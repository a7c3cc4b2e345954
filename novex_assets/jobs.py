"""Jobs: which assets run together."""

from __future__ import annotations

import dagster as dg

from novex_assets.constants import (
    CATALOG_REFRESH_JOB,
    INVENTORY_RECONCILE_JOB,
    INVENTORY_SYNC_JOB,
)

# deploy/dagster.yaml lets one run with this tag through at a time: two jobs pushing at once
# would share Ozon's per-account limits without knowing of each other.
OZON_PUSH_TAGS = {"novex/ozon_push": "inventory"}

_SYNC_ASSETS = [
    ["sources", "sap_assortment"],
    ["sources", "infor_stock"],
    ["inventory", "ozon_cards"],
    ["inventory", "order_reservations"],
    ["inventory", "stock_levels"],
    ["inventory", "price_levels"],
    ["inventory", "stock_sync"],
    ["inventory", "price_sync"],
]

inventory_sync_job = dg.define_asset_job(
    INVENTORY_SYNC_JOB,
    selection=dg.AssetSelection.assets(*_SYNC_ASSETS),
    tags=OZON_PUSH_TAGS,
    description="Read SAP, Infor and Ozon's open orders, compute stock and prices, push what "
    "changed to Ozon.",
)

# The whole sync plus the read-back: the levels and their blocking checks run again, so a
# correction never pushes a value the gates would stop.
inventory_reconcile_job = dg.define_asset_job(
    INVENTORY_RECONCILE_JOB,
    selection=dg.AssetSelection.assets(
        *_SYNC_ASSETS,
        ["inventory", "stock_reconciliation"],
        ["inventory", "price_reconciliation"],
    ),
    tags=OZON_PUSH_TAGS,
    description="Read back what Ozon shows, correct drift, and resend what differs (gated by the "
    "same checks as the sync).",
)

catalog_refresh_job = dg.define_asset_job(
    CATALOG_REFRESH_JOB,
    selection=dg.AssetSelection.assets(
        ["catalog", "ozon_category_tree"],
        ["catalog", "category_mapping"],
        ["catalog", "ozon_attributes"],
    ),
    description="Read Ozon's category tree, import the reviewed mapping and suggest the rest, "
    "refresh attributes and dictionaries of the mapped pairs (stale ones only).",
)
