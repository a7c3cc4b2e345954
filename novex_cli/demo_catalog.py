"""The catalog part of `novex demo`: cards for the whole assortment, checks, export, moderation.

After the inventory runs, Novex lists a few new products (SAP, Art-Trade, Infor drop files
for them; two with a name Ozon's moderators refuse). Then: Ozon's category model and the
reviewed mapping file (a few categories left as suggestions), the first catalog export,
an hour of Ozon's moderation, the staff report; staff fix some source rows and a second export
sends only those cards; finally the inventory sync gives the approved new cards stock and
prices.
"""

from __future__ import annotations

import csv
import os
import shutil
import time
from pathlib import Path
from typing import Any

import click
import dagster as dg
import polars as pl

from novex_assets.catalog.attributes import partition_key
from novex_assets.catalog.export_assets import (
    CARD_CHECKS,
    CARD_EXPORT,
    CARD_MODERATION,
    CATALOG_REPORT,
    PRODUCT_CARDS,
)
from novex_assets.catalog.model_assets import ATTRIBUTES_KEY, MAPPING_KEY, TREE_KEY
from novex_assets.constants import (
    CATALOG_EXPORT_JOB,
    CATALOG_MODERATION_JOB,
    CATALOG_REFRESH_JOB,
    INVENTORY_SYNC_JOB,
)
from novex_assets.definitions import build_definitions
from novex_cli.stack import REPO_ROOT, LocalStack
from resources.sources.arttrade import ARTTRADE_DIR
from resources.sources.files import SAP_DIR
from resources.store_resource import open_store
from sample_data.generator import change_stock

NEW_PRODUCTS = 40
DECLINED_NAMES = 2  # of the new products, named with a word Ozon's moderators refuse
FORBIDDEN_WORD = "реплика"
FIXED_ROWS = 25
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(tmp, path)


def _ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _newest(directory: Path, pattern: str) -> Path:
    return max(directory.glob(pattern), key=lambda p: (p.stat().st_mtime, p.name))


def _config_copy(workdir: Path) -> None:
    """The demo works on a copy of the config, so the mapping round trip leaves the repo alone."""
    target = workdir / "config"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("novex.yaml", "category_mapping.csv", "card_fields.yaml"):
        shutil.copyfile(REPO_ROOT / "config" / name, target / name)
    os.environ["NOVEX_CONFIG"] = str(target / "novex.yaml")
    os.environ["NOVEX_CARD_FIELDS"] = str(target / "card_fields.yaml")


def list_new_products(data_dir: Path, mapped: set[str]) -> list[str]:
    """Novex lists new products: one export per system with their rows added; their offer_ids."""
    sap_path = _newest(data_dir / SAP_DIR, "assortment*.csv")
    header, rows = _read(sap_path)
    col = {name: i for i, name in enumerate(header)}
    enabled = ("1", "true", "да")
    candidates = [
        r
        for r in rows
        if r[col["category_code"]] in mapped and r[col["ozon_enabled"]].strip() in enabled
    ]
    sources = candidates[:: max(1, len(candidates) // NEW_PRODUCTS)][:NEW_PRODUCTS]
    new_ids = {r[col["offer_id"]]: f"N{r[col['offer_id']]}" for r in sources}
    added = []
    for n, r in enumerate(sources):
        row = list(r)
        row[col["offer_id"]] = new_ids[r[col["offer_id"]]]
        row[col["barcode"]] = _ean13(f"46999{n:07d}")
        added.append(row)
    _write(sap_path, header, rows + added)

    content_path = _newest(data_dir / ARTTRADE_DIR, "content*.csv")
    c_header, c_rows = _read(content_path)
    extra: list[list[str]] = []
    for r in c_rows:
        if r and r[0] in new_ids:
            row = [new_ids[r[0]], *r[1:]]
            if len(extra) < DECLINED_NAMES:
                row[1] = f"{row[1]} ({FORBIDDEN_WORD})"
            if not row[3].strip():
                row[3] = f"https://img.novex.example/catalog/{row[0]}/1.jpg"
            extra.append(row)
    _write(content_path, c_header, c_rows + extra)
    chars_path = _newest(data_dir / ARTTRADE_DIR, "characteristics*.csv")
    h_header, h_rows = _read(chars_path)
    _write(
        chars_path,
        h_header,
        h_rows + [[new_ids[r[0]], *r[1:]] for r in h_rows if r and r[0] in new_ids],
    )

    # Infor's next snapshot counts the new products' stock too.
    stock_path = change_stock(data_dir, share=0.0, seed=len(new_ids))
    s_header, s_rows = _read(stock_path)
    new_stock = [[new_ids[r[0]], *r[1:]] for r in s_rows if r and r[0] in new_ids]
    _write(stock_path, s_header, s_rows + new_stock)
    return sorted(new_ids.values())


def fix_source_rows(data_dir: Path, store_url: str, limit: int) -> list[str]:
    """Staff fix cards held back by Art-Trade gaps: images added, missing characteristics filled.

    Written as a new Art-Trade export (the newest file is the one in force).
    """
    repo = open_store(store_url).catalog_cards
    run = repo.latest_check_run()
    if run is None:
        return []
    failing = repo.check_results(run).filter(~pl.col("passed"))
    fixable = (
        failing.filter(
            pl.col("failures").str.contains('"check":"images_present"', literal=True)
            & ~pl.col("failures").str.contains('"owner":"SAP"', literal=True)
            & ~pl.col("failures").str.contains("required:", literal=True)
            & ~pl.col("failures").str.contains("dictionary:", literal=True)
        )["offer_id"]
        .head(limit)
        .to_list()
    )
    chosen = set(fixable)
    directory = data_dir / ARTTRADE_DIR
    header, rows = _read(_newest(directory, "content*.csv"))
    for row in rows:
        if row and row[0] in chosen and not row[3].strip():
            row[3] = f"https://img.novex.example/catalog/{row[0]}/1.jpg"
    _write(directory / "content_fix1.csv", header, rows)
    c_header, c_rows = _read(_newest(directory, "characteristics*.csv"))
    _write(directory / "characteristics_fix1.csv", c_header, c_rows)
    return sorted(chosen)


def register_brands(stack: LocalStack) -> list[str]:
    """Ozon knows a brand once it is registered; the sandbox is told through its admin call.

    The last brand stays unregistered, so its cards show what an unknown brand does.
    """
    from ozon_sandbox.catalog_seed.edits import CatalogEdit

    header, rows = _read(_newest(stack.data_dir / SAP_DIR, "assortment*.csv"))
    column = header.index("brand")
    brands = sorted({r[column].strip() for r in rows if len(r) > column and r[column].strip()})
    registered = brands[:-1]
    edits = [
        CatalogEdit(op="add_value", attribute_id=85, value_id=980_000_000 + i, value=brand)
        for i, brand in enumerate(registered)
    ]
    if edits:
        stack.server.admin.edit_catalog(stack.client_id, edits)
    return registered


def _meta(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> dict[str, Any]:
    for event in result.get_asset_materialization_events():
        m = event.materialization
        if m is not None and m.asset_key == key:
            return {k: v.value for k, v in m.metadata.items()}
    return {}


def _run(
    stack: LocalStack, instance: dg.DagsterInstance, job: str, label: str, **kwargs: Any
) -> dg.ExecuteInProcessResult:
    defs = build_definitions(resources=stack.resources())
    started = time.perf_counter()
    result = defs.resolve_job_def(job).execute_in_process(
        instance=instance,
        run_config=QUIET,
        raise_on_error=False,
        tags={"novex/demo": label},
        **kwargs,
    )
    if not result.success:
        raise click.ClickException(f"{label}: run {result.run_id} failed; see `dagster dev`")
    click.echo(f"\n== {label} (run {result.run_id[:8]}, {time.perf_counter() - started:.1f} s)")
    return result


def refresh_model(stack: LocalStack, instance: dg.DagsterInstance) -> None:
    """Ozon's tree, the reviewed mapping file, and attributes of every confirmed pair."""
    result = _run(
        stack,
        instance,
        CATALOG_REFRESH_JOB,
        "catalog model",
        asset_selection=[TREE_KEY, MAPPING_KEY],
    )
    mapping = _meta(result, MAPPING_KEY)
    click.echo(
        f"  mapping: {mapping.get('confirmed_categories')} categories confirmed, "
        f"{mapping.get('unmapped_categories')} left as suggestions "
        f"({mapping.get('suggestions')} ranked)"
    )
    store = open_store(stack.store_url)
    defs = build_definitions(resources=stack.resources())
    job = defs.resolve_job_def(CATALOG_REFRESH_JOB)
    pairs = store.catalog_model.confirmed_pairs()
    for pair in pairs:
        job.execute_in_process(
            instance=instance,
            run_config=QUIET,
            partition_key=partition_key(pair),
            asset_selection=[ATTRIBUTES_KEY],
        )
    click.echo(f"  attributes and dictionaries of {len(pairs)} Ozon pairs loaded")


def _print_export(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    cards, checks, export = (
        _meta(result, PRODUCT_CARDS),
        _meta(result, CARD_CHECKS),
        _meta(result, CARD_EXPORT),
    )
    click.echo(
        f"  cards   {cards.get('cards', 0):>6}  new {cards.get('new_cards', 0):>6}  "
        f"changed {cards.get('changed_cards', 0):>5}  "
        f"unmapped products {cards.get('unmapped_products', 0)}  "
        f"unmatched values {cards.get('unmatched_values', 0)}"
    )
    click.echo(
        f"  checks  {checks.get('cards_checked', 0):>6}  "
        f"failed {checks.get('cards_failed', 0):>5}  "
        f"({checks.get('suites', 0)} suites, {checks.get('expectations', 0)} expectations)"
    )
    click.echo(
        f"  export  sent {export.get('sent', 0):>6} (create {export.get('creates', 0)}, update "
        f"{export.get('updates', 0)})  unchanged {export.get('unchanged', 0)}  batches "
        f"{export.get('batches', 0)}  imported {export.get('imported', 0)}  failed "
        f"{export.get('failed', 0)}  waiting for quota {export.get('waiting_quota', 0)}"
    )
    codes = export.get("error_codes") or {}
    if codes:
        click.echo(f"          Ozon errors by code: {codes}")
    return export


def _print_moderation(result: dg.ExecuteInProcessResult) -> None:
    moderation, report = _meta(result, CARD_MODERATION), _meta(result, CATALOG_REPORT)
    click.echo(
        f"  moderation  approved {moderation.get('approved', 0)}  declined "
        f"{moderation.get('declined', 0)}  in review {moderation.get('in_review', 0)}  "
        f"handed to the stock and price sync {moderation.get('handed_to_inventory', 0)}"
    )
    if report:
        click.echo(
            f"  so far  approved {report.get('approved')}  declined {report.get('declined')} "
            "(the export run follows moderation too)"
        )
        click.echo(f"  report  {report.get('report')}  ({report.get('blocked_skus')} SKUs blocked)")
        click.echo(f"          by reason: {report.get('by_reason')}")
        click.echo(f"          by owner:  {report.get('by_owner')}")


def run_catalog_demo(stack: LocalStack, instance: dg.DagsterInstance, workdir: Path) -> None:
    """The catalog story after the inventory runs (see the module docstring)."""
    saved = {name: os.environ.get(name) for name in ("NOVEX_CONFIG", "NOVEX_CARD_FIELDS")}
    try:
        _catalog_story(stack, instance, workdir)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _mapping_for_assortment(workdir: Path, data_dir: Path) -> None:
    """Keep the reviewed rows of categories the generated assortment has.

    A small demo lacks some categories, and the mapping import refuses one SAP does not know.
    """
    header, rows = _read(_newest(data_dir / SAP_DIR, "assortment*.csv"))
    codes = {r[header.index("category_code")] for r in rows if len(r) == len(header)}
    path = workdir / "config" / "category_mapping.csv"
    m_header, m_rows = _read(path)
    _write(path, m_header, [r for r in m_rows if r and r[0] in codes])


def _catalog_story(stack: LocalStack, instance: dg.DagsterInstance, workdir: Path) -> None:
    _config_copy(workdir)
    _mapping_for_assortment(workdir, stack.data_dir)
    mapped = {
        r[0]
        for r in _read(workdir / "config" / "category_mapping.csv")[1]
        if len(r) > 5 and r[5] == "confirmed"
    }
    new = list_new_products(stack.data_dir, mapped)
    click.echo(
        f"\nNovex listed {len(new)} new products in SAP, Art-Trade and Infor "
        f"({DECLINED_NAMES} named with «{FORBIDDEN_WORD}», which Ozon's moderators refuse)"
    )
    brands = register_brands(stack)
    click.echo(
        f"Novex's own brands registered with Ozon: {len(brands)} (one left out, to show "
        "what an unknown brand does)"
    )
    refresh_model(stack, instance)
    _print_export(_run(stack, instance, CATALOG_EXPORT_JOB, "catalog export"))
    stack.server.admin.advance(3_700)
    click.echo("\nOne hour of Ozon's moderation passes (sandbox clock).")
    _print_moderation(_run(stack, instance, CATALOG_MODERATION_JOB, "moderation"))

    fixed = fix_source_rows(stack.data_dir, stack.store_url, FIXED_ROWS)
    click.echo(f"\nStaff add the missing images of {len(fixed)} products in Art-Trade.")
    export = _print_export(_run(stack, instance, CATALOG_EXPORT_JOB, "catalog export after fixes"))
    store = open_store(stack.store_url)
    sent = store.catalog_cards.exports().filter(pl.col("sent_at") == pl.col("sent_at").max())
    exported = set(sent["offer_id"].to_list()) if export.get("sent") else set()
    click.echo(
        f"  only the fixed cards went: {len(exported & set(fixed))} of {len(fixed)} fixed, "
        f"{len(exported - set(fixed))} others"
    )
    stack.server.admin.advance(3_700)
    _print_moderation(_run(stack, instance, CATALOG_MODERATION_JOB, "moderation after fixes"))

    inventory = _run(stack, instance, INVENTORY_SYNC_JOB, "stock and prices for the new cards")
    stock = _meta(inventory, dg.AssetKey(["inventory", "stock_sync"]))
    prices = _meta(inventory, dg.AssetKey(["inventory", "price_sync"]))
    approved_new = (
        store.catalog_cards.moderation()
        .filter(pl.col("offer_id").is_in(new) & (pl.col("status") == "approved"))["offer_id"]
        .to_list()
    )
    on_ozon = store.inventory.ozon_stock_state().filter(pl.col("offer_id").is_in(approved_new))
    priced = store.inventory.ozon_price_state().filter(pl.col("offer_id").is_in(approved_new))
    click.echo(
        f"  stock pairs sent {stock.get('sent', 0)}, prices sent {prices.get('sent', 0)}; "
        f"{len(approved_new)} approved new products now have stock on Ozon for "
        f"{on_ozon['offer_id'].n_unique()} and prices for {priced.height}"
    )
