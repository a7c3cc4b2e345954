# mypy: disable-error-code="index"
"""Both order chains through real Dagster runs against the sandbox: push → notice → packing
document → ship → label to Infor, with refusals, cancellations, repeats and lost pushes."""

from __future__ import annotations

import dataclasses
import time

import dagster as dg
import pytest

from novex_cli.stack import LocalStack
from sample_data.infor_orders import InforSimulator
from tests.assets.conftest import materialization, run_job, run_ok
from tests.support.orders import (
    deliver_pushes,
    labelled_at_infor,
    names,
    orders_repo,
    outbox,
    place,
    stocked_offers,
)


def _until(stack, instance, done, tries: int = 8):
    for _ in range(tries):
        result = run_ok(stack, instance)
        if done():
            return result
        time.sleep(0.5)
    raise AssertionError("flow did not settle")


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_new_posting_to_label_at_infor_with_a_split_and_a_refusal(
    stack: LocalStack, backend: str, request: pytest.FixtureRequest
) -> None:
    if backend == "postgres":  # the same chains with the store on PostgreSQL
        stack = dataclasses.replace(stack, store_url=request.getfixturevalue("pg_url"))
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    a, b, c = stocked_offers(stack, warehouse.infor_site)[:3]
    # Five units (three marked) → two boxes; a second order whose packing will be wrong.
    split = place(stack, warehouse.ozon_warehouse_id, (a, 3, True), (b, 2, False))
    wrong = place(stack, warehouse.ozon_warehouse_id, (c, 1, False))
    seen: set[int] = set()
    assert deliver_pushes(stack, seen=seen) == 2

    result = run_ok(stack, instance)
    meta = materialization(result, "orders", "postings")
    assert meta["outcomes"] == {"notified": 2}
    assert names(outbox(stack), "notice_*.json") == {f"notice_{split}.json", f"notice_{wrong}.json"}
    repo = orders_repo(stack)
    assert repo.posting(split)["stage"] == "notified"
    assert repo.posting(split)["shipment_date"] is not None

    infor = InforSimulator(stack.data_dir, box_units=3)
    infor.allocate()
    assert sorted(infor.pack(faults={wrong: "extra"})) == sorted([split, wrong])

    _until(stack, instance, lambda: (repo.posting(split) or {}).get("stage") == "labelled")
    boxes = repo.boxes(split)
    assert len(boxes) == 2
    results = [box["result_posting_number"] for box in boxes]
    assert results[0] == split and results[1] != split
    child = repo.posting(results[1])
    assert child["parent_posting_number"] == split
    _until(stack, instance, lambda: (repo.posting(results[1]) or {}).get("stage") == "labelled")
    # Both boxes' labels reached Infor, each once, in PDFs with a manifest of their pages.
    assert set(labelled_at_infor(stack)) == set(results)
    # Marked units got their codes through Ozon's exemplar flow.
    assert len(repo.marks(split)) == 3

    refused = repo.posting(wrong)
    assert refused["stage"] == "refused"
    assert "extra item NOT-IN-ORDER" in refused["exception"]
    assert (outbox(stack) / f"stop_{wrong}.json").exists()
    failed = stack.data_dir / "infor" / "inbox" / "failed"
    assert not (failed / f"packing_{wrong}.json").exists()  # refused on content, not unreadable

    # Running again changes nothing: no second notice, ship or label.
    before = {d["name"]: d["processed_at"] for d in repo.documents("out")}
    run_ok(stack, instance)
    assert {d["name"]: d["processed_at"] for d in repo.documents("out")} == before


def test_cancel_between_notice_and_ship_stops_infor_and_a_repeated_push_changes_nothing(
    stack: LocalStack,
) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    (a,) = stocked_offers(stack, warehouse.infor_site)[:1]
    number = place(stack, warehouse.ozon_warehouse_id, (a, 2, False))
    seen: set[int] = set()
    deliver_pushes(stack, seen=seen)
    run_ok(stack, instance)
    repo = orders_repo(stack)
    assert repo.posting(number)["stage"] == "notified"

    # Infor packs, but the buyer cancels before the ship call and the push is lost: the ship
    # step reads Ozon first and stops the posting instead of shipping it.
    infor = InforSimulator(stack.data_dir)
    infor.pack()
    stack.server.admin.buyer_cancel(stack.client_id, number)
    run_ok(stack, instance)
    posting = repo.posting(number)
    assert posting["stage"] == "cancelled"
    assert (outbox(stack) / f"stop_{number}.json").exists()
    assert repo.shipment(number)["status"] == "cancelled"
    # Its reservation no longer holds stock.
    reserved = repo.reserved_outside_snapshot(None)
    assert a not in reserved["offer_id"].to_list()

    # The late push arrives (twice): handled once, nothing more sent to Infor.
    before = len(repo.documents("out"))
    deliver_pushes(stack, seen=seen)
    run_ok(stack, instance)
    run_ok(stack, instance)
    assert len(repo.documents("out")) == before


def test_a_lost_new_posting_push_is_made_good_by_polling(stack: LocalStack) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    (a,) = stocked_offers(stack, warehouse.infor_site)[:1]
    number = place(stack, warehouse.ozon_warehouse_id, (a, 1, False))
    seen: set[int] = set()
    assert deliver_pushes(stack, seen=seen, skip={number}) == 0
    assert run_job(stack, "orders_poll", instance).success
    run_ok(stack, instance)
    assert orders_repo(stack).posting(number)["stage"] == "notified"
    assert (outbox(stack) / f"notice_{number}.json").exists()
    # The push turning up after all is the same message: no second notice.
    deliver_pushes(stack, seen=set())
    run_ok(stack, instance)
    notices = [d for d in orders_repo(stack).documents("out") if d["kind"] == "shipment_notice"]
    assert len(notices) == 1
