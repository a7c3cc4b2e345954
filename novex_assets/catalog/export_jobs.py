"""Jobs of the catalog export: the whole path, and the moderation follow-up alone."""

from __future__ import annotations

import dagster as dg

from novex_assets.catalog.export_assets import (
    CARD_CHECKS,
    CARD_EXPORT,
    CARD_MODERATION,
    CATALOG_REPORT,
    PRODUCT_CARDS,
)
from novex_assets.constants import CATALOG_EXPORT_JOB, CATALOG_MODERATION_JOB

# Card imports share Ozon's per-minute item limit; one export per account at a time.
CATALOG_PUSH_TAGS = {"novex/ozon_catalog_push": "catalog"}
SOURCE_ASSETS = [
    dg.AssetKey(["sources", "sap_assortment"]),
    dg.AssetKey(["sources", "arttrade_content"]),
]

catalog_export_job = dg.define_asset_job(
    CATALOG_EXPORT_JOB,
    selection=dg.AssetSelection.assets(
        *SOURCE_ASSETS, PRODUCT_CARDS, CARD_CHECKS, CARD_EXPORT, CARD_MODERATION, CATALOG_REPORT
    ),
    tags=CATALOG_PUSH_TAGS,
    description="Merge cards from SAP, Art-Trade and Ozon, check them with Great Expectations, "
    "export new or changed ones, follow moderation, write the staff report.",
)

catalog_moderation_job = dg.define_asset_job(
    CATALOG_MODERATION_JOB,
    selection=dg.AssetSelection.assets(CARD_MODERATION, CATALOG_REPORT),
    description="Follow cards under moderation and refresh the staff report.",
)
