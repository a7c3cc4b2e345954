"""What a source read can be trusted with: complete or not, which rows are held, what to keep.

A product may go to zero on Ozon only when the source says so: its row says zero, or the file
is complete by its own evidence and lacks the product. A row set aside (quarantined) says
nothing, so its product keeps what Ozon shows; a bad optional field keeps its previous value.
"""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from resources.sources.models import ASSORTMENT_SCHEMA, STOCK_SCHEMA, QuarantinedRow, SourceBatch

RECENT_FILES = 3  # a new file is compared with the largest of this many loaded before it


class Completeness(BaseModel):
    """Whether a file proves that what it lacks is gone, and why (shown in metadata)."""

    model_config = ConfigDict(frozen=True)

    complete: bool
    reason: str
    data_lines: int
    reference_lines: int | None = None


def assess_completeness(batch: SourceBatch, recent: list[int], min_share: float) -> Completeness:
    """Judge a file by its own evidence.

    Incomplete when a quarantined line could not be tied to a product (it may be any product);
    else a trailer (`#rows: N`) must match the data lines; without one the data lines must be
    at least `min_share` of the largest of the `recent` files loaded before (the largest, so two
    cut-off files in a row do not vouch for each other). The first file ever is taken as is.
    """
    data = batch.lines.data
    reference = max(recent) if recent else None
    gaps: list[str] = []
    if batch.unidentified:
        gaps.append(f"{batch.unidentified} quarantined line(s) could not be tied to a product")
    if batch.trailer_rows is not None:
        reference = batch.trailer_rows
        found = f"the trailer announces {batch.trailer_rows} data lines, the file has {data}"
        if batch.trailer_rows != data:
            gaps.append(found)
    elif reference is None:
        found = "first file of this source: nothing to compare"
    else:
        ok = data >= min_share * reference
        found = (
            f"{data} data lines vs {reference} in a recent file "
            f"({'at least' if ok else 'below'} {min_share:.0%})"
        )
        if not ok:
            gaps.append(found)
    return Completeness(
        complete=not gaps,
        reason="; ".join(gaps) if gaps else found,
        data_lines=data,
        reference_lines=reference,
    )


class StockSnapshot(BaseModel):
    """The Infor snapshot as the stock computation may use it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    frame: pl.DataFrame = Field(description="Loaded rows in `STOCK_SCHEMA`.")
    held: pl.DataFrame = Field(
        default_factory=lambda: pl.DataFrame(schema={"offer_id": pl.String, "site": pl.String}),
        description="(offer_id, site) of quarantined rows; a null site holds every site.",
    )
    completeness: Completeness


def held_keys(batch: SourceBatch) -> pl.DataFrame:
    """Keys of rows set aside as a whole, typed like the source's key columns."""
    schema = STOCK_SCHEMA if batch.source == "infor" else ASSORTMENT_SCHEMA
    keys = ("offer_id", "site") if batch.source == "infor" else ("offer_id",)
    if batch.held.is_empty():
        return pl.DataFrame(schema={k: schema[k] for k in keys})
    return batch.held.select(pl.col(k).cast(schema[k]) for k in keys)


def keep_previous_fields(
    frame: pl.DataFrame, quarantined: list[QuarantinedRow], products: pl.DataFrame
) -> tuple[pl.DataFrame, int]:
    """Fill optional fields that were set aside with the value the store holds for the offer.

    A bad barcode in today's export must not wipe yesterday's good one. Returns the frame and
    how many fields were restored.
    """
    restored = 0
    by_field: dict[str, list[str]] = {}
    for row in quarantined:
        if row.field is not None and row.key is not None:
            by_field.setdefault(row.field, []).append(row.key)
    for field, offers in by_field.items():
        if field not in frame.columns or field not in products.columns:
            continue
        previous = products.filter(pl.col("offer_id").is_in(offers)).select(
            "offer_id", pl.col(field).cast(frame.schema[field]).alias("__previous")
        )
        frame = frame.join(previous, on="offer_id", how="left").with_columns(
            pl.when(pl.col("offer_id").is_in(offers) & pl.col(field).is_null())
            .then(pl.col("__previous"))
            .otherwise(pl.col(field))
            .alias(field)
        )
        restored += frame.filter(
            pl.col("offer_id").is_in(offers) & pl.col("__previous").is_not_null()
        ).height
        frame = frame.drop("__previous")
    return frame, restored


def carry_products(
    frame: pl.DataFrame,
    held: pl.DataFrame,
    products: pl.DataFrame,
    ozon_stock: pl.DataFrame,
    *,
    complete: bool,
) -> pl.DataFrame:
    """Products the export does not vouch for, as the store last knew them.

    Held products (row quarantined) are carried always; when the export is incomplete, so is
    every product it lacks that Ozon shows stock for. Their stock then still follows Infor and
    their price stays what it was, instead of a zero on Ozon.
    """
    want = (
        held["offer_id"].drop_nulls()
        if "offer_id" in held.columns
        else pl.Series([], dtype=pl.String)
    )
    if not complete and ozon_stock.height:
        selling = ozon_stock.filter(pl.col("stock") > 0)["offer_id"].cast(pl.String)
        want = pl.concat([want.cast(pl.String), selling])
    carried = products.filter(
        pl.col("offer_id").is_in(want.unique().implode())
        & ~pl.col("offer_id").is_in(frame["offer_id"].implode())
    )
    return carried.select(
        pl.col(name).cast(dtype) for name, dtype in ASSORTMENT_SCHEMA.items()
    ).sort("offer_id")
