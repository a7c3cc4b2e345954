"""Models of the ``/v1/description-category`` methods: tree, characteristics, dictionaries."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from resources.ozon.models.common import OzonInt, OzonRequest, OzonResponse

Language = Literal["DEFAULT", "RU", "EN", "TR", "ZH_HANS"]
"""Reply language; ``DEFAULT`` is Russian."""


class TreeRequest(OzonRequest):
    """Body of the tree request."""

    language: Language = "DEFAULT"


class CategoryNode(OzonResponse):
    """A category (``description_category_id``) or, at the last level, a type (``type_id``).

    Products are created on a (last-level category, type) pair only.
    """

    description_category_id: OzonInt = 0
    category_name: str = ""
    type_id: OzonInt = 0
    type_name: str = ""
    disabled: bool = False
    children: list[CategoryNode] = Field(default_factory=list)

    @property
    def is_type(self) -> bool:
        """True for a type leaf."""
        return bool(self.type_id)


class TreeResponse(OzonResponse):
    """The whole tree."""

    result: list[CategoryNode] = Field(default_factory=list)


class AttributesRequest(OzonRequest):
    """Characteristics of one (category, type) pair."""

    description_category_id: int
    type_id: int
    language: Language = "DEFAULT"


class CategoryAttribute(OzonResponse):
    """One characteristic; ``dictionary_id`` 0 means a free value, otherwise a dictionary."""

    id: OzonInt
    name: str = ""
    description: str = ""
    type: str = ""
    is_required: bool = False
    is_collection: bool = False
    is_aspect: bool = False
    category_dependent: bool = False
    dictionary_id: OzonInt = 0
    group_id: OzonInt = 0
    group_name: str = ""
    attribute_complex_id: OzonInt = 0
    complex_is_collection: bool = False
    max_value_count: OzonInt = 0


class AttributesResponse(OzonResponse):
    """Characteristics of a pair."""

    result: list[CategoryAttribute] = Field(default_factory=list)


class AttributeValuesRequest(OzonRequest):
    """One dictionary page: values after ``last_value_id`` (0 first), ``limit`` 1–2000."""

    attribute_id: int
    description_category_id: int
    type_id: int
    language: Language = "DEFAULT"
    last_value_id: int = 0
    limit: int = Field(ge=1, le=2000)


class DictionaryValue(OzonResponse):
    """A dictionary value: pass its ``id`` as ``dictionary_value_id`` when importing."""

    id: OzonInt
    value: str = ""
    info: str = ""
    picture: str = ""


class AttributeValuesResponse(OzonResponse):
    """One dictionary page."""

    result: list[DictionaryValue] = Field(default_factory=list)
    has_next: bool = False


class AttributeValuesSearchRequest(OzonRequest):
    """Dictionary values containing ``value`` (≥ 2 characters), ``limit`` 1–100, no paging."""

    attribute_id: int
    description_category_id: int
    type_id: int
    value: str = Field(min_length=2)
    limit: int = Field(ge=1, le=100)


class AttributeValuesSearchResponse(OzonResponse):
    """Matching dictionary values."""

    result: list[DictionaryValue] = Field(default_factory=list)
