"""The order part of `novex demo`: a business day of FBS orders on the sandbox's fast clock.

Buyers place a few hundred orders (several lines, marked goods, some needing two boxes, a few
multibox: goods in several factory boxes, shipped as one parcel with its box count); the
sandbox pushes them to our push receiver, which writes the inbox; `orders_process` runs chain 1
(notices to Infor); the simulated Infor allocates and packs (a few documents wrong on purpose);
some buyers cancel, one right after Infor packed and before our ship call; chain 2 ships and
delivers labels; `orders_handover` makes the acts once the clock nears Ozon's cut-off (the demo
moves the sandbox clock into that window) and sends them to Infor; the clock runs to delivery;
returns come back, Infor receives them. Every posting's end state is printed.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from datetime import timedelta
from typing import Any

import click
import dagster as dg
import polars as pl

from novex_assets.definitions import build_definitions
from novex_cli.demo import materialization_metadata
from novex_cli.stack import LocalStack
from ozon_sandbox.api.returns import ForceReturn
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder
from ozon_sandbox.testing import ThreadedServer
from resources.ozon import OzonClient
from resources.push_receiver.app import ReceiverConfig, create_app
from resources.sources.files import FileDropInfor
from resources.store.orders import OrdersRepo
from resources.store.store import Store
from sample_data.infor_orders import Fault, InforSimulator

POSTING_PUSHES = [
    "TYPE_NEW_POSTING",
    "TYPE_POSTING_CANCELLED",
    "TYPE_STATE_CHANGED",
    "TYPE_CUTOFF_DATE_CHANGED",
    "TYPE_DELIVERY_DATE_CHANGED",
]
HOUR, DAY = 3600, 86400
# One order in this many is multibox, chosen by position so the seed draws the same orders.
MULTIBOX_EVERY = 50
ACTS_KEY = dg.AssetKey(["orders", "acts"])
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


class Day:
    """The running pieces of the demo day."""

    def __init__(self, stack: LocalStack, instance: dg.DagsterInstance) -> None:
        self.stack = stack
        self.instance = instance
        self.defs = build_definitions(resources=stack.resources())
        self.store = Store(stack.store_url).migrate()
        self.repo = OrdersRepo(self.store.engine)
        self.infor = InforSimulator(stack.data_dir, box_units=4)
        self.admin = stack.server.admin

    def run(self, job: str) -> dg.ExecuteInProcessResult:
        """One run of a job of the real Definitions, as a sensor or schedule would start it."""
        result = self.defs.resolve_job_def(job).execute_in_process(
            instance=self.instance,
            run_config=QUIET,
            raise_on_error=False,
            tags={"novex/demo": "orders"},
        )
        if not result.success:
            raise click.ClickException(f"{job}: run {result.run_id} failed; see `dagster dev`")
        return result

    def pushes(self) -> int:
        """Let the sandbox deliver everything due to the receiver now (a pass sends a batch)."""
        delivered = 0
        for _ in range(100):
            report = self.admin.deliver_pushes(self.stack.client_id)
            delivered += report.delivered
            if report.queued == 0 or report.delivered == 0:
                break
        return delivered

    def settle(self, job: str, done: Any, tries: int = 20, pause: float = 0.5) -> int:
        """Run ``job`` until ``done()``; returns the number of runs."""
        for n in range(1, tries + 1):
            self.pushes()
            self.run(job)
            if done():
                return n
            time.sleep(pause)
        return tries


def _orders(stack: LocalStack, count: int, seed: int) -> list[PlaceOrder]:
    """Buyer orders over both warehouses from offers with plenty of free stock."""
    rng = random.Random(seed)
    source = FileDropInfor(stack.data_dir)
    ref = source.latest_stock_snapshot()
    assert ref is not None
    frame = source.read_stock_snapshot(ref).frame
    site_map = stack.settings.site_to_warehouse()
    store = Store(stack.store_url)
    # Buyers can only order what has a card on Ozon (new cards of the catalog part may not).
    products = store.inventory.products()
    known = set(
        products.filter(pl.col("ozon_enabled") & pl.col("ozon_sku").is_not_null())[
            "offer_id"
        ].to_list()
    )
    store.dispose()
    offers: dict[int, list[str]] = {}
    for offer, site, on_hand, allocated in frame.select(
        "offer_id", "site", "on_hand", "allocated"
    ).iter_rows():
        if site in site_map and offer in known and on_hand - allocated >= 40:
            offers.setdefault(site_map[site], []).append(offer)
    warehouses = sorted(offers)
    orders = []
    for index in range(count):
        warehouse = rng.choice(warehouses)
        lines = rng.sample(offers[warehouse], k=rng.choice([1, 1, 2, 2, 3]))
        orders.append(
            PlaceOrder(
                warehouse_id=warehouse,
                items=[
                    OrderLine(
                        offer_id=o,
                        quantity=rng.choice([1, 1, 2, 3]),
                        mandatory_mark=rng.random() < 0.3,
                    )
                    for o in lines
                ],
                multibox=index % MULTIBOX_EVERY == MULTIBOX_EVERY // 2,
            )
        )
    return orders


def run_orders_day(
    stack: LocalStack, instance: dg.DagsterInstance, *, orders: int, seed: int
) -> None:
    """The business day, printed step by step, then every posting's end state."""
    day = Day(stack, instance)
    admin, client_id, repo, infor = day.admin, stack.client_id, day.repo, day.infor
    receiver = ThreadedServer(
        create_app(day.store, ReceiverConfig()), name="novex-receiver"
    ).start()
    try:
        url = f"http://{receiver.host}:{receiver.port}/"
        check = admin.check_push(client_id, url)
        admin.configure_push(client_id, url, types=POSTING_PUSHES)
        click.echo(
            f"\n== orders: push receiver at {url} (Ozon's check: {'ok' if check.ok else check})"
        )

        numbers = admin.place_orders(client_id, _orders(stack, orders, seed))
        day.pushes()
        started = time.perf_counter()
        day.run("orders_process")
        notified = len(list((stack.data_dir / "infor" / "outbox").glob("notice_*.json")))
        click.echo(
            f"  {len(numbers)} buyer orders pushed; chain 1 sent {notified} shipment notices to "
            f"Infor in {time.perf_counter() - started:.1f} s"
        )

        rng = random.Random(seed)
        early = rng.sample(numbers, k=max(2, len(numbers) // 60))
        for number in early:
            admin.buyer_cancel(client_id, number)
        day.pushes()
        day.run("orders_process")
        click.echo(f"  {len(early)} buyers cancelled before packing: Infor told to stop picking")

        rest = [n for n in numbers if n not in early]
        several = [n for n in rest if sum(i["quantity"] for i in repo.items(n)) >= 2]
        marked = [n for n in rest if any(i["mark_required"] for i in repo.items(n))]
        faulty: dict[str, Fault] = {}
        for fault, candidates in (
            ("extra", rest),
            ("missing", several),
            ("quantity", rest),
            ("bad_mark", marked),
        ):
            chosen = next((n for n in candidates if n not in faulty), None)
            if chosen is not None:
                faulty[chosen] = fault  # type: ignore[assignment]
        late = [n for n in rest if n not in faulty][:2]
        infor.allocate()
        packed = infor.pack(faults=faulty)
        # These buyers cancel after Infor packed and before our ship call; the push is not
        # delivered first, so the ship step finds out by reading the posting.
        for number in late:
            admin.buyer_cancel(client_id, number)
        click.echo(
            f"  Infor allocated and packed {len(packed)} postings ({len(faulty)} documents wrong "
            f"on purpose); {len(late)} buyers cancelled between packing and the ship call"
        )
        runs = day.settle(
            "orders_process",
            lambda: (
                not repo.by_stage(["packing"]) and not repo.label_status_counts().get("pending", 0)
            ),
        )
        counts = repo.stage_counts()
        click.echo(f"  {_multibox_line(stack, repo)}")
        click.echo(
            f"  chain 2 in {runs} runs: {counts.get('labelled', 0)} postings labelled (labels at "
            f"Infor: {_labels_at_infor(stack)}), "
            f"{counts.get('refused', 0)} refused, {counts.get('cancelled', 0)} cancelled"
        )

        time.sleep(60 / stack.time_factor + 0.5)
        # The schedule's run asks every few minutes; Ozon's cut-off decides when an act is made.
        first = materialization_metadata(day.run("orders_handover"), ACTS_KEY) or {}
        decisions = sorted({m["decision"] for m in first.get("delivery_methods", {}).values()})
        moved = _into_act_window(stack)
        day.settle(
            "orders_handover",
            lambda: not repo.acts(["forming"]) and not repo.by_stage(["labelled", "shipped"]),
            tries=10,
        )
        acts = repo.acts()
        click.echo(
            f"  handover: the schedule's run said {'; '.join(decisions) or 'nothing to do'}; "
            f"{f'clock moved {moved} to the window, ' if moved else ''}"
            f"{len(acts)} acts ({', '.join(a['status'] for a in acts)}), "
            f"{sum(len(a['postings']) for a in acts)} postings handed over on paper"
        )

        admin.advance(HOUR)
        day.pushes()
        admin.advance(3 * DAY)
        # Every box reports five state changes on its way: several inbox batches.
        day.settle("orders_process", lambda: day.store.inbox.lag().counts.get("pending", 0) == 0)
        delivered = [p["posting_number"] for p in repo.by_stage(["delivered"])]
        for number in delivered[:3]:
            admin.force_return(client_id, ForceReturn(posting_number=number))
        day.run("orders_returns")
        infor.receive_returns()
        day.run("orders_process")
        returns = repo.returns()
        click.echo(
            f"  delivered {len(delivered)}; {len(returns)} returns announced to Infor, "
            f"{sum(r['status'] == 'received' for r in returns)} received back"
        )
        _summary(repo)
    finally:
        receiver.stop()
        day.store.dispose()


def _into_act_window(stack: LocalStack) -> str:
    """Advance the sandbox clock until every delivery method's act window is open.

    Returns how far it moved ("" if no move was needed), e.g. "42 min".
    """
    lead = timedelta(minutes=stack.settings.orders.act_lead_minutes)
    with OzonClient(
        stack.server.url, stack.client_id, stack.api_key, time_scale=stack.time_factor
    ) as client:
        opens = [m.cutoff - lead for m in client.carriages.delivery_list() if m.cutoff]
    now = stack.server.admin.clock().now
    if not opens or max(opens) <= now:
        return ""
    # A couple of minutes into the window, so the next run surely falls inside it.
    step = max(opens) - now + timedelta(minutes=2)
    stack.server.admin.advance(step.total_seconds())
    return f"{step.total_seconds() / 60:.0f} min"


def _multibox_line(stack: LocalStack, repo: OrdersRepo) -> str:
    """How the multibox postings went: notices flagged, box counts, one posting each."""
    from resources.sources.infor_documents import ShipmentNotice

    flagged = [
        notice.posting_number
        for path in sorted((stack.data_dir / "infor" / "outbox").glob("notice_*.json"))
        if (notice := ShipmentNotice.model_validate_json(path.read_bytes())).multibox
    ]
    shipped = [repo.boxes(n) for n in flagged]
    shipped = [boxes for boxes in shipped if boxes and boxes[0]["result_posting_number"]]
    counts = sorted({len(boxes) for boxes in shipped})
    single = sum(len({b["result_posting_number"] for b in boxes}) == 1 for boxes in shipped)
    return (
        f"{len(flagged)} multibox notices; {len(shipped)} shipped with their box count "
        f"({'/'.join(map(str, counts)) or '-'} boxes), {single} of them as one posting"
    )


def _labels_at_infor(stack: LocalStack) -> int:
    """Postings whose label is in a PDF in Infor's outbox (from the label manifests)."""
    total = 0
    for manifest in (stack.data_dir / "infor" / "outbox").glob("labels_*.json"):
        total += len(json.loads(manifest.read_text(encoding="utf-8"))["postings"])
    return total


def _summary(repo: OrdersRepo) -> None:
    postings = repo.all_postings()
    by_stage = Counter(p["stage"] for p in postings)
    click.echo("\n== every posting's end state")
    click.echo("  " + "  ".join(f"{stage} {n}" for stage, n in sorted(by_stage.items())))
    returned = {r["posting_number"] for r in repo.returns()}
    shown: list[dict[str, Any]] = []
    for stage in sorted(by_stage):
        # Everything that needs a person is listed; two examples of every other end state.
        limit = 6 if stage in ("refused", "exception") else 2
        shown.extend([p for p in postings if p["stage"] == stage][:limit])
    shown.extend([p for p in postings if p["parent_posting_number"]][:2])
    shown = list({p["posting_number"]: p for p in shown}.values())
    click.echo(f"  {'posting':<18} {'stage':<10} {'act':>15}  note")
    for p in shown:
        notes = [
            "returned" if p["posting_number"] in returned else "",
            f"box of {p['parent_posting_number']}" if p["parent_posting_number"] else "",
            p["exception"] or p["cancel_reason"] or "",
        ]
        note = "; ".join(n for n in notes if n)
        click.echo(
            f"  {p['posting_number']:<18} {p['stage']:<10} {p['act_id'] or '':>15}  {note[:70]}"
        )
