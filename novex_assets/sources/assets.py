"""Raw inputs from Novex's systems, read through swappable adapters; bad rows go to quarantine."""

import dagster as dg
import polars as pl

from novex_assets.constants import SOURCES
from resources.sources.models import SnapshotRef
from resources.sources.resources import InforResource, SapResource
from resources.store_resource import StoreResource


@dg.asset(
    key=["sources", "sap_assortment"],
    group_name=SOURCES,
    kinds={"sap", "polars"},
    description="SAP assortment: which products may be sold on Ozon, "
    "base prices, basic attributes.",
)
def sap_assortment(
    context: dg.AssetExecutionContext, sap: SapResource, store: StoreResource
) -> dg.Output[pl.DataFrame]:
    """SAP assortment: which products may be sold on Ozon, base prices, basic attributes."""
    batch = sap.source().read_assortment()
    cms = store.get_store()
    newly_quarantined = cms.quarantine.add(batch.quarantined)
    counts = cms.inventory.upsert_products(batch.frame)
    context.log.info(
        f"SAP assortment: {batch.frame.height} rows read, {len(batch.quarantined)} quarantined"
    )
    return dg.Output(
        batch.frame,
        metadata={
            "rows": batch.frame.height,
            "ozon_enabled": int(batch.frame["ozon_enabled"].sum()),
            "quarantined": len(batch.quarantined),
            "newly_quarantined": newly_quarantined,
            "files": ", ".join(batch.files),
            **{f"products_{k}": v for k, v in counts.items()},
        },
    )


SNAPSHOT_TAG = "novex/snapshot"


def _snapshot_for_run(
    context: dg.AssetExecutionContext, infor: InforResource, last_loaded: str | None
) -> SnapshotRef:
    """The snapshot a sensor asked for (run tag), else the newest one.

    A tagged snapshot older than one already synced is refused: re-running an old sensor run
    must not push yesterday's stock over today's.
    """
    wanted = context.run.tags.get(SNAPSHOT_TAG)
    if wanted and last_loaded and wanted < last_loaded:
        raise dg.Failure(
            description=f"Infor snapshot {wanted} is older than {last_loaded}, already synced; "
            "not pushing old stock."
        )
    if wanted:
        for ref in infor.source().list_stock_snapshots():
            if ref.name == wanted:
                return ref
        raise dg.Failure(description=f"Infor snapshot {wanted} named by the run is not there.")
    latest = infor.source().latest_stock_snapshot()
    if latest is None:
        raise dg.Failure(description="No Infor stock snapshot has been dropped yet.")
    return latest


@dg.asset(
    key=["sources", "infor_stock"],
    group_name=SOURCES,
    kinds={"infor", "polars"},
    description="Latest Infor stock snapshot: on hand and allocated per offer and site.",
)
def infor_stock(
    context: dg.AssetExecutionContext, infor: InforResource, store: StoreResource
) -> dg.Output[pl.DataFrame]:
    """Latest Infor stock snapshot: on hand and allocated per offer and site."""
    cms = store.get_store()
    ref = _snapshot_for_run(context, infor, cms.snapshots.last_loaded("infor"))
    batch = infor.source().read_stock_snapshot(ref)
    newly_quarantined = cms.quarantine.add(batch.quarantined)
    cms.snapshots.mark_loaded("infor", ref.name, batch.frame.height, len(batch.quarantined))
    context.log.info(
        f"Infor snapshot {ref.name}: {batch.frame.height} rows, "
        f"{len(batch.quarantined)} quarantined"
    )
    return dg.Output(
        batch.frame,
        metadata={
            "snapshot": ref.name,
            "rows": batch.frame.height,
            "sites": batch.frame["site"].n_unique(),
            "on_hand_units": int(batch.frame["on_hand"].sum() or 0),
            "quarantined": len(batch.quarantined),
            "newly_quarantined": newly_quarantined,
        },
    )
