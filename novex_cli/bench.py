"""`novex bench`: the numbers the README quotes, measured in one run.

(a) A full stock sweep against the sandbox enforcing Ozon's real limits on a scaled clock, clean
    and again with faults on (5xx share, hung calls), reported as its time over the floor that
    Ozon's 80-per-minute window allows for that many calls (the first 80 go at once, so the floor
    is one window per further 80), with calls and items Ozon rejected and pairs lost.
(b) How much the local cycle (read sources, compute stock and prices, read Ozon state, diff)
    costs on top of just reading the inputs, at 25k and 1M SKUs, with peak memory.
Each size of (b) runs in its own process so its peak RSS is its own.
"""

from __future__ import annotations

import json
import logging
import math
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import httpx
import polars as pl

from novex_assets.inventory.diff import changed_prices, changed_stock
from novex_assets.inventory.prices import compute_prices
from novex_assets.inventory.stock import compute_stock_levels
from novex_assets.inventory.sync import DEFAULT_CONCURRENCY, push_stock
from novex_assets.settings import load_settings
from ozon_sandbox.config import FaultSettings
from ozon_sandbox.testing import SandboxAdmin
from resources.ozon import OzonClient
from resources.ozon.constants import STOCKS_BATCH_MAX, STOCKS_UPDATE
from resources.ozon.ratelimit import RateLimiter
from resources.sources.files import FileDropInfor, FileDropSap
from resources.store.store import Store

STOCK_LIMIT_PER_MIN = 80  # Ozon: /v2/products/stocks, per seller account
STOCK_WINDOW_S = 60.0
# The client's timeout in Ozon seconds (30 s against a 60 s window in production), scaled with
# the clock like every other wait, so a hung call costs the sweep what it would at Ozon.
OZON_TIMEOUT_S = 30.0
BENCH_API_KEY = "bench-key"


def floor_seconds(calls: int, time_factor: float) -> float:
    """Least real time Ozon's window allows for ``calls`` stock calls (the first 80 are free)."""
    windows = max(math.ceil(calls / STOCK_LIMIT_PER_MIN) - 1, 0)
    return windows * STOCK_WINDOW_S / time_factor


@contextmanager
def sandbox_process(
    data_dir: Path, time_factor: float, client_id: str, api_key: str, cards: int
) -> Iterator[str]:
    """The sandbox in a process of its own, seeded from ``data_dir``; yields its URL.

    Ozon answers from its own machines: a sandbox sharing this process's interpreter would make
    every reply wait for the client's bookkeeping, which Ozon's replies never do.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "NOVEX_BENCH_SANDBOX_KEY": api_key}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from novex_cli.main import cli; cli()",
            "sandbox",
            "--port",
            str(port),
            "--time-factor",
            str(time_factor),
            "--state-file",
            "",
            "--client-id",
            client_id,
            "--api-key-env",
            "NOVEX_BENCH_SANDBOX_KEY",
            "--seed-from",
            str(data_dir),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        admin = SandboxAdmin(url)
        deadline = time.monotonic() + 300
        while True:  # up, and seeded with all ``cards`` (they arrive once the server is up)
            try:
                if len(admin.products(client_id)) >= cards and admin.warehouses(client_id):
                    break
            except (httpx.HTTPError, RuntimeError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the sandbox process did not come up")
            time.sleep(0.5)
        admin.close()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def sweep(
    skus: int,
    time_factor: float,
    workdir: Path,
    *,
    faults: FaultSettings | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> dict[str, Any]:
    """(a): push every (offer, warehouse) pair once; time over the floor, rejections, losses."""
    from sample_data.generator import generate

    label = "faults" if faults is not None else "clean"
    settings = load_settings()
    root = workdir / f"sweep-{label}"
    if root.exists():
        shutil.rmtree(root)
    data_dir = root / "data"
    generate(data_dir, skus=skus, seed=1, sites=tuple(w.infor_site for w in settings.warehouses))
    client_id = settings.ozon.main.client_id
    sap = FileDropSap(data_dir).read_assortment().frame
    cards = sap.filter(pl.col("ozon_enabled")).height
    with sandbox_process(data_dir, time_factor, client_id, BENCH_API_KEY, cards) as url:
        admin = SandboxAdmin(url)
        snapshot_ref = FileDropInfor(data_dir).latest_stock_snapshot()
        assert snapshot_ref is not None
        infor = FileDropInfor(data_dir).read_stock_snapshot(snapshot_ref).frame
        store = Store(f"sqlite:///{(root / 'novex.sqlite').resolve()}").migrate()
        reserved = store.inventory.reserved_quantities()
        levels, _ = compute_stock_levels(sap, infor, reserved, settings)
        if faults is not None:
            admin.set_faults(client_id, faults)
        timeout = OZON_TIMEOUT_S / time_factor
        with OzonClient(
            url,
            client_id,
            BENCH_API_KEY,
            time_scale=time_factor,
            timeout=timeout,
            limiter=RateLimiter(time_scale=time_factor),
        ) as client:
            # As a push run does: the account's budget is shared through the store.
            client.limiter.attach_journal(store.rate_budget(client_id))
            started = time.perf_counter()
            report = push_stock(
                client,
                store.inventory,
                levels,
                batch_size=STOCKS_BATCH_MAX,
                run_id="bench",
                log=lambda _: None,
                concurrency=concurrency,
            )
            seconds = time.perf_counter() - started
            client.limiter.detach_journal()
        log = admin.requests(client_id)
        method = log.methods[STOCKS_UPDATE]
        on_ozon = admin.stocks(client_id)
        admin.close()
        store.dispose()
        lost = sum(
            1
            for offer_id, warehouse_id, stock in levels.select(
                "offer_id", "warehouse_id", "stock"
            ).iter_rows()
            if (row := on_ozon.get((offer_id, warehouse_id))) is None or row.present != stock
        )
        calls = math.ceil(levels.height / STOCKS_BATCH_MAX)
        floor = floor_seconds(calls, time_factor)
        return {
            "sweep": label,
            "pairs": levels.height,
            "calls_needed": calls,
            "calls_sent": method.requests,
            "faults": method.faults,
            "seconds": round(seconds, 2),
            "floor_seconds": round(floor, 2),
            "sweep_over_floor": round(seconds / floor, 3) if floor else None,
            "time_factor": time_factor,
            "client_timeout_s": round(timeout, 3),
            "concurrency": concurrency,
            "rejected_calls": log.total_rejected_by_limit,
            "rejected_items": sum(method.item_errors.values()),
            "accepted_items": report.accepted,
            "failed_batches": report.failed_batches,
            "pairs_lost": lost,
            "real_time_at_ozon_speed_min": round(seconds * time_factor / 60, 1),
        }


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

    # A first, untimed read warms the file cache and polars, as a running code server has.
    sap = FileDropSap(data).read_assortment().frame
    ref = FileDropInfor(data).latest_stock_snapshot()
    assert ref is not None
    infor = FileDropInfor(data).read_stock_snapshot(ref).frame

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
    # The ratio is over the read of the same timed cycle, so both sides see the same caches.
    read_s = t_read - started
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


def run_sweeps(
    *, skus: int, time_factor: float, workdir: Path, rate_5xx: float, hung_rate: float
) -> list[dict[str, Any]]:
    """(a) clean and with faults, each against its own sandbox; the results as printed."""
    workdir.mkdir(parents=True, exist_ok=True)
    # The faulty sweep retries by design; its counts are in the results, not in log lines.
    logging.getLogger("resources.ozon").setLevel(logging.ERROR)
    sweeps = []
    # Hung: the reply comes long after the client gave up (four timeouts), as a stuck call does.
    hung_s = 4 * OZON_TIMEOUT_S / time_factor
    for faults in (
        None,
        FaultSettings(
            rate_5xx=rate_5xx, slow_rate=hung_rate, slow_seconds=hung_s, methods=[STOCKS_UPDATE]
        ),
    ):
        what = "clean" if faults is None else f"{rate_5xx:.0%} 5xx, {hung_rate:.0%} hung calls"
        click.echo(f"(a) full stock sweep of {skus} SKUs, clock x{time_factor:g}, {what} ...")
        result = sweep(skus, time_factor, workdir, faults=faults)
        result["conditions"] = what
        result["time_factor"] = time_factor
        sweeps.append(result)
        click.echo(json.dumps(result, indent=2))
    return sweeps


def sweep_rows(sweeps: list[dict[str, Any]]) -> list[str]:
    """Table rows for the (a) results."""
    return [
        f"| (a) stock sweep, clock x{a['time_factor']:g}, {a['conditions']}: {a['pairs']:,} "
        f"pairs in {a['calls_needed']} calls of 100 ({a['calls_sent']} sent) | "
        f"{a['seconds']} s vs floor {a['floor_seconds']} s = "
        f"**{a['sweep_over_floor']}x** the floor; {a['rejected_calls']} calls and "
        f"{a['rejected_items']} items rejected, {a['pairs_lost']} pairs lost |"
        for a in sweeps
    ]


def run_bench(
    *,
    skus: int,
    big: int,
    time_factor: float,
    workdir: Path,
    rate_5xx: float = 0.10,
    hung_rate: float = 0.02,
    orders: int = 1000,
) -> None:
    """Run (a) clean and with faults here, and (b) in one subprocess per size; print tables."""
    sweeps = run_sweeps(
        skus=skus,
        time_factor=time_factor,
        workdir=workdir,
        rate_5xx=rate_5xx,
        hung_rate=hung_rate,
    )
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
    for row in sweep_rows(sweeps):
        click.echo(row)
    for r in results:
        b = r["breakdown_s"]
        click.echo(
            f"| (b) local cycle, {r['skus']:,} SKUs ({r['pairs']:,} pairs) | "
            f"{r['cycle_s']} s vs {r['read_s']} s reading = **x{r['cycle_over_read']}** "
            f"(compute {b['compute']} s, store read {b['read_ozon_state']} s, diff {b['diff']} s); "
            f"peak RSS {r['peak_rss_mb']} MB |"
        )
    # (c) and (d): the catalog (merge + GE checks + diff; dictionary downloads).
    from novex_cli.bench_catalog import run_catalog_bench

    run_catalog_bench(skus=skus, big=big, workdir=workdir)

    from novex_cli.bench_push import run_push_bench, table_rows

    for row in table_rows(run_push_bench(workdir)):
        click.echo(row)
    click.echo(
        f"| (d) order chains, {c['postings']} postings, Ozon's limits at real speed | "
        f"chain 1 {c['chain1_per_min']}/min, chain 2 {c['chain2_per_min']}/min, "
        f"labels {c['labels_per_min']}/min; {c['rejected_by_limit']} requests rejected |"
    )
    from novex_cli.bench_latency import run_latency_bench, table_row

    click.echo(table_row(run_latency_bench(workdir)))
