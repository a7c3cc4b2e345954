"""Two pushes for one Ozon account: real runs at once against one sandbox, on both backends.

The account's lease in the store lets one push through at a time; the second waits, then finds
nothing left to send. Stock waits for an accepted price; a held lease makes a run skip with a
clear message; a crashed holder's lease runs out.
"""

from __future__ import annotations

import threading
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
import yaml

from novex_assets.constants import INVENTORY_SYNC_JOB
from novex_assets.definitions import build_definitions
from novex_assets.settings_resource import SettingsResource
from ozon_sandbox.admin import SeedProduct
from resources.ozon.constants import PRICES_UPDATE, STOCKS_UPDATE
from resources.store.store import Store
from resources.store_resource import StoreResource
from tests.assets.conftest import materialization

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@pytest.fixture(params=["sqlite", "postgres"])
def resources(request: pytest.FixtureRequest, stack) -> dict:
    """The stack's resources, with the store on the parametrised backend."""
    found = stack.resources()
    if request.param == "postgres":
        found["store"] = StoreResource(url=request.getfixturevalue("pg_url"))
    return found


def _store(resources: dict) -> Store:
    return Store(resources["store"].url).migrate()


def _run(resources: dict, selection: list[str] | None = None) -> dg.ExecuteInProcessResult:
    defs = build_definitions(resources=resources)
    job = defs.resolve_job_def(INVENTORY_SYNC_JOB)
    return job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        run_config=QUIET,
        asset_selection=[dg.AssetKey.from_user_string(k) for k in selection] if selection else None,
    )


def _with_sync(resources: dict, tmp_path: Path, **sync: float) -> dict:
    """The same resources with `sync:` settings overridden in a copy of the shipped config."""
    config = yaml.safe_load(Path("config/novex.yaml").read_text(encoding="utf-8"))
    config["sync"].update(sync)
    path = tmp_path / "novex.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return {**resources, "settings": SettingsResource(config_path=str(path))}


def _wanted(repo) -> dict[tuple[str, int], int]:
    levels = repo.stock_levels().select("offer_id", "warehouse_id", "stock")
    return {(o, w): s for o, w, s in levels.iter_rows()}


def test_two_runs_at_once_push_each_pair_once_and_leave_no_stale_errors(stack, resources):
    results: list[dg.ExecuteInProcessResult | None] = [None, None]
    barrier = threading.Barrier(2)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = _run(resources)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r is not None and r.success for r in results)
    stock = [materialization(r, "inventory", "stock_sync") for r in results]
    prices = [materialization(r, "inventory", "price_sync") for r in results]
    repo = _store(resources).inventory
    wanted = _wanted(repo)
    # Each pair went out once, in whichever run held the lease first; the other sent nothing.
    assert sorted(s["sent"] for s in stock) == [0, len(wanted)]
    assert sum(s["accepted"] for s in stock) == len(wanted)
    assert sorted(p["sent"] for p in prices) == [0, repo.price_levels().height]
    on_ozon = {k: row.present for k, row in stack.server.admin.stocks(stack.client_id).items()}
    assert all(on_ozon[pair] == value for pair, value in wanted.items())
    assert repo.open_sync_errors().height == 0
    log = stack.server.admin.requests(stack.client_id)
    assert log.total_rejected_by_limit == 0
    assert log.methods[STOCKS_UPDATE].item_errors == {}
    assert log.methods[PRICES_UPDATE].item_errors == {}


def test_a_run_finding_the_account_busy_skips_with_the_holder_named(stack, resources, tmp_path):
    busy = _with_sync(resources, tmp_path, push_lease_wait_s=0)
    store = _store(busy)
    assert store.leases.try_acquire(f"ozon-push:{stack.client_id}", "run ghost", ttl_s=600) is None
    result = _run(busy)
    assert result.success
    stock = materialization(result, "inventory", "stock_sync")
    assert "run ghost" in stock["skipped"] and stock["sent"] == 0
    assert "run ghost" in materialization(result, "inventory", "price_sync")["skipped"]
    assert stack.server.admin.requests(stack.client_id).methods.get(STOCKS_UPDATE) is None
    assert store.inventory.ozon_stock_state().height == 0

    # The holder crashed: its lease runs out and the next run takes over and pushes everything.
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE push_leases SET expires_at = '2000-01-01 00:00:00'")
    after = _run(busy)
    assert after.success
    assert materialization(after, "inventory", "stock_sync")["accepted"] == len(
        _wanted(store.inventory)
    )
    assert store.leases.current(f"ozon-push:{stack.client_id}") is None  # released when done


def test_stock_waits_for_the_cards_price_then_follows_it(stack, resources):
    assert _run(resources).success
    store = _store(resources)
    repo = store.inventory
    offers = repo.stock_levels().filter(pl.col("stock") > 0)["offer_id"].unique().sort()[:3]
    offers = offers.to_list()
    # Three cards that Ozon has no price for (new cards), and that we never priced either.
    stack.server.admin.seed_products(
        stack.client_id, [SeedProduct(offer_id=o, price=None, price_sent=False) for o in offers]
    )
    frame = pl.DataFrame({"offer_id": offers})
    repo.forget_ozon_price_state(frame)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM ozon_stock_state")
    pairs = repo.stock_levels().filter(pl.col("offer_id").is_in(offers) & (pl.col("stock") > 0))

    # Only the stock push: the pairs of the price-less cards wait, counted, and are not sent.
    alone = _run(resources, ["inventory/stock_sync"])
    assert alone.success
    stock = materialization(alone, "inventory", "stock_sync")
    assert stock["held_without_price"] == pairs.height > 0
    assert stock["held_offers_without_price"] == len(offers)
    assert stock["rejected"] == 0
    assert "PRICE_IS_NOT_SENT" not in (
        stack.server.admin.requests(stack.client_id).methods[STOCKS_UPDATE].item_errors
    )

    # The whole job: the price goes first, then the held pairs follow in the same run.
    full = _run(resources)
    assert full.success
    assert materialization(full, "inventory", "price_sync")["accepted"] == len(offers)
    stock = materialization(full, "inventory", "stock_sync")
    assert stock["held_without_price"] == 0 and stock["accepted"] == pairs.height
    on_ozon = stack.server.admin.stocks(stack.client_id)
    for offer_id, warehouse_id, value in pairs.select(
        "offer_id", "warehouse_id", "stock"
    ).iter_rows():
        assert on_ozon[(offer_id, warehouse_id)].present == value
    assert repo.open_sync_errors().height == 0


def test_the_sandbox_refuses_stock_for_a_card_without_a_price_as_ozon_does(stack, resources):
    assert _run(resources).success
    repo = _store(resources).inventory
    offer_id = repo.stock_levels().filter(pl.col("stock") > 0)["offer_id"][0]
    stack.server.admin.seed_products(
        stack.client_id, [SeedProduct(offer_id=offer_id, price=None, price_sent=False)]
    )
    with _store(resources).engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM ozon_stock_state")
    # Our record says the price was accepted (Ozon lost it): the pair is sent and refused.
    result = _run(resources, ["inventory/stock_sync"])
    assert result.success
    errors = repo.open_sync_errors("stock")
    assert set(errors["code"].to_list()) == {"PRICE_IS_NOT_SENT"}
    assert set(errors["offer_id"].to_list()) == {offer_id}
