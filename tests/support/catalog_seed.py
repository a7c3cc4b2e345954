"""Helpers for the seeded catalog tests: Ozon method paths and leaf-pair look-up by name."""

from __future__ import annotations

from ozon_sandbox.catalog_seed import CatalogSeed, LeafPair

TREE = "/v1/description-category/tree"
ATTRIBUTE = "/v1/description-category/attribute"
VALUES = "/v1/description-category/attribute/values"
SEARCH = "/v1/description-category/attribute/values/search"


def pair_named(catalog: CatalogSeed, type_name: str) -> LeafPair:
    """The leaf pair of the (Russian) type name, as a seller would look it up."""
    for pair in catalog.leaf_pairs(include_disabled=True):
        if catalog.leaf(*pair).type_name == type_name:
            return pair
    raise AssertionError(f"no type named {type_name!r} in the seeded tree")
