"""Dagster resources for the source systems: one abstract resource per system, adapters below.

Assets and sensors depend on `SapResource` / `InforResource` only; which adapter runs is
chosen in `Definitions`. A new adapter (e.g. SAP over OData) subclasses the abstract resource
and implements its methods.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

import dagster as dg
from pydantic import Field

from resources.sources.files import FileDropInfor, FileDropSap
from resources.sources.models import SnapshotRef, SourceBatch

_DATA_DIR_HELP = (
    "Directory SAP and Infor drop their exports into (sap/, infor/stock/); "
    "relative paths are taken from the working directory."
)


class SapResource(dg.ConfigurableResource, ABC):
    """SAP ERP as the assets see it: the assortment."""

    @abstractmethod
    def read_assortment(self) -> SourceBatch:
        """The current assortment in `ASSORTMENT_SCHEMA`, with its quarantined rows."""


class FileDropSapResource(SapResource):
    """SAP assortment from CSV exports dropped in `<data_dir>/sap/`."""

    data_dir: str = Field(default="var/data", description=_DATA_DIR_HELP)

    def read_assortment(self) -> SourceBatch:
        """The newest dropped assortment export."""
        return FileDropSap(Path(self.data_dir)).read_assortment()


class InforResource(dg.ConfigurableResource, ABC):
    """Infor WMS as the assets see it: stock snapshots."""

    @abstractmethod
    def list_stock_snapshots(self) -> list[SnapshotRef]:
        """Every available snapshot, oldest first."""

    def latest_stock_snapshot(self) -> SnapshotRef | None:
        """The newest snapshot, or None before the first one arrives."""
        snapshots = self.list_stock_snapshots()
        return snapshots[-1] if snapshots else None

    @abstractmethod
    def read_stock_snapshot(self, ref: SnapshotRef) -> SourceBatch:
        """One snapshot in `STOCK_SCHEMA`, with its quarantined rows."""


class FileDropInforResource(InforResource):
    """Infor stock snapshots from CSV files dropped in `<data_dir>/infor/stock/`."""

    data_dir: str = Field(default="var/data", description=_DATA_DIR_HELP)

    def _source(self) -> FileDropInfor:
        return FileDropInfor(Path(self.data_dir))

    def list_stock_snapshots(self) -> list[SnapshotRef]:
        """Snapshot files in the drop folder, oldest first."""
        return self._source().list_stock_snapshots()

    def read_stock_snapshot(self, ref: SnapshotRef) -> SourceBatch:
        """Parse one snapshot file."""
        return self._source().read_stock_snapshot(ref)
