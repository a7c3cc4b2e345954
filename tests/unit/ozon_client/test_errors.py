"""Ozon's error bodies and headers become the right exception with the right details."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from resources.ozon import (
    OzonAuthError,
    OzonConflictError,
    OzonError,
    OzonForbiddenError,
    OzonNotFoundError,
    OzonRateLimitedError,
    OzonServerError,
    OzonValidationError,
)
from resources.ozon.errors import error_from_response, parse_retry_after


def test_published_429_body_with_string_code(load_example: Callable[[str], Any]) -> None:
    body = json.dumps(load_example("errors/v3-product-import.response-429.json"))
    error = error_from_response("/v3/product/import", 429, body, {})
    assert isinstance(error, OzonRateLimitedError)
    assert error.code == "RESOURCE_EXHAUSTED"
    assert error.status == 429
    # No header: the wait is read from Ozon's message ("Retry after 120 seconds").
    assert error.retry_after == 120.0
    assert "/v3/product/import" in str(error) and "RESOURCE_EXHAUSTED" in str(error)


@pytest.mark.parametrize(
    ("status", "message", "kind"),
    [
        (400, "invalid parameter limit", OzonValidationError),
        (401, "Unauthorized", OzonAuthError),
        (403, "Invalid Api-Key, please contact support", OzonAuthError),
        (403, "Api-Key is missing a required role for a method", OzonForbiddenError),
        (403, "Offer not signed", OzonForbiddenError),
        (404, "Not found", OzonNotFoundError),
        (409, "posting is already shipped", OzonConflictError),
        (500, "Internal error", OzonServerError),
        (503, "Circle is open", OzonServerError),
        (405, "method is not allowed", OzonError),
    ],
)
def test_status_maps_to_exception(status: int, message: str, kind: type[OzonError]) -> None:
    error = error_from_response(
        "/v2/products/stocks",
        status,
        json.dumps({"code": 3, "message": message, "details": [{"typeUrl": "t", "value": "v"}]}),
        {},
    )
    assert type(error) is kind
    assert error.code == 3 and error.message == message
    assert error.details == [{"typeUrl": "t", "value": "v"}]


def test_non_json_body_keeps_the_text() -> None:
    error = error_from_response("/v2/warehouse/list", 502, "<html>Bad Gateway</html>", {})
    assert isinstance(error, OzonServerError)
    assert error.code is None and error.message == "<html>Bad Gateway</html>"


def test_empty_body_still_explains() -> None:
    error = error_from_response("/v2/warehouse/list", 500, "", {})
    assert "HTTP 500" in str(error)


def test_retry_after_seconds_date_and_item_minutes() -> None:
    assert parse_retry_after({"Retry-After": "7"}) == 7.0
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    date = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after({"retry-after": date}, now=now) == pytest.approx(30.0)
    assert parse_retry_after({"Item-Retry-After": "2"}) == 120.0
    assert parse_retry_after({}) is None
    error = error_from_response(
        "/v3/product/import", 429, '{"code": 8, "message": "limit"}', {"Item-Retry-After": "3"}
    )
    assert isinstance(error, OzonRateLimitedError) and error.retry_after == 180.0


def test_echoed_key_is_blanked() -> None:
    error = error_from_response(
        "/v1/roles",
        403,
        '{"code": 7, "message": "key sekret-123 is deactivated"}',
        {},
        secret="sekret-123",
    )
    assert "sekret-123" not in str(error) and "sekret-123" not in repr(error)
