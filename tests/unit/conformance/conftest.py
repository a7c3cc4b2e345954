"""Fixtures for checking payloads and method lists against Ozon's official spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.openapi import OzonSpec


@pytest.fixture(scope="session")
def spec(ozon_spec_path: Path) -> OzonSpec:
    return OzonSpec.load(ozon_spec_path)


@pytest.fixture(scope="session")
def ozon_notes_path(ozon_spec_path: Path) -> Path:
    path = ozon_spec_path.parent / "API-NOTES.md"
    if not path.is_file():
        pytest.skip(f"Ozon API notes not found at {path}")
    return path
