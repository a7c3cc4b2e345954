"""Who owns each part of an Ozon card: the validated model of `config/card_fields.yaml`.

Ozon's `/v3/product/import` replaces the whole card, so every field and characteristic must come
from somewhere on every send. The file says, per field or attribute, which system owns it, where
to look when the owner has nothing, and whether a value staff loaded through Ozon's own template
wins over Novex's systems (so an update never wipes it).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from novex_assets.config_loader import load_config_file

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CARD_FIELDS = REPO_ROOT / "config" / "card_fields.yaml"

FieldName = Literal[
    "name", "description", "images", "barcode", "vat", "weight_g", "depth_mm", "width_mm",
    "height_mm",
]  # fmt: skip
Source = Literal["sap", "arttrade", "ozon"]
AttributeSource = Literal["sap", "arttrade", "ozon", "mapping", "card"]

# Which source can supply which card field at all; a rule naming another source is an error.
FIELD_SOURCES: dict[str, frozenset[str]] = {
    "name": frozenset({"sap", "arttrade", "ozon"}),
    "description": frozenset({"arttrade", "ozon"}),
    "images": frozenset({"arttrade", "ozon"}),
    "barcode": frozenset({"sap", "ozon"}),
    "vat": frozenset({"sap"}),
    "weight_g": frozenset({"sap", "ozon"}),
    "depth_mm": frozenset({"sap", "ozon"}),
    "width_mm": frozenset({"sap", "ozon"}),
    "height_mm": frozenset({"sap", "ozon"}),
}
SAP_COLUMNS = frozenset({"brand", "name", "barcode", "category_name"})
CARD_FIELDS_FOR_ATTRIBUTES = frozenset({"name", "description"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldRule(_Strict):
    """Ownership of one card field."""

    owner: Source
    fallbacks: list[Source] = Field(default_factory=list)
    template_wins: bool = Field(
        False, description="A value on Ozon (staff's template upload) wins over the owner."
    )

    def order(self) -> list[str]:
        """Sources in the order they are asked; duplicates dropped."""
        sources: list[str] = (["ozon"] if self.template_wins else []) + [
            self.owner,
            *self.fallbacks,
        ]
        return list(dict.fromkeys(sources))


class AttributeRule(_Strict):
    """Ownership of one Ozon characteristic (by Ozon attribute id)."""

    id: int = Field(gt=0)
    name: str = Field("", description="Ozon's name of the attribute, for people reading the file.")
    owner: AttributeSource
    fallbacks: list[AttributeSource] = Field(default_factory=list)
    template_wins: bool = False
    sap_column: str | None = Field(None, description="SAP assortment column (owner `sap`).")
    arttrade: list[str] = Field(
        default_factory=list, description="Art-Trade characteristic names that feed this attribute."
    )
    card_field: str | None = Field(None, description="Merged card field copied (owner `card`).")

    @model_validator(mode="after")
    def _sources_have_inputs(self) -> AttributeRule:
        used = {self.owner, *self.fallbacks}
        if "sap" in used and self.sap_column not in SAP_COLUMNS:
            raise ValueError(f"sap_column must be one of {sorted(SAP_COLUMNS)} when SAP feeds it")
        if "card" in used and self.card_field not in CARD_FIELDS_FOR_ATTRIBUTES:
            raise ValueError(
                f"card_field must be one of {sorted(CARD_FIELDS_FOR_ATTRIBUTES)} for source `card`"
            )
        if "arttrade" in used and not self.arttrade:
            raise ValueError("arttrade must name at least one Art-Trade characteristic")
        return self

    def order(self) -> list[str]:
        """Sources in the order they are asked; duplicates dropped."""
        sources: list[str] = (["ozon"] if self.template_wins else []) + [
            self.owner,
            *self.fallbacks,
        ]
        return list(dict.fromkeys(sources))


class DefaultAttributeRule(_Strict):
    """Characteristics not listed: Art-Trade by Ozon's attribute name, else what Ozon holds."""

    owner: Literal["arttrade", "ozon"] = "arttrade"
    fallbacks: list[Literal["arttrade", "ozon"]] = Field(default_factory=lambda: ["ozon"])  # type: ignore[arg-type]
    template_wins: bool = True

    def order(self) -> list[str]:
        """Sources in the order they are asked; duplicates dropped."""
        sources: list[str] = (["ozon"] if self.template_wins else []) + [
            self.owner,
            *self.fallbacks,
        ]
        return list(dict.fromkeys(sources))


class ExportSettings(_Strict):
    """How the export is gated and followed."""

    max_failing_share_jump: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Stop the export when the share of cards failing checks rises by more "
        "than this since the previous run (a broken source file must not flood Ozon).",
    )
    import_wait_s: float = Field(
        600.0, gt=0, description="How long one run waits for Ozon to process its import tasks."
    )
    moderation_cron: str = Field(
        "*/15 * * * *", description="When the moderation schedule looks at cards under review."
    )


class CardFieldRules(_Strict):
    """The whole file: fields, attributes, the rule for the rest, and dictionary synonyms."""

    fields: dict[FieldName, FieldRule]
    attributes: list[AttributeRule] = Field(default_factory=list)
    default_attribute: DefaultAttributeRule = Field(default_factory=DefaultAttributeRule)
    export: ExportSettings = Field(default_factory=ExportSettings)
    synonyms: dict[int, dict[str, str]] = Field(
        default_factory=dict,
        description="Per Ozon attribute id: Novex's spelling -> the dictionary value to use.",
    )

    @field_validator("fields")
    @classmethod
    def _fields_have_sources(cls, fields: dict[str, FieldRule]) -> dict[str, FieldRule]:
        missing = sorted(set(FIELD_SOURCES) - set(fields))
        if missing:
            raise ValueError(f"every card field needs a rule; missing {missing}")
        for name, rule in fields.items():
            bad = [s for s in rule.order() if s not in FIELD_SOURCES[name]]
            if bad:
                raise ValueError(
                    f"fields.{name}: source(s) {bad} cannot supply it "
                    f"(possible: {sorted(FIELD_SOURCES[name])})"
                )
        return fields

    @field_validator("attributes")
    @classmethod
    def _attributes_once(cls, attributes: list[AttributeRule]) -> list[AttributeRule]:
        ids = [a.id for a in attributes]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"attribute id(s) listed twice: {duplicates}")
        return attributes

    def attribute_rule(self, attribute_id: int) -> AttributeRule | None:
        """The listed rule for an attribute, if any."""
        for rule in self.attributes:
            if rule.id == attribute_id:
                return rule
        return None


def load_card_fields(path: str | Path | None = None) -> CardFieldRules:
    """Load and validate `path`, `$NOVEX_CARD_FIELDS`, or the shipped `config/card_fields.yaml`."""
    resolved = Path(path or os.environ.get("NOVEX_CARD_FIELDS") or DEFAULT_CARD_FIELDS)
    return load_config_file(resolved, CardFieldRules)


@lru_cache(maxsize=8)
def cached_card_fields(path: str | None = None) -> CardFieldRules:
    """The rules loaded once per process and path."""
    return load_card_fields(path)
