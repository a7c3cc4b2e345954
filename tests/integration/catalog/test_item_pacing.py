"""Over HTTP: card writes beyond the per-minute item limit are paced, and Ozon refuses none.

The sandbox runs Ozon's clock 60x (a minute per real second) and the client scales its windows
to match, so pacing is real waiting, just short.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ozon_sandbox.catalog_state import CatalogSettings
from ozon_sandbox.testing import SandboxServer
from resources.ozon import AttributesUpdateItem, AttributeValue, OzonClient, ProductAttribute
from tests.integration.catalog.conftest import VOLUME, Dictionaries, shampoo
from tests.support.recording import Recorder, recording_client
from tests.support.sandbox import CLIENT_ID, sandbox_config, start_sandbox

SCALE = 60.0
IMPORT = "/v3/product/import"
ATTRIBUTES = "/v1/product/attributes/update"
LIMIT = "/v4/product/info/limit"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    """A sandbox whose clock runs 60x."""
    running = start_sandbox(sandbox_config(time_factor=SCALE))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def client(server: SandboxServer, recorder: Recorder) -> Iterator[OzonClient]:
    with recording_client(server, recorder, time_scale=SCALE) as ozon:
        yield ozon


def _statuses(server: SandboxServer, path: str) -> dict[str, int]:
    return server.admin.requests(CLIENT_ID).methods[path].statuses


def test_an_import_over_the_per_minute_limit_completes_without_a_429(
    client: OzonClient, server: SandboxServer, recorder: Recorder, dictionaries: Dictionaries
) -> None:
    server.admin.set_catalog_settings(CLIENT_ID, CatalogSettings(items_per_minute=150))
    cards = [shampoo(f"PACE-{i:03d}", dictionaries) for i in range(250)]
    task_ids = client.products.import_(cards)
    assert len(task_ids) == 3
    assert _statuses(server, IMPORT) == {"200": 3}
    assert server.admin.requests(CLIENT_ID).total_rejected_by_limit == 0
    assert len(recorder.of(LIMIT)) == 1

    items = client.products.wait_for_import(task_ids, timeout_s=600, poll_s=5)
    assert [i.offer_id for i in items] == [c.offer_id for c in cards]
    assert {i.status for i in items} == {"imported"}


def test_a_limit_below_a_batch_is_shared_by_imports_and_attribute_updates(
    client: OzonClient, server: SandboxServer, dictionaries: Dictionaries
) -> None:
    server.admin.set_catalog_settings(CLIENT_ID, CatalogSettings(items_per_minute=40))
    task_ids = client.products.import_([shampoo(f"LOW-{i:02d}", dictionaries) for i in range(50)])
    assert len(task_ids) == 2, "batches shrink to the per-minute limit"
    value = [ProductAttribute(id=VOLUME, values=[AttributeValue(value="300")])]
    updates = [AttributesUpdateItem(offer_id=f"LOW-{i:02d}", attributes=value) for i in range(31)]
    client.products.update_attributes(updates)
    assert _statuses(server, IMPORT) == {"200": 2}
    assert _statuses(server, ATTRIBUTES) == {"200": 1}
