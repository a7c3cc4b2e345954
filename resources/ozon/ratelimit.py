"""Client-side enforcement of Ozon's published rate limits, per Client-Id.

Ozon cuts off keys that keep hitting its limiters, so the client stays under them instead of
relying on 429s. Request-level limits block until a slot is free. Per-item rules either wait
(the stocks 30-second pair rule: the wait is short) or defer the item to the next run (the
prices 10-per-hour rule: waiting could take an hour). Item-count budgets (the product
create/update family's per-minute item operations, learned per account) block until the items
fit. Every window is divided by ``time_scale`` so a
sandbox running Ozon's clock faster can be driven at the same speed.
"""

from __future__ import annotations

import bisect
import json
import logging
import queue
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, Protocol

from resources.ozon import constants

logger = logging.getLogger(constants.LOGGER_NAME)


class Clock(Protocol):
    """Monotonic time and sleep, injectable so tests run the limiter without real waiting."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block the calling thread for ``seconds``."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        """Seconds from ``time.monotonic``."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Sleep for real."""
        time.sleep(seconds)


@dataclass(frozen=True)
class JournalEntry:
    """One call, or one item of a call, that some process sent (``key`` None for a call)."""

    id: int
    sent_at: datetime
    key: str | None = None


class BudgetJournal(Protocol):
    """Where limiters of one account share their calls across processes and runs (the store).

    Ozon counts per Client-Id, not per process: a run starting right after another (or after a
    crash) must know what Ozon's windows still hold.
    """

    def recent(
        self, path: str, since: datetime, exclude_origin: str
    ) -> tuple[list[JournalEntry], list[JournalEntry]]:
        """Calls and item sends of ``path`` since ``since`` by limiters other than ours."""
        ...

    def record(self, path: str, at: datetime, item_keys: Sequence[str], origin: str) -> None:
        """Remember one call to ``path`` sent at ``at`` carrying items with these keys."""
        ...


class _JournalWriter:
    """Writes a limiter's calls to the journal from a thread of its own.

    A call waiting for the database would hold its worker back from the next call; the writes
    are queued instead and flushed when the push ends (before its lease is given up).
    """

    def __init__(self, journal: BudgetJournal) -> None:
        self.journal = journal
        self._queue: queue.Queue[tuple[str, datetime, list[str], str] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="rate-journal", daemon=True)
        self._thread.start()

    def put(self, path: str, at: datetime, keys: list[str], origin: str) -> None:
        self._queue.put((path, at, keys, origin))

    def _run(self) -> None:
        while True:
            entry = self._queue.get()
            if entry is None:
                return
            try:
                self.journal.record(*entry)
            except Exception:
                # Not fatal: this process still keeps the limits; only the sharing is weaker.
                logger.warning("rate limit: could not record a call of %s", entry[0], exc_info=True)

    def close(self, timeout: float = 60.0) -> None:
        """Write what is queued, then stop."""
        self._queue.put(None)
        self._thread.join(timeout)


def encode_key(key: Hashable) -> str:
    """A per-item limit key as text for the journal (tuples become JSON arrays)."""
    return json.dumps(key, separators=(",", ":"), ensure_ascii=False, default=str)


def decode_key(text: str) -> Hashable:
    """The inverse of :func:`encode_key`."""

    def tuples(value: Any) -> Any:
        return tuple(tuples(v) for v in value) if isinstance(value, list) else value

    result: Hashable = tuples(json.loads(text))
    return result


@dataclass(frozen=True)
class Rate:
    """At most ``limit`` events in any ``window_s`` seconds (of Ozon time)."""

    limit: int
    window_s: float


class OnExceed(Enum):
    """What to do with an item whose per-item window is full."""

    WAIT = "wait"
    DEFER = "defer"


@dataclass(frozen=True)
class ItemRule:
    """A per-item limit (per product, per product and warehouse ...) and how to honour it."""

    rate: Rate
    on_exceed: OnExceed


@dataclass(frozen=True)
class ItemBudget:
    """At most ``limit`` items per ``window_s`` over every call of the methods naming ``pool``.

    Ozon publishes the window but sets the limit per account, so ``limit`` is usually None in the
    table and learned at run time (:meth:`RateLimiter.set_item_budget`); None means not enforced.
    """

    pool: str
    window_s: float
    limit: int | None = None


@dataclass(frozen=True)
class MethodLimits:
    """Limits one method has on top of the global one."""

    requests: tuple[Rate, ...] = ()
    item: ItemRule | None = None
    items: ItemBudget | None = None


GLOBAL_RATE = Rate(50, 1.0)
# Per-item windows run 3 % long: Ozon counts arrivals, we count departures, and jitter in transit
# would otherwise land a stock pair (TOO_MANY_REQUESTS) inside the previous window.
WINDOW_SAFETY = 1.03
# Request windows count each call from the moment its reply came back (``settle``), which is
# after Ozon counted it, so transit jitter is already covered and only a hair of margin is left.
REQUEST_WINDOW_SAFETY = 1.002

# The product create/update family shares one per-minute item-operations limit per account
# (``operation_limits`` of /v4/product/info/limit).
PRODUCT_OPERATIONS = ItemBudget("product operations", 60.0)

# Ozon's documented per-method limits (API-NOTES §12). New methods with limits add a row here.
METHOD_LIMITS: Mapping[str, MethodLimits] = {
    constants.STOCKS_UPDATE: MethodLimits(
        requests=(Rate(80, 60.0),),
        item=ItemRule(Rate(1, 30.0), OnExceed.WAIT),
    ),
    constants.PRICES_UPDATE: MethodLimits(
        item=ItemRule(Rate(10, 3600.0), OnExceed.DEFER),
    ),
    constants.PRODUCT_IMPORT: MethodLimits(items=PRODUCT_OPERATIONS),
    constants.PRODUCT_ATTRIBUTES_UPDATE: MethodLimits(items=PRODUCT_OPERATIONS),
}


@dataclass
class _Window:
    """Timestamps of past events inside one sliding window."""

    limit: int
    window_s: float
    stamps: deque[float] = field(default_factory=deque)

    def prune(self, now: float) -> None:
        while self.stamps and self.stamps[0] <= now - self.window_s:
            self.stamps.popleft()

    def wait_for(self, now: float, count: int = 1) -> float | None:
        """Seconds until ``count`` more events fit; None when they never can (count > limit)."""
        if count > self.limit:
            return None
        self.prune(now)
        overflow = len(self.stamps) + count - self.limit
        if overflow <= 0:
            return 0.0
        return max(0.0, self.stamps[overflow - 1] + self.window_s - now)

    def record(self, now: float, count: int = 1) -> None:
        self.stamps.extend([now] * count)

    def move(self, old: float, new: float) -> None:
        """Re-stamp one event (a call counted from its departure, now from its reply)."""
        try:
            self.stamps.remove(old)
        except ValueError:
            return
        bisect.insort(self.stamps, new)

    def merge(self, stamps: Sequence[float]) -> None:
        """Add events known from elsewhere, keeping the stamps in order."""
        if stamps:
            self.stamps = deque(sorted([*self.stamps, *stamps]))

    def fill(self, now: float) -> None:
        """Count the window as full from ``now``: the next event waits a whole window."""
        self.stamps = deque([now] * self.limit)


@dataclass(frozen=True)
class Reservation:
    """Outcome of reserving a request: which item positions may be sent, which were held back."""

    admitted: tuple[int, ...]
    deferred: tuple[int, ...]
    waited_s: float
    stamp: float = 0.0


class RateLimiter:
    """Sliding-window limiter for one Ozon account (Client-Id); safe to share between threads."""

    def __init__(
        self,
        *,
        time_scale: float = 1.0,
        clock: Clock | None = None,
        global_rate: Rate = GLOBAL_RATE,
        method_limits: Mapping[str, MethodLimits] = METHOD_LIMITS,
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.time_scale = time_scale
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._global = self._window(global_rate, WINDOW_SAFETY)
        self._limits = dict(method_limits)
        self._requests = {
            path: [self._window(rate, REQUEST_WINDOW_SAFETY) for rate in limits.requests]
            for path, limits in self._limits.items()
        }
        self._items: dict[str, dict[Hashable, _Window]] = {path: {} for path in self._limits}
        self._items_pruned_at: dict[str, int] = {path: 0 for path in self._limits}
        self._budgets: dict[str, _Window] = {}
        # Sharing with other processes (see attach_journal); our own calls carry this origin.
        self.origin = uuid.uuid4().hex
        self._journal: _JournalWriter | None = None
        self._journal_seen: dict[int, float] = {}
        for limits in self._limits.values():
            budget = limits.items
            if budget is not None and budget.limit is not None and budget.limit > 0:
                self._budgets[budget.pool] = self._window(
                    Rate(budget.limit, budget.window_s), WINDOW_SAFETY
                )

    def _window(self, rate: Rate, safety: float = 1.0) -> _Window:
        return _Window(rate.limit, rate.window_s * safety / self.time_scale)

    def item_rule(self, path: str) -> ItemRule | None:
        """The per-item rule for ``path``, if Ozon has one."""
        limits = self._limits.get(path)
        return limits.item if limits else None

    def item_budget(self, path: str) -> int | None:
        """Items per window currently enforced for ``path``'s budget pool; None when none is."""
        limits = self._limits.get(path)
        if limits is None or limits.items is None:
            return None
        with self._lock:
            window = self._budgets.get(limits.items.pool)
            return window.limit if window is not None else None

    def set_item_budget(self, path: str, limit: int | None) -> None:
        """Enforce ``limit`` items per window on ``path``'s pool (None or < 1: stop enforcing).

        Items already counted stay counted, so learning a new limit mid-window cannot overshoot.
        """
        limits = self._limits.get(path)
        if limits is None or limits.items is None:
            raise ValueError(f"{path} has no item budget")
        budget = limits.items
        with self._lock:
            if limit is None or limit < 1:
                self._budgets.pop(budget.pool, None)
                return
            window = self._budgets.get(budget.pool)
            if window is None:
                self._budgets[budget.pool] = self._window(
                    Rate(limit, budget.window_s), WINDOW_SAFETY
                )
            else:
                window.limit = limit

    def acquire(self, path: str) -> float:
        """Block until one request to ``path`` is allowed; return the seconds waited."""
        return self.reserve(path, ()).waited_s

    def reserve(self, path: str, keys: Sequence[Hashable]) -> Reservation:
        """Take one request slot for ``path`` plus a per-item slot for each admitted key.

        ``keys[i]`` identifies item ``i`` for the method's item rule; without a rule only their
        number matters (for the item budget).
        Items that a DEFER rule refuses, or that a WAIT rule could only send after more than one
        window, are returned as deferred and must not be sent. If the method has an item budget,
        the admitted items also wait for room in it (a batch larger than the whole budget waits
        for an empty window). The request and item slots are taken together so the recorded
        time is the moment the request leaves.
        """
        rule = self.item_rule(path) if keys else None
        waited = 0.0
        while True:
            with self._lock:
                now = self.clock.monotonic()
                admitted, deferred, item_wait = self._plan_items(path, rule, keys, now)
                budget = self._budget_of(path)
                budget_wait = 0.0
                if budget is not None and admitted:
                    budget_wait = budget.wait_for(now, min(len(admitted), budget.limit)) or 0.0
                wait = max(item_wait, budget_wait, self._request_wait(path, now))
                if wait <= 0:
                    self._record(path, rule, keys, admitted, now)
                    if budget is not None:
                        budget.record(now, len(admitted))
                    stamp = now
                    break
            logger.info("rate limit: waiting %.3fs before %s", wait, path)
            self.clock.sleep(wait)
            waited += wait
        if deferred:
            logger.info(
                "rate limit: %d item(s) of %s held back for a later run", len(deferred), path
            )
        # Queued now, written by the journal's own thread: a process killed right after sending
        # still leaves its call for the next one to see.
        self._journal_record(path, [keys[i] for i in admitted] if rule is not None else [])
        return Reservation(tuple(admitted), tuple(deferred), waited, stamp)

    def settle(self, path: str, stamp: float, item_keys: Sequence[Hashable] = ()) -> None:
        """Count the call reserved at ``stamp`` (and its items) from now on, its attempt ended.

        Ozon counted the call somewhere between its departure and its reply; counting it from
        the reply keeps the next window-opening call after Ozon's window closes, whatever the
        transit time was. The same holds for the items it carried: a pair resent after a lost
        reply must wait 30 s from when Ozon may last have applied it, not from our departure.
        """
        with self._lock:
            now = self.clock.monotonic()
            for window in [self._global, *self._requests.get(path, ())]:
                window.move(stamp, now)
            items = self._items.get(path, {})
            for key in item_keys:
                window = items.get(key)
                if window is not None:
                    window.move(stamp, now)

    # --- sharing the budget between processes --------------------------------------------

    def _journaled(self, path: str) -> bool:
        limits = self._limits.get(path)
        return limits is not None and bool(limits.requests or limits.item)

    def _longest_window(self, path: str) -> float:
        limits = self._limits[path]
        windows = [rate.window_s for rate in limits.requests]
        if limits.item is not None:
            windows.append(limits.item.rate.window_s)
        return max(windows) * WINDOW_SAFETY / self.time_scale

    def attach_journal(self, journal: BudgetJournal) -> dict[str, int]:
        """Share this account's budget through ``journal`` from now on.

        Calls and item sends that other processes recorded and that Ozon's windows still hold
        are counted here first, so the next reservation waits for them; this limiter's own
        calls are recorded from now on, as they are reserved. Returns how many calls and items
        were loaded.
        """
        loaded = {"calls": 0, "items": 0}
        wall = datetime.now(UTC)
        for path in [p for p in self._limits if self._journaled(p)]:
            longest = self._longest_window(path)
            calls, items = journal.recent(path, wall - timedelta(seconds=longest), self.origin)
            with self._lock:
                now = self.clock.monotonic()
                wall_now = datetime.now(UTC)

                def mono(at: datetime, now: float = now, wall_now: datetime = wall_now) -> float:
                    return now - (wall_now - at).total_seconds()

                fresh_calls = [e for e in calls if e.id not in self._journal_seen]
                for window in self._requests.get(path, ()):
                    window.merge([mono(e.sent_at) for e in fresh_calls])
                rule = self.item_rule(path)
                by_key: dict[Hashable, list[float]] = {}
                fresh_items = [
                    e for e in items if e.id not in self._journal_seen and e.key is not None
                ]
                for entry in fresh_items:
                    assert entry.key is not None
                    by_key.setdefault(decode_key(entry.key), []).append(mono(entry.sent_at))
                if rule is not None:
                    windows = self._items[path]
                    for key, stamps in by_key.items():
                        if key not in windows:
                            windows[key] = self._window(rule.rate, WINDOW_SAFETY)
                        windows[key].merge(stamps)
                for entry in [*fresh_calls, *fresh_items]:
                    self._journal_seen[entry.id] = now
                # Forget ids older than any window, so the set stays small.
                horizon = now - 2 * longest
                self._journal_seen = {i: s for i, s in self._journal_seen.items() if s > horizon}
            loaded["calls"] += len(fresh_calls)
            loaded["items"] += len(fresh_items)
        if self._journal is not None:
            self._journal.close()
        self._journal = _JournalWriter(journal)
        if loaded["calls"] or loaded["items"]:
            logger.info(
                "rate limit: %d call(s) and %d item send(s) by other runs still count",
                loaded["calls"],
                loaded["items"],
            )
        return loaded

    def detach_journal(self) -> None:
        """Write the calls still queued and stop recording (the push that attached it is over)."""
        writer, self._journal = self._journal, None
        if writer is not None:
            writer.close()

    def _journal_record(self, path: str, keys: Sequence[Hashable]) -> None:
        writer = self._journal
        if writer is None or not self._journaled(path):
            return
        writer.put(path, datetime.now(UTC), [encode_key(k) for k in keys], self.origin)

    def note_rejected(self, path: str, message: str = "") -> float:
        """Ozon answered 429 without Retry-After: its window is fuller than ours knew.

        The window that refused (the per-second one when the message says so, else the method's
        own) is counted full from now, so the next call waits the whole window out instead of
        burning its attempts in quick retries. Returns the seconds that wait will take.
        """
        with self._lock:
            now = self.clock.monotonic()
            windows = self._requests.get(path, [])
            if "second" in message.lower() or not windows:
                windows = [self._global]
            for window in windows:
                window.fill(now)
            wait = max(w.window_s for w in windows)
        logger.warning("rate limit: Ozon refused %s; waiting out its window (%.1fs)", path, wait)
        return wait

    def _budget_of(self, path: str) -> _Window | None:
        limits = self._limits.get(path)
        if limits is None or limits.items is None:
            return None
        return self._budgets.get(limits.items.pool)

    def _request_wait(self, path: str, now: float) -> float:
        waits = [self._global.wait_for(now) or 0.0]
        waits.extend(w.wait_for(now) or 0.0 for w in self._requests.get(path, ()))
        return max(waits)

    def _plan_items(
        self, path: str, rule: ItemRule | None, keys: Sequence[Hashable], now: float
    ) -> tuple[list[int], list[int], float]:
        if rule is None:
            return list(range(len(keys))), [], 0.0
        windows = self._items[path]
        used: Counter[Hashable] = Counter()
        admitted: list[int] = []
        deferred: list[int] = []
        wait = 0.0
        max_wait = rule.rate.window_s * WINDOW_SAFETY / self.time_scale + 1e-9
        for index, key in enumerate(keys):
            window = windows.get(key)
            need = used[key] + 1
            key_wait = 0.0 if window is None else window.wait_for(now, need)
            if window is None and need > rule.rate.limit:
                key_wait = None
            if key_wait is None or (
                key_wait > 0 and (rule.on_exceed is OnExceed.DEFER or key_wait > max_wait)
            ):
                deferred.append(index)
                continue
            used[key] = need
            admitted.append(index)
            wait = max(wait, key_wait)
        return admitted, deferred, wait

    def _record(
        self,
        path: str,
        rule: ItemRule | None,
        keys: Sequence[Hashable],
        admitted: Sequence[int],
        now: float,
    ) -> None:
        self._global.record(now)
        for window in self._requests.get(path, ()):
            window.record(now)
        if rule is None:
            return
        windows = self._items[path]
        for index in admitted:
            key = keys[index]
            if key not in windows:
                windows[key] = self._window(rule.rate, WINDOW_SAFETY)
            windows[key].record(now)
        # Forget keys whose window has emptied, so a long-lived client does not grow without bound.
        if len(windows) > 2 * max(self._items_pruned_at[path], 1024):
            for key in list(windows):
                windows[key].prune(now)
                if not windows[key].stamps:
                    del windows[key]
            self._items_pruned_at[path] = len(windows)


_SHARED: dict[tuple[str, str, float], RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def shared_limiter(base_url: str, client_id: str, time_scale: float = 1.0) -> RateLimiter:
    """The process-wide limiter of one Ozon account, so every client of it shares the budget.

    Ozon counts per Client-Id, and the item rules span runs (a pair sent by one asset run may not
    be sent again by the next within 30 s), so clients created per run must share one limiter.
    """
    key = (base_url.rstrip("/"), client_id, time_scale)
    with _SHARED_LOCK:
        limiter = _SHARED.get(key)
        if limiter is None:
            limiter = _SHARED[key] = RateLimiter(time_scale=time_scale)
        return limiter
