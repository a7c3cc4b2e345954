"""Source-system adapters (SAP ERP, Infor WMS) behind plain-Python interfaces.

The Dagster resources live in `resources.sources.resources`; nothing here imports Dagster.
"""

from __future__ import annotations

from resources.sources.base import InforSource, SapSource
from resources.sources.errors import SourceError, SourceFileError
from resources.sources.files import (
    FileDropInfor,
    FileDropSap,
    parse_snapshot_name,
    snapshot_file_name,
    snapshot_order,
)
from resources.sources.models import (
    ASSORTMENT_SCHEMA,
    OZON_VAT_RATES,
    STOCK_SCHEMA,
    IgnoredFile,
    LineCounts,
    QuarantinedRow,
    SnapshotRef,
    SourceBatch,
)

__all__ = [
    "ASSORTMENT_SCHEMA",
    "OZON_VAT_RATES",
    "STOCK_SCHEMA",
    "FileDropInfor",
    "FileDropSap",
    "IgnoredFile",
    "InforSource",
    "LineCounts",
    "QuarantinedRow",
    "SapSource",
    "SnapshotRef",
    "SourceBatch",
    "SourceError",
    "SourceFileError",
    "parse_snapshot_name",
    "snapshot_file_name",
    "snapshot_order",
]
