"""Gather what the card merge reads, from the store and from Ozon.

The store holds SAP, Art-Trade, Ozon's attribute model and the mapping; Ozon's read-back of
existing cards (`/v4/product/info/attributes`) includes what staff loaded through its template.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from novex_assets.catalog.cards import (
    OZON_CARD_COLUMNS,
    OZON_VALUE_COLUMNS,
    CardInputs,
)
from novex_assets.catalog.dictionary_match import PAIR, SearchResolver
from novex_assets.catalog.search import resolve_by_search
from novex_assets.inventory.prices import compute_prices
from novex_assets.settings import NovexSettings
from resources.ozon import OzonClient
from resources.ozon.models.product_import import ProductAttributes
from resources.store.store import Store

DIMENSION_TO_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4}
WEIGHT_TO_G = {"g": 1.0, "kg": 1000.0, "lb": 453.59237}


def confirmed_mapping(store: Store) -> pl.DataFrame:
    """Novex category -> confirmed Ozon pair with the pair's type name (for the "Тип" value)."""
    model = store.catalog_model
    mapping = model.confirmed_mapping()
    tree = model.categories().filter(pl.col("type_id") != 0).select(*PAIR, "type_name")
    return mapping.join(tree, on=PAIR, how="left").select(
        pl.col("novex_category_code").alias("category_code"), *PAIR, "type_name"
    )


def readback_frames(cards: list[ProductAttributes]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Ozon's cards as [offer_id, name, barcode, sizes in mm/g, images] and their values."""
    rows = []
    values = []
    for card in cards:
        mm = DIMENSION_TO_MM.get(card.dimension_unit, 0.0)
        g = WEIGHT_TO_G.get(card.weight_unit, 0.0)
        rows.append(
            (
                card.offer_id,
                card.name,
                card.barcode or (card.barcodes[0] if card.barcodes else None),
                card.weight * g or None,
                card.depth * mm or None,
                card.width * mm or None,
                card.height * mm or None,
                list(card.images),
            )
        )
        for attribute in card.attributes:
            for value in attribute.values:
                values.append(
                    (card.offer_id, int(attribute.id), int(value.dictionary_value_id), value.value)
                )
    return (
        pl.DataFrame(rows, schema=OZON_CARD_COLUMNS, orient="row"),
        pl.DataFrame(values, schema=OZON_VALUE_COLUMNS, orient="row"),
    )


def read_ozon_cards(client: OzonClient, offer_ids: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read back the cards Ozon holds for these offers (absent offers are simply missing)."""
    if not offer_ids:
        return readback_frames([])
    return readback_frames(list(client.products.info_attributes(offer_ids=offer_ids)))


def search_resolver(client: OzonClient, store: Store) -> SearchResolver:
    """Dictionaries too large to walk (brands), matched value by value through Ozon's search.

    `resolve_by_search` caches every answer in the store, misses included, so a run asks Ozon
    only about values it has not asked about before; a near miss is never taken.
    """

    def resolve(pair: tuple[int, int], attribute_id: int, text: str) -> int | None:
        match = resolve_by_search(client, store, pair, attribute_id, text)
        return match.value_id if match is not None else None

    return resolve


def gather_inputs(
    store: Store,
    client: OzonClient,
    settings: NovexSettings,
    *,
    log: Callable[[str], None] = lambda _: None,
) -> CardInputs:
    """Everything `merge_cards` needs, from the store and Ozon."""
    products = store.inventory.products()
    mapping = confirmed_mapping(store)
    enabled = products.filter(pl.col("ozon_enabled"))
    mapped_offers = enabled.join(mapping, on="category_code", how="semi")["offer_id"].to_list()
    ozon_cards, ozon_values = read_ozon_cards(client, mapped_offers)
    log(f"{len(mapped_offers)} mapped offers; Ozon holds {ozon_cards.height} of their cards")
    pairs = [(int(a), int(b)) for a, b in mapping.select(PAIR).unique().iter_rows()]
    model = store.catalog_model
    attributes = model.attributes().join(
        pl.DataFrame(pairs, schema={p: pl.Int64 for p in PAIR}, orient="row"), on=PAIR, how="semi"
    )
    prices, _ = compute_prices(products, settings)
    return CardInputs(
        sap=products,
        prices=prices,
        mapping=mapping,
        content=model.arttrade_content(),
        characteristics=model.arttrade_characteristics(),
        ozon_cards=ozon_cards,
        ozon_values=ozon_values,
        attributes=attributes,
        dictionary=model.all_dictionary_values(pairs),
    )
