"""What the assets need from SAP, Infor and Art-Trade, independent of their transports.

The file-drop adapters in `resources.sources.files` are the default; another adapter (an SAP
OData client, an Infor ION feed) implements the same methods and returns frames in the fixed
schemas `ASSORTMENT_SCHEMA` and `STOCK_SCHEMA`, so assets never change when the transport does.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from resources.sources.infor_documents import InforDocuments
from resources.sources.models import ContentBatch, IgnoredFile, SnapshotRef, SourceBatch


class SapSource(ABC):
    """Novex's ERP: the assortment (what may be sold on Ozon, base prices, basic attributes)."""

    @abstractmethod
    def read_assortment(self) -> SourceBatch:
        """The current assortment, one row per offer_id, in `ASSORTMENT_SCHEMA`."""

    def ignored_files(self) -> list[IgnoredFile]:
        """Files the adapter saw but does not read (listed in metadata); none by default."""
        return []

    def current_versions(self) -> list[str]:
        """What `read_assortment` would read now, as versions a sensor can tell apart.

        A file adapter gives `name@mtime_ns:size`, so a rewrite is a new version; adapters
        without files return an empty list (a sensor then cannot tell).
        """
        return []


class InforSource(ABC):
    """Novex's WMS: stock snapshots per offer and site, and the order documents."""

    @abstractmethod
    def list_stock_snapshots(self) -> list[SnapshotRef]:
        """Every available snapshot, oldest first."""

    def latest_stock_snapshot(self) -> SnapshotRef | None:
        """The newest snapshot, which is the current stock; None before the first one."""
        snapshots = self.list_stock_snapshots()
        return snapshots[-1] if snapshots else None

    @abstractmethod
    def read_stock_snapshot(self, ref: SnapshotRef) -> SourceBatch:
        """One snapshot's rows, unique per (offer_id, site), in `STOCK_SCHEMA`."""

    def ignored_files(self) -> list[IgnoredFile]:
        """Files the adapter saw but does not read (listed in metadata); none by default."""
        return []

    def documents(self) -> InforDocuments:
        """Order documents both ways (see `resources.sources.infor_documents`)."""
        raise NotImplementedError(f"{type(self).__name__} exchanges no order documents")


class ArtTradeSource(ABC):
    """Novex's retail system: names, descriptions, images and characteristics per offer."""

    @abstractmethod
    def read_content(self) -> ContentBatch:
        """The current content and characteristics (`CONTENT_SCHEMA`, `CHARACTERISTICS_SCHEMA`)."""

    @abstractmethod
    def current_versions(self) -> list[str]:
        """What `read_content` would read now, as versions a sensor can tell apart.

        A file adapter gives `name@mtime_ns:size`, so a rewrite is a new version.
        """
