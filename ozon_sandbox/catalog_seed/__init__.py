"""Ozon's description-category catalog for a drugstore, seeded for the sandbox.

A realistic slice of Ozon's tree (beauty, perfumery, hygiene, household chemicals and goods),
each type's characteristics with Ozon's well-known attribute ids, and their dictionaries — the
Brand one long enough to need paging. `load_catalog()` serves them in Ozon's reply shapes and
validates product characteristics as Ozon's import does.
"""

from __future__ import annotations

from ozon_sandbox.catalog_seed.catalog import (
    MAX_SEARCH_LIMIT,
    MAX_VALUES_LIMIT,
    MIN_SEARCH_LENGTH,
    CatalogSeed,
    build_catalog,
    load_catalog,
)
from ozon_sandbox.catalog_seed.errors import (
    DESCRIPTION_CATEGORY_HAS_NO_DESCRIPTION_TYPE,
    DESCRIPTION_CATEGORY_INVALID,
    EMPTY_REQUIRED,
    ERROR_ATTRIBUTE_VALUES_EMPTY,
    ERROR_ATTRIBUTE_VALUES_OUT_OF_RANGE,
    CatalogSeedError,
    InvalidCatalogRequestError,
    SeedDataError,
    UnknownAttributeError,
    UnknownCategoryError,
)
from ozon_sandbox.catalog_seed.models import (
    LANGUAGES,
    Attribute,
    CategoryNode,
    Language,
    Leaf,
    LeafPair,
    ProductAttribute,
    ProductAttributeValue,
    TypeNode,
    Value,
)
from ozon_sandbox.catalog_seed.source import SeedSources, read_sources

# Well-known Ozon attribute ids other parts of the sandbox refer to by name.
BRAND_ATTRIBUTE_ID = 85
TYPE_ATTRIBUTE_ID = 8229
MODEL_NAME_ATTRIBUTE_ID = 9048

__all__ = [
    "BRAND_ATTRIBUTE_ID",
    "DESCRIPTION_CATEGORY_HAS_NO_DESCRIPTION_TYPE",
    "DESCRIPTION_CATEGORY_INVALID",
    "EMPTY_REQUIRED",
    "ERROR_ATTRIBUTE_VALUES_EMPTY",
    "ERROR_ATTRIBUTE_VALUES_OUT_OF_RANGE",
    "LANGUAGES",
    "MAX_SEARCH_LIMIT",
    "MAX_VALUES_LIMIT",
    "MIN_SEARCH_LENGTH",
    "MODEL_NAME_ATTRIBUTE_ID",
    "TYPE_ATTRIBUTE_ID",
    "Attribute",
    "CatalogSeed",
    "CatalogSeedError",
    "CategoryNode",
    "InvalidCatalogRequestError",
    "Language",
    "Leaf",
    "LeafPair",
    "ProductAttribute",
    "ProductAttributeValue",
    "SeedDataError",
    "SeedSources",
    "TypeNode",
    "UnknownAttributeError",
    "UnknownCategoryError",
    "Value",
    "build_catalog",
    "load_catalog",
    "read_sources",
]
