"""`novex mapping suggest|export|import` against a store with an assortment and Ozon's tree."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from novex_assets.catalog.tree import flatten_tree
from novex_cli.main import cli
from ozon_sandbox.catalog_seed import load_catalog
from resources.ozon.models.catalog import CategoryNode
from resources.sources.files import FileDropSap
from resources.store.catalog_model import CATEGORY_CHANGE_SCHEMA
from resources.store.store import Store
from resources.store.tables import utcnow
from sample_data.generator import generate


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    generate(tmp_path / "data", skus=800, seed=2)
    with Store(url) as store:
        store.migrate()
        store.inventory.upsert_products(FileDropSap(tmp_path / "data").read_assortment().frame)
        roots = [CategoryNode.model_validate(n.model_dump()) for n in load_catalog().tree]
        store.catalog_model.save_tree(
            flatten_tree(roots), [], pl.DataFrame(schema=CATEGORY_CHANGE_SCHEMA), utcnow()
        )
    return url


def test_suggest_edit_import_export(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    file = tmp_path / "category_mapping.csv"
    args = ["--file", str(file), "--db-url", db_url]

    suggested = runner.invoke(cli, ["mapping", "suggest", *args, "--by", "Ирина"])
    assert suggested.exit_code == 0, suggested.output
    assert "0 categories confirmed" in suggested.output
    assert "No Ozon type resembles" in suggested.output
    text = file.read_text(encoding="utf-8-sig")
    assert file.read_bytes().startswith(b"\xef\xbb\xbf")
    shampoo = next(
        line for line in text.splitlines() if line.startswith("CO-0101;") and ";93284;" in line
    )
    assert ";suggested;" in shampoo

    # The operator confirms the shampoo row in Excel and imports the file back.
    file.write_text(
        "\ufeff" + text.replace(shampoo, shampoo.replace(";suggested;", ";confirmed;")),
        encoding="utf-8",
    )
    imported = runner.invoke(cli, ["mapping", "import", *args, "--by", "Ирина"])
    assert imported.exit_code == 0, imported.output
    assert "1 confirmed" in imported.output
    with Store(db_url) as store:
        confirmed = store.catalog_model.confirmed_mapping()
    assert confirmed.select("novex_category_code", "type_id", "decided_by").rows() == [
        ("CO-0101", 93284, "Ирина")
    ]

    exported = runner.invoke(cli, ["mapping", "export", *args])
    assert exported.exit_code == 0, exported.output
    rows = [line.split(";") for line in file.read_text(encoding="utf-8-sig").splitlines()]
    header = rows[0]
    confirmed_rows = [dict(zip(header, r, strict=False)) for r in rows[1:] if "confirmed" in r]
    assert [(r["novex_category_code"], r["decided_by"]) for r in confirmed_rows] == [
        ("CO-0101", "Ирина")
    ]
    assert confirmed_rows[0]["decided_at"][:4] == str(utcnow().year)


def test_import_with_errors_names_rows_and_exits_non_zero(db_url: str, tmp_path: Path) -> None:
    file = tmp_path / "bad.csv"
    file.write_text(
        "\ufeffnovex_category_code;description_category_id;type_id;status\r\n"
        "CO-0101;17028968;93284;confirmed\r\n"
        "CO-0101;17028968;93284;confirmed\r\n"
        "ZZ-0001;17028968;93284;suggested\r\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["mapping", "import", "--file", str(file), "--db-url", db_url])
    assert result.exit_code == 1
    assert "3 problem(s), nothing imported" in result.output
    assert "row 3: duplicate of row 2 (same category and pair)" in result.output
    assert "row 3: second confirmed row for CO-0101 (first on row 2)" in result.output
    assert "row 4: unknown Novex category 'ZZ-0001'" in result.output
    with Store(db_url) as store:
        assert store.catalog_model.mapping().is_empty()


def test_suggest_without_ozons_tree_says_what_to_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    result = CliRunner().invoke(
        cli, ["mapping", "suggest", "--file", str(tmp_path / "m.csv"), "--db-url", url]
    )
    assert result.exit_code == 1
    assert "Ozon's category tree is not loaded yet" in result.output
    assert not (tmp_path / "m.csv").exists()
