"""Ozon's documented rate limits, counted on sandbox time.

All limits are declared in the two tables below; a new method with its own limit adds a row and
nothing else. Request limits reject the whole call with HTTP 429; item limits reject single items
inside an HTTP 200 batch reply, as Ozon does for stocks and prices.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass

from ozon_sandbox.errors import rate_limited


@dataclass(frozen=True)
class RequestLimit:
    """At most ``max_requests`` per ``window_seconds`` per Client-Id on ``path`` (None = all)."""

    path: str | None
    max_requests: int
    window_seconds: float
    message: str


@dataclass(frozen=True)
class ItemLimit:
    """At most ``max_count`` accepted changes of one item per ``window_seconds``."""

    name: str
    max_count: int
    window_seconds: float
    code: str
    message: str


GLOBAL_RATE_MESSAGE = "You have reached request rate limit per second"

REQUEST_LIMITS: tuple[RequestLimit, ...] = (
    # 50 rps per Client-Id over all methods together (since 2025-05-22).
    RequestLimit(None, 50, 1.0, GLOBAL_RATE_MESSAGE),
    RequestLimit("/v2/products/stocks", 80, 60.0, "You have reached request rate limit per minute"),
)

STOCK_PAIR = ItemLimit(
    name="stock_pair",
    max_count=1,
    window_seconds=30.0,
    code="TOO_MANY_REQUESTS",
    message="Stock is updated too frequently. Try again in 30 seconds",
)
PRICE_CHANGE = ItemLimit(
    name="price_change",
    max_count=10,
    window_seconds=3600.0,
    code="TOO_MANY_REQUESTS",
    message="error limiting: acquire limit per item: items limit: limit exceeded",
)

ITEM_LIMITS: dict[str, ItemLimit] = {limit.name: limit for limit in (STOCK_PAIR, PRICE_CHANGE)}


class SlidingWindow:
    """Timestamps of accepted events inside a window; old ones fall out as time passes."""

    __slots__ = ("_events", "max_count", "window")

    def __init__(self, max_count: int, window: float) -> None:
        self.max_count = max_count
        self.window = window
        self._events: deque[float] = deque()

    def _expire(self, now: float) -> None:
        events = self._events
        while events and events[0] <= now - self.window:
            events.popleft()

    def retry_after(self, now: float) -> float | None:
        """None if one more event fits now, else sandbox seconds until it would."""
        self._expire(now)
        if len(self._events) < self.max_count:
            return None
        return self._events[0] + self.window - now

    def record(self, now: float) -> None:
        """Count one accepted event."""
        self._events.append(now)


class AccountLimiter:
    """All limit bookkeeping of one seller account."""

    def __init__(self) -> None:
        self._requests: dict[RequestLimit, SlidingWindow] = {
            limit: SlidingWindow(limit.max_requests, limit.window_seconds)
            for limit in REQUEST_LIMITS
        }
        self._items: dict[tuple[str, Hashable], SlidingWindow] = {}

    def admit_request(self, path: str, now: float) -> None:
        """Count a call, or raise Ozon's 429 without counting it when a limit is used up."""
        applicable = [
            (limit, window)
            for limit, window in self._requests.items()
            if limit.path is None or limit.path == path
        ]
        for limit, window in applicable:
            if window.retry_after(now) is not None:
                raise rate_limited(limit.message)
        for _, window in applicable:
            window.record(now)

    def item_error(self, limit: ItemLimit, key: Hashable, now: float) -> bool:
        """True if one more change of ``key`` would break ``limit`` right now."""
        window = self._items.get((limit.name, key))
        return window is not None and window.retry_after(now) is not None

    def record_item(self, limit: ItemLimit, key: Hashable, now: float) -> None:
        """Count one accepted change of ``key``."""
        slot = (limit.name, key)
        window = self._items.get(slot)
        if window is None:
            window = self._items[slot] = SlidingWindow(limit.max_count, limit.window_seconds)
        window.record(now)
