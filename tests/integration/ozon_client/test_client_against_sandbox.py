"""The client's limits and retries against the sandbox's real limits and injected faults."""

from __future__ import annotations

import logging

import pytest

from ozon_sandbox.config import FaultSettings
from resources.ozon import (
    LOCAL_RATE_LIMIT,
    OzonAuthError,
    OzonClient,
    OzonError,
    OzonServerError,
    OzonTransportError,
    PriceUpdate,
    StockUpdate,
)
from tests.support.sandbox import (
    API_KEY,
    CLIENT_ID,
    FAST_TIME_FACTOR,
    WAREHOUSE_IDS,
    sandbox,  # noqa: F401
    seed_catalog,
)


def _client(server, **kw) -> OzonClient:
    kw.setdefault("time_scale", FAST_TIME_FACTOR)
    kw.setdefault("limiter", None)
    return OzonClient(server.url, CLIENT_ID, API_KEY, **kw)


def test_full_sweep_respects_ozon_limits_so_nothing_is_rejected(sandbox):  # noqa: F811
    offers = seed_catalog(sandbox.admin, 3000)
    items = [
        StockUpdate(offer_id=o, warehouse_id=w, stock=5) for o in offers for w in WAREHOUSE_IDS
    ]
    with _client(sandbox) as client:
        results = client.stocks.update(items)
        # The same pairs again at once: the client waits out Ozon's 30 s pair rule itself.
        again = client.stocks.update(items[:150])
    assert all(r.updated for r in results + again), {
        e.code for r in results + again for e in r.errors
    }
    log = sandbox.admin.requests(CLIENT_ID)
    assert log.total_rejected_by_limit == 0
    stocks = log.methods["/v2/products/stocks"]
    assert stocks.requests == 60 + 2
    assert not stocks.item_errors


def test_price_changes_beyond_ten_per_hour_are_deferred_not_sent(sandbox):  # noqa: F811
    (offer,) = seed_catalog(sandbox.admin, 1)
    outcomes = []
    with _client(sandbox) as client:
        for n in range(12):
            (result,) = client.prices.update([PriceUpdate(offer_id=offer, price=str(500 + n))])
            outcomes.append(result)
    assert [r.updated for r in outcomes] == [True] * 10 + [False] * 2
    assert {e.code for r in outcomes[10:] for e in r.errors} == {LOCAL_RATE_LIMIT}
    assert sandbox.admin.requests(CLIENT_ID).methods["/v1/product/import/prices"].requests == 10
    assert sandbox.admin.prices(CLIENT_ID)[offer].price == "509"


def test_429_and_5xx_are_retried_then_succeed(sandbox):  # noqa: F811
    offers = seed_catalog(sandbox.admin, 500)
    sandbox.admin.set_faults(CLIENT_ID, FaultSettings(rate_429=0.3, rate_5xx=0.2))
    items = [StockUpdate(offer_id=o, warehouse_id=WAREHOUSE_IDS[0], stock=1) for o in offers]
    with _client(sandbox, max_attempts=8) as client:
        results = client.stocks.update(items)
    assert all(r.updated for r in results)
    faults = sandbox.admin.requests(CLIENT_ID).methods["/v2/products/stocks"].faults
    assert sum(faults.values()) > 0


def test_persistent_outage_gives_a_clear_error_after_bounded_retries(sandbox, caplog):  # noqa: F811
    (offer,) = seed_catalog(sandbox.admin, 1)
    sandbox.admin.set_faults(CLIENT_ID, FaultSettings(rate_5xx=1.0))
    caplog.set_level(logging.INFO, logger="resources.ozon")
    with _client(sandbox, max_attempts=3) as client, pytest.raises(OzonServerError) as err:
        client.stocks.update([StockUpdate(offer_id=offer, warehouse_id=WAREHOUSE_IDS[0], stock=1)])
    assert err.value.status >= 500
    assert sandbox.admin.requests(CLIENT_ID).methods["/v2/products/stocks"].requests == 3
    assert API_KEY not in caplog.text and API_KEY not in str(err.value)


def test_slow_replies_time_out_and_surface_as_transport_errors(sandbox):  # noqa: F811
    (offer,) = seed_catalog(sandbox.admin, 1)
    sandbox.admin.set_faults(CLIENT_ID, FaultSettings(slow_rate=1.0, slow_seconds=1.0))
    with _client(sandbox, timeout=0.2, max_attempts=2) as client, pytest.raises(OzonTransportError):
        client.stocks.update([StockUpdate(offer_id=offer, warehouse_id=WAREHOUSE_IDS[0], stock=1)])


def test_circuit_breaker_and_bad_key_are_distinct_errors(sandbox):  # noqa: F811
    (offer,) = seed_catalog(sandbox.admin, 1)
    with (
        OzonClient(sandbox.url, CLIENT_ID, "wrong-key", time_scale=FAST_TIME_FACTOR) as client,
        pytest.raises(OzonError) as err,
    ):
        client.warehouses.list()
    assert isinstance(err.value, OzonAuthError) or err.value.status == 403
    assert "wrong-key" not in str(err.value)
    sandbox.admin.set_faults(CLIENT_ID, FaultSettings(circle_open_seconds=3600))
    with _client(sandbox, max_attempts=2) as client, pytest.raises(OzonServerError) as err:
        client.stocks.update([StockUpdate(offer_id=offer, warehouse_id=WAREHOUSE_IDS[0], stock=1)])
    assert "Circle is open" in str(err.value)
