"""Which cards a drift event in Ozon's model hits, and when a flag closes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import polars as pl

from novex_assets.catalog.drift import affected_cards, rechecked
from resources.store.catalog_model import STORED_ATTRIBUTE_CHANGE_SCHEMA

SHAMPOO, GEL = (17028968, 93284), (17028968, 93285)
HAIR, SCENT = 22236, 22238
AT = datetime(2026, 12, 1, tzinfo=UTC)


def _card(offer_id: str, pair: tuple[int, int], attributes: dict[int, list]) -> dict:
    return {
        "offer_id": offer_id,
        "description_category_id": pair[0],
        "type_id": pair[1],
        "card": json.dumps(
            {
                "attributes": [
                    {"id": a, "values": [{"dictionary_value_id": i, "value": v} for i, v in vals]}
                    for a, vals in attributes.items()
                ]
            },
            ensure_ascii=False,
        ),
        "provenance": json.dumps({"attributes": {str(a): "arttrade" for a in attributes}}),
    }


CARDS = pl.DataFrame(
    [
        _card("A", SHAMPOO, {HAIR: [(970584103, "сухие")], SCENT: [(970592105, "мята")]}),
        _card("B", SHAMPOO, {HAIR: [(970584101, "для всех типов")]}),
        # An empty value is no value: the card lacks scent.
        _card("C", SHAMPOO, {HAIR: [(970584103, "сухие")], SCENT: [(0, " ")]}),
        # Another type: neither change is about it.
        _card("D", GEL, {HAIR: [(970584103, "сухие")]}),
    ]
)


def _changes(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(
        [(i + 1, AT, *r) for i, r in enumerate(rows)],
        schema=STORED_ATTRIBUTE_CHANGE_SCHEMA,
        orient="row",
    )


def test_only_the_cards_a_change_hits_are_flagged() -> None:
    changes = _changes(
        (*SHAMPOO, SCENT, "required_added", None, "«Аромат» is now required"),
        (*SHAMPOO, HAIR, "value_withdrawn", 970584103, "«сухие» withdrawn"),
        (*SHAMPOO, HAIR, "value_added", 970584199, "«жирные» added"),
        (*SHAMPOO, 9163, "attribute_added", None, "new attribute «Пол»"),
    )
    flags = affected_cards(changes, CARDS)
    assert flags.select("offer_id", "change_id", "change").rows() == [
        ("A", 2, "value_withdrawn"),
        ("B", 1, "required_added"),
        ("C", 1, "required_added"),
        ("C", 2, "value_withdrawn"),
    ]
    withdrawn = flags.filter(pl.col("change") == "value_withdrawn")
    assert set(withdrawn["value"]) == {"сухие"} and set(withdrawn["source"]) == {"arttrade"}


def test_nothing_to_flag() -> None:
    assert affected_cards(_changes(), CARDS).is_empty()
    only_added = _changes((*SHAMPOO, HAIR, "value_added", 1, "added"))
    assert affected_cards(only_added, CARDS).is_empty()


def test_a_flag_closes_when_the_card_passes_or_is_gone() -> None:
    flags = pl.DataFrame({"offer_id": ["A", "B", "C"]})
    per_card = pl.DataFrame({"offer_id": ["A", "B"], "passed": [True, False]})
    assert rechecked(flags, per_card) == ["A", "C"]
