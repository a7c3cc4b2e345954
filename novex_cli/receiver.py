"""`novex push-receiver`: settings from config/novex.yaml, store from NOVEX_DB_URL."""

from __future__ import annotations

import click

from novex_assets.settings import OrdersIntakeSettings, load_settings
from resources.push_receiver.app import ReceiverConfig
from resources.push_receiver.server import run
from resources.store.engine import default_store_url, safe_url


def receiver_config(intake: OrdersIntakeSettings) -> ReceiverConfig:
    """The receiver's behaviour from the `orders_intake` section."""
    return ReceiverConfig(
        allowed_networks=list(intake.allowed_networks),
        trust_forwarded_for=intake.trust_forwarded_for,
        max_body_bytes=intake.max_body_bytes,
    )


def serve(host: str | None, port: int | None, store_url: str | None) -> None:
    """Run the receiver; host and port default to the config's."""
    intake = load_settings().orders_intake
    host = host or intake.receiver_host
    port = port or intake.receiver_port
    url = store_url or default_store_url()
    networks = ", ".join(intake.allowed_networks) or "any source"
    click.echo(f"Ozon push receiver on http://{host}:{port}/ ({networks}), store {safe_url(url)}")
    run(host, port, url, receiver_config(intake))
