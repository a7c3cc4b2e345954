"""Helpers for order-flow tests: buyer orders on the stack's sandbox, pushes into the inbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from novex_cli.stack import LocalStack
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder
from resources.sources.files import FileDropInfor
from resources.store.inbox import InboxRepo
from resources.store.inbox_keys import dedup_key
from resources.store.orders import OrdersRepo
from resources.store_resource import open_store

HANDLED = {
    "TYPE_NEW_POSTING",
    "TYPE_POSTING_CANCELLED",
    "TYPE_STATE_CHANGED",
    "TYPE_CUTOFF_DATE_CHANGED",
    "TYPE_DELIVERY_DATE_CHANGED",
}


def stocked_offers(stack: LocalStack, site: str, minimum: int = 20) -> list[str]:
    """Offers with at least ``minimum`` free units at an Infor site, by the newest snapshot."""
    source = FileDropInfor(stack.data_dir)
    ref = source.latest_stock_snapshot()
    assert ref is not None
    frame = source.read_stock_snapshot(ref).frame
    products = set(open_store(stack.store_url).inventory.products()["offer_id"].to_list())
    return sorted(
        offer
        for offer, s, on_hand, allocated in frame.select(
            "offer_id", "site", "on_hand", "allocated"
        ).iter_rows()
        if s == site and on_hand - allocated >= minimum and offer in products
    )


def place(
    stack: LocalStack,
    warehouse_id: int,
    *lines: tuple[str, int, bool],
    delivery_method_id: int | None = None,
    multibox: bool = False,
) -> str:
    """One buyer order of (offer, quantity, marked) lines; returns the posting number.

    ``delivery_method_id``: one of the warehouse's methods (default: its own, with its id);
    ``multibox``: its goods come in several factory boxes (Ozon's ``is_multibox``).
    """
    order = PlaceOrder(
        warehouse_id=warehouse_id,
        items=[OrderLine(offer_id=o, quantity=q, mandatory_mark=m) for o, q, m in lines],
        delivery_method_id=delivery_method_id,
        multibox=multibox,
    )
    return stack.server.admin.place_orders(stack.client_id, [order])[0]


def inbox(stack: LocalStack) -> InboxRepo:
    """The store's push inbox."""
    return open_store(stack.store_url).inbox


def orders_repo(stack: LocalStack) -> OrdersRepo:
    """The orders repository of the stack's store."""
    return OrdersRepo(open_store(stack.store_url).engine)


def deliver_pushes(stack: LocalStack, *, skip: set[str] | None = None, seen: set[int]) -> int:
    """Copy the sandbox's posting pushes not yet copied into the inbox, as the receiver would.

    ``seen`` remembers which pushes (by position) were copied; ``skip`` drops pushes of these
    posting numbers (a lost push).
    """
    added = 0
    for n, body in enumerate(stack.server.admin.posting_pushes(stack.client_id)):
        if n in seen:
            continue
        seen.add(n)
        if body.get("message_type") not in HANDLED:
            continue
        if skip and body.get("posting_number") in skip:
            continue
        _id, created = inbox(stack).add(
            dedup_key(body), body["message_type"], body, posting_number=body.get("posting_number")
        )
        added += int(created)
    return added


def outbox(stack: LocalStack) -> Path:
    """Infor's outbox folder."""
    return stack.data_dir / "infor" / "outbox"


def names(folder: Path, pattern: str) -> set[str]:
    """File names in ``folder`` matching ``pattern``."""
    return {p.name for p in folder.glob(pattern)}


def pushes_of(stack: LocalStack, message_type: str) -> list[dict[str, Any]]:
    """The sandbox's pushes of one type."""
    return [
        b
        for b in stack.server.admin.posting_pushes(stack.client_id)
        if b.get("message_type") == message_type
    ]


def labelled_at_infor(stack: LocalStack) -> dict[str, str]:
    """Posting number → the label PDF Infor got it in (from the label manifests)."""
    import json

    found: dict[str, str] = {}
    for manifest in outbox(stack).glob("labels_*.json"):
        body = json.loads(manifest.read_text(encoding="utf-8"))
        assert (outbox(stack) / body["pdf"]).read_bytes().startswith(b"%PDF")
        for number in body["postings"]:
            assert number not in found, f"{number} labelled twice"
            found[number] = body["pdf"]
    return found


def ozon_cutoff(stack: LocalStack, delivery_method_id: int) -> datetime:
    """Today's cut-off of a delivery method, as Ozon's delivery list reports it."""
    from resources.ozon import OzonClient

    with OzonClient(
        stack.server.url, stack.client_id, stack.api_key, time_scale=stack.time_factor
    ) as client:
        (method,) = client.carriages.delivery_list(delivery_method_id=delivery_method_id)
    assert method.cutoff is not None
    return method.cutoff


def advance_to(stack: LocalStack, moment: datetime) -> None:
    """Move the sandbox clock forward to ``moment`` (no move if it is there already)."""
    now = stack.server.admin.clock().now
    if now < moment:
        stack.server.admin.advance((moment - now).total_seconds())


def advance_into_act_window(
    stack: LocalStack, delivery_method_id: int, minutes_in: float = 5.0
) -> datetime:
    """Move the sandbox clock ``minutes_in`` into the method's act window; returns the cut-off."""
    cutoff = ozon_cutoff(stack, delivery_method_id)
    lead = timedelta(minutes=stack.settings.orders.act_lead_minutes)
    advance_to(stack, cutoff - lead + timedelta(minutes=minutes_in))
    return cutoff
