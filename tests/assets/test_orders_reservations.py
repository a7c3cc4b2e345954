"""Published stock across the hand-off to Infor: an open posting is subtracted once, whether
Infor's snapshot already counts it in `allocated` or not — real inventory and orders runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dagster as dg

from novex_cli.stack import LocalStack
from resources.sources.files import FileDropInfor, snapshot_file_name
from resources.store_resource import open_store
from sample_data.infor_orders import InforSimulator
from tests.assets.conftest import run_job
from tests.support.orders import deliver_pushes, place, stocked_offers


def _published(stack: LocalStack, offer: str, warehouse: int) -> int:
    levels = open_store(stack.store_url).inventory.stock_levels()
    row = levels.filter((levels["offer_id"] == offer) & (levels["warehouse_id"] == warehouse))
    return int(row["stock"][0])


def _sync(stack: LocalStack, instance: dg.DagsterInstance) -> None:
    result = run_job(stack, "inventory_sync", instance)
    assert result.success, [e.message for e in result.all_events if e.is_failure]


def test_a_posting_is_subtracted_once_before_and_after_infor_allocates_it(
    stack: LocalStack,
) -> None:
    instance = dg.DagsterInstance.ephemeral()
    _sync(stack, instance)
    warehouse = stack.settings.warehouses[0]
    wid, site = warehouse.ozon_warehouse_id, warehouse.infor_site
    (offer,) = stocked_offers(stack, site, minimum=30)[:1]
    before = _published(stack, offer, wid)

    number = place(stack, wid, (offer, 3, False))
    deliver_pushes(stack, seen=set())
    assert run_job(stack, "orders_process", instance).success
    # Infor has not allocated it yet: the posting's reservation holds the units.
    _sync(stack, instance)
    assert _published(stack, offer, wid) == before - 3

    # Infor confirms the allocation; a snapshot taken before that moment still lacks it ...
    InforSimulator(stack.data_dir).allocate(datetime.now(UTC))
    assert run_job(stack, "orders_process", instance).success
    _sync(stack, instance)
    assert _published(stack, offer, wid) == before - 3

    # ... and the next snapshot counts it in `allocated`: still subtracted once, not twice.
    source = FileDropInfor(stack.data_dir)
    latest = source.latest_stock_snapshot()
    assert latest is not None
    lines = latest.path.read_text(encoding="utf-8-sig").splitlines()
    changed = []
    for line in lines:
        parts = line.split(";")
        if parts[:2] == [offer, site]:
            parts[3] = str(int(parts[3]) + 3)
        changed.append(";".join(parts))
    taken = (datetime.now(UTC) + timedelta(minutes=1)).replace(tzinfo=None)
    target = latest.path.with_name(snapshot_file_name(taken))
    target.write_text("\n".join(changed) + "\n", encoding="utf-8")
    _sync(stack, instance)
    assert open_store(stack.store_url).snapshots.last_loaded("infor") == target.name
    assert _published(stack, offer, wid) == before - 3
    assert number
