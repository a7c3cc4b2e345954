"""Starts the catalog export when SAP or Art-Trade drops a new export file or rewrites one."""

import hashlib
import json

import dagster as dg

from novex_assets.catalog.export_jobs import catalog_export_job
from resources.sources.resources import ArtTradeResource, SapResource

SENSOR_NAME = "catalog_export_on_source_file"
FILES_TAG = "novex/catalog_source_files"


def source_files(sap: SapResource, arttrade: ArtTradeResource) -> dict[str, list[str]]:
    """What each source would be read from now: `name@mtime_ns:size` per file in force."""
    return {
        "sap": sap.source().current_versions(),
        "arttrade": arttrade.source().current_versions(),
    }


def _names(files: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: [v.split("@", 1)[0] for v in vs] for k, vs in files.items()}


def _names_only_cursor(cursor: str | None) -> dict[str, list[str]] | None:
    """A cursor written when the sensor keyed on names alone, decoded; None for any other."""
    try:
        old = json.loads(cursor or "")
    except ValueError:
        return None
    if not isinstance(old, dict):
        return None
    entries = [v for vs in old.values() if isinstance(vs, list) for v in vs]
    if any(not isinstance(v, str) or "@" in v for v in entries):
        return None
    return {str(k): list(vs) for k, vs in old.items() if isinstance(vs, list)}


def build_catalog_export_sensor(interval_s: int = 60) -> dg.SensorDefinition:
    """Poll SAP and Art-Trade; the cursor is the file versions the last run was requested for."""

    @dg.sensor(
        name=SENSOR_NAME,
        job=catalog_export_job,
        minimum_interval_seconds=interval_s,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="One catalog_export run when SAP or Art-Trade drops a new file or rewrites "
        "one under the same name.",
    )
    def catalog_export_on_source_file(
        context: dg.SensorEvaluationContext, sap: SapResource, arttrade: ArtTradeResource
    ) -> dg.SensorResult | dg.SkipReason:
        files = source_files(sap, arttrade)
        if not files["sap"]:
            return dg.SkipReason("no SAP assortment export yet")
        signature = json.dumps(files, sort_keys=True)
        if signature == context.cursor:
            return dg.SkipReason("no new or rewritten SAP or Art-Trade file")
        if _names_only_cursor(context.cursor) == _names(files):
            # The cursor of the names-only sensor, at these very files: they were run for.
            return dg.SensorResult(
                cursor=signature, skip_reason="cursor now records file versions; nothing new"
            )
        key = hashlib.sha256(signature.encode()).hexdigest()[:16]
        # The cursor moves only together with the run request it stands for.
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(run_key=f"catalog-sources:{key}", tags={FILES_TAG: signature[:200]})
            ],
            cursor=signature,
        )

    return catalog_export_on_source_file
