"""The orders repository on both store backends: the reservation hand-off to Infor's snapshot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from resources.store.orders import OrdersRepo
from resources.store.store import Store

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _posting(number: str, warehouse: int = 7) -> dict:
    return {
        "posting_number": number,
        "order_id": 1,
        "status": "awaiting_packaging",
        "stage": "notified",
        "warehouse_id": warehouse,
        "delivery_method_id": warehouse,
        "delivery_method": "FBS",
    }


def test_a_posting_is_reserved_until_a_snapshot_counts_it_in_allocated(store_url: str) -> None:
    store = Store(store_url).migrate()
    repo = OrdersRepo(store.engine)
    repo.save_posting(
        _posting("P-1"),
        [
            {
                "posting_number": "P-1",
                "sku": 1,
                "offer_id": "A",
                "name": "",
                "quantity": 3,
                "price": 1.0,
                "mark_required": False,
            }
        ],
        order={"order_id": 1, "order_number": "O-1", "status": "open"},
        reservations=[
            {
                "posting_number": "P-1",
                "offer_id": "A",
                "warehouse_id": 7,
                "quantity": 3,
                "status": "awaiting_packaging",
            }
        ],
    )
    # Before Infor confirms: every snapshot lacks these units in `allocated`, so we hold them.
    assert repo.reserved_outside_snapshot(T0).rows() == [("A", 7, 3)]
    repo.set_allocated(["P-1"], T0 + timedelta(minutes=5))
    # A snapshot taken before the confirmation still does not count them ...
    assert repo.reserved_outside_snapshot(T0).rows() == [("A", 7, 3)]
    # ... one taken after it does: the units are subtracted once, through `allocated`.
    assert repo.reserved_outside_snapshot(T0 + timedelta(minutes=10)).rows() == []
    # A second confirmation keeps the first moment.
    assert repo.set_allocated(["P-1"], T0 + timedelta(hours=1)) == 0
    assert repo.reserved_outside_snapshot(T0 + timedelta(minutes=10)).rows() == []
    # Cancelled: no longer reserved, whatever the snapshot.
    repo.close_reservations(["P-1"], "cancelled")
    assert repo.reserved_outside_snapshot(None).rows() == []
    store.dispose()
