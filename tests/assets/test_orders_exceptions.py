# mypy: disable-error-code="index, return-value, arg-type"
"""Postings we cannot serve, a run dying before the notice, bad Infor documents, and the Infor
sensor — real runs and real sensor ticks against the sandbox."""

from __future__ import annotations

import json
import shutil
from datetime import datetime

import dagster as dg

from novex_assets.definitions import build_definitions
from novex_cli.stack import LocalStack
from ozon_sandbox.admin import SeedProduct, SeedStock
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder
from resources.ozon import OzonClient
from resources.sources.files import FileDropInfor
from sample_data.infor_orders import InforSimulator
from sensors.orders_infor import SENSOR_NAME
from tests.assets.conftest import materialization, run_job, run_ok
from tests.support.orders import (
    deliver_pushes,
    inbox,
    names,
    orders_repo,
    outbox,
    place,
    stocked_offers,
)


def test_unknown_offer_is_held_and_short_stock_cancelled_with_ozons_reason(
    stack: LocalStack,
) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    admin = stack.server.admin
    # A card on Ozon that SAP does not know, and an offer Ozon shows more of than Infor has.
    admin.seed_products(stack.client_id, [SeedProduct(offer_id="STRAY-1", name="Чужой товар")])
    (short,) = stocked_offers(stack, warehouse.infor_site)[:1]
    snapshot = FileDropInfor(stack.data_dir)
    ref = snapshot.latest_stock_snapshot()
    assert ref is not None
    frame = snapshot.read_stock_snapshot(ref).frame
    on_hand = sum(
        h - a
        for o, s, h, a in frame.select("offer_id", "site", "on_hand", "allocated").iter_rows()
        if o == short and s == warehouse.infor_site
    )
    admin.seed_stocks(
        stack.client_id,
        [
            SeedStock(offer_id="STRAY-1", warehouse_id=warehouse.ozon_warehouse_id, present=5),
            SeedStock(
                offer_id=short, warehouse_id=warehouse.ozon_warehouse_id, present=on_hand + 10
            ),
        ],
    )
    stray = place(stack, warehouse.ozon_warehouse_id, ("STRAY-1", 1, False))
    greedy = place(stack, warehouse.ozon_warehouse_id, (short, on_hand + 1, False))
    deliver_pushes(stack, seen=set())
    meta = materialization(run_ok(stack, instance), "orders", "postings")

    repo = orders_repo(stack)
    held = repo.posting(stray)
    assert held["stage"] == "exception" and "unknown offer(s): STRAY-1" in held["exception"]
    assert stray in meta["exceptions"]
    cancelled = repo.posting(greedy)
    assert cancelled["stage"] == "cancelled"
    assert "insufficient stock" in cancelled["exception"]
    assert meta["outcomes"] == {"unknown_offer_held": 1, "short_stock_cancelled": 1}
    with OzonClient(stack.server.url, stack.client_id, stack.api_key) as client:
        posting = client.postings.get(greedy)
    assert posting.status == "cancelled" and posting.cancellation.cancel_reason_id == 352
    assert names(outbox(stack), "notice_*.json") == set()


def test_a_run_dying_before_the_notice_is_finished_by_the_next_one(stack: LocalStack) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    (a,) = stocked_offers(stack, warehouse.infor_site)[:1]
    number = place(stack, warehouse.ozon_warehouse_id, (a, 2, False))
    deliver_pushes(stack, seen=set())
    # Infor's share is unreachable: a file stands where the outbox folder should be.
    blocked = outbox(stack)
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("not a folder")
    meta = materialization(run_ok(stack, instance), "orders", "postings")
    assert meta["outcomes"] == {"failed": 1}
    repo = orders_repo(stack)
    assert repo.posting(number)["stage"] == "accepted"
    assert inbox(stack).lag().counts["failed"] == 1

    blocked.unlink()
    run_ok(stack, instance)
    assert repo.posting(number)["stage"] == "notified"
    assert names(outbox(stack), "notice_*.json") == {f"notice_{number}.json"}
    reserved = repo.reserved_outside_snapshot(None)
    assert reserved.filter(reserved["offer_id"] == a)["reserved"].to_list() == [2]
    assert inbox(stack).lag().counts["failed"] == 0


def test_infor_documents_start_one_batched_run_and_bad_ones_are_archived(
    stack: LocalStack,
) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    a, b = stocked_offers(stack, warehouse.infor_site)[:2]
    numbers = [place(stack, warehouse.ozon_warehouse_id, (o, 1, False)) for o in (a, b)]
    deliver_pushes(stack, seen=set())
    run_ok(stack, instance)
    defs = build_definitions(resources=stack.resources())
    sensor = defs.resolve_sensor_def(SENSOR_NAME)

    def tick() -> dg.SensorResult | dg.SkipReason:
        with dg.build_sensor_context(
            instance=instance, definitions=defs, resources=stack.resources()
        ) as context:
            return sensor(context)

    assert isinstance(tick(), dg.SkipReason)
    InforSimulator(stack.data_dir).pack()
    inbox_dir = stack.data_dir / "infor" / "inbox"
    (inbox_dir / "garbled.json").write_text("{not json")
    result = tick()
    assert isinstance(result, dg.SensorResult) and len(result.run_requests) == 1

    run_ok(stack, instance)
    failed = inbox_dir / "failed"
    assert (failed / "garbled.json").exists() and (failed / "garbled.json.error.txt").exists()
    assert {p.name for p in (inbox_dir / "processed").iterdir()} == {
        f"packing_{n}.json" for n in numbers
    }
    repo = orders_repo(stack)
    assert {repo.posting(n)["stage"] for n in numbers} <= {"shipped", "labelled"}
    shutil.rmtree(failed)


def test_a_posting_ozon_sends_without_its_dates_is_still_announced(stack: LocalStack) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    a, b = stocked_offers(stack, warehouse.infor_site)[:2]
    undated = ["in_process_at", "shipment_date", "shipment_date_without_delay"]
    pushed, polled = stack.server.admin.place_orders(
        stack.client_id,
        [
            PlaceOrder(
                warehouse_id=warehouse.ozon_warehouse_id,
                items=[OrderLine(offer_id=o)],
                unset_dates=undated,  # type: ignore[arg-type]
            )
            for o in (a, b)
        ],
    )
    with OzonClient(stack.server.url, stack.client_id, stack.api_key) as client:
        reply = client.postings.get(pushed)
    assert reply.shipment_date is None and reply.in_process_at is None
    push = next(
        p
        for p in stack.server.admin.posting_pushes(stack.client_id)
        if p.get("posting_number") == pushed and p["message_type"] == "TYPE_NEW_POSTING"
    )
    # One comes by push (which carries the pack-by), the other's push is lost: polling finds it.
    deliver_pushes(stack, skip={polled}, seen=set())
    run_ok(stack, instance)
    assert run_job(stack, "orders_poll", instance).success
    meta = materialization(run_ok(stack, instance), "orders", "postings")
    repo = orders_repo(stack)
    assert {repo.posting(n)["stage"] for n in (pushed, polled)} == {"notified"}
    assert meta["past_pack_by"] == 0
    pack_by = datetime.fromisoformat(push["shipment_date"].replace("Z", "+00:00"))
    assert repo.posting(pushed)["shipment_date"] == pack_by
    notice = json.loads((outbox(stack) / f"notice_{pushed}.json").read_text(encoding="utf-8"))
    assert datetime.fromisoformat(notice["pack_by"]) == pack_by and notice["pack_by_local"]
    # Nothing tells the pack-by of the polled one: Infor is told so, not given a made-up time.
    assert repo.posting(polled)["shipment_date"] is None
    notice = json.loads((outbox(stack) / f"notice_{polled}.json").read_text(encoding="utf-8"))
    assert notice["pack_by"] is None and notice["pack_by_local"] == ""
