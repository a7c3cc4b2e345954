"""An accepted stock update through the Ozon client reaches the seller as TYPE_STOCKS_CHANGED."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient
from resources.ozon.models.stocks import StockUpdate
from tests.support.push_receiver import Receiver
from tests.support.sandbox import API_KEY, CLIENT_ID, WAREHOUSE_IDS


def keys_of(value: Any) -> Any:
    """The key structure of a JSON value (lists by their first element)."""
    if isinstance(value, dict):
        return {k: keys_of(v) for k, v in value.items()}
    if isinstance(value, list):
        return [keys_of(value[0])] if value else []
    return None


def test_stock_update_is_pushed_with_ozons_payload(
    pushing_sandbox: SandboxServer, receiver: Receiver, ozon_examples: Path
) -> None:
    admin = pushing_sandbox.admin
    products = {p.offer_id: p for p in admin.products(CLIENT_ID)}
    first, second = WAREHOUSE_IDS
    with OzonClient(pushing_sandbox.url, CLIENT_ID, API_KEY) as client:
        results = client.stocks.update(
            [
                StockUpdate(offer_id="NVX-00000", warehouse_id=first, stock=5),
                StockUpdate(offer_id="NVX-00000", warehouse_id=second, stock=7),
                StockUpdate(offer_id="NVX-00001", warehouse_id=first, stock=10),
                StockUpdate(offer_id="NVX-00001", warehouse_id=999, stock=1),  # refused
            ]
        )
    assert [r.updated for r in results] == [True, True, True, False]

    report = admin.deliver_pushes(CLIENT_ID)

    assert report.delivered == 1
    (push,) = receiver.messages()
    reference = json.loads((ozon_examples / "push" / "TYPE_STOCKS_CHANGED.json").read_text())
    assert keys_of(push) == keys_of(reference)
    assert push["message_type"] == "TYPE_STOCKS_CHANGED"
    assert push["seller_id"] == int(CLIENT_ID)
    now = admin.clock().now.isoformat().replace("+00:00", "Z")
    by_product = {item["product_id"]: item for item in push["items"]}
    card0, card1 = products["NVX-00000"], products["NVX-00001"]
    assert by_product[card0.product_id] == {
        "product_id": card0.product_id,
        "sku": card0.sku,
        "updated_at": now,
        "stocks": [
            {"warehouse_id": first, "present": 5, "reserved": 0},
            {"warehouse_id": second, "present": 7, "reserved": 0},
        ],
    }
    # The value sent excludes reserved units; the push reports what is present on the shelf.
    assert by_product[card1.product_id]["stocks"] == [
        {"warehouse_id": first, "present": 13, "reserved": 3}
    ]


def test_rejected_stock_update_raises_no_push(
    pushing_sandbox: SandboxServer, receiver: Receiver
) -> None:
    with OzonClient(pushing_sandbox.url, CLIENT_ID, API_KEY) as client:
        (result,) = client.stocks.update(
            [StockUpdate(offer_id="NVX-00000", warehouse_id=999, stock=1)]
        )
    assert not result.updated

    assert pushing_sandbox.admin.deliver_pushes(CLIENT_ID).attempts == []
    assert receiver.received == []
