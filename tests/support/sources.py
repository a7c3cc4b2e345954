"""Helpers for the source-adapter tests: rows in the SAP export layout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

ASSORTMENT_HEADER = (
    "offer_id;barcode;name;brand;category_code;category_name;vat;weight_g;length_mm;width_mm;"
    "height_mm;base_price;ozon_enabled"
)
STOCK_HEADER = "offer_id;site;on_hand;allocated"

WriteFile = Callable[..., Path]


def product_line(
    offer_id: str = "NVX-1",
    barcode: str = "4600000000008",
    name: str = "Шампунь Herbaria для окрашенных волос 250 мл",
    vat: str = "20",
    weight: str = "270,5",
    price: str = "1 299,90",
    enabled: str = "да",
    sep: str = ";",
) -> str:
    """One assortment row in the usual `;` layout (only the fields tests vary are parameters)."""
    fields = [
        offer_id, barcode, name, "Herbaria", "CO-0101", "Шампуни", vat, weight,
        "60", "40", "180", price, enabled,
    ]  # fmt: skip
    return sep.join(fields)
