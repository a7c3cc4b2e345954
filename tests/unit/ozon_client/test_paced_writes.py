"""Card writes are paced by the account's per-minute item limit; lost stock writes wait again."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from resources.ozon import AttributesUpdateItem, OzonClient, OzonRateLimitedError, StockUpdate
from resources.ozon.models.product_import import AttributeValue, ImportItem, ProductAttribute
from resources.ozon.ratelimit import WINDOW_SAFETY, RateLimiter
from tests.unit.ozon_client.conftest import Call, FakeClock, OzonStub

IMPORT = "/v3/product/import"
ATTRIBUTES = "/v1/product/attributes/update"
LIMIT = "/v4/product/info/limit"
STOCKS = "/v2/products/stocks"
MINUTE = 60.0 * WINDOW_SAFETY


def _quota(per_minute: int) -> httpx.Response:
    daily = {"limit": -1, "usage": 0, "reset_at": "2026-07-09T00:00:00Z"}
    return httpx.Response(
        200,
        json={
            "daily_create": daily,
            "daily_update": daily,
            "total": {"limit": -1, "usage": 0},
            "operation_limits": {"limit": per_minute, "limit_type": "RATE_LIMIT_PER_MINUTE"},
        },
    )


def _task(call: Call) -> httpx.Response:
    return httpx.Response(200, json={"result": {"task_id": len(call.body["items"])}})


def _card(offer_id: str) -> ImportItem:
    return ImportItem(
        offer_id=offer_id,
        name=f"Шампунь {offer_id}",
        description_category_id=17028968,
        type_id=93284,
        price="349",
        vat="0.2",
        depth=50,
        width=60,
        height=190,
        dimension_unit="mm",
        weight=290,
        weight_unit="g",
    )


def _update(offer_id: str) -> AttributesUpdateItem:
    value = ProductAttribute(id=22232, values=[AttributeValue(value="300")])
    return AttributesUpdateItem(offer_id=offer_id, attributes=[value])


def _item_counts(stub: OzonStub) -> list[tuple[str, int, float]]:
    return [(c.path, len(c.body["items"]), c.at) for c in stub.calls if "items" in c.body]


# ---------------------------------------------------------------- the limiter's item budget


def test_an_item_budget_is_shared_by_the_card_write_family(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock)
    assert limiter.item_budget(IMPORT) is None, "not enforced until the account's limit is known"
    limiter.set_item_budget(IMPORT, 150)
    assert limiter.item_budget(ATTRIBUTES) == 150
    start = clock.monotonic()
    limiter.reserve(IMPORT, ["A"] * 100)
    limiter.reserve(ATTRIBUTES, ["B"] * 50)
    assert clock.monotonic() == start, "150 items fit one minute"
    limiter.reserve(ATTRIBUTES, ["C"])
    assert clock.monotonic() - start == pytest.approx(MINUTE)


def test_a_lower_limit_learned_mid_window_keeps_what_was_sent(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock, time_scale=60.0)
    limiter.set_item_budget(IMPORT, 100)
    start = clock.monotonic()
    limiter.reserve(IMPORT, ["A"] * 80)
    limiter.set_item_budget(IMPORT, 50)
    limiter.reserve(IMPORT, ["B"] * 10)
    assert clock.monotonic() - start == pytest.approx(MINUTE / 60.0)
    limiter.set_item_budget(IMPORT, None)
    limiter.reserve(IMPORT, ["C"] * 1000)
    assert clock.monotonic() - start == pytest.approx(MINUTE / 60.0), "no limit: no wait"


def test_a_method_without_a_budget_refuses_one(clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="no item budget"):
        RateLimiter(clock=clock).set_item_budget(STOCKS, 10)


# ---------------------------------------------------------------- products pacing


def test_a_big_import_is_paced_by_the_per_minute_item_limit(
    client: OzonClient, stub: OzonStub, clock: FakeClock
) -> None:
    stub.reply(LIMIT, _quota(150))
    stub.route(IMPORT, _task)
    start = clock.monotonic()
    assert client.products.import_([_card(f"A{i}") for i in range(250)]) == [100, 100, 50]
    sent = _item_counts(stub)
    # 100 now; 100 more only once the first minute is over; the last 50 fit beside them.
    assert [(n, at - start) for _, n, at in sent] == [
        (100, 0.0),
        (100, pytest.approx(MINUTE)),
        (50, pytest.approx(MINUTE)),
    ]
    assert stub.paths()[0] == LIMIT


def test_a_limit_below_100_makes_smaller_tasks_and_is_shared_with_attribute_updates(
    client: OzonClient, stub: OzonStub, clock: FakeClock
) -> None:
    stub.reply(LIMIT, _quota(40))
    stub.route(IMPORT, _task)
    stub.route(ATTRIBUTES, lambda call: httpx.Response(200, json={"task_id": 9}))
    start = clock.monotonic()
    assert client.products.import_([_card(f"A{i}") for i in range(50)]) == [40, 10]
    assert client.products.update_attributes([_update(f"A{i}") for i in range(31)]) == [9]
    sent = [(path, n, at - start) for path, n, at in _item_counts(stub)]
    assert sent == [
        (IMPORT, 40, 0.0),
        (IMPORT, 10, pytest.approx(MINUTE)),
        (ATTRIBUTES, 31, pytest.approx(2 * MINUTE)),
    ]
    # 10 + 31 items would exceed 40 within the second minute, so the update waits for a third.
    assert stub.paths().count(LIMIT) == 1, "learned once per client"


def test_the_limit_is_read_again_after_a_429(
    make_client: Callable[..., OzonClient], stub: OzonStub
) -> None:
    client = make_client(max_attempts=1)
    stub.reply(LIMIT, _quota(1000), _quota(3))
    refused = httpx.Response(
        429,
        json={"code": "RESOURCE_EXHAUSTED", "message": "You have reached operation items limits"},
        headers={"Item-Retry-After": "1", "Item-Rate-Limit-Remaining": "0"},
    )
    replies = iter([refused])
    stub.route(IMPORT, lambda call: next(replies, None) or _task(call))
    with pytest.raises(OzonRateLimitedError):
        client.products.import_([_card("A")])
    assert client.products.import_([_card(f"B{i}") for i in range(5)]) == [3, 2]
    assert stub.paths().count(LIMIT) == 2
    assert client.limiter.item_budget(IMPORT) == 3


def test_no_items_no_calls(client: OzonClient, stub: OzonStub) -> None:
    assert client.products.import_([]) == []
    assert client.products.update_attributes([]) == []
    assert stub.calls == []


# ---------------------------------------------------------------- resends after lost replies


def _lost_then_applied(stub: OzonStub) -> None:
    """The first stocks call reaches Ozon (recorded) but its reply is lost; later ones answer."""

    def handler(call: Call) -> httpx.Response:
        if len(stub.calls) == 1:
            raise httpx.ReadTimeout("reply lost")
        result: list[dict[str, Any]] = [
            {"offer_id": s["offer_id"], "warehouse_id": s["warehouse_id"], "updated": True}
            for s in call.body["stocks"]
        ]
        return httpx.Response(200, json={"result": result})

    stub.route(STOCKS, handler)


@pytest.mark.parametrize("scale", [1.0, 60.0])
def test_a_stock_resend_after_a_timeout_waits_out_the_pairs_30_seconds(
    make_client: Callable[..., OzonClient], stub: OzonStub, scale: float
) -> None:
    client = make_client(time_scale=scale)
    _lost_then_applied(stub)
    pairs = [StockUpdate(offer_id=f"A{i}", warehouse_id=1, stock=i) for i in range(3)]
    results = client.stocks.update(pairs)
    first, second = stub.calls
    assert second.body == first.body, "the same batch is resent"
    assert second.at - first.at == pytest.approx(30.0 * WINDOW_SAFETY / scale)
    assert [r.updated for r in results] == [True, True, True]
    assert not any(r.errors for r in results)


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(503, json={"code": 14, "message": "Circle is open"}),
        httpx.Response(429, json={"code": 8, "message": "x"}, headers={"Retry-After": "1"}),
    ],
)
def test_a_stock_resend_after_an_http_error_does_not_wait_for_the_pairs(
    client: OzonClient, stub: OzonStub, reply: httpx.Response
) -> None:
    ok = httpx.Response(
        200, json={"result": [{"offer_id": "A", "warehouse_id": 1, "updated": True}]}
    )
    stub.reply(STOCKS, reply, ok)
    [result] = client.stocks.update([StockUpdate(offer_id="A", warehouse_id=1, stock=1)])
    assert result.updated
    first, second = stub.calls
    # Ozon refused the first attempt, so the pair's slot still holds: only the backoff is waited.
    assert second.at - first.at <= 1.0


def test_a_card_resend_after_a_timeout_counts_its_items_again(
    client: OzonClient, stub: OzonStub, clock: FakeClock
) -> None:
    stub.reply(LIMIT, _quota(100))
    attempts = itertools.count()

    def handler(call: Call) -> httpx.Response:
        if next(attempts) == 0:
            raise httpx.ConnectError("connection reset")
        return _task(call)

    stub.route(IMPORT, handler)
    start = clock.monotonic()
    assert client.products.import_([_card(f"A{i}") for i in range(60)]) == [60]
    # Ozon may have counted the lost 60, so the resend waits for room for 60 more.
    assert [at - start for _, _, at in _item_counts(stub)] == [0.0, pytest.approx(MINUTE)]
