"""One account's push configuration, queue, counters and recent attempts (persisted as JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from ozon_sandbox.push.rules import Outcome, SuspendReason

Status = Literal["unconfigured", "disabled", "active", "suspended"]

RECENT_ATTEMPTS = 50


class QueuedPush(BaseModel):
    """A push waiting for (re)delivery; ``body`` is frozen at intake so retries are identical."""

    push_id: int
    message_type: str
    body: str
    enqueued_at: datetime
    next_attempt_at: datetime
    attempts: int = 0
    last_outcome: Outcome | None = None


class Attempt(BaseModel):
    """One HTTP request to the receiver and how it ended."""

    push_id: int | None = Field(description="None for a connection check.")
    message_type: str
    attempt: int
    at: datetime
    outcome: Outcome
    http_status: int | None = None
    elapsed_ms: float
    dropped: bool = False


class PushCounters(BaseModel):
    """Totals since the account was created or reset."""

    delivered: int = 0
    failed_attempts: int = 0
    retried: int = 0
    dropped: int = 0
    filtered: int = Field(0, description="Pushes of a type the seller did not choose.")
    refused: int = Field(0, description="Pushes of a retired or unknown type, never sent.")
    discarded: int = Field(0, description="Pushes raised while push was off.")


class CheckResult(BaseModel):
    """Outcome of a connection check (the cabinet's "Check" button)."""

    url: str
    ok: bool
    code: Outcome
    http_status: int | None = None
    elapsed_ms: float
    at: datetime
    message: str = ""


class PushState(BaseModel):
    """Push delivery of one account."""

    configured: bool = False
    url: str | None = None
    enabled: bool = False
    types: list[str] | None = Field(None, description="Chosen types; None = all of them.")
    status: Status = "unconfigured"
    suspended_reason: SuspendReason | None = None
    suspended_at: datetime | None = None
    failing_since: datetime | None = None
    only_unreachable: bool = False
    last_ping_at: datetime | None = None
    next_push_id: int = 1
    queue: list[QueuedPush] = Field(default_factory=list)
    counters: PushCounters = Field(default_factory=PushCounters)
    window: list[tuple[bool, float]] = Field(
        default_factory=list, description="(answered 200 as documented, real seconds) per attempt."
    )
    recent: list[Attempt] = Field(default_factory=list)
    last_check: CheckResult | None = None

    def wants(self, message_type: str) -> bool:
        """True when the seller chose this type (TYPE_PING always goes out)."""
        return self.types is None or message_type in self.types
