"""Run the sandbox as a server (the ``novex sandbox`` command calls :func:`run`)."""

from __future__ import annotations

import uvicorn

from ozon_sandbox.app import create_app
from ozon_sandbox.config import SandboxConfig


def run(host: str, port: int, config: SandboxConfig) -> None:
    """Serve until interrupted; state is saved at shutdown when ``config.state_file`` is set."""
    uvicorn.run(create_app(config), host=host, port=port, log_level="info", lifespan="on")
