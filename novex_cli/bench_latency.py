"""`novex bench` (g): how long a new posting takes from Ozon's push to Infor's outbox.

The Ozon sandbox (clock ×1, its own process) pushes ``TYPE_NEW_POSTING`` to `novex push-receiver`
(its own process, as in production) while buyers place orders at a steady rate. This process plays
the Dagster daemon: it evaluates the real `orders_process_on_push_inbox` sensor every
``orders_intake.inbox_sensor_interval_s`` seconds against a Dagster instance and executes each run
it requests in process, with the run's tags. A tick that falls while a run executes would skip
(the sensor starts no run while one is in flight), so the next tick is the next interval boundary
after the run ends, as with the daemon.

Per posting: from the moment the receiver stored its push (the inbox row's ``received_at``; the
200 goes back right after that commit) to the moment its shipment notice file was written into
Infor's outbox (the file's mtime). Not included: the run worker's process start, which a run
launched by the daemon pays before its first step (measured separately and reported beside).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import dagster as dg
import polars as pl

from novex_assets.definitions import build_definitions
from novex_assets.orders.intake import notice_name
from novex_assets.settings import load_settings
from novex_assets.settings_resource import SettingsResource
from novex_cli.bench import sandbox_process
from novex_cli.bench_push import receiver_process
from ozon_sandbox.admin import SeedStock
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder
from ozon_sandbox.testing import SandboxAdmin
from resources.ozon_resource import OzonResource
from resources.sources.files import FileDropInfor, FileDropSap
from resources.sources.resources import (
    FileDropArtTradeResource,
    FileDropInforResource,
    FileDropSapResource,
)
from resources.store.store import Store
from resources.store_resource import StoreResource
from sensors.orders_inbox import SENSOR_NAME

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
LATENCY_API_KEY = "latency-bench-key"
TARGET_P95_S = 30.0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_worker_start_s() -> float:
    """Seconds a fresh Python process needs to load the code location (a run worker's start)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import novex_assets.definitions"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _stocked_pool(data_dir: Path, store: Store, site_map: dict[str, int]) -> list[tuple[int, str]]:
    """(warehouse, offer) pairs with plenty of free stock in Infor's newest snapshot."""
    source = FileDropInfor(data_dir)
    ref = source.latest_stock_snapshot()
    assert ref is not None
    frame = source.read_stock_snapshot(ref).frame
    known = set(store.inventory.products().filter(pl.col("ozon_enabled"))["offer_id"].to_list())
    return [
        (site_map[site], offer)
        for offer, site, on_hand, allocated in frame.select(
            "offer_id", "site", "on_hand", "allocated"
        ).iter_rows()
        if site in site_map and offer in known and on_hand - allocated >= 10
    ]


def push_to_outbox_latency(
    workdir: Path, *, postings: int = 120, spread_s: float = 120.0, skus: int = 2000
) -> dict[str, Any]:
    """(g): place ``postings`` orders evenly over ``spread_s`` seconds; latency per posting."""
    from sample_data.generator import generate

    settings = load_settings()
    root = workdir / "latency"
    if root.exists():
        import shutil

        shutil.rmtree(root)
    data_dir = root / "data"
    generate(data_dir, skus=skus, seed=17, sites=tuple(w.infor_site for w in settings.warehouses))
    store_url = f"sqlite:///{(root / 'novex.sqlite').resolve()}"
    store = Store(store_url).migrate()
    sap = FileDropSap(data_dir).read_assortment().frame
    store.inventory.upsert_products(sap)
    cards = sap.filter(pl.col("ozon_enabled")).height
    client_id = settings.ozon.main.client_id
    key_env = settings.ozon.main.api_key_env
    previous_key = os.environ.get(key_env)
    os.environ[key_env] = LATENCY_API_KEY
    outbox = data_dir / "infor" / "outbox"
    try:
        with (
            sandbox_process(data_dir, 1.0, client_id, LATENCY_API_KEY, cards) as ozon_url,
            receiver_process(store_url) as receiver_url,
        ):
            admin = SandboxAdmin(ozon_url)
            pool = _stocked_pool(data_dir, store, settings.site_to_warehouse())
            # Stock straight into the sandbox so buyers can order (the stock push is (a)).
            admin.seed_stocks(
                client_id, [SeedStock(offer_id=o, warehouse_id=w, present=50) for w, o in pool]
            )
            check = admin.check_push(client_id, receiver_url)
            if not check.ok:
                raise click.ClickException(f"the sandbox cannot reach the receiver: {check}")
            admin.configure_push(client_id, receiver_url, types=["TYPE_NEW_POSTING"])

            defs = build_definitions(
                resources={
                    "settings": SettingsResource(config_path=os.environ.get("NOVEX_CONFIG")),
                    "store": StoreResource(url=store_url),
                    "ozon": OzonResource(
                        base_url=ozon_url,
                        client_id=client_id,
                        api_key=dg.EnvVar(key_env),
                        time_scale=1.0,
                    ),
                    "sap": FileDropSapResource(data_dir=str(data_dir)),
                    "infor": FileDropInforResource(data_dir=str(data_dir)),
                    "arttrade": FileDropArtTradeResource(data_dir=str(data_dir)),
                }
            )
            sensor = defs.resolve_sensor_def(SENSOR_NAME)
            interval = float(sensor.minimum_interval_seconds or 30)
            job = defs.resolve_job_def("orders_process")
            instance = dg.DagsterInstance.ephemeral()

            rng = random.Random(17)
            orders = [
                PlaceOrder(warehouse_id=w, items=[OrderLine(offer_id=o, quantity=1)])
                for w, o in rng.sample(pool, k=min(postings, len(pool)))
            ]
            numbers: list[str] = []
            placing_error: list[BaseException] = []
            started = time.monotonic()
            gap = spread_s / max(len(orders), 1)

            def buyers() -> None:
                buyer = SandboxAdmin(ozon_url)
                try:
                    for n, order in enumerate(orders):
                        time.sleep(max(0.0, started + n * gap - time.monotonic()))
                        numbers.extend(buyer.place_orders(client_id, [order]))
                except BaseException as exc:  # reported by the main thread
                    placing_error.append(exc)
                finally:
                    buyer.close()

            placing = threading.Thread(target=buyers, name="buyers", daemon=True)
            click.echo(
                f"(g) {len(orders)} buyer orders over {spread_s:.0f} s; sensor every "
                f"{interval:g} s, runs in process ..."
            )
            placing.start()
            cursor: str | None = None
            ticks = skipped = 0
            run_seconds: list[float] = []
            tick_at = started
            deadline = started + spread_s + 10 * interval + 120
            while time.monotonic() < deadline:
                time.sleep(max(0.0, tick_at - time.monotonic()))
                ticks += 1
                context = dg.build_sensor_context(
                    instance=instance,
                    cursor=cursor,
                    resources={"store": StoreResource(url=store_url)},
                )
                data = sensor.evaluate_tick(context)
                cursor = data.cursor if data.cursor is not None else cursor
                if not data.run_requests:
                    skipped += 1
                for request in data.run_requests or []:
                    begun = time.perf_counter()
                    result = job.execute_in_process(
                        instance=instance,
                        run_config=QUIET,
                        tags=dict(request.tags),
                        raise_on_error=False,
                    )
                    run_seconds.append(time.perf_counter() - begun)
                    if not result.success:
                        raise click.ClickException(f"orders_process run {result.run_id} failed")
                done = not placing.is_alive() and all(
                    (outbox / notice_name(n)).exists() for n in numbers
                )
                if done or placing_error:
                    break
                # The next tick: the first interval boundary not yet passed.
                now = time.monotonic()
                tick_at += interval * max(1, int((now - tick_at) // interval) + 1)
            placing.join(timeout=30)
            admin.close()
            if placing_error:
                raise placing_error[0]
        worker_start = run_worker_start_s()
        received = {
            row["posting_number"]: row["received_at"]
            for row in store.inbox.rows()
            if row["message_type"] == "TYPE_NEW_POSTING"
        }
        latencies: list[float] = []
        missing = 0
        for number in numbers:
            path = outbox / notice_name(number)
            stored = received.get(number)
            if stored is None or not path.exists():
                missing += 1
                continue
            if stored.tzinfo is None:
                stored = stored.replace(tzinfo=UTC)
            written = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            latencies.append((written - stored).total_seconds())
    finally:
        store.dispose()
        if previous_key is None:
            os.environ.pop(key_env, None)
        else:
            os.environ[key_env] = previous_key
    if not latencies:
        raise click.ClickException("no posting reached Infor's outbox")
    return {
        "postings": len(numbers),
        "measured": len(latencies),
        "missing": missing,
        "spread_s": spread_s,
        "sensor_interval_s": interval,
        "ticks": ticks,
        "ticks_without_run": skipped,
        "runs": len(run_seconds),
        "run_s_mean": round(statistics.mean(run_seconds), 2) if run_seconds else 0.0,
        "run_s_max": round(max(run_seconds), 2) if run_seconds else 0.0,
        "p50_s": round(statistics.median(latencies), 1),
        "p95_s": round(_percentile(latencies, 0.95), 1),
        "max_s": round(max(latencies), 1),
        "min_s": round(min(latencies), 1),
        "target_p95_s": TARGET_P95_S,
        "run_worker_start_s": round(worker_start, 1),
    }


def table_row(r: dict[str, Any]) -> str:
    """The README table row for (g)."""
    return (
        f"| (g) push → shipment notice in Infor's outbox, {r['postings']} postings over "
        f"{r['spread_s']:.0f} s, sensor every {r['sensor_interval_s']:g} s, clock x1 | "
        f"p50 **{r['p50_s']} s**, p95 **{r['p95_s']} s**, max {r['max_s']} s "
        f"({r['measured']} measured, {r['missing']} missing; {r['runs']} runs of "
        f"{r['run_s_mean']} s on average); a launched run's worker start "
        f"(≈ {r['run_worker_start_s']} s) not included |"
    )


def run_latency_bench(workdir: Path) -> dict[str, Any]:
    """Measure (g) and print its JSON."""
    workdir.mkdir(parents=True, exist_ok=True)
    result = push_to_outbox_latency(workdir)
    click.echo(json.dumps(result, indent=2))
    return result
