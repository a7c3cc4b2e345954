from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ozon_sandbox.catalog_seed import (
    CatalogSeed,
    InvalidCatalogRequestError,
    load_catalog,
)
from tests.support.catalog_seed import TREE
from tests.support.openapi import OzonSpec

DRUGSTORE_TYPES = {
    "Шампунь",
    "Кондиционер для волос",
    "Маска для волос",
    "Краска для волос",
    "Крем для лица",
    "Крем для рук",
    "Лосьон для тела",
    "Помада для губ",
    "Тушь для ресниц",
    "Туалетная вода",
    "Парфюмерная вода",
    "Средство для мытья посуды",
    "Средство для стирки",
    "Чистящее средство",
    "Губка для мытья посуды",
    "Мешки для мусора",
    "Бумажные полотенца",
    "Зубная паста",
    "Зубная щетка",
    "Дезодорант",
    "Гель для душа",
}


def _tree_reply(catalog: CatalogSeed) -> dict[str, Any]:
    return {"result": [node.model_dump() for node in catalog.tree]}


def _nodes(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        yield from _nodes(item["children"])


def _key_sets(reply: dict[str, Any]) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    categories = {frozenset(n) for n in _nodes(reply["result"]) if "type_id" not in n}
    types = {frozenset(n) for n in _nodes(reply["result"]) if "type_id" in n}
    return categories, types


def test_tree_nodes_have_exactly_the_keys_of_ozons_reply(
    catalog: CatalogSeed, ozon_examples: Path
) -> None:
    example = json.loads((ozon_examples / "v1-description-category-tree.response.json").read_text())
    assert _key_sets(_tree_reply(catalog)) == _key_sets(example)


def test_tree_reply_conforms_to_ozons_schema(catalog: CatalogSeed, spec: OzonSpec) -> None:
    spec.validate_response(TREE, _tree_reply(catalog))
    spec.validate_response(TREE, _tree_reply(load_catalog("EN")))


def test_tree_covers_the_drugstore_assortment_in_russian(catalog: CatalogSeed) -> None:
    roots = {node.category_name for node in catalog.tree}
    assert {"Красота и гигиена", "Бытовая химия", "Дом и сад"} <= roots
    type_names = {catalog.leaf(*pair).type_name for pair in catalog.leaf_pairs()}
    assert type_names >= DRUGSTORE_TYPES


def test_ids_look_like_ozons_and_pairs_are_unique(catalog: CatalogSeed) -> None:
    pairs = catalog.leaf_pairs(include_disabled=True)
    assert len(pairs) == len(set(pairs))
    for category_id, type_id in pairs:
        assert 17_027_000 <= category_id <= 17_039_000
        assert 90_000 <= type_id <= 99_999
    category_ids = [
        n["description_category_id"]
        for n in _nodes(_tree_reply(catalog)["result"])
        if "category_name" in n
    ]
    assert len(category_ids) == len(set(category_ids))


def test_leaf_pairs_are_the_types_under_their_last_level_category(catalog: CatalogSeed) -> None:
    from_tree = set()
    for node in _nodes(_tree_reply(catalog)["result"]):
        for child in node["children"]:
            if "type_id" in child:
                from_tree.add((node["description_category_id"], child["type_id"]))
    assert set(catalog.leaf_pairs(include_disabled=True)) == from_tree


def test_a_retired_type_stays_in_the_tree_but_offers_no_pair(catalog: CatalogSeed) -> None:
    disabled = [p for p in catalog.leaf_pairs(include_disabled=True) if catalog.leaf(*p).disabled]
    assert disabled, "the seed should show Ozon's disabled flag on at least one type"
    assert not set(disabled) & set(catalog.leaf_pairs())


def test_english_tree_keeps_the_ids_and_translates_the_names(
    catalog: CatalogSeed, catalog_en: CatalogSeed
) -> None:
    assert catalog_en.leaf_pairs() == catalog.leaf_pairs()
    en_names = {catalog_en.leaf(*p).type_name for p in catalog_en.leaf_pairs()}
    assert {"Shampoo", "Toothpaste", "Trash bags"} <= en_names
    assert not en_names & DRUGSTORE_TYPES
    assert catalog_en.tree[0].category_name == "Beauty and hygiene"


def test_default_and_ru_give_the_same_russian_tree(catalog: CatalogSeed) -> None:
    assert _tree_reply(load_catalog("RU")) == _tree_reply(catalog)


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(InvalidCatalogRequestError, match="language"):
        load_catalog("FR")
