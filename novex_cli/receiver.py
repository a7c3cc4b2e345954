"""`novex push-receiver`: settings from config/novex.yaml, store from NOVEX_DB_URL."""

from __future__ import annotations

from novex_assets.settings import OrdersIntakeSettings, load_settings
from resources.push_receiver.app import ReceiverConfig
from resources.push_receiver.server import run
from resources.store.engine import default_store_url


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
    run(
        host or intake.receiver_host,
        port or intake.receiver_port,
        store_url or default_store_url(),
        receiver_config(intake),
    )
