"""Shipment timing rules on state built directly with the postings model (no HTTP)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ozon_sandbox.clock import DEFAULT_EPOCH, SandboxClock
from ozon_sandbox.errors import OzonApiError
from ozon_sandbox.handover import logic
from ozon_sandbox.handover.model import HandoverState
from ozon_sandbox.limits import AccountLimiter
from ozon_sandbox.postings.model import AWAITING_DELIVER, Posting, get_posting, set_status
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder, place_order
from ozon_sandbox.registry import MethodContext
from ozon_sandbox.state import AccountState, AddressInfo, Product, StockLevel, Warehouse

WAREHOUSE = Warehouse(
    warehouse_id=100, name="Новэкс Новосибирск", address_info=AddressInfo(utc="UTC+07:00")
)


def _posting(state: AccountState, number: str) -> Posting:
    posting = get_posting(state, number)
    assert posting is not None, f"no posting {number}"
    return posting


def account(postings: int) -> tuple[AccountState, list[str]]:
    state = AccountState()
    state.warehouses[WAREHOUSE.warehouse_id] = WAREHOUSE
    numbers: list[str] = []
    for i in range(postings):
        state.put_product(
            Product(
                product_id=1000 + i,
                offer_id=f"NVX-{i}",
                sku=2000 + i,
                name=f"Крем {i}",
                price="300",
                price_sent=True,
                created_at=DEFAULT_EPOCH,
                updated_at=DEFAULT_EPOCH,
                status_updated_at=DEFAULT_EPOCH,
            )
        )
        state.stocks[(f"NVX-{i}", 100)] = StockLevel(present=5)
    ctx = at(state, DEFAULT_EPOCH)
    for i in range(postings):
        order = PlaceOrder(warehouse_id=100, items=[OrderLine(offer_id=f"NVX-{i}")])
        posting = place_order(ctx, order)
        posting.shipped_at = DEFAULT_EPOCH
        set_status(ctx, posting, AWAITING_DELIVER, "posting_transferring_to_delivery")
        numbers.append(posting.posting_number)
    return state, numbers


def at(state: AccountState, moment: datetime) -> MethodContext:
    return MethodContext(
        client_id="1",
        state=state,
        limiter=AccountLimiter(),
        clock=SandboxClock(0, start=moment),
        now=0.0,
        now_dt=moment,
    )


def test_handover_waits_for_the_local_drop_off_slot_of_the_departure_day() -> None:
    state, numbers = account(2)
    now = DEFAULT_EPOCH + timedelta(minutes=5)  # 13:05 in UTC+7: today's 10:00 slot has passed
    tomorrow = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    carriage = logic.open_shipment(
        at(state, now),
        source="act",
        delivery_method_id=100,
        departure=tomorrow,
        containers_count=0,
    )
    assert carriage.departure_date == date(2026, 12, 2)

    logic.tick(at(state, now + timedelta(hours=2)))
    assert carriage.status == "formed"
    assert carriage.handover_at == datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 10:00 local
    assert _posting(state, numbers[0]).status == AWAITING_DELIVER

    logic.tick(at(state, datetime(2026, 12, 2, 3, 0, tzinfo=UTC)))
    assert carriage.status == "received"
    assert {get_posting(state, n).status for n in numbers} == {"delivering"}


def test_one_big_clock_jump_gives_the_same_history_as_many_small_ones() -> None:
    histories = []
    for step_hours in (240, 1):
        state, numbers = account(3)
        state.domain(HandoverState).settings.return_share = 1.0
        start = DEFAULT_EPOCH + timedelta(minutes=5)
        logic.open_shipment(
            at(state, start),
            source="act",
            delivery_method_id=100,
            departure=None,
            containers_count=0,
        )
        moment = start
        while moment < start + timedelta(hours=240):
            moment += timedelta(hours=step_hours)
            logic.tick(at(state, moment))
        hs = state.domain(HandoverState)
        moves = [(h.status, h.substatus, h.at) for n in numbers for h in _posting(state, n).history]
        steps = [[(h.sys_name, h.moment) for h in r.history] for r in hs.returns.values()]
        histories.append((moves, steps))
    assert histories[0] == histories[1]
    moves, steps = histories[0]
    assert [sub for _, sub, _ in moves[:6]] == [
        "posting_created",
        "posting_transferring_to_delivery",
        "posting_on_way_to_city",
        "posting_on_way_to_pickup_point",
        "posting_in_pickup_point",
        "posting_delivered",
    ]
    assert len(steps) == 3
    assert all([name for name, _ in s] == list(logic.RETURN_FLOW) for s in steps)


def test_an_act_is_refused_while_a_new_order_could_still_make_the_local_cutoff() -> None:
    state, _ = account(1)
    # Orders need an hour of packing; the 10:00 slot in UTC+7 is 03:00 UTC.
    state.warehouses[100] = WAREHOUSE.model_copy(update={"sla_cut_in": 60})
    cutoff = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    early = at(state, cutoff - timedelta(minutes=61))
    with pytest.raises(OzonApiError) as refused:
        logic.open_shipment(
            early, source="act", delivery_method_id=100, departure=cutoff, containers_count=0
        )
    assert refused.value.body.message == "new_postings_are_possible"

    late = at(state, cutoff - timedelta(minutes=59))
    carriage = logic.open_shipment(
        late, source="act", delivery_method_id=100, departure=cutoff, containers_count=0
    )
    assert carriage.departure_date == date(2026, 12, 2)
    with pytest.raises(OzonApiError) as forming:
        logic.open_shipment(
            late, source="carriage", delivery_method_id=100, departure=None, containers_count=0
        )
    assert forming.value.body.message == "posting_statuses_not_ready"
