"""What Ozon already holds that the inventory push depends on: cards, warehouses, open orders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import polars as pl

from resources.ozon import OzonClient

CARD_SCHEMA = {"offer_id": pl.String, "ozon_product_id": pl.Int64, "archived": pl.Boolean}
RESERVATION_SCHEMA = {
    "posting_number": pl.String,
    "offer_id": pl.String,
    "warehouse_id": pl.Int64,
    "quantity": pl.Int64,
    "status": pl.String,
}
# Postings whose goods are still on Novex's shelves: Ozon counts them as reserved, so the stock
# we publish must leave them out. After handover they are Ozon's.
OPEN_POSTING_STATUSES = (
    "awaiting_registration",
    "acceptance_in_progress",
    "awaiting_approve",
    "awaiting_packaging",
    "awaiting_verification",
    "awaiting_deliver",
)
# Cutoffs of open postings lie within days; the window is wide so late postings are not missed.
CUTOFF_LOOKBACK = timedelta(days=30)
CUTOFF_LOOKAHEAD = timedelta(days=90)


def ozon_cards(client: OzonClient) -> pl.DataFrame:
    """Every card of the account: offer_id, Ozon product_id and whether it is archived."""
    rows = [(item.offer_id, int(item.product_id), item.archived) for item in client.products.list()]
    return pl.DataFrame(rows, schema=CARD_SCHEMA, orient="row")


def unknown_warehouses(client: OzonClient, configured: Iterable[int]) -> list[int]:
    """Configured Ozon warehouse ids that the account does not have."""
    known = {int(w.warehouse_id) for w in client.warehouses.list()}
    return sorted(set(configured) - known)


def open_postings(client: OzonClient, now: datetime | None = None) -> pl.DataFrame:
    """One row per (posting, offer) of every open FBS posting: units Ozon holds reserved."""
    now = now or datetime.now(UTC)
    rows: list[tuple[str, str, int, int, str]] = []
    for posting in client.postings.list_unfulfilled(
        cutoff_from=now - CUTOFF_LOOKBACK,
        cutoff_to=now + CUTOFF_LOOKAHEAD,
        statuses=OPEN_POSTING_STATUSES,
    ):
        units: dict[str, int] = {}
        for product in posting.products:
            units[product.offer_id] = units.get(product.offer_id, 0) + int(product.quantity)
        warehouse_id = int(posting.delivery_method.warehouse_id)
        rows.extend(
            (posting.posting_number, offer_id, warehouse_id, quantity, posting.status)
            for offer_id, quantity in units.items()
        )
    return pl.DataFrame(rows, schema=RESERVATION_SCHEMA, orient="row")
