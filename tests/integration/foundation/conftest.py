"""Foundation fixtures: a frozen-clock sandbox with priced cards, a client recording every call.

Three cards have a price (so their stock may be set), one has none yet; the clock stands still
unless a test advances it, so Ozon's per-pair and per-card limits never get in the way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from ozon_sandbox.state import Product
from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient
from tests.support.recording import Recorder, recording_client
from tests.support.sandbox import CLIENT_ID, sandbox_config, seed_catalog, start_sandbox


@dataclass
class Account:
    """A running sandbox, a recording client on it and the cards as the sandbox reports them."""

    server: SandboxServer
    client: OzonClient
    recorder: Recorder
    priced: list[Product]
    unpriced: Product


@pytest.fixture
def account() -> Iterator[Account]:
    server = start_sandbox(sandbox_config(time_factor=0))
    try:
        priced = seed_catalog(server.admin, 3)
        [unpriced] = seed_catalog(server.admin, 1, price_sent=False, prefix="NEW-")
        cards = {p.offer_id: p for p in server.admin.products(CLIENT_ID)}
        recorder = Recorder()
        with recording_client(server, recorder) as client:
            yield Account(server, client, recorder, [cards[o] for o in priced], cards[unpriced])
    finally:
        server.stop()
