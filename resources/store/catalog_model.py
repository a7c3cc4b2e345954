"""Ozon's category model as Novex uses it, the category mapping, and Art-Trade's content.

Storage only: what changed (tree, attributes, dictionary values) is decided by the catalog
logic in `novex_assets.catalog` and written here in one transaction with its change records,
so a change is never recorded without the state it describes, nor the other way round.
A pair is `(description_category_id, type_id)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import polars as pl
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Engine

from resources.store import tables as t
from resources.store.bulk import TIMESTAMP, chunks, fetch_frame, require_columns, write_frame

Pair = tuple[int, int]

CATEGORY_SCHEMA: dict[str, pl.DataType] = {
    "description_category_id": pl.Int64(),
    "type_id": pl.Int64(),  # 0 for a category node
    "category_name": pl.String(),
    "type_name": pl.String(),
    "path": pl.String(),
    "disabled": pl.Boolean(),
}
"""A flattened tree node as the tree logic produces it."""

STORED_CATEGORY_SCHEMA: dict[str, pl.DataType] = {
    **CATEGORY_SCHEMA,
    "first_seen_at": TIMESTAMP,
    "updated_at": TIMESTAMP,
    "removed_at": TIMESTAMP,
}

CATEGORY_CHANGE_SCHEMA: dict[str, pl.DataType] = {
    "description_category_id": pl.Int64(),
    "type_id": pl.Int64(),
    "change": pl.String(),
    "old_value": pl.String(),
    "new_value": pl.String(),
}

ATTRIBUTE_SCHEMA: dict[str, pl.DataType] = {
    "attribute_id": pl.Int64(),
    "name": pl.String(),
    "description": pl.String(),
    "type": pl.String(),
    "is_required": pl.Boolean(),
    "is_collection": pl.Boolean(),
    "max_value_count": pl.Int64(),
    "dictionary_id": pl.Int64(),  # 0 = free value
    "dictionary_mode": pl.String(),  # none | walked | search
    "attribute_complex_id": pl.Int64(),
    "group_name": pl.String(),
}
"""One pair's attributes as Ozon lists them, with how their dictionary is matched."""

STORED_ATTRIBUTE_SCHEMA: dict[str, pl.DataType] = {
    "description_category_id": pl.Int64(),
    "type_id": pl.Int64(),
    **ATTRIBUTE_SCHEMA,
    "fetched_at": TIMESTAMP,
    "values_fetched_at": TIMESTAMP,
    "removed_at": TIMESTAMP,
}

VALUE_SCHEMA: dict[str, pl.DataType] = {
    "value_id": pl.Int64(),
    "value": pl.String(),
    "info": pl.String(),
    "picture": pl.String(),
}
"""Dictionary values of one (pair, attribute)."""

STORED_VALUE_SCHEMA: dict[str, pl.DataType] = {
    "description_category_id": pl.Int64(),
    "type_id": pl.Int64(),
    "attribute_id": pl.Int64(),
    **VALUE_SCHEMA,
    "fetched_at": TIMESTAMP,
    "withdrawn_at": TIMESTAMP,
}

ATTRIBUTE_CHANGE_SCHEMA: dict[str, pl.DataType] = {
    "description_category_id": pl.Int64(),
    "type_id": pl.Int64(),
    "attribute_id": pl.Int64(),
    "change": pl.String(),
    "value_id": pl.Int64(),
    "detail": pl.String(),
}

STORED_ATTRIBUTE_CHANGE_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "seen_at": TIMESTAMP,
    **ATTRIBUTE_CHANGE_SCHEMA,
}

MAPPING_SCHEMA: dict[str, pl.DataType] = {
    "novex_category_code": pl.String(),
    "description_category_id": pl.Int64(),
    "type_id": pl.Int64(),
    "novex_category_name": pl.String(),
    "status": pl.String(),  # suggested | confirmed | rejected
    "score": pl.Float64(),
    "rank": pl.Int64(),
    "reason": pl.String(),
    "decided_by": pl.String(),
    "decided_at": TIMESTAMP,
    "note": pl.String(),
}

STORED_MAPPING_SCHEMA: dict[str, pl.DataType] = {**MAPPING_SCHEMA, "updated_at": TIMESTAMP}

CONFIRMED_MAPPING_SCHEMA: dict[str, pl.DataType] = {
    "novex_category_code": pl.String(),
    "novex_category_name": pl.String(),
    "description_category_id": pl.Int64(),
    "type_id": pl.Int64(),
    "path": pl.String(),  # Ozon's path of the pair; null if the tree no longer has it
    "decided_by": pl.String(),
    "decided_at": TIMESTAMP,
}

ARTTRADE_CONTENT_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "name": pl.String(),
    "description": pl.String(),
    "image_urls": pl.List(pl.String()),
    "file": pl.String(),
    "line": pl.Int64(),
    "loaded_at": TIMESTAMP,
}

ARTTRADE_CHARACTERISTICS_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "attribute_name": pl.String(),
    "value": pl.String(),
    "file": pl.String(),
    "line": pl.Int64(),
    "loaded_at": TIMESTAMP,
}

_PAIR_COLUMNS = ("description_category_id", "type_id")


class CachedSearch(BaseModel):
    """A remembered answer of Ozon's dictionary search; `value_id` None = Ozon had no match."""

    model_config = ConfigDict(frozen=True)

    value_id: int | None
    value: str | None
    searched_at: datetime


def _with_time(frame: pl.DataFrame, **columns: datetime | None) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(value, dtype=TIMESTAMP).alias(name) for name, value in columns.items()
    )


def _pair_where(table: sa.Table, pair: Pair) -> sa.ColumnElement[bool]:
    return sa.and_(table.c.description_category_id == pair[0], table.c.type_id == pair[1])


class CatalogModelRepo:
    """Ozon's tree, attributes, dictionaries and search cache; category mapping; Art-Trade."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # ---------------------------------------------------------------- tree

    def categories(self, *, include_removed: bool = False) -> pl.DataFrame:
        """Stored tree nodes (`STORED_CATEGORY_SCHEMA`), by path."""
        c = t.ozon_categories
        query = sa.select(*(c.c[n] for n in STORED_CATEGORY_SCHEMA)).order_by(c.c.path)
        if not include_removed:
            query = query.where(c.c.removed_at.is_(None))
        with self._engine.connect() as conn:
            return fetch_frame(conn, query, STORED_CATEGORY_SCHEMA)

    def save_tree(
        self,
        upserts: pl.DataFrame,
        removed: Sequence[Pair],
        changes: pl.DataFrame,
        now: datetime,
    ) -> None:
        """Write new and changed nodes, mark removed ones, record the changes: all or nothing.

        Args:
            upserts: Nodes in `CATEGORY_SCHEMA` that are new or differ from what is stored.
            removed: Pairs Ozon no longer lists.
            changes: `CATEGORY_CHANGE_SCHEMA` rows describing them.
            now: The refresh time (first_seen_at of new nodes, updated_at, seen_at).
        """
        require_columns(upserts, list(CATEGORY_SCHEMA), "save_tree")
        c = t.ozon_categories
        rows = _with_time(
            upserts.select(list(CATEGORY_SCHEMA)),
            first_seen_at=now,
            updated_at=now,
            removed_at=None,
        )
        with self._engine.begin() as conn:
            write_frame(
                conn,
                c,
                rows,
                keys=list(_PAIR_COLUMNS),
                update=[
                    "category_name",
                    "type_name",
                    "path",
                    "disabled",
                    "updated_at",
                    "removed_at",
                ],
            )
            for pair in removed:
                conn.execute(
                    sa.update(c).where(_pair_where(c, pair)).values(removed_at=now, updated_at=now)
                )
            if changes.height:
                write_frame(
                    conn,
                    t.ozon_category_changes,
                    _with_time(changes.select(list(CATEGORY_CHANGE_SCHEMA)), seen_at=now),
                )

    def category_changes(self, since: datetime | None = None) -> pl.DataFrame:
        """Recorded tree changes (oldest first), optionally only those seen after `since`."""
        ch = t.ozon_category_changes
        schema = {"id": pl.Int64(), "seen_at": TIMESTAMP, **CATEGORY_CHANGE_SCHEMA}
        query = sa.select(*(ch.c[n] for n in schema)).order_by(ch.c.id)
        if since is not None:
            query = query.where(ch.c.seen_at > since)
        with self._engine.connect() as conn:
            return fetch_frame(conn, query, schema)

    def leaf_pairs(self) -> pl.DataFrame:
        """Type leaves products can be created on: not disabled, not removed."""
        tree = self.categories()
        return tree.filter((pl.col("type_id") != 0) & ~pl.col("disabled"))

    # ---------------------------------------------------------------- attributes

    def attributes(
        self, pair: Pair | None = None, *, include_removed: bool = False
    ) -> pl.DataFrame:
        """Stored attributes (`STORED_ATTRIBUTE_SCHEMA`) of one pair, or of every pair."""
        a = t.ozon_attributes
        query = sa.select(*(a.c[n] for n in STORED_ATTRIBUTE_SCHEMA)).order_by(
            a.c.description_category_id, a.c.type_id, a.c.attribute_id
        )
        if pair is not None:
            query = query.where(_pair_where(a, pair))
        if not include_removed:
            query = query.where(a.c.removed_at.is_(None))
        with self._engine.connect() as conn:
            return fetch_frame(conn, query, STORED_ATTRIBUTE_SCHEMA)

    def attributes_fetched_at(self, pair: Pair) -> datetime | None:
        """When the pair's attributes were last fetched; None if never."""
        a = t.ozon_attributes
        query = sa.select(sa.func.min(a.c.fetched_at)).where(
            _pair_where(a, pair), a.c.removed_at.is_(None)
        )
        with self._engine.connect() as conn:
            found: datetime | None = conn.execute(query).scalar_one_or_none()
        return found

    def save_attributes(
        self,
        pair: Pair,
        attributes: pl.DataFrame,
        removed: Sequence[int],
        changes: pl.DataFrame,
        now: datetime,
    ) -> None:
        """Replace a pair's attributes with Ozon's current list and record the drift, atomically.

        `values_fetched_at` of an attribute that stays is kept, so its dictionary is not walked
        again before it is due.
        """
        require_columns(attributes, list(ATTRIBUTE_SCHEMA), "save_attributes")
        a = t.ozon_attributes
        rows = _with_time(
            attributes.select(list(ATTRIBUTE_SCHEMA)).with_columns(
                pl.lit(pair[0], dtype=pl.Int64).alias("description_category_id"),
                pl.lit(pair[1], dtype=pl.Int64).alias("type_id"),
            ),
            fetched_at=now,
            removed_at=None,
        )
        with self._engine.begin() as conn:
            write_frame(
                conn,
                a,
                rows,
                keys=[*_PAIR_COLUMNS, "attribute_id"],
                update=[
                    *(c for c in ATTRIBUTE_SCHEMA if c != "attribute_id"),
                    "fetched_at",
                    "removed_at",
                ],
            )
            for batch in chunks(list(removed)):
                conn.execute(
                    sa.update(a)
                    .where(_pair_where(a, pair), a.c.attribute_id.in_(batch))
                    .values(removed_at=now)
                )
            self._record_attribute_changes(conn, changes, now)

    def _record_attribute_changes(
        self, conn: sa.Connection, changes: pl.DataFrame, now: datetime
    ) -> None:
        if changes.height:
            write_frame(
                conn,
                t.ozon_attribute_changes,
                _with_time(
                    changes.select(pl.col(n).cast(d) for n, d in ATTRIBUTE_CHANGE_SCHEMA.items()),
                    seen_at=now,
                ),
            )

    def attribute_changes(
        self, since: datetime | None = None, *, unflagged: bool = False
    ) -> pl.DataFrame:
        """Drift events (`STORED_ATTRIBUTE_CHANGE_SCHEMA`, oldest first) seen after `since`.

        With `unflagged`, only the events whose cards were not flagged yet.
        """
        ch = t.ozon_attribute_changes
        query = sa.select(*(ch.c[n] for n in STORED_ATTRIBUTE_CHANGE_SCHEMA)).order_by(ch.c.id)
        if since is not None:
            query = query.where(ch.c.seen_at > since)
        if unflagged:
            query = query.where(ch.c.cards_flagged_at.is_(None))
        with self._engine.connect() as conn:
            return fetch_frame(conn, query, STORED_ATTRIBUTE_CHANGE_SCHEMA)

    # ---------------------------------------------------------------- dictionary values

    def dictionary_values(
        self, pair: Pair, attribute_id: int, *, include_withdrawn: bool = False
    ) -> pl.DataFrame:
        """Values of one (pair, attribute) dictionary (`STORED_VALUE_SCHEMA`), by value_id."""
        v = t.ozon_dictionary_values
        query = (
            sa.select(*(v.c[n] for n in STORED_VALUE_SCHEMA))
            .where(_pair_where(v, pair), v.c.attribute_id == attribute_id)
            .order_by(v.c.value_id)
        )
        if not include_withdrawn:
            query = query.where(v.c.withdrawn_at.is_(None))
        with self._engine.connect() as conn:
            return fetch_frame(conn, query, STORED_VALUE_SCHEMA)

    def all_dictionary_values(self, pairs: Iterable[Pair] | None = None) -> pl.DataFrame:
        """Current values of every walked dictionary, optionally only of some pairs."""
        v = t.ozon_dictionary_values
        query = (
            sa.select(*(v.c[n] for n in STORED_VALUE_SCHEMA))
            .where(v.c.withdrawn_at.is_(None))
            .order_by(v.c.description_category_id, v.c.type_id, v.c.attribute_id, v.c.value_id)
        )
        with self._engine.connect() as conn:
            frame = fetch_frame(conn, query, STORED_VALUE_SCHEMA)
        if pairs is not None:
            wanted = pl.DataFrame(
                list(pairs),
                schema={"description_category_id": pl.Int64, "type_id": pl.Int64},
                orient="row",
            )
            frame = frame.join(wanted, on=list(_PAIR_COLUMNS), how="semi")
        return frame

    def active_value_ids(self, pair: Pair, attribute_id: int) -> set[int]:
        """Ids of the values currently held (not withdrawn) for a (pair, attribute)."""
        v = t.ozon_dictionary_values
        query = sa.select(v.c.value_id).where(
            _pair_where(v, pair), v.c.attribute_id == attribute_id, v.c.withdrawn_at.is_(None)
        )
        with self._engine.connect() as conn:
            return {int(x) for x in conn.execute(query).scalars()}

    def upsert_values(
        self, pair: Pair, attribute_id: int, values: pl.DataFrame, now: datetime
    ) -> int:
        """Store one page of a dictionary walk (idempotent: a page sent twice changes nothing)."""
        require_columns(values, list(VALUE_SCHEMA), "upsert_values")
        rows = _with_time(
            values.select(list(VALUE_SCHEMA)).with_columns(
                pl.lit(pair[0], dtype=pl.Int64).alias("description_category_id"),
                pl.lit(pair[1], dtype=pl.Int64).alias("type_id"),
                pl.lit(attribute_id, dtype=pl.Int64).alias("attribute_id"),
            ),
            fetched_at=now,
            withdrawn_at=None,
        )
        with self._engine.begin() as conn:
            return write_frame(
                conn,
                t.ozon_dictionary_values,
                rows,
                keys=[*_PAIR_COLUMNS, "attribute_id", "value_id"],
                update=["value", "info", "picture", "fetched_at", "withdrawn_at"],
            )

    def finish_walk(
        self,
        pair: Pair,
        attribute_id: int,
        *,
        withdrawn: Sequence[int],
        changes: pl.DataFrame,
        mode: str,
        now: datetime,
    ) -> None:
        """Close a complete walk: withdraw values Ozon no longer lists, record drift, stamp it."""
        v, a = t.ozon_dictionary_values, t.ozon_attributes
        with self._engine.begin() as conn:
            for batch in chunks(list(withdrawn)):
                conn.execute(
                    sa.update(v)
                    .where(
                        _pair_where(v, pair),
                        v.c.attribute_id == attribute_id,
                        v.c.value_id.in_(batch),
                    )
                    .values(withdrawn_at=now)
                )
            conn.execute(
                sa.update(a)
                .where(_pair_where(a, pair), a.c.attribute_id == attribute_id)
                .values(values_fetched_at=now, dictionary_mode=mode)
            )
            self._record_attribute_changes(conn, changes, now)

    # ---------------------------------------------------------------- search cache

    def cached_search(self, pair: Pair, attribute_id: int, query_norm: str) -> CachedSearch | None:
        """The remembered search answer for a normalised query, if any."""
        s = t.ozon_dictionary_search_cache
        query = sa.select(s.c.value_id, s.c.value, s.c.searched_at).where(
            _pair_where(s, pair), s.c.attribute_id == attribute_id, s.c.query_norm == query_norm
        )
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return CachedSearch(value_id=row.value_id, value=row.value, searched_at=row.searched_at)

    def remember_search(
        self,
        pair: Pair,
        attribute_id: int,
        query_norm: str,
        value_id: int | None,
        value: str | None,
        now: datetime,
    ) -> None:
        """Cache a search answer (a miss too)."""
        frame = pl.DataFrame(
            {
                "description_category_id": [pair[0]],
                "type_id": [pair[1]],
                "attribute_id": [attribute_id],
                "query_norm": [query_norm],
                "value_id": [value_id],
                "value": [value],
                "searched_at": [now],
            },
            schema={
                "description_category_id": pl.Int64,
                "type_id": pl.Int64,
                "attribute_id": pl.Int64,
                "query_norm": pl.String,
                "value_id": pl.Int64,
                "value": pl.String,
                "searched_at": TIMESTAMP,
            },
        )
        with self._engine.begin() as conn:
            write_frame(
                conn,
                t.ozon_dictionary_search_cache,
                frame,
                keys=[*_PAIR_COLUMNS, "attribute_id", "query_norm"],
            )

    def search_cache(self) -> pl.DataFrame:
        """The whole search cache (for bulk lookups by the card merge)."""
        s = t.ozon_dictionary_search_cache
        schema = {
            "description_category_id": pl.Int64(),
            "type_id": pl.Int64(),
            "attribute_id": pl.Int64(),
            "query_norm": pl.String(),
            "value_id": pl.Int64(),
            "value": pl.String(),
            "searched_at": TIMESTAMP,
        }
        with self._engine.connect() as conn:
            return fetch_frame(conn, sa.select(*(s.c[n] for n in schema)), schema)

    # ---------------------------------------------------------------- category mapping

    def mapping(self) -> pl.DataFrame:
        """Every mapping row (`STORED_MAPPING_SCHEMA`), by category, status and rank."""
        m = t.category_mapping
        query = sa.select(*(m.c[n] for n in STORED_MAPPING_SCHEMA)).order_by(
            m.c.novex_category_code, m.c.status, m.c.rank, m.c.description_category_id, m.c.type_id
        )
        with self._engine.connect() as conn:
            return fetch_frame(conn, query, STORED_MAPPING_SCHEMA)

    def confirmed_mapping(self) -> pl.DataFrame:
        """Novex category -> its one confirmed Ozon pair (`CONFIRMED_MAPPING_SCHEMA`).

        Only these are exported; a suggested or rejected row never is.
        """
        m, c = t.category_mapping, t.ozon_categories
        query = (
            sa.select(
                m.c.novex_category_code,
                m.c.novex_category_name,
                m.c.description_category_id,
                m.c.type_id,
                c.c.path,
                m.c.decided_by,
                m.c.decided_at,
            )
            .select_from(
                m.outerjoin(
                    c,
                    sa.and_(
                        c.c.description_category_id == m.c.description_category_id,
                        c.c.type_id == m.c.type_id,
                        c.c.removed_at.is_(None),
                    ),
                )
            )
            .where(m.c.status == "confirmed")
            .order_by(m.c.novex_category_code)
        )
        with self._engine.connect() as conn:
            return fetch_frame(conn, query, CONFIRMED_MAPPING_SCHEMA)

    def confirmed_pairs(self) -> list[Pair]:
        """Distinct Ozon pairs some Novex category is confirmed on, sorted."""
        frame = self.confirmed_mapping()
        pairs = frame.select(_PAIR_COLUMNS).unique().sort(list(_PAIR_COLUMNS))
        return [(int(a), int(b)) for a, b in pairs.iter_rows()]

    def replace_mapping(self, frame: pl.DataFrame, now: datetime) -> int:
        """Make the stored mapping exactly `frame` (an imported, validated file)."""
        require_columns(frame, list(MAPPING_SCHEMA), "replace_mapping")
        rows = _with_time(
            frame.select(pl.col(n).cast(d) for n, d in MAPPING_SCHEMA.items()), updated_at=now
        )
        with self._engine.begin() as conn:
            conn.execute(sa.delete(t.category_mapping))
            return write_frame(conn, t.category_mapping, rows)

    def replace_suggestions(
        self, categories: Sequence[str], suggestions: pl.DataFrame, now: datetime
    ) -> int:
        """Replace the open suggestions of `categories`; confirmed and rejected rows stay."""
        m = t.category_mapping
        rows = _with_time(
            suggestions.select(pl.col(n).cast(d) for n, d in MAPPING_SCHEMA.items()),
            updated_at=now,
        )
        with self._engine.begin() as conn:
            for batch in chunks(list(categories)):
                conn.execute(
                    sa.delete(m).where(
                        m.c.status == "suggested", m.c.novex_category_code.in_(batch)
                    )
                )
            return write_frame(conn, m, rows)

    # ---------------------------------------------------------------- Art-Trade

    def replace_arttrade(
        self, content: pl.DataFrame, characteristics: pl.DataFrame, now: datetime
    ) -> dict[str, int]:
        """Make the stored Art-Trade content the given export (an offer dropped from it goes).

        Returns counts of rows written per table.
        """
        require_columns(
            content, ["offer_id", "name", "description", "image_urls", "file", "line"], "content"
        )
        require_columns(
            characteristics,
            ["offer_id", "attribute_name", "value", "file", "line"],
            "characteristics",
        )
        content_rows = _with_time(
            content.select(
                "offer_id",
                "name",
                "description",
                # JSON text of the list, vectorised: {"image_urls":[...]} minus the wrapper.
                pl.struct("image_urls")
                .struct.json_encode()
                .str.strip_prefix('{"image_urls":')
                .str.strip_suffix("}")
                .alias("image_urls"),
                "file",
                "line",
            ),
            loaded_at=now,
        )
        char_rows = _with_time(
            characteristics.select("offer_id", "attribute_name", "value", "file", "line"),
            loaded_at=now,
        )
        with self._engine.begin() as conn:
            conn.execute(sa.delete(t.arttrade_characteristics))
            conn.execute(sa.delete(t.arttrade_content))
            written = write_frame(conn, t.arttrade_content, content_rows)
            chars = write_frame(conn, t.arttrade_characteristics, char_rows)
        return {"content": written, "characteristics": chars}

    def arttrade_content(self) -> pl.DataFrame:
        """Art-Trade content per offer (`ARTTRADE_CONTENT_SCHEMA`; image_urls as a list)."""
        a = t.arttrade_content
        raw_schema = {**ARTTRADE_CONTENT_SCHEMA, "image_urls": pl.String()}
        query = sa.select(*(a.c[n] for n in raw_schema)).order_by(a.c.offer_id)
        with self._engine.connect() as conn:
            frame = fetch_frame(conn, query, raw_schema)
        return frame.with_columns(
            pl.col("image_urls").str.json_decode(pl.List(pl.String())).fill_null([])
        ).select(list(ARTTRADE_CONTENT_SCHEMA))

    def arttrade_characteristics(self) -> pl.DataFrame:
        """Art-Trade characteristics (`ARTTRADE_CHARACTERISTICS_SCHEMA`)."""
        a = t.arttrade_characteristics
        query = sa.select(*(a.c[n] for n in ARTTRADE_CHARACTERISTICS_SCHEMA)).order_by(
            a.c.offer_id, a.c.attribute_name
        )
        with self._engine.connect() as conn:
            return fetch_frame(conn, query, ARTTRADE_CHARACTERISTICS_SCHEMA)


__all__ = [
    "ARTTRADE_CHARACTERISTICS_SCHEMA",
    "ARTTRADE_CONTENT_SCHEMA",
    "ATTRIBUTE_CHANGE_SCHEMA",
    "ATTRIBUTE_SCHEMA",
    "CATEGORY_CHANGE_SCHEMA",
    "CATEGORY_SCHEMA",
    "CONFIRMED_MAPPING_SCHEMA",
    "MAPPING_SCHEMA",
    "VALUE_SCHEMA",
    "CachedSearch",
    "CatalogModelRepo",
    "Pair",
]
