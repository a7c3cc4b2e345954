"""Our push receiver served in a thread on a free port, configured as `novex push-receiver` is."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn

from resources.push_receiver.app import ReceiverConfig, create_app
from resources.push_receiver.server import uvicorn_config
from resources.store.store import Store


class ReceiverServer:
    """`create_app(store, config)` on 127.0.0.1; ``url`` is what Ozon would be given."""

    def __init__(self, store: Store, config: ReceiverConfig | None = None) -> None:
        self._app = create_app(store, config)
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 10.0) -> ReceiverServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._socket = sock
        self.port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn_config(self._app))
        self._server = server
        self._thread = threading.Thread(
            target=lambda: server.run(sockets=[sock]), name="novex-receiver", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("push receiver did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> ReceiverServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
