"""Fixtures for the seeded catalog tests: the catalog in Russian and English, Ozon's spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from ozon_sandbox.catalog_seed import CatalogSeed, load_catalog
from tests.support.openapi import OzonSpec


@pytest.fixture(scope="session")
def catalog() -> CatalogSeed:
    return load_catalog()


@pytest.fixture(scope="session")
def catalog_en() -> CatalogSeed:
    return load_catalog("EN")


@pytest.fixture(scope="session")
def spec(ozon_spec_path: Path) -> OzonSpec:
    return OzonSpec.load(ozon_spec_path)
