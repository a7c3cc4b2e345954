"""Fixtures for the Ozon client tests: a controllable clock and an Ozon stub on MockTransport."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from resources.ozon import OzonClient

API_KEY = "test-api-key-5f1c9e"
CLIENT_ID = "100500"
BASE_URL = "https://ozon.test"


class FakeClock:
    """Monotonic time that only moves when someone sleeps; records every sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


@dataclass
class Call:
    path: str
    headers: httpx.Headers
    body: dict[str, Any]
    at: float


Handler = Callable[[Call], httpx.Response]


@dataclass
class OzonStub:
    """Routes POSTs by path to handlers and remembers every call (time taken from the clock)."""

    clock: FakeClock
    routes: dict[str, Handler] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def reply(self, path: str, *responses: httpx.Response | Exception) -> None:
        """Answer ``path`` with these responses in order (the last one repeats)."""
        queue = list(responses)

        def handler(_call: Call) -> httpx.Response:
            item = queue.pop(0) if len(queue) > 1 else queue[0]
            if isinstance(item, Exception):
                raise item
            return item

        self.route(path, handler)

    def paths(self) -> list[str]:
        return [c.path for c in self.calls]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        body = json.loads(request.content) if request.content else {}
        call = Call(path, request.headers, body, self.clock.monotonic())
        self.calls.append(call)
        handler = self.routes.get(path)
        if handler is None:
            return httpx.Response(404, json={"code": 5, "message": "method is not allowed"})
        return handler(call)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def stub(clock: FakeClock) -> OzonStub:
    return OzonStub(clock)


@pytest.fixture
def make_client(stub: OzonStub, clock: FakeClock) -> Iterator[Callable[..., OzonClient]]:
    made: list[OzonClient] = []

    def factory(**kwargs: Any) -> OzonClient:
        http = httpx.Client(transport=httpx.MockTransport(stub))
        kwargs.setdefault("clock", clock)
        client = OzonClient(BASE_URL, CLIENT_ID, API_KEY, http=http, **kwargs)
        made.append(client)
        return client

    yield factory
    for client in made:
        client._http.close()


@pytest.fixture
def client(make_client: Callable[..., OzonClient]) -> OzonClient:
    return make_client()


@pytest.fixture
def load_example(ozon_examples: Path) -> Callable[[str], Any]:
    def load(name: str) -> Any:
        return json.loads((ozon_examples / name).read_text(encoding="utf-8"))

    return load
