"""A day's shipment end to end over HTTP: act, documents, handover, delivery, returns."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from ozon_sandbox.api.returns import AdvanceReturn, ForceReturn
from ozon_sandbox.handover.model import HandoverSettings
from ozon_sandbox.testing import SandboxServer
from resources.ozon import (
    ActRefusedError,
    OzonClient,
    OzonError,
    OzonNotFoundError,
    OzonPollTimeoutError,
)
from tests.integration.handover.conftest import (
    DAY,
    FORMING_S,
    HOUR,
    OTHER_WAREHOUSE_ID,
    WAREHOUSE_ID,
    packed,
    place_orders,
    pushes,
    ship,
)
from tests.support.sandbox import CLIENT_ID
from tests.support.sandbox_documents import pdf_pages_text


def test_a_shipment_goes_from_act_to_returned_goods(
    frozen: SandboxServer, client: OzonClient
) -> None:
    numbers = packed(frozen, 3)
    # One more order must leave today and is still unpacked: Ozon refuses the act.
    late = place_orders(frozen, 1, cutoff=datetime(2026, 12, 1, 12, 0, tzinfo=UTC), prefix="LT-")
    with pytest.raises(ActRefusedError) as refused:
        client.acts.create(WAREHOUSE_ID)
    assert refused.value.reason == "not_packaged"
    (method,) = client.carriages.delivery_list().to_list()
    assert "not_packaged" in method.error_codes
    assert method.mandatory_postings_count == 1
    assert method.mandatory_packaged_count == 0

    ship(frozen, late)
    # Packed seconds ago: it waits for the next shipment.
    act_id = client.acts.create(WAREHOUSE_ID)
    status = client.acts.check_status(act_id)
    assert status.status == "in_process"
    assert sorted(status.added_to_act) == sorted(numbers)
    assert status.removed_from_act == late
    assert status.has_postings_for_next_carriage is True
    with pytest.raises(OzonError) as early:
        client.acts.get_pdf(act_id)
    assert early.value.message == "Incorrect_carriage_status"

    frozen.admin.advance(FORMING_S)
    assert client.acts.check_status(act_id).is_ready
    text = "\n".join(pdf_pages_text(client.acts.get_pdf(act_id)))
    for number in numbers:
        assert number in text
    assert late[0] not in text
    assert client.acts.get_barcode(act_id).startswith(b"\x89PNG\r\n\x1a\n")
    assert client.acts.get_barcode_text(act_id) == f"%303%{act_id}"
    assert {p.posting_number: p.status for p in client.acts.postings(act_id)} == dict.fromkeys(
        numbers, "awaiting_deliver"
    )
    assert client.carriages.get(act_id).status == "formed"

    frozen.admin.handover_settings(CLIENT_ID, HandoverSettings(return_share=1.0))
    frozen.admin.advance(HOUR)  # past the 10:00 drop-off slot
    assert {p.status for p in client.acts.postings(act_id)} == {"delivering"}
    handed = [
        p
        for p in pushes(frozen)
        if p["message_type"] == "TYPE_STATE_CHANGED" and p["new_state"] == "posting_on_way_to_city"
    ]
    assert sorted(p["posting_number"] for p in handed) == sorted(numbers)
    carriage = client.carriages.get(act_id)
    assert carriage.status == "received"
    assert carriage.cancel_availability is not None
    assert carriage.cancel_availability.is_cancel_available is False

    frozen.admin.advance(3 * DAY)
    assert {p.status for p in client.acts.postings(act_id)} == {"delivered"}
    delivered = [p for p in pushes(frozen) if p.get("new_state") == "posting_delivered"]
    assert len(delivered) == 3

    frozen.admin.advance(DAY)
    returns = client.returns.list(posting_numbers=numbers).to_list()
    assert sorted(r.posting_number for r in returns) == sorted(numbers)
    assert {r.status for r in returns} == {"MovingToSeller"}
    assert {r.type for r in returns} == {"ClientReturn"}

    frozen.admin.advance(2 * DAY)
    assert {r.status for r in client.returns.list(posting_numbers=numbers)} == {
        "ArrivedAtReturnPlace"
    }
    (point,) = client.returns.company_fbs_info().to_list()
    assert point.returns_count == 3
    assert point.warehouses_ids == [WAREHOUSE_ID]

    frozen.admin.advance(3 * DAY)
    final = client.returns.list(posting_numbers=numbers).to_list()
    assert {r.status for r in final} == {"ReceivedBySeller"}
    assert all(r.logistic and r.logistic.final_moment for r in final)
    assert client.returns.company_fbs_info().to_list() == []
    assert client.carriages.get(act_id).status == "closed"


def test_nothing_packed_means_no_postings_and_fresh_packing_must_settle(
    frozen: SandboxServer, client: OzonClient
) -> None:
    with pytest.raises(ActRefusedError) as none:
        client.acts.create(OTHER_WAREHOUSE_ID)
    assert none.value.reason == "no_postings"

    ship(frozen, place_orders(frozen, 1, warehouse_id=OTHER_WAREHOUSE_ID))
    with pytest.raises(ActRefusedError) as fresh:
        client.acts.create(OTHER_WAREHOUSE_ID)
    assert fresh.value.reason == "package_time_not_passed"

    with pytest.raises(OzonNotFoundError):
        client.acts.create(999)


def test_carriage_api_creates_edits_approves_and_cancels(
    frozen: SandboxServer, client: OzonClient
) -> None:
    numbers = packed(frozen, 3)
    carriage_id = client.carriages.create(WAREHOUSE_ID, departure_date=frozen.admin.clock().now)
    assert client.carriages.get(carriage_id).status == "new"
    # A second shipment while one is unconfirmed is refused.
    with pytest.raises(ActRefusedError) as incomplete:
        client.acts.create(WAREHOUSE_ID)
    assert incomplete.value.reason == "there_are_incomplete_carriages"

    verdicts = client.carriages.set_postings(carriage_id, [numbers[0], "0000-0000-1"])
    assert [(v.posting_number, v.result) for v in verdicts] == [
        (numbers[0], True),
        ("0000-0000-1", False),
    ]
    assert client.acts.check_status(carriage_id).removed_from_act == numbers[1:]

    client.carriages.approve(carriage_id)
    frozen.admin.advance(FORMING_S)
    formed = client.carriages.get(carriage_id)
    assert formed.status == "formed"
    assert "get_shipping_list" in formed.available_actions
    assert [p.posting_number for p in client.acts.postings(carriage_id)] == [numbers[0]]

    cancelled = client.carriages.cancel(carriage_id)
    assert (cancelled.error, cancelled.carriage_status) == ("", "cancelled")
    assert client.acts.check_status(carriage_id).status == "cancelled"
    # Its postings are free again: a new act takes all three.
    again = client.acts.create(WAREHOUSE_ID)
    assert sorted(client.acts.check_status(again).added_to_act) == sorted(numbers)
    listed = client.acts.list(date(2026, 12, 1), date(2026, 12, 1))
    assert [a.id for a in listed] == [again, carriage_id]
    assert [a.id for a in client.acts.list("2026-12-01", "2026-12-02", statuses=["cancelled"])] == [
        carriage_id
    ]


def test_wait_until_ready_polls_on_sandbox_time(frozen: SandboxServer, client: OzonClient) -> None:
    packed(frozen, 1)
    act_id = client.acts.create(WAREHOUSE_ID)
    # The clock is frozen, so the documents never form: the wait gives up with the last status.
    with pytest.raises(OzonPollTimeoutError) as timeout:
        client.acts.wait_until_ready(act_id, timeout_s=0.2, poll_s=0.05)
    assert timeout.value.last.status == "in_process"
    frozen.admin.advance(FORMING_S)
    assert client.acts.wait_until_ready(act_id, timeout_s=1).is_ready


def test_forced_returns_and_the_giveout_barcode(frozen: SandboxServer, client: OzonClient) -> None:
    numbers = packed(frozen, 2)
    forced = frozen.admin.force_return(
        CLIENT_ID, ForceReturn(posting_number=numbers[0], type="FullReturn")
    )
    assert [r.status for r in forced] == ["MovingToSeller"]
    frozen.admin.advance_return(CLIENT_ID, AdvanceReturn(posting_number=numbers[0]))
    assert client.returns.list(status="ArrivedAtReturnPlace").to_list()[0].type == "FullReturn"

    assert client.returns.giveout_is_enabled() is True
    code = client.returns.giveout_barcode()
    assert client.returns.giveout_png().startswith(b"\x89PNG")
    assert code in "\n".join(pdf_pages_text(client.returns.giveout_pdf()))
    opened = frozen.admin.scan_giveout(CLIENT_ID, WAREHOUSE_ID, code)
    (giveout,) = client.returns.giveouts().to_list()
    assert giveout.giveout_id == opened.giveout_id
    assert giveout.giveout_status == "GIVEOUT_STATUS_APPROVED"
    info = client.returns.giveout_info(giveout.giveout_id)
    assert [a.name for a in info.articles] == ["Шампунь NVX-00000"]
    frozen.admin.scan_giveout(CLIENT_ID, WAREHOUSE_ID, code)
    assert client.returns.list(posting_numbers=[numbers[0]]).to_list()[0].status == (
        "ReceivedBySeller"
    )

    client.returns.giveout_reset_barcode()
    assert client.returns.giveout_barcode() != code
    with pytest.raises(RuntimeError):
        frozen.admin.scan_giveout(CLIENT_ID, WAREHOUSE_ID, code)
    with pytest.raises(ValidationError):
        ForceReturn(posting_number="")
