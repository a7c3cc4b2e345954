"""Building push payloads exactly as Ozon sends them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ozon_sandbox.push.rules import CHAT_TYPES, PING


def ozon_time(moment: datetime) -> str:
    """UTC RFC 3339 with ``Z``, milliseconds only when present (as in Ozon's examples)."""
    moment = moment.astimezone(UTC)
    spec = "milliseconds" if moment.microsecond else "seconds"
    return moment.isoformat(timespec=spec).replace("+00:00", "Z")


def ping_message(now: datetime) -> dict[str, Any]:
    """``TYPE_PING``: connection check and periodic liveness probe."""
    return {"message_type": PING, "time": ozon_time(now)}


@dataclass(frozen=True)
class StockChange:
    """One (product, warehouse) level after an accepted stock update."""

    product_id: int
    sku: int
    warehouse_id: int
    present: int
    reserved: int


def stocks_changed_message(changes: Iterable[StockChange], now: datetime) -> dict[str, Any] | None:
    """``TYPE_STOCKS_CHANGED`` for the given levels, one item per product; None when empty."""
    items: dict[int, dict[str, Any]] = {}
    for change in changes:
        item = items.setdefault(
            change.product_id,
            {
                "product_id": change.product_id,
                "sku": change.sku,
                "updated_at": ozon_time(now),
                "stocks": [],
            },
        )
        item["stocks"].append(
            {
                "warehouse_id": change.warehouse_id,
                "present": change.present,
                "reserved": change.reserved,
            }
        )
    if not items:
        return None
    return {"message_type": "TYPE_STOCKS_CHANGED", "items": list(items.values())}


def with_seller_id(message: dict[str, Any], client_id: str) -> dict[str, Any]:
    """The payload with ``seller_id`` where Ozon adds it (not on PING; a string on chat types)."""
    message_type = message.get("message_type")
    if message_type == PING or "seller_id" in message:
        return dict(message)
    seller_id: int | str = client_id if message_type in CHAT_TYPES else int(client_id)
    return {**message, "seller_id": seller_id}


def encode(message: dict[str, Any]) -> str:
    """The exact JSON text sent; frozen at intake so every retry carries the same bytes."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"), default=str)
