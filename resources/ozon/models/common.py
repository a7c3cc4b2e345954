"""Building blocks shared by every Ozon model: tolerant parsing at the boundary.

Ozon's real replies differ from its schema (API-NOTES §13): int64 ids as numeric strings, ``null``
for absent objects and lists, unknown new fields, placeholder booleans. Response models accept all
of that and expose plain typed values; request models serialise the way the spec documents.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, model_validator


def _to_int(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
    return value


def _to_bool_or_none(value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0", ""):
            return False
        # A placeholder such as "string" (seen in Ozon's own examples) says nothing.
        return None
    return value


def _to_text(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _to_time_or_none(value: Any) -> Any:
    # Ozon leaves an unset time out, sends null or "", or Go's zero time ("0001-01-01T00:00:00Z").
    if isinstance(value, str) and (not value.strip() or value.startswith("0001-01-01")):
        return None
    if isinstance(value, datetime) and value.year == 1:
        return None
    return value


OzonInt = Annotated[int, BeforeValidator(_to_int)]
"""An int64 that may arrive as a JSON number or as a decimal string."""

OzonStr = Annotated[str, BeforeValidator(_to_text)]
"""A string field that Ozon sometimes sends as a number (codes, prices)."""

MaybeBool = Annotated[bool | None, BeforeValidator(_to_bool_or_none)]
"""A flag that may be missing or a meaningless placeholder; None means "Ozon did not say"."""

OzonTime = Annotated[datetime | None, BeforeValidator(_to_time_or_none)]
"""A moment Ozon may leave unset in any of its ways; None when it did."""

Int64Str = Annotated[
    int, BeforeValidator(_to_int), PlainSerializer(lambda v: str(v), return_type=str)
]
"""An int64 id the spec wants as a string in requests (filters, id lists)."""


class OzonResponse(BaseModel):
    """Base of everything parsed from Ozon: ignores new fields, treats null as "not given"."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_nulls(cls, data: Any) -> Any:
        # A null object, list or scalar means absent: let the field's default apply.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


class OzonRequest(BaseModel):
    """Base of request bodies: unknown fields are a bug on our side, so they are refused."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_body(self) -> dict[str, Any]:
        """The JSON body Ozon expects: unset optional fields left out."""
        return self.model_dump(mode="json", exclude_none=True)
