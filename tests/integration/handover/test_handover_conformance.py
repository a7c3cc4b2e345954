"""Handover and returns against Ozon's own contract: request and reply schemas, real payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ozon_sandbox.api.returns import AdvanceReturn, ForceReturn
from ozon_sandbox.handover.model import HandoverSettings
from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient, constants
from resources.ozon.client import unwrap_file
from resources.ozon.models import returns
from tests.integration.handover.conftest import (
    DAY,
    FORMING_S,
    HOUR,
    WAREHOUSE_ID,
    Recorder,
    packed,
)
from tests.support.openapi import OzonSpec, Quirk
from tests.support.ozon_models import CLIENT_MODELS, FILE
from tests.support.sandbox import CLIENT_ID

HANDOVER_PATHS = {
    constants.ACT_CREATE,
    constants.ACT_CHECK_STATUS,
    constants.ACT_GET_PDF,
    constants.ACT_GET_BARCODE,
    constants.ACT_GET_BARCODE_TEXT,
    constants.ACT_GET_POSTINGS,
    constants.ACT_LIST,
    constants.CARRIAGE_DELIVERY_LIST,
    constants.CARRIAGE_CREATE,
    constants.CARRIAGE_APPROVE,
    constants.CARRIAGE_GET,
    constants.CARRIAGE_CANCEL,
    constants.CARRIAGE_SET_POSTINGS,
    constants.RETURNS_LIST,
    constants.RETURNS_COMPANY_FBS_INFO,
    constants.GIVEOUT_IS_ENABLED,
    constants.GIVEOUT_LIST,
    constants.GIVEOUT_INFO,
    constants.GIVEOUT_BARCODE,
    constants.GIVEOUT_GET_PDF,
    constants.GIVEOUT_GET_PNG,
    constants.GIVEOUT_BARCODE_RESET,
}
# Ozon path → the client's (request model, reply model or FILE), from the one shared mapping.
METHODS = {path: CLIENT_MODELS[path] for path in HANDOVER_PATHS}


def exercise_every_method(server: SandboxServer, client: OzonClient) -> None:
    """Call each handover and returns method at least once, with data in every reply."""
    numbers = packed(server, 3)
    carriage_id = client.carriages.create(
        WAREHOUSE_ID, departure_date=datetime(2026, 12, 1, 8, tzinfo=UTC)
    )
    client.carriages.set_postings(carriage_id, numbers[:2])
    client.carriages.get(carriage_id)
    client.carriages.cancel(carriage_id)
    carriage_id = client.carriages.create(WAREHOUSE_ID)
    client.carriages.approve(carriage_id)
    client.carriages.delivery_list(delivery_method_id=WAREHOUSE_ID).to_list()
    server.admin.advance(FORMING_S)
    client.acts.check_status(carriage_id)
    client.acts.get_pdf(carriage_id)
    client.acts.get_barcode(carriage_id)
    client.acts.get_barcode_text(carriage_id)
    client.acts.postings(carriage_id)
    client.carriages.get(carriage_id)
    client.carriages.delivery_list().to_list()
    server.admin.handover_settings(CLIENT_ID, HandoverSettings(return_share=1.0))
    server.admin.advance(HOUR + 4 * DAY)
    server.admin.force_return(CLIENT_ID, ForceReturn(posting_number=numbers[0]))
    server.admin.advance_return(CLIENT_ID, AdvanceReturn(posting_number=numbers[0]))
    client.returns.list().to_list()
    client.returns.list(
        logistic_return_date=(datetime(2026, 12, 1, tzinfo=UTC), None), offer_id="NVX-00000"
    ).to_list()
    client.returns.company_fbs_info().to_list()
    client.returns.giveout_is_enabled()
    code = client.returns.giveout_barcode()
    server.admin.scan_giveout(CLIENT_ID, WAREHOUSE_ID, code)
    (giveout,) = client.returns.giveouts().to_list()
    client.returns.giveout_info(giveout.giveout_id)
    client.returns.giveout_pdf()
    client.returns.giveout_png()
    client.returns.giveout_reset_barcode()
    client.acts.list("2026-12-01", "2026-12-31")


def test_every_request_and_reply_matches_ozons_schema(
    frozen: SandboxServer, client: OzonClient, recorder: Recorder, ozon_spec_path: Path
) -> None:
    spec = OzonSpec.load(ozon_spec_path)
    exercise_every_method(frozen, client)
    packed(frozen, 1, prefix="EXTRA-")
    frozen.admin.advance(1)
    client.acts.create(WAREHOUSE_ID)

    seen = {e.path for e in recorder.exchanges}
    assert seen == set(METHODS), f"not exercised: {set(METHODS) - seen}"
    for exchange in recorder.exchanges:
        assert exchange.status == 200, (exchange.path, exchange.response)
        spec.validate_request(exchange.path, exchange.request)
        if METHODS[exchange.path].response == FILE:
            documented = spec.response_content_types(exchange.path)
            assert exchange.content_type.split(";")[0] in documented, exchange.path
        elif exchange.path == constants.RETURNS_LIST:
            # final_moment is always sent, null until the return arrives (Ozon's unset times).
            spec.validate_response(
                exchange.path, exchange.response, lenient={Quirk.NULL_FOR_OPTIONAL}
            )
        else:
            spec.validate_response(exchange.path, exchange.response, lenient=False)


def _example_files(examples: Path) -> list[tuple[Path, str, str]]:
    found: list[tuple[Path, str, str]] = []
    for folder in (examples, examples / "schema-samples"):
        for path in sorted(folder.glob("*.json")):
            stem, _, kind = path.name.partition(".")
            for method in METHODS:
                if method.strip("/").replace("/", "-") == stem:
                    found.append((path, method, kind.removesuffix(".json")))
    return found


def test_ozons_example_payloads_parse_into_the_client_models(ozon_examples: Path) -> None:
    files = _example_files(ozon_examples)
    assert len(files) >= 30
    for path, method, kind in files:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        request_model, reply_model = METHODS[method].request, METHODS[method].response
        assert request_model is not None
        if kind == "request":
            if path.parent.name == "schema-samples":
                # Generated from the schema with placeholder zeros: check the shape only.
                assert set(data) <= set(request_model.model_fields), path.name
            else:
                request_model.model_validate(data)
        elif reply_model == FILE:
            content = unwrap_file(json.dumps(data).encode(), method)
            assert content[:4] in (b"%PDF", b"\x89PNG"), path.name
        else:
            assert isinstance(reply_model, type)
            reply_model.model_validate(data)


def test_real_returns_example_reads_as_numbers_and_statuses(ozon_examples: Path) -> None:
    data = json.loads((ozon_examples / "v1-returns-list.response.json").read_text("utf-8"))
    (item,) = returns.ReturnsListResponse.model_validate(data).returns
    assert item.id == 1000015552
    assert item.status == "ArrivedAtReturnPlace"
    assert item.product is not None and item.product.price is not None
    assert str(item.product.price.price) == "3318"
    assert item.return_clearing_id is None
    assert item.return_schema == "Fbs"


@pytest.mark.parametrize(
    "ranges",
    [
        {"logistic_return_date": {}, "visual_status_change_moment": {}},
        {
            "storage_tariffication_start_date": {"time_from": "2026-12-01T00:00:00Z"},
            "logistic_return_date": {"time_to": "2026-12-02T00:00:00Z"},
        },
    ],
)
def test_two_date_ranges_are_refused_by_ozon_and_by_the_client(
    frozen: SandboxServer, client: OzonClient, ranges: dict[str, Any]
) -> None:
    reply = client._http.post(
        f"{frozen.url}{constants.RETURNS_LIST}",
        json={"filter": ranges, "limit": 10},
        headers=client._headers(),
    )
    assert reply.status_code == 400
    assert "only one of" in reply.json()["message"]
    with pytest.raises(ValueError, match="only one date range"):
        client.returns.list(
            logistic_return_date=(None, None), visual_status_change_moment=(None, None)
        )
    # Over the documented caps: 51 posting numbers, a page of 501.
    too_many = client._http.post(
        f"{frozen.url}{constants.RETURNS_LIST}",
        json={"filter": {"posting_numbers": [str(i) for i in range(51)]}, "limit": 501},
        headers=client._headers(),
    )
    assert too_many.status_code == 400
    no_limit = client._http.post(
        f"{frozen.url}{constants.RETURNS_LIST}", json={}, headers=client._headers()
    )
    assert no_limit.status_code == 400
