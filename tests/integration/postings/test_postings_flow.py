"""Posting life over HTTP: order → marks → packing into boxes → labels; cancels and errors."""

from __future__ import annotations

import io
from datetime import timedelta

import pypdf
import pytest

from ozon_sandbox.postings.marks import datamatrix, make_gtin
from resources.ozon import OzonClient, OzonNotFoundError, OzonValidationError
from resources.ozon.exemplars import ExemplarsNotAcceptedError
from resources.ozon.models.exemplars import (
    ExemplarData,
    ExemplarProductData,
    MarkValue,
    ValidateExemplar,
    ValidateProduct,
)
from resources.ozon.polling import OzonPollTimeoutError
from tests.integration.postings.conftest import STOCK, WAREHOUSE, Shop
from tests.support.sandbox import CLIENT_ID

GTIN = make_gtin(42)


def _to_validate(data: list[ExemplarProductData]) -> list[ValidateProduct]:
    return [
        ValidateProduct(
            product_id=p.product_id,
            exemplars=[ValidateExemplar(marks=e.marks) for e in p.exemplars],
        )
        for p in data
    ]


def fill_marks(client: OzonClient, number: str, *, bad: bool = False) -> list[ExemplarProductData]:
    """One Честный ЗНАК code per unit of each product that needs one."""
    products = []
    for product in client.exemplars.create_or_get(number).products:
        exemplars = []
        for e in product.exemplars:
            marks = []
            if product.is_mandatory_mark_needed:
                code = "not-a-mark" if bad else datamatrix(GTIN, f"NVX{e.exemplar_id:010d}")
                marks.append(MarkValue(mark=code))
            exemplars.append(ExemplarData(exemplar_id=e.exemplar_id, marks=marks))
        products.append(ExemplarProductData(product_id=product.product_id, exemplars=exemplars))
    return products


def test_marked_order_packed_in_two_boxes_gets_printable_labels(shop: Shop) -> None:
    client, marked, plain = shop.client, shop.offers[0], shop.offers[1]
    number = shop.order((marked, 2, True), (plain, 1, False))
    now = shop.server.admin.clock().now
    queue = client.postings.list_unfulfilled(cutoff_from=now, cutoff_to=now + timedelta(days=2))
    posting = next(p for p in queue if p.posting_number == number)
    assert posting.status == "awaiting_packaging"
    assert posting.requirements.products_requiring_mandatory_mark == [shop.skus[marked]]
    assert "ship" in posting.available_actions

    data = fill_marks(client, number)
    checks = client.exemplars.validate(
        number,
        _to_validate(data),
    )
    assert checks.valid
    client.exemplars.set(number, data)
    assert client.exemplars.status(number).status == "validation_in_process"
    shop.advance(30)
    assert client.exemplars.status(number).status == "ship_available"

    shipped = client.postings.ship(
        number, [{shop.skus[marked]: 2}, {shop.skus[plain]: 1}], additional_data=True
    )
    assert shipped.result[0] == number and len(shipped.result) == 2
    boxes = [client.postings.get(n, with_barcodes=True) for n in shipped.result]
    assert [b.status for b in boxes] == ["awaiting_deliver", "awaiting_deliver"]
    assert boxes[1].parent_posting_number == number
    assert [p.sku for p in boxes[0].products] == [shop.skus[marked]]
    assert len(boxes[0].products[0].mandatory_mark) == 2

    with pytest.raises(OzonPollTimeoutError, match="aren't ready"):
        client.labels.get_pdf(shipped.result, wait_s=0)
    shop.advance(45)
    [pdf] = client.labels.get_pdf(shipped.result, wait_s=0)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    assert number in reader.pages[0].extract_text()


def test_label_tasks_produce_a_downloadable_file_and_list_unprinted_postings(shop: Shop) -> None:
    client = shop.client
    first = shop.order((shop.offers[0], 1, False))
    second = shop.order((shop.offers[1], 1, False))
    client.postings.ship(first, [{shop.skus[shop.offers[0]]: 1}])
    shop.advance(60)
    tasks = client.labels.create_task([first, second])
    assert {t.task_type for t in tasks} == {"big_label", "small_label"}
    assert client.labels.get_task(tasks[0].task_id).status == "pending"
    shop.advance(10)
    task = client.labels.get_task(tasks[0].task_id)
    assert task.status == "completed" and task.printed_postings_count == 1
    assert [u.posting_number for u in task.unprinted_postings] == [second]
    pdf = client.labels.download(task.file_url)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1


def test_waiting_helpers_follow_sandbox_time(fast_shop: Shop) -> None:
    client, marked = fast_shop.client, fast_shop.offers[0]
    number = fast_shop.order((marked, 1, True))
    client.exemplars.set(number, fill_marks(client, number))
    assert client.exemplars.wait_until_ship_available(number, timeout_s=600).status == (
        "ship_available"
    )
    client.postings.ship(number, [{fast_shop.skus[marked]: 1}])
    [pdf] = client.labels.get_pdf([number], wait_s=600, retry_s=10)
    assert pdf.startswith(b"%PDF")
    [task, _] = client.labels.create_task([number])
    assert client.labels.wait_for_task(task.task_id, timeout_s=600).file_url


def test_refused_marks_block_packing(fast_shop: Shop) -> None:
    client, marked = fast_shop.client, fast_shop.offers[0]
    number = fast_shop.order((marked, 1, True))
    data = fill_marks(client, number, bad=True)
    assert not client.exemplars.validate(
        number,
        _to_validate(data),
    ).valid
    client.exemplars.set(number, data)
    with pytest.raises(ExemplarsNotAcceptedError, match="MARK_FORMAT_INVALID"):
        client.exemplars.wait_until_ship_available(number, timeout_s=600)
    with pytest.raises(OzonValidationError, match="MANDATORY_MARK_REQUIRED"):
        client.postings.ship(number, [{fast_shop.skus[marked]: 1}])


def test_label_wait_is_bounded(shop: Shop) -> None:
    number = shop.order((shop.offers[0], 1, False))
    shop.client.postings.ship(number, [{shop.skus[shop.offers[0]]: 1}])
    with pytest.raises(OzonPollTimeoutError):
        shop.client.labels.get_pdf([number], wait_s=0.2, retry_s=0.1)


def test_buyer_cancel_before_packing_releases_stock_and_notifies(shop: Shop) -> None:
    offer = shop.offers[2]
    number = shop.order((offer, 3, False))
    assert shop.server.admin.stocks(CLIENT_ID)[(offer, WAREHOUSE)].reserved == 3
    shop.server.admin.buyer_cancel(CLIENT_ID, number)
    stock = shop.server.admin.stocks(CLIENT_ID)[(offer, WAREHOUSE)]
    assert (stock.present, stock.reserved) == (STOCK, 0)
    push = shop.server.admin.posting_pushes(CLIENT_ID)[-1]
    assert push["message_type"] == "TYPE_POSTING_CANCELLED"
    assert push["posting_number"] == number and push["new_state"] == "posting_canceled"
    posting = shop.client.postings.get(number)
    assert posting.status == "cancelled"
    assert posting.cancellation.cancellation_type == "client"
    with pytest.raises(OzonValidationError, match="POSTING_ALREADY_CANCELLED"):
        shop.client.postings.ship(number, [{shop.skus[offer]: 3}])


def test_new_order_is_announced_with_ozon_payload(shop: Shop) -> None:
    number = shop.order((shop.offers[0], 2, False))
    push = shop.server.admin.posting_pushes(CLIENT_ID)[-1]
    assert push["message_type"] == "TYPE_NEW_POSTING"
    assert push["posting_number"] == number
    assert push["products"] == [
        {"sku": shop.skus[shop.offers[0]], "offer_id": shop.offers[0], "quantity": 2}
    ]


def test_seller_cancel_checks_reason_and_releases_stock(shop: Shop) -> None:
    client, offer = shop.client, shop.offers[0]
    number = shop.order((offer, 2, False))
    allowed = {r.id for r in client.postings.cancel_reasons_for([number])[number]}
    assert 352 in allowed and 666 not in allowed
    assert any(r.id == 402 for r in client.postings.cancel_reasons())
    with pytest.raises(OzonValidationError, match="HAS_INCORRECT_CANCEL_REASON"):
        client.postings.cancel(number, 666)
    with pytest.raises(ValueError, match="402"):
        client.postings.cancel(number, 402)
    assert client.postings.cancel(number, 352)
    assert shop.server.admin.stocks(CLIENT_ID)[(offer, WAREHOUSE)].reserved == 0
    assert client.postings.get(number).cancellation.cancel_reason_id == 352


def test_partial_cancel_and_partial_packing(shop: Shop) -> None:
    client, a, b = shop.client, shop.offers[0], shop.offers[1]
    number = shop.order((a, 3, False), (b, 2, False))
    client.postings.cancel_products(number, {shop.skus[a]: 1}, 352, "Закончился")
    assert shop.server.admin.stocks(CLIENT_ID)[(a, WAREHOUSE)].reserved == 2
    new = client.postings.ship_package(number, {shop.skus[b]: 2})
    assert new != number
    rest, part = client.postings.get(number), client.postings.get(new)
    assert [(p.sku, p.quantity) for p in rest.products] == [(shop.skus[a], 2)]
    assert [(p.sku, p.quantity) for p in part.products] == [(shop.skus[b], 2)]
    assert part.status == "awaiting_packaging"


def test_packing_errors_name_the_problem(shop: Shop) -> None:
    client, offer = shop.client, shop.offers[0]
    number = shop.order((offer, 2, False))
    with pytest.raises(OzonValidationError, match="UNKNOWN_PRODUCT_DEFINED"):
        client.postings.ship(number, [{12345: 2}])
    with pytest.raises(OzonValidationError, match="HAS_INCORRECT_PRODUCT_QUANTITY"):
        client.postings.ship(number, [{shop.skus[offer]: 1}])
    with pytest.raises(OzonNotFoundError):
        client.postings.ship("00000000-0000-1", [{shop.skus[offer]: 1}])
    client.postings.ship(number, [{shop.skus[offer]: 2}])
    with pytest.raises(OzonValidationError, match="POSTING_ALREADY_SHIPPED"):
        client.postings.ship(number, [{shop.skus[offer]: 2}])
    with pytest.raises(OzonValidationError, match="awaiting_packaging"):
        client.exemplars.set(number, [])


def test_lists_page_with_cursor_and_filter_by_status(shop: Shop) -> None:
    client = shop.client
    numbers = [shop.order((shop.offers[0], 1, False)) for _ in range(5)]
    client.postings.ship(numbers[0], [{shop.skus[shop.offers[0]]: 1}])
    now = shop.server.admin.clock().now
    until = now + timedelta(days=2)
    pages = list(
        client.postings.list_unfulfilled(cutoff_from=now, cutoff_to=until, page_size=2).pages()
    )
    assert [len(p.postings) for p in pages] == [2, 2, 1]
    assert pages[0].count == 5
    waiting = client.postings.list_unfulfilled(
        cutoff_from=now, cutoff_to=until, statuses=["awaiting_packaging"]
    )
    assert sorted(p.posting_number for p in waiting) == sorted(numbers[1:])
    history = client.postings.list(
        since=now - timedelta(days=1), to=now + timedelta(days=1), page_size=3
    ).to_list()
    assert sorted(p.posting_number for p in history) == sorted(numbers)


def test_multibox_posting_takes_its_box_count_with_the_exemplars_and_ships_as_one(
    shop: Shop,
) -> None:
    client, plain = shop.client, shop.offers[1]
    counted = shop.order((plain, 2, False), multibox=True)
    forgotten = shop.order((plain, 1, False), multibox=True)
    posting = client.postings.get(counted)
    assert posting.is_multibox is True and posting.multi_box_qty == 0
    assert client.postings.get(shop.order((plain, 1, False))).is_multibox is False

    # FBS gives the count with the exemplars (no codes needed for unmarked goods).
    client.exemplars.set(counted, fill_marks(client, counted), multi_box_qty=3)
    assert client.exemplars.create_or_get(counted).multi_box_qty == 3
    shop.advance(30)
    assert client.exemplars.status(counted).status == "ship_available"
    assert client.postings.ship(counted, [{shop.skus[plain]: 2}]).result == [counted]
    packed = client.postings.get(counted)
    # Packed with its count: Ozon's flag goes false, the count stays.
    assert (packed.status, packed.is_multibox, packed.multi_box_qty) == (
        "awaiting_deliver",
        False,
        3,
    )

    # Without the count Ozon makes one box of it (its text: "combine all boxes into one").
    client.postings.ship(forgotten, [{shop.skus[plain]: 1}])
    assert client.postings.get(forgotten).multi_box_qty == 1
