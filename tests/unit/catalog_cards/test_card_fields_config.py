"""config/card_fields.yaml: the shipped file loads; mistakes name the file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from novex_assets.catalog.card_fields import DEFAULT_CARD_FIELDS, load_card_fields
from novex_assets.config_loader import ConfigError


def test_shipped_file_loads() -> None:
    rules = load_card_fields(DEFAULT_CARD_FIELDS)
    assert rules.fields["vat"].owner == "sap"
    rule = rules.attribute_rule(9048)
    assert rule is not None and rule.template_wins


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "card_fields.yaml"
    path.write_text(DEFAULT_CARD_FIELDS.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


def test_a_source_that_cannot_supply_a_field_is_refused(tmp_path: Path) -> None:
    text = DEFAULT_CARD_FIELDS.read_text(encoding="utf-8").replace(
        "vat:         {owner: sap}", "vat:         {owner: arttrade}"
    )
    path = tmp_path / "card_fields.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_card_fields(path)
    assert str(path) in str(err.value) and "fields.vat" in str(err.value)


def test_unknown_owner_names_the_field_and_line(tmp_path: Path) -> None:
    text = DEFAULT_CARD_FIELDS.read_text(encoding="utf-8").replace(
        "name:        {owner: arttrade, fallbacks: [sap, ozon]}",
        "name:        {owner: excel, fallbacks: [sap, ozon]}",
    )
    path = tmp_path / "card_fields.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_card_fields(path)
    message = str(err.value)
    assert "fields.name.owner" in message and "line" in message


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "\nfields:\n  name: {owner: sap}\n")
    with pytest.raises(ConfigError) as err:
        load_card_fields(path)
    assert "fields" in str(err.value)


def test_an_attribute_listed_twice_is_refused(tmp_path: Path) -> None:
    text = DEFAULT_CARD_FIELDS.read_text(encoding="utf-8").replace(
        "  - {id: 8229, name: Тип, owner: mapping}",
        "  - {id: 8229, name: Тип, owner: mapping}\n  - {id: 8229, name: Тип, owner: mapping}",
    )
    path = tmp_path / "card_fields.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="8229"):
        load_card_fields(path)
