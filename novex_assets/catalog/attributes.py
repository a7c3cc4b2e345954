"""Attributes and dictionaries of the (category, type) pairs Novex uses, refreshed incrementally.

Ozon's dictionaries take many rate-limited requests to download, so a pair's attributes are
re-read only when stale, a dictionary is walked only when stale (2,000 values a page, the
page's last id starting the next), and a dictionary too large to walk (Brand: hundreds of
thousands of values) is never walked but matched value by value through the search method
(`novex_assets.catalog.search`). What Ozon changed under us is recorded as drift: a required
attribute added or dropped, an attribute added or removed, a dictionary value added or withdrawn.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from resources.ozon import OzonClient
from resources.ozon.models.catalog import CategoryAttribute, DictionaryValue
from resources.store.catalog_model import (
    ATTRIBUTE_CHANGE_SCHEMA,
    ATTRIBUTE_SCHEMA,
    VALUE_SCHEMA,
    CatalogModelRepo,
    Pair,
)

log = logging.getLogger(__name__)

PAGE_MAX = 2000


class DictionaryPolicy(BaseModel):
    """How dictionaries are fetched: page size, what is too large to walk, what is stale."""

    model_config = ConfigDict(frozen=True)

    page_size: int = Field(default=PAGE_MAX, ge=1, le=PAGE_MAX)
    search_attribute_ids: frozenset[int] = frozenset({85})
    walk_limit: int = Field(
        default=20_000, ge=1, description="A dictionary longer than this is matched by search."
    )
    attributes_max_age: timedelta = timedelta(hours=24)
    values_max_age: timedelta = timedelta(days=7)


class DictionaryWalk(BaseModel):
    """The outcome of walking one dictionary."""

    attribute_id: int
    mode: str  # walked | search (the walk hit walk_limit)
    page_size: int = PAGE_MAX
    values: int = 0
    requests: int = 0
    added: int = 0
    withdrawn: int = 0

    @property
    def minimum_requests(self) -> int:
        """The fewest pages that hold `values` at `page_size` (one for an empty dictionary)."""
        return max(1, -(-self.values // self.page_size))


class PairRefresh(BaseModel):
    """What refreshing one pair did, for the asset's metadata."""

    pair: Pair
    attributes_fetched: bool = False
    attributes: int = 0
    required: int = 0
    dictionaries_walked: int = 0
    dictionaries_skipped: int = 0
    dictionaries_search: int = 0
    values: int = 0
    requests: int = 0
    drift: int = 0
    walks: list[DictionaryWalk] = Field(default_factory=list)


def partition_key(pair: Pair) -> str:
    """Dagster partition key of a pair: "17028968:93284"."""
    return f"{pair[0]}:{pair[1]}"


def parse_partition_key(key: str) -> Pair:
    """The pair a partition key names; ValueError on anything else."""
    left, sep, right = key.partition(":")
    if not sep or not left.isdigit() or not right.isdigit():
        raise ValueError(f"not a pair partition key (description_category_id:type_id): {key!r}")
    return int(left), int(right)


def attributes_frame(
    attributes: Iterable[CategoryAttribute],
    policy: DictionaryPolicy,
    search_before: Iterable[int] = (),
) -> pl.DataFrame:
    """Ozon's attribute list as rows of `ATTRIBUTE_SCHEMA`, each with its dictionary mode.

    Args:
        attributes: The reply of `/v1/description-category/attribute`.
        policy: Which attributes are always matched by search.
        search_before: Attributes an earlier walk found too long; they stay on search.
    """
    on_search = set(policy.search_attribute_ids) | set(search_before)
    rows = [
        {
            "attribute_id": a.id,
            "name": a.name,
            "description": a.description or None,
            "type": a.type,
            "is_required": a.is_required,
            "is_collection": a.is_collection,
            "max_value_count": a.max_value_count,
            "dictionary_id": a.dictionary_id,
            "dictionary_mode": "none"
            if not a.dictionary_id
            else "search"
            if a.id in on_search
            else "walked",
            "attribute_complex_id": a.attribute_complex_id,
            "group_name": a.group_name or None,
        }
        for a in attributes
    ]
    frame = pl.DataFrame(rows, schema=ATTRIBUTE_SCHEMA, orient="row")
    return frame.unique("attribute_id", keep="first", maintain_order=True)


def _change(
    pair: Pair, attribute_id: int, change: str, detail: str, value_id: int | None = None
) -> dict[str, object]:
    return {
        "description_category_id": pair[0],
        "type_id": pair[1],
        "attribute_id": attribute_id,
        "change": change,
        "value_id": value_id,
        "detail": detail,
    }


def diff_attributes(
    pair: Pair, stored: pl.DataFrame, current: pl.DataFrame
) -> tuple[list[int], pl.DataFrame]:
    """Attributes gone, and the drift between the stored and the current attribute lists.

    The first read of a pair records nothing: there is nothing to drift from.
    """
    changes: list[dict[str, object]] = []
    if stored.is_empty():
        return [], pl.DataFrame(schema=ATTRIBUTE_CHANGE_SCHEMA)
    old = {r["attribute_id"]: r for r in stored.iter_rows(named=True)}
    new = {r["attribute_id"]: r for r in current.iter_rows(named=True)}
    for attribute_id, row in new.items():
        before = old.get(attribute_id)
        name = row["name"]
        if before is None:
            if row["is_required"]:
                changes.append(
                    _change(
                        pair, attribute_id, "required_added", f"new required attribute «{name}»"
                    )
                )
            else:
                changes.append(
                    _change(pair, attribute_id, "attribute_added", f"new attribute «{name}»")
                )
        elif row["is_required"] and not before["is_required"]:
            changes.append(
                _change(pair, attribute_id, "required_added", f"«{name}» is now required")
            )
        elif before["is_required"] and not row["is_required"]:
            changes.append(
                _change(pair, attribute_id, "required_removed", f"«{name}» is no longer required")
            )
    removed = sorted(set(old) - set(new))
    for attribute_id in removed:
        changes.append(
            _change(
                pair, attribute_id, "attribute_removed", f"«{old[attribute_id]['name']}» removed"
            )
        )
    return removed, pl.DataFrame(changes, schema=ATTRIBUTE_CHANGE_SCHEMA, orient="row")


def _values_frame(page: Iterable[DictionaryValue]) -> pl.DataFrame:
    rows = [
        {
            "value_id": v.id,
            "value": v.value,
            "info": v.info or None,
            "picture": v.picture or None,
        }
        for v in page
    ]
    return pl.DataFrame(rows, schema=VALUE_SCHEMA, orient="row")


def walk_dictionary(
    client: OzonClient,
    repo: CatalogModelRepo,
    pair: Pair,
    attribute_id: int,
    policy: DictionaryPolicy,
    now: datetime,
) -> DictionaryWalk:
    """Download one dictionary page by page, storing each page, then close the walk.

    Pages are upserted as they arrive (a retried page changes nothing); only a walk that reached
    the end withdraws values Ozon stopped listing, so a walk cut short by an error never
    withdraws anything. A dictionary longer than `walk_limit` is switched to search.
    """
    known = repo.active_value_ids(pair, attribute_id)
    had_walk = bool(known)
    seen: set[int] = set()
    result = DictionaryWalk(attribute_id=attribute_id, mode="walked", page_size=policy.page_size)
    paged = client.catalog.attribute_values(
        attribute_id, pair[0], pair[1], "DEFAULT", page_size=policy.page_size
    )
    for page in paged.pages():
        result.requests += 1
        frame = _values_frame(page.result)
        repo.upsert_values(pair, attribute_id, frame, now)
        seen.update(frame["value_id"].to_list())
        if len(seen) > policy.walk_limit and page.has_next:
            log.info(
                "dictionary of attribute %s on %s passes %s values: matched by search from now on",
                attribute_id,
                pair,
                policy.walk_limit,
            )
            result.mode = "search"
            break
    result.values = len(seen)
    changes: list[dict[str, object]] = []
    withdrawn: list[int] = []
    if result.mode == "walked":
        withdrawn = sorted(known - seen)
        added = sorted(seen - known) if had_walk else []
        result.withdrawn, result.added = len(withdrawn), len(added)
        values = (
            repo.dictionary_values(pair, attribute_id, include_withdrawn=True)
            .filter(pl.col("value_id").is_in(withdrawn + added))
            .select("value_id", "value")
        )
        text = dict(values.iter_rows())
        changes += [
            _change(pair, attribute_id, "value_withdrawn", f"«{text.get(v, '')}» withdrawn", v)
            for v in withdrawn
        ]
        changes += [
            _change(pair, attribute_id, "value_added", f"«{text.get(v, '')}» added", v)
            for v in added
        ]
    repo.finish_walk(
        pair,
        attribute_id,
        withdrawn=withdrawn,
        changes=pl.DataFrame(changes, schema=ATTRIBUTE_CHANGE_SCHEMA, orient="row"),
        mode=result.mode,
        now=now,
    )
    return result


def _stale(at: datetime | None, max_age: timedelta, now: datetime) -> bool:
    return at is None or now - at >= max_age


def refresh_pair(
    client: OzonClient,
    repo: CatalogModelRepo,
    pair: Pair,
    policy: DictionaryPolicy,
    now: datetime,
    *,
    force: bool = False,
) -> PairRefresh:
    """Bring one pair's attributes and walked dictionaries up to date (stale parts only)."""
    report = PairRefresh(pair=pair)
    stored = repo.attributes(pair)
    fetched_at = repo.attributes_fetched_at(pair)
    if force or _stale(fetched_at, policy.attributes_max_age, now):
        reply = client.catalog.attributes(pair[0], pair[1])
        report.requests += 1
        search_before = stored.filter(
            (pl.col("dictionary_mode") == "search")
            & ~pl.col("attribute_id").is_in(list(policy.search_attribute_ids))
        )["attribute_id"].to_list()
        current = attributes_frame(reply, policy, search_before)
        removed, changes = diff_attributes(pair, stored, current)
        repo.save_attributes(pair, current, removed, changes, now)
        report.attributes_fetched = True
        report.drift += changes.height
        stored = repo.attributes(pair)
    report.attributes = stored.height
    report.required = int(stored["is_required"].sum() or 0)
    for row in stored.filter(pl.col("dictionary_mode") != "none").iter_rows(named=True):
        if row["dictionary_mode"] == "search":
            report.dictionaries_search += 1
            continue
        if not force and not _stale(row["values_fetched_at"], policy.values_max_age, now):
            report.dictionaries_skipped += 1
            continue
        walk = walk_dictionary(client, repo, pair, row["attribute_id"], policy, now)
        report.walks.append(walk)
        report.dictionaries_walked += 1
        report.values += walk.values
        report.requests += walk.requests
        report.drift += walk.added + walk.withdrawn
        if walk.mode == "search":
            report.dictionaries_search += 1
    return report
