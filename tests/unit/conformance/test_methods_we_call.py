"""Every Ozon method the client calls or the sandbox serves is in the spec and not retired."""

from __future__ import annotations

from pathlib import Path

from ozon_sandbox.api import load_methods
from resources.ozon import constants
from tests.support.openapi import OzonSpec, assert_methods_current, retired_methods


def client_methods() -> set[str]:
    """Every Ozon path the client knows: they are all named once in resources/ozon/constants.py."""
    return {
        value
        for name, value in vars(constants).items()
        if name.isupper() and isinstance(value, str) and value.startswith("/v")
    }


def test_client_calls_only_current_methods(spec: OzonSpec, ozon_notes_path: Path):
    methods = client_methods()
    assert {"/v2/products/stocks", "/v1/product/import/prices", "/v2/warehouse/list"} <= methods
    assert_methods_current(methods, spec, retired_methods(ozon_notes_path, spec.methods()))


def test_sandbox_serves_only_current_methods(spec: OzonSpec, ozon_notes_path: Path):
    served = set(load_methods())
    assert client_methods() <= served, "every method the client calls is in the sandbox"
    assert_methods_current(served, spec, retired_methods(ozon_notes_path, spec.methods()))


def test_a_retired_method_would_be_caught(spec: OzonSpec, ozon_notes_path: Path):
    retired = retired_methods(ozon_notes_path, spec.methods())
    try:
        assert_methods_current({"/v1/product/import/stocks", "/v3/posting/fbs/list"}, spec, retired)
    except AssertionError as exc:
        assert "/v1/product/import/stocks" in str(exc) and "/v3/posting/fbs/list" in str(exc)
    else:
        raise AssertionError("retired methods were not reported")
