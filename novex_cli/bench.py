"""`novex bench`: the two numbers the README quotes, measured in one run.

(a) How close a full stock sweep gets to Ozon's allowed request rate without being rejected,
    against the sandbox enforcing Ozon's real limits on a scaled clock.
(b) How much the local cycle (read sources, compute stock and prices, read Ozon state, diff)
    costs on top of just reading the inputs, at 25k and 1M SKUs, with peak memory.
Each size of (b) runs in its own process so its peak RSS is its own.
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

from novex_assets.inventory.diff import changed_prices, changed_stock
from novex_assets.inventory.prices import compute_prices
from novex_assets.inventory.stock import compute_stock_levels
from novex_assets.inventory.sync import push_stock
from novex_assets.settings import load_settings
from resources.ozon import OzonClient
from resources.ozon.constants import STOCKS_UPDATE
from resources.sources.files import FileDropInfor, FileDropSap
from resources.store.store import Store

STOCK_LIMIT_PER_MIN = 80  # Ozon: /v2/products/stocks, per seller account
GLOBAL_LIMIT_PER_S = 50  # Ozon: all methods, per Client-Id


def sweep(skus: int, time_factor: float, workdir: Path) -> dict[str, Any]:
    """(a): push every (offer, warehouse) pair once and compare the achieved rate to the allowed."""
    from novex_cli.stack import start_stack

    stack = start_stack(workdir / "sweep", skus=skus, seed=1, time_factor=time_factor)
    try:
        settings = stack.settings
        sap = FileDropSap(stack.data_dir).read_assortment().frame
        snapshot_ref = FileDropInfor(stack.data_dir).latest_stock_snapshot()
        assert snapshot_ref is not None
        infor = FileDropInfor(stack.data_dir).read_stock_snapshot(snapshot_ref).frame
        store = Store(stack.store_url).migrate()
        reserved = store.inventory.reserved_quantities()
        levels, _ = compute_stock_levels(sap, infor, reserved, settings)
        with OzonClient(
            stack.server.url, stack.client_id, stack.api_key, time_scale=time_factor
        ) as client:
            started = time.perf_counter()
            report = push_stock(
                client, store.inventory, levels, batch_size=100, run_id="bench", log=lambda _: None
            )
            seconds = time.perf_counter() - started
        log = stack.server.admin.requests(stack.client_id)
        method = log.methods[STOCKS_UPDATE]
        allowed = min(STOCK_LIMIT_PER_MIN / 60, GLOBAL_LIMIT_PER_S) * time_factor
        achieved = method.requests / seconds
        return {
            "pairs": levels.height,
            "requests": method.requests,
            "seconds": round(seconds, 2),
            "time_factor": time_factor,
            "achieved_rps": round(achieved, 1),
            "allowed_rps": round(allowed, 1),
            "achieved_over_allowed": round(achieved / allowed, 3),
            "rejected_requests": log.total_rejected_by_limit,
            "rejected_items": sum(method.item_errors.values()),
            "accepted_items": report.accepted,
            "real_time_at_ozon_speed_min": round(seconds * time_factor / 60, 1),
        }
    finally:
        stack.close()


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def local_cycle(skus: int, workdir: Path) -> dict[str, Any]:
    """(b) for one size, in this process: read vs read + compute + state read + diff."""
    from sample_data.generator import generate

    data = workdir / f"cycle-{skus}"
    settings = load_settings()
    generate(data, skus=skus, seed=2, sites=tuple(w.infor_site for w in settings.warehouses))
    store = Store(f"sqlite:///{(data / 'store.sqlite').resolve()}").migrate()
    base_rss = _rss_mb()

    started = time.perf_counter()
    sap = FileDropSap(data).read_assortment().frame
    ref = FileDropInfor(data).latest_stock_snapshot()
    assert ref is not None
    infor = FileDropInfor(data).read_stock_snapshot(ref).frame
    read_s = time.perf_counter() - started

    # What Ozon accepted last time: today's levels with 1 % of pairs different (untimed setup).
    reserved = store.inventory.reserved_quantities()
    levels, _ = compute_stock_levels(sap, infor, reserved, settings)
    prices, _ = compute_prices(sap, settings)
    accepted = levels.with_columns(
        pl.when(pl.int_range(pl.len()) % 100 == 0).then(pl.col("stock") + 1).otherwise("stock")
    )
    store.inventory.record_stock_results(
        accepted,
        accepted.head(0).with_columns(code=pl.lit(""), message=pl.lit("")),
        run_id="bench",
        method=STOCKS_UPDATE,
    )

    started = time.perf_counter()
    sap = FileDropSap(data).read_assortment().frame
    infor = FileDropInfor(data).read_stock_snapshot(ref).frame
    t_read = time.perf_counter()
    levels, _ = compute_stock_levels(sap, infor, store.inventory.reserved_quantities(), settings)
    prices, _ = compute_prices(sap, settings)
    t_compute = time.perf_counter()
    state = store.inventory.ozon_stock_state()
    price_state = store.inventory.ozon_price_state()
    t_state = time.perf_counter()
    stock_changes = changed_stock(levels, state)
    price_changes = changed_prices(prices, price_state)
    cycle_s = time.perf_counter() - started
    return {
        "skus": skus,
        "pairs": levels.height,
        "read_s": round(read_s, 2),
        "cycle_s": round(cycle_s, 2),
        "cycle_over_read": round(cycle_s / read_s, 2),
        "breakdown_s": {
            "read": round(t_read - started, 2),
            "compute": round(t_compute - t_read, 2),
            "read_ozon_state": round(t_state - t_compute, 2),
            "diff": round(time.perf_counter() - t_state, 2),
        },
        "stock_changes": stock_changes.height,
        "price_changes": price_changes.height,
        "peak_rss_mb": _rss_mb(),
        "rss_before_mb": base_rss,
    }


def run_bench(
    *, skus: int, big: int, time_factor: float, workdir: Path, orders: int = 1000
) -> None:
    """Run (a) here and (b) in one subprocess per size; print a table and JSON."""
    workdir.mkdir(parents=True, exist_ok=True)
    click.echo(
        f"(a) full stock sweep of {skus} SKUs against the sandbox (clock x{time_factor:g}) ..."
    )
    a = sweep(skus, time_factor, workdir)
    click.echo(json.dumps(a, indent=2))
    results = []
    for size in (skus, big):
        click.echo(f"(b) local cycle at {size} SKUs ...")
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "import json,sys; from pathlib import Path; "
                "from novex_cli.bench import local_cycle; "
                f"print(json.dumps(local_cycle({size}, Path({str(workdir)!r}))))",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        click.echo(json.dumps(result, indent=2))
    from novex_cli.bench_orders import orders_throughput

    click.echo(f"(d) {orders} postings through both order chains at Ozon's speed ...")
    c = orders_throughput(orders, workdir)
    click.echo(json.dumps(c, indent=2))
    click.echo("\n| measure | value |\n|---|---|")
    click.echo(
        f"| (a) stock sweep, {a['pairs']} pairs in {a['requests']} requests | "
        f"{a['achieved_over_allowed']:.0%} of the allowed rate, "
        f"{a['rejected_requests']} requests and {a['rejected_items']} items rejected |"
    )
    for r in results:
        click.echo(
            f"| (b) local cycle, {r['skus']:,} SKUs ({r['pairs']:,} pairs) | "
            f"{r['cycle_s']} s vs {r['read_s']} s reading = x{r['cycle_over_read']}, "
            f"peak RSS {r['peak_rss_mb']} MB |"
        )
    from novex_cli.bench_push import run_push_bench, table_rows

    for row in table_rows(run_push_bench(workdir)):
        click.echo(row)
    click.echo(
        f"| (d) order chains, {c['postings']} postings, Ozon's limits at real speed | "
        f"chain 1 {c['chain1_per_min']}/min, chain 2 {c['chain2_per_min']}/min, "
        f"labels {c['labels_per_min']}/min; {c['rejected_by_limit']} requests rejected |"
    )
