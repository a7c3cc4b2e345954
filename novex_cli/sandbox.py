"""`novex sandbox`: serve the Ozon sandbox for the UI, manual trials or another integration."""

from __future__ import annotations

import os
from pathlib import Path

import click
from pydantic import SecretStr

from ozon_sandbox.config import SandboxConfig
from ozon_sandbox.server import run


def serve(
    host: str, port: int, time_factor: float, state_file: Path, client_id: str, api_key_env: str
) -> None:
    """Run until interrupted; state is saved to `state_file` at shutdown."""
    key = os.environ.get(api_key_env)
    if not key:
        raise click.ClickException(
            f"set {api_key_env} to the Api-Key the sandbox should accept for Client-Id {client_id}"
        )
    config = SandboxConfig(
        accounts={client_id: SecretStr(key)},
        time_factor=time_factor,
        state_file=state_file if str(state_file) else None,
    )
    click.echo(
        f"Ozon sandbox on http://{host}:{port} (admin under /sandbox/), Client-Id {client_id}"
    )
    run(host, port, config)
