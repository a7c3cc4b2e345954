"""Sandbox time: every limit and timed state change in the sandbox runs on this clock.

Ozon's limits span seconds to hours (30 s per stock pair, 10 price changes per hour). Running
sandbox time faster than real time, or advancing it by hand, lets tests and demos exercise those
rules in milliseconds while the rules themselves stay written in Ozon's real units.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

# Well inside datetime's range, so the clock stays a date whatever its speed (checked on advance).
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
# A fixed epoch keeps saved state and timestamps comparable across restarts of a frozen clock.
DEFAULT_EPOCH = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


class SandboxClock:
    """Sandbox time = real elapsed time × ``time_factor`` + manual advances.

    ``time_factor=0`` freezes the clock so only :meth:`advance` moves it, which makes limit tests
    fully deterministic.
    """

    def __init__(
        self,
        time_factor: float = 1.0,
        *,
        start: datetime | None = None,
        real_monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if time_factor < 0:
            raise ValueError("time_factor must be >= 0")
        self._factor = time_factor
        self._real = real_monotonic
        self._real_start = real_monotonic()
        self._start = start or datetime.now(UTC)
        self._advanced = 0.0
        self._lock = threading.Lock()

    @property
    def time_factor(self) -> float:
        """How many sandbox seconds pass per real second."""
        return self._factor

    @property
    def advanced_seconds(self) -> float:
        """Sandbox seconds added by hand so far."""
        return self._advanced

    def monotonic(self) -> float:
        """Sandbox seconds since the clock was created; never goes backwards."""
        with self._lock:
            return (self._real() - self._real_start) * self._factor + self._advanced

    def now(self) -> datetime:
        """Current sandbox time as an aware UTC datetime."""
        return self._start + timedelta(seconds=self.monotonic())

    def advance(self, seconds: float) -> float:
        """Move sandbox time forward (never back) and return the new :meth:`monotonic` value."""
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError("the sandbox clock only moves forward, by a finite number of seconds")
        with self._lock:
            ahead = (self._real() - self._real_start) * self._factor + self._advanced + seconds
            if self._start + timedelta(seconds=ahead) > LATEST:
                raise ValueError(f"the sandbox clock cannot pass {LATEST:%Y-%m-%d}")
            self._advanced += seconds
        return self.monotonic()
