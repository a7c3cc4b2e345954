"""``client.catalog``: Ozon's category tree, characteristics and their dictionaries.

A card is created on a (last-level category, type) pair; its characteristics come from
``attributes`` and dictionary characteristics take ids from ``attribute_values`` (walked over
every page) or ``search_attribute_values``.
"""

from __future__ import annotations

from resources.ozon import constants
from resources.ozon.models.catalog import (
    AttributesRequest,
    AttributesResponse,
    AttributeValuesRequest,
    AttributeValuesResponse,
    AttributeValuesSearchRequest,
    AttributeValuesSearchResponse,
    CategoryAttribute,
    CategoryNode,
    DictionaryValue,
    Language,
    TreeRequest,
    TreeResponse,
)
from resources.ozon.pagination import Paged, last_value_id_pages
from resources.ozon.service import Service


class CatalogService(Service):
    """Description-category reads."""

    def tree(self, language: Language = "DEFAULT") -> list[CategoryNode]:
        """The whole category tree; types are the leaves."""
        request = TreeRequest(language=language)
        return self._client._post(constants.CATEGORY_TREE, request, TreeResponse).result

    def attributes(
        self, description_category_id: int, type_id: int, language: Language = "DEFAULT"
    ) -> list[CategoryAttribute]:
        """Characteristics of a (category, type) pair, required ones flagged."""
        request = AttributesRequest(
            description_category_id=description_category_id, type_id=type_id, language=language
        )
        return self._client._post(constants.CATEGORY_ATTRIBUTES, request, AttributesResponse).result

    def attribute_values(
        self,
        attribute_id: int,
        description_category_id: int,
        type_id: int,
        language: Language = "DEFAULT",
        *,
        page_size: int = constants.ATTRIBUTE_VALUES_PAGE_MAX,
    ) -> Paged[AttributeValuesResponse, DictionaryValue]:
        """Every value of a dictionary, fetched lazily page by page (≤ 2000 per page)."""

        def fetch(last_value_id: int) -> AttributeValuesResponse:
            request = AttributeValuesRequest(
                attribute_id=attribute_id,
                description_category_id=description_category_id,
                type_id=type_id,
                language=language,
                last_value_id=last_value_id,
                limit=page_size,
            )
            return self._client._post(
                constants.CATEGORY_ATTRIBUTE_VALUES, request, AttributeValuesResponse
            )

        return last_value_id_pages(fetch, lambda page: page.result, lambda value: value.id)

    def search_attribute_values(
        self,
        attribute_id: int,
        description_category_id: int,
        type_id: int,
        value: str,
        *,
        limit: int = constants.ATTRIBUTE_SEARCH_MAX,
    ) -> list[DictionaryValue]:
        """Dictionary values containing ``value`` (≥ 2 characters), best matches first."""
        request = AttributeValuesSearchRequest(
            attribute_id=attribute_id,
            description_category_id=description_category_id,
            type_id=type_id,
            value=value,
            limit=limit,
        )
        return self._client._post(
            constants.CATEGORY_ATTRIBUTE_VALUES_SEARCH, request, AttributeValuesSearchResponse
        ).result
