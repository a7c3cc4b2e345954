"""The long tail of Ozon's Brand dictionary, generated the same way on every load.

Ozon's Brand dictionary holds hundreds of thousands of values, so clients must page through it
with `last_value_id`. The seed keeps the real drugstore brands in dictionaries.yaml and adds a
few thousand plausible made-up ones here: enough for several pages of 2,000, without a huge file.
Names come from fixed word lists in a fixed order, never from a random generator or hashing,
so ids and names are identical in every process and on every Python version.
"""

from __future__ import annotations

from collections.abc import Iterable

from ozon_sandbox.catalog_seed.source import ValueSource

# Generated ids sit above the real brands' ids, as newer values do on Ozon.
GENERATED_ID_START = 971_000_000
GENERATED_ID_STEP = 17

_LATIN_STEMS = (
    "Aqua", "Bio", "Derma", "Eco", "Flora", "Green", "Hydro", "Lumi", "Nat", "Pure",
    "Silk", "Velvet", "Cosmo", "Vita", "Aroma", "Blue", "Fresh", "Clean", "Soft", "Nord",
    "Sibir", "Crystal", "Golden", "Royal", "Snow", "Sun", "Ocean", "Herb", "Petal", "Mira",
    "Alba", "Bella", "Coral", "Delta", "Elan", "Fiora", "Gloria", "Iris", "Jade", "Kora",
    "Lana", "Mela", "Nova", "Opal", "Prima", "Rosa", "Sola", "Terra", "Ultra", "Zephyr",
)  # fmt: skip
_LATIN_ENDINGS = (
    "lis", "ra", "via", "ena", "ora", "ette", "ix", "ium", "elle", "ina",
    "on", "ea", "ica", "ara", "ista", "ella", "ana", "ello", "ino", "ava",
)  # fmt: skip
_LATIN_WORDS = (
    "Care", "Lab", "Line", "Home", "Touch", "Beauty", "Pro", "Essence", "Garden", "Bloom",
    "Spa", "Mist", "Organic", "Cosmetics", "Clean", "Skin", "Hair", "Naturals", "Fresh", "Glow",
)  # fmt: skip
_CYRILLIC_ADJECTIVES = (
    "Чистый", "Лесной", "Северный", "Домашний", "Белый", "Мягкий", "Алтайский", "Сибирский",
    "Луговой", "Морской", "Тёплый", "Зелёный", "Добрый", "Светлый", "Ясный", "Садовый",
)  # fmt: skip
_CYRILLIC_NOUNS = (
    "уют", "уход", "луг", "берег", "ключ", "сад", "лен", "кедр",
    "родник", "двор", "терем", "край", "бор", "исток", "лад", "мёд",
)  # fmt: skip
_INFOS = ("Красота и гигиена", "Бытовая химия", "Дом и сад")


def _candidate_names() -> Iterable[str]:
    # Ending-major order mixes the stems, so every page of the dictionary looks varied.
    for ending in _LATIN_ENDINGS:
        for stem in _LATIN_STEMS:
            yield stem + ending
    for word in _LATIN_WORDS:
        for stem in _LATIN_STEMS:
            yield f"{stem} {word}"
    for noun in _CYRILLIC_NOUNS:
        for adjective in _CYRILLIC_ADJECTIVES:
            yield f"{adjective} {noun}"


def generated_brands(existing: Iterable[str]) -> list[ValueSource]:
    """Made-up brand values that do not repeat any of `existing` (compared case-insensitively).

    Args:
        existing: names already in the dictionary (the real brands).

    Returns:
        Values with ids increasing from GENERATED_ID_START, in the same order on every call.
    """
    seen = {name.casefold() for name in existing}
    values: list[ValueSource] = []
    for name in _candidate_names():
        if name.casefold() in seen:
            continue
        seen.add(name.casefold())
        n = len(values)
        values.append(
            ValueSource(
                id=GENERATED_ID_START + n * GENERATED_ID_STEP,
                ru=name,
                info=_INFOS[n % len(_INFOS)],
            )
        )
    return values
