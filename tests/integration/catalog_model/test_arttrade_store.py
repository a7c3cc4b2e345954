"""Catalog store on both backends: Art-Trade content round trip, one confirmed pair per category."""

from __future__ import annotations

import polars as pl
import pytest
import sqlalchemy as sa

from resources.store.catalog_model import MAPPING_SCHEMA
from resources.store.store import Store
from resources.store.tables import utcnow

CONTENT = {
    "offer_id": pl.String,
    "name": pl.String,
    "description": pl.String,
    "image_urls": pl.List(pl.String),
    "file": pl.String,
    "line": pl.Int64,
}
CHARS = {
    "offer_id": pl.String,
    "attribute_name": pl.String,
    "value": pl.String,
    "file": pl.String,
    "line": pl.Int64,
}


def test_content_round_trips_and_a_new_export_replaces_the_old(store: Store) -> None:
    repo = store.catalog_model
    content = pl.DataFrame(
        [
            [
                "NVX-1",
                "Шампунь",
                'Текст; с "кавычками"\nи строкой',
                ["https://i/1.jpg", "https://i/2.jpg"],
                "c.csv",
                2,
            ],
            ["NVX-2", "Крем", None, [], "c.csv", 3],
        ],
        schema=CONTENT,
        orient="row",
    )
    chars = pl.DataFrame(
        [
            ["NVX-1", "Объем", "250мл", "ch.csv", 2],
            ["NVX-1", "Аромат", "лаванда|мята", "ch.csv", 3],
        ],
        schema=CHARS,
        orient="row",
    )
    assert repo.replace_arttrade(content, chars, utcnow()) == {"content": 2, "characteristics": 2}
    back = repo.arttrade_content()
    assert back.drop("loaded_at").equals(content)
    assert (
        repo.arttrade_characteristics()
        .drop("loaded_at")
        .sort("attribute_name")
        .equals(chars.sort("attribute_name"))
    )

    repo.replace_arttrade(content.head(1), chars.head(1), utcnow())
    assert repo.arttrade_content()["offer_id"].to_list() == ["NVX-1"]
    assert repo.arttrade_characteristics().height == 1


def test_at_most_one_confirmed_pair_per_novex_category(store: Store) -> None:
    rows = pl.DataFrame(
        [
            ["CO-0101", 17028968, 93284, "Шампуни", "confirmed", None, None, None, "a", None, None],
            ["CO-0101", 17028968, 93289, "Шампуни", "confirmed", None, None, None, "b", None, None],
        ],
        schema=MAPPING_SCHEMA,
        orient="row",
    )
    with pytest.raises(sa.exc.IntegrityError):
        store.catalog_model.replace_mapping(rows, utcnow())
    assert store.catalog_model.mapping().is_empty(), "the failed replace left nothing behind"
    store.catalog_model.replace_mapping(rows.with_columns(status=pl.lit("suggested")), utcnow())
    assert store.catalog_model.mapping().height == 2
