"""Novex's characteristic values to Ozon dictionary ids: exact, normalised, synonyms, search.

An unmatched value is reported, never guessed: sending a near miss would put a wrong
characteristic on the shop window, while a missing one only holds the card back with a reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

PAIR = ["description_category_id", "type_id"]
# (description_category_id, type_id, attribute_id, text) -> dictionary value id or None.
SearchResolver = Callable[[tuple[int, int], int, str], int | None]

DICTIONARY_SCHEMA: dict[str, pl.DataType] = {
    "description_category_id": pl.Int64(),
    "type_id": pl.Int64(),
    "attribute_id": pl.Int64(),
    "value_id": pl.Int64(),
    "value": pl.String(),
}


def normalise(expr: pl.Expr) -> pl.Expr:
    """Case, ё/е, spaces (also non-breaking), decimal commas and "100 мл" / "100мл" made equal."""
    return (
        expr.str.to_lowercase()
        .str.replace_all("ё", "е", literal=True)
        .str.replace_all(r"[\s\u00a0]+", " ")
        .str.strip_chars(" .;,")
        .str.replace_all(r"(\d),(\d)", "$1.$2")
        .str.replace_all(r"(\d) (\D)", "$1$2")
    )


def normalise_text(value: str) -> str:
    """`normalise` for one string (synonym keys, search texts)."""
    return str(pl.select(normalise(pl.lit(value, dtype=pl.String))).item())


def _synonym_frame(synonyms: Mapping[int, Mapping[str, str]]) -> pl.DataFrame:
    rows = [
        (int(attribute_id), source, target)
        for attribute_id, pairs in synonyms.items()
        for source, target in pairs.items()
    ]
    frame = pl.DataFrame(
        rows,
        schema={"attribute_id": pl.Int64, "from": pl.String, "to": pl.String},
        orient="row",
    )
    return frame.select(
        "attribute_id",
        normalise(pl.col("from")).alias("norm"),
        normalise(pl.col("to")).alias("synonym_norm"),
    ).unique(["attribute_id", "norm"], keep="first")


def match_dictionary_values(
    wanted: pl.DataFrame,
    dictionary: pl.DataFrame,
    synonyms: Mapping[int, Mapping[str, str]],
    *,
    search_attributes: pl.DataFrame | None = None,
    resolver: SearchResolver | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Resolve `wanted` [row_id, pair, attribute_id, value] to dictionary ids.

    Args:
        wanted: values needing an id; `row_id` identifies each row for the caller.
        dictionary: the walked dictionaries [pair, attribute_id, value_id, value], current values
            only (withdrawn ones left out by the caller).
        synonyms: per attribute id, Novex's spelling -> Ozon's value (from card_fields.yaml).
        search_attributes: [pair, attribute_id] of dictionaries matched by Ozon's search
            (too large to walk, e.g. brands).
        resolver: looks one value up by search (cached by the caller); None = no search.

    Returns:
        (matched [row_id, dictionary_value_id, value, how], unmatched [row_id, value]).
    """
    keys = [*PAIR, "attribute_id"]
    pending = wanted.with_columns(normalise(pl.col("value")).alias("norm"))
    walked = dictionary.select(*keys, "value_id", pl.col("value").alias("dict_value"))
    exact = pending.join(
        walked.unique([*keys, "dict_value"], keep="first"),
        left_on=[*keys, "value"],
        right_on=[*keys, "dict_value"],
        how="inner",
    ).select(
        "row_id", "value_id", pl.col("value").alias("dict_value"), pl.lit("exact").alias("how")
    )
    pending = pending.join(exact.select("row_id"), on="row_id", how="anti")

    by_norm = walked.with_columns(normalise(pl.col("dict_value")).alias("norm")).unique(
        [*keys, "norm"], keep="first"
    )
    normalised = pending.join(by_norm, on=[*keys, "norm"], how="inner").select(
        "row_id", "value_id", "dict_value", pl.lit("normalised").alias("how")
    )
    pending = pending.join(normalised.select("row_id"), on="row_id", how="anti")

    synonym = (
        pending.join(_synonym_frame(synonyms), on=["attribute_id", "norm"], how="inner")
        .join(
            by_norm.rename({"norm": "synonym_norm"}),
            on=[*keys, "synonym_norm"],
            how="inner",
        )
        .select("row_id", "value_id", "dict_value", pl.lit("synonym").alias("how"))
    )
    pending = pending.join(synonym.select("row_id"), on="row_id", how="anti")

    found = [exact, normalised, synonym]
    if resolver is not None and search_attributes is not None and pending.height:
        searchable = pending.join(search_attributes.select(keys).unique(), on=keys, how="semi")
        looked_up: dict[tuple[int, int, int, str], int | None] = {}
        rows = []
        for row_id, dcid, type_id, attribute_id, value in searchable.select(
            "row_id", *keys, "value"
        ).iter_rows():
            key = (dcid, type_id, attribute_id, value)
            if key not in looked_up:
                looked_up[key] = resolver((dcid, type_id), attribute_id, value)
            if looked_up[key] is not None:
                rows.append((row_id, looked_up[key], value, "search"))
        searched = pl.DataFrame(
            rows,
            schema={
                "row_id": pl.Int64,
                "value_id": pl.Int64,
                "dict_value": pl.String,
                "how": pl.String,
            },
            orient="row",
        )
        found.append(searched)
        pending = pending.join(searched.select("row_id"), on="row_id", how="anti")

    matched = pl.concat(
        [
            f.select(
                pl.col("row_id").cast(pl.Int64),
                pl.col("value_id").cast(pl.Int64),
                "dict_value",
                "how",
            )
            for f in found
        ]
    ).rename({"value_id": "dictionary_value_id", "dict_value": "value"})
    return matched, pending.select("row_id", "value")
