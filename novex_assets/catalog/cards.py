"""Merged product cards: SAP + Art-Trade + what Ozon holds, by the ownership rules, in polars.

One frame per input, one pass per field: each field is a coalesce over its sources in the rule's
order, and each characteristic keeps the values of its best-ranked source. The result is the
full card `/v3/product/import` needs (Ozon replaces the whole card on update, so every value
the rules protect is in it), a content hash over everything except prices (prices move through
the price sync; a price change must not spend the daily card-update quota), the source of each
value, and the issues that stop a value from being sent (an unmatched dictionary value).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl

from novex_assets.catalog.card_fields import CardFieldRules
from novex_assets.catalog.dictionary_match import (
    PAIR,
    SearchResolver,
    match_dictionary_values,
    normalise,
)

SCALAR_FIELDS = (
    "name",
    "description",
    "barcode",
    "vat",
    "weight_g",
    "depth_mm",
    "width_mm",
    "height_mm",
)
DESCRIPTION_ATTRIBUTE = 4191

SAP_COLUMNS: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "barcode": pl.String(),
    "name": pl.String(),
    "brand": pl.String(),
    "category_code": pl.String(),
    "category_name": pl.String(),
    "vat": pl.String(),
    "weight_g": pl.Float64(),
    "length_mm": pl.Float64(),
    "width_mm": pl.Float64(),
    "height_mm": pl.Float64(),
    "ozon_enabled": pl.Boolean(),
}
PRICE_COLUMNS: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "price": pl.Float64(),
    "old_price": pl.Float64(),
    "min_price": pl.Float64(),
}
MAPPING_COLUMNS: dict[str, pl.DataType] = {
    "category_code": pl.String(),
    "description_category_id": pl.Int64(),
    "type_id": pl.Int64(),
    "type_name": pl.String(),
}
CONTENT_COLUMNS: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "name": pl.String(),
    "description": pl.String(),
    "image_urls": pl.List(pl.String()),
}
CHARACTERISTIC_COLUMNS: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "attribute_name": pl.String(),
    "value": pl.String(),
}
OZON_CARD_COLUMNS: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "name": pl.String(),
    "barcode": pl.String(),
    "weight_g": pl.Float64(),
    "depth_mm": pl.Float64(),
    "width_mm": pl.Float64(),
    "height_mm": pl.Float64(),
    "images": pl.List(pl.String()),
}
OZON_VALUE_COLUMNS: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "attribute_id": pl.Int64(),
    "dictionary_value_id": pl.Int64(),
    "value": pl.String(),
}
ATTRIBUTE_MODEL_COLUMNS: dict[str, pl.DataType] = {
    "description_category_id": pl.Int64(),
    "type_id": pl.Int64(),
    "attribute_id": pl.Int64(),
    "name": pl.String(),
    "is_required": pl.Boolean(),
    "is_collection": pl.Boolean(),
    "max_value_count": pl.Int64(),
    "dictionary_id": pl.Int64(),
    "dictionary_mode": pl.String(),
    "type": pl.String(),
}
VALUE_COLUMNS: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "attribute_id": pl.Int64(),
    "dictionary_value_id": pl.Int64(),
    "value": pl.String(),
    "source": pl.String(),
}


@dataclass(frozen=True)
class CardInputs:
    """Everything the merge reads, as frames with the column sets above."""

    sap: pl.DataFrame
    prices: pl.DataFrame
    mapping: pl.DataFrame  # confirmed mappings only
    content: pl.DataFrame
    characteristics: pl.DataFrame
    ozon_cards: pl.DataFrame
    ozon_values: pl.DataFrame
    attributes: pl.DataFrame
    dictionary: pl.DataFrame  # current (not withdrawn) values of walked dictionaries


@dataclass(frozen=True)
class MergedCards:
    """The merge's output.

    `cards` [offer_id, pair, card, content_hash, provenance, issues] is what the store keeps;
    `flat` has one row per card with the fields the checks read; `values` the characteristics
    per card; `unmatched` the values no dictionary entry matched; `unmapped` the enabled
    products whose Novex category has no confirmed Ozon pair.
    """

    cards: pl.DataFrame
    flat: pl.DataFrame
    values: pl.DataFrame
    unmatched: pl.DataFrame
    unmapped: pl.DataFrame


def _typed(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise ValueError(f"card merge input lacks column(s) {missing}")
    return frame.select([pl.col(c).cast(d) for c, d in schema.items()])


def _blank_to_null(name: str, dtype: pl.DataType) -> pl.Expr:
    """Empty text, empty lists and non-positive sizes mean "this source has no value"."""
    col = pl.col(name)
    if dtype == pl.String():
        return pl.when(col.str.strip_chars() != "").then(col).alias(name)
    if isinstance(dtype, pl.List):
        return pl.when(col.list.len() > 0).then(col).alias(name)
    return pl.when(col > 0).then(col).alias(name)


def _prefixed(frame: pl.DataFrame, prefix: str) -> pl.DataFrame:
    return frame.select(
        "offer_id",
        *[
            _blank_to_null(c, frame.schema[c]).alias(f"{prefix}{c}")
            for c in frame.columns
            if c != "offer_id"
        ],
    )


def _money(column: str) -> pl.Expr:
    """Ozon's money as a string with kopecks; empty when there is none."""
    value = pl.col(column)
    return pl.when(value > 0).then(value.round(2).cast(pl.String)).otherwise(pl.lit(""))


def _sha256(texts: pl.Series) -> pl.Series:
    return pl.Series(
        [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts.to_list()], dtype=pl.String
    )


def _base(inputs: CardInputs) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Enabled SAP products joined with their confirmed pair; the unmapped ones apart."""
    sap = _typed(inputs.sap, SAP_COLUMNS).filter(pl.col("ozon_enabled"))
    mapping = _typed(inputs.mapping, MAPPING_COLUMNS).unique("category_code", keep="first")
    joined = sap.join(mapping, on="category_code", how="left")
    unmapped = joined.filter(pl.col("description_category_id").is_null()).select(
        "offer_id", "category_code", "category_name"
    )
    return joined.filter(pl.col("description_category_id").is_not_null()), unmapped


def _merge_fields(base: pl.DataFrame, inputs: CardInputs, rules: CardFieldRules) -> pl.DataFrame:
    """One coalesce per field over its sources, and the source each value came from."""
    sap = base.select(
        "offer_id",
        *[
            _blank_to_null(c, SAP_COLUMNS[c])
            for c in ("name", "barcode", "vat", "weight_g", "width_mm", "height_mm")
        ],
        _blank_to_null("length_mm", pl.Float64()).alias("depth_mm"),
    )
    sap = _prefixed(sap, "sap__")
    content = _typed(inputs.content, CONTENT_COLUMNS).unique("offer_id", keep="last")
    arttrade = _prefixed(content.rename({"image_urls": "images"}), "arttrade__")
    ozon_cards = _typed(inputs.ozon_cards, OZON_CARD_COLUMNS).unique("offer_id", keep="last")
    description = (
        _typed(inputs.ozon_values, OZON_VALUE_COLUMNS)
        .filter(pl.col("attribute_id") == DESCRIPTION_ATTRIBUTE)
        .group_by("offer_id")
        .agg(pl.col("value").first().alias("description"))
    )
    ozon = _prefixed(ozon_cards.join(description, on="offer_id", how="left"), "ozon__")
    frame = (
        base.select("offer_id", *PAIR, "type_name", "brand", "category_code")
        .join(sap, on="offer_id", how="left")
        .join(arttrade, on="offer_id", how="left")
        .join(ozon, on="offer_id", how="left")
    )
    merged = []
    provenance = []
    for name, rule in rules.fields.items():
        sources = [s for s in rule.order() if f"{s}__{name}" in frame.columns]
        merged.append(pl.coalesce([pl.col(f"{s}__{name}") for s in sources]).alias(name))
        # The first source with a value is the one the coalesce took.
        source: pl.Expr = pl.lit(None, dtype=pl.String)
        for s in reversed(sources):
            source = pl.when(pl.col(f"{s}__{name}").is_not_null()).then(pl.lit(s)).otherwise(source)
        provenance.append(source.alias(name))
    return frame.select(
        "offer_id",
        *PAIR,
        "type_name",
        "brand",
        "category_code",
        *merged,
        pl.struct(provenance).struct.json_encode().alias("field_sources"),
    )


def _candidates(
    fields: pl.DataFrame, inputs: CardInputs, rules: CardFieldRules, model: pl.DataFrame
) -> pl.DataFrame:
    """Every value any source offers for a characteristic: [offer_id, attribute_id, source, ...]."""
    parts: list[pl.DataFrame] = []
    schema = {
        "offer_id": pl.String,
        "attribute_id": pl.Int64,
        "source": pl.String,
        "value": pl.String,
        "dictionary_value_id": pl.Int64,
    }
    for rule in rules.attributes:
        sources = rule.order()
        if "sap" in sources and rule.sap_column:
            column = "brand" if rule.sap_column == "brand" else rule.sap_column
            if column in fields.columns:
                parts.append(
                    fields.select(
                        "offer_id",
                        pl.lit(rule.id, pl.Int64).alias("attribute_id"),
                        pl.lit("sap").alias("source"),
                        pl.col(column).cast(pl.String).alias("value"),
                        pl.lit(None, pl.Int64).alias("dictionary_value_id"),
                    )
                )
        if "mapping" in sources:
            parts.append(
                fields.select(
                    "offer_id",
                    pl.lit(rule.id, pl.Int64).alias("attribute_id"),
                    pl.lit("mapping").alias("source"),
                    pl.col("type_name").alias("value"),
                    pl.lit(None, pl.Int64).alias("dictionary_value_id"),
                )
            )
        if "card" in sources and rule.card_field:
            parts.append(
                fields.select(
                    "offer_id",
                    pl.lit(rule.id, pl.Int64).alias("attribute_id"),
                    pl.lit("card").alias("source"),
                    pl.col(rule.card_field).cast(pl.String).alias("value"),
                    pl.lit(None, pl.Int64).alias("dictionary_value_id"),
                )
            )
    # Art-Trade characteristics: the names the rules list, else Ozon's own attribute name.
    listed = pl.DataFrame(
        [
            (normalise_name, rule.id)
            for rule in rules.attributes
            for normalise_name in rule.arttrade
        ],
        schema={"attribute_name": pl.String, "attribute_id": pl.Int64},
        orient="row",
    )
    by_ozon_name = (
        model.select(pl.col("name").alias("attribute_name"), "attribute_id")
        .unique("attribute_name", keep="first")
        .filter(~pl.col("attribute_id").is_in([r.id for r in rules.attributes]))
    )
    names = (
        pl.concat([listed, by_ozon_name])
        .with_columns(normalise(pl.col("attribute_name")).alias("norm_name"))
        .unique("norm_name", keep="first")
    )
    # Art-Trade writes the values of a collection into one cell, separated by "|".
    characteristics = (
        _typed(inputs.characteristics, CHARACTERISTIC_COLUMNS)
        .with_columns(pl.col("value").str.split("|"))
        .explode("value")
        .with_columns(pl.col("value").str.strip_chars())
        .filter(pl.col("value") != "")
    )
    parts.append(
        characteristics.with_columns(normalise(pl.col("attribute_name")).alias("norm_name"))
        .join(names.select("norm_name", "attribute_id"), on="norm_name", how="inner")
        .select(
            "offer_id",
            "attribute_id",
            pl.lit("arttrade").alias("source"),
            pl.col("value").str.strip_chars(),
            pl.lit(None, pl.Int64).alias("dictionary_value_id"),
        )
    )
    ozon_values = _typed(inputs.ozon_values, OZON_VALUE_COLUMNS)
    parts.append(
        ozon_values.select(
            "offer_id",
            "attribute_id",
            pl.lit("ozon").alias("source"),
            "value",
            pl.when(pl.col("dictionary_value_id") > 0).then(pl.col("dictionary_value_id")),
        )
    )
    frame = pl.concat([p.select([pl.col(c).cast(d) for c, d in schema.items()]) for p in parts])
    return frame.filter(
        pl.col("value").is_not_null() & (pl.col("value") != "")
        | pl.col("dictionary_value_id").is_not_null()
    )


def _ranks(rules: CardFieldRules) -> tuple[pl.DataFrame, pl.DataFrame]:
    listed = pl.DataFrame(
        [(rule.id, s, i) for rule in rules.attributes for i, s in enumerate(rule.order())],
        schema={"attribute_id": pl.Int64, "source": pl.String, "rank": pl.Int64},
        orient="row",
    )
    default = pl.DataFrame(
        [(s, i) for i, s in enumerate(rules.default_attribute.order())],
        schema={"source": pl.String, "default_rank": pl.Int64},
        orient="row",
    )
    return listed, default


def _pick_values(
    candidates: pl.DataFrame, fields: pl.DataFrame, model: pl.DataFrame, rules: CardFieldRules
) -> pl.DataFrame:
    """Per (card, attribute) the values of the best-ranked source that has any."""
    listed, default = _ranks(rules)
    listed_ids = [r.id for r in rules.attributes]
    ranked = (
        candidates.join(fields.select("offer_id", *PAIR), on="offer_id", how="inner")
        .join(model.select(*PAIR, "attribute_id"), on=[*PAIR, "attribute_id"], how="semi")
        .join(listed, on=["attribute_id", "source"], how="left")
        .join(default, on="source", how="left")
        .with_columns(
            pl.when(pl.col("attribute_id").is_in(listed_ids))
            .then(pl.col("rank"))
            .otherwise(pl.col("default_rank"))
            .alias("rank")
        )
        .filter(pl.col("rank").is_not_null())
    )
    best = ranked.group_by("offer_id", "attribute_id").agg(pl.col("rank").min().alias("best"))
    return (
        ranked.join(best, on=["offer_id", "attribute_id"])
        .filter(pl.col("rank") == pl.col("best"))
        .drop("rank", "default_rank", "best")
        .unique(["offer_id", "attribute_id", "value", "dictionary_value_id"], maintain_order=True)
    )


def _resolve(
    picked: pl.DataFrame,
    model: pl.DataFrame,
    dictionary: pl.DataFrame,
    rules: CardFieldRules,
    resolver: SearchResolver | None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Dictionary ids for values that need one; unmatched values set apart."""
    info = model.select(
        *PAIR,
        "attribute_id",
        "type",
        "dictionary_id",
        "dictionary_mode",
        "is_collection",
        "max_value_count",
    )
    rows = picked.join(info, on=[*PAIR, "attribute_id"], how="left").with_row_index("row_id")
    rows = rows.with_columns(pl.col("row_id").cast(pl.Int64))
    needs = (pl.col("dictionary_id") > 0) & pl.col("dictionary_value_id").is_null()
    wanted = rows.filter(needs)
    search_attributes = model.filter(pl.col("dictionary_mode") == "search").select(
        *PAIR, "attribute_id"
    )
    matched, unmatched = match_dictionary_values(
        wanted.select("row_id", *PAIR, "attribute_id", "value"),
        dictionary,
        rules.synonyms,
        search_attributes=search_attributes,
        resolver=resolver,
    )
    resolved = wanted.drop("dictionary_value_id", "value").join(matched, on="row_id", how="inner")
    free = rows.filter(~needs).with_columns(
        pl.col("dictionary_value_id").fill_null(0), pl.lit("as_is").alias("how")
    )
    # Numeric characteristics take the number alone: "250 мл" is 250 for "Объем, мл".
    numeric = pl.col("type").is_in(["Integer", "Decimal"]) & (pl.col("dictionary_value_id") == 0)
    number = pl.col("value").str.replace(",", ".", literal=True).str.extract(r"(-?\d+(?:\.\d+)?)")
    free = free.with_columns(
        pl.when(numeric & (pl.col("type") == "Integer"))
        .then(number.cast(pl.Float64, strict=False).round(0).cast(pl.Int64).cast(pl.String))
        .when(numeric)
        .then(number)
        .otherwise(pl.col("value").fill_null(""))
        .alias("number")
    )
    not_numbers = free.filter(pl.col("number").is_null()).select("row_id")
    free = free.filter(pl.col("number").is_not_null()).with_columns(pl.col("number").alias("value"))
    values = pl.concat(
        [
            free.select(
                "offer_id",
                "attribute_id",
                "dictionary_value_id",
                "value",
                "source",
                "is_collection",
                "max_value_count",
            ),
            resolved.select(
                "offer_id",
                "attribute_id",
                "dictionary_value_id",
                "value",
                "source",
                "is_collection",
                "max_value_count",
            ),
        ]
    ).unique(["offer_id", "attribute_id", "dictionary_value_id", "value"], maintain_order=True)
    # A single-valued attribute keeps its first value; collections keep up to Ozon's maximum.
    limit = (
        pl.when(pl.col("is_collection").fill_null(False))
        .then(pl.when(pl.col("max_value_count") > 0).then(pl.col("max_value_count")).otherwise(100))
        .otherwise(1)
    )
    values = (
        values.with_columns(pl.int_range(pl.len()).over("offer_id", "attribute_id").alias("n"))
        .filter(pl.col("n") < limit)
        .select(list(VALUE_COLUMNS))
        .sort("offer_id", "attribute_id", "dictionary_value_id", "value")
    )
    missed = rows.join(
        pl.concat([unmatched.select("row_id"), not_numbers]), on="row_id", how="semi"
    ).select("offer_id", "attribute_id", "value", "source")
    return values, missed


def _attributes_json(values: pl.DataFrame) -> pl.DataFrame:
    """[offer_id, attributes] with attributes as the JSON list `/v3/product/import` takes."""
    per_attribute = values.group_by("offer_id", "attribute_id", maintain_order=True).agg(
        pl.struct("dictionary_value_id", "value").alias("values")
    )
    return (
        per_attribute.sort("offer_id", "attribute_id")
        .select(
            "offer_id",
            pl.struct(
                pl.lit(0, pl.Int64).alias("complex_id"),
                pl.col("attribute_id").alias("id"),
                "values",
            ).alias("attribute"),
        )
        .group_by("offer_id", maintain_order=True)
        .agg(pl.col("attribute").alias("attributes"))
    )


def _issues_json(
    unmatched: pl.DataFrame, model: pl.DataFrame, fields: pl.DataFrame
) -> pl.DataFrame:
    named = unmatched.join(fields.select("offer_id", *PAIR), on="offer_id", how="left").join(
        model.select(*PAIR, "attribute_id", "name"), on=[*PAIR, "attribute_id"], how="left"
    )
    return named.group_by("offer_id").agg(
        pl.struct(
            pl.lit("unmatched_value").alias("kind"),
            "attribute_id",
            pl.col("name").fill_null("").alias("attribute_name"),
            "value",
            "source",
        ).alias("issues")
    )


def merge_cards(
    inputs: CardInputs, rules: CardFieldRules, resolver: SearchResolver | None = None
) -> MergedCards:
    """Merge the three sources into full Ozon cards by the ownership rules."""
    base, unmapped = _base(inputs)
    model = _typed(inputs.attributes, ATTRIBUTE_MODEL_COLUMNS)
    fields = _merge_fields(base, inputs, rules)
    candidates = _candidates(fields, inputs, rules, model)
    picked = _pick_values(candidates, fields, model, rules)
    values, unmatched = _resolve(picked, model, inputs.dictionary, rules, resolver)
    # The price rules say "no old price" with 0; for the card and its checks that is absent.
    prices = (
        _typed(inputs.prices, PRICE_COLUMNS)
        .unique("offer_id", keep="last")
        .with_columns(
            pl.when(pl.col(c) > 0).then(pl.col(c)).alias(c) for c in ("old_price", "min_price")
        )
    )
    attributes = _attributes_json(values)
    issues = _issues_json(unmatched, model, fields)
    flat = (
        fields.join(prices, on="offer_id", how="left")
        .join(attributes, on="offer_id", how="left")
        .join(issues, on="offer_id", how="left")
    )
    content = pl.struct(
        "offer_id",
        pl.col("name").fill_null(""),
        *PAIR,
        pl.col("vat").fill_null(""),
        pl.col("barcode").fill_null(""),
        pl.col("depth_mm").fill_null(0).round(0).cast(pl.Int64).alias("depth"),
        pl.col("width_mm").fill_null(0).round(0).cast(pl.Int64).alias("width"),
        pl.col("height_mm").fill_null(0).round(0).cast(pl.Int64).alias("height"),
        pl.lit("mm").alias("dimension_unit"),
        pl.col("weight_g").fill_null(0).round(0).cast(pl.Int64).alias("weight"),
        pl.lit("g").alias("weight_unit"),
        pl.col("images").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        pl.col("images").list.first().fill_null("").alias("primary_image"),
        pl.col("attributes"),
    ).struct.json_encode()
    with_prices = pl.struct(
        _money("price").alias("price"),
        _money("old_price").alias("old_price"),
        pl.lit("RUB").alias("currency_code"),
    ).struct.json_encode()
    issue_type = pl.List(
        pl.Struct(
            {
                "kind": pl.String,
                "attribute_id": pl.Int64,
                "attribute_name": pl.String,
                "value": pl.String,
                "source": pl.String,
            }
        )
    )
    attribute_sources = values.group_by("offer_id").agg(
        pl.format('"{}":"{}"', "attribute_id", "source")
        .unique()
        .sort()
        .str.join(",")
        .alias("attribute_sources")
    )
    cards = (
        flat.join(attribute_sources, on="offer_id", how="left")
        .select(
            "offer_id",
            *PAIR,
            content.alias("content"),
            with_prices.alias("prices"),
            pl.format(
                '{{"fields":{},"attributes":{{{}}}}}',
                pl.col("field_sources"),
                pl.col("attribute_sources").fill_null(""),
            ).alias("provenance"),
            pl.format(
                "[{}]",
                pl.col("issues")
                .fill_null(pl.lit([], dtype=issue_type))
                .list.eval(pl.element().struct.json_encode())
                .list.join(","),
            ).alias("issues"),
        )
        .with_columns(
            # The card sent to Ozon: content plus prices in one object.
            pl.format(
                "{},{}",
                pl.col("content").str.strip_suffix("}"),
                pl.col("prices").str.strip_prefix("{"),
            ).alias("card"),
            pl.col("content").map_batches(_sha256, return_dtype=pl.String).alias("content_hash"),
        )
        .select("offer_id", *PAIR, "card", "content_hash", "provenance", "issues")
        .sort("offer_id")
    )
    return MergedCards(
        cards=cards,
        flat=flat.drop("attributes", "issues"),
        values=values,
        unmatched=unmatched,
        unmapped=unmapped,
    )
