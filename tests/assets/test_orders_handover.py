# mypy: disable-error-code="index"
"""After packing: a lost ship reply recovered without a second ship call, acts to Infor, delivery
closing the order, returns announced to Infor and closed by its receipt — real runs, sandbox."""

from __future__ import annotations

import time

import dagster as dg

from novex_assets.orders.context import OrdersContext
from novex_assets.orders.packing import PackingReport, accept_packing
from novex_cli.stack import LocalStack
from ozon_sandbox.api.returns import ForceReturn
from ozon_sandbox.config import FaultSettings
from resources.ozon import OzonClient
from resources.ozon.constants import ACT_CREATE, POSTING_SHIP
from resources.ozon.errors import OzonTransportError
from resources.sources.infor_documents import PackingDocument
from resources.sources.infor_files import FileDropInforDocuments
from sample_data.infor_orders import InforSimulator
from tests.assets.conftest import run_job, run_ok
from tests.support.orders import (
    deliver_pushes,
    labelled_at_infor,
    names,
    orders_repo,
    outbox,
    place,
    stocked_offers,
)

HOUR, DAY = 3600, 86400


def _settle(stack, instance, done, job: str = "orders_process", tries: int = 10) -> None:
    for _ in range(tries):
        run_ok(stack, instance, job)
        if done():
            return
        time.sleep(0.5)
    raise AssertionError("flow did not settle")


def _ship_calls(stack: LocalStack) -> int:
    methods = stack.server.admin.requests(stack.client_id).methods
    return methods[POSTING_SHIP].requests if POSTING_SHIP in methods else 0


def test_a_lost_ship_reply_is_read_back_not_shipped_twice(stack: LocalStack) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    (a,) = stocked_offers(stack, warehouse.infor_site)[:1]
    number = place(stack, warehouse.ozon_warehouse_id, (a, 2, False))
    deliver_pushes(stack, seen=set())
    run_ok(stack, instance)
    InforSimulator(stack.data_dir).pack()

    # The run dies right after Ozon accepted the ship call: the reply never comes back.
    with OzonClient(
        stack.server.url, stack.client_id, stack.api_key, time_scale=stack.time_factor
    ) as client:
        real_ship = client.postings.ship

        def ship_then_lose_reply(*args, **kwargs):
            real_ship(*args, **kwargs)
            raise OzonTransportError("reply lost", path=POSTING_SHIP)

        client.postings.ship = ship_then_lose_reply  # type: ignore[method-assign]
        ctx = OrdersContext(
            client=client,
            repo=orders_repo(stack),
            infor=FileDropInforDocuments(stack.data_dir),
            settings=stack.settings,
        )
        report = PackingReport()
        (ref,) = ctx.infor.pending()
        document = ctx.infor.read(ref).document
        assert isinstance(document, PackingDocument)
        accept_packing(ctx, document, ref.name, report)
    assert report.outcomes["ship_unconfirmed"] == 1
    assert orders_repo(stack).shipment(number)["status"] == "ship_requested"
    assert _ship_calls(stack) == 1

    # The rerun reads the posting first: packed already, so it is recorded, not shipped again.
    repo = orders_repo(stack)
    _settle(stack, instance, lambda: (repo.posting(number) or {}).get("stage") == "labelled")
    assert _ship_calls(stack) == 1
    assert repo.shipment(number)["status"] == "shipped"
    assert set(labelled_at_infor(stack)) == {number}


def test_acts_delivery_and_returns_reach_infor(stack: LocalStack) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    a, b = stocked_offers(stack, warehouse.infor_site)[:2]
    first = place(stack, warehouse.ozon_warehouse_id, (a, 1, False))
    second = place(stack, warehouse.ozon_warehouse_id, (b, 2, False))
    seen: set[int] = set()
    deliver_pushes(stack, seen=seen)
    run_ok(stack, instance)
    infor = InforSimulator(stack.data_dir)
    infor.allocate()
    infor.pack()
    repo = orders_repo(stack)
    _settle(
        stack,
        instance,
        lambda: {repo.posting(n)["stage"] for n in (first, second)} == {"labelled"},
    )

    # The cut-off run: an act for the warehouse, its PDF and manifest to Infor. A previous run
    # died right after asking Ozon for the act: the carriage is taken over, not asked again.
    time.sleep(1.0)  # Ozon lets a posting into an act a minute (sandbox time) after packing
    with OzonClient(
        stack.server.url, stack.client_id, stack.api_key, time_scale=stack.time_factor
    ) as client:
        orphan = client.acts.create(warehouse.ozon_warehouse_id)
    _settle(
        stack,
        instance,
        lambda: {repo.posting(n)["stage"] for n in (first, second)} == {"in_act"},
        job="orders_handover",
    )
    (act,) = repo.acts()
    assert act["act_id"] == orphan
    assert stack.server.admin.requests(stack.client_id).methods[ACT_CREATE].requests == 1
    assert act["status"] == "sent" and sorted(act["postings"]) == sorted([first, second])
    assert names(outbox(stack), "act_*") == {
        f"act_{act['act_id']}.pdf",
        f"act_{act['act_id']}.json",
    }

    # Handed over and delivered: the pushes close the order.
    stack.server.admin.advance(HOUR)
    stack.server.admin.advance(3 * DAY)
    deliver_pushes(stack, seen=seen)
    run_ok(stack, instance)
    assert {repo.posting(n)["stage"] for n in (first, second)} == {"delivered"}

    # A return: polled, matched, announced to Infor; Infor's receipt closes it.
    stack.server.admin.force_return(stack.client_id, ForceReturn(posting_number=second))
    run_ok(stack, instance, "orders_returns")
    returns = repo.returns()
    assert returns and {r["posting_number"] for r in returns} == {second}
    assert all(r["matched"] and r["status"] == "expected" for r in returns)
    assert names(outbox(stack), "return_*.json") == {
        f"return_{r['return_id']}.json" for r in returns
    }
    assert infor.receive_returns() == len(returns)
    run_ok(stack, instance)
    assert {r["status"] for r in repo.returns()} == {"received"}
    # Polling again neither duplicates the return nor reopens it.
    run_ok(stack, instance, "orders_returns")
    assert {r["status"] for r in repo.returns()} == {"received"}
    assert len(repo.returns()) == len(returns)


def test_ozon_failing_the_ship_call_leaves_the_posting_to_a_later_run(stack: LocalStack) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    (a,) = stocked_offers(stack, warehouse.infor_site)[:1]
    number = place(stack, warehouse.ozon_warehouse_id, (a, 1, False))
    deliver_pushes(stack, seen=set())
    run_ok(stack, instance)
    InforSimulator(stack.data_dir).pack()
    admin = stack.server.admin
    admin.set_faults(stack.client_id, FaultSettings(rate_5xx=1.0, methods=[POSTING_SHIP]))
    run_ok(stack, instance)
    repo = orders_repo(stack)
    assert repo.shipment(number)["status"] == "ship_requested"
    assert repo.posting(number)["stage"] == "packing"

    admin.clear_faults(stack.client_id)
    time.sleep(1.2)  # two minutes of Ozon time: the failed request has surely settled
    _settle(stack, instance, lambda: (repo.posting(number) or {}).get("stage") == "labelled")
    assert repo.shipment(number)["status"] == "shipped"
    calls = admin.requests(stack.client_id).methods[POSTING_SHIP]
    assert calls.accepted == 1  # exactly one ship reached Ozon and was applied
