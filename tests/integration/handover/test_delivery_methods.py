"""A warehouse with two delivery methods: Ozon's day list, acts and carriages are per method."""

from __future__ import annotations

import pytest

from ozon_sandbox.admin import SeedStock
from ozon_sandbox.delivery_methods import DeliveryMethodSeed
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder
from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient
from tests.integration.handover.conftest import (
    OTHER_WAREHOUSE_ID,
    SETTLE_S,
    WAREHOUSE_ID,
    ship,
)
from tests.support.sandbox import CLIENT_ID, seed_catalog

COURIER = WAREHOUSE_ID + 7


def test_each_delivery_method_lists_and_ships_only_its_own_postings(
    frozen: SandboxServer, client: OzonClient
) -> None:
    admin = frozen.admin
    assert admin.seed_delivery_methods(
        CLIENT_ID,
        [DeliveryMethodSeed(delivery_method_id=COURIER, warehouse_id=WAREHOUSE_ID, name="Курьер")],
    ) == {"created": 1, "replaced": 0}
    assert [(m.delivery_method_id, m.warehouse_id) for m in admin.delivery_methods(CLIENT_ID)][
        :2
    ] == [(WAREHOUSE_ID, WAREHOUSE_ID), (COURIER, WAREHOUSE_ID)]
    offers = seed_catalog(admin, 3)
    admin.seed_stocks(
        CLIENT_ID, [SeedStock(offer_id=o, warehouse_id=WAREHOUSE_ID, present=5) for o in offers]
    )
    own = admin.place_orders(
        CLIENT_ID,
        [PlaceOrder(warehouse_id=WAREHOUSE_ID, items=[OrderLine(offer_id=o)]) for o in offers[:2]],
    )
    (by_courier,) = admin.place_orders(
        CLIENT_ID,
        [
            PlaceOrder(
                warehouse_id=WAREHOUSE_ID,
                items=[OrderLine(offer_id=offers[2])],
                delivery_method_id=COURIER,
            )
        ],
    )
    method = client.postings.get(by_courier).delivery_method
    assert (method.id, method.name, method.warehouse_id) == (COURIER, "Курьер", WAREHOUSE_ID)
    ship(frozen, [*own, by_courier])
    admin.advance(SETTLE_S)

    # The day list has a row per method, walked one per page, each counting its own postings.
    rows = list(client.carriages.delivery_list(page_size=1))
    counts = {r.delivery_method_id: (r.warehouse_id, r.optional_packaged_count) for r in rows}
    assert counts == {WAREHOUSE_ID: (WAREHOUSE_ID, 2), COURIER: (WAREHOUSE_ID, 1)}

    # An act per method; the courier's first does not block the warehouse's own.
    courier_act = client.acts.create(COURIER)
    assert client.acts.check_status(courier_act).added_to_act == [by_courier]
    own_act = client.acts.create(WAREHOUSE_ID)
    assert sorted(client.acts.check_status(own_act).added_to_act) == sorted(own)
    assert {a.id: a.delivery_method_name for a in client.acts.list("2026-12-01", "2026-12-01")}[
        courier_act
    ] == "Курьер"


def test_a_method_must_belong_to_the_warehouse(frozen: SandboxServer) -> None:
    admin = frozen.admin
    with pytest.raises(RuntimeError, match="unknown warehouse_id"):
        admin.seed_delivery_methods(
            CLIENT_ID, [DeliveryMethodSeed(delivery_method_id=COURIER, warehouse_id=1, name="x")]
        )
    with pytest.raises(RuntimeError, match="own method"):
        admin.seed_delivery_methods(
            CLIENT_ID,
            [
                DeliveryMethodSeed(
                    delivery_method_id=OTHER_WAREHOUSE_ID, warehouse_id=WAREHOUSE_ID, name="x"
                )
            ],
        )
    admin.seed_delivery_methods(
        CLIENT_ID,
        [DeliveryMethodSeed(delivery_method_id=COURIER, warehouse_id=WAREHOUSE_ID, name="Курьер")],
    )
    (offer,) = seed_catalog(admin, 1)
    admin.seed_stocks(
        CLIENT_ID, [SeedStock(offer_id=offer, warehouse_id=OTHER_WAREHOUSE_ID, present=5)]
    )
    with pytest.raises(RuntimeError, match="not one of warehouse"):
        admin.place_orders(
            CLIENT_ID,
            [
                PlaceOrder(
                    warehouse_id=OTHER_WAREHOUSE_ID,
                    items=[OrderLine(offer_id=offer)],
                    delivery_method_id=COURIER,
                )
            ],
        )
