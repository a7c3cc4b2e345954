"""Record every HTTP exchange an OzonClient makes, for tests that check traffic against the spec."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient
from tests.support.sandbox import API_KEY, CLIENT_ID


@dataclass
class Exchange:
    """One HTTP call the client made: path, request body, status, content type and reply.

    ``response`` is the decoded JSON reply, or None for files (PDF, PNG).
    """

    path: str
    status: int
    content_type: str
    request: Any
    response: Any


@dataclass
class Recorder:
    """Collects the client's exchanges through an httpx event hook."""

    exchanges: list[Exchange] = field(default_factory=list)

    def on_response(self, response: httpx.Response) -> None:
        response.read()
        raw = response.request.content
        request = json.loads(raw) if raw else None
        content_type = response.headers.get("content-type", "")
        body: Any = None
        if content_type.startswith("application/json"):
            body = response.json()
        self.exchanges.append(
            Exchange(response.request.url.path, response.status_code, content_type, request, body)
        )

    def of(self, path: str) -> list[Exchange]:
        return [e for e in self.exchanges if e.path == path]


@contextmanager
def recording_client(
    server: SandboxServer, recorder: Recorder, *, time_scale: float = 1.0
) -> Iterator[OzonClient]:
    """An OzonClient for the test account on ``server`` (no retries) feeding ``recorder``."""
    http = httpx.Client(timeout=30, event_hooks={"response": [recorder.on_response]})
    try:
        with OzonClient(
            server.url, CLIENT_ID, API_KEY, http=http, max_attempts=1, time_scale=time_scale
        ) as ozon:
            yield ozon
    finally:
        http.close()
