"""The client retries what can succeed later, honours Retry-After, and gives up cleanly."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import httpx
import pytest

from resources.ozon import (
    OzonClient,
    OzonRateLimitedError,
    OzonServerError,
    OzonTransportError,
    OzonValidationError,
    Warehouse,
)
from tests.unit.ozon_client.conftest import FakeClock, OzonStub

PATH = "/v2/warehouse/list"
PAGE = {"warehouses": [{"warehouse_id": 7, "name": "Подольск"}], "cursor": "", "has_next": False}


def test_429_is_retried_after_the_wait_ozon_asks_for(
    client: OzonClient, stub: OzonStub, clock: FakeClock
) -> None:
    stub.reply(
        PATH,
        httpx.Response(
            429, json={"code": 8, "message": "rate limit"}, headers={"Retry-After": "3"}
        ),
        httpx.Response(200, json=PAGE),
    )
    warehouses = client.warehouses.list()
    assert [w.warehouse_id for w in warehouses] == [7]
    assert len(stub.calls) == 2
    assert stub.calls[1].at - stub.calls[0].at == pytest.approx(3.0)


def test_retry_after_is_scaled_with_ozon_clock(
    make_client: Callable[..., OzonClient], stub: OzonStub, clock: FakeClock
) -> None:
    client = make_client(time_scale=60.0)
    stub.reply(
        PATH,
        httpx.Response(429, json={"code": 8, "message": "x"}, headers={"Item-Retry-After": "1"}),
        httpx.Response(200, json=PAGE),
    )
    client.warehouses.list()
    # One Ozon minute at 60x is one real second.
    assert stub.calls[1].at - stub.calls[0].at == pytest.approx(1.0)


def test_5xx_gives_up_after_max_attempts(
    make_client: Callable[..., OzonClient], stub: OzonStub, clock: FakeClock
) -> None:
    client = make_client(max_attempts=4)
    stub.reply(PATH, httpx.Response(503, json={"code": 14, "message": "Circle is open"}))
    with pytest.raises(OzonServerError, match="Circle is open") as info:
        client.warehouses.list()
    assert info.value.status == 503
    assert len(stub.calls) == 4
    # Three backoff waits between four attempts, each within the exponential ceiling.
    gaps = [b.at - a.at for a, b in itertools.pairwise(stub.calls)]
    assert len(gaps) == 3
    assert all(0 <= gap <= 0.5 * 2**i + 1e-9 for i, gap in enumerate(gaps))


def test_timeouts_then_success(client: OzonClient, stub: OzonStub) -> None:
    stub.reply(
        PATH,
        httpx.ReadTimeout("slow"),
        httpx.ConnectError("refused"),
        httpx.Response(200, json=PAGE),
    )
    assert client.warehouses.list()[0].name == "Подольск"
    assert len(stub.calls) == 3


def test_persistent_timeouts_raise_transport_error(
    make_client: Callable[..., OzonClient], stub: OzonStub
) -> None:
    client = make_client(max_attempts=3)
    stub.reply(PATH, httpx.ReadTimeout("slow"))
    with pytest.raises(OzonTransportError, match="timeout"):
        client.warehouses.list()
    assert len(stub.calls) == 3


@pytest.mark.parametrize("status", [400, 403, 404, 409])
def test_other_4xx_are_not_retried(client: OzonClient, stub: OzonStub, status: int) -> None:
    stub.reply(PATH, httpx.Response(status, json={"code": 3, "message": "no"}))
    with pytest.raises(Exception) as info:
        client.warehouses.list()
    assert getattr(info.value, "status", None) == status
    assert len(stub.calls) == 1


def test_validation_error_type(client: OzonClient, stub: OzonStub) -> None:
    stub.reply(PATH, httpx.Response(400, json={"code": 3, "message": "limit must be <= 200"}))
    with pytest.raises(OzonValidationError, match="limit must be"):
        client.warehouses.list()


def test_a_far_away_reset_is_not_waited_for(
    client: OzonClient, stub: OzonStub, clock: FakeClock
) -> None:
    # Daily quotas reset at 03:00 Moscow time: hours away, so the caller gets the error now.
    stub.reply(
        PATH,
        httpx.Response(
            429,
            json={"code": "RESOURCE_EXHAUSTED", "message": "daily"},
            headers={"Item-Retry-After": "300"},
        ),
    )
    with pytest.raises(OzonRateLimitedError) as info:
        client.warehouses.list()
    assert info.value.retry_after == 18000.0
    assert len(stub.calls) == 1 and clock.sleeps == []


def test_non_json_success_is_a_response_error(client: OzonClient, stub: OzonStub) -> None:
    stub.reply(PATH, httpx.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(Exception, match="not JSON"):
        client.warehouses.list()


def test_wrong_shape_is_reported_with_its_place(client: OzonClient, stub: OzonStub) -> None:
    stub.reply(PATH, httpx.Response(200, json={"warehouses": [{"name": "no id"}]}))
    with pytest.raises(Exception, match=r"warehouses\.0\.warehouse_id"):
        client.warehouses.list()


def test_results_are_typed(client: OzonClient, stub: OzonStub) -> None:
    stub.reply(PATH, httpx.Response(200, json=PAGE))
    assert isinstance(client.warehouses.list()[0], Warehouse)
