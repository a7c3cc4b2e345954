"""The whole life of an FBS order, seen by the seller through the Ozon client over real HTTP.

The sandbox plays Ozon and the buyer: its admin surface places and cancels orders and moves the
clock, which otherwise stands still. Pushes go to a real receiver, flushed by one delivery pass
at each step instead of waiting for the background loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from ozon_sandbox.admin import SeedProduct, SeedStock
from ozon_sandbox.api.returns import ForceReturn
from ozon_sandbox.postings.marks import datamatrix, make_gtin
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder
from ozon_sandbox.testing import SandboxAdmin
from resources.ozon import OzonClient
from resources.ozon.models.exemplars import ExemplarData, ExemplarProductData, MarkValue
from resources.ozon.polling import OzonPollTimeoutError
from tests.support.push_receiver import Receiver
from tests.support.sandbox import API_KEY, CLIENT_ID, WAREHOUSE_IDS, sandbox_config, start_sandbox
from tests.support.sandbox_documents import pdf_pages_text

WAREHOUSE = WAREHOUSE_IDS[0]
MARKED, PLAIN = "NVX-CREAM-50", "NVX-SHAMPOO-250"
GTIN = make_gtin(7)
STOCK = 10
# Sandbox timings (seconds): marks are checked in 30, labels print 45 after packing, a posting
# joins a shipment 60 after packing, act documents form in 60. The sandbox day starts at
# 06:00 UTC; the warehouse's drop-off slot is at 07:00 UTC.
MARK_CHECK_S, LABEL_READY_S, SETTLE_S, FORMING_S = 30, 45, 61, 61
HOUR = 3600
DAY = 24 * HOUR


@dataclass
class Shop:
    """A seller on a frozen-clock sandbox: the client, the buyer's admin side and the receiver."""

    client: OzonClient
    admin: SandboxAdmin
    receiver: Receiver
    skus: dict[str, int]

    def order(self, *lines: OrderLine) -> str:
        """The buyer orders ``lines`` from the warehouse; returns the new posting number."""
        order = PlaceOrder(warehouse_id=WAREHOUSE, items=list(lines))
        return self.admin.place_orders(CLIENT_ID, [order])[0]

    def pushes(self, message_type: str) -> list[dict[str, Any]]:
        """Deliver whatever is due now, then everything of ``message_type`` received so far."""
        report = self.admin.deliver_pushes(CLIENT_ID)
        assert report.failed == 0 and report.queued == 0, report
        return self.receiver.messages(message_type)

    def advance(self, seconds: float) -> None:
        self.admin.advance(seconds)


@pytest.fixture
def shop() -> Iterator[Shop]:
    """Two products in stock (one marked), push on to a real receiver, the clock standing still."""
    with Receiver() as receiver:
        config = sandbox_config(time_factor=0, push={"background": False, "timeout_seconds": 1})
        server = start_sandbox(config)
        try:
            admin = server.admin
            admin.seed_products(
                CLIENT_ID,
                [
                    SeedProduct(
                        offer_id=MARKED,
                        name="Крем для рук, 50 мл",
                        barcodes=[GTIN],
                        price="349",
                        price_sent=True,
                    ),
                    SeedProduct(
                        offer_id=PLAIN, name="Шампунь, 250 мл", price="499", price_sent=True
                    ),
                ],
            )
            admin.seed_stocks(
                CLIENT_ID,
                [
                    SeedStock(offer_id=o, warehouse_id=WAREHOUSE, present=STOCK)
                    for o in (MARKED, PLAIN)
                ],
            )
            # The cabinet's "Check" button: a passed TYPE_PING saves the URL and switches push on.
            assert admin.check_push(CLIENT_ID, receiver.url).ok
            skus = {p.offer_id: p.sku for p in admin.products(CLIENT_ID)}
            with OzonClient(server.url, CLIENT_ID, API_KEY, max_attempts=1) as client:
                yield Shop(client, admin, receiver, skus)
        finally:
            server.stop()


def marks_for(client: OzonClient, number: str) -> list[ExemplarProductData]:
    """One valid Честный ЗНАК code per unit of each product that needs one."""
    products = []
    for product in client.exemplars.create_or_get(number).products:
        exemplars = [
            ExemplarData(
                exemplar_id=e.exemplar_id,
                marks=[MarkValue(mark=datamatrix(GTIN, f"NVX{e.exemplar_id:010d}"))]
                if product.is_mandatory_mark_needed
                else [],
            )
            for e in product.exemplars
        ]
        products.append(ExemplarProductData(product_id=product.product_id, exemplars=exemplars))
    return products


def test_an_order_goes_from_the_buyer_to_a_received_return(shop: Shop) -> None:
    client, skus = shop.client, shop.skus

    # The buyer orders two marked creams and a shampoo: the seller is told and sees it queued.
    number = shop.order(
        OrderLine(offer_id=MARKED, quantity=2, mandatory_mark=True),
        OrderLine(offer_id=PLAIN, quantity=1),
    )
    (announced,) = shop.pushes("TYPE_NEW_POSTING")
    assert announced["posting_number"] == number
    assert {(p["sku"], p["quantity"]) for p in announced["products"]} == {
        (skus[MARKED], 2),
        (skus[PLAIN], 1),
    }
    now = client.postings.get(number).in_process_at
    assert now is not None
    queue = client.postings.list_unfulfilled(cutoff_from=now, cutoff_to=now + timedelta(days=2))
    (posting,) = [p for p in queue if p.posting_number == number]
    assert posting.status == "awaiting_packaging"
    assert posting.requirements.products_requiring_mandatory_mark == [skus[MARKED]]

    # A code per marked unit; packing opens once Ozon has checked them.
    client.exemplars.set(number, marks_for(client, number))
    assert client.exemplars.status(number).status == "validation_in_process"
    shop.advance(MARK_CHECK_S)
    assert client.exemplars.wait_until_ship_available(number).status == "ship_available"

    # Two boxes: each becomes a posting awaiting delivery, the second a child of the first.
    boxes = client.postings.ship(number, [{skus[MARKED]: 2}, {skus[PLAIN]: 1}]).result
    assert len(boxes) == 2 and boxes[0] == number
    packed = [client.postings.get(n) for n in boxes]
    assert [p.status for p in packed] == ["awaiting_deliver", "awaiting_deliver"]
    assert packed[1].parent_posting_number == number
    assert [[(i.sku, i.quantity) for i in p.products] for p in packed] == [
        [(skus[MARKED], 2)],
        [(skus[PLAIN], 1)],
    ]

    # Labels print a little after packing: one page per box.
    with pytest.raises(OzonPollTimeoutError, match="aren't ready"):
        client.labels.get_pdf(boxes, wait_s=0)
    shop.advance(LABEL_READY_S)
    [labels] = client.labels.get_pdf(boxes, wait_s=0)
    pages = pdf_pages_text(labels)
    assert len(pages) == 2
    for page, box in zip(pages, boxes, strict=True):
        assert box in page

    # The day's shipment takes both boxes; its documents list them.
    shop.advance(SETTLE_S - LABEL_READY_S)
    act_id = client.acts.create(WAREHOUSE)
    assert sorted(client.acts.check_status(act_id).added_to_act) == sorted(boxes)
    shop.advance(FORMING_S)
    assert client.acts.wait_until_ready(act_id).is_ready
    assert client.carriages.get(act_id).status == "formed"
    act_text = "\n".join(pdf_pages_text(client.acts.get_pdf(act_id)))
    for box in boxes:
        assert box in act_text

    # Handed over at the drop-off slot, then carried to the pickup point and delivered; the
    # seller hears of every step, in order, for each box.
    shop.advance(HOUR)
    assert {client.postings.get(n).status for n in boxes} == {"delivering"}
    assert {c["new_state"] for c in shop.pushes("TYPE_STATE_CHANGED")} == {
        "posting_transferring_to_delivery",
        "posting_on_way_to_city",
    }
    shop.advance(3 * DAY)
    assert {client.postings.get(n).status for n in boxes} == {"delivered"}
    changes = shop.pushes("TYPE_STATE_CHANGED")
    for box in boxes:
        mine = [c for c in changes if c["posting_number"] == box]
        assert [c["new_state"] for c in mine] == [
            "posting_transferring_to_delivery",
            "posting_on_way_to_city",
            "posting_on_way_to_pickup_point",
            "posting_in_pickup_point",
            "posting_delivered",
        ]
        moments = [c["changed_state_date"] for c in mine]
        assert moments == sorted(moments)
    assert client.carriages.get(act_id).status == "closed"

    # A day later a return opens. Which postings return is a fixed hash share of their numbers;
    # when it passes these by, the buyer returns the creams through the admin surface.
    shop.advance(DAY)
    returned = client.returns.list(posting_numbers=boxes).to_list()
    if not returned:
        shop.admin.force_return(CLIENT_ID, ForceReturn(posting_number=boxes[0]))
        returned = client.returns.list(posting_numbers=boxes).to_list()
    assert returned and {r.status for r in returned} == {"MovingToSeller"}
    assert {r.posting_number for r in returned} <= set(boxes)

    # It travels back and, three days after reaching the drop-off point, the seller has it.
    shop.advance(2 * DAY)
    assert {r.status for r in client.returns.list(posting_numbers=boxes)} == {
        "ArrivedAtReturnPlace"
    }
    shop.advance(3 * DAY)
    final = client.returns.list(posting_numbers=boxes).to_list()
    assert [r.id for r in final] == [r.id for r in returned]
    assert {r.status for r in final} == {"ReceivedBySeller"}


def test_buyer_cancels_before_packing(shop: Shop) -> None:
    number = shop.order(OrderLine(offer_id=PLAIN, quantity=2))
    assert [p["posting_number"] for p in shop.pushes("TYPE_NEW_POSTING")] == [number]

    shop.admin.buyer_cancel(CLIENT_ID, number)

    (cancelled,) = shop.pushes("TYPE_POSTING_CANCELLED")
    assert cancelled["posting_number"] == number
    assert cancelled["new_state"] == "posting_canceled"
    posting = shop.client.postings.get(number)
    assert posting.status == "cancelled"
    assert posting.cancellation.cancellation_type == "client"
