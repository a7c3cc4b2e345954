"""The Api-Key never shows up in logs, exception text or reprs."""

from __future__ import annotations

import logging
from collections.abc import Callable

import dagster as dg
import httpx
import pytest

from resources.ozon import OzonClient, OzonError, StockUpdate
from resources.ozon_resource import OzonResource
from tests.unit.ozon_client.conftest import API_KEY, Call, OzonStub


def test_key_absent_from_logs_and_errors(
    make_client: Callable[..., OzonClient], stub: OzonStub, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(max_attempts=2)

    def echo_key(call: Call) -> httpx.Response:
        return httpx.Response(
            500, json={"code": 13, "message": f"Internal error for key {call.headers['Api-Key']}"}
        )

    stub.route("/v2/products/stocks", echo_key)
    stub.reply("/v2/warehouse/list", httpx.ConnectError(f"refused for {API_KEY}"))
    caplog.set_level(logging.DEBUG, logger="resources.ozon")
    failures: list[OzonError] = []
    with pytest.raises(OzonError) as first:
        client.stocks.update([StockUpdate(offer_id="A", warehouse_id=1, stock=1)])
    failures.append(first.value)
    with pytest.raises(OzonError) as second:
        client.warehouses.list()
    failures.append(second.value)

    assert caplog.records, "requests, retries and waits are logged"
    assert any("retrying /v2/products/stocks" in r.getMessage() for r in caplog.records)
    assert API_KEY not in caplog.text
    for error in failures:
        assert API_KEY not in str(error) and API_KEY not in repr(error)
        assert API_KEY not in str(error.details)
    assert "Internal error for key ***" in str(failures[0])
    assert API_KEY not in repr(client)


def test_resource_hides_key_and_builds_a_working_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OZON_API_KEY_TEST", API_KEY)
    resource = OzonResource(
        base_url="https://ozon.test/",
        client_id="100500",
        api_key=dg.EnvVar("OZON_API_KEY_TEST"),
        time_scale=60.0,
        timeout_s=5.0,
        max_attempts=3,
    )
    with dg.build_resources({"ozon": resource}) as resources:
        ozon = resources.ozon
        assert API_KEY not in repr(ozon)
        with ozon.get_client() as client:
            assert API_KEY not in repr(client)
            assert client.base_url == "https://ozon.test"
            assert (client.time_scale, client.timeout, client.max_attempts) == (60.0, 5.0, 3)
            assert client._headers()["Api-Key"] == API_KEY


def test_every_resource_field_is_described() -> None:
    fields = OzonResource.model_fields
    assert set(fields) >= {
        "base_url",
        "client_id",
        "api_key",
        "time_scale",
        "timeout_s",
        "max_attempts",
    }
    assert all(f.description for f in fields.values())
