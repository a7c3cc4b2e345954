"""The method registry: domain modules declare Ozon methods, the core serves them.

A domain module decorates a plain function with :func:`ozon_method`, naming Ozon's path and the
pydantic model of the request body. The core (``ozon_sandbox.app``) does authentication, faults,
rate limits, JSON parsing, request validation and error mapping before the function runs, so a
handler only holds the method's own rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from starlette.responses import Response

from ozon_sandbox.clock import SandboxClock
from ozon_sandbox.limits import AccountLimiter
from ozon_sandbox.state import AccountState, SharedState

RequestT = TypeVar("RequestT", bound=BaseModel)


@dataclass
class MethodContext:
    """What a handler may use: the caller's account, sandbox time, and per-item error tally.

    `shared` is what is Ozon's rather than the seller's (the category model is the same for
    every seller), kept once per sandbox.
    """

    client_id: str
    state: AccountState
    limiter: AccountLimiter
    clock: SandboxClock
    now: float
    now_dt: datetime
    items: int = 0
    item_errors: Counter[str] = field(default_factory=Counter)
    shared: SharedState = field(default_factory=SharedState)

    def count_items(self, count: int) -> None:
        """Record how many items this batch call carried."""
        self.items += count

    def item_error(self, code: str) -> None:
        """Record one per-item error returned inside an HTTP 200 reply."""
        self.item_errors[code] += 1


Handler = Callable[[MethodContext, Any], Any]
"""A handler returns a pydantic model (sent as JSON) or a Starlette ``Response`` (PDF, PNG)."""


@dataclass(frozen=True)
class OzonMethod:
    """One registered Ozon method."""

    path: str
    request_model: type[BaseModel]
    handler: Handler
    module: str


_REGISTRY: dict[str, OzonMethod] = {}


TypedHandler = Callable[[MethodContext, RequestT], BaseModel | Response]


def ozon_method(
    path: str, *, request_model: type[RequestT]
) -> Callable[[TypedHandler[RequestT]], TypedHandler[RequestT]]:
    """Register ``handler`` as the sandbox's implementation of Ozon's ``POST path``."""
    if not path.startswith("/v") or path.startswith("/sandbox"):
        raise ValueError(f"{path!r} is not an Ozon method path")

    def register(handler: TypedHandler[RequestT]) -> TypedHandler[RequestT]:
        existing = _REGISTRY.get(path)
        if existing is not None and existing.module != handler.__module__:
            raise ValueError(f"{path} is already served by {existing.module}")
        _REGISTRY[path] = OzonMethod(path, request_model, handler, handler.__module__)
        return handler

    return register


def registered_methods() -> dict[str, OzonMethod]:
    """Every method registered so far, by path."""
    return dict(_REGISTRY)


Tick = Callable[[MethodContext], None]
_TICKS: list[tuple[str, Tick]] = []


def on_tick(func: Tick) -> Tick:
    """Register a function that moves time-driven state forward up to ``ctx.now_dt``.

    Moderation, label readiness, delivery and returns advance this way. Ticks run for the
    caller's account before every Ozon call and every domain admin call, so advancing the clock
    takes effect on the next call.
    """
    _TICKS.append((func.__module__, func))
    return func


def run_ticks(ctx: MethodContext, modules: tuple[str, ...]) -> None:
    """Run the ticks of the loaded domain modules, in registration order."""
    for module, func in _TICKS:
        if module in modules:
            func(ctx)


@dataclass(frozen=True)
class AdminEndpoint:
    """A domain's admin call under ``/sandbox/accounts/{client_id}/...`` (e.g. placing orders)."""

    path: str
    verbs: tuple[str, ...]
    request_model: type[BaseModel] | None
    handler: Callable[[MethodContext, Any], Any]
    module: str


_ADMIN: dict[tuple[str, str], AdminEndpoint] = {}


def admin_endpoint(
    path: str, *, verbs: tuple[str, ...] = ("POST",), request_model: type[BaseModel] | None = None
) -> Callable[[Callable[[MethodContext, Any], Any]], Callable[[MethodContext, Any], Any]]:
    """Register a domain admin call at ``/sandbox/accounts/{client_id}{path}``.

    The handler gets the account's :class:`MethodContext` (ticks already run) and the parsed body
    (``None`` for GET), and returns a pydantic model, a list/dict, or a Starlette ``Response``.
    """
    if not path.startswith("/"):
        raise ValueError("admin paths start with '/'")

    AdminHandler = Callable[[MethodContext, Any], Any]

    def register(handler: AdminHandler) -> AdminHandler:
        for verb in verbs:
            _ADMIN[(path, verb)] = AdminEndpoint(
                path, verbs, request_model, handler, handler.__module__
            )
        return handler

    return register


def registered_admin_endpoints() -> list[AdminEndpoint]:
    """Every domain admin endpoint registered so far."""
    return list({id(e): e for e in _ADMIN.values()}.values())


BackgroundTask = Callable[[Any], Any]
_BACKGROUND: list[tuple[str, BackgroundTask]] = []


def background_task(func: BackgroundTask) -> BackgroundTask:
    """Register ``async def func(sandbox)`` to run for the app's lifetime (e.g. push delivery)."""
    _BACKGROUND.append((func.__module__, func))
    return func


def registered_background_tasks(modules: tuple[str, ...]) -> list[BackgroundTask]:
    """Background tasks of the loaded domain modules."""
    return [func for module, func in _BACKGROUND if module in modules]
