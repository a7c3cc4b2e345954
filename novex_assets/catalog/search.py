"""Matching one value against a dictionary too large to walk, through Ozon's search method.

Brand has hundreds of thousands of values; downloading it would cost hundreds of requests per
refresh. Instead each distinct value Novex uses is searched once
(`/v1/description-category/attribute/values/search`) and the answer, a miss included, is
cached in the store, so a run asks Ozon only about values it has not asked about before.
A match must be the same text once normalised (case, ё/е, punctuation, spacing): the search
returns values that merely *contain* the text, and a near miss is reported, never guessed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from novex_assets.catalog.text import normalise
from resources.ozon import OzonClient
from resources.ozon.constants import ATTRIBUTE_SEARCH_MAX
from resources.store.catalog_model import Pair
from resources.store.store import Store
from resources.store.tables import utcnow

MIN_SEARCH_LENGTH = 2
# Ozon adds brands every day: a cached miss is asked again after this long; a hit is kept.
MISS_TTL = timedelta(days=7)


class DictionaryMatch(BaseModel):
    """The dictionary value a text stands for: pass `value_id` as `dictionary_value_id`."""

    model_config = ConfigDict(frozen=True)

    value_id: int
    value: str
    from_cache: bool


def resolve_by_search(
    client: OzonClient,
    store: Store,
    pair: Pair,
    attribute_id: int,
    text: str,
    *,
    now: datetime | None = None,
    miss_ttl: timedelta = MISS_TTL,
) -> DictionaryMatch | None:
    """The value of a searched dictionary that `text` names, or None when Ozon has none.

    Args:
        client: Ozon client (only called on a cache miss).
        store: The store holding the search cache.
        pair: (description_category_id, type_id) the card is created on.
        attribute_id: The dictionary attribute, e.g. 85 (Brand).
        text: The value as Novex's systems spell it.
        now: The time to stamp cache entries with (default: now).
        miss_ttl: How long a cached "no such value" is trusted.
    """
    query_norm = normalise(text)[:500]
    if len(query_norm) < MIN_SEARCH_LENGTH:
        return None
    now = now or utcnow()
    repo = store.catalog_model
    cached = repo.cached_search(pair, attribute_id, query_norm)
    if cached is not None:
        if cached.value_id is not None and cached.value is not None:
            return DictionaryMatch(value_id=cached.value_id, value=cached.value, from_cache=True)
        if now - cached.searched_at < miss_ttl:
            return None
    match = None
    # Ozon's search compares text as typed: "Чёрный жемчуг" does not find "Черный жемчуг", so
    # the spelling with е is asked too when the first finds no equal value.
    spelled = " ".join(text.split())
    for needle in dict.fromkeys((spelled, spelled.replace("ё", "е").replace("Ё", "Е"))):
        found = client.catalog.search_attribute_values(
            attribute_id, pair[0], pair[1], needle, limit=ATTRIBUTE_SEARCH_MAX
        )
        match = next((v for v in found if normalise(v.value) == query_norm), None)
        if match is not None:
            break
    repo.remember_search(
        pair,
        attribute_id,
        query_norm,
        match.id if match else None,
        match.value if match else None,
        now,
    )
    if match is None:
        return None
    return DictionaryMatch(value_id=match.id, value=match.value, from_cache=False)
