"""Ozon's category model kept in the store: tree changes, dictionary walks, drift, search."""

from __future__ import annotations

import math
from datetime import timedelta

import polars as pl

from novex_assets.catalog.attributes import DictionaryPolicy, refresh_pair, walk_dictionary
from novex_assets.catalog.search import MISS_TTL, resolve_by_search
from novex_assets.catalog.tree import refresh_tree
from ozon_sandbox.catalog_seed import load_catalog
from ozon_sandbox.catalog_seed.edits import CatalogEdit
from ozon_sandbox.config import FaultSettings
from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient
from resources.store.store import Store
from resources.store.tables import utcnow
from tests.integration.catalog_model.conftest import (
    BRAND,
    COUNTRY,
    HAIR_CARE,
    SCENT,
    SEARCH_PATH,
    SHAMPOO,
    SHAMPOO_PAIR,
    VALUES_PATH,
    requests_to,
)
from tests.support.sandbox import CLIENT_ID

WALK_ALL = DictionaryPolicy(search_attribute_ids=frozenset(), walk_limit=1_000_000)


def _seed_brand_ids() -> list[int]:
    seed = load_catalog("DEFAULT")
    ids, last = [], 0
    while True:
        page, has_next = seed.values(BRAND, HAIR_CARE, SHAMPOO, last, 2000)
        ids += [v.id for v in page]
        if not has_next:
            return ids
        last = page[-1].id


def test_tree_is_stored_and_ozons_changes_are_recorded(
    client: OzonClient, store: Store, sandbox: SandboxServer
) -> None:
    repo = store.catalog_model
    first = refresh_tree(client, repo, utcnow())
    assert first.first_load and not first.changes
    stored = repo.categories()
    shampoo = stored.filter(pl.col("type_id") == SHAMPOO).row(0, named=True)
    assert shampoo["path"] == "Красота и гигиена > Уход за волосами > Шампунь"
    assert shampoo["description_category_id"] == HAIR_CARE
    assert stored.filter(pl.col("type_id") == 0).height > 0  # category nodes too

    sandbox.admin.edit_catalog(
        CLIENT_ID,
        [
            CatalogEdit(op="rename_type", type_id=SHAMPOO, name="Шампунь для волос"),
            CatalogEdit(op="disable_type", type_id=92512),
            CatalogEdit(
                op="add_type",
                description_category_id=HAIR_CARE,
                type_id=93400,
                name="Сухой шампунь",
                like_type_id=SHAMPOO,
            ),
            CatalogEdit(op="remove_type", type_id=93301),
        ],
    )
    second = refresh_tree(client, repo, utcnow())
    assert second.changes == {"renamed": 1, "disabled": 1, "new": 1, "removed": 1}
    assert f"renamed {HAIR_CARE}:{SHAMPOO}: Шампунь → Шампунь для волос" in second.examples
    changes = {
        (r["type_id"], r["change"]): (r["old_value"], r["new_value"])
        for r in repo.category_changes().iter_rows(named=True)
    }
    assert changes[(SHAMPOO, "renamed")] == ("Шампунь", "Шампунь для волос")
    assert changes[(93400, "new")][1].endswith("Уход за волосами > Сухой шампунь")
    assert (92512, "disabled") in changes and (93301, "removed") in changes
    live = repo.categories()
    assert 93301 not in live["type_id"].to_list()
    gone = repo.categories(include_removed=True).filter(pl.col("type_id") == 93301)
    assert gone["removed_at"].is_not_null().all()
    assert live.filter(pl.col("type_id") == 92512)["disabled"].to_list() == [True]

    assert refresh_tree(client, repo, utcnow()).changes == {}, "nothing new, nothing recorded"


def test_a_long_dictionary_is_walked_in_the_fewest_pages(
    client: OzonClient, store: Store, sandbox: SandboxServer
) -> None:
    expected = _seed_brand_ids()
    assert len(expected) > 2000
    before = requests_to(sandbox, VALUES_PATH)
    walk = walk_dictionary(client, store.catalog_model, SHAMPOO_PAIR, BRAND, WALK_ALL, utcnow())
    assert walk.values == len(expected)
    assert walk.requests == math.ceil(len(expected) / 2000) == walk.minimum_requests
    assert requests_to(sandbox, VALUES_PATH) - before == walk.requests
    stored = store.catalog_model.dictionary_values(SHAMPOO_PAIR, BRAND)
    assert stored["value_id"].to_list() == expected


def test_a_429_mid_walk_is_retried_without_losing_or_doubling_values(
    client: OzonClient, store: Store, sandbox: SandboxServer
) -> None:
    expected = _seed_brand_ids()
    sandbox.admin.set_faults(CLIENT_ID, FaultSettings(rate_429=0.4, methods=[VALUES_PATH]))
    walk = walk_dictionary(client, store.catalog_model, SHAMPOO_PAIR, BRAND, WALK_ALL, utcnow())
    faults = sandbox.admin.requests(CLIENT_ID).methods[VALUES_PATH].faults
    assert sum(faults.values()) > 0, "the walk really met 429s"
    stored = store.catalog_model.dictionary_values(SHAMPOO_PAIR, BRAND)
    assert stored["value_id"].to_list() == expected
    assert walk.values == len(expected) and walk.withdrawn == 0


def test_required_attribute_added_and_value_withdrawn_are_recorded_as_drift(
    client: OzonClient, store: Store, sandbox: SandboxServer
) -> None:
    repo = store.catalog_model
    policy = DictionaryPolicy()
    first = refresh_pair(client, repo, SHAMPOO_PAIR, policy, utcnow())
    attributes = repo.attributes(SHAMPOO_PAIR)
    modes = dict(attributes.select("attribute_id", "dictionary_mode").iter_rows())
    assert modes[BRAND] == "search" and modes[COUNTRY] == "walked" and modes[22232] == "none"
    assert first.dictionaries_walked == (attributes["dictionary_mode"] == "walked").sum()
    assert repo.attribute_changes().is_empty(), "a first read is no drift"
    countries = repo.dictionary_values(SHAMPOO_PAIR, COUNTRY)["value_id"].to_list()
    assert 90319 in countries

    # Nothing is stale: a second run asks Ozon nothing.
    again = refresh_pair(client, repo, SHAMPOO_PAIR, policy, utcnow())
    assert again.requests == 0 and not again.attributes_fetched

    sandbox.admin.edit_catalog(
        CLIENT_ID,
        [
            CatalogEdit(op="set_required", type_id=SHAMPOO, attribute_id=SCENT),
            CatalogEdit(op="withdraw_value", attribute_id=COUNTRY, value_id=90319),
        ],
    )
    later = utcnow() + timedelta(days=8)  # past both max ages
    refresh_pair(client, repo, SHAMPOO_PAIR, policy, later)
    drift = {
        (r["attribute_id"], r["change"]): r for r in repo.attribute_changes().iter_rows(named=True)
    }
    assert set(drift) == {(SCENT, "required_added"), (COUNTRY, "value_withdrawn")}
    assert drift[(COUNTRY, "value_withdrawn")]["value_id"] == 90319
    assert "Сербия" in drift[(COUNTRY, "value_withdrawn")]["detail"]
    assert 90319 not in repo.dictionary_values(SHAMPOO_PAIR, COUNTRY)["value_id"].to_list()
    required = repo.attributes(SHAMPOO_PAIR).filter(pl.col("is_required"))["attribute_id"]
    assert SCENT in required.to_list()
    assert repo.attribute_changes(since=later - timedelta(seconds=1)).height == 2
    assert repo.attribute_changes(since=later).is_empty()


def test_brand_is_matched_by_search_and_the_answer_cached(
    client: OzonClient, store: Store, sandbox: SandboxServer
) -> None:
    found = resolve_by_search(client, store, SHAMPOO_PAIR, BRAND, "  NIVEA ")
    assert found is not None and (found.value_id, found.value) == (5055881, "Nivea")
    assert not found.from_cache
    asked = requests_to(sandbox, SEARCH_PATH)

    again = resolve_by_search(client, store, SHAMPOO_PAIR, BRAND, "nivea")
    assert again is not None and again.from_cache and again.value_id == 5055881
    assert requests_to(sandbox, SEARCH_PATH) == asked, "a cached answer costs no request"

    # ё/е and spacing: the dictionary says «Черный жемчуг».
    pearl = resolve_by_search(client, store, SHAMPOO_PAIR, BRAND, "Чёрный  жемчуг")
    assert pearl is not None and pearl.value == "Черный жемчуг"

    # A brand Ozon lacks: no guess ("Nivea Men" contains "Nivea" but is another brand).
    assert resolve_by_search(client, store, SHAMPOO_PAIR, BRAND, "Herbaria Organic") is None
    asked = requests_to(sandbox, SEARCH_PATH)
    assert resolve_by_search(client, store, SHAMPOO_PAIR, BRAND, "herbaria organic") is None
    assert requests_to(sandbox, SEARCH_PATH) == asked, "a miss is cached too"
    cache = store.catalog_model.search_cache()
    assert cache.filter(pl.col("value_id").is_null())["query_norm"].to_list() == [
        "herbaria organic"
    ]


def test_a_cached_miss_is_asked_again_once_its_time_is_up(
    client: OzonClient, store: Store, sandbox: SandboxServer
) -> None:
    now = utcnow()
    assert resolve_by_search(client, store, SHAMPOO_PAIR, BRAND, "Травы Алтая", now=now) is None
    # Ozon registers the brand the next day.
    sandbox.admin.edit_catalog(
        CLIENT_ID,
        [CatalogEdit(op="add_value", attribute_id=BRAND, value_id=990000001, value="Травы Алтая")],
    )
    asked = requests_to(sandbox, SEARCH_PATH)
    next_day = now + timedelta(days=1)
    assert (
        resolve_by_search(client, store, SHAMPOO_PAIR, BRAND, "травы алтая", now=next_day) is None
    )
    assert requests_to(sandbox, SEARCH_PATH) == asked, "within a week the miss is trusted"
    week_later = now + MISS_TTL
    found = resolve_by_search(client, store, SHAMPOO_PAIR, BRAND, "травы алтая", now=week_later)
    assert found is not None and found.value_id == 990000001 and not found.from_cache
    # The hit replaces the miss and is kept for good.
    again = resolve_by_search(
        client, store, SHAMPOO_PAIR, BRAND, "Травы Алтая", now=week_later + timedelta(days=90)
    )
    assert again is not None and again.from_cache


def test_a_dictionary_longer_than_the_walk_limit_switches_to_search(
    client: OzonClient, store: Store, sandbox: SandboxServer
) -> None:
    policy = DictionaryPolicy(search_attribute_ids=frozenset(), walk_limit=1500)
    repo = store.catalog_model
    first = refresh_pair(client, repo, SHAMPOO_PAIR, policy, utcnow())
    brand = next(w for w in first.walks if w.attribute_id == BRAND)
    assert brand.mode == "search" and brand.requests == 1  # stopped once past the limit
    modes = dict(repo.attributes(SHAMPOO_PAIR).select("attribute_id", "dictionary_mode").rows())
    assert modes[BRAND] == "search"

    before = requests_to(sandbox, VALUES_PATH)
    later = refresh_pair(client, repo, SHAMPOO_PAIR, policy, utcnow() + timedelta(days=8))
    assert later.attributes_fetched and BRAND not in [w.attribute_id for w in later.walks]
    assert (
        dict(repo.attributes(SHAMPOO_PAIR).select("attribute_id", "dictionary_mode").rows())[BRAND]
        == "search"
    ), "an attribute found too long stays on search after its list is re-read"
    assert requests_to(sandbox, VALUES_PATH) - before == sum(w.requests for w in later.walks)
