"""The limiter keeps the client within Ozon's published limits, on an injected clock."""

from __future__ import annotations

import threading
import time

import pytest

from resources.ozon.ratelimit import (
    METHOD_LIMITS,
    REQUEST_WINDOW_SAFETY,
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
    # Two full windows, each with a hair of margin (calls count from their reply: settle).
    assert (
        120.0 * REQUEST_WINDOW_SAFETY - 1e-6
        <= stamps[-1] - stamps[0]
        < 121.0 * REQUEST_WINDOW_SAFETY
    )


def test_time_scale_shrinks_every_window(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock, time_scale=60.0)
    start = clock.monotonic()
    for _ in range(81):
        limiter.acquire(STOCKS)
    # The 81st request waits one (scaled) minute: one real second, plus the safety margin.
    assert clock.monotonic() - start == pytest.approx(REQUEST_WINDOW_SAFETY, abs=0.05)


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


def test_a_call_counts_from_its_reply_so_slow_transit_cannot_crowd_the_window(
    clock: FakeClock,
) -> None:
    limiter = RateLimiter(clock=clock)
    first = limiter.reserve(STOCKS, [])
    clock.advance(5.0)  # the reply of the first call took 5 s: Ozon may have counted it late
    limiter.settle(STOCKS, first.stamp)
    replied = clock.monotonic()
    for _ in range(79):
        limiter.acquire(STOCKS)
    limiter.acquire(STOCKS)  # the 81st waits for the first call's window, counted from its reply
    assert clock.monotonic() == pytest.approx(replied + 60.0 * REQUEST_WINDOW_SAFETY, abs=0.01)


def test_a_429_fills_the_methods_window_and_the_next_call_waits_it_out(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock)
    limiter.acquire(STOCKS)
    wait = limiter.note_rejected(STOCKS, "You have reached request rate limit per minute")
    assert wait == pytest.approx(60.0 * REQUEST_WINDOW_SAFETY)
    start = clock.monotonic()
    limiter.acquire(STOCKS)
    assert clock.monotonic() - start == pytest.approx(wait)
    # A per-second refusal fills only the per-second window.
    limiter.note_rejected("/v3/product/list", "You have reached request rate limit per second")
    start = clock.monotonic()
    limiter.acquire("/v3/product/list")
    assert clock.monotonic() - start == pytest.approx(WINDOW_SAFETY, abs=0.01)


class _Journal:
    """An in-memory journal standing in for the store (the store's own is tested elsewhere)."""

    def __init__(self) -> None:
        from datetime import datetime

        self.rows: list[tuple[int, str, datetime, str | None, str]] = []

    def recent(self, path, since, exclude_origin):
        from resources.ozon.ratelimit import JournalEntry

        calls = [
            JournalEntry(i, at)
            for i, p, at, key, origin in self.rows
            if p == path and at >= since and origin != exclude_origin and key is None
        ]
        items = [
            JournalEntry(i, at, key)
            for i, p, at, key, origin in self.rows
            if p == path and at >= since and origin != exclude_origin and key is not None
        ]
        return calls, items

    def record(self, path, at, item_keys, origin):
        self.rows.append((len(self.rows), path, at, None, origin))
        for key in item_keys:
            self.rows.append((len(self.rows), path, at, key, origin))


def test_a_second_limiter_learns_the_first_ones_calls_and_pairs_from_the_journal(
    clock: FakeClock,
) -> None:
    journal = _Journal()
    first = RateLimiter(clock=clock)
    first.attach_journal(journal)
    pair = (("offer", "A"), 1)
    first.reserve(STOCKS, [pair])
    for _ in range(79):
        first.acquire(STOCKS)
    first.detach_journal()  # the push is over: its queued calls are written
    second = RateLimiter(clock=clock)
    assert second.attach_journal(journal) == {"calls": 80, "items": 1}
    assert second.attach_journal(journal) == {"calls": 0, "items": 0}  # no double counting
    reservation = second.reserve(STOCKS, [pair])
    second.settle(STOCKS, reservation.stamp)
    assert reservation.admitted == (0,)
    assert reservation.waited_s > 55  # the minute's 80 calls (the wall clock stood still here)
    second.detach_journal()
    assert first.attach_journal(journal)["calls"] == 1  # the second one's call, not its own
