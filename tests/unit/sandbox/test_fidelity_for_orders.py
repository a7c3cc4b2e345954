"""Sandbox replies held to Ozon's examples where the order flows meet them, and an admin surface
that cannot break the Ozon side."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from ozon_sandbox.admin import SeedStock
from ozon_sandbox.clock import SandboxClock
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder
from ozon_sandbox.testing import SandboxAdmin, SandboxServer
from resources.ozon import constants
from tests.support.recording import Recorder, recording_client
from tests.support.sandbox import (
    API_KEY,
    CLIENT_ID,
    WAREHOUSE_IDS,
    ozon_client,
    sandbox_config,
    seed_catalog,
    start_sandbox,
)

W1 = WAREHOUSE_IDS[0]


def _missing_keys(example: object, actual: object, where: str = "") -> list[str]:
    missing: list[str] = []
    if isinstance(example, dict) and isinstance(actual, dict):
        for key, value in example.items():
            if key not in actual:
                missing.append(f"{where}.{key}")
            elif actual[key] is not None:
                missing += _missing_keys(value, actual[key], f"{where}.{key}")
    elif isinstance(example, list) and example and isinstance(actual, list) and actual:
        missing += _missing_keys(example[0], actual[0], f"{where}[0]")
    return missing


@pytest.fixture
def posting(frozen: SandboxServer) -> str:
    offers = seed_catalog(frozen.admin, 2)
    frozen.admin.seed_stocks(
        CLIENT_ID, [SeedStock(offer_id=o, warehouse_id=W1, present=5) for o in offers]
    )
    order = PlaceOrder(warehouse_id=W1, items=[OrderLine(offer_id=offers[0], quantity=1)])
    return frozen.admin.place_orders(CLIENT_ID, [order])[0]


def test_posting_get_has_every_field_of_ozons_example(
    frozen_api: httpx.Client, posting: str, ozon_examples: Path
) -> None:
    example = json.loads((ozon_examples / "v3-posting-fbs-get.response.json").read_text())
    request = json.loads((ozon_examples / "v3-posting-fbs-get.request.json").read_text())
    reply = frozen_api.post(constants.POSTING_GET, json={**request, "posting_number": posting})
    assert reply.status_code == 200
    result = reply.json()["result"]
    assert _missing_keys(example["result"], result) == []
    # Sent as null, as Ozon's example does for an FBS posting (not left out).
    for field in ("addressee", "customer", "courier", "fact_delivery_date"):
        assert field in result and result[field] is None, field
    assert result["pickup_code_verified_at"] is None
    # Blocks the request did not ask for are null too, as in the example.
    assert result["barcodes"] is None and result["financial_data"] is None
    assert result["related_postings"] == {"related_posting_numbers": []}
    tariff = result["tariffication"]
    assert tariff["next_tariff_type"] == "commission"
    shipment = datetime.fromisoformat(result["shipment_date"].replace("Z", "+00:00"))
    starts = datetime.fromisoformat(tariff["next_tariff_starts_at"].replace("Z", "+00:00"))
    assert starts == shipment + timedelta(seconds=1)
    assert set(result["prr_option"]) == {"code", "price", "currency_code", "floor"}
    assert "container" in result and "container_sort_type" in result


def test_list_pages_keep_a_token_on_the_last_page_and_the_client_stops_there(
    frozen: SandboxServer, posting: str
) -> None:
    seed_catalog(frozen.admin, 3, prefix="MORE-")
    recorder = Recorder()
    with recording_client(frozen, recorder) as client:
        cards = client.products.list(page_size=2).to_list()
        attributes = client.products.info_attributes(page_size=2).to_list()
        since = datetime(2026, 1, 1, tzinfo=UTC)
        postings = client.postings.list(since=since, to=since + timedelta(days=360)).to_list()
    assert len(cards) == len(attributes) == 5
    assert [p.posting_number for p in postings] == [posting]
    product_pages = recorder.of(constants.PRODUCT_LIST)
    # Three pages of 2, 2 and 1: the last still has a last_id, and the total ends the walk.
    assert len(product_pages) == 3
    assert product_pages[-1].response["result"]["last_id"] != ""
    attribute_pages = recorder.of(constants.PRODUCT_INFO_ATTRIBUTES)
    assert len(attribute_pages) == 3 and attribute_pages[-1].response["last_id"] != ""
    (posting_page,) = recorder.of(constants.POSTING_LIST)
    assert posting_page.response["has_next"] is False
    assert posting_page.response["cursor"] != ""


def test_following_the_last_token_gives_an_empty_page(frozen_api: httpx.Client) -> None:
    seed_catalog_via = frozen_api.post(constants.PRODUCT_LIST, json={"limit": 10}).json()
    last = seed_catalog_via["result"]["last_id"]
    after = frozen_api.post(constants.PRODUCT_LIST, json={"limit": 10, "last_id": last}).json()
    assert after["result"]["items"] == []


@pytest.mark.parametrize(
    "headers",
    [{}, {"Client-Id": CLIENT_ID}, {"Api-Key": API_KEY}, {"Client-Id": "", "Api-Key": ""}],
)
def test_missing_credentials_are_401_unauthenticated(
    sandbox: SandboxServer, headers: dict[str, str]
) -> None:
    reply = httpx.post(f"{sandbox.url}/v2/warehouse/list", json={"limit": 10}, headers=headers)
    assert reply.status_code == 401
    assert reply.json()["code"] == 16
    assert reply.json()["details"] == []


def test_unknown_method_and_wrong_verb_say_method_is_not_allowed(api: httpx.Client) -> None:
    unknown = api.post("/v9/posting/fbs/teleport", json={})
    assert unknown.status_code == 404
    assert unknown.json() == {"code": 5, "message": "method is not allowed", "details": []}
    wrong_verb = api.get("/v2/warehouse/list")
    assert wrong_verb.status_code == 405
    assert wrong_verb.json()["message"] == "method is not allowed"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"seconds": 1e308}',
        b'{"seconds": NaN}',
        b'{"seconds": -1}',
        b'{"seconds": "Infinity"}',
        b'{"seconds": 1e10}',
    ],
)
def test_the_clock_refuses_advances_it_cannot_represent(
    sandbox: SandboxServer, api: httpx.Client, raw: bytes
) -> None:
    before = sandbox.admin.clock().now
    reply = httpx.post(f"{sandbox.url}/sandbox/clock/advance", content=raw)
    assert reply.status_code == 400
    assert "error" in reply.json()
    # The Ozon side answers as before, with JSON.
    assert api.post("/v2/warehouse/list", json={"limit": 10}).status_code == 200
    assert sandbox.admin.clock().now - before < timedelta(hours=1)


def test_the_clock_never_passes_a_representable_date() -> None:
    clock = SandboxClock(0, start=datetime(8999, 6, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="cannot pass"):
        clock.advance(366 * 24 * 3600.0)
    with pytest.raises(ValueError):
        clock.advance(float("nan"))
    assert clock.now() == datetime(8999, 6, 1, tzinfo=UTC)
    clock.advance(3600)
    assert clock.now() == datetime(8999, 6, 1, 1, tzinfo=UTC)


@pytest.fixture
def guarded() -> Iterator[SandboxServer]:
    server = start_sandbox(sandbox_config(admin_token=SecretStr("s3cret")))
    try:
        yield server
    finally:
        server.stop()


def test_an_admin_token_refuses_unauthenticated_admin_calls(guarded: SandboxServer) -> None:
    advance = f"{guarded.url}/sandbox/clock/advance"
    anonymous = httpx.post(advance, json={"seconds": 3600})
    wrong = httpx.post(advance, json={"seconds": 3600}, headers={"Authorization": "Bearer no"})
    assert anonymous.status_code == wrong.status_code == 401
    assert "Bearer" in anonymous.json()["error"]
    reset = httpx.post(f"{guarded.url}/sandbox/reset", json={})
    assert reset.status_code == 401
    # The operator (with the token) gets through; Ozon's paths keep Ozon's own auth.
    assert guarded.admin.advance(60).now is not None
    with ozon_client(guarded) as api:
        assert api.post("/v2/warehouse/list", json={"limit": 10}).status_code == 200
    assert len(guarded.admin.warehouses(CLIENT_ID)) == 2
    SandboxAdmin(guarded.url, token="s3cret").close()
