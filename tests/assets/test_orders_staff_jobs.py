# mypy: disable-error-code="index"
"""Staff jobs: a seller-side cancellation checked per posting against Ozon's reasons, and held
postings tried again once stock arrived — real runs against the sandbox."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl
import pytest

from novex_assets.settings import REPO_ROOT
from novex_cli.stack import LocalStack, start_stack
from ozon_sandbox.admin import SeedProduct, SeedStock
from resources.ozon import OzonClient
from resources.sources.files import INFOR_STOCK_DIR, FileDropInfor, snapshot_file_name
from tests.assets.conftest import SKUS, materialization, run_job, run_ok
from tests.support.orders import (
    deliver_pushes,
    names,
    orders_repo,
    outbox,
    place,
    stocked_offers,
)

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _run(stack: LocalStack, instance: dg.DagsterInstance, job: str, **config: Any):
    run_config: dict[str, Any] = dict(QUIET)
    if config:
        op = {"orders_cancel": "orders__staff_cancellations"}.get(job, "orders__held_postings")
        run_config["ops"] = {op: {"config": config}}
    return run_ok(stack, instance, job, run_config=run_config)


def _ozon_posting(stack: LocalStack, number: str):
    with OzonClient(stack.server.url, stack.client_id, stack.api_key) as client:
        return client.postings.get(number)


def _reserved(stack: LocalStack, offer: str) -> int:
    reserved = orders_repo(stack).reserved_outside_snapshot(None)
    return sum(reserved.filter(reserved["offer_id"] == offer)["reserved"].to_list())


def test_staff_cancel_checks_each_posting_with_ozon_and_the_others_proceed(
    stack: LocalStack,
) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    a, b, c = stocked_offers(stack, warehouse.infor_site)[:3]
    one = place(stack, warehouse.ozon_warehouse_id, (a, 2, False))
    two = place(stack, warehouse.ozon_warehouse_id, (b, 1, False))
    # Its push is late: the store does not know this posting when staff cancel it.
    unseen = place(stack, warehouse.ozon_warehouse_id, (c, 1, False))
    deliver_pushes(stack, skip={unseen}, seen=set())
    _run(stack, instance, "orders_process")
    repo = orders_repo(stack)
    assert {repo.posting(n)["stage"] for n in (one, two)} == {"notified"}
    assert _reserved(stack, a) == 2

    # "Buyer didn't collect" is for postings on their way: refused before Ozon is asked to cancel.
    meta = materialization(
        _run(stack, instance, "orders_cancel", posting_numbers=[one], reason_id=665),
        "orders",
        "staff_cancellations",
    )
    assert meta["cancelled"] == 0
    assert meta["failures"] == {
        one: "reason 665 is not allowed for this posting now (allowed: [352, 400, 402])"
    }
    assert _ozon_posting(stack, one).status == "awaiting_packaging"
    assert repo.posting(one)["stage"] == "notified" and _reserved(stack, a) == 2

    # Out of stock: an unknown number fails on its own, the two postings are cancelled.
    unknown = "99999999-0001-1"
    meta = materialization(
        _run(
            stack,
            instance,
            "orders_cancel",
            posting_numbers=[one, unknown, two, unseen],
            reason_id=352,
            message="damaged in the warehouse",
        ),
        "orders",
        "staff_cancellations",
    )
    assert meta["done"] == {one: "cancelled", two: "cancelled", unseen: "cancelled_unseen"}
    assert meta["failures"] == {unknown: "Ozon does not know this posting"}
    for number in (one, two):
        posting = _ozon_posting(stack, number)
        assert posting.status == "cancelled" and posting.cancellation.cancel_reason_id == 352
        row = repo.posting(number)
        assert row["stage"] == "cancelled"
        assert row["cancel_reason"].startswith("by staff: ")
        assert row["cancel_reason"].endswith("(damaged in the warehouse)")
        assert repo.shipment(number)["status"] == "cancelled"
    assert _reserved(stack, a) == 0 and _reserved(stack, b) == 0
    # The posting the store did not know is cancelled on Ozon and recorded as such; Infor was
    # never told to pick it, so it gets no stop-picking order.
    assert _ozon_posting(stack, unseen).status == "cancelled"
    row = repo.posting(unseen)
    assert row["stage"] == "cancelled" and row["cancel_reason"].startswith("by staff: ")
    assert _reserved(stack, c) == 0
    assert names(outbox(stack), "stop_*.json") == {f"stop_{one}.json", f"stop_{two}.json"}

    # Ozon's cancellation pushes follow, and the late new-posting push: nothing happens twice,
    # and the cancelled posting gets no notice. Asking again is refused.
    deliver_pushes(stack, seen=set())
    postings = materialization(_run(stack, instance, "orders_process"), "orders", "postings")
    assert postings["outcomes"] == {"duplicate": 4}
    assert f"notice_{unseen}.json" not in names(outbox(stack), "notice_*.json")
    meta = materialization(
        _run(stack, instance, "orders_cancel", posting_numbers=[one], reason_id=352),
        "orders",
        "staff_cancellations",
    )
    assert meta["failures"][one].startswith("already cancelled (by staff: ")


@pytest.fixture
def holding_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStack]:
    """The default stack, with the short-stock rule set to hold instead of cancel."""
    config = tmp_path / "config"
    shutil.copytree(REPO_ROOT / "config", config)
    path = config / "novex.yaml"
    text = path.read_text(encoding="utf-8")
    assert "short_stock_action: cancel" in text
    path.write_text(text.replace("short_stock_action: cancel", "short_stock_action: hold"))
    monkeypatch.setenv("NOVEX_CONFIG", str(path))
    running = start_stack(tmp_path / "stack", skus=SKUS, seed=3, time_factor=120.0)
    try:
        yield running
    finally:
        running.close()


def _free(stack: LocalStack, offer: str, site: str) -> int:
    source = FileDropInfor(stack.data_dir)
    ref = source.latest_stock_snapshot()
    assert ref is not None
    frame = source.read_stock_snapshot(ref).frame
    row = frame.filter((pl.col("offer_id") == offer) & (pl.col("site") == site))
    return int((row["on_hand"] - row["allocated"]).sum())


def _stock_arrives(stack: LocalStack, offer: str, site: str, units: int) -> None:
    """Infor's next snapshot, as Infor writes it, counts ``units`` more of the offer at the site."""
    source = FileDropInfor(stack.data_dir)
    ref = source.latest_stock_snapshot()
    assert ref is not None and ref.taken_at is not None
    lines = ref.path.read_bytes().decode("utf-8-sig").splitlines()
    changed = 0
    for n, line in enumerate(lines):
        cells = line.split(";")
        if cells[:2] == [offer, site]:
            cells[2] = str(int(cells[2]) + units)
            lines[n] = ";".join(cells)
            changed += 1
    assert changed == 1
    taken = max(datetime.now(UTC), ref.taken_at.replace(tzinfo=UTC)) + timedelta(seconds=1)
    target = stack.data_dir / INFOR_STOCK_DIR / snapshot_file_name(taken)
    target.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))


def test_held_postings_are_tried_again_once_stock_arrived(holding_stack: LocalStack) -> None:
    stack, instance = holding_stack, dg.DagsterInstance.ephemeral()
    assert stack.settings.orders.short_stock_action == "hold"
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    admin = stack.server.admin
    (offer,) = stocked_offers(stack, warehouse.infor_site)[:1]
    free = _free(stack, offer, warehouse.infor_site)
    admin.seed_products(stack.client_id, [SeedProduct(offer_id="STRAY-1", name="Чужой товар")])
    admin.seed_stocks(
        stack.client_id,
        [
            SeedStock(offer_id="STRAY-1", warehouse_id=warehouse.ozon_warehouse_id, present=5),
            SeedStock(offer_id=offer, warehouse_id=warehouse.ozon_warehouse_id, present=free + 9),
        ],
    )
    greedy = place(stack, warehouse.ozon_warehouse_id, (offer, free + 3, False))
    stray = place(stack, warehouse.ozon_warehouse_id, ("STRAY-1", 1, False))
    deliver_pushes(stack, seen=set())
    _run(stack, instance, "orders_process")
    repo = orders_repo(stack)
    assert {repo.posting(n)["stage"] for n in (greedy, stray)} == {"exception"}

    # Nothing changed yet: both stay held, with why.
    meta = materialization(_run(stack, instance, "orders_retry_held"), "orders", "held_postings")
    assert meta["done"] == {greedy: "short_stock_held", stray: "unknown_offer_held"}
    assert meta["released"] == 0 and meta["still_held"] == 2
    assert "insufficient stock" in meta["still_held_why"][greedy]

    # Stock arrived at Infor; the stray posting is cancelled by its buyer meanwhile.
    _stock_arrives(stack, offer, warehouse.infor_site, 5)
    admin.buyer_cancel(stack.client_id, stray)
    meta = materialization(
        _run(stack, instance, "orders_retry_held", posting_numbers=[greedy, stray, "nope"]),
        "orders",
        "held_postings",
    )
    assert meta["done"] == {greedy: "notified", stray: "already_cancelled"}
    assert meta["failures"] == {"nope": "not held (unknown, or not stopped by the stock rules)"}
    assert meta["released"] == 1 and meta["still_held"] == 0
    row = repo.posting(greedy)
    assert row["stage"] == "notified" and row["exception"] is None
    assert _reserved(stack, offer) == free + 3
    assert names(outbox(stack), "notice_*.json") == {f"notice_{greedy}.json"}
    assert repo.posting(stray)["stage"] == "cancelled"
