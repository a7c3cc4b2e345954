from __future__ import annotations

import json
from pathlib import Path

import pytest

from ozon_sandbox.catalog_seed import (
    BRAND_ATTRIBUTE_ID,
    DESCRIPTION_CATEGORY_HAS_NO_DESCRIPTION_TYPE,
    DESCRIPTION_CATEGORY_INVALID,
    MODEL_NAME_ATTRIBUTE_ID,
    TYPE_ATTRIBUTE_ID,
    CatalogSeed,
    SeedDataError,
    UnknownAttributeError,
    UnknownCategoryError,
    build_catalog,
    read_sources,
)
from ozon_sandbox.catalog_seed.source import TypeAttributeSource
from tests.support.catalog_seed import ATTRIBUTE, pair_named
from tests.support.openapi import OzonSpec

HAIR_TYPE = 22236
VOLUME = 22232
PURPOSE = 22235


def test_attributes_have_exactly_the_keys_of_ozons_reply(
    catalog: CatalogSeed, ozon_examples: Path
) -> None:
    example = json.loads(
        (ozon_examples / "v1-description-category-attribute.response.json").read_text()
    )
    expected = set(example["result"][0])
    for pair in catalog.leaf_pairs():
        for attribute in catalog.attributes(*pair):
            assert set(attribute.model_dump()) == expected


def test_attribute_replies_conform_to_ozons_schema(catalog: CatalogSeed, spec: OzonSpec) -> None:
    for pair in catalog.leaf_pairs():
        reply = {"result": [a.model_dump() for a in catalog.attributes(*pair)]}
        spec.validate_response(ATTRIBUTE, reply)


def test_every_leaf_has_required_and_dictionary_attributes(catalog: CatalogSeed) -> None:
    for pair in catalog.leaf_pairs(include_disabled=True):
        attributes = catalog.attributes(*pair)
        ids = [a.id for a in attributes]
        assert len(ids) == len(set(ids)), pair
        required = {a.id for a in catalog.required_attributes(*pair)}
        assert {BRAND_ATTRIBUTE_ID, TYPE_ATTRIBUTE_ID, MODEL_NAME_ATTRIBUTE_ID} <= required
        assert any(a.dictionary_id for a in attributes if a.id not in {85, 8229}), pair
        assert any(not a.is_required for a in attributes), pair


def test_brand_and_type_carry_ozons_flags(catalog: CatalogSeed) -> None:
    pair = pair_named(catalog, "Шампунь")
    brand = catalog.attribute(*pair, BRAND_ATTRIBUTE_ID)
    assert brand.name == "Бренд"
    assert brand.dictionary_id != 0 and not brand.category_dependent
    kind = catalog.attribute(*pair, TYPE_ATTRIBUTE_ID)
    assert kind.name == "Тип"
    assert kind.dictionary_id != 0 and kind.category_dependent
    model = catalog.attribute(*pair, MODEL_NAME_ATTRIBUTE_ID)
    assert model.dictionary_id == 0 and model.type == "String"


def test_type_attribute_offers_the_type_itself(
    catalog: CatalogSeed, catalog_en: CatalogSeed
) -> None:
    pair = pair_named(catalog, "Зубная паста")
    values, has_next = catalog.values(TYPE_ATTRIBUTE_ID, *pair)
    assert [(v.id, v.value) for v in values] == [(pair.type_id, "Зубная паста")]
    assert has_next is False
    values_en, _ = catalog_en.values(TYPE_ATTRIBUTE_ID, *pair)
    assert [v.value for v in values_en] == ["Toothpaste"]


def test_requirements_differ_by_type(catalog: CatalogSeed) -> None:
    shampoo = pair_named(catalog, "Шампунь")
    hand_cream = pair_named(catalog, "Крем для рук")
    sponge = pair_named(catalog, "Губка для мытья посуды")
    assert catalog.attribute(*shampoo, VOLUME).is_required
    assert catalog.attribute(*shampoo, VOLUME).is_aspect
    assert catalog.attribute(*shampoo, HAIR_TYPE).is_required
    assert not catalog.attribute(*hand_cream, VOLUME).is_required
    with pytest.raises(UnknownAttributeError):
        catalog.attribute(*sponge, HAIR_TYPE)


def test_the_seed_mixes_every_kind_of_attribute(catalog: CatalogSeed) -> None:
    attributes = [a for p in catalog.leaf_pairs() for a in catalog.attributes(*p)]
    assert any(a.is_collection and a.max_value_count > 0 for a in attributes)
    assert any(a.is_aspect for a in attributes)
    assert any(a.category_dependent for a in attributes)
    assert {a.type for a in attributes} >= {"String", "Integer", "Decimal", "Boolean", "URL"}
    assert len({a.group_id for a in attributes}) >= 4


def test_video_attributes_form_one_complex_attribute(catalog: CatalogSeed) -> None:
    pair = pair_named(catalog, "Гель для душа")
    link = catalog.attribute(*pair, 21841)
    title = catalog.attribute(*pair, 21837)
    assert link.attribute_complex_id == title.attribute_complex_id == 100001
    assert link.complex_is_collection and title.complex_is_collection
    assert catalog.attribute(*pair, BRAND_ATTRIBUTE_ID).attribute_complex_id == 0


def test_category_dependent_dictionary_differs_between_types(catalog: CatalogSeed) -> None:
    shampoo = pair_named(catalog, "Шампунь")
    toothpaste = pair_named(catalog, "Зубная паста")
    assert catalog.attribute(*shampoo, PURPOSE).category_dependent
    shampoo_values = {v.value for v in catalog.values(PURPOSE, *shampoo)[0]}
    toothpaste_values = {v.value for v in catalog.values(PURPOSE, *toothpaste)[0]}
    assert "от перхоти" in shampoo_values and "отбеливание" in toothpaste_values
    assert not shampoo_values & toothpaste_values
    brands_shampoo = catalog.values(BRAND_ATTRIBUTE_ID, *shampoo, limit=50)[0]
    brands_toothpaste = catalog.values(BRAND_ATTRIBUTE_ID, *toothpaste, limit=50)[0]
    assert brands_shampoo == brands_toothpaste


def test_attribute_names_follow_the_language(catalog_en: CatalogSeed) -> None:
    pair = pair_named(catalog_en, "Shampoo")
    names = {a.id: a.name for a in catalog_en.attributes(*pair)}
    assert names[BRAND_ATTRIBUTE_ID] == "Brand"
    assert names[HAIR_TYPE] == "Hair type"


def test_unknown_and_non_leaf_categories_are_refused(catalog: CatalogSeed) -> None:
    shampoo = pair_named(catalog, "Шампунь")
    toothpaste = pair_named(catalog, "Зубная паста")
    root_id = catalog.tree[0].description_category_id

    with pytest.raises(UnknownCategoryError) as unknown:
        catalog.attributes(1, shampoo.type_id)
    assert unknown.value.import_code == DESCRIPTION_CATEGORY_INVALID
    assert unknown.value.http_status == 404

    with pytest.raises(UnknownCategoryError) as non_leaf:
        catalog.attributes(root_id, shampoo.type_id)
    assert non_leaf.value.import_code == DESCRIPTION_CATEGORY_INVALID
    assert "last-level" in non_leaf.value.message

    with pytest.raises(UnknownCategoryError) as foreign_type:
        catalog.attributes(shampoo.description_category_id, toothpaste.type_id)
    assert foreign_type.value.import_code == DESCRIPTION_CATEGORY_HAS_NO_DESCRIPTION_TYPE


def test_a_broken_seed_file_is_reported_with_file_and_field() -> None:
    sources = read_sources()
    types = dict(sources.attributes.types)
    types["shampoo"] = [*types["shampoo"], TypeAttributeSource(id=999_999)]
    broken = sources.model_copy(
        update={"attributes": sources.attributes.model_copy(update={"types": types})}
    )
    with pytest.raises(SeedDataError, match=r"attributes\.yaml: types\.shampoo: .*999999"):
        build_catalog(broken)
