"""The inventory flow through real Dagster runs against the sandbox over HTTP."""

from __future__ import annotations

import dagster as dg
import polars as pl

from novex_assets.constants import INVENTORY_RECONCILE_JOB, INVENTORY_SYNC_JOB
from ozon_sandbox.admin import SeedProduct, SeedStock
from ozon_sandbox.config import FaultSettings
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder
from ozon_sandbox.state import Warehouse
from resources.store.store import Store
from sample_data.generator import change_stock
from tests.assets.conftest import materialization, run_job


def _sandbox_stock(stack) -> dict[tuple[str, int], int]:
    return {k: row.present for k, row in stack.server.admin.stocks(stack.client_id).items()}


def seed_warehouses(stack) -> None:
    stack.server.admin.seed_warehouses(
        stack.client_id,
        [
            Warehouse(warehouse_id=w.ozon_warehouse_id, name=w.infor_site)
            for w in stack.settings.warehouses
        ],
    )


def _store(stack) -> Store:
    return Store(stack.store_url).migrate()


def test_full_sync_makes_ozon_match_and_second_run_sends_nothing(stack):
    first = run_job(stack, INVENTORY_SYNC_JOB)
    assert first.success
    stock = materialization(first, "inventory", "stock_sync")
    assert stock["accepted"] == stock["changed"] > 0 and stock["rejected"] == 0
    repo = _store(stack).inventory
    wanted = {
        (o, w): s
        for o, w, s in repo.stock_levels().select("offer_id", "warehouse_id", "stock").iter_rows()
    }
    on_ozon = _sandbox_stock(stack)
    assert all(on_ozon[pair] == value for pair, value in wanted.items())
    ozon_prices = stack.server.admin.prices(stack.client_id)
    for offer_id, price in repo.price_levels().head(20).select("offer_id", "price").iter_rows():
        assert float(ozon_prices[offer_id].price) == price

    second = run_job(stack, INVENTORY_SYNC_JOB)
    assert second.success
    assert materialization(second, "inventory", "stock_sync")["sent"] == 0
    assert materialization(second, "inventory", "price_sync")["sent"] == 0


def test_a_new_snapshot_sends_only_the_changed_pairs(stack):
    assert run_job(stack, INVENTORY_SYNC_JOB).success
    change_stock(stack.data_dir, share=0.05, seed=11)
    result = run_job(stack, INVENTORY_SYNC_JOB)
    stock = materialization(result, "inventory", "stock_sync")
    assert 0 < stock["sent"] < 60  # ~5 % of 600 rows, minus changes the rules swallow
    assert stock["accepted"] == stock["sent"]


def test_bad_source_rows_are_quarantined_with_file_and_line(stack):
    result = run_job(stack, INVENTORY_SYNC_JOB)
    assert result.success
    sap = materialization(result, "sources", "sap_assortment")
    assert sap["quarantined"] >= 3 and sap["fields_quarantined"] >= 1  # a bad barcode
    assert (
        sap["lines_total"]
        == sap["lines_header"] + sap["lines_loaded"] + sap["lines_quarantined"] + sap["lines_blank"]
    )
    assert materialization(result, "sources", "infor_stock")["quarantined"] >= 1
    quarantined = _store(stack).quarantine.list()
    assert set(quarantined["source"].to_list()) == {"sap", "infor"}
    assert quarantined.filter(pl.col("line") < 2).height == 0
    assert all(quarantined["reason"].str.len_chars() > 0)
    # Reading the same files again does not duplicate the quarantine.
    run_job(stack, INVENTORY_SYNC_JOB)
    assert _store(stack).quarantine.list().height == quarantined.height


def test_per_item_errors_are_kept_and_retried_until_ozon_accepts(stack):
    admin = stack.server.admin
    repo = _store(stack).inventory
    run_job(stack, INVENTORY_SYNC_JOB)
    victim = repo.stock_levels()["offer_id"][0]
    # Ozon still lists the card but it is not created yet: Ozon refuses its stock per item,
    # the run succeeds for everything else.
    admin.seed_products(stack.client_id, [SeedProduct(offer_id=victim, is_created=False)])
    with _store(stack).engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM ozon_stock_state")
    result = run_job(stack, INVENTORY_SYNC_JOB)
    assert result.success
    stock = materialization(result, "inventory", "stock_sync")
    assert stock["rejected"] == 2  # both warehouses of the card
    assert stock["accepted"] == stock["sent"] - 2
    errors = repo.open_sync_errors("stock")
    assert set(errors["offer_id"].to_list()) == {victim}
    assert errors["attempts"].to_list() == [1, 1]
    assert set(errors["code"].to_list()) == {"product_is_not_created"}

    retry = run_job(stack, INVENTORY_SYNC_JOB)
    assert materialization(retry, "inventory", "stock_sync")["sent"] == 2
    assert repo.open_sync_errors("stock")["attempts"].to_list() == [2, 2]

    admin.seed_products(
        stack.client_id, [SeedProduct(offer_id=victim, price="100", price_sent=True)]
    )
    fixed = run_job(stack, INVENTORY_SYNC_JOB)
    assert materialization(fixed, "inventory", "stock_sync")["accepted"] == 2
    assert repo.open_sync_errors("stock").height == 0


def test_products_without_an_ozon_card_are_skipped_not_failed(stack):
    admin = stack.server.admin
    run_job(stack, INVENTORY_SYNC_JOB)
    repo = _store(stack).inventory
    keep = [p for p in admin.products(stack.client_id)][1:]
    gone = admin.products(stack.client_id)[0].offer_id
    admin.reset(stack.client_id)
    seed_warehouses(stack)
    admin.seed_products(
        stack.client_id,
        [SeedProduct(offer_id=p.offer_id, price=p.price, price_sent=True) for p in keep],
    )
    with _store(stack).engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM ozon_stock_state")
    result = run_job(stack, INVENTORY_SYNC_JOB)
    stock = materialization(result, "inventory", "stock_sync")
    assert stock["skipped_without_card"] == 2 and stock["rejected"] == 0
    assert materialization(result, "inventory", "ozon_cards")["products_without_card"] >= 1
    ids = repo.products().filter(pl.col("offer_id") == gone)["ozon_product_id"].to_list()
    assert ids == [None]


def test_open_ozon_orders_are_held_back_from_published_stock(stack):
    admin = stack.server.admin
    assert run_job(stack, INVENTORY_SYNC_JOB).success
    repo = _store(stack).inventory
    offer_id, warehouse_id, stock = (
        repo.stock_levels()
        .filter(pl.col("stock") > 5)
        .select("offer_id", "warehouse_id", "stock")
        .row(0)
    )
    admin.place_orders(
        stack.client_id,
        [PlaceOrder(warehouse_id=warehouse_id, items=[OrderLine(offer_id=offer_id, quantity=3)])],
    )
    result = run_job(stack, INVENTORY_RECONCILE_JOB)
    assert result.success
    assert materialization(result, "inventory", "order_reservations")["reserved_units"] == 3
    levels = {
        (o, w): s
        for o, w, s in repo.stock_levels().select("offer_id", "warehouse_id", "stock").iter_rows()
    }
    assert levels[(offer_id, warehouse_id)] == stock - 3
    row = admin.stocks(stack.client_id)[(offer_id, warehouse_id)]
    # Ozon sells only what is really free: present = published + its own reservation.
    assert row.present - row.reserved == stock - 3
    again = run_job(stack, INVENTORY_RECONCILE_JOB)
    assert materialization(again, "inventory", "stock_sync")["sent"] == 0


def test_reconcile_job_is_gated_by_the_same_price_checks(stack):
    assert run_job(stack, INVENTORY_SYNC_JOB).success
    store = _store(stack)
    offer_id, price = store.inventory.price_levels().select("offer_id", "price").row(0)
    # Someone set a tenth of our price in Ozon's cabinet: restoring ours is a +900 % jump,
    # which Ozon would punish with price quarantine. The reconcile run must stop, not push.
    stack.server.admin.seed_products(
        stack.client_id,
        [SeedProduct(offer_id=offer_id, price=f"{price / 10:.2f}", price_sent=True)],
    )
    result = run_job(stack, INVENTORY_RECONCILE_JOB)
    assert materialization(result, "inventory", "price_reconciliation")["drifted"] == 1
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks["price_jump_within_limit"] is False
    done = {e.materialization.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["inventory", "price_sync"]) not in done
    assert float(stack.server.admin.prices(stack.client_id)[offer_id].price) == round(price / 10, 2)


def test_an_empty_export_does_not_zero_the_shop(stack):
    assert run_job(stack, INVENTORY_SYNC_JOB).success
    before = _sandbox_stock(stack)
    assert sum(before.values()) > 0
    snapshot = sorted((stack.data_dir / "infor" / "stock").glob("stock_*.csv"))[-1]
    header = snapshot.read_text(encoding="utf-8-sig").splitlines()[0]
    # Infor drops a cut-off file: the header and nothing else. It proves nothing is in stock
    # no more than a lost file would, so every pair keeps what Ozon shows.
    snapshot.with_name("stock_20991231T000000.csv").write_text(header + "\n", encoding="utf-8")
    result = run_job(stack, INVENTORY_SYNC_JOB)
    infor = materialization(result, "sources", "infor_stock")
    assert infor["complete"] is False and infor["lines_total"] == 1
    assert materialization(result, "inventory", "stock_sync")["sent"] == 0
    assert _sandbox_stock(stack) == before


def test_drop_gate_stops_a_push_that_would_zero_a_warehouse(stack):
    assert run_job(stack, INVENTORY_SYNC_JOB).success
    before = _sandbox_stock(stack)
    snapshot = sorted((stack.data_dir / "infor" / "stock").glob("stock_*.csv"))[-1]
    lines = snapshot.read_text(encoding="utf-8-sig").splitlines()
    # A complete file by its own evidence that says SPB1 has nothing at all: the units of one
    # warehouse collapse while the total stays within the limit, so only the per-warehouse
    # measure catches it.
    zeroed = [";".join([*f.split(";")[:2], "0", "0"]) if ";SPB1;" in f else f for f in lines[1:]]
    snapshot.with_name("stock_20991231T000000.csv").write_text(
        "\n".join([lines[0], *zeroed]) + "\n", encoding="utf-8"
    )
    result = run_job(stack, INVENTORY_SYNC_JOB)
    assert materialization(result, "sources", "infor_stock")["complete"] is True
    check = {e.check_name: e for e in result.get_asset_check_evaluations()}[
        "stock_drop_within_limit"
    ]
    assert check.passed is False
    measures = {p["measure"] for p in check.metadata["examples"].value}
    assert "units_per_warehouse" in measures and "products_to_zero" in measures
    done = {e.materialization.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["inventory", "stock_sync"]) not in done
    assert _sandbox_stock(stack) == before


def test_server_faults_are_retried_by_the_client_without_losing_items(stack):
    stack.server.admin.set_faults(stack.client_id, FaultSettings(rate_5xx=0.3, rate_429=0.2))
    result = run_job(stack, INVENTORY_SYNC_JOB)
    assert result.success
    stock = materialization(result, "inventory", "stock_sync")
    faults = stack.server.admin.requests(stack.client_id).methods["/v2/products/stocks"].faults
    assert sum(faults.values()) > 0
    # Most batches get through on a retry; any batch that ran out of retries is kept, not lost.
    assert stock["accepted"] > stock["changed"] / 2
    repo = _store(stack).inventory
    assert stock["accepted"] + repo.open_sync_errors("stock").height == stock["changed"]
    stack.server.admin.clear_faults(stack.client_id)
    again = run_job(stack, INVENTORY_SYNC_JOB)
    assert (
        materialization(again, "inventory", "stock_sync")["sent"]
        == stock["changed"] - stock["accepted"]
    )
    assert repo.open_sync_errors("stock").height == 0


def test_a_run_stopped_by_an_outage_resumes_where_it_left_off(stack):
    stack.server.admin.set_faults(
        stack.client_id, FaultSettings(rate_5xx=1.0, methods=["/v2/products/stocks"])
    )
    broken = run_job(stack, INVENTORY_SYNC_JOB)
    assert not broken.success  # the stop is visible
    repo = _store(stack).inventory
    assert repo.ozon_stock_state().height == 0
    assert repo.open_sync_errors("stock").height > 0  # what failed is recorded, not dropped
    stack.server.admin.clear_faults(stack.client_id)
    healed = run_job(stack, INVENTORY_SYNC_JOB)
    assert healed.success
    assert repo.open_sync_errors("stock").height == 0
    assert repo.ozon_stock_state().height == repo.stock_levels().height


def test_reconciliation_corrects_drift_made_on_ozon(stack):
    assert run_job(stack, INVENTORY_SYNC_JOB).success
    repo = _store(stack).inventory
    offer_id, warehouse_id, stock = (
        repo.stock_levels()
        .filter(pl.col("stock") > 0)
        .select("offer_id", "warehouse_id", "stock")
        .row(0)
    )
    stack.server.admin.seed_stocks(
        stack.client_id,
        [SeedStock(offer_id=offer_id, warehouse_id=warehouse_id, present=stock + 40)],
    )
    result = run_job(stack, INVENTORY_RECONCILE_JOB)
    assert result.success
    assert materialization(result, "inventory", "stock_reconciliation")["drifted"] == 1
    assert materialization(result, "inventory", "stock_sync")["accepted"] == 1
    assert _sandbox_stock(stack)[(offer_id, warehouse_id)] == stock
