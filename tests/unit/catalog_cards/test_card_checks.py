"""The checks as plain functions and as really executed Great Expectations suites."""

from __future__ import annotations

import json

import polars as pl
import pytest

from novex_assets.catalog.card_checks import (
    ean13_check_digit,
    failing_share,
    run_card_checks,
)
from novex_assets.catalog.card_fields import load_card_fields
from novex_assets.catalog.cards import merge_cards
from tests.unit.catalog_cards.factories import brand_resolver, dictionary, inputs, sap_row

RULES = load_card_fields()


def _failures(data, dictionary_frame=None) -> dict[str, set[str]]:
    merged = merge_cards(data, RULES, brand_resolver({"nivea": 5055881}))
    run = run_card_checks(
        merged,
        data.attributes,
        data.dictionary if dictionary_frame is None else dictionary_frame,
        RULES,
    )
    out: dict[str, set[str]] = {o: set() for o in run.per_card["offer_id"]}
    for offer_id, check in run.failures.select("offer_id", "check").iter_rows():
        out[offer_id].add(check)
    return out


@pytest.mark.parametrize(
    ("code", "digit"),
    [("4600000000008", 8), ("4006381333931", 1), ("400638133393", None), ("40063813339X1", None)],
)
def test_ean13_check_digit(code: str, digit: int | None) -> None:
    assert ean13_check_digit(code) == digit


def test_clean_cards_pass_every_expectation() -> None:
    assert _failures(inputs()) == {"A1": set(), "A2": set()}


def test_each_rule_catches_its_defect() -> None:
    data = inputs(
        sap=[
            sap_row("OK"),
            sap_row("VAT", vat="0.18"),
            sap_row("EAN", barcode="4600000000009"),
            sap_row("HEAVY", weight_g=900_000.0),
            sap_row("SIZE", height_mm=None),
            sap_row("LONG"),
        ],
        content=[
            {"offer_id": o, "name": f"Шампунь {o}", "image_urls": ["https://i/1.jpg"]}
            for o in ("OK", "VAT", "EAN", "HEAVY", "SIZE")
        ]
        + [{"offer_id": "LONG", "name": "Ш" * 501, "image_urls": []}],
    )
    found = _failures(data)
    assert found["OK"] == set()
    assert found["VAT"] == {"vat_in_ozon_set"}
    assert found["EAN"] == {"barcode_check_digit"}
    assert found["HEAVY"] == {"weight_g_plausible"}
    assert found["SIZE"] == {"height_mm_present"}
    assert found["LONG"] == {"name_length", "images_present"}


def test_missing_required_characteristic_names_the_unmatched_value() -> None:
    data = inputs(
        sap=[sap_row("A1")],
        characteristics=[("A1", "Объём", "250"), ("A1", "Тип волос", "кудрявые")],
    )
    merged = merge_cards(data, RULES, brand_resolver({"nivea": 5055881}))
    run = run_card_checks(merged, data.attributes, data.dictionary, RULES)
    row = run.failures.filter(pl.col("check") == "required:22236").row(0, named=True)
    assert "кудрявые" in row["reason"] and row["owner"] == "Art-Trade"
    stored = json.loads(run.per_card.filter(pl.col("offer_id") == "A1")["failures"][0])
    assert stored[0]["check"] == "required:22236"


def test_a_dictionary_value_withdrawn_under_us_fails_the_card() -> None:
    # The card on Ozon holds hair type 970584103; Ozon has since withdrawn that value.
    data = inputs(
        sap=[sap_row("A1")],
        characteristics=[("A1", "Объём", "250")],
        ozon_values=[("A1", 22236, 970584103, "сухие")],
    )
    current = dictionary().filter(pl.col("value_id") != 970584103)
    assert _failures(data, current)["A1"] == {"dictionary:22236"}


def test_a_pair_without_attribute_model_holds_its_cards_back() -> None:
    data = inputs()
    empty = data.__class__(**{**data.__dict__, "attributes": data.attributes.head(0)})
    assert _failures(empty) == {"A1": {"attribute_model"}, "A2": {"attribute_model"}}


def test_failing_share() -> None:
    frame = pl.DataFrame({"offer_id": ["a", "b", "c", "d"], "passed": [True, False, True, True]})
    assert failing_share(frame) == 0.25
    assert failing_share(frame.head(0)) == 0.0
