"""Plain functions of the catalog model: normalising Russian text, tree and attribute diffs."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from novex_assets.catalog.attributes import (
    DictionaryPolicy,
    attributes_frame,
    diff_attributes,
    parse_partition_key,
    partition_key,
)
from novex_assets.catalog.mapping import parse_decided_at
from novex_assets.catalog.text import normalise, normalise_name
from novex_assets.catalog.tree import diff_tree, flatten_tree
from resources.ozon.models.catalog import CategoryAttribute, CategoryNode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100мл", "100 мл"),
        ("  100 МЛ ", "100 мл"),
        ("Чёрный  жемчуг", "черный жемчуг"),
        ("L'Oreal Paris", "l oreal paris"),
        ("Сухие|повреждённые", "сухие поврежденные"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise(text: str | None, expected: str) -> None:
    assert normalise(text) == expected


def test_normalise_name_drops_pack_sizes() -> None:
    assert normalise_name("Шампунь «Алоэ» 250мл") == "шампунь алоэ"
    assert normalise_name("Губки для посуды 5 шт") == "губки для посуды"


def _tree(shampoo: str = "Шампунь", disabled: bool = False) -> list[CategoryNode]:
    return [
        CategoryNode(
            description_category_id=1,
            category_name="Красота",
            children=[
                CategoryNode(
                    description_category_id=11,
                    category_name="Волосы",
                    children=[
                        CategoryNode(type_id=101, type_name=shampoo, disabled=disabled),
                        CategoryNode(type_id=102, type_name="Маска"),
                    ],
                )
            ],
        )
    ]


def test_flatten_tree_gives_pairs_and_paths() -> None:
    flat = flatten_tree(_tree())
    assert flat.select("description_category_id", "type_id", "path").rows() == [
        (1, 0, "Красота"),
        (11, 0, "Красота > Волосы"),
        (11, 101, "Красота > Волосы > Шампунь"),
        (11, 102, "Красота > Волосы > Маска"),
    ]


def _stored(flat: pl.DataFrame) -> pl.DataFrame:
    return flat.with_columns(pl.lit(None, pl.Datetime("us", "UTC")).alias("removed_at"))


def test_diff_tree_first_load_records_nothing() -> None:
    flat = flatten_tree(_tree())
    upserts, removed, changes = diff_tree(_stored(flat.clear()), flat)
    assert upserts.height == 4 and removed == [] and changes.is_empty()


def test_diff_tree_names_each_change() -> None:
    before = _stored(flatten_tree(_tree()))
    after = flatten_tree(_tree(shampoo="Шампунь для волос", disabled=True)).filter(
        pl.col("type_id") != 102
    )
    upserts, removed, changes = diff_tree(before, after)
    assert removed == [(11, 102)]
    assert sorted(changes.select("type_id", "change", "old_value", "new_value").rows()) == [
        (101, "disabled", "Красота > Волосы > Шампунь", "Красота > Волосы > Шампунь для волос"),
        (101, "renamed", "Шампунь", "Шампунь для волос"),
        (102, "removed", "Красота > Волосы > Маска", None),
    ]
    assert upserts["type_id"].to_list() == [101]
    assert diff_tree(_stored(after), after)[2].is_empty()


def _attribute(attribute_id: int, required: bool, dictionary: int = 0) -> CategoryAttribute:
    return CategoryAttribute(
        id=attribute_id, name=f"a{attribute_id}", is_required=required, dictionary_id=dictionary
    )


def test_attribute_modes_and_drift() -> None:
    policy = DictionaryPolicy(search_attribute_ids=frozenset({85}))
    before = attributes_frame(
        [_attribute(85, True, 28732849), _attribute(4389, False, 1935), _attribute(7, True)],
        policy,
    )
    assert dict(before.select("attribute_id", "dictionary_mode").rows()) == {
        85: "search",
        4389: "walked",
        7: "none",
    }
    after = attributes_frame(
        [_attribute(85, True, 28732849), _attribute(4389, True, 1935), _attribute(9, True)],
        policy,
        search_before=[4389],
    )
    assert after.filter(pl.col("attribute_id") == 4389)["dictionary_mode"][0] == "search"
    removed, changes = diff_attributes((11, 101), before, after)
    assert removed == [7]
    assert sorted(changes.select("attribute_id", "change").rows()) == [
        (7, "attribute_removed"),
        (9, "required_added"),
        (4389, "required_added"),
    ]
    assert diff_attributes((11, 101), before.clear(), after)[1].is_empty()


def test_partition_keys_round_trip() -> None:
    assert partition_key((17028968, 93284)) == "17028968:93284"
    assert parse_partition_key("17028968:93284") == (17028968, 93284)
    with pytest.raises(ValueError, match="not a pair partition key"):
        parse_partition_key("17028968-93284")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-11-30 09:00", datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),
        ("2026-11-30 9:00", datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),
        ("30.11.2026 9:00", datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),
        ("30.11.2026", datetime(2026, 11, 30, tzinfo=UTC)),
        ("2026-11-30T09:00:00+03:00", datetime(2026, 11, 30, 6, 0, tzinfo=UTC)),
        ("", None),
        ("вчера", "bad"),
    ],
)
def test_mapping_dates_as_excel_saves_them(cell: str, expected: object) -> None:
    assert parse_decided_at(cell) == expected
