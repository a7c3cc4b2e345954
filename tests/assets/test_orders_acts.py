# mypy: disable-error-code="index"
"""Acts per delivery method: created near Ozon's cut-off (its clock), or at once on a staff run;
a posting Ozon leaves out of an act goes with the next day's — real runs against the sandbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from novex_cli.stack import LocalStack, start_stack
from ozon_sandbox.delivery_methods import DeliveryMethodSeed
from resources.ozon.constants import ACT_CREATE
from sample_data.infor_orders import InforSimulator
from tests.assets.conftest import SKUS, materialization, run_job, run_ok
from tests.support.orders import (
    advance_into_act_window,
    advance_to,
    deliver_pushes,
    names,
    orders_repo,
    outbox,
    ozon_cutoff,
    place,
    stocked_offers,
)

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@pytest.fixture
def slow_stack(tmp_path: Path) -> Iterator[LocalStack]:
    """Ozon's clock x15: its 60 s before a packed posting may join an act are 4 s here, time
    enough for a run to ask for the act while a posting is still too fresh for it."""
    running = start_stack(tmp_path / "stack", skus=SKUS, seed=3, time_factor=15.0)
    try:
        yield running
    finally:
        running.close()


def _run(stack: LocalStack, instance: dg.DagsterInstance, job: str, **acts_config: Any):
    run_config: dict[str, Any] = dict(QUIET)
    if acts_config:
        run_config["ops"] = {"orders__acts": {"config": acts_config}}
    return run_ok(stack, instance, job, run_config=run_config)


def _handover(stack: LocalStack, instance: dg.DagsterInstance, **config: Any) -> dict[str, Any]:
    """One orders_handover run (as the schedule starts it, or with a staff's run config)."""
    return materialization(_run(stack, instance, "orders_handover", **config), "orders", "acts")


def _act_creates(stack: LocalStack) -> int:
    methods = stack.server.admin.requests(stack.client_id).methods
    return methods[ACT_CREATE].requests if ACT_CREATE in methods else 0


def _manifest(stack: LocalStack, act_id: int) -> dict[str, Any]:
    body = json.loads((outbox(stack) / f"act_{act_id}.json").read_text(encoding="utf-8"))
    assert (outbox(stack) / body["pdf"]).read_bytes().startswith(b"%PDF")
    return body


def test_acts_wait_for_the_cutoff_and_a_posting_left_out_goes_with_the_next_act(
    slow_stack: LocalStack,
) -> None:
    stack, instance = slow_stack, dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    method = warehouse.ozon_warehouse_id  # an FBS warehouse's delivery method has its id
    a, b = stocked_offers(stack, warehouse.infor_site)[:2]
    first = place(stack, method, (a, 1, False))
    late = place(stack, method, (b, 1, False))
    deliver_pushes(stack, seen=set())
    _run(stack, instance, "orders_process")
    infor = InforSimulator(stack.data_dir)
    infor.pack(only={first})
    _run(stack, instance, "orders_process")
    stack.server.admin.advance(120)  # the packing settles
    repo = orders_repo(stack)
    assert repo.posting(first)["stage"] == "shipped"

    # 09:0x Moscow, the cut-off is at 10:00: the schedule's run asks and leaves it for later.
    meta = _handover(stack, instance)
    seen = meta["delivery_methods"][str(method)]
    assert seen["cutoff"] == "2026-12-01 10:00 MSK"
    assert seen["decision"] == "act due from 2026-12-01 09:45 MSK"
    assert _act_creates(stack) == 0 and not repo.acts()

    # In the window. Infor packs the second posting just before the run: too fresh for Ozon.
    cutoff = advance_into_act_window(stack, method)
    infor.pack(only={late})
    _run(stack, instance, "orders_process")
    assert repo.posting(late)["stage"] == "shipped"
    meta = _handover(stack, instance)
    assert meta["delivery_methods"][str(method)]["decision"] == "act created"
    (act,) = repo.acts()
    # Created, documents waited for and sent to Infor in the same run.
    assert act["status"] == "sent" and act["postings"] == [first]
    assert act["carried_over"] == [late]
    manifest = _manifest(stack, act["act_id"])
    assert manifest["postings"] == [first] and manifest["carried_over"] == [late]
    assert manifest["delivery_method_id"] == method and manifest["barcode"]
    assert repo.posting(first)["stage"] == "in_act"
    assert repo.posting(late)["act_id"] is None

    # Later that morning: the method's act of the day is sent; the posting waits.
    stack.server.admin.advance(120)
    meta = _handover(stack, instance)
    decision = meta["delivery_methods"][str(method)]["decision"]
    assert decision == "today's act is sent; these go with the next day's"
    assert meta["postings_waiting_for_an_act"] == 1
    assert _act_creates(stack) == 1

    # Next morning: not before the window; in it, the act with the posting left out.
    advance_to(stack, cutoff + timedelta(days=1, minutes=-40))
    meta = _handover(stack, instance)
    decision = meta["delivery_methods"][str(method)]["decision"]
    assert decision == "act due from 2026-12-02 09:45 MSK"
    advance_into_act_window(stack, method)
    _handover(stack, instance)
    second = next(x for x in repo.acts() if x["act_id"] != act["act_id"])
    assert second["status"] == "sent" and second["postings"] == [late]
    assert _manifest(stack, second["act_id"])["postings"] == [late]
    assert repo.posting(late)["stage"] == "in_act"
    assert repo.posting(late)["act_id"] == second["act_id"]
    assert names(outbox(stack), "act_*.json") == {
        f"act_{act['act_id']}.json",
        f"act_{second['act_id']}.json",
    }


def test_a_staff_run_makes_the_acts_of_the_asked_warehouses_now(stack: LocalStack) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    moscow, petersburg = stack.settings.warehouses[:2]
    (a,) = stocked_offers(stack, moscow.infor_site)[:1]
    (c,) = stocked_offers(stack, petersburg.infor_site)[:1]
    here = place(stack, moscow.ozon_warehouse_id, (a, 1, False))
    there = place(stack, petersburg.ozon_warehouse_id, (c, 2, False))
    deliver_pushes(stack, seen=set())
    _run(stack, instance, "orders_process")
    InforSimulator(stack.data_dir).pack()
    _run(stack, instance, "orders_process")
    stack.server.admin.advance(120)  # the packing settles
    repo = orders_repo(stack)
    assert {repo.posting(n)["stage"] for n in (here, there)} == {"shipped"}

    method = petersburg.ozon_warehouse_id
    meta = _handover(stack, instance, on_demand=True, warehouse_ids=[method])
    assert meta["on_demand"] is True
    assert set(meta["delivery_methods"]) == {str(method)}
    assert meta["delivery_methods"][str(method)]["decision"] == "act created on demand"
    (act,) = repo.acts()
    assert act["warehouse_id"] == method and act["status"] == "sent"
    assert _manifest(stack, act["act_id"])["postings"] == [there]
    assert repo.posting(there)["stage"] == "in_act"
    # The other warehouse was not asked for: its posting waits for its own cut-off.
    assert repo.posting(here)["stage"] == "shipped" and repo.posting(here)["act_id"] is None

    # Asked again with nothing left to hand over there: no call for an act.
    meta = _handover(stack, instance, on_demand=True, warehouse_ids=[method])
    assert meta["delivery_methods"] == {} and _act_creates(stack) == 1


def test_two_delivery_methods_of_a_warehouse_get_an_act_each(stack: LocalStack) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    own = warehouse.ozon_warehouse_id
    courier = own + 1_000_000  # a second method of the same warehouse (Ozon's courier pick-up)
    stack.server.admin.seed_delivery_methods(
        stack.client_id,
        [DeliveryMethodSeed(delivery_method_id=courier, warehouse_id=own, name="Курьер Ozon")],
    )
    a, b, c = stocked_offers(stack, warehouse.infor_site)[:3]
    by_own = [place(stack, own, (a, 1, False)), place(stack, own, (b, 1, False))]
    by_courier = [place(stack, own, (c, 1, False), delivery_method_id=courier)]
    deliver_pushes(stack, seen=set())
    _run(stack, instance, "orders_process")
    repo = orders_repo(stack)
    assert repo.posting(by_courier[0])["delivery_method_id"] == courier
    assert repo.posting(by_courier[0])["delivery_method"] == "Курьер Ozon"
    InforSimulator(stack.data_dir).pack()
    _run(stack, instance, "orders_process")
    stack.server.admin.advance(120)  # the packing settles

    meta = _handover(stack, instance, on_demand=True)
    assert set(meta["delivery_methods"]) == {str(own), str(courier)}
    assert meta["delivery_methods"][str(courier)]["name"] == "Курьер Ozon"
    acts = {a["delivery_method_id"]: a for a in repo.acts()}
    assert set(acts) == {own, courier} and _act_creates(stack) == 2
    for method, numbers in ((own, by_own), (courier, by_courier)):
        act = acts[method]
        assert act["warehouse_id"] == own and act["status"] == "sent"
        assert act["postings"] == sorted(numbers)
        manifest = _manifest(stack, act["act_id"])
        assert manifest["delivery_method_id"] == method
        assert manifest["postings"] == sorted(numbers) and manifest["carried_over"] == []
        assert {repo.posting(n)["act_id"] for n in numbers} == {act["act_id"]}
    # Ozon's carriages agree: each method's holds only its own postings.
    carriages = {c.delivery_method_id: c for c in stack.server.admin.carriages(stack.client_id)}
    assert sorted(carriages[courier].posting_numbers) == by_courier
    assert sorted(carriages[own].posting_numbers) == sorted(by_own)


def test_a_run_after_a_missed_cutoff_still_makes_the_days_act(stack: LocalStack) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    method = warehouse.ozon_warehouse_id
    (a,) = stocked_offers(stack, warehouse.infor_site)[:1]
    number = place(stack, method, (a, 1, False))
    deliver_pushes(stack, seen=set())
    _run(stack, instance, "orders_process")
    InforSimulator(stack.data_dir).pack()
    _run(stack, instance, "orders_process")
    # No schedule run came in the act window: the next one is half an hour past the cut-off.
    advance_to(stack, ozon_cutoff(stack, method) + timedelta(minutes=30))
    meta = _handover(stack, instance)
    assert meta["delivery_methods"][str(method)]["decision"] == "act created"
    (act,) = orders_repo(stack).acts()
    assert act["status"] == "sent" and act["postings"] == [number]
    assert _manifest(stack, act["act_id"])["postings"] == [number]
    # One act for the day: a later run that morning asks for no second one.
    stack.server.admin.advance(600)
    meta = _handover(stack, instance)
    assert meta["delivery_methods"] == {} and _act_creates(stack) == 1
