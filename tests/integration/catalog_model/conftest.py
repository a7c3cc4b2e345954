from __future__ import annotations

from collections.abc import Iterator

import pytest

from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient
from resources.store.store import Store
from tests.support.sandbox import API_KEY, CLIENT_ID, FAST_TIME_FACTOR, sandbox  # noqa: F401

HAIR_CARE, SHAMPOO = 17028968, 93284
SHAMPOO_PAIR = (HAIR_CARE, SHAMPOO)
BRAND, COUNTRY, SCENT, HAIR_TYPE = 85, 4389, 22238, 22236
VALUES_PATH = "/v1/description-category/attribute/values"
SEARCH_PATH = "/v1/description-category/attribute/values/search"


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[OzonClient]:  # noqa: F811
    """A client on the sandbox's clock, so backoffs after a 429 take milliseconds."""
    with OzonClient(sandbox.url, CLIENT_ID, API_KEY, time_scale=FAST_TIME_FACTOR) as ozon:
        yield ozon


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store(store_url) as opened:
        yield opened.migrate()


def requests_to(server: SandboxServer, path: str) -> int:
    """Requests the sandbox received on one Ozon path (faulted ones included)."""
    counters = server.admin.requests(CLIENT_ID).methods.get(path)
    return 0 if counters is None else counters.requests
