"""The pipelined push against the sandbox with faults on: hung calls and 5xx cost a retry only.

Several batches are in flight at once; each batch's outcome is committed as it completes, and
per-item errors land on exactly the items Ozon refused.
"""

from __future__ import annotations

import polars as pl

from novex_assets.inventory.sync import push_stock
from ozon_sandbox.config import FaultSettings
from resources.ozon import OzonClient
from resources.ozon.constants import STOCKS_UPDATE
from resources.ozon.ratelimit import RateLimiter
from resources.store.store import Store
from tests.support.sandbox import (  # noqa: F401
    API_KEY,
    CLIENT_ID,
    FAST_TIME_FACTOR,
    WAREHOUSE_IDS,
    sandbox,
    seed_catalog,
)


def _changes(offers: list[str]) -> pl.DataFrame:
    rows = [(o, w, (i % 7) + 1) for i, o in enumerate(offers) for w in WAREHOUSE_IDS]
    return pl.DataFrame(
        rows,
        schema={"offer_id": pl.String, "warehouse_id": pl.Int64, "stock": pl.Int64},
        orient="row",
    )


def test_hung_calls_and_5xx_are_retried_in_flight_and_no_pair_is_lost(sandbox, store_url):  # noqa: F811
    offers = seed_catalog(sandbox.admin, 1500)
    unknown = [f"GONE-{i}" for i in range(3)]  # not on Ozon: refused per item
    changes = _changes(offers + unknown)
    sandbox.admin.set_faults(
        CLIENT_ID,
        FaultSettings(rate_5xx=0.1, slow_rate=0.2, slow_seconds=1.5, methods=[STOCKS_UPDATE]),
    )
    client = OzonClient(
        sandbox.url,
        CLIENT_ID,
        API_KEY,
        time_scale=FAST_TIME_FACTOR,
        timeout=0.5,  # a slow reply outlasts it: the call counts as hung
        limiter=RateLimiter(time_scale=FAST_TIME_FACTOR),
    )
    with Store(store_url) as store, client:
        repo = store.migrate().inventory
        report = push_stock(
            client,
            repo,
            changes,
            batch_size=100,
            run_id="test",
            log=lambda _: None,
            concurrency=4,
        )
        state = repo.ozon_stock_state()
        errors = repo.open_sync_errors("stock")
    methods = sandbox.admin.requests(CLIENT_ID).methods[STOCKS_UPDATE]
    assert methods.faults.get("slow", 0) > 0 and methods.faults.get("fault_5xx", 0) > 0
    assert report.failed_batches == 0 and report.aborted is None
    assert report.accepted == len(offers) * 2 and report.rejected == len(unknown) * 2
    # Every pair on Ozon has its value; the store knows exactly what Ozon accepted.
    on_ozon = sandbox.admin.stocks(CLIENT_ID)
    for offer_id, warehouse_id, stock in changes.filter(
        pl.col("offer_id").str.starts_with("NVX")
    ).iter_rows():
        assert on_ozon[(offer_id, warehouse_id)].present == stock
    assert state.height == len(offers) * 2
    assert set(errors["offer_id"].to_list()) == set(unknown)
    assert set(errors["code"].to_list()) == {"offer_id_not_found"}
    # The resend of a hung call waited out its pairs' 30 s: Ozon refused no pair as too frequent.
    assert "TOO_MANY_REQUESTS" not in methods.item_errors
    assert methods.rejected_by_limit == 0
