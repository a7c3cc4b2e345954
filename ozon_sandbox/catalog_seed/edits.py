"""Changes Ozon makes to its catalog over time, applied on top of the seed for one account.

Ozon renames, retires and adds types, makes attributes required and withdraws dictionary
values without notice; an integration has to notice. The category model is the same for every
seller, so the admin surface (`POST /sandbox/accounts/{client_id}/catalog/edits`, any account)
records such edits once per sandbox, and every account's catalog methods answer from the seed
with the edits applied, in Ozon's reply shapes as before.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ozon_sandbox.catalog_seed.catalog import CatalogSeed, build_catalog
from ozon_sandbox.catalog_seed.errors import InvalidCatalogRequestError, SeedDataError
from ozon_sandbox.catalog_seed.source import SeedSources, read_sources

EditOp = Literal[
    "rename_type",
    "rename_category",
    "disable_type",
    "enable_type",
    "add_type",
    "remove_type",
    "set_required",
    "withdraw_value",
    "add_value",
]


class CatalogEdit(BaseModel):
    """One change to the catalog; which fields matter depends on `op`.

    - `rename_type` / `disable_type` / `enable_type` / `remove_type`: `type_id` (+ `name`).
    - `rename_category`: `description_category_id`, `name`.
    - `add_type`: `description_category_id`, `type_id`, `name`, `like_type_id` (attributes and
      dictionary values are those of that type).
    - `set_required`: `type_id`, `attribute_id`, `required` (adds the attribute if absent).
    - `withdraw_value` / `add_value`: `attribute_id`, `value_id` (+ `value`), optionally
      `type_id` for a category-dependent dictionary.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    op: EditOp
    type_id: int | None = Field(default=None, gt=0)
    description_category_id: int | None = Field(default=None, gt=0)
    name: str | None = None
    like_type_id: int | None = Field(default=None, gt=0)
    attribute_id: int | None = Field(default=None, gt=0)
    required: bool = True
    value_id: int | None = Field(default=None, gt=0)
    value: str | None = None


class CatalogEdits(BaseModel):
    """Ozon's edits, in the order they were made (a sandbox-wide domain)."""

    edits: list[CatalogEdit] = Field(default_factory=list)


class EditList(BaseModel):
    """Body of the admin call: edits to append."""

    edits: list[CatalogEdit] = Field(min_length=1)


def _need(edit: CatalogEdit, *fields: str) -> None:
    missing = [f for f in fields if getattr(edit, f) is None]
    if missing:
        raise InvalidCatalogRequestError(f"{edit.op} needs {', '.join(missing)}")


def _categories(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = [node]
    for child in node.get("children", []):
        found += _categories(child)
    return found


def _apply(data: dict[str, Any], edit: CatalogEdit) -> None:
    categories = [c for root in data["tree"]["roots"] for c in _categories(root)]
    types = {t["id"]: (t, c) for c in categories for t in c.get("types", [])}
    keys = {t["id"]: t["key"] for t, _ in types.values()}
    attrs = data["attributes"]
    dictionaries = data["dictionaries"]["dictionaries"]

    def type_of(type_id: int | None) -> tuple[dict[str, Any], dict[str, Any]]:
        if type_id not in types:
            raise InvalidCatalogRequestError(f"{edit.op}: no type {type_id} in the catalog")
        return types[type_id]

    if edit.op in ("rename_type", "disable_type", "enable_type", "remove_type"):
        _need(edit, "type_id")
        node, parent = type_of(edit.type_id)
        if edit.op == "rename_type":
            _need(edit, "name")
            node["ru"] = node["en"] = edit.name
        elif edit.op == "remove_type":
            if len(parent["types"]) == 1:
                raise InvalidCatalogRequestError("remove_type: a category keeps one type at least")
            parent["types"] = [t for t in parent["types"] if t["id"] != edit.type_id]
            attrs["types"].pop(node["key"], None)
            for dictionary in dictionaries.values():
                for group in dictionary.get("by_type", []):
                    group["types"] = [k for k in group["types"] if k != node["key"]]
                dictionary["by_type"] = [g for g in dictionary.get("by_type", []) if g["types"]]
        else:
            node["disabled"] = edit.op == "disable_type"
    elif edit.op == "rename_category":
        _need(edit, "description_category_id", "name")
        match = [c for c in categories if c["id"] == edit.description_category_id]
        if not match:
            raise InvalidCatalogRequestError(f"no category {edit.description_category_id}")
        match[0]["name"] = {"ru": edit.name, "en": edit.name}
    elif edit.op == "add_type":
        _need(edit, "description_category_id", "type_id", "name", "like_type_id")
        like, _ = type_of(edit.like_type_id)
        parents = [c for c in categories if c["id"] == edit.description_category_id]
        parent = parents[0] if parents else {}
        if not parent.get("types"):
            raise InvalidCatalogRequestError("add_type: not a last-level category")
        if edit.type_id in types:
            raise InvalidCatalogRequestError(f"add_type: type {edit.type_id} exists already")
        key = f"added_{edit.type_id}"
        parent["types"].append({"key": key, "id": edit.type_id, "ru": edit.name, "en": edit.name})
        attrs["types"][key] = list(attrs["types"].get(like["key"], []))
        for dictionary in dictionaries.values():
            for group in dictionary.get("by_type", []):
                if like["key"] in group["types"]:
                    group["types"].append(key)
    elif edit.op == "set_required":
        _need(edit, "type_id", "attribute_id")
        node, _ = type_of(edit.type_id)
        entries = attrs["types"].setdefault(node["key"], [])
        for entry in entries:
            if entry["id"] == edit.attribute_id:
                entry["required"] = edit.required
                break
        else:
            entries.append({"id": edit.attribute_id, "required": edit.required, "aspect": None})
    else:  # withdraw_value / add_value
        _need(edit, "attribute_id", "value_id")
        attribute = next((a for a in attrs["attributes"] if a["id"] == edit.attribute_id), None)
        if attribute is None or not attribute.get("dictionary"):
            raise InvalidCatalogRequestError(f"attribute {edit.attribute_id} has no dictionary")
        dictionary = dictionaries[attribute["dictionary"]]
        type_key = keys.get(edit.type_id) if edit.type_id else None
        groups = [
            g for g in dictionary.get("by_type", []) if type_key is None or type_key in g["types"]
        ]
        lists = (
            [dictionary["values"]] if dictionary.get("values") else [g["values"] for g in groups]
        )
        if edit.op == "withdraw_value":
            hit = False
            for values in lists:
                kept = [v for v in values if v["id"] != edit.value_id]
                hit = hit or len(kept) != len(values)
                values[:] = kept
            if not hit:
                raise InvalidCatalogRequestError(
                    f"withdraw_value: no listed value {edit.value_id} in {attribute['dictionary']}"
                )
        else:
            _need(edit, "value")
            if not lists:
                raise InvalidCatalogRequestError("add_value: no dictionary list for that type")
            lists[0].append({"id": edit.value_id, "ru": edit.value, "en": edit.value})


def edited_sources(edits: list[CatalogEdit]) -> SeedSources:
    """The shipped seed with `edits` applied in order (validated like the shipped files)."""
    data = read_sources().model_dump()
    for edit in edits:
        _apply(data, edit)
    try:
        return SeedSources.model_validate(data)
    except ValueError as exc:
        raise InvalidCatalogRequestError(f"the edits leave an invalid catalog: {exc}") from exc


@lru_cache(maxsize=32)
def _edited_catalog(edits_json: str, language: str) -> CatalogSeed:
    edits = [CatalogEdit.model_validate(e) for e in json.loads(edits_json)]
    try:
        return build_catalog(edited_sources(edits), language)
    except SeedDataError as exc:
        raise InvalidCatalogRequestError(f"the edits leave an invalid catalog: {exc}") from exc


def edited_catalog(edits: list[CatalogEdit], language: str) -> CatalogSeed:
    """The catalog with `edits` applied, built once per distinct list of edits and language."""
    payload = json.dumps([e.model_dump() for e in edits], sort_keys=True)
    return _edited_catalog(payload, language)
