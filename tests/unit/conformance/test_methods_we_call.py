"""Every Ozon method the client calls or the sandbox serves is in the spec and not retired."""

from __future__ import annotations

from pathlib import Path

import pytest

from ozon_sandbox.api import load_methods
from tests.support.openapi import OzonSpec, assert_methods_current, retired_methods
from tests.support.ozon_models import client_paths


def test_client_calls_only_current_methods(spec: OzonSpec, ozon_notes_path: Path):
    methods = client_paths()
    assert {"/v2/products/stocks", "/v1/product/import/prices", "/v2/warehouse/list"} <= methods
    assert_methods_current(methods, spec, retired_methods(ozon_notes_path, spec.methods()))


def test_sandbox_serves_only_current_methods(spec: OzonSpec, ozon_notes_path: Path):
    served = set(load_methods())
    assert client_paths() <= served, "every method the client calls is in the sandbox"
    assert_methods_current(served, spec, retired_methods(ozon_notes_path, spec.methods()))


def test_a_retired_method_would_be_caught(spec: OzonSpec, ozon_notes_path: Path):
    retired = retired_methods(ozon_notes_path, spec.methods())
    with pytest.raises(AssertionError) as caught:
        assert_methods_current({"/v1/product/import/stocks", "/v3/posting/fbs/list"}, spec, retired)
    assert "/v1/product/import/stocks: retired" in str(caught.value)
    assert "/v3/posting/fbs/list: retired" in str(caught.value)
