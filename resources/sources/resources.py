"""Dagster resources for the source systems: each hands assets its system's adapter.

What a system offers is declared once, by the plain-Python interfaces in
`resources.sources.base`; a resource only chooses and configures the adapter. A new transport
(SAP over OData, an Infor ION feed) is a new adapter plus a resource whose `source()` returns it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

import dagster as dg
from pydantic import Field

from resources.sources.arttrade import FileDropArtTrade
from resources.sources.base import ArtTradeSource, InforSource, SapSource
from resources.sources.files import FileDropInfor, FileDropSap

_DATA_DIR_HELP = (
    "Directory the source systems drop their exports into (sap/, infor/stock/, ...); "
    "relative paths are taken from the working directory."
)


class SapResource(dg.ConfigurableResource, ABC):
    """SAP ERP as the assets see it."""

    @abstractmethod
    def source(self) -> SapSource:
        """The configured SAP adapter."""


class FileDropSapResource(SapResource):
    """SAP assortment from CSV exports dropped in `<data_dir>/sap/`."""

    data_dir: str = Field(default="var/data", description=_DATA_DIR_HELP)

    def source(self) -> SapSource:
        """The file-drop adapter over `data_dir`."""
        return FileDropSap(Path(self.data_dir))


class InforResource(dg.ConfigurableResource, ABC):
    """Infor WMS as the assets see it."""

    @abstractmethod
    def source(self) -> InforSource:
        """The configured Infor adapter."""


class FileDropInforResource(InforResource):
    """Infor documents as CSV files dropped in `<data_dir>/infor/`."""

    data_dir: str = Field(default="var/data", description=_DATA_DIR_HELP)

    def source(self) -> InforSource:
        """The file-drop adapter over `data_dir`."""
        return FileDropInfor(Path(self.data_dir))


class ArtTradeResource(dg.ConfigurableResource, ABC):
    """Art-Trade (retail system: names, images, descriptions, characteristics) as assets see it."""

    @abstractmethod
    def source(self) -> ArtTradeSource:
        """The configured Art-Trade adapter."""


class FileDropArtTradeResource(ArtTradeResource):
    """Art-Trade content as CSV exports dropped in `<data_dir>/arttrade/`."""

    data_dir: str = Field(default="var/data", description=_DATA_DIR_HELP)

    def source(self) -> ArtTradeSource:
        """The file-drop adapter over `data_dir`."""
        return FileDropArtTrade(Path(self.data_dir))
