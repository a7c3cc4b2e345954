"""The catalog objects exactly as Ozon's description-category methods return them.

Field names and order follow Ozon's replies (`/v1/description-category/tree`, `/attribute`,
`/attribute/values`), so `model_dump()` of these models is the reply body's item as is. The
product-attribute models mirror the `attributes[]` items of `/v3/product/import`, which the
validators check.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

# Ozon's `language` enum; DEFAULT means Russian.
Language = Literal["DEFAULT", "RU", "EN", "TR", "ZH_HANS"]
LANGUAGES: tuple[str, ...] = ("DEFAULT", "RU", "EN", "TR", "ZH_HANS")

# The characteristic types Ozon reports in `type`.
AttributeType = Literal["String", "multiline", "Integer", "Decimal", "Boolean", "URL"]


class _Frozen(BaseModel):
    # The seed is shared by every request of a sandbox; nothing may change it in place.
    model_config = ConfigDict(frozen=True, extra="forbid")


class TypeNode(_Frozen):
    """A leaf of the tree: a product type, created only together with its parent category."""

    type_name: str
    type_id: int
    disabled: bool = False
    children: list[TypeNode] = Field(default_factory=list)


class CategoryNode(_Frozen):
    """A description category; its children are subcategories or, at the last level, types."""

    description_category_id: int
    category_name: str
    disabled: bool = False
    children: list[CategoryNode | TypeNode] = Field(default_factory=list)


class Attribute(_Frozen):
    """One characteristic of a (category, type) pair, as `/v1/description-category/attribute`."""

    id: int
    attribute_complex_id: int = 0
    name: str
    description: str = ""
    type: AttributeType
    is_collection: bool = False
    is_required: bool = False
    is_aspect: bool = False
    max_value_count: int = 0
    group_name: str = ""
    group_id: int = 0
    dictionary_id: int = 0
    category_dependent: bool = False
    complex_is_collection: bool = False


class Value(_Frozen):
    """One dictionary value, as `/v1/description-category/attribute/values` returns it."""

    id: int
    value: str
    info: str = ""
    picture: str = ""


class LeafPair(NamedTuple):
    """The (category, type) pair a product is created on."""

    description_category_id: int
    type_id: int


class Leaf(_Frozen):
    """A leaf pair with the names a seller sees, for messages and product cards."""

    description_category_id: int
    category_name: str
    type_id: int
    type_name: str
    disabled: bool


class ProductAttributeValue(BaseModel):
    """One value of a product characteristic: a dictionary value id, a free value, or both."""

    model_config = ConfigDict(extra="ignore")

    dictionary_value_id: int = 0
    value: str = ""


class ProductAttribute(BaseModel):
    """A characteristic of a product card, as in the `attributes[]` of `/v3/product/import`."""

    model_config = ConfigDict(extra="ignore")

    id: int
    complex_id: int = 0
    values: list[ProductAttributeValue] = Field(default_factory=list)

    def is_filled(self) -> bool:
        """True when at least one value carries a dictionary id or non-blank text."""
        return any(v.dictionary_value_id or v.value.strip() for v in self.values)
