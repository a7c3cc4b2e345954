"""Ozon's documented refusals of a shipment, produced on sandbox time and read by the client."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import httpx
import pytest

from ozon_sandbox.state import FirstMile, Warehouse
from ozon_sandbox.testing import SandboxServer
from resources.ozon import (
    ActRefusedError,
    OzonClient,
    OzonError,
    OzonNotFoundError,
    OzonValidationError,
    constants,
)
from resources.ozon.acts import refusal_reason
from tests.integration.handover.conftest import (
    FORMING_S,
    HOUR,
    OTHER_WAREHOUSE_ID,
    SETTLE_S,
    WAREHOUSE_ID,
    packed,
    place_orders,
    ship,
)
from tests.support.sandbox import CLIENT_ID

# The sandbox day starts at 09:00 Moscow time; the drop-off slot (the day's cutoff) is 10:00.
TODAY_SLOT = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
TOMORROW_SLOT = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
MINUTE = 60


def seed_warehouse(server: SandboxServer, warehouse_id: int, **fields: object) -> int:
    """Add an FBS warehouse with some settings changed; returns its id."""
    warehouse = Warehouse.model_validate(
        {"warehouse_id": warehouse_id, "name": f"Новэкс {warehouse_id}", **fields}
    )
    server.admin.seed_warehouses(CLIENT_ID, [warehouse])
    return warehouse_id


def refusal(call: Callable[[], object]) -> ActRefusedError:
    """The refusal ``call`` ends in."""
    with pytest.raises(ActRefusedError) as refused:
        call()
    return refused.value


def test_an_express_warehouse_refuses_the_act_until_no_new_order_can_make_the_cutoff(
    frozen: SandboxServer, client: OzonClient
) -> None:
    # Orders need only 30 minutes of packing here: until 09:30 one could still make 10:00.
    express = seed_warehouse(frozen, 22142605388000, sla_cut_in=30)
    packed(frozen, 2, warehouse_id=express)
    refused = refusal(lambda: client.acts.create(express))
    assert refused.reason == "new_postings_are_possible"
    assert isinstance(refused, OzonError)
    assert (refused.status, refused.path) == (400, constants.ACT_CREATE)
    (method,) = client.carriages.delivery_list(delivery_method_id=express).to_list()
    assert method.error_codes == ["new_postings_are_possible"]
    assert method.cutoff == TODAY_SLOT
    assert refusal(lambda: client.carriages.create(express)).reason == ("new_postings_are_possible")

    frozen.admin.advance(28 * MINUTE)  # 09:29: an order now would still be due by 10:00
    assert refusal(lambda: client.acts.create(express)).reason == "new_postings_are_possible"
    frozen.admin.advance(MINUTE)  # 09:30: today's packing time is over for new orders
    assert client.carriages.delivery_list(delivery_method_id=express).to_list()[0].errors == []
    act_id = client.acts.create(express)
    frozen.admin.advance(FORMING_S)
    assert client.acts.check_status(act_id).is_ready


def test_tomorrows_shipment_waits_until_no_new_order_can_join_it(
    frozen: SandboxServer, client: OzonClient
) -> None:
    # With the default 24 h of packing, today's orders are due tomorrow: today's act is fine,
    # tomorrow's is refused until tomorrow's 10:00 is less than 24 h away.
    numbers = packed(frozen, 2)
    assert (
        refusal(lambda: client.acts.create(WAREHOUSE_ID, departure_date=TOMORROW_SLOT)).reason
        == "new_postings_are_possible"
    )
    assert (
        refusal(lambda: client.carriages.create(WAREHOUSE_ID, departure_date=TOMORROW_SLOT)).reason
        == "new_postings_are_possible"
    )
    (method,) = client.carriages.delivery_list(departure_date=date(2026, 12, 2)).to_list()
    assert "new_postings_are_possible" in method.error_codes
    (today,) = client.carriages.delivery_list().to_list()
    assert "new_postings_are_possible" not in today.error_codes

    frozen.admin.advance(HOUR)  # 10:01 today
    act_id = client.acts.create(WAREHOUSE_ID, departure_date=TOMORROW_SLOT)
    assert sorted(client.acts.check_status(act_id).added_to_act) == sorted(numbers)
    carriage = client.carriages.get(act_id)
    assert carriage.departure_date == "2026-12-02"


def test_a_second_act_while_the_first_is_forming_is_told_to_retry(
    frozen: SandboxServer, client: OzonClient
) -> None:
    numbers = place_orders(frozen, 2)
    other = place_orders(frozen, 1, warehouse_id=OTHER_WAREHOUSE_ID, prefix="OT-")
    ship(frozen, numbers + other)
    frozen.admin.advance(SETTLE_S)
    late = place_orders(frozen, 1, prefix="LT-")
    ship(frozen, late)
    first = client.acts.create(WAREHOUSE_ID)
    status = client.acts.check_status(first)
    assert sorted(status.added_to_act) == sorted(numbers)
    assert status.removed_from_act == late
    assert status.has_postings_for_next_carriage is True

    # Ozon asks for another act for the left-out posting; while the first forms it says wait.
    assert refusal(lambda: client.acts.create(WAREHOUSE_ID)).reason == (
        "posting_statuses_not_ready"
    )
    assert refusal(lambda: client.carriages.create(WAREHOUSE_ID)).reason == (
        "posting_statuses_not_ready"
    )
    methods = {m.warehouse_id: m for m in client.carriages.delivery_list()}
    assert "posting_statuses_not_ready" in methods[WAREHOUSE_ID].error_codes
    assert methods[OTHER_WAREHOUSE_ID].error_codes == []
    # Another warehouse is not held up.
    assert client.acts.check_status(client.acts.create(OTHER_WAREHOUSE_ID)).added_to_act == other

    frozen.admin.advance(FORMING_S)
    assert client.acts.check_status(first).is_ready
    second = client.acts.create(WAREHOUSE_ID)
    assert client.acts.check_status(second).added_to_act == late


def nothing_packed(server: SandboxServer, client: OzonClient) -> None:
    client.acts.create(WAREHOUSE_ID)


def packed_seconds_ago(server: SandboxServer, client: OzonClient) -> None:
    ship(server, place_orders(server, 1))
    client.acts.create(WAREHOUSE_ID)


def todays_posting_unpacked(server: SandboxServer, client: OzonClient) -> None:
    packed(server, 1)
    place_orders(server, 1, cutoff=TODAY_SLOT, prefix="LT-")
    client.carriages.create(WAREHOUSE_ID)


def unapproved_carriage_exists(server: SandboxServer, client: OzonClient) -> None:
    packed(server, 1)
    client.carriages.create(WAREHOUSE_ID)
    client.acts.create(WAREHOUSE_ID)


def departure_in_the_past(server: SandboxServer, client: OzonClient) -> None:
    packed(server, 1)
    client.acts.create(WAREHOUSE_ID, departure_date=datetime(2026, 11, 30, 7, tzinfo=UTC))


def no_first_mile(server: SandboxServer, client: OzonClient) -> None:
    warehouse = seed_warehouse(server, 22142605389000, first_mile=FirstMile(type="UNSPECIFIED"))
    client.acts.create(warehouse)


def first_mile_changing(server: SandboxServer, client: OzonClient) -> None:
    changing = FirstMile(first_mile_is_changing=True)
    client.carriages.create(seed_warehouse(server, 22142605389000, first_mile=changing))


def approved_twice(server: SandboxServer, client: OzonClient) -> None:
    packed(server, 1)
    carriage_id = client.carriages.create(WAREHOUSE_ID)
    client.carriages.approve(carriage_id)
    client.carriages.approve(carriage_id)


def approved_empty(server: SandboxServer, client: OzonClient) -> None:
    packed(server, 1)
    carriage_id = client.carriages.create(WAREHOUSE_ID)
    client.carriages.set_postings(carriage_id, ["0000-0000-1"])
    client.carriages.approve(carriage_id)


@pytest.mark.parametrize(
    ("reason", "attempt"),
    [
        pytest.param("no_postings", nothing_packed, id="act-no_postings"),
        pytest.param("package_time_not_passed", packed_seconds_ago, id="package_time_not_passed"),
        pytest.param("not_packaged", todays_posting_unpacked, id="not_packaged"),
        pytest.param(
            "there_are_incomplete_carriages",
            unapproved_carriage_exists,
            id="there_are_incomplete_carriages",
        ),
        pytest.param("outdated", departure_in_the_past, id="outdated"),
        pytest.param("first_mile_absent", no_first_mile, id="first_mile_absent"),
        pytest.param("first_mile_is_changing", first_mile_changing, id="first_mile_is_changing"),
        pytest.param("Incorrect_carriage_status", approved_twice, id="Incorrect_carriage_status"),
        pytest.param("no_postings", approved_empty, id="approve-no_postings"),
    ],
)
def test_each_refusal_reaches_the_caller_with_its_reason(
    frozen: SandboxServer,
    client: OzonClient,
    reason: str,
    attempt: Callable[[SandboxServer, OzonClient], None],
) -> None:
    refused = refusal(lambda: attempt(frozen, client))
    assert refused.reason == reason
    assert refused.message == reason


@pytest.mark.parametrize(
    ("status", "message", "reason"),
    [
        (400, "new_postings_are_possible", "new_postings_are_possible"),
        (409, "posting_statuses_not_ready: Формируем отгрузку", "posting_statuses_not_ready"),
        (400, "act create: NOT_PACKAGED", "not_packaged"),
        (400, "can't create carriage", "can't create carriage"),
        (400, "other", "other"),
    ],
)
def test_a_refusal_is_recognised_in_the_forms_live_ozon_may_use(
    status: int, message: str, reason: str
) -> None:
    # Ozon documents only the codes, not the status or message around them.
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"code": 9, "message": message, "details": []})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with OzonClient("https://ozon.test", CLIENT_ID, "key", http=http, max_attempts=1) as ozon:
        refused = refusal(lambda: ozon.acts.create(WAREHOUSE_ID))
        assert (refused.reason, refused.status, refused.message) == (reason, status, message)
        assert refusal(lambda: ozon.carriages.approve(1)).reason == reason


@pytest.mark.parametrize(("status", "kind"), [(400, OzonValidationError), (404, OzonNotFoundError)])
def test_other_failures_keep_their_own_type(status: int, kind: type[OzonError]) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"code": 5, "message": "DELIVERY_METHOD_NOT_FOUND"})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with (
        OzonClient("https://ozon.test", CLIENT_ID, "key", http=http, max_attempts=1) as ozon,
        pytest.raises(kind) as failed,
    ):
        ozon.acts.create(WAREHOUSE_ID)
    assert not isinstance(failed.value, ActRefusedError)


@pytest.mark.parametrize(
    "message",
    ["invalid parameter delivery_method_id", "some other problem", "not_packaged_soon"],
)
def test_other_answers_are_not_taken_for_a_refusal(message: str) -> None:
    assert refusal_reason(message) is None
