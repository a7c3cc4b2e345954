"""Delivering queued pushes: Ozon's retry schedule and suspension rules, on sandbox time.

One :class:`PushRuntime` per running sandbox holds the HTTP client and a lock per account, so the
background loop and an admin "deliver now" call never send the same push twice. State changes
between awaits are plain assignments on the event loop, like every handler's.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
import weakref
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import httpx
from pydantic import BaseModel

from ozon_sandbox.clock import SandboxClock
from ozon_sandbox.config import PushSettings
from ozon_sandbox.push.messages import encode, ping_message, with_seller_id
from ozon_sandbox.push.replies import judge_reply
from ozon_sandbox.push.rules import (
    MAX_ATTEMPTS,
    PING,
    PUSH_TYPES,
    RETRY_DELAYS,
    Outcome,
    SuspendReason,
)
from ozon_sandbox.push.state import (
    RECENT_ATTEMPTS,
    Attempt,
    CheckResult,
    PushState,
    QueuedPush,
    Status,
)
from ozon_sandbox.state import AccountState

if TYPE_CHECKING:
    from ozon_sandbox.runtime import Sandbox

logger = logging.getLogger("ozon_sandbox.push")


class PassReport(BaseModel):
    """What one delivery pass did for an account."""

    attempts: list[Attempt]
    delivered: int
    failed: int
    dropped: int
    queued: int
    status: Status
    suspended_reason: SuspendReason | None


class SendResult(BaseModel):
    """One HTTP exchange with the receiver."""

    outcome: Outcome
    http_status: int | None
    elapsed: float
    message: str = ""


_RUNTIMES: weakref.WeakKeyDictionary[SandboxClock, PushRuntime] = weakref.WeakKeyDictionary()


def runtime_for(clock: SandboxClock) -> PushRuntime | None:
    """The push runtime of the sandbox owning ``clock`` (None before its app started)."""
    return _RUNTIMES.get(clock)


class PushRuntime:
    """Push delivery for every account of one sandbox."""

    def __init__(
        self, sandbox: Sandbox, settings: PushSettings, http: httpx.AsyncClient | None = None
    ) -> None:
        self.sandbox = sandbox
        self.settings = settings
        self.http = http or httpx.AsyncClient(follow_redirects=False)
        self._locks: dict[str, asyncio.Lock] = {}
        _RUNTIMES[sandbox.clock] = self

    # ------------------------------------------------------------ state

    def state_of(self, account_state: AccountState) -> PushState:
        """The account's push state, starting from the configured defaults on first use."""
        push = account_state.domain(PushState)
        if not push.configured:
            push.configured = True
            push.url = self.settings.url
            push.enabled = self.settings.url is not None
            push.status = "active" if push.enabled else "unconfigured"
        return push

    def intake(self, account_state: AccountState, client_id: str, now: datetime) -> PushState:
        """Move emitted pushes into the delivery queue and schedule the periodic PING.

        Bodies are encoded here, once, so a retry is byte-identical to the first attempt. Nothing
        is kept while push is off: Ozon does not replay events from before a connection.
        """
        push = self.state_of(account_state)
        outbox = account_state.outbox
        if outbox:
            messages = list(outbox)
            outbox.clear()
            for message in messages:
                self._enqueue(push, message, client_id, now)
        if push.status == "active" and self.settings.ping_interval_seconds > 0:
            interval = timedelta(seconds=self.settings.ping_interval_seconds)
            if push.last_ping_at is None:
                push.last_ping_at = now
            elif now - push.last_ping_at >= interval:
                push.last_ping_at = now
                if not any(q.message_type == PING for q in push.queue):
                    self._enqueue(push, ping_message(now), client_id, now)
        return push

    def _enqueue(
        self, push: PushState, message: dict[str, object], client_id: str, now: datetime
    ) -> None:
        message_type = str(message.get("message_type", ""))
        if push.status in ("unconfigured", "disabled"):
            push.counters.discarded += 1
            return
        if message_type != PING and message_type not in PUSH_TYPES:
            # Retired (TYPE_PRICE_INDEX_CHANGED) or unknown types never reach a seller.
            push.counters.refused += 1
            logger.warning("push of type %r refused: not a type Ozon sends", message_type)
            return
        if message_type != PING and not push.wants(message_type):
            push.counters.filtered += 1
            return
        push.queue.append(
            QueuedPush(
                push_id=push.next_push_id,
                message_type=message_type,
                body=encode(with_seller_id(dict(message), client_id)),
                enqueued_at=now,
                next_attempt_at=now,
            )
        )
        push.next_push_id += 1

    # ------------------------------------------------------------ delivery

    def _lock(self, client_id: str) -> asyncio.Lock:
        return self._locks.setdefault(client_id, asyncio.Lock())

    async def send(self, url: str, message_type: str, body: bytes) -> SendResult:
        """POST one push and judge the reply; network failures become check codes."""
        started = time.perf_counter()
        try:
            response = await self.http.post(
                url,
                content=body,
                headers={"Content-Type": "application/json"},
                timeout=self.settings.timeout_seconds,
            )
        except httpx.TimeoutException as exc:
            return SendResult(
                outcome=Outcome.REQUEST_TIMEOUT,
                http_status=None,
                elapsed=max(time.perf_counter() - started, self.settings.timeout_seconds),
                message=type(exc).__name__,
            )
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return SendResult(
                outcome=Outcome.REQUEST_ERROR,
                http_status=None,
                elapsed=time.perf_counter() - started,
                message=f"{type(exc).__name__}: {exc}",
            )
        elapsed = time.perf_counter() - started
        outcome = judge_reply(
            message_type,
            response.status_code,
            response.headers.get("content-type", ""),
            response.content,
        )
        return SendResult(outcome=outcome, http_status=response.status_code, elapsed=elapsed)

    async def deliver_pass(self, client_id: str) -> PassReport | None:
        """Send every push of the account that is due now, oldest first; None if no account."""
        async with self._lock(client_id):
            account = self.sandbox.accounts.get(client_id)
            if account is None:
                return None
            clock = self.sandbox.clock
            push = self.intake(account.state, client_id, clock.now())
            attempts: list[Attempt] = []
            now = clock.now()
            due = [q for q in push.queue if q.next_attempt_at <= now]
            for queued in due:
                if push.status != "active" or push.url is None:
                    break
                if not any(q is queued for q in push.queue):
                    continue
                if queued.attempts:
                    push.counters.retried += 1
                queued.attempts += 1
                result = await self.send(push.url, queued.message_type, queued.body.encode())
                attempts.append(self._settle(push, queued, result, clock.now()))
            return PassReport(
                attempts=attempts,
                delivered=sum(a.outcome is Outcome.OK for a in attempts),
                failed=sum(a.outcome is not Outcome.OK for a in attempts),
                dropped=sum(a.dropped for a in attempts),
                queued=len(push.queue),
                status=push.status,
                suspended_reason=push.suspended_reason,
            )

    def _settle(
        self, push: PushState, queued: QueuedPush, result: SendResult, now: datetime
    ) -> Attempt:
        """Book one attempt: delivered, rescheduled, or dropped; then judge suspension."""
        queued.last_outcome = result.outcome
        ok = result.outcome is Outcome.OK
        dropped = False
        if ok:
            push.counters.delivered += 1
            self._remove(push, queued)
            push.failing_since = None
            push.only_unreachable = False
        else:
            push.counters.failed_attempts += 1
            unreachable = result.outcome is Outcome.REQUEST_ERROR
            if push.failing_since is None:
                push.failing_since = now
                push.only_unreachable = unreachable
            else:
                push.only_unreachable = push.only_unreachable and unreachable
            if queued.attempts >= MAX_ATTEMPTS:
                dropped = True
                push.counters.dropped += 1
                self._remove(push, queued)
            else:
                queued.next_attempt_at = now + RETRY_DELAYS[queued.attempts - 1]
        push.window = [*push.window, (ok, result.elapsed)][-self.settings.health_window :]
        attempt = Attempt(
            push_id=queued.push_id,
            message_type=queued.message_type,
            attempt=queued.attempts,
            at=now,
            outcome=result.outcome,
            http_status=result.http_status,
            elapsed_ms=round(result.elapsed * 1000, 1),
            dropped=dropped,
        )
        self._record(push, attempt)
        reason = self._suspension(push, now)
        if reason is not None:
            push.status = "suspended"
            push.suspended_reason = reason
            push.suspended_at = now
            logger.warning("push delivery suspended: %s", reason)
        return attempt

    def _suspension(self, push: PushState, now: datetime) -> SuspendReason | None:
        """Ozon's documented pause conditions; window sizes and spans are the sandbox's."""
        settings = self.settings
        if push.failing_since is not None:
            failing_for = (now - push.failing_since).total_seconds()
            if push.only_unreachable and failing_for >= settings.unreachable_suspend_seconds:
                return SuspendReason.UNREACHABLE
            if failing_for >= settings.failing_suspend_seconds:
                return SuspendReason.FAILING_24H
        if len(push.window) >= settings.health_min_attempts:
            answered = sum(ok for ok, _ in push.window)
            if answered * 2 < len(push.window):
                return SuspendReason.LOW_SUCCESS_RATE
            if statistics.median(e for _, e in push.window) > settings.slow_reply_seconds:
                return SuspendReason.SLOW_REPLIES
        return None

    @staticmethod
    def _remove(push: PushState, queued: QueuedPush) -> None:
        push.queue = [q for q in push.queue if q is not queued]

    @staticmethod
    def _record(push: PushState, attempt: Attempt) -> None:
        push.recent = [*push.recent, attempt][-RECENT_ATTEMPTS:]

    # ------------------------------------------------------------ connection check

    async def check(self, client_id: str, url: str | None) -> CheckResult | None:
        """Send TYPE_PING like the cabinet's "Check"; success (re)confirms the URL and resumes."""
        async with self._lock(client_id):
            account = self.sandbox.accounts.get(client_id)
            if account is None:
                return None
            clock = self.sandbox.clock
            push = self.intake(account.state, client_id, clock.now())
            target = url or push.url
            if target is None:
                raise ValueError("no URL to check")
            sent_at = clock.now()
            body = encode(ping_message(sent_at)).encode()
            result = await self.send(target, PING, body)
            now = clock.now()
            check = CheckResult(
                url=target,
                ok=result.outcome is Outcome.OK,
                code=result.outcome,
                http_status=result.http_status,
                elapsed_ms=round(result.elapsed * 1000, 1),
                at=sent_at,
                message=result.message,
            )
            push.last_check = check
            self._record(
                push,
                Attempt(
                    push_id=None,
                    message_type=PING,
                    attempt=1,
                    at=sent_at,
                    outcome=result.outcome,
                    http_status=result.http_status,
                    elapsed_ms=check.elapsed_ms,
                ),
            )
            if check.ok:
                self.confirm(push, target, now)
            return check

    @staticmethod
    def confirm(push: PushState, url: str, now: datetime) -> None:
        """A passed check: the URL is saved and every paused push becomes due again."""
        push.url = url
        push.enabled = True
        push.status = "active"
        push.suspended_reason = None
        push.suspended_at = None
        push.failing_since = None
        push.only_unreachable = False
        push.window = []
        push.last_ping_at = now
        for queued in push.queue:
            queued.next_attempt_at = min(queued.next_attempt_at, now)

    # ------------------------------------------------------------ background loop

    async def run(self) -> None:
        """Deliver due pushes of every account until cancelled."""
        try:
            while True:
                if self.settings.background:
                    for client_id in list(self.sandbox.accounts):
                        if self._lock(client_id).locked():
                            continue
                        try:
                            await self.deliver_pass(client_id)
                        except Exception:
                            logger.exception("push delivery pass for %s failed", client_id)
                await asyncio.sleep(self.settings.poll_interval_seconds)
        finally:
            await self.http.aclose()
