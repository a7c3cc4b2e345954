"""Starts the catalog export when SAP or Art-Trade drops a new export file."""

import hashlib
import json

import dagster as dg

from novex_assets.catalog.export_jobs import catalog_export_job
from resources.sources.resources import ArtTradeResource, SapResource

SENSOR_NAME = "catalog_export_on_source_file"
FILES_TAG = "novex/catalog_source_files"


def source_files(sap: SapResource, arttrade: ArtTradeResource) -> dict[str, list[str]]:
    """The files each source would be read from now."""
    return {"sap": sap.source().current_files(), "arttrade": arttrade.source().current_files()}


def build_catalog_export_sensor(interval_s: int = 60) -> dg.SensorDefinition:
    """Poll SAP and Art-Trade; the cursor is the set of files the last run was requested for."""

    @dg.sensor(
        name=SENSOR_NAME,
        job=catalog_export_job,
        minimum_interval_seconds=interval_s,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="One catalog_export run when SAP or Art-Trade drops a new file.",
    )
    def catalog_export_on_source_file(
        context: dg.SensorEvaluationContext, sap: SapResource, arttrade: ArtTradeResource
    ) -> dg.SensorResult | dg.SkipReason:
        files = source_files(sap, arttrade)
        if not files["sap"]:
            return dg.SkipReason("no SAP assortment export yet")
        signature = json.dumps(files, sort_keys=True)
        if signature == context.cursor:
            return dg.SkipReason("no new SAP or Art-Trade file")
        key = hashlib.sha256(signature.encode()).hexdigest()[:16]
        # The cursor moves only together with the run request it stands for.
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(run_key=f"catalog-sources:{key}", tags={FILES_TAG: signature[:200]})
            ],
            cursor=signature,
        )

    return catalog_export_on_source_file
