"""A store holding Ozon's catalog model for a few pairs, a mapping, SAP products and Art-Trade
content, prepared through the same plain functions the catalog assets call."""

from __future__ import annotations

from typing import Any

import polars as pl

from novex_assets.catalog.attributes import DictionaryPolicy, refresh_pair
from novex_assets.catalog.tree import diff_tree, flatten_tree
from resources.ozon import OzonClient
from resources.store.catalog_model import MAPPING_SCHEMA
from resources.store.store import Store
from resources.store.tables import utcnow

SHAMPOO = (17028968, 93284)
SHAMPOO_CODE = "HC-0101"
UNMAPPED_CODE = "HC-0999"


def load_model(client: OzonClient, store: Store, pairs: list[tuple[int, int]]) -> None:
    """Ozon's tree and the attributes and walked dictionaries of `pairs` into the store."""
    repo = store.catalog_model
    upserts, removed, changes = diff_tree(repo.categories(), flatten_tree(client.catalog.tree()))
    repo.save_tree(upserts, removed, changes, utcnow())
    for pair in pairs:
        refresh_pair(client, repo, pair, DictionaryPolicy(), utcnow(), force=True)


def set_mapping(store: Store, rows: list[tuple[str, tuple[int, int], str]]) -> None:
    """Mapping rows (category code, pair, status) replace the stored mapping."""
    frame = pl.DataFrame(
        [
            {
                "novex_category_code": code,
                "description_category_id": pair[0],
                "type_id": pair[1],
                "novex_category_name": code,
                "status": status,
                "score": 1.0 if status == "confirmed" else 0.5,
                "rank": 1,
                "reason": "test",
                "decided_by": "test" if status == "confirmed" else None,
                "decided_at": utcnow() if status == "confirmed" else None,
                "note": None,
            }
            for code, pair, status in rows
        ],
        schema=MAPPING_SCHEMA,
    )
    store.catalog_model.replace_mapping(frame, utcnow())


def product(offer_id: str, **over: Any) -> dict[str, Any]:
    """One SAP assortment row of a plausible shampoo."""
    row: dict[str, Any] = {
        "offer_id": offer_id,
        "barcode": "4600000000008",
        "name": f"Шампунь SAP {offer_id}",
        "brand": "Nivea",
        "category_code": SHAMPOO_CODE,
        "category_name": "Шампуни",
        "vat": "0.2",
        "weight_g": 420.0,
        "length_mm": 60.0,
        "width_mm": 50.0,
        "height_mm": 200.0,
        "base_price": 300.0,
        "ozon_enabled": True,
    }
    row.update(over)
    return row


def set_products(store: Store, rows: list[dict[str, Any]]) -> None:
    """SAP products into the store, as `sources/sap_assortment` would write them."""
    store.inventory.upsert_products(pl.DataFrame(rows))


def content(
    offer_id: str, *, name: str | None = None, images: list[str] | None = None
) -> dict[str, Any]:
    """One Art-Trade content row."""
    return {
        "offer_id": offer_id,
        "name": name or f"Шампунь Nivea {offer_id} 250 мл",
        "description": "Мягкий шампунь для ежедневного ухода.",
        "image_urls": [f"https://img.novex.ru/{offer_id}/1.jpg"] if images is None else images,
        "file": "content.csv",
        "line": 2,
    }


def set_arttrade(
    store: Store, contents: list[dict[str, Any]], characteristics: list[tuple[str, str, str]]
) -> None:
    """Art-Trade's export into the store, as `sources/arttrade_content` would write it."""
    store.catalog_model.replace_arttrade(
        pl.DataFrame(contents, schema_overrides={"image_urls": pl.List(pl.String)}),
        pl.DataFrame(
            [
                (o, n, v, "characteristics.csv", i + 2)
                for i, (o, n, v) in enumerate(characteristics)
            ],
            schema=["offer_id", "attribute_name", "value", "file", "line"],
            orient="row",
        ),
        utcnow(),
    )


def shampoo_characteristics(
    offer_id: str, hair: str = "для всех типов"
) -> list[tuple[str, str, str]]:
    """The two required shampoo characteristics Art-Trade holds."""
    return [(offer_id, "Объём", "250 мл"), (offer_id, "Тип волос", hair)]
