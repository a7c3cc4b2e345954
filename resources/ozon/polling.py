"""One generic poll loop for Ozon's asynchronous methods (imports, label batches, acts ...).

Ozon answers long operations with a task id and a status method; every ``wait_for_*`` helper is
this loop with its own "done" test, so timeouts and their errors look the same everywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from resources.ozon import constants
from resources.ozon.errors import OzonError
from resources.ozon.ratelimit import Clock, SystemClock

logger = logging.getLogger(constants.LOGGER_NAME)

T = TypeVar("T")


class OzonPollTimeoutError(OzonError):
    """An asynchronous Ozon operation did not finish in time; ``last`` is its last known state."""

    def __init__(self, message: str, *, last: Any = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.last = last


def poll(
    fetch: Callable[[], T],
    done: Callable[[T], bool],
    *,
    timeout_s: float,
    interval_s: float,
    what: str,
    path: str = "",
    clock: Clock | None = None,
) -> T:
    """Call ``fetch`` every ``interval_s`` until ``done`` says so or ``timeout_s`` has passed.

    The first call happens at once. Times are in seconds of the given clock.

    Raises:
        OzonPollTimeoutError: the operation was still unfinished at the deadline.
    """
    if timeout_s < 0 or interval_s <= 0:
        raise ValueError("timeout_s must be >= 0 and interval_s > 0")
    clock = clock or SystemClock()
    deadline = clock.monotonic() + timeout_s
    attempts = 0
    while True:
        value = fetch()
        attempts += 1
        if done(value):
            return value
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            raise OzonPollTimeoutError(
                f"{what} not finished after {timeout_s:g}s ({attempts} checks)",
                path=path,
                last=value,
            )
        logger.debug("%s not finished yet; checking again in %.3fs", what, interval_s)
        clock.sleep(min(interval_s, remaining))
