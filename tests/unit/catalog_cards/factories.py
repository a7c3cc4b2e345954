"""Small, readable inputs for the card merge and the checks: one shampoo pair, three products."""

from __future__ import annotations

from typing import Any

import polars as pl

from novex_assets.catalog.cards import (
    ATTRIBUTE_MODEL_COLUMNS,
    CHARACTERISTIC_COLUMNS,
    CONTENT_COLUMNS,
    MAPPING_COLUMNS,
    OZON_CARD_COLUMNS,
    OZON_VALUE_COLUMNS,
    PRICE_COLUMNS,
    SAP_COLUMNS,
    CardInputs,
)
from novex_assets.catalog.dictionary_match import DICTIONARY_SCHEMA

SHAMPOO = (17028968, 93284)
CATEGORY = "HC-0101"


def frame(rows: list[dict[str, Any]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Rows (missing keys = null) as a frame of exactly `schema`."""
    return pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema)


def sap_row(offer_id: str, **over: Any) -> dict[str, Any]:
    row = {
        "offer_id": offer_id,
        "barcode": "4600000000008",
        "name": f"Шампунь SAP {offer_id}",
        "brand": "Nivea",
        "category_code": CATEGORY,
        "category_name": "Шампуни",
        "vat": "0.2",
        "weight_g": 420.0,
        "length_mm": 60.0,
        "width_mm": 50.0,
        "height_mm": 200.0,
        "ozon_enabled": True,
    }
    row.update(over)
    return row


ATTRIBUTES = [
    # attribute_id, name, required, collection, max, dictionary_id, mode
    (85, "Бренд", True, False, 1, 28732849, "search", "String"),
    (8229, "Тип", True, False, 1, 1960, "walked", "String"),
    (
        9048,
        "Название модели (для объединения в одну карточку)",
        True,
        False,
        1,
        0,
        "none",
        "String",
    ),
    (4191, "Аннотация", False, False, 1, 0, "none", "multiline"),
    (22232, "Объем, мл", True, False, 1, 0, "none", "Decimal"),
    (22236, "Тип волос", True, True, 10, 1712, "walked", "String"),
    (10096, "Цвет товара", False, True, 5, 1495, "walked", "String"),
    (4389, "Страна-изготовитель", False, True, 5, 1935, "walked", "String"),
]
DICTIONARY = [
    (8229, 970000001, "Шампунь"),
    (22236, 970584101, "для всех типов"),
    (22236, 970584103, "сухие"),
    (22236, 970584104, "жирные"),
    (10096, 61574, "белый"),
    (10096, 61576, "черный"),
    (4389, 90295, "Россия"),
]


def attribute_model(pair: tuple[int, int] = SHAMPOO) -> pl.DataFrame:
    return pl.DataFrame(
        [(*pair, *a) for a in ATTRIBUTES], schema=ATTRIBUTE_MODEL_COLUMNS, orient="row"
    )


def dictionary(pair: tuple[int, int] = SHAMPOO) -> pl.DataFrame:
    return pl.DataFrame(
        [(*pair, a, v, text) for a, v, text in DICTIONARY], schema=DICTIONARY_SCHEMA, orient="row"
    )


def inputs(
    *,
    sap: list[dict[str, Any]] | None = None,
    content: list[dict[str, Any]] | None = None,
    characteristics: list[tuple[str, str, str]] | None = None,
    ozon_cards: list[dict[str, Any]] | None = None,
    ozon_values: list[tuple[str, int, int, str]] | None = None,
    mapping: list[tuple[str, int, int, str]] | None = None,
) -> CardInputs:
    """A complete input set; defaults give two clean products A1, A2."""
    sap = sap if sap is not None else [sap_row("A1"), sap_row("A2")]
    content = (
        content
        if content is not None
        else [
            {
                "offer_id": o["offer_id"],
                "name": f"Шампунь Nivea {o['offer_id']} 250 мл",
                "description": "Мягкий шампунь для ежедневного ухода.",
                "image_urls": [f"https://img.novex.ru/{o['offer_id']}/1.jpg"],
            }
            for o in sap
        ]
    )
    characteristics = (
        characteristics
        if characteristics is not None
        else [
            (o["offer_id"], n, v)
            for o in sap
            for n, v in (("Объём", "250"), ("Тип волос", "Для всех типов"))
        ]
    )
    return CardInputs(
        sap=frame(sap, SAP_COLUMNS),
        prices=pl.DataFrame(
            [(o["offer_id"], 350.0, 410.0, 315.0) for o in sap], schema=PRICE_COLUMNS, orient="row"
        ),
        mapping=pl.DataFrame(
            mapping if mapping is not None else [(CATEGORY, *SHAMPOO, "Шампунь")],
            schema=MAPPING_COLUMNS,
            orient="row",
        ),
        content=frame(content, CONTENT_COLUMNS),
        characteristics=pl.DataFrame(characteristics, schema=CHARACTERISTIC_COLUMNS, orient="row"),
        ozon_cards=frame(ozon_cards or [], OZON_CARD_COLUMNS),
        ozon_values=pl.DataFrame(ozon_values or [], schema=OZON_VALUE_COLUMNS, orient="row"),
        attributes=attribute_model(),
        dictionary=dictionary(),
    )


def brand_resolver(known: dict[str, int]) -> Any:
    """A search resolver over a fixed brand list (the real one asks Ozon's search method)."""
    calls: list[str] = []

    def resolve(pair: tuple[int, int], attribute_id: int, text: str) -> int | None:
        calls.append(text)
        return known.get(text.lower())

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve
