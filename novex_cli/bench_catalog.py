"""`novex bench` for the catalog: merge + GE checks + diff vs reading the three inputs.

The three inputs are SAP's assortment and Art-Trade's two exports (files, parsed as the
adapters do) and what Ozon holds for the cards (a snapshot of the read-back, as parquet).
Ozon's category model comes from a sandbox through the same refresh the assets run, which
also gives the dictionary download count against the minimum the page size allows.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click
import polars as pl
from pydantic import SecretStr

from novex_assets.catalog.attributes import DictionaryPolicy, refresh_pair
from novex_assets.catalog.card_checks import run_card_checks
from novex_assets.catalog.card_fields import load_card_fields
from novex_assets.catalog.card_inputs import confirmed_mapping, search_resolver
from novex_assets.catalog.cards import CardInputs, MergedCards, merge_cards
from novex_assets.catalog.export import select_for_export
from novex_assets.catalog.mapping import import_mapping_file
from novex_assets.catalog.tree import diff_tree, flatten_tree
from novex_assets.inventory.prices import compute_prices
from novex_assets.settings import load_settings
from ozon_sandbox.catalog_seed.edits import CatalogEdit
from ozon_sandbox.config import SandboxConfig
from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient
from resources.sources.files import FileDropSap
from resources.sources.resources import FileDropArtTradeResource
from resources.store.store import Store
from resources.store.tables import utcnow

CLIENT_ID = "100500"
API_KEY = "bench-key"
PAGE = 2000


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _prepare_model(data: Path, store: Store) -> dict[str, Any]:
    """Tree, the reviewed mapping, attributes and walked dictionaries, from a sandbox."""
    server = SandboxServer(
        SandboxConfig(accounts={CLIENT_ID: SecretStr(API_KEY)}, time_factor=1000.0, seed=2)
    ).start()
    try:
        sap = FileDropSap(data).read_assortment().frame
        brands = sorted(set(sap["brand"].drop_nulls().to_list()))
        server.admin.edit_catalog(
            CLIENT_ID,
            [
                CatalogEdit(op="add_value", attribute_id=85, value_id=980_000_000 + i, value=b)
                for i, b in enumerate(brands)
            ],
        )
        with OzonClient(server.url, CLIENT_ID, API_KEY, time_scale=1000.0) as client:
            repo = store.catalog_model
            upserts, removed, changes = diff_tree(
                repo.categories(), flatten_tree(client.catalog.tree())
            )
            repo.save_tree(upserts, removed, changes, utcnow())
            mapping_file = Path(__file__).resolve().parents[1] / "config" / "category_mapping.csv"
            import_mapping_file(store, mapping_file, decided_by="bench", now=utcnow())
            requests = 0
            minimum = 0
            for pair in repo.confirmed_pairs():
                report = refresh_pair(
                    client, repo, pair, DictionaryPolicy(page_size=PAGE), utcnow(), force=True
                )
                requests += report.requests
                # One attributes call per pair, then the fewest pages of each walked dictionary.
                minimum += 1 + sum(w.minimum_requests for w in report.walks)
            # Warm the brand search cache, as the first real run would.
            inputs = _inputs(data, store, ozon=None)
            merge_cards(inputs, load_card_fields(), search_resolver(client, store))
    finally:
        server.stop()
    return {"dictionary_requests": requests, "dictionary_minimum": minimum}


def _inputs(data: Path, store: Store, ozon: tuple[pl.DataFrame, pl.DataFrame] | None) -> CardInputs:
    from novex_assets.catalog.cards import OZON_CARD_COLUMNS, OZON_VALUE_COLUMNS

    sap = FileDropSap(data).read_assortment().frame
    content = FileDropArtTradeResource(data_dir=str(data)).source().read_content()
    prices, _ = compute_prices(sap, load_settings())
    pairs = store.catalog_model.confirmed_pairs()
    ozon_cards, ozon_values = ozon or (
        pl.DataFrame(schema=OZON_CARD_COLUMNS),
        pl.DataFrame(schema=OZON_VALUE_COLUMNS),
    )
    return CardInputs(
        sap=sap,
        prices=prices,
        mapping=confirmed_mapping(store),
        content=content.content,
        characteristics=content.characteristics,
        ozon_cards=ozon_cards,
        ozon_values=ozon_values,
        attributes=store.catalog_model.attributes(),
        dictionary=store.catalog_model.all_dictionary_values(pairs),
    )


def _ozon_snapshot(merged: MergedCards, path: Path) -> None:
    """What Ozon would hold after an earlier export: the merged cards themselves."""
    flat = merged.flat.select(
        "offer_id",
        "name",
        "barcode",
        "weight_g",
        "depth_mm",
        "width_mm",
        "height_mm",
        pl.col("images"),
    )
    flat.write_parquet(path / "ozon_cards.parquet")
    merged.values.select("offer_id", "attribute_id", "dictionary_value_id", "value").write_parquet(
        path / "ozon_values.parquet"
    )


def catalog_cycle(skus: int, workdir: Path) -> dict[str, Any]:
    """One size, in this process: read the three inputs vs read + merge + GE checks + diff."""
    from sample_data.generator import generate

    data = workdir / f"catalog-{skus}"
    settings = load_settings()
    generate(data, skus=skus, seed=2, sites=tuple(w.infor_site for w in settings.warehouses))
    store = Store(f"sqlite:///{(data / 'store.sqlite').resolve()}").migrate()
    model = _prepare_model(data, store)
    rules = load_card_fields()
    first = merge_cards(_inputs(data, store, None), rules, _cached_resolver(store))
    _ozon_snapshot(first, data)
    # What Ozon accepted last time: every card, 1 % of them with an older hash (untimed setup).
    cards = first.cards
    accepted = cards.select(
        "offer_id",
        pl.lit(None, pl.String).alias("sent_hash"),
        pl.lit(None, pl.Int64).alias("task_id"),
        pl.lit("imported").alias("state"),
        pl.when(pl.int_range(pl.len()) % 100 == 0)
        .then(pl.lit("old"))
        .otherwise(pl.col("content_hash"))
        .alias("accepted_hash"),
    )
    del first
    # Great Expectations' import (3-4 s) is paid once per process, not per card: left out.
    import great_expectations  # noqa: F401

    base_rss = _rss_mb()

    started = time.perf_counter()
    ozon = (
        pl.read_parquet(data / "ozon_cards.parquet"),
        pl.read_parquet(data / "ozon_values.parquet"),
    )
    inputs = _inputs(data, store, ozon)
    t_read = time.perf_counter()
    cached = _cached_resolver(store)
    merged = merge_cards(inputs, rules, cached)
    t_merge = time.perf_counter()
    pairs = [
        (int(a), int(b))
        for a, b in merged.cards.select("description_category_id", "type_id").unique().iter_rows()
    ]
    checks = run_card_checks(
        merged,
        store.catalog_model.attributes(),
        store.catalog_model.all_dictionary_values(pairs),
        rules,
    )
    t_checks = time.perf_counter()
    to_send, counts = select_for_export(merged.cards, checks.per_card, accepted)
    cycle_s = time.perf_counter() - started
    read_s = t_read - started
    return {
        "skus": skus,
        "cards": merged.cards.height,
        "read_s": round(read_s, 2),
        "cycle_s": round(cycle_s, 2),
        "cycle_over_read": round(cycle_s / read_s, 2),
        "breakdown_s": {
            "read": round(read_s, 2),
            "merge": round(t_merge - t_read, 2),
            "ge_checks": round(t_checks - t_merge, 2),
            "diff": round(time.perf_counter() - t_checks, 2),
        },
        "failed_checks": int((~checks.per_card["passed"]).sum()),
        "to_send": to_send.height,
        "unchanged": counts["unchanged"],
        "expectations": checks.expectations,
        "peak_rss_mb": _rss_mb(),
        "rss_before_mb": base_rss,
        **model,
        "dictionary_requests_over_minimum": round(
            model["dictionary_requests"] / max(1, model["dictionary_minimum"]), 2
        ),
    }


def _cached_resolver(store: Store) -> Any:
    """Brands from the search cache only (the warm-up run asked Ozon already)."""
    cache = store.catalog_model.search_cache()
    known = {
        (int(a), int(b), int(c), str(q)): (int(v) if v is not None else None)
        for a, b, c, q, v in cache.select(
            "description_category_id", "type_id", "attribute_id", "query_norm", "value_id"
        ).iter_rows()
    }
    from novex_assets.catalog.text import normalise

    def resolve(pair: tuple[int, int], attribute_id: int, text: str) -> int | None:
        return known.get((pair[0], pair[1], attribute_id, normalise(text)[:500]))

    return resolve


def run_catalog_bench(*, skus: int, big: int, workdir: Path) -> list[dict[str, Any]]:
    """Each size in its own process (peak memory is per process); print JSON and a table."""
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for size in (skus, big):
        click.echo(f"(c) catalog cycle at {size} SKUs ...")
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "import json; from pathlib import Path; "
                "from novex_cli.bench_catalog import catalog_cycle; "
                f"print(json.dumps(catalog_cycle({size}, Path({str(workdir)!r}))))",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        click.echo(json.dumps(result, indent=2))
    for r in results:
        click.echo(
            f"| (c) catalog: merge + GE checks + diff, {r['skus']:,} SKUs ({r['cards']:,} cards) | "
            f"{r['cycle_s']} s vs {r['read_s']} s reading = x{r['cycle_over_read']}, "
            f"peak RSS {r['peak_rss_mb']} MB |"
        )
    r = results[0]
    click.echo(
        f"| (d) dictionary download | {r['dictionary_requests']} requests for a minimum of "
        f"{r['dictionary_minimum']} = x{r['dictionary_requests_over_minimum']} |"
    )
    return results
