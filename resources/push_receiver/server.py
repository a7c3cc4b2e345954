"""`novex push-receiver`: the receiver in the foreground, configured from config/novex.yaml."""

from __future__ import annotations

import logging

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
    try:
        logger.warning("push receiver on http://%s:%d/ storing into %s", host, port, store.url)
        uvicorn.Server(uvicorn_config(create_app(store, config), host, port)).run()
    finally:
        store.dispose()
