"""`novex sandbox`: serve the Ozon sandbox for the UI, manual trials or another integration."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import click
from pydantic import SecretStr

from ozon_sandbox.config import SandboxConfig
from ozon_sandbox.server import run
from ozon_sandbox.testing import SandboxAdmin

# When set, the admin surface (/sandbox/) requires `Authorization: Bearer <value>`.
ADMIN_TOKEN_ENV = "OZON_SANDBOX_ADMIN_TOKEN"


def seed_url(url: str, data_dir: Path, client_id: str) -> int:
    """Seed the sandbox serving at ``url`` for ``client_id`` from ``data_dir``; cards added."""
    from novex_assets.settings import load_settings
    from novex_cli.stack import seed_sandbox

    admin = SandboxAdmin(url, token=os.environ.get(ADMIN_TOKEN_ENV))
    try:
        added = seed_sandbox(admin, load_settings(), data_dir, client_id=client_id)
        warehouses = len(admin.warehouses(client_id))
        cards = len(admin.products(client_id))
    finally:
        admin.close()
    click.echo(
        f"Seeded from {data_dir}: {warehouses} warehouses, {cards} cards ({added} new) "
        f"for Client-Id {client_id}"
    )
    return added


def serve(
    host: str,
    port: int,
    time_factor: float,
    state_file: Path | None,
    client_id: str,
    api_key_env: str,
    *,
    seed_from: Path | None = None,
) -> None:
    """Run until interrupted; state is loaded from `state_file` and saved there at shutdown.

    With ``seed_from``, Novex's warehouses and the Ozon cards of the SAP assortment in that
    folder are added once the server is up (see :func:`novex_cli.stack.seed_sandbox`).
    """
    key = os.environ.get(api_key_env)
    if not key:
        raise click.ClickException(
            f"set {api_key_env} to the Api-Key the sandbox should accept for Client-Id {client_id}"
        )
    admin_token = os.environ.get(ADMIN_TOKEN_ENV)
    config = SandboxConfig(
        accounts={client_id: SecretStr(key)},
        time_factor=time_factor,
        state_file=state_file,
        admin_token=SecretStr(admin_token) if admin_token else None,
    )
    click.echo(
        f"Ozon sandbox on http://{host}:{port} (admin under /sandbox/), Client-Id {client_id}"
    )
    on_started = (
        None
        if seed_from is None
        else functools.partial(seed_url, data_dir=seed_from, client_id=client_id)
    )
    try:
        run(host, port, config, on_started=on_started)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
