"""Run the sandbox as a server (the ``novex sandbox`` command calls :func:`run`)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import uvicorn

from ozon_sandbox.app import create_app
from ozon_sandbox.config import SandboxConfig

logger = logging.getLogger(__name__)

# Hosts that mean "every interface"; the server is reached on loopback from the same machine.
_ANY_HOST = {"", "0.0.0.0", "::"}


def local_url(host: str, port: int) -> str:
    """The URL at which a process on this machine reaches a server bound to ``host:port``."""
    if host in _ANY_HOST:
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def run(
    host: str,
    port: int,
    config: SandboxConfig,
    *,
    on_started: Callable[[str], object] | None = None,
) -> None:
    """Serve in the foreground until interrupted (SIGINT or SIGTERM).

    State is loaded at start and saved at shutdown when ``config.state_file`` is set.

    Args:
        host: interface to bind.
        port: port to bind.
        config: accounts, clock speed, state file.
        on_started: called with the server's local URL once it accepts connections (from a
            helper thread, so it may call the server over HTTP, e.g. to seed it). If it raises,
            the server shuts down and ``run`` raises ``RuntimeError``.
    """
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config),
            host=host,
            port=port,
            log_level="info",
            lifespan="on",
            # The app dates Ozon replies by the sandbox clock; uvicorn's own would clash.
            date_header=False,
        )
    )
    failures: list[BaseException] = []
    if on_started is not None:
        hook = on_started

        def after_start() -> None:
            while not server.started:
                if server.should_exit:
                    return
                time.sleep(0.01)
            try:
                hook(local_url(host, port))
            except Exception as exc:
                logger.exception("sandbox start-up hook failed; shutting down")
                failures.append(exc)
                server.should_exit = True

        threading.Thread(target=after_start, name="sandbox-on-started", daemon=True).start()
    server.run()
    if failures:
        raise RuntimeError(f"sandbox start-up hook failed: {failures[0]}") from failures[0]
