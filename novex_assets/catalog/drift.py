"""Cards hit by drift in Ozon's model, flagged for re-checking until a check run passes them.

Ozon changes its model without notice (`novex_assets.catalog.attributes` records each change).
Two changes make cards that were fine wrong: an attribute becomes required (the cards of that
(category, type) pair that have no value for it), and a dictionary value is withdrawn (the
cards that hold that value id). Only those cards are flagged; the flag stays in the store until
a check run against the new model passes the card, so staff see it in every report until then.
"""

from __future__ import annotations

import json
from datetime import datetime

import polars as pl

from novex_assets.catalog.dictionary_match import PAIR
from resources.store.catalog_cards import DRIFT_FLAG_SCHEMA
from resources.store.store import Store

FLAGGING_CHANGES = ("required_added", "value_withdrawn")
HELD_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "description_category_id": pl.Int64(),
    "type_id": pl.Int64(),
    "attribute_id": pl.Int64(),
    "dictionary_value_id": pl.Int64(),
    "value": pl.String(),
    "source": pl.String(),
}


def held_values(cards: pl.DataFrame) -> pl.DataFrame:
    """Every characteristic value the cards hold, with the source the merge took it from."""
    rows = []
    for offer_id, dcid, type_id, card, provenance in cards.select(
        "offer_id", *PAIR, "card", "provenance"
    ).iter_rows():
        sources = json.loads(provenance or "{}").get("attributes", {})
        for attribute in json.loads(card).get("attributes") or []:
            attribute_id = int(attribute["id"])
            for value in attribute.get("values") or []:
                value_id = int(value.get("dictionary_value_id") or 0)
                text = str(value.get("value") or "")
                if value_id or text.strip():
                    source = sources.get(str(attribute_id))
                    rows.append((offer_id, dcid, type_id, attribute_id, value_id, text, source))
    return pl.DataFrame(rows, schema=HELD_SCHEMA, orient="row")


def affected_cards(changes: pl.DataFrame, cards: pl.DataFrame) -> pl.DataFrame:
    """One row (`DRIFT_FLAG_SCHEMA`) per card and drift event that makes the card wrong.

    Args:
        changes: Drift events with their `id` (`STORED_ATTRIBUTE_CHANGE_SCHEMA`).
        cards: The merged cards as stored before the change (`offer_id`, pair, `card`,
            `provenance`).
    """
    hits = changes.filter(pl.col("change").is_in(FLAGGING_CHANGES)).rename({"id": "change_id"})
    if hits.height == 0 or cards.height == 0:
        return pl.DataFrame(schema=DRIFT_FLAG_SCHEMA)
    in_pairs = cards.join(hits.select(*PAIR).unique(), on=list(PAIR), how="semi")
    held = held_values(in_pairs)
    withdrawn = hits.filter(pl.col("change") == "value_withdrawn").join(
        held.rename({"dictionary_value_id": "value_id"}),
        on=[*PAIR, "attribute_id", "value_id"],
        how="inner",
    )
    required = (
        hits.filter(pl.col("change") == "required_added")
        .join(in_pairs.select("offer_id", *PAIR), on=list(PAIR), how="inner")
        .join(held.select("offer_id", "attribute_id"), on=["offer_id", "attribute_id"], how="anti")
        .with_columns(
            pl.lit(None, pl.String).alias("value"), pl.lit(None, pl.String).alias("source")
        )
    )
    return (
        pl.concat([f.select(list(DRIFT_FLAG_SCHEMA)) for f in (withdrawn, required)])
        .cast(DRIFT_FLAG_SCHEMA)  # type: ignore[arg-type]
        .unique(["offer_id", "change_id"], maintain_order=True)
        .sort("offer_id", "change_id")
    )


def flag_drifted_cards(cms: Store, now: datetime) -> int:
    """Flag the stored cards hit by drift events not applied yet; returns the flags written.

    Runs before the merge overwrites the stored cards, so a card is judged by what it held
    when Ozon changed the model.
    """
    changes = cms.catalog_model.attribute_changes(unflagged=True)
    if changes.height == 0:
        return 0
    flags = affected_cards(changes, cms.catalog_cards.cards())
    return cms.catalog_cards.record_drift_flags(flags, changes["id"].to_list(), now)


def rechecked(flags: pl.DataFrame, per_card: pl.DataFrame) -> list[str]:
    """Cards whose open flags a check run closes: it passed them, or they are no card any more."""
    flagged = flags.select("offer_id").unique()
    passed = per_card.filter(pl.col("passed")).select("offer_id")
    gone = flagged.join(per_card.select("offer_id"), on="offer_id", how="anti")
    done = flagged.join(passed, on="offer_id", how="semi")
    return sorted(set(done["offer_id"].to_list()) | set(gone["offer_id"].to_list()))
