"""Art-Trade's content (names, descriptions, images, characteristics) read through its adapter."""

import dagster as dg

from novex_assets.constants import SOURCES
from resources.sources.resources import ArtTradeResource
from resources.store.tables import utcnow
from resources.store_resource import StoreResource


@dg.asset(
    key=["sources", "arttrade_content"],
    group_name=SOURCES,
    kinds={"arttrade", "polars"},
    owners=["team:catalog"],
)
def arttrade_content(
    context: dg.AssetExecutionContext, arttrade: ArtTradeResource, store: StoreResource
) -> dg.MaterializeResult:
    """Art-Trade content and characteristics per offer, stored; bad rows quarantined."""
    batch = arttrade.source().read_content()
    cms = store.get_store()
    newly_quarantined = cms.quarantine.add(batch.quarantined)
    written = cms.catalog_model.replace_arttrade(batch.content, batch.characteristics, utcnow())
    content = batch.content
    without_images = int((content["image_urls"].list.len() == 0).sum()) if content.height else 0
    context.log.info(
        f"Art-Trade: {content.height} offers, {batch.characteristics.height} characteristics, "
        f"{batch.rows_quarantined} rows quarantined"
    )
    return dg.MaterializeResult(
        metadata={
            "files": ", ".join(batch.files),
            "rows_read": batch.rows_read,
            "offers": written["content"],
            "characteristics": written["characteristics"],
            "characteristic_names": batch.characteristics["attribute_name"].n_unique(),
            "offers_without_images": without_images,
            "offers_without_description": int(content["description"].is_null().sum()),
            "quarantined": batch.rows_quarantined,
            "newly_quarantined": newly_quarantined,
            "images": int(content["image_urls"].list.len().sum() or 0) if content.height else 0,
        }
    )


__all__ = ["arttrade_content"]
