"""Strict checks report every violation with its JSON path; lenient checks forgive known quirks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.openapi import ALL_QUIRKS, ConformanceError, OzonSpec, Quirk, SpecError

PATH = "/v1/demo/get"

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.0",
    "paths": {
        PATH: {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Req"}}
                    }
                },
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Resp"}}
                        }
                    },
                    "429": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "../../components/schemas/rpcStatus.yaml"}
                            }
                        }
                    },
                },
            }
        },
        "/v1/actions": {"get": {"responses": {"200": {"description": "ok"}}}},
    },
    "components": {
        "schemas": {
            "Req": {
                "type": "object",
                "required": ["posting_number"],
                "oneOf": [{"required": ["sku"]}, {"required": ["offer_id"]}],
                "properties": {
                    "posting_number": {"type": "string"},
                    "sku": {"type": "array", "items": {"type": "string"}},
                    "offer_id": {"type": "array", "items": {"type": "string"}},
                    "sort_dir": {"type": "string", "enum": ["ASC", "DESC"]},
                },
            },
            "Resp": {
                "type": "object",
                "required": ["result"],
                "properties": {
                    "result": {"$ref": "#/components/schemas/Posting"},
                    "has_next": {"type": "boolean"},
                    "returns": {"$ref": "#/components/schemas/Return"},
                },
            },
            "Posting": {
                "type": "object",
                "required": ["posting_number", "warehouse_id"],
                "properties": {
                    "posting_number": {"type": "string"},
                    "warehouse_id": {"type": "integer", "format": "int64"},
                    "addressee": {"$ref": "#/components/schemas/Addressee"},
                    "shipment_date": {"type": "string", "format": "date-time"},
                    "skus": {"type": "array", "items": {"type": "string"}},
                    "images": {"type": "array", "items": {"$ref": "#/components/schemas/Image"}},
                    "level": {
                        "type": "string",
                        "enum": ["ERROR_LEVEL_ERROR", "ERROR_LEVEL_WARNING"],
                    },
                    "error": {"type": "string"},
                },
            },
            "Addressee": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Image": {"type": "object", "properties": {"url": {"type": "string"}}},
            "Return": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "integer"}},
            },
            "rpcStatus": {
                "type": "object",
                "properties": {"code": {"type": "integer", "format": "int32"}},
            },
        }
    },
}


@pytest.fixture(scope="module")
def demo() -> OzonSpec:
    return OzonSpec(DOCUMENT)


def good_reply() -> dict[str, Any]:
    return {
        "result": {
            "posting_number": "57195475-0050-1",
            "warehouse_id": 1020000089903000,
            "shipment_date": "2026-12-01T14:00:00Z",
        },
        "has_next": False,
    }


def quirks(demo: OzonSpec, body: Any) -> list[tuple[str, Quirk | None]]:
    return [(v.json_path, v.quirk) for v in demo.response_errors(PATH, body)]


def test_a_conforming_reply_passes_both_modes(demo: OzonSpec) -> None:
    demo.validate_response(PATH, good_reply())
    demo.validate_response(PATH, good_reply(), lenient=True)


def test_strict_error_lists_every_violation_with_its_json_path(demo: OzonSpec) -> None:
    body = good_reply()
    body["result"]["warehouse_id"] = "1020000089903000"
    body["result"]["addressee"] = None
    del body["result"]["posting_number"]
    with pytest.raises(AssertionError) as caught:
        demo.validate_response(PATH, body)
    error = caught.value
    assert isinstance(error, ConformanceError)
    assert len(error.violations) == 3
    text = str(error)
    assert "200 response of /v1/demo/get: 3 violation(s)" in text
    assert "$.result: 'posting_number' is a required property" in text
    assert "$.result.warehouse_id: '1020000089903000' is not of type 'integer'" in text
    assert "$.result.addressee: None is not of type 'object' [null-for-optional]" in text


def test_lenient_accepts_int64_ids_as_numeric_strings_and_null_optional_objects(
    demo: OzonSpec,
) -> None:
    body = good_reply()
    body["result"]["warehouse_id"] = "1020000089903000"
    body["result"]["addressee"] = None
    assert quirks(demo, body) == [
        ("$.result.addressee", Quirk.NULL_FOR_OPTIONAL),
        ("$.result.warehouse_id", Quirk.NUMERIC_STRING),
    ]
    demo.validate_response(PATH, body, lenient=True)


def test_lenient_still_rejects_null_for_a_required_value_and_non_numeric_ids(
    demo: OzonSpec,
) -> None:
    body = good_reply()
    body["result"]["posting_number"] = None
    body["result"]["warehouse_id"] = "warehouse-1"
    violations = demo.response_errors(PATH, body, lenient=True)
    assert [v.json_path for v in violations] == [
        "$.result.posting_number",
        "$.result.warehouse_id",
    ]


def test_null_array_items_are_not_an_optional_value(demo: OzonSpec) -> None:
    body = good_reply()
    body["result"]["skus"] = [None]
    assert quirks(demo, body) == [("$.result.skus[0]", None)]


def test_each_real_world_quirk_is_named_and_tolerated(demo: OzonSpec) -> None:
    body = good_reply()
    body["result"].update(
        skus=[4116250392],
        images=["https://cdn1.ozone.ru/s3/multimedia-4/6804736960.jpg"],
        level="ERROR",
        error=[],
    )
    body["returns"] = [{"id": 8000123456}, {"id": "8000123457"}]
    assert dict(quirks(demo, body)) == {
        "$.result.skus[0]": Quirk.NUMBER_FOR_STRING,
        "$.result.images[0]": Quirk.STRING_FOR_OBJECT,
        "$.result.level": Quirk.UNPREFIXED_ENUM,
        "$.result.error": Quirk.EMPTY_ARRAY_FOR_STRING,
        "$.returns": Quirk.ARRAY_FOR_OBJECT,
    }
    demo.validate_response(PATH, body, lenient=True)


def test_a_list_for_an_object_is_tolerated_only_if_each_item_is_that_object(
    demo: OzonSpec,
) -> None:
    body = good_reply()
    body["returns"] = [{"id": 1}, {"no_id": True}]
    assert [v.json_path for v in demo.response_errors(PATH, body, lenient=True)] == ["$.returns"]


def test_enum_values_are_classified_by_how_they_differ(demo: OzonSpec) -> None:
    def kind(value: str) -> Quirk | None:
        [violation] = demo.request_errors(
            PATH, {"posting_number": "1", "sku": [], "sort_dir": value}
        )
        return violation.quirk

    assert kind("asc") is Quirk.CASE_MISMATCHED_ENUM
    assert kind("SIDEWAYS") is Quirk.UNLISTED_ENUM


def test_documentation_placeholders_are_not_forgiven_by_default(demo: OzonSpec) -> None:
    body = good_reply()
    body["has_next"] = "string"
    [violation] = demo.response_errors(PATH, body, lenient=True)
    assert violation.quirk is Quirk.PLACEHOLDER
    assert not Quirk.PLACEHOLDER.real_world
    demo.validate_response(PATH, body, lenient=ALL_QUIRKS)


def test_an_explicit_quirk_set_forgives_only_those_quirks(demo: OzonSpec) -> None:
    body = good_reply()
    body["result"]["warehouse_id"] = "1020000089903000"
    body["result"]["addressee"] = None
    violations = demo.response_errors(PATH, body, lenient={Quirk.NUMERIC_STRING})
    assert [(v.json_path, v.quirk) for v in violations] == [
        ("$.result.addressee", Quirk.NULL_FOR_OPTIONAL)
    ]


def test_strict_mode_checks_date_times_and_lenient_mode_does_not(demo: OzonSpec) -> None:
    body = good_reply()
    body["result"]["shipment_date"] = "01.12.2026 14:00"
    [violation] = demo.response_errors(PATH, body)
    assert violation.keyword == "format"
    assert violation.json_path == "$.result.shipment_date"
    demo.validate_response(PATH, body, lenient=True)


def test_one_of_alternatives_both_given_is_an_overlap_quirk(demo: OzonSpec) -> None:
    body = {"posting_number": "1", "sku": ["1"], "offer_id": ["A"]}
    [violation] = demo.request_errors(PATH, body)
    assert violation.quirk is Quirk.ONE_OF_OVERLAP
    demo.validate_request(PATH, body, lenient=True)
    with pytest.raises(ConformanceError, match=r"request to /v1/demo/get.*\n.*\$: "):
        demo.validate_request(PATH, {"posting_number": "1"}, lenient=True)


def test_error_replies_use_their_own_status_schema(demo: OzonSpec) -> None:
    body = {"code": "RESOURCE_EXHAUSTED"}
    [violation] = demo.response_errors(PATH, body, "429")
    assert violation.quirk is Quirk.STATUS_NAME_FOR_CODE
    demo.validate_response(PATH, body, "429", lenient=True)
    demo.validate_response(PATH, {"code": 8}, "429")


def test_unknown_methods_statuses_and_bodies_are_reported_as_spec_errors(demo: OzonSpec) -> None:
    assert demo.has_method(PATH)
    assert not demo.has_method("/v3/posting/fbs/list")
    assert demo.methods() == {PATH, "/v1/actions"}
    with pytest.raises(SpecError, match="not in Ozon's spec"):
        demo.request_schema("/v3/posting/fbs/list")
    with pytest.raises(SpecError, match="no 404 response"):
        demo.response_schema(PATH, "404")
    with pytest.raises(SpecError, match="no request body"):
        demo.request_schema("/v1/actions")


def test_returned_schemas_are_standalone_copies(demo: OzonSpec) -> None:
    schema = demo.response_schema(PATH)
    assert set(schema["$defs"]) == {"Resp", "Posting", "Addressee", "Image", "Return"}
    schema["$defs"].clear()
    demo.validate_response(PATH, good_reply())
