"""The client's retry policy: which failures are retried and how long to wait between attempts.

Only transient failures are retried (429, 5xx, timeouts, connection errors); any other 4xx
means the request itself is wrong. Waits follow Ozon's Retry-After when it gives one, otherwise
exponential backoff with full jitter so many workers do not retry in step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)
from tenacity.wait import wait_base

from resources.ozon import constants
from resources.ozon.errors import (
    OzonError,
    OzonRateLimitedError,
    OzonServerError,
    OzonTransportError,
)

logger = logging.getLogger(constants.LOGGER_NAME)


def is_retryable(exc: BaseException, time_scale: float = 1.0) -> bool:
    """True for failures that a later identical request may not hit."""
    if isinstance(exc, OzonRateLimitedError):
        # A reset hours away (daily quotas) is not worth holding a worker for.
        return exc.retry_after is None or exc.retry_after <= constants.MAX_RETRY_AFTER_S
    return isinstance(exc, OzonServerError | OzonTransportError)


class RetryAfterOrBackoff(wait_base):
    """Wait what Ozon asked for, else exponential backoff with full jitter (scaled)."""

    def __init__(self, time_scale: float = 1.0) -> None:
        self.time_scale = time_scale
        self._backoff = wait_random_exponential(
            multiplier=constants.BACKOFF_INITIAL_S / time_scale,
            max=constants.BACKOFF_MAX_S / time_scale,
        )

    def __call__(self, retry_state: RetryCallState) -> float:
        """Seconds to sleep before the next attempt."""
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, OzonRateLimitedError) and exc.retry_after is not None:
            return exc.retry_after / self.time_scale
        return float(self._backoff(retry_state))


def _log_retry(path: str, max_attempts: int) -> Callable[[RetryCallState], None]:
    def before_sleep(state: RetryCallState) -> None:
        outcome = state.outcome
        exc = outcome.exception() if outcome is not None else None
        status = exc.status if isinstance(exc, OzonError) else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        logger.warning(
            "retrying %s: attempt %d of %d failed (status=%s, %s); waiting %.3fs",
            path,
            state.attempt_number,
            max_attempts,
            status,
            type(exc).__name__,
            wait,
        )

    return before_sleep


def retrying(
    path: str, *, max_attempts: int, time_scale: float, sleep: Callable[[float], None]
) -> Retrying:
    """A tenacity controller for one logical call; the last error is re-raised as is."""
    return Retrying(
        stop=stop_after_attempt(max_attempts),
        wait=RetryAfterOrBackoff(time_scale),
        retry=retry_if_exception(lambda exc: is_retryable(exc, time_scale)),
        sleep=sleep,
        reraise=True,
        before_sleep=_log_retry(path, max_attempts),
    )
