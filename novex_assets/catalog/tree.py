"""Ozon's description-category tree, flattened to rows, and what changed since the last read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

import polars as pl
from pydantic import BaseModel, ConfigDict

from resources.ozon import OzonClient
from resources.ozon.models.catalog import CategoryNode
from resources.store.catalog_model import (
    CATEGORY_CHANGE_SCHEMA,
    CATEGORY_SCHEMA,
    CatalogModelRepo,
    Pair,
)

PATH_SEPARATOR = " > "
EXAMPLES = 20
_KEY = ["description_category_id", "type_id"]


def _walk(
    nodes: Iterable[CategoryNode], path: tuple[str, ...], parent_id: int, parent_disabled: bool
) -> Iterator[dict[str, object]]:
    for node in nodes:
        disabled = node.disabled or parent_disabled
        if node.is_type:
            # A type belongs to the last-level category above it: the pair products use.
            yield {
                "description_category_id": parent_id,
                "type_id": node.type_id,
                "category_name": path[-1] if path else "",
                "type_name": node.type_name,
                "path": PATH_SEPARATOR.join((*path, node.type_name)),
                "disabled": disabled,
            }
            continue
        own = (*path, node.category_name)
        yield {
            "description_category_id": node.description_category_id,
            "type_id": 0,
            "category_name": node.category_name,
            "type_name": None,
            "path": PATH_SEPARATOR.join(own),
            "disabled": disabled,
        }
        yield from _walk(node.children, own, node.description_category_id, disabled)


def flatten_tree(roots: Iterable[CategoryNode]) -> pl.DataFrame:
    """One row per category node (type_id 0) and per type leaf, in `CATEGORY_SCHEMA`.

    A node under a disabled category counts as disabled too: nothing can be created there.
    """
    rows = list(_walk(roots, (), 0, False))
    frame = pl.DataFrame(rows, schema=CATEGORY_SCHEMA, orient="row")
    # Ozon lists a type once per category; keep the first should a reply ever repeat one.
    return frame.unique(_KEY, keep="first", maintain_order=True)


def diff_tree(
    stored: pl.DataFrame, current: pl.DataFrame
) -> tuple[pl.DataFrame, list[Pair], pl.DataFrame]:
    """What to write after reading the tree again.

    Args:
        stored: The stored nodes (at least `CATEGORY_SCHEMA` + `removed_at`).
        current: The tree just read, from `flatten_tree`.

    Returns:
        (nodes to upsert: new or changed, pairs removed, change records). On the very first
        read nothing is recorded as a change: the whole tree being "new" tells nobody anything.
    """
    live = stored.filter(pl.col("removed_at").is_null()).select(list(CATEGORY_SCHEMA))
    if live.is_empty():
        return current, [], pl.DataFrame(schema=CATEGORY_CHANGE_SCHEMA)
    joined = current.join(live, on=_KEY, how="full", suffix="_old", coalesce=True)
    is_new = pl.col("path_old").is_null()
    is_gone = pl.col("path").is_null()
    own_name = pl.when(pl.col("type_id") == 0).then("category_name").otherwise("type_name")
    own_name_old = (
        pl.when(pl.col("type_id") == 0).then("category_name_old").otherwise("type_name_old")
    )
    joined = joined.with_columns(own_name.alias("__name"), own_name_old.alias("__name_old"))

    changes = pl.concat(
        [
            joined.filter(is_new).select(
                *_KEY,
                pl.lit("new").alias("change"),
                pl.lit(None, pl.String).alias("old_value"),
                pl.col("path").alias("new_value"),
            ),
            joined.filter(is_gone).select(
                *_KEY,
                pl.lit("removed").alias("change"),
                pl.col("path_old").alias("old_value"),
                pl.lit(None, pl.String).alias("new_value"),
            ),
            joined.filter(~is_new & ~is_gone & (pl.col("__name") != pl.col("__name_old"))).select(
                *_KEY,
                pl.lit("renamed").alias("change"),
                pl.col("__name_old").alias("old_value"),
                pl.col("__name").alias("new_value"),
            ),
            joined.filter(
                ~is_new & ~is_gone & (pl.col("disabled") != pl.col("disabled_old"))
            ).select(
                *_KEY,
                pl.when(pl.col("disabled"))
                .then(pl.lit("disabled"))
                .otherwise(pl.lit("enabled"))
                .alias("change"),
                pl.col("path_old").alias("old_value"),
                pl.col("path").alias("new_value"),
            ),
        ],
        how="vertical_relaxed",
    ).select(pl.col(n).cast(d) for n, d in CATEGORY_CHANGE_SCHEMA.items())

    changed = joined.filter(
        ~is_gone
        & (
            is_new
            | (pl.col("path") != pl.col("path_old"))
            | (pl.col("disabled") != pl.col("disabled_old"))
            | (pl.col("category_name") != pl.col("category_name_old"))
            | (pl.col("type_name").ne_missing(pl.col("type_name_old")))
        )
    ).select(list(CATEGORY_SCHEMA))
    removed = [(int(a), int(b)) for a, b in joined.filter(is_gone).select(_KEY).iter_rows()]
    return changed, removed, changes.sort(["change", *_KEY])


class TreeRefresh(BaseModel):
    """What one read of the tree found."""

    model_config = ConfigDict(frozen=True)

    nodes: int
    types: int
    disabled_types: int
    first_load: bool
    removed: int
    changes: dict[str, int]
    examples: list[str] = []  # the first changes, as staff would read them


def refresh_tree(client: OzonClient, repo: CatalogModelRepo, now: datetime) -> TreeRefresh:
    """Read Ozon's tree in Russian, store what is new or changed and record the changes."""
    current = flatten_tree(client.catalog.tree("DEFAULT"))
    stored = repo.categories()
    upserts, removed, changes = diff_tree(stored, current)
    repo.save_tree(upserts, removed, changes, now)
    types = current.filter(pl.col("type_id") != 0)
    counts = changes["change"].value_counts().iter_rows() if changes.height else []
    return TreeRefresh(
        nodes=current.height,
        types=types.height,
        disabled_types=int(types["disabled"].sum() or 0),
        first_load=stored.is_empty(),
        removed=len(removed),
        changes={str(kind): int(n) for kind, n in counts},
        examples=[
            f"{r['change']} {r['description_category_id']}:{r['type_id']}: "
            f"{r['old_value'] or '—'} → {r['new_value'] or '—'}"
            for r in changes.head(EXAMPLES).iter_rows(named=True)
        ],
    )
