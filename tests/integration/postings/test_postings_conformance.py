"""Postings, marks, cancellation and labels against Ozon's spec and Ozon's real payloads.

Every request the client built and every JSON reply the sandbox gave during a full posting life
is validated strictly against the spec; every published example for these methods parses into
the client's models.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from resources.ozon import constants
from resources.ozon.client import unwrap_file
from resources.ozon.models import exemplars as ex
from resources.ozon.models import labels as lb
from resources.ozon.models import postings as ps
from tests.integration.postings.conftest import Shop
from tests.integration.postings.test_postings_flow import fill_marks
from tests.support.openapi import OzonSpec

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

# Example replies and the client model each must parse into.
RESPONSES: dict[str, type[BaseModel]] = {
    "v4-posting-fbs-unfulfilled-list.response.json": ps.PostingListPage,
    "v4-posting-fbs-unfulfilled-list.response.zh-docs-2026-07.json": ps.PostingListPage,
    "v4-posting-fbs-list.response.json": ps.PostingListPage,
    "v3-posting-fbs-get.response.json": ps.PostingGetResponse,
    "v4-posting-fbs-ship.response.json": ps.ShipResponse,
    "schema-samples/v4-posting-fbs-ship-package.response.json": ps.ShipPackageResponse,
    "v2-posting-fbs-cancel-reason-list.response.json": ps.CancelReasonListResponse,
    "v1-posting-fbs-cancel-reason.response.json": ps.CancelReasonsResponse,
    "v2-posting-fbs-cancel.response.json": ps.CancelResponse,
    "v2-posting-fbs-product-cancel.response.json": ps.ProductCancelResponse,
    "schema-samples/v6-fbs-posting-product-exemplar-create-or-get.response.json": (
        ex.ExemplarsResponse
    ),
    "schema-samples/v5-fbs-posting-product-exemplar-validate.response.json": (
        ex.ExemplarValidateResponse
    ),
    "schema-samples/v5-fbs-posting-product-exemplar-status.response.json": (
        ex.ExemplarStatusResponse
    ),
    "v2-posting-fbs-package-label-create.response.json": lb.LabelTaskCreateResponse,
    "v1-posting-fbs-package-label-get.response.json": lb.LabelTaskResponse,
}

# Example requests the client's request models accept (i.e. the client could have sent them).
REQUESTS: dict[str, type[BaseModel]] = {
    "v4-posting-fbs-ship.request.json": ps.ShipRequest,
    "v3-posting-fbs-get.request.json": ps.PostingGetRequest,
    "v1-posting-fbs-cancel-reason.request.json": ps.CancelReasonsRequest,
    "v2-posting-fbs-cancel.request.json": ps.CancelRequest,
    "v2-posting-fbs-product-cancel.request.json": ps.ProductCancelRequest,
    "v2-posting-fbs-package-label.request.json": lb.LabelRequest,
    "v2-posting-fbs-package-label-create.request.json": lb.LabelRequest,
    "schema-samples/v6-fbs-posting-product-exemplar-create-or-get.request.json": (
        ex.PostingNumberRequest
    ),
    "schema-samples/v5-fbs-posting-product-exemplar-status.request.json": ex.PostingNumberRequest,
    "schema-samples/v5-fbs-posting-product-exemplar-validate.request.json": (
        ex.ExemplarValidateRequest
    ),
    "schema-samples/v6-fbs-posting-product-exemplar-set.request.json": ex.ExemplarSetRequest,
}

# Example requests that break the schema itself; the client must refuse to build them.
BROKEN_REQUESTS: dict[str, tuple[type[BaseModel], str]] = {
    "v4-posting-fbs-unfulfilled-list.request.json": (
        ps.UnfulfilledListRequest,
        "filter.last_change_status_date is not a field (the schema says last_changed_...)",
    ),
    "v4-posting-fbs-list.request.json": (
        ps.PostingListRequest,
        "with.translit is not in the list method's `with` schema",
    ),
    "v1-posting-fbs-package-label-get.request.json": (
        lb.LabelTaskRequest,
        'task_id "323231234-1234" is not an int64',
    ),
    "schema-samples/v4-posting-fbs-ship-package.request.json": (
        ps.ShipPackageRequest,
        "placeholder quantity 0; Ozon packs at least one unit",
    ),
}


def _load(folder: Path, name: str) -> Any:
    path = folder / name
    if not path.is_file():
        pytest.skip(f"example {name} not found")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_real_replies_parse(ozon_examples: Path, name: str) -> None:
    RESPONSES[name].model_validate(_load(ozon_examples, name))


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


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_real_requests_fit_client_models(ozon_examples: Path, name: str) -> None:
    REQUESTS[name].model_validate(_load(ozon_examples, name))


@pytest.mark.parametrize("name", sorted(BROKEN_REQUESTS))
def test_schema_breaking_examples_are_refused(ozon_examples: Path, name: str) -> None:
    model, _why = BROKEN_REQUESTS[name]
    with pytest.raises(ValueError):
        model.model_validate(_load(ozon_examples, name))


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
        else:
            spec.validate_response(exchange.path, exchange.response, lenient=False)


def test_client_paths_are_current_methods(ozon_spec_path: Path) -> None:
    spec = OzonSpec.load(ozon_spec_path)
    assert all(spec.has_method(path) for path in OUR_PATHS)
    assert "/v1/posting/fbs/package-label/create" not in OUR_PATHS
