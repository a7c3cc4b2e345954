"""The seeded catalog: Ozon's tree, attributes and dictionaries for one reply language.

`load_catalog()` turns the shipped seed files into reply-shaped models once per language and
answers the four description-category methods from in-memory indexes, with Ozon's rules: values
sorted by id and paged after `last_value_id`, search by substring of at least two characters.
It also checks product characteristics the way Ozon's product import does, so the sandbox can
reject a card for the same reasons (`EMPTY_REQUIRED`, `error_attribute_values_out_of_range`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from ozon_sandbox.catalog_seed.brands import generated_brands
from ozon_sandbox.catalog_seed.errors import (
    DESCRIPTION_CATEGORY_HAS_NO_DESCRIPTION_TYPE,
    DESCRIPTION_CATEGORY_INVALID,
    ERROR_ATTRIBUTE_VALUES_EMPTY,
    ERROR_ATTRIBUTE_VALUES_OUT_OF_RANGE,
    InvalidCatalogRequestError,
    SeedDataError,
    UnknownAttributeError,
    UnknownCategoryError,
)
from ozon_sandbox.catalog_seed.models import (
    LANGUAGES,
    Attribute,
    CategoryNode,
    Leaf,
    LeafPair,
    ProductAttribute,
    ProductAttributeValue,
    TypeNode,
    Value,
)
from ozon_sandbox.catalog_seed.source import (
    ATTRIBUTES_FILE,
    DICTIONARIES_FILE,
    TREE_FILE,
    AttributeSource,
    CategorySource,
    DictionarySource,
    SeedSources,
    TypeAttributeSource,
    ValueSource,
    read_sources,
)

# Ozon's limits for /attribute/values and /attribute/values/search.
MAX_VALUES_LIMIT = 2000
MAX_SEARCH_LIMIT = 100
MIN_SEARCH_LENGTH = 2

Locale = Literal["ru", "en"]

# Only Russian and English names are seeded; Ozon's other reply languages get the English ones.
_LOCALE_OF_LANGUAGE: dict[str, Locale] = {
    "DEFAULT": "ru",
    "RU": "ru",
    "EN": "en",
    "TR": "en",
    "ZH_HANS": "en",
}

_INTEGER = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class _Dictionary:
    """The values one (attribute, type) pair offers, indexed for paging, lookup and matching."""

    values: tuple[Value, ...]
    ids: tuple[int, ...]
    by_id: Mapping[int, Value]
    by_text: Mapping[str, Value]

    @classmethod
    def of(cls, values: Iterable[Value]) -> _Dictionary:
        ordered = tuple(sorted(values, key=lambda v: v.id))
        return cls(
            values=ordered,
            ids=tuple(v.id for v in ordered),
            by_id={v.id: v for v in ordered},
            by_text={v.value.casefold(): v for v in ordered},
        )


@dataclass(frozen=True)
class _LeafEntry:
    leaf: Leaf
    attributes: tuple[Attribute, ...]
    attributes_by_id: Mapping[int, Attribute]
    dictionaries: Mapping[int, _Dictionary]


class CatalogSeed:
    """The seeded catalog in one reply language; immutable and safe to share between requests."""

    def __init__(
        self,
        language: str,
        tree: list[CategoryNode],
        leaves: Mapping[LeafPair, _LeafEntry],
        parent_category_ids: frozenset[int],
    ) -> None:
        self.language = language
        self.tree = tree
        self._leaves = leaves
        self._parent_category_ids = parent_category_ids
        self._last_level_ids = frozenset(p.description_category_id for p in leaves)

    def __repr__(self) -> str:
        return f"CatalogSeed(language={self.language!r}, leaves={len(self._leaves)})"

    def leaf_pairs(self, include_disabled: bool = False) -> list[LeafPair]:
        """The (category, type) pairs products can be created on, in tree order.

        Args:
            include_disabled: also list types Ozon retired (they still appear in the tree).
        """
        return [p for p, e in self._leaves.items() if include_disabled or not e.leaf.disabled]

    def leaf(self, description_category_id: int, type_id: int) -> Leaf:
        """The names and state of a pair; UnknownCategoryError if it is not a leaf pair."""
        return self._entry(description_category_id, type_id).leaf

    def attributes(self, description_category_id: int, type_id: int) -> list[Attribute]:
        """The pair's characteristics, as `/v1/description-category/attribute` lists them."""
        return list(self._entry(description_category_id, type_id).attributes)

    def attribute(self, description_category_id: int, type_id: int, attribute_id: int) -> Attribute:
        """One characteristic of the pair; UnknownAttributeError if the pair has no such one."""
        entry = self._entry(description_category_id, type_id)
        try:
            return entry.attributes_by_id[attribute_id]
        except KeyError:
            raise UnknownAttributeError(
                f"attribute {attribute_id} is not a characteristic of description category "
                f"{description_category_id} type {type_id}"
            ) from None

    def required_attributes(self, description_category_id: int, type_id: int) -> list[Attribute]:
        """The characteristics a card of this pair cannot be created without."""
        return [a for a in self.attributes(description_category_id, type_id) if a.is_required]

    def values(
        self,
        attribute_id: int,
        description_category_id: int,
        type_id: int,
        last_value_id: int = 0,
        limit: int = MAX_VALUES_LIMIT,
    ) -> tuple[list[Value], bool]:
        """One page of an attribute's dictionary, as `/attribute/values` pages it.

        Values are sorted by id; the page starts after `last_value_id` (0 for the first page),
        and `has_next` says whether values remain after it. A free attribute has no values.

        Returns:
            The page and `has_next`.
        """
        if not 1 <= limit <= MAX_VALUES_LIMIT:
            raise InvalidCatalogRequestError(
                f"limit must be between 1 and {MAX_VALUES_LIMIT}, got {limit}"
            )
        if last_value_id < 0:
            raise InvalidCatalogRequestError(f"last_value_id must not be negative: {last_value_id}")
        dictionary = self._dictionary(description_category_id, type_id, attribute_id)
        if dictionary is None:
            return [], False
        start = bisect.bisect_right(dictionary.ids, last_value_id)
        page = dictionary.values[start : start + limit]
        return list(page), start + limit < len(dictionary.values)

    def search_values(
        self,
        attribute_id: int,
        description_category_id: int,
        type_id: int,
        value: str,
        limit: int = MAX_SEARCH_LIMIT,
    ) -> list[Value]:
        """Dictionary values containing `value`, case-insensitively, as `/values/search`.

        Exact matches come first, then values starting with the text, then the rest, each by
        id, so a seller typing a full brand name sees that brand at the top.
        """
        if not 1 <= limit <= MAX_SEARCH_LIMIT:
            raise InvalidCatalogRequestError(
                f"limit must be between 1 and {MAX_SEARCH_LIMIT}, got {limit}"
            )
        needle = value.strip().casefold()
        if len(needle) < MIN_SEARCH_LENGTH:
            raise InvalidCatalogRequestError(
                f"value must have at least {MIN_SEARCH_LENGTH} characters"
            )
        dictionary = self._dictionary(description_category_id, type_id, attribute_id)
        if dictionary is None:
            return []
        ranked: list[tuple[int, int, Value]] = []
        for v in dictionary.values:
            text = v.value.casefold()
            if needle in text:
                rank = 0 if text == needle else 1 if text.startswith(needle) else 2
                ranked.append((rank, v.id, v))
        ranked.sort(key=lambda r: (r[0], r[1]))
        return [v for _, _, v in ranked[:limit]]

    def check_attribute_value(
        self,
        description_category_id: int,
        type_id: int,
        attribute_id: int,
        value: str | None = None,
        dictionary_value_id: int = 0,
    ) -> str | None:
        """Why Ozon's import would reject one value of a characteristic, or None if it is fine.

        A dictionary attribute takes a `dictionary_value_id` of its dictionary or, as Ozon also
        accepts, the exact text of one of its values; a free attribute takes text that fits its
        type (Integer, Decimal, Boolean, URL).

        Returns:
            An Ozon import error code (`description_category_invalid`,
            `description_category_has_no_description_type`, `error_attribute_values_empty`,
            `error_attribute_values_out_of_range`) or None.
        """
        try:
            attribute = self.attribute(description_category_id, type_id, attribute_id)
        except UnknownCategoryError as exc:
            return exc.import_code
        except UnknownAttributeError:
            return ERROR_ATTRIBUTE_VALUES_OUT_OF_RANGE
        item = ProductAttributeValue(dictionary_value_id=dictionary_value_id, value=value or "")
        return self._check_value(description_category_id, type_id, attribute, item)

    def check_attribute(
        self,
        description_category_id: int,
        type_id: int,
        attribute: ProductAttribute | Mapping[str, Any],
    ) -> str | None:
        """Why Ozon's import would reject a whole characteristic (all its values), or None.

        Besides each value, checks the count: one value for a single attribute, at most
        `max_value_count` for a collection.
        """
        item = ProductAttribute.model_validate(attribute)
        try:
            spec = self.attribute(description_category_id, type_id, item.id)
        except UnknownCategoryError as exc:
            return exc.import_code
        except UnknownAttributeError:
            return ERROR_ATTRIBUTE_VALUES_OUT_OF_RANGE
        if not item.values:
            return ERROR_ATTRIBUTE_VALUES_EMPTY
        allowed = (spec.max_value_count or len(item.values)) if spec.is_collection else 1
        if len(item.values) > allowed:
            return ERROR_ATTRIBUTE_VALUES_OUT_OF_RANGE
        for v in item.values:
            error = self._check_value(description_category_id, type_id, spec, v)
            if error is not None:
                return error
        return None

    def missing_required(
        self,
        description_category_id: int,
        type_id: int,
        attributes: Iterable[ProductAttribute | Mapping[str, Any]],
    ) -> list[int]:
        """Ids of required characteristics a card leaves out or blank (Ozon: `EMPTY_REQUIRED`).

        Raises:
            UnknownCategoryError: the pair is not a leaf pair, so nothing is known to require.
        """
        filled = {
            item.id
            for item in (ProductAttribute.model_validate(a) for a in attributes)
            if item.is_filled()
        }
        return [
            a.id
            for a in self.required_attributes(description_category_id, type_id)
            if a.id not in filled
        ]

    def _entry(self, description_category_id: int, type_id: int) -> _LeafEntry:
        entry = self._leaves.get(LeafPair(description_category_id, type_id))
        if entry is not None:
            return entry
        if description_category_id in self._last_level_ids:
            raise UnknownCategoryError(
                f"description category {description_category_id} has no type {type_id}",
                DESCRIPTION_CATEGORY_HAS_NO_DESCRIPTION_TYPE,
            )
        if description_category_id in self._parent_category_ids:
            raise UnknownCategoryError(
                f"description category {description_category_id} is not a last-level category",
                DESCRIPTION_CATEGORY_INVALID,
            )
        raise UnknownCategoryError(
            f"description category {description_category_id} not found",
            DESCRIPTION_CATEGORY_INVALID,
        )

    def _dictionary(
        self, description_category_id: int, type_id: int, attribute_id: int
    ) -> _Dictionary | None:
        self.attribute(description_category_id, type_id, attribute_id)  # raises if unknown
        return self._entry(description_category_id, type_id).dictionaries.get(attribute_id)

    def _check_value(
        self,
        description_category_id: int,
        type_id: int,
        attribute: Attribute,
        item: ProductAttributeValue,
    ) -> str | None:
        text = item.value.strip()
        if not item.dictionary_value_id and not text:
            return ERROR_ATTRIBUTE_VALUES_EMPTY
        dictionary = self._dictionary(description_category_id, type_id, attribute.id)
        if dictionary is not None:
            if item.dictionary_value_id:
                known = item.dictionary_value_id in dictionary.by_id
            else:
                known = text.casefold() in dictionary.by_text
            return None if known else ERROR_ATTRIBUTE_VALUES_OUT_OF_RANGE
        if item.dictionary_value_id:
            return ERROR_ATTRIBUTE_VALUES_OUT_OF_RANGE
        return None if _fits_type(attribute.type, text) else ERROR_ATTRIBUTE_VALUES_OUT_OF_RANGE


def _fits_type(attribute_type: str, text: str) -> bool:
    if attribute_type == "Integer":
        return _INTEGER.fullmatch(text) is not None
    if attribute_type == "Decimal":
        return _DECIMAL.fullmatch(text) is not None
    if attribute_type == "Boolean":
        return text.casefold() in {"true", "false"}
    if attribute_type == "URL":
        return text.startswith(("http://", "https://")) and len(text) > len("https://")
    return True


def load_catalog(language: str = "DEFAULT") -> CatalogSeed:
    """The seeded catalog with names in `language` (Ozon's enum: DEFAULT, RU, EN, TR, ZH_HANS).

    Built once per reply language and shared afterwards.

    Raises:
        InvalidCatalogRequestError: `language` is not one of Ozon's values.
    """
    if language not in LANGUAGES:
        raise InvalidCatalogRequestError(
            f"language must be one of {', '.join(LANGUAGES)}, got {language!r}"
        )
    return _build(language)


@lru_cache(maxsize=len(LANGUAGES))
def _build(language: str) -> CatalogSeed:
    return build_catalog(read_sources(), language)


def build_catalog(sources: SeedSources, language: str = "DEFAULT") -> CatalogSeed:
    """Build a catalog from already read seed files, checking that they agree with each other.

    `load_catalog()` is the usual entry; this one exists to build from edited sources.

    Raises:
        SeedDataError: a reference between the files is broken (names the file and field).
    """
    if language not in LANGUAGES:
        raise InvalidCatalogRequestError(f"language must be one of {', '.join(LANGUAGES)}")
    return _Builder(sources, language).build()


class _Builder:
    """Turns the validated seed files into a CatalogSeed, checking they agree with each other."""

    def __init__(self, sources: SeedSources, language: str) -> None:
        self.sources = sources
        self.language = language
        self.locale: Locale = _LOCALE_OF_LANGUAGE[language]
        self.leaves: dict[LeafPair, _LeafEntry] = {}
        self.parent_ids: set[int] = set()
        self.category_ids: set[int] = set()
        self.type_keys: dict[str, tuple[int, int]] = {}
        self.attribute_sources = self._attribute_sources()
        self.dictionaries = sources.dictionaries.dictionaries
        self._check_dictionaries()
        self.shared_values: dict[str, _Dictionary] = {}

    def build(self) -> CatalogSeed:
        tree = [self._category(c) for c in self.sources.tree.roots]
        unknown = sorted(set(self.sources.attributes.types) - set(self.type_keys))
        if unknown:
            raise SeedDataError(f"{ATTRIBUTES_FILE}: types: unknown type keys {unknown}")
        for key, dictionary in self.dictionaries.items():
            for i, group in enumerate(dictionary.by_type):
                stray = sorted(set(group.types) - set(self.type_keys))
                if stray:
                    raise SeedDataError(
                        f"{DICTIONARIES_FILE}: {key}.by_type.{i}.types: unknown type keys {stray}"
                    )
        return CatalogSeed(self.language, tree, self.leaves, frozenset(self.parent_ids))

    def _name(self, ru: str, en: str | None) -> str:
        return en if self.locale == "en" and en else ru

    def _category(self, source: CategorySource) -> CategoryNode:
        if source.id in self.category_ids:
            raise SeedDataError(f"{TREE_FILE}: category id {source.id} appears twice")
        self.category_ids.add(source.id)
        name = self._name(source.name.ru, source.name.en)
        if source.children:
            self.parent_ids.add(source.id)
            children: list[CategoryNode | TypeNode] = [self._category(c) for c in source.children]
        else:
            children = []
            for t in source.types:
                if t.key in self.type_keys:
                    raise SeedDataError(f"{TREE_FILE}: type key {t.key!r} appears twice")
                self.type_keys[t.key] = (source.id, t.id)
                type_name = self._name(t.ru, t.en)
                children.append(TypeNode(type_name=type_name, type_id=t.id, disabled=t.disabled))
                leaf = Leaf(
                    description_category_id=source.id,
                    category_name=name,
                    type_id=t.id,
                    type_name=type_name,
                    disabled=t.disabled,
                )
                self._add_leaf(leaf, t.key)
        return CategoryNode(
            description_category_id=source.id,
            category_name=name,
            disabled=source.disabled,
            children=children,
        )

    def _attribute_sources(self) -> dict[int, AttributeSource]:
        by_id: dict[int, AttributeSource] = {}
        groups = {g.id for g in self.sources.attributes.groups}
        for a in self.sources.attributes.attributes:
            if a.id in by_id:
                raise SeedDataError(f"{ATTRIBUTES_FILE}: attributes: id {a.id} appears twice")
            if a.group not in groups:
                raise SeedDataError(f"{ATTRIBUTES_FILE}: attribute {a.id}: unknown group {a.group}")
            by_id[a.id] = a
        return by_id

    def _check_dictionaries(self) -> None:
        for a in self.attribute_sources.values():
            if a.dictionary is not None and a.dictionary not in self.dictionaries:
                raise SeedDataError(
                    f"{ATTRIBUTES_FILE}: attribute {a.id}: unknown dictionary {a.dictionary!r}"
                )
        for key, d in self.dictionaries.items():
            groups = [d.values] if d.values else [g.values for g in d.by_type]
            for values in groups:
                ids = [v.id for v in values]
                if len(ids) != len(set(ids)):
                    raise SeedDataError(f"{DICTIONARIES_FILE}: {key}: a value id appears twice")

    def _add_leaf(self, leaf: Leaf, type_key: str) -> None:
        spec = self.sources.attributes
        entries = [
            *(TypeAttributeSource(id=attribute_id) for attribute_id in spec.common),
            *spec.types.get(type_key, []),
        ]
        attributes: list[Attribute] = []
        dictionaries: dict[int, _Dictionary] = {}
        seen: set[int] = set()
        for entry in entries:
            attribute_id = entry.id
            source = self.attribute_sources.get(attribute_id)
            where = f"{ATTRIBUTES_FILE}: types.{type_key}"
            if source is None:
                raise SeedDataError(f"{where}: unknown attribute {attribute_id}")
            if attribute_id in seen:
                raise SeedDataError(f"{where}: attribute {attribute_id} listed twice")
            seen.add(attribute_id)
            required = source.required if entry.required is None else entry.required
            aspect = source.aspect if entry.aspect is None else entry.aspect
            dictionary = self.dictionaries.get(source.dictionary) if source.dictionary else None
            attributes.append(self._attribute(source, required, aspect, dictionary))
            if dictionary is not None and source.dictionary is not None:
                dictionaries[attribute_id] = self._values(
                    source.dictionary, dictionary, leaf, type_key
                )
        self.leaves[LeafPair(leaf.description_category_id, leaf.type_id)] = _LeafEntry(
            leaf=leaf,
            attributes=tuple(attributes),
            attributes_by_id={a.id: a for a in attributes},
            dictionaries=dictionaries,
        )

    def _attribute(
        self,
        source: AttributeSource,
        required: bool,
        aspect: bool,
        dictionary: DictionarySource | None,
    ) -> Attribute:
        group = next(g for g in self.sources.attributes.groups if g.id == source.group)
        return Attribute(
            id=source.id,
            attribute_complex_id=source.complex.id if source.complex else 0,
            name=self._name(source.ru, source.en),
            description=self._name(source.description_ru, source.description_en),
            type=source.type,
            is_collection=source.collection,
            is_required=required,
            is_aspect=aspect,
            max_value_count=source.max_value_count,
            group_name=self._name(group.ru, group.en),
            group_id=group.id,
            dictionary_id=dictionary.id if dictionary else 0,
            category_dependent=dictionary.category_dependent if dictionary else False,
            complex_is_collection=source.complex.collection if source.complex else False,
        )

    def _values(
        self, key: str, dictionary: DictionarySource, leaf: Leaf, type_key: str
    ) -> _Dictionary:
        if dictionary.source == "type":
            return _Dictionary.of([Value(id=leaf.type_id, value=leaf.type_name)])
        if dictionary.values:
            # Shared dictionaries are built once and the same index serves every type.
            if key not in self.shared_values:
                sources = list(dictionary.values)
                if dictionary.generated == "brands":
                    sources += generated_brands(v.ru for v in sources)
                self.shared_values[key] = _Dictionary.of(self._value(v) for v in sources)
            return self.shared_values[key]
        groups = [g for g in dictionary.by_type if type_key in g.types]
        if len(groups) != 1:
            raise SeedDataError(
                f"{DICTIONARIES_FILE}: {key}.by_type: type {type_key!r} must be in exactly one "
                f"group, found in {len(groups)}"
            )
        return _Dictionary.of(self._value(v) for v in groups[0].values)

    def _value(self, source: ValueSource) -> Value:
        return Value(
            id=source.id,
            value=self._name(source.ru, source.en),
            info=source.info,
            picture=source.picture,
        )
