"""Catalog methods against Ozon's contract: what the client sends, what the sandbox answers,
and what Ozon's real payloads look like to the client's models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ozon_sandbox.testing import SandboxServer
from resources.ozon import AttributesUpdateItem, AttributeValue, OzonClient, ProductAttribute
from resources.ozon.errors import OzonRateLimitedError, error_from_response
from resources.ozon.models.product_import import ImportInfoResponse, ProductAttributesResponse
from tests.integration.catalog.conftest import (
    BRAND,
    HAIR_CARE,
    SHAMPOO,
    VOLUME,
    Dictionaries,
    Recorder,
    shampoo,
)
from tests.support.openapi import OzonSpec, SpecError
from tests.support.ozon_models import CLIENT_MODELS, client_method_for
from tests.support.sandbox import CLIENT_ID

CATALOG_METHODS = (
    "/v1/description-category/tree",
    "/v1/description-category/attribute",
    "/v1/description-category/attribute/values",
    "/v1/description-category/attribute/values/search",
    "/v3/product/import",
    "/v1/product/import/info",
    "/v1/product/attributes/update",
    "/v4/product/info/limit",
    "/v4/product/info/attributes",
    "/v3/product/info/list",
)


@pytest.fixture
def spec(ozon_spec_path: Path) -> OzonSpec:
    return OzonSpec.load(ozon_spec_path)


def _exercise(client: OzonClient, server: SandboxServer, d: Dictionaries) -> None:
    """Call every catalog method the way an integration does, successes and failures."""
    client.catalog.tree()
    client.catalog.attributes(HAIR_CARE, SHAMPOO, "EN")
    list(client.catalog.attribute_values(BRAND, HAIR_CARE, SHAMPOO))
    client.catalog.search_attribute_values(BRAND, HAIR_CARE, SHAMPOO, "Ni", limit=5)
    [task_id] = client.products.import_(
        [shampoo("C-1", d), shampoo("C-2", d, vat="7"), shampoo("C-3", d, attributes=[])]
    )
    client.products.import_info(task_id)
    server.admin.advance(60)
    client.products.wait_for_import(task_id, 5, 0.05)
    client.products.info_list(offer_ids=["C-1"])
    server.admin.advance(3600)
    client.products.info_list(offer_ids=["C-1"])
    attributes = [ProductAttribute(id=VOLUME, values=[AttributeValue(value="300")])]
    [update] = client.products.update_attributes(
        [AttributesUpdateItem(offer_id="C-1", attributes=attributes)]
    )
    server.admin.advance(60)
    client.products.import_info(update)
    client.products.limits()
    list(client.products.info_attributes(visibility="ALL", sort_by="offer_id", sort_dir="DESC"))
    list(client.products.info_attributes(offer_ids=["C-1"]))


def test_requests_and_replies_follow_the_spec(
    client: OzonClient,
    server: SandboxServer,
    recorder: Recorder,
    dictionaries: Dictionaries,
    spec: OzonSpec,
) -> None:
    _exercise(client, server, dictionaries)
    seen = {e.path for e in recorder.exchanges}
    assert set(CATALOG_METHODS) <= seen
    for exchange in recorder.exchanges:
        if exchange.path not in CATALOG_METHODS:
            continue
        assert exchange.status == 200, exchange
        try:
            spec.validate_request(exchange.path, exchange.request)
        except SpecError:
            # /v4/product/info/limit documents no body; the client sends an empty object.
            assert exchange.request == {}
        spec.validate_response(exchange.path, exchange.response, lenient=False)


def test_failed_and_declined_cards_still_follow_the_spec(
    client: OzonClient,
    server: SandboxServer,
    recorder: Recorder,
    dictionaries: Dictionaries,
    spec: OzonSpec,
) -> None:
    client.products.import_([shampoo("D-1", dictionaries, name="Реплика шампуня")])
    server.admin.advance(3700)
    client.products.info_list(offer_ids=["D-1"])
    [reply] = recorder.of("/v3/product/info/list")
    assert reply.response["items"][0]["errors"]
    spec.validate_response("/v3/product/info/list", reply.response, lenient=False)


def _examples(root: Path) -> list[tuple[Path, str]]:
    """Every published example (and schema sample) of a catalog method, with its method."""
    files = [*root.glob("*.json"), *(root / "schema-samples").glob("*.json")]
    return sorted((f, m) for f in files if (m := client_method_for(f.name)) in CATALOG_METHODS)


def test_ozon_examples_parse_into_the_client_models(ozon_examples: Path) -> None:
    files = _examples(ozon_examples)
    assert {m for f, m in files if ".response" in f.name} == set(CATALOG_METHODS)
    for path, method in files:
        kind = path.name.split(".")[1]
        payload: Any = json.loads(path.read_text(encoding="utf-8"))
        models = CLIENT_MODELS[method]
        if kind == "request":
            assert models.request is not None, (
                f"{path.name}: Ozon documents a request body for {method}, the client has no model"
            )
            models.request.model_validate(payload)
        else:
            assert kind == "response", path.name
            assert isinstance(models.response, type), f"{method} replies with a file"
            models.response.model_validate(payload)


def test_real_read_back_and_task_examples_keep_their_data(ozon_examples: Path) -> None:
    attributes = ProductAttributesResponse.model_validate_json(
        (ozon_examples / "v4-product-info-attributes.response.json").read_text(encoding="utf-8")
    )
    card = attributes.result[0]
    assert card.images[0].startswith("https://") and card.sku == 423434534
    assert card.attribute(85) is not None and attributes.last_id
    task = ImportInfoResponse.model_validate_json(
        (ozon_examples / "v1-product-import-info.response.json").read_text(encoding="utf-8")
    )
    assert task.result.items[0].status == "imported" and task.result.items[0].product_id


def test_the_documented_429_of_the_import_is_understood(ozon_examples: Path) -> None:
    body = (ozon_examples / "errors" / "v3-product-import.response-429.json").read_text()
    error = error_from_response("/v3/product/import", 429, body, {})
    assert isinstance(error, OzonRateLimitedError)
    assert error.code == "RESOURCE_EXHAUSTED" and error.retry_after == 120


def test_create_or_update_push_matches_ozons_payload(
    client: OzonClient, server: SandboxServer, dictionaries: Dictionaries, ozon_examples: Path
) -> None:
    example = json.loads(
        (ozon_examples / "push" / "TYPE_CREATE_OR_UPDATE_ITEM.json").read_text(encoding="utf-8")
    )
    client.products.import_([shampoo("P-1", dictionaries)])
    server.admin.advance(3700)
    client.products.info_list(offer_ids=["P-1"])
    [push] = server.admin.catalog_pushes(CLIENT_ID)
    assert set(push) == set(example)
    assert {k: type(v) for k, v in push.items()} == {k: type(v) for k, v in example.items()}
    assert push["changed_at"].endswith("Z")
