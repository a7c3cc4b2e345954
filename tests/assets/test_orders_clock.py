# mypy: disable-error-code="index"
"""Ozon's times are compared with Ozon's now, not ours: pack-by lag, the label delay, the returns
look-back and the first poll follow the sandbox's clock when it runs apart from ours."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

from novex_cli.stack import LocalStack, start_stack
from sample_data.infor_orders import InforSimulator
from tests.assets.conftest import SKUS, materialization, run_ok
from tests.support.orders import advance_to, deliver_pushes, orders_repo, place, stocked_offers


@pytest.fixture
def real_time_stack(tmp_path: Path) -> Iterator[LocalStack]:
    """Ozon's clock at our speed, but on the sandbox's own day: it moves only by hand here."""
    running = start_stack(tmp_path / "stack", skus=SKUS, seed=3, time_factor=1.0)
    try:
        yield running
    finally:
        running.close()


def _near(value: str, expected: datetime) -> bool:
    return abs(datetime.fromisoformat(value) - expected) < timedelta(minutes=2)


def test_pack_by_labels_returns_and_polling_follow_ozons_clock(
    real_time_stack: LocalStack,
) -> None:
    stack, instance = real_time_stack, dg.DagsterInstance.ephemeral()
    clock = stack.server.admin.clock
    # The sandbox's day is not ours: its clock stands hours or days away from the wall clock.
    assert abs(clock().now - datetime.now(clock().now.tzinfo)) > timedelta(hours=1)
    assert run_ok(stack, instance, "inventory_sync").success
    warehouse = stack.settings.warehouses[0]
    a, b = stocked_offers(stack, warehouse.infor_site)[:2]
    packed = place(stack, warehouse.ozon_warehouse_id, (a, 1, False))
    waiting = place(stack, warehouse.ozon_warehouse_id, (b, 1, False))
    deliver_pushes(stack, seen=set())

    # Fresh postings are not past their pack-by time, whatever our own clock says.
    meta = materialization(run_ok(stack, instance, "orders_process"), "orders", "postings")
    assert meta["outcomes"] == {"notified": 2}
    assert meta["past_pack_by"] == 0

    # Packed: the label is asked for 45 s after packing on Ozon's clock. Before that nothing.
    InforSimulator(stack.data_dir).pack(only={packed})
    result = run_ok(stack, instance, "orders_process")
    repo = orders_repo(stack)
    assert repo.posting(packed)["stage"] == "shipped"
    assert materialization(result, "orders", "labels")["outcomes"] == {}
    # Ozon's clock moves a minute by hand (ours barely moves): the label is due and fetched.
    stack.server.admin.advance(60)
    run_ok(stack, instance, "orders_process")  # the label task is created
    stack.server.admin.advance(10)  # Ozon's label task takes 10 s
    result = run_ok(stack, instance, "orders_process")  # ... and read, the PDF sent to Infor
    assert materialization(result, "orders", "labels")["outcomes"] == {"labels_sent": 1}
    assert repo.posting(packed)["stage"] == "labelled"

    # Past the other posting's pack-by on Ozon's clock: it shows as late, with why.
    advance_to(stack, repo.posting(waiting)["shipment_date"] + timedelta(minutes=30))
    meta = materialization(run_ok(stack, instance, "orders_process"), "orders", "postings")
    assert meta["past_pack_by"] == 1
    assert meta["past_pack_by_examples"] == {waiting: "notified: waiting for Infor"}
    assert 29 <= meta["oldest_past_pack_by_min"] <= 33

    # The returns look-back and the first poll's window count back from Ozon's now.
    lookback = timedelta(days=stack.settings.orders.returns_lookback_days)
    meta = materialization(run_ok(stack, instance, "orders_returns"), "orders", "returns")
    assert _near(meta["changed_since"], clock().now - lookback)
    meta = materialization(run_ok(stack, instance, "orders_poll"), "orders", "posting_poll")
    initial = timedelta(hours=stack.settings.orders_intake.poll_initial_lookback_h)
    assert _near(meta["window_from"], clock().now - initial)
