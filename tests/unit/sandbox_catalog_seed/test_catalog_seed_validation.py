from __future__ import annotations

from typing import Any

import pytest

from ozon_sandbox.catalog_seed import (
    BRAND_ATTRIBUTE_ID,
    DESCRIPTION_CATEGORY_HAS_NO_DESCRIPTION_TYPE,
    DESCRIPTION_CATEGORY_INVALID,
    ERROR_ATTRIBUTE_VALUES_EMPTY,
    ERROR_ATTRIBUTE_VALUES_OUT_OF_RANGE,
    CatalogSeed,
    LeafPair,
    ProductAttribute,
    UnknownCategoryError,
)
from tests.support.catalog_seed import pair_named

OUT_OF_RANGE = ERROR_ATTRIBUTE_VALUES_OUT_OF_RANGE
PURPOSE = 22235
COUNTRY = 4389


@pytest.fixture(scope="module")
def shampoo(catalog: CatalogSeed) -> LeafPair:
    return pair_named(catalog, "Шампунь")


def _brand_id(catalog: CatalogSeed, pair: LeafPair, name: str) -> int:
    return catalog.search_values(BRAND_ATTRIBUTE_ID, *pair, name, limit=1)[0].id


def _value_id(catalog: CatalogSeed, pair: LeafPair, attribute_id: int, text: str) -> int:
    page, _ = catalog.values(attribute_id, *pair)
    return next(v.id for v in page if v.value == text)


def _shampoo_card(catalog: CatalogSeed, pair: LeafPair) -> list[dict[str, Any]]:
    """A complete card's characteristics, in the shape of a /v3/product/import item."""
    return [
        {
            "id": 85,
            "complex_id": 0,
            "values": [{"dictionary_value_id": _brand_id(catalog, pair, "Nivea")}],
        },
        {
            "id": 8229,
            "complex_id": 0,
            "values": [{"dictionary_value_id": pair.type_id, "value": "Шампунь"}],
        },
        {"id": 9048, "complex_id": 0, "values": [{"value": "Nivea Объём и сила"}]},
        {"id": 22232, "complex_id": 0, "values": [{"value": "250"}]},
        {"id": 22236, "complex_id": 0, "values": [{"value": "для всех типов"}]},
    ]


def test_a_dictionary_value_is_accepted_by_id_or_by_its_text(
    catalog: CatalogSeed, shampoo: LeafPair
) -> None:
    nivea = _brand_id(catalog, shampoo, "Nivea")
    assert (
        catalog.check_attribute_value(*shampoo, BRAND_ATTRIBUTE_ID, dictionary_value_id=nivea)
        is None
    )
    assert catalog.check_attribute_value(*shampoo, BRAND_ATTRIBUTE_ID, value="nivea") is None
    assert (
        catalog.check_attribute_value(*shampoo, BRAND_ATTRIBUTE_ID, value="Nivia") == OUT_OF_RANGE
    )
    assert (
        catalog.check_attribute_value(*shampoo, BRAND_ATTRIBUTE_ID, dictionary_value_id=nivea + 1)
        == OUT_OF_RANGE
    )


def test_a_value_of_another_types_dictionary_is_out_of_range(catalog: CatalogSeed) -> None:
    shampoo = pair_named(catalog, "Шампунь")
    toothpaste = pair_named(catalog, "Зубная паста")
    whitening = _value_id(catalog, toothpaste, PURPOSE, "отбеливание")
    assert (
        catalog.check_attribute_value(*toothpaste, PURPOSE, dictionary_value_id=whitening) is None
    )
    assert (
        catalog.check_attribute_value(*shampoo, PURPOSE, dictionary_value_id=whitening)
        == OUT_OF_RANGE
    )
    assert (
        catalog.check_attribute_value(*shampoo, 8229, dictionary_value_id=toothpaste.type_id)
        == OUT_OF_RANGE
    )


@pytest.mark.parametrize(
    ("attribute_id", "text", "expected"),
    [
        (22232, "250", None),
        (22232, "250.5", None),
        (22232, "двести", OUT_OF_RANGE),
        (4383, "300", None),
        (4383, "300.5", OUT_OF_RANGE),
        (9070, "false", None),
        (9070, "maybe", OUT_OF_RANGE),
        (21841, "https://v.ozone.ru/vod/video-10/01GFATWQVCD", None),
        (21841, "v.ozone.ru/video", OUT_OF_RANGE),
        (9048, "Nivea Объём и сила", None),
        (9048, "   ", ERROR_ATTRIBUTE_VALUES_EMPTY),
    ],
)
def test_a_free_value_must_fit_the_attribute_type(
    catalog: CatalogSeed, shampoo: LeafPair, attribute_id: int, text: str, expected: str | None
) -> None:
    assert catalog.check_attribute_value(*shampoo, attribute_id, value=text) == expected


def test_a_free_attribute_takes_no_dictionary_id(catalog: CatalogSeed, shampoo: LeafPair) -> None:
    assert (
        catalog.check_attribute_value(*shampoo, 9048, dictionary_value_id=5055881) == OUT_OF_RANGE
    )


def test_unknown_attribute_and_pair_get_ozons_import_codes(
    catalog: CatalogSeed, shampoo: LeafPair
) -> None:
    toothpaste = pair_named(catalog, "Зубная паста")
    assert catalog.check_attribute_value(*shampoo, 22246, value="мягкая") == OUT_OF_RANGE
    assert (
        catalog.check_attribute_value(1, 2, BRAND_ATTRIBUTE_ID, value="Nivea")
        == DESCRIPTION_CATEGORY_INVALID
    )
    assert (
        catalog.check_attribute_value(
            shampoo.description_category_id, toothpaste.type_id, 85, value="Nivea"
        )
        == DESCRIPTION_CATEGORY_HAS_NO_DESCRIPTION_TYPE
    )


def test_the_number_of_values_respects_collection_and_max_value_count(
    catalog: CatalogSeed, shampoo: LeafPair
) -> None:
    two_brands = {"id": 85, "values": [{"value": "Nivea"}, {"value": "Dove"}]}
    assert catalog.check_attribute(*shampoo, two_brands) == OUT_OF_RANGE
    countries, _ = catalog.values(COUNTRY, *shampoo)
    max_count = catalog.attribute(*shampoo, COUNTRY).max_value_count
    within = {
        "id": COUNTRY,
        "values": [{"dictionary_value_id": v.id} for v in countries[:max_count]],
    }
    beyond = {
        "id": COUNTRY,
        "values": [{"dictionary_value_id": v.id} for v in countries[: max_count + 1]],
    }
    assert catalog.check_attribute(*shampoo, within) is None
    assert catalog.check_attribute(*shampoo, beyond) == OUT_OF_RANGE
    assert (
        catalog.check_attribute(*shampoo, {"id": COUNTRY, "values": []})
        == ERROR_ATTRIBUTE_VALUES_EMPTY
    )
    mixed = {"id": COUNTRY, "values": [{"value": "Россия"}, {"value": "Атлантида"}]}
    assert catalog.check_attribute(*shampoo, ProductAttribute.model_validate(mixed)) == OUT_OF_RANGE


def test_a_complete_card_misses_nothing_and_passes_every_check(
    catalog: CatalogSeed, shampoo: LeafPair
) -> None:
    card = _shampoo_card(catalog, shampoo)
    assert catalog.missing_required(*shampoo, card) == []
    assert [catalog.check_attribute(*shampoo, a) for a in card] == [None] * len(card)


def test_missing_required_names_the_left_out_and_blank_ones(
    catalog: CatalogSeed, shampoo: LeafPair
) -> None:
    card = [a for a in _shampoo_card(catalog, shampoo) if a["id"] not in {85, 9048, 22236}]
    card.append({"id": 9048, "complex_id": 0, "values": [{"value": "  "}]})
    card.append({"id": 22236, "complex_id": 0, "values": []})
    assert catalog.missing_required(*shampoo, card) == [85, 9048, 22236]


def test_required_depends_on_the_type(catalog: CatalogSeed) -> None:
    perfume = pair_named(catalog, "Туалетная вода")
    missing = catalog.missing_required(*perfume, [])
    assert {85, 8229, 9048, 22232, 9163, 22238} == set(missing)
    assert missing == [a.id for a in catalog.required_attributes(*perfume)]


def test_missing_required_refuses_an_unknown_pair(catalog: CatalogSeed) -> None:
    with pytest.raises(UnknownCategoryError):
        catalog.missing_required(1, 2, [])
