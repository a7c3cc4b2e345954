"""The shipped seed files (tree.yaml, attributes.yaml, dictionaries.yaml) and their schema.

The files hold names in both languages and small keys instead of Ozon's reply shapes, so they
stay readable and editable; catalog.py turns them into reply-shaped models. Every file is
validated strictly, and a mistake is reported with the file and the field it sits in.
"""

from __future__ import annotations

from importlib import resources
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ozon_sandbox.catalog_seed.errors import SeedDataError
from ozon_sandbox.catalog_seed.models import AttributeType

TREE_FILE = "tree.yaml"
ATTRIBUTES_FILE = "attributes.yaml"
DICTIONARIES_FILE = "dictionaries.yaml"

_M = TypeVar("_M", bound=BaseModel)


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Names(_Strict):
    """A name in Russian (Ozon's DEFAULT) and English."""

    ru: str
    en: str


class TypeSource(_Strict):
    """A product type under a last-level category."""

    key: str
    id: int = Field(gt=0)
    ru: str
    en: str
    disabled: bool = False


class CategorySource(_Strict):
    """A category: either with subcategories (`children`) or with types (`types`)."""

    id: int = Field(gt=0)
    name: Names
    disabled: bool = False
    children: list[CategorySource] = Field(default_factory=list)
    types: list[TypeSource] = Field(default_factory=list)

    @model_validator(mode="after")
    def _children_or_types(self) -> CategorySource:
        if bool(self.children) == bool(self.types):
            raise ValueError("a category needs either children or types, not both or neither")
        return self


class GroupSource(_Strict):
    """A characteristics group, shown by Ozon as a section of the card form."""

    id: int
    ru: str
    en: str


class ComplexSource(_Strict):
    """Membership in a complex attribute (e.g. Ozon.Video 100001)."""

    id: int = Field(gt=0)
    collection: bool = False


class AttributeSource(_Strict):
    """An attribute with defaults that each type may override."""

    id: int = Field(gt=0)
    ru: str
    en: str
    description_ru: str = ""
    description_en: str = ""
    type: AttributeType
    dictionary: str | None = None
    required: bool = False
    aspect: bool = False
    collection: bool = False
    max_value_count: int = Field(default=0, ge=0)
    group: int = 0
    complex: ComplexSource | None = None


class TypeAttributeSource(_Strict):
    """An attribute of one type, optionally overriding `required` / `aspect`."""

    id: int
    required: bool | None = None
    aspect: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_id(cls, data: Any) -> Any:
        return {"id": data} if isinstance(data, int) else data


class AttributesFile(_Strict):
    """attributes.yaml."""

    groups: list[GroupSource]
    attributes: list[AttributeSource]
    common: list[int]
    types: dict[str, list[TypeAttributeSource]]


class ValueSource(_Strict):
    """A dictionary value; written in the file as `[id, ru, en, info, picture]`."""

    id: int = Field(gt=0)
    ru: str
    en: str | None = None
    info: str = ""
    picture: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, data: Any) -> Any:
        if isinstance(data, list):
            if not 2 <= len(data) <= 5:
                raise ValueError("a value is [id, ru, en, info, picture] with 2 to 5 parts")
            keys = ("id", "ru", "en", "info", "picture")
            return {k: v for k, v in zip(keys, data, strict=False) if v is not None}
        return data


class TypeGroupValues(_Strict):
    """The values a category-dependent dictionary has for a group of types."""

    types: list[str] = Field(min_length=1)
    values: list[ValueSource] = Field(min_length=1)


class DictionarySource(_Strict):
    """One dictionary: shared values, values per type group, or Ozon's «Тип» values."""

    id: int = Field(gt=0)
    values: list[ValueSource] = Field(default_factory=list)
    by_type: list[TypeGroupValues] = Field(default_factory=list)
    source: Literal["type"] | None = None
    generated: Literal["brands"] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> DictionarySource:
        kinds = [bool(self.values), bool(self.by_type), self.source is not None]
        if sum(kinds) != 1:
            raise ValueError("a dictionary has exactly one of `values`, `by_type`, `source`")
        return self

    @property
    def category_dependent(self) -> bool:
        """Whether its values differ from type to type, as Ozon's flag of the same name."""
        return bool(self.by_type) or self.source == "type"


class DictionariesFile(_Strict):
    """dictionaries.yaml: dictionaries by key."""

    dictionaries: dict[str, DictionarySource]


class TreeFile(_Strict):
    """tree.yaml: the root categories."""

    roots: list[CategorySource] = Field(min_length=1)


class SeedSources(_Strict):
    """All three files, validated."""

    tree: TreeFile
    attributes: AttributesFile
    dictionaries: DictionariesFile


def _read_yaml(name: str) -> Any:
    text = resources.files("ozon_sandbox.catalog_seed").joinpath(name).read_text(encoding="utf-8")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SeedDataError(f"{name}: not valid YAML: {exc}") from exc


def _validate(model: type[_M], name: str, data: Any) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
            for err in exc.errors()
        )
        raise SeedDataError(f"{name}: {problems}") from exc


def read_sources() -> SeedSources:
    """Read and validate the three shipped seed files."""
    return SeedSources(
        tree=_validate(TreeFile, TREE_FILE, {"roots": _read_yaml(TREE_FILE)}),
        attributes=_validate(AttributesFile, ATTRIBUTES_FILE, _read_yaml(ATTRIBUTES_FILE)),
        dictionaries=_validate(
            DictionariesFile, DICTIONARIES_FILE, {"dictionaries": _read_yaml(DICTIONARIES_FILE)}
        ),
    )
