"""Postings, marks, cancellation and labels against Ozon's spec and Ozon's real payloads.

Every request the client built and every JSON reply the sandbox gave during a full posting life
is validated strictly against the spec; every published example for these methods parses into
the client's models.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from resources.ozon import constants
from resources.ozon.client import unwrap_file
from resources.ozon.models import exemplars as ex
from resources.ozon.models import postings as ps
from tests.integration.postings.conftest import Shop
from tests.integration.postings.test_postings_flow import fill_marks
from tests.support.openapi import OzonSpec, Quirk
from tests.support.ozon_models import (
    CLIENT_MODELS,
    REFUSED_REQUEST_EXAMPLES,
    MethodModels,
    client_method_for,
)

OUR_PATHS = {
    constants.POSTING_UNFULFILLED_LIST,
    constants.POSTING_LIST,
    constants.POSTING_GET,
    constants.POSTING_SHIP,
    constants.POSTING_SHIP_PACKAGE,
    constants.EXEMPLAR_CREATE_OR_GET,
    constants.EXEMPLAR_VALIDATE,
    constants.EXEMPLAR_SET,
    constants.EXEMPLAR_STATUS,
    constants.CANCEL_REASON_LIST,
    constants.CANCEL_REASONS_FOR_POSTINGS,
    constants.POSTING_CANCEL,
    constants.POSTING_PRODUCT_CANCEL,
    constants.PACKAGE_LABEL,
    constants.PACKAGE_LABEL_CREATE,
    constants.PACKAGE_LABEL_GET,
}

# Ozon's example replies and requests of these methods; each parses into the client's model for
# its method (tests/support/ozon_models.py).
RESPONSES = [
    "v4-posting-fbs-unfulfilled-list.response.json",
    "v4-posting-fbs-unfulfilled-list.response.zh-docs-2026-07.json",
    "v4-posting-fbs-list.response.json",
    "v3-posting-fbs-get.response.json",
    "v4-posting-fbs-ship.response.json",
    "schema-samples/v4-posting-fbs-ship-package.response.json",
    "v2-posting-fbs-cancel-reason-list.response.json",
    "v1-posting-fbs-cancel-reason.response.json",
    "v2-posting-fbs-cancel.response.json",
    "v2-posting-fbs-product-cancel.response.json",
    "schema-samples/v6-fbs-posting-product-exemplar-create-or-get.response.json",
    "schema-samples/v5-fbs-posting-product-exemplar-validate.response.json",
    "schema-samples/v5-fbs-posting-product-exemplar-status.response.json",
    "v2-posting-fbs-package-label-create.response.json",
    "v1-posting-fbs-package-label-get.response.json",
]
REQUESTS = [
    "v4-posting-fbs-ship.request.json",
    "v3-posting-fbs-get.request.json",
    "v1-posting-fbs-cancel-reason.request.json",
    "v2-posting-fbs-cancel.request.json",
    "v2-posting-fbs-product-cancel.request.json",
    "v2-posting-fbs-package-label.request.json",
    "v2-posting-fbs-package-label-create.request.json",
    "schema-samples/v6-fbs-posting-product-exemplar-create-or-get.request.json",
    "schema-samples/v5-fbs-posting-product-exemplar-status.request.json",
    "schema-samples/v5-fbs-posting-product-exemplar-validate.request.json",
    "schema-samples/v6-fbs-posting-product-exemplar-set.request.json",
]

# Example requests that break the schema itself; the client must refuse to build them.
BROKEN_REQUESTS: dict[str, tuple[str, str]] = {
    name: refused
    for name, refused in REFUSED_REQUEST_EXAMPLES.items()
    if client_method_for(name) in OUR_PATHS
}


def _models(name: str) -> MethodModels:
    method = client_method_for(name)
    assert method in OUR_PATHS, f"{name} is not an example of a postings method"
    return CLIENT_MODELS[method]


def _load(folder: Path, name: str) -> Any:
    path = folder / name
    assert path.is_file(), f"Ozon example {name} is missing from {folder}"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", RESPONSES)
def test_real_replies_parse(ozon_examples: Path, name: str) -> None:
    model = _models(name).response
    assert isinstance(model, type), f"{name}: the method replies with a file"
    model.model_validate(_load(ozon_examples, name))


def test_real_posting_reply_keeps_what_integrations_need(ozon_examples: Path) -> None:
    posting = ps.PostingGetResponse.model_validate(
        _load(ozon_examples, "v3-posting-fbs-get.response.json")
    ).result
    assert posting.products[0].sku == 827098843 and posting.products[0].price == "1530.0000"
    page = ps.PostingListPage.model_validate(
        _load(ozon_examples, "v4-posting-fbs-unfulfilled-list.response.json")
    )
    first = page.postings[0]
    assert first.products[0].currency_code == "RUB"
    assert first.optional.products_with_possible_mandatory_mark == [4116250392]


def test_real_label_reply_unwraps_to_pdf(ozon_examples: Path) -> None:
    raw = (ozon_examples / "v2-posting-fbs-package-label.response.json").read_bytes()
    assert unwrap_file(raw).startswith(b"%PDF")


@pytest.mark.parametrize("name", REQUESTS)
def test_real_requests_fit_client_models(ozon_examples: Path, name: str) -> None:
    model = _models(name).request
    assert model is not None, f"{name}: the client has no request model for it"
    model.model_validate(_load(ozon_examples, name))


@pytest.mark.parametrize("name", sorted(BROKEN_REQUESTS))
def test_schema_breaking_examples_are_refused(ozon_examples: Path, name: str) -> None:
    field, why = BROKEN_REQUESTS[name]
    model = _models(name).request
    assert model is not None
    with pytest.raises(ValidationError, match=re.escape(field)) as caught:
        model.model_validate(_load(ozon_examples, name))
    assert field in {".".join(str(p) for p in e["loc"]) for e in caught.value.errors()}, why


def _full_life(shop: Shop) -> None:
    """Drive every method of the domain once through the client."""
    client, marked, plain, other = shop.client, *shop.offers
    number = shop.order((marked, 2, True), (plain, 2, False))
    now = shop.server.admin.clock().now
    flags = ps.PostingWith(analytics_data=True, barcodes=True, financial_data=True, legal_info=True)
    client.postings.list_unfulfilled(
        cutoff_from=now, cutoff_to=now + timedelta(days=2), warehouse_ids=[1], with_=flags
    ).to_list()
    client.postings.list_unfulfilled(
        delivering_date_from=now, delivering_date_to=now + timedelta(days=5), with_=flags
    ).to_list()
    client.postings.list(
        since=now - timedelta(days=1), to=now + timedelta(days=1), with_=flags
    ).to_list()
    data = fill_marks(client, number)
    client.exemplars.validate(
        number,
        [
            ex.ValidateProduct(
                product_id=p.product_id,
                exemplars=[ex.ValidateExemplar(marks=e.marks) for e in p.exemplars],
            )
            for p in data
        ],
    )
    client.exemplars.set(number, data)
    client.exemplars.status(number)
    shop.advance(30)
    client.exemplars.status(number)
    client.postings.cancel_reasons()
    client.postings.cancel_reasons_for([number])
    client.postings.cancel_products(number, {shop.skus[plain]: 1}, 352, "Закончился")
    split = client.postings.ship_package(number, {shop.skus[plain]: 1})
    shipped = client.postings.ship(
        number, [{shop.skus[marked]: 1}, {shop.skus[marked]: 1}], additional_data=True
    )
    for n in [*shipped.result, split]:
        client.postings.get(
            n,
            with_analytics_data=True,
            with_barcodes=True,
            with_financial_data=True,
            with_legal_info=True,
            with_product_exemplars=True,
            with_related_postings=True,
        )
    shop.advance(60)
    client.labels.get_pdf(shipped.result, wait_s=0)
    task = client.labels.create_task(shipped.result)[0]
    shop.advance(10)
    client.labels.get_task(task.task_id)
    client.postings.cancel(split, 402, "Повреждена упаковка")
    lone = shop.order((other, 1, False))
    client.postings.cancel(lone, 352)


def test_every_exchange_conforms_to_the_spec(shop: Shop, ozon_spec_path: Path) -> None:
    spec = OzonSpec.load(ozon_spec_path)
    _full_life(shop)
    seen = {e.path for e in shop.recorder.exchanges}
    assert seen == OUR_PATHS
    for exchange in shop.recorder.exchanges:
        assert exchange.status == 200, exchange
        if exchange.path != constants.CANCEL_REASON_LIST:
            spec.validate_request(exchange.path, exchange.request)
        if exchange.path == constants.PACKAGE_LABEL:
            assert exchange.content_type == "application/pdf"
        elif exchange.path == constants.EXEMPLAR_SET:
            assert exchange.response == {}
        elif exchange.path == constants.POSTING_GET:
            # Ozon's own example sends the absent buyer, courier and date fields as null.
            spec.validate_response(
                exchange.path, exchange.response, lenient={Quirk.NULL_FOR_OPTIONAL}
            )
        else:
            spec.validate_response(exchange.path, exchange.response, lenient=False)


def test_client_paths_are_current_methods(ozon_spec_path: Path) -> None:
    spec = OzonSpec.load(ozon_spec_path)
    assert all(spec.has_method(path) for path in OUR_PATHS)
    assert "/v1/posting/fbs/package-label/create" not in OUR_PATHS
