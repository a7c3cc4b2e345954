"""`novex push-receiver`: the receiver in the foreground, configured from config/novex.yaml."""

from __future__ import annotations

import gc
import logging
import socket
import threading
import time
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp

from resources.push_receiver.app import ReceiverConfig, create_app
from resources.store.store import Store

logger = logging.getLogger(__name__)


def uvicorn_config(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> uvicorn.Config:
    """How the receiver is served; X-Forwarded-For is left to the app's own, explicit rule.

    uvicorn would otherwise rewrite the client address from that header whenever the peer is
    127.0.0.1, which would let anything on the host pass the allow-list.
    """
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        proxy_headers=False,
        # Ozon may keep connections open between pushes.
        timeout_keep_alive=30,
        timeout_graceful_shutdown=5,
    )


def run(host: str, port: int, store_url: str, config: ReceiverConfig) -> None:
    """Serve until interrupted (SIGINT or SIGTERM); queued writes are committed on the way out."""
    store = Store(store_url).migrate()
    app = create_app(store, config)
    # Everything loaded so far lives as long as the process: keep it out of the collector, and
    # collect young objects less often. A full collection under load stalls every waiting
    # reply at once, which is what dominated the tail of the ack latency.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    try:
        logger.info("push receiver on http://%s:%d/ storing into %s", host, port, store.url)
        uvicorn.Server(uvicorn_config(app, host, port)).run()
    finally:
        store.dispose()


class BackgroundReceiver:
    """The receiver in a thread on a free local port (demo and tests); ``url`` is Ozon's target."""

    def __init__(
        self, store: Store, config: ReceiverConfig | None = None, *, host: str = "127.0.0.1"
    ) -> None:
        self._app = create_app(store, config)
        self.host = host
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        """Where to point Ozon's pushes."""
        return f"http://{self.host}:{self.port}/"

    def start(self, timeout: float = 10.0) -> BackgroundReceiver:
        """Serve and return once connections are accepted."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self._socket = sock
        self.port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn_config(self._app, self.host, self.port))
        self._server = server
        self._thread = threading.Thread(
            target=lambda: server.run(sockets=[sock]), name="push-receiver", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("push receiver did not start")
            time.sleep(0.005)
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Stop serving; queued writes are committed first."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> BackgroundReceiver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
