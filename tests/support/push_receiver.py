"""A real push receiver for tests: records every request and answers as it is told."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ozon_sandbox.testing import ThreadedServer


@dataclass(frozen=True)
class Reply:
    """How to answer one request; ``body=None`` means the documented success body."""

    status: int = 200
    body: bytes | None = None
    content_type: str = "application/json"
    delay: float = 0.0


OK = Reply()


@dataclass
class Received:
    """One request as it arrived."""

    raw: bytes
    content_type: str
    arrived: float = field(default_factory=time.monotonic)

    @property
    def json(self) -> dict[str, Any]:
        data = json.loads(self.raw)
        assert isinstance(data, dict)
        return data


class Receiver:
    """A seller's push endpoint on 127.0.0.1 (uvicorn in a thread)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.script: list[Reply] = []
        self.default = OK
        self._lock = threading.Lock()
        self._serving: ThreadedServer | None = None
        self.url = ""

    def answer(self, *replies: Reply, then: Reply | None = None) -> None:
        """Answer the next requests with ``replies`` in order, then with ``then`` (or as before)."""
        with self._lock:
            self.script = list(replies)
            if then is not None:
                self.default = then

    def messages(self, message_type: str | None = None) -> list[dict[str, Any]]:
        """Parsed bodies received so far, optionally of one type."""
        with self._lock:
            bodies = [r.json for r in self.received]
        return [b for b in bodies if message_type is None or b["message_type"] == message_type]

    async def _endpoint(self, request: Request) -> Response:
        raw = await request.body()
        with self._lock:
            self.received.append(Received(raw, request.headers.get("content-type", "")))
            reply = self.script.pop(0) if self.script else self.default
        if reply.delay:
            await asyncio.sleep(reply.delay)
        body = reply.body
        if body is None:
            if json.loads(raw).get("message_type") == "TYPE_PING":
                now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
                body = json.dumps({"version": "1.0", "name": "novex", "time": now}).encode()
            else:
                body = b'{"result": true}'
        return Response(body, status_code=reply.status, media_type=reply.content_type)

    def start(self) -> Receiver:
        app = Starlette(routes=[Route("/push", self._endpoint, methods=["POST"])])
        self._serving = ThreadedServer(app, name="push-receiver").start()
        self.url = f"http://127.0.0.1:{self._serving.port}/push"
        return self

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.stop(timeout=10)
            self._serving = None

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def closed_port_url() -> str:
    """A URL nothing listens on (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/push"
