"""Which client models carry each Ozon method the client calls: written once, for every test.

Conformance tests parse Ozon's published payloads into these models, so the table is the one
place that says "a request to this path is built from X, its reply is read into Y". It is kept
true to the service modules by ``tests/unit/conformance/test_example_coverage.py``, which reads
every ``_post``/``_post_bytes`` call of ``resources/ozon`` and compares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from resources.ozon import constants
from resources.ozon import constants as c
from resources.ozon.models import acts, carriages, exemplars, labels, postings, returns
from resources.ozon.models import catalog as cat
from resources.ozon.models import prices as pr
from resources.ozon.models import product_import as imp
from resources.ozon.models import products as prod
from resources.ozon.models import stocks as st
from resources.ozon.models import warehouses as wh

FILE: Literal["file"] = "file"
"""The reply is a file (PDF, PNG) the client returns as bytes, not a JSON model."""


@dataclass(frozen=True)
class MethodModels:
    """The request model a call is built from and the model its reply is parsed into.

    ``request`` is None where the client sends an empty object (the method takes no body).
    """

    request: type[BaseModel] | None
    response: type[BaseModel] | Literal["file"]


def _m(
    request: type[BaseModel] | None, response: type[BaseModel] | Literal["file"]
) -> MethodModels:
    return MethodModels(request, response)


CLIENT_MODELS: dict[str, MethodModels] = {
    # foundation: warehouses, card lists, stocks, prices
    c.WAREHOUSE_LIST: _m(wh.WarehouseListRequest, wh.WarehouseListResponse),
    c.PRODUCT_LIST: _m(prod.ProductListRequest, prod.ProductListResponse),
    c.PRODUCT_INFO_LIST: _m(prod.ProductInfoListRequest, prod.ProductInfoListResponse),
    c.STOCKS_UPDATE: _m(st.StocksUpdateRequest, st.StocksUpdateResponse),
    c.STOCKS_BY_WAREHOUSE_FBS: _m(st.StocksByWarehouseRequest, st.StocksByWarehouseResponse),
    c.PRICES_UPDATE: _m(pr.PricesUpdateRequest, pr.PricesUpdateResponse),
    c.PRICES_INFO: _m(pr.PriceInfoRequest, pr.PriceInfoResponse),
    # catalog: categories, dictionaries, card import and read-back
    c.CATEGORY_TREE: _m(cat.TreeRequest, cat.TreeResponse),
    c.CATEGORY_ATTRIBUTES: _m(cat.AttributesRequest, cat.AttributesResponse),
    c.CATEGORY_ATTRIBUTE_VALUES: _m(cat.AttributeValuesRequest, cat.AttributeValuesResponse),
    c.CATEGORY_ATTRIBUTE_VALUES_SEARCH: _m(
        cat.AttributeValuesSearchRequest, cat.AttributeValuesSearchResponse
    ),
    c.PRODUCT_IMPORT: _m(imp.ImportRequest, imp.ImportResponse),
    c.PRODUCT_IMPORT_INFO: _m(imp.ImportInfoRequest, imp.ImportInfoResponse),
    c.PRODUCT_ATTRIBUTES_UPDATE: _m(imp.AttributesUpdateRequest, imp.AttributesUpdateResponse),
    c.PRODUCT_INFO_LIMIT: _m(None, imp.UploadQuota),
    c.PRODUCT_INFO_ATTRIBUTES: _m(imp.ProductAttributesRequest, imp.ProductAttributesResponse),
    # postings: lists, packing, marks, cancellation, labels
    c.POSTING_UNFULFILLED_LIST: _m(postings.UnfulfilledListRequest, postings.PostingListPage),
    c.POSTING_LIST: _m(postings.PostingListRequest, postings.PostingListPage),
    c.POSTING_GET: _m(postings.PostingGetRequest, postings.PostingGetResponse),
    c.POSTING_SHIP: _m(postings.ShipRequest, postings.ShipResponse),
    c.POSTING_SHIP_PACKAGE: _m(postings.ShipPackageRequest, postings.ShipPackageResponse),
    c.EXEMPLAR_CREATE_OR_GET: _m(exemplars.PostingNumberRequest, exemplars.ExemplarsResponse),
    c.EXEMPLAR_VALIDATE: _m(exemplars.ExemplarValidateRequest, exemplars.ExemplarValidateResponse),
    c.EXEMPLAR_SET: _m(exemplars.ExemplarSetRequest, exemplars.EmptyResponse),
    c.EXEMPLAR_STATUS: _m(exemplars.PostingNumberRequest, exemplars.ExemplarStatusResponse),
    c.CANCEL_REASON_LIST: _m(None, postings.CancelReasonListResponse),
    c.CANCEL_REASONS_FOR_POSTINGS: _m(
        postings.CancelReasonsRequest, postings.CancelReasonsResponse
    ),
    c.POSTING_CANCEL: _m(postings.CancelRequest, postings.CancelResponse),
    c.POSTING_PRODUCT_CANCEL: _m(postings.ProductCancelRequest, postings.ProductCancelResponse),
    c.PACKAGE_LABEL: _m(labels.LabelRequest, FILE),
    c.PACKAGE_LABEL_CREATE: _m(labels.LabelRequest, labels.LabelTaskCreateResponse),
    c.PACKAGE_LABEL_GET: _m(labels.LabelTaskRequest, labels.LabelTaskResponse),
    # handover: acts, carriages
    c.ACT_CREATE: _m(acts.ActCreateRequest, acts.ActCreateResponse),
    c.ACT_CHECK_STATUS: _m(acts.ActIdRequest, acts.ActStatusResponse),
    c.ACT_GET_PDF: _m(acts.ActIdRequest, FILE),
    c.ACT_GET_BARCODE: _m(acts.ActIdRequest, FILE),
    c.ACT_GET_BARCODE_TEXT: _m(acts.ActIdRequest, acts.BarcodeTextResponse),
    c.ACT_GET_POSTINGS: _m(acts.ActIdRequest, acts.ActPostingsResponse),
    c.ACT_LIST: _m(acts.ActListRequest, acts.ActListResponse),
    c.CARRIAGE_DELIVERY_LIST: _m(carriages.DeliveryListRequest, carriages.DeliveryListResponse),
    c.CARRIAGE_CREATE: _m(carriages.CarriageCreateRequest, carriages.CarriageCreateResponse),
    c.CARRIAGE_APPROVE: _m(carriages.CarriageApproveRequest, carriages.CarriageApproveResponse),
    c.CARRIAGE_GET: _m(carriages.CarriageIdRequest, carriages.Carriage),
    c.CARRIAGE_CANCEL: _m(carriages.CarriageIdRequest, carriages.CarriageCancelResponse),
    c.CARRIAGE_SET_POSTINGS: _m(carriages.SetPostingsRequest, carriages.SetPostingsResponse),
    # returns and the giveout barcode
    c.RETURNS_LIST: _m(returns.ReturnsListRequest, returns.ReturnsListResponse),
    c.RETURNS_COMPANY_FBS_INFO: _m(returns.CompanyFbsInfoRequest, returns.CompanyFbsInfoResponse),
    c.GIVEOUT_IS_ENABLED: _m(returns.EmptyRequest, returns.GiveoutEnabledResponse),
    c.GIVEOUT_LIST: _m(returns.GiveoutListRequest, returns.GiveoutListResponse),
    c.GIVEOUT_INFO: _m(returns.GiveoutInfoRequest, returns.GiveoutInfo),
    c.GIVEOUT_BARCODE: _m(returns.EmptyRequest, returns.GiveoutBarcodeResponse),
    c.GIVEOUT_GET_PDF: _m(returns.EmptyRequest, FILE),
    c.GIVEOUT_GET_PNG: _m(returns.EmptyRequest, FILE),
    c.GIVEOUT_BARCODE_RESET: _m(returns.EmptyRequest, FILE),
}


def client_paths() -> set[str]:
    """Every Ozon path the client knows: they are all named once in resources/ozon/constants.py."""
    return {
        value
        for name, value in vars(constants).items()
        if name.isupper() and isinstance(value, str) and value.startswith("/v")
    }


def client_method_for(file_name: str) -> str | None:
    """The client method an example file is for (``v2-posting-fbs-cancel.request.json``), if any.

    Matched against the table's own paths, so dashes inside a path segment are no problem.
    """
    stem = file_name.rsplit("/", 1)[-1].split(".", 1)[0]
    matches = [p for p in CLIENT_MODELS if p.strip("/").replace("/", "-") == stem]
    if len(matches) > 1:
        raise ValueError(f"{file_name} matches several client methods: {matches}")
    return matches[0] if matches else None


# Ozon's request examples that break Ozon's own schema or limits, so the client's request model
# refuses them (the client could never have sent them). Example file (relative to examples/) →
# (the offending field, as the model's error location, and why).
REFUSED_REQUEST_EXAMPLES: dict[str, tuple[str, str]] = {
    "v4-posting-fbs-unfulfilled-list.request.json": (
        "filter.last_change_status_date",
        "not a field: the schema calls it last_changed_status_date",
    ),
    "v4-posting-fbs-list.request.json": (
        "with.translit",
        "translit is not in the list method's `with` schema",
    ),
    "v1-posting-fbs-package-label-get.request.json": (
        "task_id",
        'placeholder task_id "323231234-1234" is not an int64',
    ),
    "v2-warehouse-list.request.json": (
        "limit",
        "placeholder limit 0 (a page of nothing); the client asks for 1–200",
    ),
    "schema-samples/v4-posting-fbs-ship-package.request.json": (
        "products.0.quantity",
        "placeholder quantity 0; Ozon packs at least one unit",
    ),
    "schema-samples/v2-carriage-delivery-list.request.json": (
        "limit",
        "placeholder limit 0 (a page of nothing); the client asks for 1–1000",
    ),
    "schema-samples/v2-product-info-stocks-by-warehouse-fbs.request.json": (
        "limit",
        "placeholder limit 0 (a page of nothing); the client asks for 1–1000",
    ),
}
