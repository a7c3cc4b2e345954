from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ozon_sandbox.catalog_seed import (
    BRAND_ATTRIBUTE_ID,
    MAX_VALUES_LIMIT,
    CatalogSeed,
    InvalidCatalogRequestError,
    UnknownAttributeError,
    Value,
)
from tests.support.catalog_seed import SEARCH, VALUES, pair_named
from tests.support.openapi import OzonSpec

REPO_ROOT = Path(__file__).resolve().parents[3]

# Prints a digest of every reply the seed can give, for comparing separate processes.
_DIGEST_SCRIPT = """
import hashlib, json
from ozon_sandbox.catalog_seed import load_catalog
digest = hashlib.sha256()
for language in ("DEFAULT", "EN"):
    catalog = load_catalog(language)
    digest.update(json.dumps([n.model_dump() for n in catalog.tree]).encode())
    for pair in catalog.leaf_pairs(include_disabled=True):
        for attribute in catalog.attributes(*pair):
            digest.update(attribute.model_dump_json().encode())
            last, has_next = 0, True
            while has_next:
                page, has_next = catalog.values(attribute.id, *pair, last_value_id=last)
                digest.update(json.dumps([v.model_dump() for v in page]).encode())
                last = page[-1].id if page else last
print(digest.hexdigest())
"""


def _walk(catalog: CatalogSeed, attribute_id: int, limit: int) -> tuple[list[Value], list[int]]:
    """Page through a dictionary as a client does; returns the values and the page sizes."""
    pair = pair_named(catalog, "Шампунь")
    values: list[Value] = []
    sizes: list[int] = []
    last_value_id, has_next = 0, True
    while has_next:
        page, has_next = catalog.values(
            attribute_id, *pair, last_value_id=last_value_id, limit=limit
        )
        assert page, "has_next promised another page"
        sizes.append(len(page))
        values.extend(page)
        last_value_id = page[-1].id
    return values, sizes


def test_brand_dictionary_pages_through_more_than_2000_values(catalog: CatalogSeed) -> None:
    values, sizes = _walk(catalog, BRAND_ATTRIBUTE_ID, MAX_VALUES_LIMIT)
    ids = [v.id for v in values]
    assert len(values) > 2000
    assert len(sizes) >= 2 and all(size <= MAX_VALUES_LIMIT for size in sizes)
    assert ids == sorted(set(ids)), "ids must be unique and increasing across pages"
    small_pages, _ = _walk(catalog, BRAND_ATTRIBUTE_ID, 333)
    assert small_pages == values, "another page size must walk the same values without gaps"
    names = {v.value for v in values}
    assert {"Nivea", "L'Oreal Paris", "Чистая линия", "Head & Shoulders", "Нет бренда"} <= names
    assert len({v.value.casefold() for v in values}) == len(values)


def test_the_last_page_says_there_is_nothing_more(catalog: CatalogSeed) -> None:
    pair = pair_named(catalog, "Шампунь")
    everything, _ = _walk(catalog, BRAND_ATTRIBUTE_ID, MAX_VALUES_LIMIT)
    tail, has_next = catalog.values(
        BRAND_ATTRIBUTE_ID, *pair, last_value_id=everything[-2].id, limit=5
    )
    assert tail == everything[-1:] and has_next is False
    past_end, has_next = catalog.values(BRAND_ATTRIBUTE_ID, *pair, last_value_id=everything[-1].id)
    assert past_end == [] and has_next is False


def test_paging_resumes_after_an_id_that_is_not_a_value(catalog: CatalogSeed) -> None:
    pair = pair_named(catalog, "Шампунь")
    first, _ = catalog.values(BRAND_ATTRIBUTE_ID, *pair, limit=3)
    between = first[1].id + 1
    page, has_next = catalog.values(BRAND_ATTRIBUTE_ID, *pair, last_value_id=between, limit=1)
    assert page == [first[2]] and has_next is True


@pytest.mark.parametrize("limit", [0, -1, MAX_VALUES_LIMIT + 1])
def test_a_limit_outside_ozons_range_is_refused(catalog: CatalogSeed, limit: int) -> None:
    pair = pair_named(catalog, "Шампунь")
    with pytest.raises(InvalidCatalogRequestError, match="limit"):
        catalog.values(BRAND_ATTRIBUTE_ID, *pair, limit=limit)


def test_free_and_unknown_attributes(catalog: CatalogSeed) -> None:
    pair = pair_named(catalog, "Шампунь")
    assert catalog.values(9048, *pair) == ([], False)
    with pytest.raises(UnknownAttributeError):
        catalog.values(22246, *pair)  # bristle stiffness belongs to toothbrushes


def test_value_replies_match_ozons_shape(
    catalog: CatalogSeed, spec: OzonSpec, ozon_examples: Path
) -> None:
    pair = pair_named(catalog, "Шампунь")
    page, has_next = catalog.values(BRAND_ATTRIBUTE_ID, *pair, limit=100)
    reply = {"result": [v.model_dump() for v in page], "has_next": has_next}
    spec.validate_response(VALUES, reply)
    example = json.loads(
        (ozon_examples / "v1-description-category-attribute-values.response.json").read_text()
    )
    assert set(reply) == set(example)
    assert {frozenset(v.model_dump()) for v in page} == {frozenset(v) for v in example["result"]}
    found = catalog.search_values(BRAND_ATTRIBUTE_ID, *pair, "gar")
    spec.validate_response(SEARCH, {"result": [v.model_dump() for v in found]})


def test_search_is_case_insensitive_and_puts_the_exact_name_first(catalog: CatalogSeed) -> None:
    pair = pair_named(catalog, "Шампунь")
    found = [v.value for v in catalog.search_values(BRAND_ATTRIBUTE_ID, *pair, "NIVEA")]
    assert found[0] == "Nivea"
    assert "Nivea Men" in found
    cyrillic = [v.value for v in catalog.search_values(BRAND_ATTRIBUTE_ID, *pair, "ЧИСТАЯ")]
    assert "Чистая линия" in cyrillic
    inside = [v.value for v in catalog.search_values(BRAND_ATTRIBUTE_ID, *pair, "shoulders")]
    assert inside == ["Head & Shoulders"]
    assert catalog.search_values(BRAND_ATTRIBUTE_ID, *pair, "zzqx") == []


def test_search_honours_the_limit_and_the_minimum_length(catalog: CatalogSeed) -> None:
    pair = pair_named(catalog, "Шампунь")
    assert len(catalog.search_values(BRAND_ATTRIBUTE_ID, *pair, "ra", limit=100)) == 100
    assert len(catalog.search_values(BRAND_ATTRIBUTE_ID, *pair, "ra", limit=7)) == 7
    with pytest.raises(InvalidCatalogRequestError, match="2 characters"):
        catalog.search_values(BRAND_ATTRIBUTE_ID, *pair, "a")
    with pytest.raises(InvalidCatalogRequestError, match="limit"):
        catalog.search_values(BRAND_ATTRIBUTE_ID, *pair, "aqua", limit=101)


def test_search_in_a_category_dependent_dictionary_stays_within_the_type(
    catalog: CatalogSeed,
) -> None:
    perfume = pair_named(catalog, "Туалетная вода")
    dishwashing = pair_named(catalog, "Средство для мытья посуды")
    assert [v.value for v in catalog.search_values(22238, *perfume, "цитрус")] == ["цитрусовые"]
    assert catalog.search_values(22238, *dishwashing, "цитрус") == []
    assert [v.value for v in catalog.search_values(22238, *dishwashing, "лимон")] == ["лимон"]


def test_every_reply_is_the_same_in_a_fresh_process() -> None:
    """Ids and names must not depend on hash seeds or process state: they are stored by clients."""
    digests = set()
    for hash_seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", _DIGEST_SCRIPT],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        digests.add(done.stdout.strip())
    assert len(digests) == 1
