"""The limiter keeps the client within Ozon's published limits, on an injected clock."""

from __future__ import annotations

import threading
import time

import pytest

from resources.ozon.ratelimit import (
    METHOD_LIMITS,
    WINDOW_SAFETY,
    ItemRule,
    MethodLimits,
    OnExceed,
    Rate,
    RateLimiter,
    shared_limiter,
)
from tests.unit.ozon_client.conftest import FakeClock

STOCKS = "/v2/products/stocks"
PRICES = "/v1/product/import/prices"


def _max_in_window(stamps: list[float], window: float) -> int:
    best = 0
    for i, start in enumerate(stamps):
        best = max(best, sum(1 for t in stamps[i:] if t < start + window - 1e-9))
    return best


def test_global_50_requests_per_second(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock)
    stamps = []
    for _ in range(120):
        limiter.acquire("/v3/product/list")
        stamps.append(clock.monotonic())
    assert _max_in_window(stamps, 1.0) == 50
    # 120 requests need at least two full seconds of waiting, and not much more.
    assert 2.0 <= stamps[-1] - stamps[0] < 2.1


def test_stocks_80_requests_per_minute(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock)
    stamps = []
    for _ in range(170):
        limiter.acquire(STOCKS)
        stamps.append(clock.monotonic())
    assert _max_in_window(stamps, 60.0) == 80
    # Two full windows, each run 3 % long as a margin against transit jitter.
    assert 120.0 * WINDOW_SAFETY - 1e-6 <= stamps[-1] - stamps[0] < 121.0 * WINDOW_SAFETY


def test_time_scale_shrinks_every_window(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock, time_scale=60.0)
    start = clock.monotonic()
    for _ in range(81):
        limiter.acquire(STOCKS)
    # The 81st request waits one (scaled) minute: one real second, plus the safety margin.
    assert clock.monotonic() - start == pytest.approx(WINDOW_SAFETY, abs=0.05)


def test_stock_pair_waits_30_seconds_other_pairs_do_not(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock)
    first = limiter.reserve(STOCKS, [("A", 1), ("B", 1)])
    assert first.admitted == (0, 1) and first.deferred == ()
    clock.advance(10.0)
    other = limiter.reserve(STOCKS, [("C", 1), ("A", 2)])
    assert other.waited_s == pytest.approx(0.0, abs=0.05)
    again = limiter.reserve(STOCKS, [("A", 1)])
    # (A, 1) was sent 10 s ago: the client waits the rest of the (margined) 30 s, then sends.
    assert again.admitted == (0,)
    assert again.waited_s == pytest.approx(30.0 * WINDOW_SAFETY - 10.0, abs=0.05)


def test_price_limit_defers_the_eleventh_change_within_an_hour(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock)
    for _ in range(10):
        assert limiter.reserve(PRICES, ["A", "B"]).deferred == ()
        clock.advance(60.0)
    held = limiter.reserve(PRICES, ["A", "C"])
    assert held.admitted == (1,) and held.deferred == (0,)
    # Deferring never blocks: the hour is not waited out.
    assert held.waited_s == 0.0
    clock.advance(3600.0 * WINDOW_SAFETY - 10 * 60.0 + 1.0)
    assert limiter.reserve(PRICES, ["A"]).admitted == (0,)


def test_duplicates_in_one_request_count_against_the_item_limit(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock)
    reservation = limiter.reserve(PRICES, ["A"] * 12)
    assert len(reservation.admitted) == 10 and reservation.deferred == (10, 11)


def test_a_wait_rule_never_waits_more_than_its_window(clock: FakeClock) -> None:
    rules = {"/x": MethodLimits(item=ItemRule(Rate(1, 30.0), OnExceed.WAIT))}
    limiter = RateLimiter(clock=clock, method_limits=rules)
    # The same key twice in one request cannot be satisfied by waiting: the second is deferred.
    reservation = limiter.reserve("/x", ["k", "k"])
    assert reservation.admitted == (0,) and reservation.deferred == (1,)


def test_limits_are_declared_in_one_table() -> None:
    assert METHOD_LIMITS[STOCKS].requests == (Rate(80, 60.0),)
    assert METHOD_LIMITS[STOCKS].item == ItemRule(Rate(1, 30.0), OnExceed.WAIT)
    assert METHOD_LIMITS[PRICES].item == ItemRule(Rate(10, 3600.0), OnExceed.DEFER)


def test_threads_share_the_budget() -> None:
    # Real clock, Ozon's second scaled to 50 ms: 8 threads x 25 requests must stay at 50/window.
    limiter = RateLimiter(time_scale=20.0)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            limiter.acquire("/v3/product/list")
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    assert len(stamps) == 200
    # Allow a little scheduling slack when reading the real clock after acquiring.
    assert _max_in_window(stamps, 0.05 * 0.9) <= 50
    assert stamps[-1] - stamps[0] >= 3 * 0.05 * 0.95


def test_clients_of_one_account_share_a_limiter() -> None:
    a = shared_limiter("https://api-seller.ozon.ru/", "1", 1.0)
    assert a is shared_limiter("https://api-seller.ozon.ru", "1", 1.0)
    assert a is not shared_limiter("https://api-seller.ozon.ru", "2", 1.0)


def test_stale_item_windows_are_forgotten(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock)
    for start in range(0, 5000, 100):
        limiter.reserve(STOCKS, [(str(i), 1) for i in range(start, start + 100)])
        clock.advance(31.0)
    assert len(limiter._items[STOCKS]) < 2100
