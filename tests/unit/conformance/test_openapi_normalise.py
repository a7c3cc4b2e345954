"""The normaliser turns Ozon's OpenAPI 3.0 schemas into JSON Schema a real validator accepts."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.support.openapi import (
    OzonSpec,
    SpecError,
    is_usable_pattern,
    iter_refs,
    normalise_schema,
    normalise_type,
)


def accepts(schema: dict[str, Any], value: Any) -> bool:
    normalised = normalise_schema(schema)
    Draft202012Validator.check_schema(normalised)
    return Draft202012Validator(normalised).is_valid(value)


@pytest.mark.parametrize(
    ("raw", "valid", "invalid"),
    [
        ("int", 7, "7"),
        ("bool", True, "true"),
        ("integer", 7, 7.5),
        ("double", 7.5, "7.5"),
    ],
)
def test_shorthand_types_are_mapped_and_enforced(raw: str, valid: Any, invalid: Any) -> None:
    assert accepts({"type": raw}, valid)
    assert not accepts({"type": raw}, invalid)


def test_array_of_strings_becomes_an_array_of_string_items() -> None:
    schema = {"type": "array of strings"}
    assert normalise_schema(schema) == {"type": "array", "items": {"type": "string"}}
    assert accepts(schema, ["4600000000001"])
    assert not accepts(schema, [4600000000001])
    assert not accepts(schema, "4600000000001")


@pytest.mark.parametrize("raw", ["timestamp", "enum", "BOX", "fbs", "file", None])
def test_prose_or_example_types_are_dropped_but_other_keywords_still_apply(raw: Any) -> None:
    schema = {"type": raw, "maxLength": 3, "description": "Тип."}
    assert "type" not in normalise_schema(schema)
    assert accepts(schema, "abc")
    assert accepts(schema, 42)
    assert not accepts(schema, "abcd")


def test_normalise_type_reports_implied_keywords() -> None:
    assert normalise_type("array of integers") == ("array", {"items": {"type": "integer"}})
    assert normalise_type("Профессиональный") == (None, {})


def test_nullable_allows_null_only_where_declared() -> None:
    nullable = {"type": "object", "nullable": True, "properties": {"amount": {"type": "string"}}}
    assert accepts(nullable, None)
    assert accepts(nullable, {"amount": "10"})
    assert not accepts({"type": "object"}, None)
    assert "nullable" not in normalise_schema(nullable)


def test_nullable_enum_lists_null_and_nullable_ref_wraps_in_any_of() -> None:
    assert accepts({"type": "string", "enum": ["A"], "nullable": True}, None)
    assert normalise_schema({"$ref": "#/components/schemas/Money", "nullable": True}) == {
        "anyOf": [{"$ref": "#/$defs/Money"}, {"type": "null"}]
    }


@pytest.mark.parametrize(
    "pattern", [" YYYY-MM-DD", " YYYY-MM-DDThh:mm:ssZ", "+7(XXX)XXX-XX-XX", " 7XXXXXXXXXX", "(["]
)
def test_layout_patterns_written_in_words_are_dropped(pattern: str) -> None:
    schema = {"type": "string", "pattern": pattern}
    assert not is_usable_pattern(pattern)
    assert "pattern" not in normalise_schema(schema)
    assert accepts(schema, "2026-05-30")


def test_real_regex_patterns_are_kept_and_enforced() -> None:
    schema = {"type": "string", "pattern": "^[0-9]+-[0-9]+-[0-9]+$"}
    assert accepts(schema, "57195475-0050-1")
    assert not accepts(schema, "57195475")


def test_component_refs_point_into_defs_and_siblings_are_ignored_as_in_openapi_3_0() -> None:
    assert normalise_schema(
        {"$ref": "#/components/schemas/rpcStatus", "description": "Ошибка."}
    ) == {"$ref": "#/$defs/rpcStatus"}
    assert normalise_schema({"$ref": "../../components/schemas/rpcStatus.yaml"}) == {
        "$ref": "#/$defs/rpcStatus"
    }
    with pytest.raises(SpecError, match="unsupported"):
        normalise_schema({"$ref": "#/components/parameters/Client-Id"})


def test_properties_named_like_keywords_are_kept_as_properties() -> None:
    schema = {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"type": "string"}, "pattern": {"type": "int"}},
    }
    assert accepts(schema, {"type": "BOX", "pattern": 1})
    assert not accepts(schema, {"type": 1})
    assert not accepts(schema, {"pattern": 1})


def test_ill_typed_keyword_values_are_dropped() -> None:
    schema = {"type": "string", "enum": None, "description": None, "title": "string"}
    out = normalise_schema(schema)
    assert "enum" not in out
    assert "description" not in out
    assert accepts(schema, "EQ")


def test_stale_required_names_are_dropped_but_one_of_alternatives_are_kept() -> None:
    stock = {
        "type": "object",
        "required": ["product_id", "quant_size", "stock"],
        "properties": {"product_id": {"type": "integer"}, "stock": {"type": "integer"}},
    }
    assert accepts(stock, {"product_id": 1, "stock": 5})
    assert not accepts(stock, {"product_id": 1})
    either = {
        "type": "object",
        "oneOf": [{"required": ["sku"]}, {"required": ["offer_id"]}],
        "properties": {"sku": {"type": "array"}, "offer_id": {"type": "array"}},
    }
    assert accepts(either, {"sku": ["1"]})
    assert not accepts(either, {})


def test_page_size_maximum_copied_onto_an_id_is_dropped_but_kept_on_the_limit() -> None:
    schema = {
        "type": "object",
        "properties": {
            "delivery_method_id": {"type": "integer", "format": "int64", "maximum": 1000},
            "limit": {"type": "integer", "format": "int64", "maximum": 1000},
        },
    }
    assert accepts(schema, {"delivery_method_id": 1020000089903000, "limit": 1000})
    assert not accepts(schema, {"limit": 1001})


def test_openapi_only_keywords_are_removed() -> None:
    out = normalise_schema(
        {"type": "string", "example": "x", "x-ozon-section": {}, "discriminator": {}}
    )
    assert out == {"type": "string"}


def test_every_schema_in_the_spec_is_valid_json_schema_after_normalisation(
    spec: OzonSpec,
) -> None:
    Draft202012Validator.check_schema(spec.all_schemas())
    dangling = {
        ref
        for schema in spec.schemas.values()
        for ref in iter_refs(schema)
        if ref.removeprefix("#/$defs/") not in spec.schemas
    }
    assert not dangling


def test_every_json_body_in_the_spec_builds_a_standalone_schema(spec: OzonSpec) -> None:
    built = 0
    for path in sorted(spec.methods()):
        for content_type in ("request", *spec.response_content_types(path)):
            if content_type == "request":
                try:
                    schema = spec.request_schema(path)
                except SpecError as exc:  # GET methods and multipart uploads have no JSON body
                    assert "no" in str(exc)
                    continue
            elif content_type == "application/json":
                schema = spec.response_schema(path)
            else:
                continue
            refs = set(iter_refs(schema))
            assert {r.removeprefix("#/$defs/") for r in refs} <= set(schema.get("$defs", {}))
            built += 1
    assert built > len(spec.methods())  # requests and responses for most methods
