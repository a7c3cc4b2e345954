# mypy: disable-error-code="index"
"""A run of `orders_process` killed midway loses nothing and duplicates nothing.

The run executes in a real process of its own (the shipped Definitions, resources from the
environment, a Dagster instance made from `deploy/dagster.local.yaml`), against the sandbox over
HTTP and the same SQLite store file; it is killed with SIGKILL (its whole process group) in the
middle of chain 1, then of chain 2, and the flow is run again. Ozon's replies are slowed on the
method the chain spends its time in, so the kill lands mid-batch.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import sqlalchemy as sa

from novex_assets.definitions import build_definitions
from novex_assets.orders.context import OrdersContext
from novex_assets.orders.flow import handle_messages
from novex_assets.orders.packing import PackingReport, accept_packing
from novex_assets.orders.stockbook import StockBook
from novex_assets.run_monitoring import fail_dead_runs
from novex_cli.stack import LocalStack
from ozon_sandbox.admin import SeedStock
from ozon_sandbox.config import FaultSettings
from resources.ozon import OzonClient
from resources.ozon.constants import POSTING_GET, POSTING_SHIP
from resources.sources.files import FileDropInfor, FileDropSap
from resources.sources.infor_documents import PackingDocument
from resources.store import tables as t
from resources.store.orders import OrdersRepo
from resources.store_resource import StoreResource, open_store
from sample_data.infor_orders import InforSimulator
from sensors.orders_inbox import SENSOR_NAME
from tests.assets.conftest import materialization, run_job
from tests.support.orders import deliver_pushes, orders_repo, outbox, place, stocked_offers

REPO_ROOT = Path(__file__).resolve().parents[2]
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
WORKER = """
import json, sys
import dagster as dg
from novex_assets.definitions import defs

tags = json.loads(sys.argv[1])
defs.resolve_job_def("orders_process").execute_in_process(
    instance=dg.DagsterInstance.get(),
    run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
    tags=tags,
)
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A Dagster instance folder with the shipped local config (run monitoring on)."""
    folder = tmp_path / "dagster_home"
    folder.mkdir()
    shutil.copyfile(REPO_ROOT / "deploy" / "dagster.local.yaml", folder / "dagster.yaml")
    return folder


@pytest.fixture
def instance(home: Path) -> Iterator[dg.DagsterInstance]:
    found = dg.DagsterInstance.from_config(str(home))
    try:
        yield found
    finally:
        found.dispose()


def _stocked(stack: LocalStack, count: int) -> list[tuple[int, str]]:
    """``count`` (warehouse, offer) slots for one-unit orders, stock seeded on both sides."""
    store = open_store(stack.store_url)
    store.inventory.upsert_products(FileDropSap(stack.data_dir).read_assortment().frame)
    warehouse = stack.settings.warehouses[0]
    offers = stocked_offers(stack, warehouse.infor_site, minimum=20)[:10]
    stack.server.admin.seed_stocks(
        stack.client_id,
        [
            SeedStock(offer_id=o, warehouse_id=warehouse.ozon_warehouse_id, present=50)
            for o in offers
        ],
    )
    return [(warehouse.ozon_warehouse_id, offers[n % len(offers)]) for n in range(count)]


def _start_worker(stack: LocalStack, home: Path, tags: dict[str, str]) -> subprocess.Popen:
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "PYTHONPATH": str(REPO_ROOT),
        "NOVEX_DB_URL": stack.store_url,
        "NOVEX_DATA_DIR": str(stack.data_dir),
        "OZON_API_URL": stack.server.url,
        "OZON_TIME_SCALE": str(stack.time_factor),
    }
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, json.dumps(tags)],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # killed as a group, as a crash takes everything it started
    )


def _kill_when(worker: subprocess.Popen, ready: Callable[[], bool], timeout: float = 90.0) -> None:
    """SIGKILL the worker's process group as soon as ``ready()``; fail if it ended first."""
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            if worker.poll() is not None:
                err = worker.stderr.read().decode()[-3000:] if worker.stderr else ""
                raise AssertionError(
                    f"the run ended before the kill point (rc {worker.poll()})\n{err}"
                )
            if time.monotonic() > deadline:
                raise AssertionError("the run never reached the kill point")
            time.sleep(0.01)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL


def _visible(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.glob(pattern) if not p.name.startswith("."))


def _table_counts(stack: LocalStack, table: sa.Table) -> Counter[str]:
    with open_store(stack.store_url).engine.connect() as conn:
        return Counter(r[0] for r in conn.execute(sa.select(table.c.posting_number)))


def test_a_run_killed_in_chain_1_is_finished_by_the_next_without_a_second_notice(
    stack: LocalStack, home: Path, instance: dg.DagsterInstance
) -> None:
    slots = _stocked(stack, 30)
    numbers = [place(stack, w, (offer, 1, False)) for w, offer in slots]
    assert deliver_pushes(stack, seen=set()) == len(numbers)
    # Ozon answers each posting read late: chain 1 takes seconds, the kill lands inside it.
    stack.server.admin.set_faults(
        stack.client_id, FaultSettings(slow_rate=1.0, slow_seconds=0.15, methods=[POSTING_GET])
    )

    defs = build_definitions(resources=stack.resources())
    sensor = defs.resolve_sensor_def(SENSOR_NAME)
    store = StoreResource(url=stack.store_url)

    def tick(cursor: str | None) -> Any:
        context = dg.build_sensor_context(
            instance=instance, cursor=cursor, resources={"store": store}
        )
        return sensor(context)

    first = tick(None)
    assert isinstance(first, dg.SensorResult) and len(first.run_requests or []) == 1
    request = first.run_requests[0]
    worker = _start_worker(stack, home, dict(request.tags))
    folder = outbox(stack)
    _kill_when(worker, lambda: len(_visible(folder, "notice_*.json")) >= 3)

    repo = orders_repo(stack)
    notified_at_kill = {p["posting_number"] for p in repo.by_stage(["notified"])}
    written = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in _visible(folder, "*")}
    assert 1 <= len(notified_at_kill) < len(numbers), "the kill did not land midway"

    # The killed run is still STARTED: the sensor waits for it until run monitoring fails it.
    waiting = tick(first.cursor)
    assert isinstance(waiting, dg.SkipReason) and "still in flight" in (waiting.skip_message or "")
    (killed,) = fail_dead_runs(instance)
    failed = instance.get_run_by_id(killed)
    assert failed is not None and failed.status == dg.DagsterRunStatus.FAILURE

    stack.server.admin.clear_faults(stack.client_id)
    retry = tick(first.cursor)
    assert isinstance(retry, dg.SensorResult) and len(retry.run_requests or []) == 1
    result = run_job(stack, "orders_process", instance, tags=dict(retry.run_requests[0].tags))
    assert result.success

    # Nothing lost: every posting notified, its message handled, its units reserved.
    assert {p["posting_number"] for p in repo.by_stage(["notified"])} == set(numbers)
    assert open_store(stack.store_url).inbox.lag().counts.get("pending", 0) == 0
    assert not open_store(stack.store_url).inbox.rows("failed")
    # Nothing twice: one notice file, one notice record, one shipment, one reservation each.
    notices = _visible(folder, "notice_*.json")
    assert sorted(p.name for p in notices) == sorted(f"notice_{n}.json" for n in numbers)
    assert all(json.loads(p.read_text())["posting_number"] in p.name for p in notices)
    sent = Counter(
        d["posting_number"] for d in repo.documents("out") if d["kind"] == "shipment_notice"
    )
    assert sent == Counter(numbers)
    assert _table_counts(stack, t.shipments) == Counter(numbers)
    assert _table_counts(stack, t.order_reservations) == Counter(numbers)
    reserved = repo.reserved_outside_snapshot(None)
    assert dict(reserved.select("offer_id", "reserved").iter_rows()) == dict(
        Counter(offer for _, offer in slots)
    )
    # Notices the killed run had finished were not written again.
    for number in notified_at_kill:
        name = f"notice_{number}.json"
        path = folder / name
        assert (path.stat().st_ino, path.stat().st_mtime_ns) == written[name]


def test_a_run_killed_during_the_ship_call_ships_each_posting_once(
    stack: LocalStack, home: Path, instance: dg.DagsterInstance
) -> None:
    slots = _stocked(stack, 20)
    numbers = [place(stack, w, (offer, 1, False)) for w, offer in slots]
    deliver_pushes(stack, seen=set())
    assert run_job(stack, "orders_process", instance).success
    repo = orders_repo(stack)
    assert len(repo.by_stage(["notified"])) == len(numbers)
    infor = InforSimulator(stack.data_dir, box_units=10)
    infor.allocate()
    assert sorted(infor.pack()) == sorted(numbers)
    # Ozon applies each ship call on arrival but answers late: a kill can fall in between.
    stack.server.admin.set_faults(
        stack.client_id, FaultSettings(slow_rate=1.0, slow_seconds=0.4, methods=[POSTING_SHIP])
    )
    admin = stack.server.admin

    def shipped_on_ozon_not_in_store() -> bool:
        if len(repo.by_stage(["shipped"])) < 2:
            return False
        asked = [
            p["posting_number"]
            for p in repo.by_stage(["packing"])
            if (repo.shipment(p["posting_number"]) or {}).get("status") == "ship_requested"
        ]
        if not asked:
            return False
        on_ozon = admin.postings(stack.client_id)
        return any(on_ozon[n].status != "awaiting_packaging" for n in asked)

    worker = _start_worker(stack, home, {})
    _kill_when(worker, shipped_on_ozon_not_in_store)
    unconfirmed = [
        p["posting_number"]
        for p in repo.by_stage(["packing"])
        if (repo.shipment(p["posting_number"]) or {}).get("status") == "ship_requested"
    ]
    assert unconfirmed, "the kill did not fall between Ozon packing a posting and our record"
    assert len(repo.by_stage(["shipped"])) < len(numbers), "the kill did not land midway"
    assert fail_dead_runs(instance)

    admin.clear_faults(stack.client_id)
    for _ in range(6):
        assert run_job(stack, "orders_process", instance).success
        if not repo.by_stage(["packing", "notified"]):
            break
        time.sleep(1.1)  # two Ozon minutes at x120: an unsent request may then be repeated

    # Every posting shipped, each with one ship call that Ozon accepted: none repeated.
    assert {p["posting_number"] for p in repo.by_stage(["shipped"])} == set(numbers)
    ship = admin.requests(stack.client_id).methods[POSTING_SHIP]
    assert ship.requests == len(numbers), ship
    assert ship.statuses == {"200": len(numbers)}, ship
    on_ozon = admin.postings(stack.client_id)
    assert len(on_ozon) == len(numbers)  # no posting split off or made twice
    assert {on_ozon[n].status for n in numbers} == {"awaiting_deliver"}
    # The store agrees: one posting, one shipment, one label wanted each; every packing
    # document handled once, none refused.
    assert _table_counts(stack, t.postings) == Counter(numbers)
    assert _table_counts(stack, t.posting_labels) == Counter(numbers)
    assert {repo.shipment(n)["status"] for n in numbers} == {"shipped"}
    inbound = [d for d in repo.documents("in") if d["kind"] == "packing"]
    assert Counter(d["posting_number"] for d in inbound) == Counter(numbers)
    assert {d["status"] for d in inbound} == {"processed"}
    infor_inbox = stack.data_dir / "infor" / "inbox"
    assert not _visible(infor_inbox, "*.json")
    assert not _visible(infor_inbox / "failed", "*")


# --- Every write of the chains, a crash right there, then the next run ---------------------
# A SIGKILL lands wherever it lands; these die at each step on purpose (a BaseException, which
# nothing in the flow catches, raised around one store write) so every window is covered.


class _Killed(BaseException):
    """The process dies here."""


def _die_at(
    mp: pytest.MonkeyPatch,
    cls: type,
    method: str,
    when: Callable[[tuple, dict], bool],
    *,
    before: bool = False,
) -> None:
    original = getattr(cls, method)
    fired: list[bool] = []

    def dying(self, *args, **kwargs):
        hit = not fired and when(args, kwargs)
        if hit and before:
            fired.append(True)
            raise _Killed(method)
        value = original(self, *args, **kwargs)
        if hit:
            fired.append(True)
            raise _Killed(method)
        return value

    mp.setattr(cls, method, dying)


def _ctx(stack: LocalStack, client: OzonClient) -> OrdersContext:
    return OrdersContext(
        client=client,
        repo=orders_repo(stack),
        infor=FileDropInfor(stack.data_dir).documents(),
        settings=stack.settings,
    )


def _book(stack: LocalStack, repo: OrdersRepo) -> StockBook:
    offers = set(open_store(stack.store_url).inventory.products()["offer_id"].to_list())
    return StockBook.from_source(FileDropInfor(stack.data_dir), repo, stack.settings, offers)


CHAIN_1_DEATHS: list[tuple[str, Callable[[str, tuple, dict], bool]]] = [
    ("save_posting", lambda n, a, k: a[0]["posting_number"] == n),
    ("record_document", lambda n, a, k: a[1] == "shipment_notice" and k["posting_number"] == n),
    ("save_shipment", lambda n, a, k: a[0] == n and k.get("status") == "awaiting_packing"),
    ("update_posting", lambda n, a, k: a[0] == n and k.get("stage") == "notified"),
]


def test_chain_1_killed_after_any_of_its_writes_ends_in_one_notice_per_posting(
    stack: LocalStack,
) -> None:
    slots = _stocked(stack, len(CHAIN_1_DEATHS) + 1)
    numbers = [place(stack, w, (offer, 1, False)) for w, offer in slots]
    deliver_pushes(stack, seen=set())
    inbox = open_store(stack.store_url).inbox
    repo = orders_repo(stack)
    with OzonClient(
        stack.server.url, stack.client_id, stack.api_key, time_scale=stack.time_factor
    ) as client:
        ctx = _ctx(stack, client)
        for number, (method, when) in zip(numbers, CHAIN_1_DEATHS, strict=False):
            messages = [m for m in inbox.pending() if m.posting_number == number]
            with pytest.MonkeyPatch.context() as mp:
                _die_at(mp, OrdersRepo, method, partial(when, number))
                with pytest.raises(_Killed):
                    handle_messages(ctx, messages, inbox, lambda: _book(stack, repo))
    assert run_job(stack, "orders_process").success

    assert {p["posting_number"] for p in repo.by_stage(["notified"])} == set(numbers)
    assert sorted(p.name for p in _visible(outbox(stack), "notice_*.json")) == sorted(
        f"notice_{n}.json" for n in numbers
    )
    sent = [d["posting_number"] for d in repo.documents("out") if d["kind"] == "shipment_notice"]
    assert Counter(sent) == Counter(numbers)
    for number in numbers:
        assert repo.shipment(number)["status"] == "awaiting_packing"
        assert repo.shipment(number)["pack_by"] is not None
    assert _table_counts(stack, t.order_reservations) == Counter(numbers)
    assert inbox.lag().counts.get("pending", 0) == 0 and not inbox.rows("failed")


CHAIN_2_DEATHS: list[tuple[str, Callable[[str, tuple, dict], bool], bool]] = [
    # Ozon packed the posting; not even the resulting posting numbers were recorded.
    (
        "save_boxes",
        lambda n, a, k: a[0] == n and any(b.get("result_posting_number") for b in a[1]),
        True,
    ),
    # The posting itself recorded as shipped, the box split off into a new posting not yet.
    ("replace_lines", lambda n, a, k: a[0]["posting_number"] == n, False),
    # Everything but the shipment's own status.
    ("want_labels", lambda n, a, k: n in a[0], False),
]


def test_chain_2_killed_after_ozon_packed_is_finished_without_a_second_ship_call(
    stack: LocalStack,
) -> None:
    slots = _stocked(stack, len(CHAIN_2_DEATHS))
    # Two units, one per box: every posting is split into two on Ozon.
    numbers = [place(stack, w, (offer, 2, False)) for w, offer in slots]
    deliver_pushes(stack, seen=set())
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "orders_process", instance).success
    InforSimulator(stack.data_dir, box_units=1).pack()
    repo = orders_repo(stack)
    with OzonClient(
        stack.server.url, stack.client_id, stack.api_key, time_scale=stack.time_factor
    ) as client:
        ctx = _ctx(stack, client)
        refs = {ref.name: ref for ref in ctx.infor.pending()}
        for number, (method, when, before) in zip(numbers, CHAIN_2_DEATHS, strict=True):
            ref = refs[f"packing_{number}.json"]
            doc = ctx.infor.read(ref).document
            assert isinstance(doc, PackingDocument)
            with pytest.MonkeyPatch.context() as mp:
                _die_at(mp, OrdersRepo, method, partial(when, number), before=before)
                with pytest.raises(_Killed):
                    accept_packing(ctx, doc, ref.name, PackingReport())
            assert repo.shipment(number)["status"] == "ship_requested"
    admin = stack.server.admin
    assert admin.requests(stack.client_id).methods[POSTING_SHIP].requests == len(numbers)
    assert run_job(stack, "orders_process", instance).success

    on_ozon = admin.postings(stack.client_id)
    for number in numbers:
        assert repo.shipment(number)["status"] == "shipped"
        (child,) = [n for n, p in on_ozon.items() if p.parent_posting_number == number]
        assert [b["result_posting_number"] for b in repo.boxes(number)] == [number, child]
        for result in (number, child):
            assert repo.posting(result)["stage"] == "shipped"
            assert [i["quantity"] for i in repo.items(result)] == [1]
    labels = _table_counts(stack, t.posting_labels)
    assert labels == Counter(list(on_ozon)), "each resulting posting waits for one label"
    ship = admin.requests(stack.client_id).methods[POSTING_SHIP]
    assert ship.requests == len(numbers) and ship.statuses == {"200": len(numbers)}
    assert _table_counts(stack, t.postings) == Counter(list(on_ozon))


STUCK_WRITER = """
import os, sys, time
from pathlib import Path
from resources.sources import infor_files

def stuck(src, dst):  # the process is killed between writing the file and renaming it
    print("written", flush=True)
    time.sleep(60)

infor_files.os.replace = stuck
infor_files.atomic_write(Path(sys.argv[1]), b'{"type": "shipment_notice"}')
"""


def test_a_notice_write_killed_before_its_rename_leaves_nothing_for_long(
    stack: LocalStack,
) -> None:
    folder = outbox(stack)
    writer = subprocess.Popen(
        [sys.executable, "-c", STUCK_WRITER, str(folder / "notice_13211228-0001-1.json")],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    assert writer.stdout is not None and writer.stdout.readline() == b"written\n"
    os.killpg(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    (left,) = list(folder.glob(".notice_*.tmp"))
    assert not _visible(folder, "*")  # Infor never saw a half document
    # A minute later a run starts: the leftover goes. A live writer's fresh temporary and
    # Infor's own temporaries in its inbox are not ours to touch.
    aged = time.time() - 120
    os.utime(left, (aged, aged))
    fresh = folder / f".stop_13211228-0002-1.json.{os.getpid()}.tmp"
    fresh.write_text("{}")
    infors = stack.data_dir / "infor" / "inbox" / ".packing_x.json.tmp"
    infors.parent.mkdir(parents=True, exist_ok=True)
    infors.write_text("{}")
    os.utime(infors, (aged, aged))
    result = run_job(stack, "orders_process")
    assert result.success
    meta = materialization(result, "orders", "postings")
    assert meta["infor_stale_temporaries_removed"] == 1
    assert not left.exists() and fresh.exists() and infors.exists()
