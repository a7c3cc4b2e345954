"""`novex mapping suggest|export|import`: the category mapping's spreadsheet round trip.

Catalog staff open `config/category_mapping.csv` in Excel, set `status` to confirmed or
rejected (and may add a note), save, and import it back. The store is the one named by
`NOVEX_DB_URL` (default `sqlite:///var/novex.sqlite`), the file the one the config names.
"""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from novex_assets.catalog.mapping import (
    MappingFileError,
    export_mapping_file,
    import_mapping_file,
    mapping_path,
    sync_mapping,
)
from novex_assets.settings import load_settings
from resources.store.engine import default_store_url, safe_url
from resources.store.store import Store
from resources.store.tables import utcnow

_FILE = click.option(
    "--file",
    "file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Mapping file (default: catalog.mapping_file of the config, beside it).",
)
_DB = click.option(
    "--db-url", default=None, help="Store URL (default: $NOVEX_DB_URL or the local SQLite file)."
)


def _open(db_url: str | None) -> Store:
    return Store(db_url or default_store_url()).migrate()


def _file(file: Path | None) -> Path:
    return file or mapping_path(None, load_settings().catalog.mapping_file)


@click.group()
def mapping() -> None:
    """Novex category -> Ozon (category, type) mapping: suggest, export, import."""


@mapping.command()
@_FILE
@_DB
@click.option("--by", default=None, help="Who decides (default: the login name).")
def suggest(file: Path | None, db_url: str | None, by: str | None) -> None:
    """Import the file's decisions, rank Ozon types for unmapped categories, write the file."""
    path, settings = _file(file), load_settings()
    with _open(db_url) as store:
        try:
            result = sync_mapping(
                store,
                path,
                decided_by=by or getpass.getuser(),
                now=utcnow(),
                per_category=settings.catalog.suggestions_per_category,
                min_score=settings.catalog.min_suggestion_score,
            )
        except MappingFileError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(
            f"{path}: {result.confirmed} categories confirmed, {len(result.unmapped)} unmapped, "
            f"{result.suggested} suggestions written ({safe_url(store.engine.url)})"
        )
        if result.without_candidate:
            click.echo(
                "No Ozon type resembles (map by hand): " + ", ".join(result.without_candidate)
            )


@mapping.command()
@_FILE
@_DB
def export(file: Path | None, db_url: str | None) -> None:
    """Write the stored mapping to the file (UTF-8 with BOM, `;`, for Excel)."""
    path = _file(file)
    with _open(db_url) as store:
        rows = export_mapping_file(store, path)
    click.echo(f"{path}: {rows} rows written")


@mapping.command("import")
@_FILE
@_DB
@click.option("--by", default=None, help="Who decides (default: the login name).")
def import_(file: Path | None, db_url: str | None, by: str | None) -> None:
    """Check the whole file and make it the mapping; any problem changes nothing."""
    path = _file(file)
    if not path.exists():
        raise click.ClickException(f"{path}: no such file")
    with _open(db_url) as store:
        try:
            frame = import_mapping_file(
                store, path, decided_by=by or getpass.getuser(), now=utcnow()
            )
        except MappingFileError as exc:
            raise click.ClickException(str(exc)) from exc
    counts = frame["status"].value_counts().sort("status").iter_rows()
    click.echo(f"{path}: imported " + ", ".join(f"{n} {status}" for status, n in counts))
