"""Catalog fixtures: a frozen-clock sandbox, an OzonClient on it that records every exchange.

The clock stands still unless a test advances it, so "pending for a minute, moderated within an
hour" is exact and instant. Cards are built from values the client itself read from the
catalog, the way an integration fills a card.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient
from resources.ozon.models.product_import import AttributeValue, ImportItem, ProductAttribute
from tests.support.recording import Recorder, recording_client
from tests.support.sandbox import sandbox_config, start_sandbox

# The seeded "Уход за волосами / Шампунь" pair and its required characteristics.
HAIR_CARE = 17028968
SHAMPOO = 93284
BRAND, TYPE, MODEL, VOLUME, HAIR_TYPE = 85, 8229, 9048, 22232, 22236


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    """A sandbox whose clock moves only when a test advances it."""
    running = start_sandbox(sandbox_config(time_factor=0))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def client(server: SandboxServer, recorder: Recorder) -> Iterator[OzonClient]:
    with recording_client(server, recorder) as ozon:
        yield ozon


@dataclass(frozen=True)
class Dictionaries:
    """Real dictionary ids for the shampoo pair, read through the client."""

    brand: int
    hair_type: int


@pytest.fixture
def dictionaries(client: OzonClient) -> Dictionaries:
    brand = client.catalog.search_attribute_values(BRAND, HAIR_CARE, SHAMPOO, "Nivea")[0]
    hair = next(iter(client.catalog.attribute_values(HAIR_TYPE, HAIR_CARE, SHAMPOO)))
    return Dictionaries(brand=brand.id, hair_type=hair.id)


def shampoo(offer_id: str, d: Dictionaries, **changes: Any) -> ImportItem:
    """A complete, valid shampoo card; ``changes`` override any field."""
    card: dict[str, Any] = {
        "offer_id": offer_id,
        "name": f"Шампунь для волос {offer_id}, 250 мл",
        "description_category_id": HAIR_CARE,
        "type_id": SHAMPOO,
        "price": "349",
        "old_price": "399",
        "vat": "0.2",
        "barcode": f"46{abs(hash(offer_id)) % 10**11:011d}",
        "depth": 50,
        "width": 60,
        "height": 190,
        "dimension_unit": "mm",
        "weight": 290,
        "weight_unit": "g",
        "images": [f"https://cdn.novex.test/{offer_id}.jpg"],
        "attributes": [
            ProductAttribute(id=BRAND, values=[AttributeValue(dictionary_value_id=d.brand)]),
            ProductAttribute(id=TYPE, values=[AttributeValue(dictionary_value_id=SHAMPOO)]),
            ProductAttribute(id=MODEL, values=[AttributeValue(value=f"Шампунь {offer_id}")]),
            ProductAttribute(id=VOLUME, values=[AttributeValue(value="250")]),
            ProductAttribute(
                id=HAIR_TYPE, values=[AttributeValue(dictionary_value_id=d.hair_type)]
            ),
        ],
    }
    card.update(changes)
    return ImportItem.model_validate(card)
