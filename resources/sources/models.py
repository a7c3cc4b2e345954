"""Boundary objects of the source adapters and the fixed schemas of what they return.

Every adapter (file drop, SAP OData, ...) returns these shapes, so assets never depend on
how a source system delivers its data.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

SourceName = Literal["sap", "infor", "arttrade"]

# Ozon's accepted VAT strings; SAP's rates are normalised to exactly these.
OZON_VAT_RATES: tuple[str, ...] = ("0", "0.05", "0.07", "0.1", "0.2", "0.22")

ASSORTMENT_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),  # article, unique in the frame, at most 50 characters
    "barcode": pl.String(),  # GTIN digits with a valid check digit; null when SAP has none
    "name": pl.String(),
    "brand": pl.String(),  # null when empty in SAP
    "category_code": pl.String(),  # Novex category code, e.g. "HC-0102"
    "category_name": pl.String(),  # null when empty in SAP
    "vat": pl.String(),  # one of OZON_VAT_RATES
    "weight_g": pl.Float64(),  # weight and dimensions: null when empty in SAP
    "length_mm": pl.Float64(),
    "width_mm": pl.Float64(),
    "height_mm": pl.Float64(),
    "base_price": pl.Float64(),  # rubles, rounded to 2 decimals
    "ozon_enabled": pl.Boolean(),  # an empty cell means "not enabled"
}
"""Columns of `SapSource.read_assortment()` frames, in this order."""

STOCK_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "site": pl.String(),  # Infor site code, e.g. "MSK1"; (offer_id, site) is unique
    "on_hand": pl.Int64(),  # >= 0
    "allocated": pl.Int64(),  # >= 0
}
"""Columns of `InforSource.read_stock_snapshot()` frames, in this order."""


class QuarantinedRow(BaseModel):
    """A source row set aside instead of loaded, with enough context for staff to fix it."""

    model_config = ConfigDict(frozen=True)

    source: SourceName
    file: str = Field(description="File name (or other location) the row came from.")
    line: int = Field(ge=1, description="1-based line number in that file.")
    reason: str
    raw: str = Field(description="The row exactly as it appeared in the file.")


class SnapshotRef(BaseModel):
    """One stock snapshot an Infor adapter can read; ordered by `name`, which sorts by time."""

    model_config = ConfigDict(frozen=True)

    name: str
    path: Path
    modified_at: datetime
    taken_at: datetime | None = Field(
        default=None, description="When Infor took the snapshot, as encoded in its name."
    )


class SourceBatch(BaseModel):
    """What one read of a source yields: the typed rows, the quarantined rows and counts."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    source: SourceName
    frame: pl.DataFrame = Field(description="Valid rows, in the schema of their source.")
    quarantined: list[QuarantinedRow] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list, description="Names of the files read.")
    rows_read: int = Field(ge=0, description="Data rows found, blank rows not counted.")

    @property
    def rows_loaded(self) -> int:
        """Rows that passed validation."""
        return self.frame.height

    @property
    def rows_quarantined(self) -> int:
        """Rows set aside."""
        return len(self.quarantined)

    def __repr__(self) -> str:
        return (
            f"SourceBatch(source={self.source!r}, files={self.files!r}, rows_read={self.rows_read},"
            f" rows_loaded={self.rows_loaded}, rows_quarantined={self.rows_quarantined})"
        )


# --- Art-Trade: names, descriptions, images and characteristics in Novex's own vocabulary ---

CONTENT_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),  # unique in the frame
    "name": pl.String(),
    "description": pl.String(),  # null when Art-Trade has none
    "image_urls": pl.List(pl.String()),  # http(s) URLs, main image first; empty when none
}
"""Columns of `ContentBatch.content`, in this order."""

CHARACTERISTICS_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "attribute_name": pl.String(),  # Novex's name of the characteristic, e.g. "Объем"
    "value": pl.String(),  # as Art-Trade spells it; several values of one cell joined by "|"
}
"""Columns of `ContentBatch.characteristics`, in this order; (offer_id, attribute_name) unique."""

CONTENT_TRACE_SCHEMA: dict[str, pl.DataType] = {"file": pl.String(), "line": pl.Int64()}
"""Where each row came from; appended to both frames so staff can find a row at the source."""


class ContentBatch(BaseModel):
    """One read of Art-Trade: product content, characteristics, quarantined rows and counts."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    content: pl.DataFrame = Field(description="CONTENT_SCHEMA + file, line.")
    characteristics: pl.DataFrame = Field(description="CHARACTERISTICS_SCHEMA + file, line.")
    quarantined: list[QuarantinedRow] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list, description="Names of the files read.")
    rows_read: int = Field(
        ge=0, description="Data rows found in all files, blank rows not counted."
    )

    @property
    def rows_quarantined(self) -> int:
        """Rows set aside."""
        return len(self.quarantined)

    def __repr__(self) -> str:
        return (
            f"ContentBatch(files={self.files!r}, rows_read={self.rows_read},"
            f" content={self.content.height}, characteristics={self.characteristics.height},"
            f" rows_quarantined={self.rows_quarantined})"
        )
