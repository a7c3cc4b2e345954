"""Injected failures, so clients can be tested against Ozon's bad days reproducibly.

Each account has its own settings and its own random stream seeded from the sandbox seed and the
Client-Id: the same seed and the same sequence of calls give the same failures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ozon_sandbox.config import FaultSettings
from ozon_sandbox.errors import OzonApiError, circle_open, internal, rate_limited
from ozon_sandbox.limits import GLOBAL_RATE_MESSAGE


@dataclass(frozen=True)
class FaultDecision:
    """What to do to one request: fail it (``error``), hold it back (``delay``), or neither."""

    error: OzonApiError | None = None
    delay_seconds: float = 0.0
    kind: str | None = None


class FaultInjector:
    """Fault settings and random stream of one account."""

    def __init__(self, client_id: str, seed: int, settings: FaultSettings) -> None:
        self._client_id = client_id
        self._seed = seed
        self.settings = settings
        self._circle_until: float | None = None
        self._random = random.Random(f"{seed}:{client_id}")

    def configure(self, settings: FaultSettings, now: float) -> None:
        """Replace the settings; restarts the random stream so runs stay reproducible."""
        self.settings = settings
        self._random = random.Random(f"{self._seed}:{self._client_id}")
        seconds = settings.circle_open_seconds
        self._circle_until = now + seconds if seconds else None

    def decide(self, path: str, now: float) -> FaultDecision:
        """Roll the dice for one request to ``path`` at sandbox time ``now``."""
        settings = self.settings
        if settings.methods is not None and path not in settings.methods:
            return FaultDecision()
        if self._circle_until is not None:
            if now < self._circle_until:
                return FaultDecision(error=circle_open(), kind="circle_open")
            self._circle_until = None
        roll = self._random.random()
        if roll < settings.rate_429:
            return FaultDecision(error=rate_limited(GLOBAL_RATE_MESSAGE), kind="fault_429")
        if roll < settings.rate_429 + settings.rate_5xx:
            return FaultDecision(error=internal(status=settings.status_5xx), kind="fault_5xx")
        if settings.slow_rate and self._random.random() < settings.slow_rate:
            return FaultDecision(delay_seconds=settings.slow_seconds, kind="slow")
        return FaultDecision()

    @property
    def circle_open_until(self) -> float | None:
        """Sandbox time when an injected circuit-breaker period ends, if one is active."""
        return self._circle_until
