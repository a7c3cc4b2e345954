"""Raw inputs from Novex's systems, read through swappable adapters; bad rows go to quarantine.

A file that cannot be read at all is refused as a whole: the run fails naming the file and the
reason (also kept in the quarantine as line 0), and nothing is computed or pushed from it, so
what Ozon shows from the previous good file stays. Files whose names do not follow the drop's
naming rule are listed as ignored in the metadata.
"""

from pathlib import Path
from typing import Any, NoReturn

import dagster as dg
import polars as pl

from novex_assets.constants import SOURCES
from novex_assets.settings_resource import SettingsResource
from novex_assets.sources.trust import (
    RECENT_FILES,
    Completeness,
    StockSnapshot,
    assess_completeness,
    carry_products,
    held_keys,
    keep_previous_fields,
)
from resources.sources.errors import SourceFileError
from resources.sources.files import snapshot_order
from resources.sources.models import IgnoredFile, SnapshotRef, SourceBatch
from resources.sources.resources import InforResource, SapResource
from resources.store.store import Store
from resources.store_resource import StoreResource


def _ignored_metadata(ignored: list[IgnoredFile]) -> dict[str, Any]:
    return {
        "ignored_files": len(ignored),
        "ignored": dg.MetadataValue.json([f.model_dump() for f in ignored[:50]]),
    }


def _batch_metadata(batch: SourceBatch, completeness: Completeness) -> dict[str, Any]:
    """Where every line of the file went, and whether the file proves what it lacks is gone."""
    lines = batch.lines
    return {
        "files": ", ".join(batch.files),
        "encoding": batch.encoding,
        "lines_total": lines.total,
        "lines_header": lines.header,
        "lines_blank": lines.blank,
        "lines_trailer": lines.trailer,
        "lines_loaded": lines.loaded,
        "lines_quarantined": lines.quarantined,
        "rows": batch.rows_loaded,
        "quarantined": batch.rows_quarantined,
        "fields_quarantined": batch.fields_quarantined,
        "held_keys": batch.held.height,
        "unidentified_lines": batch.unidentified,
        "complete": completeness.complete,
        "completeness": completeness.reason,
    }


def _refuse(cms: Store, source: str, exc: SourceFileError, ignored: list[IgnoredFile]) -> NoReturn:
    name = Path(exc.file).name
    cms.quarantine.add(
        [{"source": source, "file": name, "line": 0, "reason": exc.problem, "raw": ""}]
    )
    raise dg.Failure(
        description=f"{exc}. The file is refused as a whole: nothing is computed or pushed from "
        "it, so Ozon keeps what the previous good file gave.",
        metadata={"file": name, "reason": exc.problem, **_ignored_metadata(ignored)},
    ) from exc


@dg.asset(
    key=["sources", "sap_assortment"],
    group_name=SOURCES,
    kinds={"sap", "polars"},
    description="SAP assortment: which products may be sold on Ozon, "
    "base prices, basic attributes.",
)
def sap_assortment(
    context: dg.AssetExecutionContext,
    sap: SapResource,
    store: StoreResource,
    settings: SettingsResource,
) -> dg.Output[pl.DataFrame]:
    """SAP assortment: which products may be sold on Ozon, base prices, basic attributes."""
    cms = store.get_store()
    source = sap.source()
    ignored = source.ignored_files()
    try:
        batch = source.read_assortment()
    except SourceFileError as exc:
        _refuse(cms, "sap", exc, ignored)
    name = batch.files[0] if batch.files else "sap"
    # SAP re-exports under one name: each version is kept apart, so a cut-off copy is compared
    # with the full ones before it and never with itself.
    version = (batch.version or name)[:512]
    products = cms.inventory.products()
    frame, restored = keep_previous_fields(batch.frame, batch.quarantined, products)
    completeness = assess_completeness(
        batch,
        cms.snapshots.recent_data_lines("sap", RECENT_FILES, exclude=version),
        settings.get().stock_rules.min_snapshot_share,
    )
    carried = carry_products(
        frame,
        held_keys(batch),
        products,
        cms.inventory.ozon_stock_state(),
        complete=completeness.complete,
    )
    newly_quarantined = cms.quarantine.add(batch.quarantined)
    counts = cms.inventory.upsert_products(frame)
    cms.snapshots.mark_loaded("sap", version, batch.lines.loaded, batch.lines.quarantined)
    output = pl.concat([frame, carried]) if carried.height else frame
    context.log.info(
        f"SAP assortment {name}: {batch.lines.total} lines, {batch.lines.loaded} loaded, "
        f"{batch.lines.quarantined} quarantined, {carried.height} products kept as before "
        f"({completeness.reason})"
    )
    return dg.Output(
        output,
        metadata={
            **_batch_metadata(batch, completeness),
            "ozon_enabled": int(output["ozon_enabled"].sum()),
            "newly_quarantined": newly_quarantined,
            "fields_kept_from_before": restored,
            "products_kept_as_before": carried.height,
            **{f"products_{k}": v for k, v in counts.items()},
            **_ignored_metadata(ignored),
        },
    )


SNAPSHOT_TAG = "novex/snapshot"


def _snapshot_for_run(
    context: dg.AssetExecutionContext, refs: list[SnapshotRef], last_loaded: str | None
) -> SnapshotRef:
    """The snapshot a sensor asked for (run tag), else the newest one.

    A tagged snapshot older than one already synced is refused: re-running an old sensor run
    must not push yesterday's stock over today's. Names compare by the time they encode.
    """
    wanted = context.run.tags.get(SNAPSHOT_TAG)
    if wanted:
        for ref in refs:
            if ref.name == wanted:
                break
        else:
            raise dg.Failure(description=f"Infor snapshot {wanted} named by the run is not there.")
        if last_loaded and _older(wanted, last_loaded):
            raise dg.Failure(
                description=f"Infor snapshot {wanted} is older than {last_loaded}, already "
                "synced; not pushing old stock."
            )
        return ref
    if not refs:
        raise dg.Failure(description="No Infor stock snapshot has been dropped yet.")
    return refs[-1]


def _older(name: str, than: str) -> bool:
    try:
        return snapshot_order(name) < snapshot_order(than)
    except ValueError:
        return name < than


@dg.asset(
    key=["sources", "infor_stock"],
    group_name=SOURCES,
    kinds={"infor", "polars"},
    description="Latest Infor stock snapshot: on hand and allocated per offer and site.",
)
def infor_stock(
    context: dg.AssetExecutionContext,
    infor: InforResource,
    store: StoreResource,
    settings: SettingsResource,
) -> dg.Output[StockSnapshot]:
    """Latest Infor stock snapshot: on hand and allocated per offer and site."""
    cms = store.get_store()
    source = infor.source()
    ignored = source.ignored_files()
    ref = _snapshot_for_run(
        context, source.list_stock_snapshots(), cms.snapshots.last_loaded("infor")
    )
    try:
        batch = source.read_stock_snapshot(ref)
    except SourceFileError as exc:
        _refuse(cms, "infor", exc, ignored)
    completeness = assess_completeness(
        batch,
        cms.snapshots.recent_data_lines("infor", RECENT_FILES, exclude=ref.name),
        settings.get().stock_rules.min_snapshot_share,
    )
    newly_quarantined = cms.quarantine.add(batch.quarantined)
    cms.snapshots.mark_loaded("infor", ref.name, batch.lines.loaded, batch.lines.quarantined)
    context.log.info(
        f"Infor snapshot {ref.name}: {batch.lines.total} lines, {batch.lines.loaded} loaded, "
        f"{batch.lines.quarantined} quarantined; "
        f"{'complete' if completeness.complete else 'INCOMPLETE'} ({completeness.reason})"
    )
    if not completeness.complete:
        context.log.warning(
            f"Infor snapshot {ref.name} is incomplete ({completeness.reason}): products it lacks "
            "keep what Ozon shows until a complete snapshot arrives."
        )
    return dg.Output(
        StockSnapshot(
            name=ref.name, frame=batch.frame, held=held_keys(batch), completeness=completeness
        ),
        metadata={
            "snapshot": ref.name,
            **_batch_metadata(batch, completeness),
            "sites": batch.frame["site"].n_unique(),
            "on_hand_units": int(batch.frame["on_hand"].sum() or 0),
            "newly_quarantined": newly_quarantined,
            **_ignored_metadata(ignored),
        },
    )
