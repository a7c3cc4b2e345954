"""Ozon's per-account limits honoured across processes: through the store, and after a 429.

Each client here has its own limiter, as separate processes (or a run after a killed one) have;
the sandbox enforces Ozon's limits on a scaled clock over real HTTP.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient, StockUpdate
from resources.ozon.constants import STOCKS_UPDATE
from resources.ozon.ratelimit import RateLimiter
from resources.store.store import Store
from tests.support.sandbox import (
    API_KEY,
    CLIENT_ID,
    WAREHOUSE_IDS,
    sandbox_config,
    seed_catalog,
    start_sandbox,
)

# Slow enough that the 30 s pair rule (3 s here) outlasts the gap between two "processes".
TIME_FACTOR = 10.0


@pytest.fixture
def slow_sandbox() -> Iterator[SandboxServer]:
    server = start_sandbox(sandbox_config(time_factor=TIME_FACTOR))
    try:
        yield server
    finally:
        server.stop()


def _process(server: SandboxServer, time_factor: float = TIME_FACTOR) -> OzonClient:
    """A client with a limiter of its own, empty, as a freshly started process has."""
    return OzonClient(
        server.url,
        CLIENT_ID,
        API_KEY,
        time_scale=time_factor,
        limiter=RateLimiter(time_scale=time_factor),
    )


def _items(offers: list[str], stock: int) -> list[StockUpdate]:
    return [StockUpdate(offer_id=o, warehouse_id=WAREHOUSE_IDS[0], stock=stock) for o in offers]


def test_a_run_right_after_another_waits_out_its_pairs_via_the_store(slow_sandbox, store_url):
    offers = seed_catalog(slow_sandbox.admin, 150)
    with Store(store_url) as store:
        budget = store.migrate().rate_budget(CLIENT_ID)
        with _process(slow_sandbox) as first:
            assert first.limiter.attach_journal(budget) == {"calls": 0, "items": 0}
            assert all(r.updated for r in first.stocks.update(_items(offers, 1)))
            first.limiter.detach_journal()  # as a push does when it ends
        with _process(slow_sandbox) as second:
            loaded = second.limiter.attach_journal(budget)
            assert loaded == {"calls": 2, "items": 150}
            results = second.stocks.update(_items(offers, 2))
    assert all(r.updated and not r.errors for r in results)
    stocks = slow_sandbox.admin.stocks(CLIENT_ID)
    assert {stocks[(o, WAREHOUSE_IDS[0])].present for o in offers} == {2}
    log = slow_sandbox.admin.requests(CLIENT_ID)
    assert log.total_rejected_by_limit == 0
    assert log.methods[STOCKS_UPDATE].item_errors == {}

    # The same without the store: a blind process earns per-item refusals for the same pairs.
    with _process(slow_sandbox) as blind:
        refused = [r for r in blind.stocks.update(_items(offers, 3)) if not r.updated]
    assert refused and {e.code for r in refused for e in r.errors} == {"TOO_MANY_REQUESTS"}


def test_a_429_is_waited_out_in_full_not_burned_in_quick_retries(store_url):
    # Clock x20: the 80-per-minute window lasts three real seconds.
    server = start_sandbox(sandbox_config(time_factor=20.0))
    try:
        offers = seed_catalog(server.admin, 81)
        with _process(server, 20.0) as first:
            for offer in offers[:80]:  # the whole minute's budget, one pair per call
                first.stocks.update(_items([offer], 1))
        with _process(server, 20.0) as second:  # knows nothing of those 80 calls
            (result,) = second.stocks.update(_items(offers[80:], 1))
        assert result.updated
        method = server.admin.requests(CLIENT_ID).methods[STOCKS_UPDATE]
        assert method.rejected_by_limit == 1  # one refusal taught the limiter the window
    finally:
        server.stop()


_KILLED_PROCESS = """
import sys, time
from resources.ozon import OzonClient, StockUpdate
from resources.ozon.ratelimit import RateLimiter
from resources.store.store import Store
url, client_id, key, store_url, factor, warehouse = sys.argv[1:7]
offers = sys.argv[7:]
store = Store(store_url)
limiter = RateLimiter(time_scale=float(factor))
limiter.attach_journal(store.rate_budget(client_id))
client = OzonClient(url, client_id, key, time_scale=float(factor), limiter=limiter)
client.stocks.update(
    [StockUpdate(offer_id=o, warehouse_id=int(warehouse), stock=1) for o in offers]
)
while store.engine.connect().exec_driver_sql("SELECT count(*) FROM ozon_calls").scalar() < 2:
    time.sleep(0.01)
print("sent", flush=True)
time.sleep(600)
"""


def test_a_run_right_after_a_killed_one_waits_out_what_the_killed_one_sent(slow_sandbox, store_url):
    offers = seed_catalog(slow_sandbox.admin, 150)
    with Store(store_url) as store:
        store.migrate()
    killed = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _KILLED_PROCESS,
            slow_sandbox.url,
            CLIENT_ID,
            API_KEY,
            store_url,
            str(TIME_FACTOR),
            str(WAREHOUSE_IDS[0]),
            *offers,
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    try:
        assert killed.stdout is not None and killed.stdout.readline().strip() == "sent"
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait()
    with Store(store_url) as store, _process(slow_sandbox) as after:
        assert after.limiter.attach_journal(store.rate_budget(CLIENT_ID))["items"] == 150
        results = after.stocks.update(_items(offers, 2))
    assert all(r.updated and not r.errors for r in results)
    method = slow_sandbox.admin.requests(CLIENT_ID).methods[STOCKS_UPDATE]
    assert method.item_errors == {} and method.rejected_by_limit == 0
