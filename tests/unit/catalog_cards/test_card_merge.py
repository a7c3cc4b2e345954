"""The card merge: ownership rules, dictionary matching, hashes and provenance."""

from __future__ import annotations

import json

import polars as pl

from novex_assets.catalog.card_fields import load_card_fields
from novex_assets.catalog.cards import merge_cards
from novex_assets.catalog.dictionary_match import match_dictionary_values, normalise_text
from tests.unit.catalog_cards.factories import (
    SHAMPOO,
    brand_resolver,
    dictionary,
    inputs,
    sap_row,
)

RULES = load_card_fields()
BRANDS = {"nivea": 5055881}


def _card(merged, offer_id: str) -> dict:
    return json.loads(merged.cards.filter(pl.col("offer_id") == offer_id)["card"][0])


def _attribute(card: dict, attribute_id: int) -> list[dict]:
    for attribute in card["attributes"]:
        if attribute["id"] == attribute_id:
            return attribute["values"]
    return []


def test_fields_follow_the_owner_then_the_fallbacks() -> None:
    data = inputs(
        sap=[sap_row("A1"), sap_row("A2", weight_g=None)],
        content=[
            {"offer_id": "A1", "name": "Шампунь из Art-Trade", "image_urls": ["https://i/1.jpg"]},
            {"offer_id": "A2", "name": None, "image_urls": []},
        ],
        ozon_cards=[{"offer_id": "A2", "weight_g": 415.0, "images": ["https://ozon/2.jpg"]}],
    )
    merged = merge_cards(data, RULES, brand_resolver(BRANDS))
    a1, a2 = _card(merged, "A1"), _card(merged, "A2")
    assert a1["name"] == "Шампунь из Art-Trade"  # Art-Trade owns the name
    assert a2["name"] == "Шампунь SAP A2"  # ... SAP is its fallback
    assert a2["weight"] == 415 and a2["images"] == ["https://ozon/2.jpg"]  # Ozon last
    sources = json.loads(merged.cards.filter(pl.col("offer_id") == "A2")["provenance"][0])
    assert sources["fields"]["weight_g"] == "ozon" and sources["fields"]["name"] == "sap"


def test_a_template_value_on_ozon_wins_where_the_rules_say_so() -> None:
    data = inputs(
        ozon_cards=[{"offer_id": "A1", "name": "На Ozon"}],
        ozon_values=[
            ("A1", 9048, 0, "Модель из шаблона"),  # template_wins: true
            ("A1", 22236, 970584104, "жирные"),  # Art-Trade owns it: Art-Trade wins
            ("A1", 22234, 0, "Состав из шаблона"),  # nobody at Novex has it: kept
        ],
    )
    card = _card(merge_cards(data, RULES, brand_resolver(BRANDS)), "A1")
    assert _attribute(card, 9048)[0]["value"] == "Модель из шаблона"
    assert _attribute(card, 22236)[0]["dictionary_value_id"] == 970584101
    # 22234 is not in the attribute model of the factory pair, so it cannot be sent.
    assert _attribute(card, 22234) == []


def test_dictionary_values_match_exact_normalised_and_by_synonym() -> None:
    wanted = pl.DataFrame(
        {
            "row_id": [1, 2, 3, 4],
            "description_category_id": [SHAMPOO[0]] * 4,
            "type_id": [SHAMPOO[1]] * 4,
            "attribute_id": [22236] * 4,
            "value": ["сухие", "  ЖИРНЫЕ ", "все типы волос", "кудрявые"],
        }
    )
    matched, unmatched = match_dictionary_values(wanted, dictionary(), RULES.synonyms)
    how = dict(matched.select("row_id", "how").iter_rows())
    assert how == {1: "exact", 2: "normalised", 3: "synonym"}
    assert unmatched["value"].to_list() == ["кудрявые"]  # reported, never guessed


def test_normalisation_treats_units_case_and_yo_alike() -> None:
    assert normalise_text("100 мл") == normalise_text("100мл") == normalise_text("100\u00a0МЛ")
    assert normalise_text("Ёжик") == normalise_text("ежик")
    assert normalise_text("0,5 л") == normalise_text("0.5л")


def test_brands_resolve_through_search_once_per_value() -> None:
    resolver = brand_resolver(BRANDS)
    data = inputs(sap=[sap_row("A1"), sap_row("A2"), sap_row("A3", brand="Неизвестный бренд")])
    merged = merge_cards(data, RULES, resolver)
    assert _attribute(_card(merged, "A1"), 85)[0]["dictionary_value_id"] == 5055881
    assert resolver.calls.count("Nivea") == 1
    unmatched = merged.unmatched.filter(pl.col("offer_id") == "A3")
    assert unmatched["attribute_id"].to_list() == [85]
    issues = json.loads(merged.cards.filter(pl.col("offer_id") == "A3")["issues"][0])
    assert issues[0]["kind"] == "unmatched_value" and issues[0]["value"] == "Неизвестный бренд"


def test_hash_ignores_prices_but_not_content() -> None:
    base = merge_cards(inputs(), RULES, brand_resolver(BRANDS)).cards
    repriced = inputs()
    repriced = repriced.__class__(
        **{**repriced.__dict__, "prices": repriced.prices.with_columns(pl.col("price") + 10)}
    )
    again = merge_cards(repriced, RULES, brand_resolver(BRANDS)).cards
    assert base["content_hash"].to_list() == again["content_hash"].to_list()
    renamed = inputs(sap=[sap_row("A1", barcode="4600000000015"), sap_row("A2")])
    changed = merge_cards(renamed, RULES, brand_resolver(BRANDS)).cards
    assert changed["content_hash"][0] != base["content_hash"][0]
    assert changed["content_hash"][1] == base["content_hash"][1]


def test_products_without_a_confirmed_mapping_get_no_card() -> None:
    data = inputs(sap=[sap_row("A1"), sap_row("B1", category_code="XX-0001")])
    merged = merge_cards(data, RULES, brand_resolver(BRANDS))
    assert merged.cards["offer_id"].to_list() == ["A1"]
    assert merged.unmapped["offer_id"].to_list() == ["B1"]


def test_single_valued_attributes_keep_one_value_collections_their_maximum() -> None:
    chars = [("A1", "Объём", "250"), ("A1", "Объём", "300")]
    chars += [("A1", "Тип волос", "сухие|жирные|для всех типов")]
    data = inputs(sap=[sap_row("A1")], characteristics=chars)
    card = _card(merge_cards(data, RULES, brand_resolver(BRANDS)), "A1")
    assert len(_attribute(card, 22232)) == 1
    assert {v["dictionary_value_id"] for v in _attribute(card, 22236)} == {
        970584101,
        970584103,
        970584104,
    }
