"""Ozon's own documentation examples, checked against Ozon's own schema."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.support.openapi import ALL_QUIRKS, OzonSpec, Quirk, SpecError, Violation

# The kinds API-NOTES §13 describes for Ozon's reply examples.
DOCUMENTED_REPLY_QUIRKS = {
    Quirk.NUMERIC_STRING,
    Quirk.NULL_FOR_OPTIONAL,
    Quirk.NUMBER_FOR_STRING,
    Quirk.STRING_FOR_OBJECT,
    Quirk.UNPREFIXED_ENUM,
    Quirk.EMPTY_ARRAY_FOR_STRING,
    Quirk.PLACEHOLDER,
}


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def request_examples(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.json") if ".request." in p.name)


def response_examples(folder: Path) -> list[Path]:
    files = [*folder.glob("*.json"), *folder.glob("errors/*.json")]
    return sorted(p for p in files if ".response" in p.name)


def status_of(path: Path) -> str:
    """``v3-product-import.response-429.json`` documents the 429 reply; plain names the 200."""
    suffix = path.name.split(".response", 1)[1]
    return suffix[1:4] if suffix.startswith("-") else "200"


def reply_errors(spec: OzonSpec, path: Path, lenient: Any) -> list[Violation]:
    method = spec.method_for_example(path.name)
    status = status_of(path)
    types = spec.response_content_types(method, status)
    # PDF and PNG methods document the body as an object under their binary content type.
    content_type = "application/json" if "application/json" in types else types[0]
    return spec.response_errors(
        method, load(path), status, lenient=lenient, content_type=content_type
    )


def describe(failures: dict[str, list[Violation]]) -> str:
    return "\n".join(
        f"{name}:\n" + "\n".join(f"  {v}" for v in vs) for name, vs in failures.items()
    )


def test_example_names_resolve_to_spec_paths_even_with_dashes(
    spec: OzonSpec, ozon_examples: Path
) -> None:
    assert spec.method_for_example("v1-description-category-tree.request.json") == (
        "/v1/description-category/tree"
    )
    assert spec.method_for_example("v2-posting-fbs-package-label.request.json") == (
        "/v2/posting/fbs/package-label"
    )
    assert spec.method_for_example("v1-product-info-stocks-by-warehouse-fbs.request.json") == (
        "/v1/product/info/stocks-by-warehouse/fbs"
    )
    assert spec.method_for_example("v3-product-import.request.withVideo.json") == (
        "/v3/product/import"
    )
    with pytest.raises(SpecError, match="matches 0 spec paths"):
        spec.method_for_example("v9-no-such-method.request.json")
    every = [*request_examples(ozon_examples), *response_examples(ozon_examples)]
    assert all(spec.has_method(spec.method_for_example(p.name)) for p in every)


def test_every_request_example_validates_against_its_request_schema(
    spec: OzonSpec, ozon_examples: Path
) -> None:
    files = request_examples(ozon_examples)
    assert files
    failures = {
        p.name: errors
        for p in files
        if (
            errors := spec.request_errors(
                spec.method_for_example(p.name), load(p), lenient=ALL_QUIRKS
            )
        )
    }
    assert not failures, describe(failures)


def test_every_response_example_validates_in_lenient_mode(
    spec: OzonSpec, ozon_examples: Path
) -> None:
    files = response_examples(ozon_examples)
    assert files
    failures = {p.name: e for p in files if (e := reply_errors(spec, p, ALL_QUIRKS))}
    assert not failures, describe(failures)


def test_a_tolerant_client_meets_only_documentation_placeholders_beyond_real_quirks(
    spec: OzonSpec, ozon_examples: Path
) -> None:
    left = [v for p in response_examples(ozon_examples) for v in reply_errors(spec, p, True)]
    assert {v.quirk for v in left} <= {Quirk.PLACEHOLDER}, [str(v) for v in left]


def test_strict_mode_finds_only_the_documented_kinds_of_nonconformance(
    spec: OzonSpec, ozon_examples: Path
) -> None:
    files = response_examples(ozon_examples)
    strict = {p.name: reply_errors(spec, p, False) for p in files}
    nonconforming = {name: vs for name, vs in strict.items() if vs}
    kinds = Counter(v.quirk for vs in nonconforming.values() for v in vs)
    summary = (
        f"{len(files) - len(nonconforming)} of {len(files)} reply examples conform strictly; "
        f"violations by kind: {dict(kinds)}"
    )
    assert None not in kinds, summary + "\n" + describe(nonconforming)
    # Every kind §13 describes is really present, so none of the tolerances is dead weight.
    assert set(kinds) >= DOCUMENTED_REPLY_QUIRKS, summary
    # Most examples conform as published: strict mode is not a wall of noise.
    assert len(nonconforming) < len(files) / 2, summary


def test_schema_generated_samples_conform_strictly_apart_from_one_of(
    spec: OzonSpec, ozon_examples: Path
) -> None:
    failures: dict[str, list[Violation]] = {}
    for path in sorted((ozon_examples / "schema-samples").glob("*.json")):
        method = spec.method_for_example(path.name)
        overlap = {Quirk.ONE_OF_OVERLAP}  # the generator fills every alternative of a oneOf
        if ".request" in path.name:
            errors = spec.request_errors(method, load(path), lenient=overlap)
        else:
            errors = reply_errors(spec, path, overlap)
        if errors:
            failures[path.name] = errors
    assert not failures, describe(failures)


def test_lenient_mode_still_catches_a_broken_reply(spec: OzonSpec, ozon_examples: Path) -> None:
    body = load(ozon_examples / "v4-posting-fbs-list.response.json")
    spec.validate_response("/v4/posting/fbs/list", body, lenient=True)
    body["postings"][0]["products"] = "none"
    body["has_next"] = "yes"
    with pytest.raises(AssertionError) as caught:
        spec.validate_response("/v4/posting/fbs/list", body, lenient=True)
    assert "$.postings[0].products: 'none' is not of type 'array'" in str(caught.value)
    assert "$.has_next: 'yes' is not of type 'boolean'" in str(caught.value)


def test_the_spec_is_parsed_once_per_process(ozon_spec_path: Path) -> None:
    assert OzonSpec.load(ozon_spec_path) is OzonSpec.load(str(ozon_spec_path))
