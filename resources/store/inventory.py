"""Products, computed stock and prices, what Ozon accepted, sync errors and reservations.

The accepted-state tables hold only what Ozon confirmed, so "what to send" is always the
difference between computed levels and accepted state; rejected items stay different and are
retried on the next run without a separate queue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from resources.store import tables as t
from resources.store.bulk import (
    IN_LIST_CHUNK,
    MONEY,
    TIMESTAMP,
    chunks,
    fetch_frame,
    require_columns,
    typed,
    write_frame,
)

DEFERRED_CODE = "LOCAL_RATE_LIMIT"
_PREVIOUS_BY_ID_LIMIT = 2_000

# Ozon posting statuses after which the goods have left (or will never leave) the warehouse, so
# they no longer reduce what may be published. Anything else, including statuses Ozon adds later,
# counts as reserved: overselling is worse than briefly under-publishing.
CLOSED_ORDER_STATUSES = frozenset(
    {
        "cancelled",
        "cancelled_from_split_pending",
        "not_accepted",
        "delivering",
        "driver_pickup",
        "sent_by_seller",
        "delivered",
        "arbitration",
        "client_arbitration",
        "shipped",
    }
)

PRODUCT_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "barcode": pl.String(),
    "name": pl.String(),
    "brand": pl.String(),
    "category_code": pl.String(),
    "category_name": pl.String(),
    "vat": pl.String(),
    "weight_g": pl.Int64(),
    "length_mm": pl.Int64(),
    "width_mm": pl.Int64(),
    "height_mm": pl.Int64(),
    "base_price": MONEY(),
    "ozon_enabled": pl.Boolean(),
}
PRODUCTS_OUT = {
    **PRODUCT_SCHEMA,
    "ozon_product_id": pl.Int64(),
    "ozon_sku": pl.Int64(),
    "updated_at": TIMESTAMP,
}
STOCK_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "warehouse_id": pl.Int64(),
    "stock": pl.Int64(),
}
PRICE_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "price": MONEY(),
    "old_price": MONEY(),
    "min_price": MONEY(),
}
REJECT_SCHEMA: dict[str, pl.DataType] = {"code": pl.String(), "message": pl.String()}
RESERVATION_SCHEMA: dict[str, pl.DataType] = {
    "posting_number": pl.String(),
    "offer_id": pl.String(),
    "warehouse_id": pl.Int64(),
    "quantity": pl.Int64(),
    "status": pl.String(),
}
SYNC_ERROR_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "kind": pl.String(),
    "offer_id": pl.String(),
    "warehouse_id": pl.Int64(),
    "payload": pl.String(),
    "code": pl.String(),
    "message": pl.String(),
    "attempts": pl.Int64(),
    "first_seen_at": TIMESTAMP,
    "last_seen_at": TIMESTAMP,
}


@dataclass(frozen=True)
class _SyncKind:
    """What differs between recording stock results and price results."""

    kind: str
    state: sa.Table
    schema: dict[str, pl.DataType]
    keys: tuple[str, ...]
    values: tuple[str, ...]
    render: Callable[[Sequence[str]], pl.Expr]


def _render_stock(columns: Sequence[str]) -> pl.Expr:
    return pl.col(columns[0]).cast(pl.String)


def _render_price(columns: Sequence[str]) -> pl.Expr:
    fields = [
        pl.col(c).round(2).alias(name)
        for c, name in zip(columns, ("price", "old_price", "min_price"), strict=True)
    ]
    return pl.when(pl.col(columns[0]).is_not_null()).then(pl.struct(fields).struct.json_encode())


_STOCK = _SyncKind(
    "stock",
    t.ozon_stock_state,
    STOCK_SCHEMA,
    ("offer_id", "warehouse_id"),
    ("stock",),
    _render_stock,
)
_PRICE = _SyncKind(
    "price",
    t.ozon_price_state,
    PRICE_SCHEMA,
    ("offer_id",),
    ("price", "old_price", "min_price"),
    _render_price,
)


def _empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


class InventoryRepo:
    """Reads and writes of the inventory slice; every write is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- products -------------------------------------------------------------------------

    def upsert_products(self, frame: pl.DataFrame) -> dict[str, int]:
        """Insert new products and update changed ones; unchanged rows keep their `updated_at`.

        Only the product columns present in `frame` are written, so a source that lacks, say,
        dimensions does not wipe them. Returns counts `inserted`, `updated`, `unchanged`.
        """
        require_columns(frame, ["offer_id"], "products")
        if frame["offer_id"].null_count():
            raise ValueError("products: offer_id must not be empty")
        schema = {c: d for c, d in PRODUCT_SCHEMA.items() if c in frame.columns}
        incoming = frame.select([pl.col(c).cast(d) for c, d in schema.items()]).unique(
            "offer_id", keep="last", maintain_order=True
        )
        compared = [c for c in schema if c != "offer_id"]
        with self._engine.begin() as conn:
            existing = fetch_frame(
                conn,
                sa.select(*(t.products.c[c] for c in schema)),
                schema,
            )
            joined = incoming.join(
                existing.with_columns(pl.lit(True).alias("__known")),
                on="offer_id",
                how="left",
                suffix="__old",
            )
            changed = pl.lit(False)
            for c in compared:
                new, old = pl.col(c), pl.col(f"{c}__old")
                if schema[c] == MONEY():
                    new, old = new.round(2), old.round(2)
                changed = changed | new.ne_missing(old)
            is_new = pl.col("__known").is_null()
            flagged = joined.with_columns(is_new.alias("__new"), (~is_new & changed).alias("__chg"))
            inserted = int(flagged["__new"].sum())
            updated = int(flagged["__chg"].sum())
            to_write = flagged.filter(pl.col("__new") | pl.col("__chg")).select(list(schema))
            if "ozon_enabled" not in to_write.columns:
                # The column is NOT NULL: new products are not for sale until a source says so;
                # existing ones keep their flag because it is not in the update list.
                to_write = to_write.with_columns(pl.lit(False).alias("ozon_enabled"))
            else:
                to_write = to_write.with_columns(pl.col("ozon_enabled").fill_null(False))
            write_frame(
                conn,
                t.products,
                to_write.with_columns(pl.lit(t.utcnow()).alias("updated_at")),
                keys=["offer_id"],
                update=[*compared, "updated_at"],
            )
        return {
            "inserted": inserted,
            "updated": updated,
            "unchanged": incoming.height - inserted - updated,
        }

    def products(self) -> pl.DataFrame:
        """All products with their Ozon ids (null until the catalogue flow learns them)."""
        with self._engine.connect() as conn:
            return fetch_frame(
                conn,
                sa.select(*(t.products.c[c] for c in PRODUCTS_OUT)).order_by(t.products.c.offer_id),
                PRODUCTS_OUT,
            )

    def set_ozon_ids(self, frame: pl.DataFrame) -> None:
        """Remember Ozon's product_id and SKU per offer; unknown offers are ignored."""
        require_columns(frame, ["offer_id", "ozon_product_id", "ozon_sku"], "ozon ids")
        rows = frame.select(
            pl.col("offer_id").cast(pl.String).alias("b_offer_id"),
            pl.col("ozon_product_id").cast(pl.Int64).alias("b_product_id"),
            pl.col("ozon_sku").cast(pl.Int64).alias("b_sku"),
        ).to_dicts()
        stmt = (
            sa.update(t.products)
            .where(t.products.c.offer_id == sa.bindparam("b_offer_id"))
            .values(ozon_product_id=sa.bindparam("b_product_id"), ozon_sku=sa.bindparam("b_sku"))
        )
        with self._engine.begin() as conn:
            for part in chunks(rows, 10_000):
                conn.execute(stmt, list(part))

    # --- computed levels ------------------------------------------------------------------

    def _replace(
        self, table: sa.Table, frame: pl.DataFrame, schema: dict[str, pl.DataType], keys: list[str]
    ) -> int:
        require_columns(frame, list(schema), table.name)
        levels = typed(frame, schema)
        duplicates = levels.filter(levels.select(keys).is_duplicated())
        if duplicates.height:
            sample = duplicates.select(keys).unique().head(3).rows()
            raise ValueError(f"{table.name}: duplicate keys {keys}, e.g. {sample}")
        levels = levels.with_columns(pl.lit(t.utcnow()).alias("computed_at"))
        # One transaction: readers see the old levels or the new ones, never a half-written set.
        with self._engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Two runs replacing at once would each insert into the other's emptied table
                # (a key violation): one replaces, then the other.
                conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(hashtext(:n))"), {"n": table.name}
                )
            conn.execute(sa.delete(table))
            return write_frame(conn, table, levels)

    def replace_stock_levels(self, frame: pl.DataFrame) -> int:
        """Replace all computed stock levels [offer_id, warehouse_id, stock]; returns rows."""
        return self._replace(t.stock_levels, frame, STOCK_SCHEMA, ["offer_id", "warehouse_id"])

    def stock_levels(self) -> pl.DataFrame:
        """Computed stock per (offer, Ozon warehouse) with `computed_at`."""
        return self._read(t.stock_levels, {**STOCK_SCHEMA, "computed_at": TIMESTAMP})

    def replace_price_levels(self, frame: pl.DataFrame) -> int:
        """Replace all computed prices [offer_id, price, old_price, min_price]; returns rows."""
        return self._replace(t.price_levels, frame, PRICE_SCHEMA, ["offer_id"])

    def price_levels(self) -> pl.DataFrame:
        """Computed price, old price and minimum per offer with `computed_at`."""
        return self._read(t.price_levels, {**PRICE_SCHEMA, "computed_at": TIMESTAMP})

    def _read(self, table: sa.Table, schema: dict[str, pl.DataType]) -> pl.DataFrame:
        pk = list(table.primary_key.columns)
        with self._engine.connect() as conn:
            return fetch_frame(conn, sa.select(*(table.c[c] for c in schema)).order_by(*pk), schema)

    # --- what Ozon accepted ---------------------------------------------------------------

    def ozon_stock_state(self) -> pl.DataFrame:
        """Stock Ozon last accepted per (offer, warehouse) with `accepted_at`."""
        return self._read(t.ozon_stock_state, {**STOCK_SCHEMA, "accepted_at": TIMESTAMP})

    def ozon_price_state(self) -> pl.DataFrame:
        """Prices Ozon last accepted per offer with `accepted_at`."""
        return self._read(t.ozon_price_state, {**PRICE_SCHEMA, "accepted_at": TIMESTAMP})

    def correct_ozon_stock_state(self, frame: pl.DataFrame) -> int:
        """Overwrite accepted stock with what Ozon actually shows (drift correction)."""
        return self._correct(_STOCK, frame)

    def correct_ozon_price_state(self, frame: pl.DataFrame) -> int:
        """Overwrite accepted prices with what Ozon actually shows (drift correction)."""
        return self._correct(_PRICE, frame)

    def forget_ozon_stock_state(self, frame: pl.DataFrame) -> int:
        """Drop accepted stock for [offer_id, warehouse_id] pairs so they are sent again."""
        return self._forget(_STOCK, frame)

    def forget_ozon_price_state(self, frame: pl.DataFrame) -> int:
        """Drop accepted prices for [offer_id] so they are sent again."""
        return self._forget(_PRICE, frame)

    def _correct(self, spec: _SyncKind, frame: pl.DataFrame) -> int:
        require_columns(frame, list(spec.schema), spec.state.name)
        state = typed(frame, spec.schema).with_columns(pl.lit(t.utcnow()).alias("accepted_at"))
        with self._engine.begin() as conn:
            return write_frame(conn, spec.state, state, keys=list(spec.keys))

    def _forget(self, spec: _SyncKind, frame: pl.DataFrame) -> int:
        require_columns(frame, list(spec.keys), spec.state.name)
        keys = frame.select([pl.col(k).cast(spec.schema[k]) for k in spec.keys]).unique().rows()
        target = sa.tuple_(*(spec.state.c[k] for k in spec.keys))
        with self._engine.begin() as conn:
            for part in chunks(keys, IN_LIST_CHUNK):
                conn.execute(sa.delete(spec.state).where(target.in_(list(part))))
        return len(keys)

    # --- recording a push -----------------------------------------------------------------

    def record_stock_results(
        self, accepted: pl.DataFrame, rejected: pl.DataFrame, *, run_id: str, method: str
    ) -> None:
        """Record one stock batch's outcome: accepted state, errors and audit, atomically.

        Args:
            accepted: [offer_id, warehouse_id, stock] that Ozon updated.
            rejected: [offer_id, warehouse_id, stock, code, message] that it refused; code
                `LOCAL_RATE_LIMIT` means not sent yet (deferred), not an error.
            run_id: The run that pushed them, for the audit log.
            method: Ozon path called, for the audit log.
        """
        self._record(_STOCK, accepted, rejected, run_id=run_id, method=method)

    def record_price_results(
        self, accepted: pl.DataFrame, rejected: pl.DataFrame, *, run_id: str, method: str
    ) -> None:
        """Record one price batch's outcome; as `record_stock_results` with price columns."""
        self._record(_PRICE, accepted, rejected, run_id=run_id, method=method)

    def _previous(self, conn: sa.Connection, spec: _SyncKind, offers: list[str]) -> pl.DataFrame:
        schema = {**spec.schema}
        query = sa.select(*(spec.state.c[c] for c in schema))
        if len(offers) > _PREVIOUS_BY_ID_LIMIT:
            # A few big IN lists cost more than one scan of the state table.
            found = fetch_frame(conn, query, schema)
        else:
            parts = [
                fetch_frame(conn, query.where(spec.state.c.offer_id.in_(list(part))), schema)
                for part in chunks(offers, IN_LIST_CHUNK)
            ]
            found = pl.concat(parts) if parts else _empty(schema)
        return found.rename({v: f"{v}__old" for v in spec.values})

    def _record(
        self,
        spec: _SyncKind,
        accepted: pl.DataFrame,
        rejected: pl.DataFrame,
        *,
        run_id: str,
        method: str,
    ) -> None:
        now = t.utcnow()
        frames = []
        if accepted.height:
            require_columns(accepted, list(spec.schema), f"accepted {spec.kind}")
            frames.append(
                accepted.select([pl.col(c).cast(d) for c, d in spec.schema.items()]).with_columns(
                    pl.lit("accepted").alias("outcome"),
                    pl.lit(None, pl.String).alias("code"),
                    pl.lit(None, pl.String).alias("message"),
                )
            )
        if rejected.height:
            require_columns(rejected, [*spec.schema, "code", "message"], f"rejected {spec.kind}")
            typed = rejected.select(
                [pl.col(c).cast(d) for c, d in {**spec.schema, **REJECT_SCHEMA}.items()]
            )
            frames.append(
                typed.with_columns(
                    pl.when(pl.col("code") == DEFERRED_CODE)
                    .then(pl.lit("deferred"))
                    .otherwise(pl.lit("rejected"))
                    .alias("outcome"),
                ).select([*spec.schema, "outcome", "code", "message"])
            )
        if not frames:
            return
        items = pl.concat(frames)
        if "warehouse_id" not in items.columns:
            items = items.with_columns(pl.lit(0, pl.Int64).alias("warehouse_id"))
        old_cols = [f"{v}__old" for v in spec.values]
        with self._engine.begin() as conn:
            previous = self._previous(conn, spec, items["offer_id"].unique().to_list())
            items = items.join(previous, on=list(spec.keys), how="left").with_columns(
                spec.render(old_cols).alias("old_value"),
                spec.render(list(spec.values)).alias("new_value"),
                pl.struct([*spec.keys, *spec.values]).struct.json_encode().alias("payload"),
            )
            ok = items.filter(pl.col("outcome") == "accepted")
            bad = items.filter(pl.col("outcome") == "rejected")
            # A refusal of the value Ozon already holds (another run got it accepted first)
            # leaves nothing to fix: it closes the item's error instead of opening one.
            moot = pl.col("old_value").is_not_null() & (pl.col("old_value") == pl.col("new_value"))
            self._resolve_errors(conn, spec.kind, bad.filter(moot), now)
            bad = bad.filter(~moot)
            write_frame(
                conn,
                spec.state,
                ok.select(*spec.schema, pl.lit(now).alias("accepted_at")),
                keys=list(spec.keys),
            )
            self._resolve_errors(conn, spec.kind, ok, now)
            self._open_errors(conn, spec.kind, bad, now)
            audit = items.select(
                pl.lit(now).alias("at"),
                pl.lit(run_id).alias("run_id"),
                pl.lit(spec.kind).alias("kind"),
                pl.lit(method).alias("method"),
                "offer_id",
                "warehouse_id",
                "old_value",
                "new_value",
                "outcome",
                "code",
                "message",
            )
            write_frame(conn, t.audit_log, audit)

    def _resolve_errors(
        self, conn: sa.Connection, kind: str, ok: pl.DataFrame, now: datetime
    ) -> None:
        if not ok.height:
            return
        se = t.sync_errors
        # Open errors are few; matching them in polars beats one UPDATE per accepted item.
        open_ = fetch_frame(
            conn,
            sa.select(se.c.id, se.c.offer_id, se.c.warehouse_id).where(
                se.c.kind == kind, se.c.resolved_at.is_(None)
            ),
            {"id": pl.Int64(), "offer_id": pl.String(), "warehouse_id": pl.Int64()},
        )
        ids = open_.join(ok, on=["offer_id", "warehouse_id"], how="semi")["id"].to_list()
        for part in chunks(ids, IN_LIST_CHUNK):
            conn.execute(sa.update(se).where(se.c.id.in_(list(part))).values(resolved_at=now))

    def _open_errors(
        self, conn: sa.Connection, kind: str, bad: pl.DataFrame, now: datetime
    ) -> None:
        if not bad.height:
            return
        se = t.sync_errors
        errors = bad.select(
            pl.lit(kind).alias("kind"),
            "offer_id",
            "warehouse_id",
            "payload",
            pl.col("code").fill_null("UNKNOWN"),
            pl.col("message").fill_null(""),
            pl.lit(1).alias("attempts"),
            pl.lit(now).alias("first_seen_at"),
            pl.lit(now).alias("last_seen_at"),
        )
        write_frame(
            conn,
            se,
            errors,
            keys=["kind", "offer_id", "warehouse_id"],
            update=["payload", "code", "message", "last_seen_at"],
            set_={"attempts": se.c.attempts + sa.literal_column("1")},
            index_where=se.c.resolved_at.is_(None),
        )

    def resolve_sync_errors(self, ids: Sequence[int]) -> int:
        """Close open errors by id (superseded by a value Ozon accepted since); returns count."""
        se = t.sync_errors
        now = t.utcnow()
        closed = 0
        with self._engine.begin() as conn:
            for part in chunks(list(ids), IN_LIST_CHUNK):
                closed += conn.execute(
                    sa.update(se)
                    .where(se.c.id.in_(list(part)), se.c.resolved_at.is_(None))
                    .values(resolved_at=now)
                ).rowcount
        return closed

    def open_sync_errors(self, kind: str | None = None) -> pl.DataFrame:
        """Items Ozon refused and that were not accepted since, oldest first per item."""
        se = t.sync_errors
        query = sa.select(*(se.c[c] for c in SYNC_ERROR_SCHEMA)).where(se.c.resolved_at.is_(None))
        if kind is not None:
            query = query.where(se.c.kind == kind)
        query = query.order_by(se.c.kind, se.c.offer_id, se.c.warehouse_id)
        with self._engine.connect() as conn:
            return fetch_frame(conn, query, SYNC_ERROR_SCHEMA)

    # --- order reservations ---------------------------------------------------------------

    def upsert_reservations(self, frame: pl.DataFrame) -> int:
        """Insert or update [posting_number, offer_id, warehouse_id, quantity, status] rows."""
        require_columns(frame, list(RESERVATION_SCHEMA), "order reservations")
        rows = typed(frame, RESERVATION_SCHEMA).with_columns(pl.lit(t.utcnow()).alias("updated_at"))
        with self._engine.begin() as conn:
            return write_frame(
                conn, t.order_reservations, rows, keys=["posting_number", "offer_id"]
            )

    def sync_reservations(self, frame: pl.DataFrame, *, closed_status: str = "shipped") -> int:
        """Make the open reservations exactly ``frame`` (Ozon's current list of open postings).

        Rows not in the list any more (shipped, cancelled, delivered) get ``closed_status`` so
        they stop holding stock; returns how many were closed. One transaction.
        """
        require_columns(frame, list(RESERVATION_SCHEMA), "order reservations")
        rows = typed(frame, RESERVATION_SCHEMA).with_columns(pl.lit(t.utcnow()).alias("updated_at"))
        r = t.order_reservations
        keep = set(zip(rows["posting_number"].to_list(), rows["offer_id"].to_list(), strict=True))
        with self._engine.begin() as conn:
            if rows.height:
                write_frame(conn, r, rows, keys=["posting_number", "offer_id"])
            open_rows = conn.execute(
                sa.select(r.c.posting_number, r.c.offer_id).where(
                    r.c.status.not_in(sorted(CLOSED_ORDER_STATUSES))
                )
            ).all()
            gone = [(p, o) for p, o in open_rows if (p, o) not in keep]
            for posting_number, offer_id in gone:
                conn.execute(
                    sa.update(r)
                    .where(r.c.posting_number == posting_number, r.c.offer_id == offer_id)
                    .values(status=closed_status, updated_at=t.utcnow())
                )
        return len(gone)

    def reserved_quantities(self) -> pl.DataFrame:
        """Units held by open orders per (offer, warehouse): [offer_id, warehouse_id, reserved]."""
        r = t.order_reservations
        query = (
            sa.select(r.c.offer_id, r.c.warehouse_id, sa.func.sum(r.c.quantity).label("reserved"))
            .where(r.c.status.not_in(sorted(CLOSED_ORDER_STATUSES)))
            .group_by(r.c.offer_id, r.c.warehouse_id)
            .order_by(r.c.offer_id, r.c.warehouse_id)
        )
        with self._engine.connect() as conn:
            return fetch_frame(
                conn,
                query,
                {"offer_id": pl.String(), "warehouse_id": pl.Int64(), "reserved": pl.Int64()},
            )
