"""Ozon's error replies, provoked from the sandbox over HTTP and held to the spec's error schema.

Every non-200 reply is Ozon's ``rpcStatus`` (``code``, ``message``, ``details``). A method documents
it either under each status (``/v3/product/import``: 400, 403, 404, 409, 429, 500) or once as
``default`` (``/v2/warehouse/list``). ``code`` is a gRPC number, except from the product-import
limiter, which sends the status name ``"RESOURCE_EXHAUSTED"`` as Ozon's own example shows: that
one quirk is tolerated, nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ozon_sandbox.catalog_state import CatalogSettings
from ozon_sandbox.config import FaultSettings
from ozon_sandbox.testing import SandboxServer
from resources.ozon import constants
from resources.ozon.errors import (
    OzonAuthError,
    OzonError,
    OzonNotFoundError,
    OzonRateLimitedError,
    OzonServerError,
    OzonValidationError,
    error_from_response,
)
from tests.support.openapi import OzonSpec, Quirk
from tests.support.sandbox import CLIENT_ID, ozon_client, sandbox_config, start_sandbox

# Two representative methods: one documents a `default` error reply, one documents each status.
WITH_DEFAULT = constants.WAREHOUSE_LIST
PER_STATUS = constants.PRODUCT_IMPORT
CODE_AS_NAME = {Quirk.STATUS_NAME_FOR_CODE}


@pytest.fixture
def spec(ozon_spec_path: Path) -> OzonSpec:
    return OzonSpec.load(ozon_spec_path)


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    """A sandbox whose clock stands still, so per-second and per-minute windows never roll."""
    running = start_sandbox(sandbox_config(time_factor=0))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def ozon(server: SandboxServer) -> Iterator[httpx.Client]:
    with ozon_client(server) as http:
        yield http


def documented_status(spec: OzonSpec, path: str, status: int) -> str:
    """The response of ``path`` that documents an HTTP ``status`` error: its own, else default."""
    for key in (str(status), "default"):
        if spec.response_content_types(path, key):
            return key
    raise AssertionError(f"{path} documents no reply for HTTP {status}")


def assert_documented_error(
    spec: OzonSpec, reply: httpx.Response, status: int, *methods: str
) -> dict[str, Any]:
    """The reply has ``status`` and a body valid under each method's error schema for it."""
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    body = reply.json()
    for path in methods:
        key = documented_status(spec, path, status)
        spec.validate_response(path, body, key, lenient=CODE_AS_NAME)
    # rpcStatus requires nothing; Ozon always sends both, and clients rely on the message.
    assert isinstance(body.get("code"), int | str) and body.get("message"), body
    return body


def client_error(path: str, reply: httpx.Response) -> OzonError:
    return error_from_response(path, reply.status_code, reply.text, reply.headers)


def test_a_refused_parameter_is_a_documented_400(spec: OzonSpec, ozon: httpx.Client) -> None:
    reply = ozon.post(WITH_DEFAULT, json={"cursor": ""})
    body = assert_documented_error(spec, reply, 400, WITH_DEFAULT)
    assert body["code"] == 3 and "limit" in body["message"]
    assert isinstance(client_error(WITH_DEFAULT, reply), OzonValidationError)

    reply = ozon.post(PER_STATUS, json={"items": []})
    body = assert_documented_error(spec, reply, 400, PER_STATUS)
    assert body["code"] == 3 and "items" in body["message"]


def test_an_unknown_method_is_a_documented_404(spec: OzonSpec, ozon: httpx.Client) -> None:
    reply = ozon.post("/v2/posting/fbs/teleport", json={})
    body = assert_documented_error(spec, reply, 404, WITH_DEFAULT, PER_STATUS)
    assert body["code"] == 5
    assert isinstance(client_error("/v2/posting/fbs/teleport", reply), OzonNotFoundError)


def test_a_bad_key_is_a_documented_403(spec: OzonSpec, server: SandboxServer) -> None:
    with ozon_client(server, api_key="revoked-key") as stranger:
        for path, body in ((WITH_DEFAULT, {"limit": 200}), (PER_STATUS, {"items": [{}]})):
            reply = stranger.post(path, json=body)
            error = assert_documented_error(spec, reply, 403, path)
            assert error["code"] == 7 and "Api-Key" in error["message"]
            assert isinstance(client_error(path, reply), OzonAuthError)


def test_the_per_second_limit_is_a_documented_429(spec: OzonSpec, ozon: httpx.Client) -> None:
    # 50 requests per second per Client-Id; the clock stands still, so the 51st is over.
    replies = [ozon.post(WITH_DEFAULT, json={"limit": 200}) for _ in range(51)]
    assert [r.status_code for r in replies[:50]] == [200] * 50
    body = assert_documented_error(spec, replies[50], 429, WITH_DEFAULT)
    assert body == {
        "code": 8,
        "message": "You have reached request rate limit per second",
        "details": [],
    }
    assert isinstance(client_error(WITH_DEFAULT, replies[50]), OzonRateLimitedError)


def test_the_import_item_limit_is_a_documented_429_with_the_status_name_as_code(
    spec: OzonSpec, server: SandboxServer, ozon: httpx.Client, ozon_examples: Path
) -> None:
    server.admin.set_catalog_settings(CLIENT_ID, CatalogSettings(items_per_minute=1))
    reply = ozon.post(PER_STATUS, json={"items": [{"offer_id": "E-1"}, {"offer_id": "E-2"}]})
    body = assert_documented_error(spec, reply, 429, PER_STATUS)
    published = json.loads(
        (ozon_examples / "errors" / "v3-product-import.response-429.json").read_text("utf-8")
    )
    assert body["code"] == published["code"] == "RESOURCE_EXHAUSTED"
    assert body["message"].startswith("You have reached operation items limits. Retry after")
    # The string code is the only way the reply departs from the schema.
    [violation] = spec.response_errors(PER_STATUS, body, "429")
    assert (violation.json_path, violation.quirk) == ("$.code", Quirk.STATUS_NAME_FOR_CODE)
    error = client_error(PER_STATUS, reply)
    assert isinstance(error, OzonRateLimitedError) and error.retry_after


def test_an_open_circuit_breaker_is_a_documented_503(
    spec: OzonSpec, server: SandboxServer, ozon: httpx.Client
) -> None:
    server.admin.set_faults(
        CLIENT_ID, FaultSettings(circle_open_seconds=60, methods=[WITH_DEFAULT])
    )
    reply = ozon.post(WITH_DEFAULT, json={"limit": 200})
    body = assert_documented_error(spec, reply, 503, WITH_DEFAULT)
    assert (body["code"], body["message"]) == (14, "Circle is open")
    assert isinstance(client_error(WITH_DEFAULT, reply), OzonServerError)
    assert ozon.post(PER_STATUS, json={"items": []}).status_code == 400, "other methods unaffected"


@pytest.mark.parametrize(
    "body",
    [
        {"code": "Circle is open", "message": "Circle is open"},
        {"code": 14, "message": ["Circle is open"]},
        {"code": 14, "message": "Circle is open", "details": "none"},
    ],
)
def test_the_error_schema_still_catches_a_malformed_error_body(
    spec: OzonSpec, body: dict[str, Any]
) -> None:
    with pytest.raises(AssertionError, match="violation"):
        spec.validate_response(WITH_DEFAULT, body, "default", lenient=CODE_AS_NAME)
