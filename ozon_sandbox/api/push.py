"""Push notifications: admin configuration (the cabinet's settings page) and delivery hooks.

Ozon configures push in the seller cabinet, so the sandbox exposes it on the admin surface:
``GET/PUT /sandbox/accounts/{id}/push`` (URL, chosen types, status and counters),
``POST .../push/check`` (the "Check" button: a TYPE_PING whose reply is judged by Ozon's codes;
passing it resumes a suspended account), ``POST .../push/deliver`` (one delivery pass now, so
tests never race the background loop) and ``POST .../push/emit`` (raise events by hand).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from starlette.responses import StreamingResponse

from ozon_sandbox.errors import OzonApiError
from ozon_sandbox.push.delivery import PushRuntime, runtime_for
from ozon_sandbox.push.rules import PUSH_TYPES, RETIRED_TYPES, SuspendReason
from ozon_sandbox.push.state import Attempt, CheckResult, PushCounters, Status
from ozon_sandbox.registry import MethodContext, admin_endpoint, background_task, on_tick
from ozon_sandbox.runtime import Sandbox


def _require_http_url(value: str | None) -> str | None:
    if value is not None and not value.startswith(("http://", "https://")):
        raise ValueError("url must start with http:// or https://")
    return value


class PushConfigRequest(BaseModel):
    """The cabinet's push settings: receiver URL, on/off, chosen types (None = all)."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, description="http(s) URL receiving the pushes.")
    enabled: bool = True
    types: list[str] | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return _require_http_url(value)

    @field_validator("types")
    @classmethod
    def _known_types(cls, value: list[str] | None) -> list[str] | None:
        for message_type in value or []:
            if message_type in RETIRED_TYPES:
                raise ValueError(f"{message_type} was removed by Ozon and is never sent")
            if message_type not in PUSH_TYPES:
                raise ValueError(f"{message_type} is not a push type Ozon sends")
        return None if value is None else list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _enabled_needs_url(self) -> PushConfigRequest:
        if self.enabled and self.url is None:
            raise ValueError("an enabled push configuration needs a url")
        return self


class CheckRequest(BaseModel):
    """Check a URL (default: the configured one); passing saves it and resumes delivery."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return _require_http_url(value)


class EmitRequest(BaseModel):
    """Ozon push payloads to raise as if an event happened (each with ``message_type``)."""

    model_config = ConfigDict(extra="forbid")

    messages: list[dict[str, Any]] = Field(min_length=1)

    @field_validator("messages")
    @classmethod
    def _typed(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for message in value:
            if not isinstance(message.get("message_type"), str):
                raise ValueError("every message needs a message_type")
        return value


class PushView(BaseModel):
    """Push delivery of one account, as the admin surface shows it."""

    url: str | None
    enabled: bool
    types: list[str] | None
    status: Status
    suspended_reason: SuspendReason | None
    suspended_at: datetime | None
    queued: int
    next_attempt_at: datetime | None
    counters: PushCounters
    recent: list[Attempt]
    last_check: CheckResult | None
    ping_interval_seconds: float


def _runtime(ctx: MethodContext) -> PushRuntime:
    runtime = runtime_for(ctx.clock)
    if runtime is None:
        raise OzonApiError(409, 9, "push delivery is not running in this sandbox")
    return runtime


def _view(ctx: MethodContext, runtime: PushRuntime) -> PushView:
    push = runtime.intake(ctx.state, ctx.client_id, ctx.now_dt)
    return PushView(
        url=push.url,
        enabled=push.enabled,
        types=push.types,
        status=push.status,
        suspended_reason=push.suspended_reason,
        suspended_at=push.suspended_at,
        queued=len(push.queue),
        next_attempt_at=min((q.next_attempt_at for q in push.queue), default=None),
        counters=push.counters,
        recent=push.recent,
        last_check=push.last_check,
        ping_interval_seconds=runtime.settings.ping_interval_seconds,
    )


@on_tick
def take_in_pushes(ctx: MethodContext) -> None:
    """Queue what domains emitted, stamped with sandbox time, before the next call runs."""
    runtime = runtime_for(ctx.clock)
    if runtime is not None:
        runtime.intake(ctx.state, ctx.client_id, ctx.now_dt)


@admin_endpoint("/push", verbs=("GET",))
def push_status(ctx: MethodContext, _: None) -> PushView:
    """Configuration, status (active/suspended and why), queue, counters, recent attempts."""
    return _view(ctx, _runtime(ctx))


@admin_endpoint("/push", verbs=("PUT",), request_model=PushConfigRequest)
def push_configure(ctx: MethodContext, request: PushConfigRequest) -> PushView:
    """Set URL, on/off and types. A suspended account stays suspended until a passed check."""
    runtime = _runtime(ctx)
    push = runtime.intake(ctx.state, ctx.client_id, ctx.now_dt)
    push.types = request.types
    if not request.enabled:
        push.enabled = False
        push.status = "disabled"
        push.counters.discarded += len(push.queue)
        push.queue = []
        if request.url is not None:
            push.url = request.url
        return _view(ctx, runtime)
    if push.url != request.url and push.status == "active":
        push.window = []
        push.failing_since = None
    push.url = request.url
    push.enabled = True
    if push.status in ("unconfigured", "disabled"):
        PushRuntime.confirm(push, request.url or "", ctx.now_dt)
    # Pushes of types no longer chosen are not sent.
    kept = [q for q in push.queue if q.message_type == "TYPE_PING" or push.wants(q.message_type)]
    push.counters.filtered += len(push.queue) - len(kept)
    push.queue = kept
    return _view(ctx, runtime)


@admin_endpoint("/push/emit", verbs=("POST",), request_model=EmitRequest)
def push_emit(ctx: MethodContext, request: EmitRequest) -> PushView:
    """Raise pushes by hand (events no sandbox domain produces); they queue like any other."""
    runtime = _runtime(ctx)
    for message in request.messages:
        ctx.state.emit(message)
    return _view(ctx, runtime)


def _json_stream(produce: Any) -> StreamingResponse:
    # Admin handlers are synchronous; a streamed body lets the HTTP exchange with the receiver
    # run on the event loop without blocking it.
    async def body() -> AsyncIterator[bytes]:
        result = await produce
        yield json.dumps(result, ensure_ascii=False).encode()

    return StreamingResponse(body(), media_type="application/json")


@admin_endpoint("/push/check", verbs=("POST",), request_model=CheckRequest)
def push_check(ctx: MethodContext, request: CheckRequest) -> StreamingResponse:
    """Send TYPE_PING and report Ozon's check code; a pass saves the URL and resumes delivery."""
    runtime = _runtime(ctx)
    push = runtime.intake(ctx.state, ctx.client_id, ctx.now_dt)
    if request.url is None and push.url is None:
        raise OzonApiError(400, 3, "no push URL configured; pass url")

    async def run() -> dict[str, Any]:
        result = await runtime.check(ctx.client_id, request.url)
        return {} if result is None else result.model_dump(mode="json")

    return _json_stream(run())


@admin_endpoint("/push/deliver", verbs=("POST",))
def push_deliver(ctx: MethodContext, _: None) -> StreamingResponse:
    """Run one delivery pass now and report every attempt it made."""
    runtime = _runtime(ctx)

    async def run() -> dict[str, Any]:
        report = await runtime.deliver_pass(ctx.client_id)
        return {} if report is None else report.model_dump(mode="json")

    return _json_stream(run())


@background_task
async def deliver_pushes(sandbox: Sandbox) -> None:
    """Deliver every account's pushes for the app's lifetime."""
    await PushRuntime(sandbox, sandbox.config.push).run()
