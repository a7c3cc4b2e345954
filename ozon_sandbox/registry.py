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

from ozon_sandbox.clock import SandboxClock
from ozon_sandbox.limits import AccountLimiter
from ozon_sandbox.state import AccountState

RequestT = TypeVar("RequestT", bound=BaseModel)


@dataclass
class MethodContext:
    """What a handler may use: the caller's account, sandbox time, and per-item error tally."""

    client_id: str
    state: AccountState
    limiter: AccountLimiter
    clock: SandboxClock
    now: float
    now_dt: datetime
    items: int = 0
    item_errors: Counter[str] = field(default_factory=Counter)

    def count_items(self, count: int) -> None:
        """Record how many items this batch call carried."""
        self.items += count

    def item_error(self, code: str) -> None:
        """Record one per-item error returned inside an HTTP 200 reply."""
        self.item_errors[code] += 1


Handler = Callable[[MethodContext, Any], BaseModel]


@dataclass(frozen=True)
class OzonMethod:
    """One registered Ozon method."""

    path: str
    request_model: type[BaseModel]
    handler: Handler
    module: str


_REGISTRY: dict[str, OzonMethod] = {}


TypedHandler = Callable[[MethodContext, RequestT], BaseModel]


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
