"""The category mapping: ranked suggestions, the reviewed file's round trip, refused imports."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from novex_assets.catalog.mapping import (
    CSV_COLUMNS,
    MappingFileError,
    export_mapping_file,
    import_mapping_file,
    suggest_mappings,
    sync_mapping,
)
from novex_assets.catalog.tree import refresh_tree
from resources.ozon import OzonClient
from resources.sources.files import FileDropSap
from resources.store.store import Store
from resources.store.tables import utcnow
from sample_data.generator import generate

REPO = Path(__file__).resolve().parents[3]
SHIPPED = REPO / "config" / "category_mapping.csv"


@pytest.fixture
def loaded(store: Store, client: OzonClient, tmp_path: Path) -> Store:
    """A store with a small sample assortment and Ozon's tree."""
    generate(tmp_path / "data", skus=600, seed=5)
    store.inventory.upsert_products(FileDropSap(tmp_path / "data").read_assortment().frame)
    refresh_tree(client, store.catalog_model, utcnow())
    return store


def _write(path: Path, rows: list[list[str]]) -> Path:
    lines = [";".join(CSV_COLUMNS[:6]), *(";".join(r) for r in rows)]
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_suggestions_rank_the_obvious_type_first(loaded: Store) -> None:
    repo = loaded.catalog_model
    found = suggest_mappings(
        loaded.inventory.products(), repo.categories(), repo.mapping(), per_category=3
    )
    best = {
        r["novex_category_code"]: (r["description_category_id"], r["type_id"])
        for r in found.rows.filter(pl.col("rank") == 1).iter_rows(named=True)
    }
    assert best["CO-0101"] == (17028968, 93284)  # Шампуни -> Шампунь
    assert best["HY-0101"] == (17028990, 95321)  # Зубные пасты -> Зубная паста
    assert best["HC-0201"] == (17033041, 96150)  # Средства для мытья посуды
    assert best["PF-0201"] == (17028985, 94611)  # Парфюмерная вода
    assert best["HG-0201"] == (17036001, 97460)  # Мешки для мусора
    # Diapers and nail polish resemble nothing Ozon's drugstore slice offers.
    assert {"HY-0301", "CO-0303"} <= set(found.without_candidate)
    shampoo = found.rows.filter(pl.col("novex_category_code") == "CO-0101").sort("rank")
    assert shampoo["score"].is_sorted(descending=True)
    assert "Шампунь" in shampoo["reason"][0]


def test_a_confirmed_row_ends_its_categorys_suggestions(loaded: Store, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "m.csv", [["CO-0101", "Шампуни", "17028968", "93284", "", "confirmed"]]
    )
    sync_mapping(loaded, path, decided_by="test", now=utcnow())
    rows = loaded.catalog_model.mapping()
    assert rows.filter(pl.col("status") == "confirmed").height == 1
    conditioner = rows.filter(
        (pl.col("novex_category_code") == "CO-0102") & (pl.col("rank") == 1)
    ).row(0, named=True)
    assert conditioner["type_id"] == 93285
    assert rows.filter(pl.col("novex_category_code") == "CO-0101").height == 1, (
        "a confirmed category gets no suggestions"
    )


def test_an_import_with_errors_names_each_row_and_changes_nothing(
    loaded: Store, tmp_path: Path
) -> None:
    good = _write(
        tmp_path / "good.csv", [["CO-0101", "Шампуни", "17028968", "93284", "", "confirmed"]]
    )
    import_mapping_file(loaded, good, decided_by="Ирина", now=utcnow())
    before = loaded.catalog_model.mapping()

    bad = _write(
        tmp_path / "bad.csv",
        [
            ["CO-0101", "Шампуни", "17028968", "93284", "", "confirmed"],
            ["CO-0102", "Бальзамы", "abc", "93285", "", "confirmed"],
            ["XX-9999", "Нет такой", "17028968", "93285", "", "suggested"],
            ["CO-0103", "Маски", "17028968", "1", "", "suggested"],
            ["CO-0101", "Шампуни", "17028968", "93284", "", "suggested"],
            ["CO-0101", "Шампуни", "17028968", "93289", "", "confirmed"],
            ["CO-0201", "Кремы", "17028971", "92456", "", "ok"],
        ],
    )
    with pytest.raises(MappingFileError) as raised:
        import_mapping_file(loaded, bad, decided_by="Ирина", now=utcnow())
    problems = raised.value.problems
    assert problems == [
        "row 3: description_category_id 'abc' is not a positive whole number",
        "row 4: unknown Novex category 'XX-9999'",
        "row 5: unknown Ozon category 17028968:1 (no such type in Ozon's tree)",
        "row 6: duplicate of row 2 (same category and pair)",
        "row 7: second confirmed row for CO-0101 (first on row 2)",
        "row 8: status 'ok' is not one of suggested, confirmed, rejected",
    ]
    assert "nothing imported" in str(raised.value)
    assert loaded.catalog_model.mapping().equals(before)


def test_the_shipped_mapping_imports_and_round_trips(loaded: Store, tmp_path: Path) -> None:
    copy = tmp_path / "category_mapping.csv"
    shutil.copy(SHIPPED, copy)
    imported = import_mapping_file(loaded, copy, decided_by="test", now=utcnow())
    confirmed = imported.filter(pl.col("status") == "confirmed")
    assert confirmed.height >= 20
    assert imported.filter(pl.col("status") == "suggested").height >= 2
    pairs = loaded.catalog_model.confirmed_mapping()
    assert pairs["path"].null_count() == 0, "every confirmed pair exists in Ozon's tree"

    exported = tmp_path / "exported.csv"
    export_mapping_file(loaded, exported)
    data = exported.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b";" in data.splitlines()[0]
    again = import_mapping_file(loaded, exported, decided_by="other", now=utcnow())
    key = ["novex_category_code", "description_category_id", "type_id"]
    columns = [*key, "status", "decided_by", "note"]
    assert again.select(columns).sort(key).equals(imported.select(columns).sort(key))


def test_products_of_the_same_brands_under_a_confirmed_type_lift_it(loaded: Store) -> None:
    repo = loaded.catalog_model
    products, tree = loaded.inventory.products(), repo.categories()

    def score_of_shampoo_for_conditioners() -> float:
        rows = suggest_mappings(products, tree, repo.mapping(), per_category=50, min_score=0)
        hit = rows.rows.filter(
            (pl.col("novex_category_code") == "CO-0102") & (pl.col("type_id") == 93284)
        )
        return float(hit["score"][0])

    alone = score_of_shampoo_for_conditioners()
    confirmed = pl.DataFrame(
        [["CO-0101", 17028968, 93284, "Шампуни", "confirmed", None, None, None, "t", None, None]],
        schema=repo.mapping().drop("updated_at").schema,
        orient="row",
    )
    repo.replace_mapping(confirmed, utcnow())
    # Conditioners share their brands (and barcode prefixes) with the shampoos now confirmed.
    assert score_of_shampoo_for_conditioners() >= alone + 10
