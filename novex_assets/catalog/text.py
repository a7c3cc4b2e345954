"""Russian product text in one comparable form: what "the same value" means across systems.

Art-Trade writes "100мл", "Чёрный жемчуг", "ШАМПУНЬ"; Ozon's dictionaries say "100 мл",
"Черный жемчуг", "Шампунь". Both sides are normalised the same way before they are compared.
"""

from __future__ import annotations

import re

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
# "100мл" -> "100 мл": a number glued to its unit.
_NUMBER_UNIT = re.compile(r"(\d)([^\W\d_]+)", re.UNICODE)
_UNITS = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:мл|л|г|гр|кг|шт|м|см|мм|ml|l|g|kg|pcs)\b", re.UNICODE)


def normalise(text: str | None) -> str:
    """Lower case, ё→е, punctuation to spaces, a number split from its unit, spaces collapsed."""
    if not text:
        return ""
    value = text.casefold().replace("ё", "е")
    value = _PUNCT.sub(" ", value)
    value = _NUMBER_UNIT.sub(r"\1 \2", value)
    return _SPACES.sub(" ", value).strip()


def normalise_name(text: str | None) -> str:
    """`normalise`, then pack sizes ("250 мл", "10 шт") dropped: for comparing category names."""
    value = normalise(text)
    return _SPACES.sub(" ", _UNITS.sub(" ", value)).strip()
