"""`novex bench` (d): postings per minute through both order chains, Ozon's limits on.

A sandbox at Ozon's real speed (clock ×1, 50 requests/s per Client-Id, label readiness 45 s)
gets ``postings`` buyer orders; their pushes go into the inbox; one `orders_process` run takes
them through chain 1 (notice to Infor); the simulated Infor packs them all; the next run ships
them (chain 2); after Ozon's label delay, runs create label tasks of 20 and collect them once
Ozon has printed them (its 10 s per task included in the time). Each step is timed.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import dagster as dg

from novex_assets.definitions import build_definitions
from novex_cli.stack import start_stack
from ozon_sandbox.admin import SeedStock
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder
from resources.sources.files import FileDropInfor, FileDropSap
from resources.store.inbox_keys import dedup_key
from resources.store.orders import OrdersRepo
from resources.store.store import Store
from sample_data.infor_orders import InforSimulator

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
HANDLED = {"TYPE_NEW_POSTING", "TYPE_POSTING_CANCELLED", "TYPE_STATE_CHANGED"}


def orders_throughput(postings: int, workdir: Path, *, skus: int = 3000) -> dict[str, Any]:
    """Time chain 1, chain 2 and the labels for ``postings`` single-box postings."""
    stack = start_stack(workdir / "orders", skus=skus, seed=11, time_factor=1.0)
    try:
        instance = dg.DagsterInstance.ephemeral()
        defs = build_definitions(resources=stack.resources())

        def run(job: str, **config: Any) -> float:
            started = time.perf_counter()
            result = defs.resolve_job_def(job).execute_in_process(
                instance=instance, run_config={**QUIET, **config}, raise_on_error=False
            )
            if not result.success:
                raise RuntimeError(f"{job} run {result.run_id} failed")
            return time.perf_counter() - started

        # Stock straight into the sandbox: the stock push itself is measured by (a).
        store = Store(stack.store_url).migrate()
        store.inventory.upsert_products(FileDropSap(stack.data_dir).read_assortment().frame)
        source = FileDropInfor(stack.data_dir)
        ref = source.latest_stock_snapshot()
        assert ref is not None
        frame = source.read_stock_snapshot(ref).frame
        site_map = stack.settings.site_to_warehouse()
        known = set(store.inventory.products().filter("ozon_enabled")["offer_id"].to_list())
        pool = [
            (site_map[site], offer)
            for offer, site, on_hand, allocated in frame.select(
                "offer_id", "site", "on_hand", "allocated"
            ).iter_rows()
            if site in site_map and offer in known and on_hand - allocated >= 10
        ]
        admin = stack.server.admin
        admin.seed_stocks(
            stack.client_id,
            [SeedStock(offer_id=o, warehouse_id=w, present=50) for w, o in pool],
        )
        rng = random.Random(11)
        orders = [
            PlaceOrder(warehouse_id=w, items=[OrderLine(offer_id=o, quantity=1)])
            for w, o in rng.sample(pool, k=min(postings, len(pool)))
        ]
        numbers: list[str] = []
        for start in range(0, len(orders), 500):
            numbers.extend(admin.place_orders(stack.client_id, orders[start : start + 500]))
        for body in admin.posting_pushes(stack.client_id):
            if body.get("message_type") in HANDLED:
                store.inbox.add(
                    dedup_key(body),
                    body["message_type"],
                    body,
                    posting_number=body.get("posting_number"),
                )
        batch = {"ops": {"orders__push_inbox": {"config": {"batch_size": len(numbers)}}}}
        before = admin.requests(stack.client_id).total_requests
        chain1_s = run("orders_process", **batch)
        chain1_requests = admin.requests(stack.client_id).total_requests - before
        repo = OrdersRepo(store.engine)
        notified = len(repo.by_stage(["notified"]))

        infor = InforSimulator(stack.data_dir, box_units=10)
        infor.allocate()
        infor.pack()
        chain2_s = run("orders_process")
        shipped = len(repo.by_stage(["shipped", "labelled"]))
        # Labels print 45 s after packing; then tasks of 20 are created by one run and
        # collected by later runs once Ozon has printed them (10 s per task).
        time.sleep(46)
        started = time.perf_counter()
        labels_runs = 0
        labelled = 0
        while labelled < shipped and labels_runs < 60:
            run("orders_process")
            labels_runs += 1
            labelled = len(repo.by_stage(["labelled"]))
            if labelled < shipped:
                time.sleep(1.0)
        labels_s = time.perf_counter() - started
        log = admin.requests(stack.client_id)
        store.dispose()
        return {
            "postings": len(numbers),
            "chain1_s": round(chain1_s, 2),
            "chain1_notified": notified,
            "chain1_per_min": round(notified / chain1_s * 60),
            "chain1_ozon_requests": chain1_requests,
            "chain2_s": round(chain2_s, 2),
            "chain2_shipped": shipped,
            "chain2_per_min": round(shipped / chain2_s * 60),
            "labels_s": round(labels_s, 2),
            "labels_delivered": labelled,
            "labels_runs": labels_runs,
            "labels_per_min": round(labelled / labels_s * 60) if labels_s else 0,
            "rejected_by_limit": log.total_rejected_by_limit,
        }
    finally:
        stack.close()
