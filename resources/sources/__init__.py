"""Source-system adapters (SAP ERP, Infor WMS) behind plain-Python interfaces.

The Dagster resources live in `resources.sources.resources`; nothing here imports Dagster.
"""

from __future__ import annotations

from resources.sources.base import InforSource, SapSource
from resources.sources.errors import SourceError, SourceFileError
from resources.sources.files import FileDropInfor, FileDropSap, snapshot_file_name
from resources.sources.models import (
    ASSORTMENT_SCHEMA,
    OZON_VAT_RATES,
    STOCK_SCHEMA,
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
    "InforSource",
    "QuarantinedRow",
    "SapSource",
    "SnapshotRef",
    "SourceBatch",
    "SourceError",
    "SourceFileError",
    "snapshot_file_name",
]
