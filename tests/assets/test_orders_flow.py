"""Both order chains through real Dagster runs against the sandbox: push → notice → packing
document → ship → label to Infor, with refusals, cancellations, repeats and lost pushes."""

from __future__ import annotations

import time

import dagster as dg

from novex_cli.stack import LocalStack
from sample_data.infor_orders import InforSimulator
from tests.assets.conftest import materialization, run_job
from tests.support.orders import (
    deliver_pushes,
    names,
    orders_repo,
    outbox,
    place,
    stocked_offers,
)


def _process(stack: LocalStack, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    result = run_job(stack, "orders_process", instance)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return result


def _until(stack, instance, done, tries: int = 8):
    for _ in range(tries):
        result = _process(stack, instance)
        if done():
            return result
        time.sleep(0.5)
    raise AssertionError("flow did not settle")


def test_new_posting_to_label_at_infor_with_a_split_and_a_refusal(stack: LocalStack) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    a, b, c = stocked_offers(stack, warehouse.infor_site)[:3]
    # Five units (three marked) → two boxes; a second order whose packing will be wrong.
    split = place(stack, warehouse.ozon_warehouse_id, (a, 3, True), (b, 2, False))
    wrong = place(stack, warehouse.ozon_warehouse_id, (c, 1, False))
    seen: set[int] = set()
    assert deliver_pushes(stack, seen=seen) == 2

    result = _process(stack, instance)
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
    assert names(outbox(stack), "label_*.pdf") == {f"label_{n}.pdf" for n in results}
    assert (outbox(stack) / f"label_{split}.pdf").read_bytes().startswith(b"%PDF")
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
    _process(stack, instance)
    assert {d["name"]: d["processed_at"] for d in repo.documents("out")} == before
