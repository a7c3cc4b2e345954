"""Repository of the orders flow: postings, shipments, marks, labels, acts, returns, documents.

Postings with their items, shipments and boxes, marking codes, labels, acts, returns and the log
of documents exchanged with Infor.

Every write is idempotent per key (posting number, act id, return id, document name), so a
repeated or resumed run rewrites the same rows instead of adding new ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from resources.store import tables as t
from resources.store.inventory import CLOSED_ORDER_STATUSES

Row = dict[str, Any]

# Stages a posting passes through in our flow; the last four are final.
OPEN_STAGES = (
    "accepted",
    "notified",
    "exception",
    "packing",
    "refused",
    "shipped",
    "labelled",
    "in_act",
)
FINAL_STAGES = ("delivering", "delivered", "cancelled", "closed")
# Open stages before the ship request: the posting's pack-by time still matters.
PRE_SHIP_STAGES = ("accepted", "notified", "exception", "packing", "refused")
# Ozon statuses after which the goods have left the warehouse (reservations end).
HANDED_OVER = ("delivering", "driver_pickup", "delivered", "arbitration", "client_arbitration")


def _insert(conn: sa.Connection, table: sa.Table) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def upsert(
    conn: sa.Connection,
    table: sa.Table,
    values: Mapping[str, Any],
    keys: Sequence[str],
    update: Iterable[str] | None = None,
) -> None:
    """Insert a row or update the given columns of the existing one (all but keys by default)."""
    columns = [c for c in (update if update is not None else values) if c not in keys]
    stmt = _insert(conn, table).values(**values)
    if columns:
        stmt = stmt.on_conflict_do_update(
            index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns}
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    conn.execute(stmt)


class OrdersRepo:
    """Reads and writes of the orders tables."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def engine(self) -> Engine:
        """The engine, for callers that need one transaction across several writes."""
        return self._engine

    # --- postings --------------------------------------------------------------------------

    def posting(self, number: str) -> Row | None:
        """One posting's row, or None."""
        p = t.postings
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(p).where(p.c.posting_number == number)).mappings().first()
        return dict(row) if row else None

    def postings(self, numbers: Sequence[str]) -> dict[str, Row]:
        """Rows of the given postings that exist, by number."""
        p = t.postings
        out: dict[str, Row] = {}
        with self._engine.connect() as conn:
            for start in range(0, len(numbers), 500):
                chunk = list(numbers[start : start + 500])
                for row in conn.execute(
                    sa.select(p).where(p.c.posting_number.in_(chunk))
                ).mappings():
                    out[row["posting_number"]] = dict(row)
        return out

    def items(self, number: str) -> list[Row]:
        """The posting's lines."""
        i = t.posting_items
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(i).where(i.c.posting_number == number).order_by(i.c.sku)
            ).mappings()
            return [dict(r) for r in rows]

    def save_posting(
        self,
        posting: Row,
        items: Sequence[Row],
        *,
        order: Row | None = None,
        reservations: Sequence[Row] = (),
        conn: sa.Connection | None = None,
    ) -> None:
        """Write a posting with its lines, its order and its reservations in one transaction."""
        now = t.utcnow()
        with self._engine.begin() if conn is None else _nested(conn) as c:
            if order is not None:
                upsert(
                    c,
                    t.orders,
                    {**order, "created_at": now, "updated_at": now},
                    ["order_id"],
                    update=["status", "updated_at"],
                )
            upsert(
                c,
                t.postings,
                {**posting, "created_at": now, "updated_at": now},
                ["posting_number"],
                update=[k for k in posting if k != "posting_number"] + ["updated_at"],
            )
            for item in items:
                upsert(c, t.posting_items, item, ["posting_number", "sku"])
            for res in reservations:
                upsert(
                    c,
                    t.order_reservations,
                    {**res, "updated_at": now},
                    ["posting_number", "offer_id"],
                )

    def replace_lines(
        self, posting: Row, items: Sequence[Row], reservations: Sequence[Row]
    ) -> None:
        """Write a posting with exactly these lines and reservations (a packed box's contents)."""
        number = posting["posting_number"]
        with self._engine.begin() as conn:
            conn.execute(
                sa.delete(t.posting_items).where(t.posting_items.c.posting_number == number)
            )
            conn.execute(
                sa.delete(t.order_reservations).where(
                    t.order_reservations.c.posting_number == number
                )
            )
            self.save_posting(posting, items, reservations=reservations, conn=conn)

    def update_posting(self, number: str, **values: Any) -> None:
        """Set fields of a posting (stage, status, exception, dates ...)."""
        p = t.postings
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(p)
                .where(p.c.posting_number == number)
                .values(**values, updated_at=t.utcnow())
            )

    def close_reservations(self, numbers: Sequence[str], status: str) -> None:
        """Stop the postings' units holding stock (cancelled, handed over)."""
        r = t.order_reservations
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(r)
                .where(r.c.posting_number.in_(list(numbers)))
                .values(status=status, updated_at=t.utcnow())
            )

    def set_allocated(self, numbers: Sequence[str], at: datetime) -> int:
        """Infor allocated these postings at ``at`` (the earliest confirmation is kept)."""
        p = t.postings
        with self._engine.begin() as conn:
            result = conn.execute(
                sa.update(p)
                .where(p.c.posting_number.in_(list(numbers)), p.c.infor_allocated_at.is_(None))
                .values(infor_allocated_at=at, updated_at=t.utcnow())
            )
        return int(result.rowcount or 0)

    def reserved_outside_snapshot(self, snapshot_taken_at: datetime | None) -> pl.DataFrame:
        """Units of open postings the Infor snapshot does not count yet, per offer and warehouse.

        A posting holds stock through ``order_reservations`` until Infor confirms it allocated
        the units; a snapshot taken at or after that moment counts them in ``allocated``, so
        they must not be subtracted a second time. Postings Infor never heard of (taken before
        the notice, or not ours) stay in the reservations.
        """
        r, p = t.order_reservations, t.postings
        allocated = sa.and_(
            p.c.infor_allocated_at.is_not(None),
            p.c.infor_allocated_at <= snapshot_taken_at if snapshot_taken_at else sa.false(),
        )
        query = (
            sa.select(r.c.offer_id, r.c.warehouse_id, sa.func.sum(r.c.quantity).label("reserved"))
            .select_from(r.outerjoin(p, p.c.posting_number == r.c.posting_number))
            .where(r.c.status.not_in(sorted(CLOSED_ORDER_STATUSES)), sa.not_(allocated))
            .group_by(r.c.offer_id, r.c.warehouse_id)
            .order_by(r.c.offer_id, r.c.warehouse_id)
        )
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return pl.DataFrame(
            [(o, int(w), int(q)) for o, w, q in rows],
            schema={"offer_id": pl.String(), "warehouse_id": pl.Int64(), "reserved": pl.Int64()},
            orient="row",
        )

    def by_stage(self, stages: Sequence[str], warehouse_id: int | None = None) -> list[Row]:
        """Postings in the given stages (optionally of one warehouse), oldest pack-by first."""
        p = t.postings
        query = sa.select(p).where(p.c.stage.in_(list(stages)))
        if warehouse_id is not None:
            query = query.where(p.c.warehouse_id == warehouse_id)
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(p.c.shipment_date, p.c.posting_number)).mappings()
            return [dict(r) for r in rows]

    def stage_counts(self) -> dict[str, int]:
        """How many postings are in each stage."""
        p = t.postings
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(p.c.stage, sa.func.count()).group_by(p.c.stage)).all()
        return {stage: int(n) for stage, n in rows}

    def past_pack_by(self, now: datetime) -> list[Row]:
        """Postings not yet shipped whose pack-by time has passed."""
        p = t.postings
        query = sa.select(p.c.posting_number, p.c.stage, p.c.shipment_date, p.c.exception).where(
            p.c.stage.in_(PRE_SHIP_STAGES),
            p.c.shipment_date < now,
        )
        with self._engine.connect() as conn:
            return [dict(r) for r in conn.execute(query.order_by(p.c.shipment_date)).mappings()]

    def all_postings(self) -> list[Row]:
        """Every posting (summaries, the demo)."""
        p = t.postings
        with self._engine.connect() as conn:
            return [
                dict(r) for r in conn.execute(sa.select(p).order_by(p.c.posting_number)).mappings()
            ]

    # --- shipments, boxes, marks -----------------------------------------------------------

    def shipment(self, number: str) -> Row | None:
        """The shipment record of a posting, or None."""
        s = t.shipments
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(s).where(s.c.posting_number == number)).mappings().first()
        return dict(row) if row else None

    def shipments_with_status(self, status: str) -> list[str]:
        """Posting numbers whose shipment record has this status, oldest first."""
        s = t.shipments
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(s.c.posting_number)
                .where(s.c.status == status)
                .order_by(s.c.updated_at, s.c.posting_number)
            )
            return [str(r[0]) for r in rows]

    def save_shipment(self, number: str, **values: Any) -> None:
        """Create a posting's shipment record or update the given fields of the known one."""
        s = t.shipments
        now = t.utcnow()
        with self._engine.begin() as conn:
            known = conn.execute(
                sa.select(s.c.posting_number).where(s.c.posting_number == number)
            ).first()
            if known:
                conn.execute(
                    sa.update(s)
                    .where(s.c.posting_number == number)
                    .values(**values, updated_at=now)
                )
            else:
                conn.execute(
                    sa.insert(s).values(
                        posting_number=number,
                        **{"status": "awaiting_packing", **values},
                        created_at=now,
                        updated_at=now,
                    )
                )

    def save_boxes(self, number: str, boxes: Sequence[Row]) -> None:
        """Replace the boxes of a posting's shipment."""
        b = t.shipment_boxes
        with self._engine.begin() as conn:
            conn.execute(sa.delete(b).where(b.c.posting_number == number))
            for box in boxes:
                conn.execute(
                    sa.insert(b).values(
                        posting_number=number,
                        box_no=box["box_no"],
                        box_id=box["box_id"],
                        result_posting_number=box.get("result_posting_number"),
                        items=json.dumps(box["items"], sort_keys=True),
                    )
                )

    def boxes(self, number: str) -> list[Row]:
        """The boxes of a posting's shipment, in order."""
        b = t.shipment_boxes
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(b).where(b.c.posting_number == number).order_by(b.c.box_no)
            ).mappings()
            return [{**dict(r), "items": json.loads(r["items"])} for r in rows]

    def save_marks(self, number: str, marks: Sequence[Row]) -> None:
        """Replace the marking codes recorded for a posting."""
        m = t.posting_marks
        with self._engine.begin() as conn:
            conn.execute(sa.delete(m).where(m.c.posting_number == number))
            for mark in marks:
                conn.execute(sa.insert(m).values(posting_number=number, **mark))

    def marks(self, number: str) -> list[Row]:
        """Marking codes recorded for a posting."""
        m = t.posting_marks
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(m).where(m.c.posting_number == number)).mappings()
            return [dict(r) for r in rows]

    # --- labels ----------------------------------------------------------------------------

    def want_labels(self, numbers: Sequence[str], not_before: datetime) -> None:
        """Labels to fetch for packed postings, no earlier than ``not_before`` (kept if known)."""
        with self._engine.begin() as conn:
            for number in numbers:
                upsert(
                    conn,
                    t.posting_labels,
                    {
                        "posting_number": number,
                        "status": "pending",
                        "not_before": not_before,
                        "attempts": 0,
                        "updated_at": t.utcnow(),
                    },
                    ["posting_number"],
                    update=[],
                )

    def labels_due(self, now: datetime) -> list[Row]:
        """Pending labels whose time has come."""
        lb = t.posting_labels
        query = (
            sa.select(lb)
            .where(lb.c.status == "pending", lb.c.not_before <= now)
            .order_by(lb.c.not_before, lb.c.posting_number)
        )
        with self._engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def label_task(self, numbers: Sequence[str], task_id: int | None) -> None:
        """The postings' labels are being printed by Ozon's task ``task_id`` (None: no task)."""
        lb = t.posting_labels
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(lb)
                .where(lb.c.posting_number.in_(list(numbers)))
                .values(task_id=task_id, updated_at=t.utcnow())
            )

    def label_status_counts(self) -> dict[str, int]:
        """Labels per status."""
        lb = t.posting_labels
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(lb.c.status, sa.func.count()).group_by(lb.c.status))
            return {s: int(n) for s, n in rows}

    def label_result(
        self,
        numbers: Sequence[str],
        *,
        status: str,
        document: str | None = None,
        error: str | None = None,
        not_before: datetime | None = None,
    ) -> None:
        """Record an attempt at the labels of ``numbers``."""
        lb = t.posting_labels
        values: dict[str, Any] = {
            "status": status,
            "attempts": lb.c.attempts + 1,
            "error": error,
            "task_id": None,
            "updated_at": t.utcnow(),
        }
        if document is not None:
            values["document"] = document
        if not_before is not None:
            values["not_before"] = not_before
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(lb).where(lb.c.posting_number.in_(list(numbers))).values(**values)
            )

    # --- acts ------------------------------------------------------------------------------

    def save_act(self, act_id: int, **values: Any) -> None:
        """Create an act (all fields given) or update the given fields of a known one."""
        a = t.handover_acts
        now = t.utcnow()
        values = {
            k: json.dumps(v) if k in ("postings", "carried_over") else v for k, v in values.items()
        }
        with self._engine.begin() as conn:
            known = conn.execute(sa.select(a.c.act_id).where(a.c.act_id == act_id)).first()
            if known:
                conn.execute(
                    sa.update(a).where(a.c.act_id == act_id).values(**values, updated_at=now)
                )
            else:
                conn.execute(
                    sa.insert(a).values(act_id=act_id, **values, created_at=now, updated_at=now)
                )

    def acts(self, statuses: Sequence[str] | None = None) -> list[Row]:
        """Acts (optionally in the given statuses), newest first."""
        a = t.handover_acts
        query = sa.select(a)
        if statuses:
            query = query.where(a.c.status.in_(list(statuses)))
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(a.c.created_at.desc())).mappings()
            return [
                {
                    **dict(r),
                    "postings": json.loads(r["postings"]),
                    "carried_over": json.loads(r["carried_over"]),
                }
                for r in rows
            ]

    # --- returns ---------------------------------------------------------------------------

    def save_return(self, return_id: int, **values: Any) -> bool:
        """Create or update a return; True when it was new."""
        r = t.order_returns
        with self._engine.begin() as conn:
            known = conn.execute(sa.select(r.c.return_id).where(r.c.return_id == return_id)).first()
            if known:
                conn.execute(
                    sa.update(r)
                    .where(r.c.return_id == return_id)
                    .values(**values, updated_at=t.utcnow())
                )
            else:
                conn.execute(
                    sa.insert(r).values(return_id=return_id, **values, updated_at=t.utcnow())
                )
        return not known

    def returns(self, statuses: Sequence[str] | None = None) -> list[Row]:
        """Returns (optionally in the given statuses)."""
        r = t.order_returns
        query = sa.select(r)
        if statuses:
            query = query.where(r.c.status.in_(list(statuses)))
        with self._engine.connect() as conn:
            return [dict(x) for x in conn.execute(query.order_by(r.c.return_id)).mappings()]

    def get_return(self, return_id: int) -> Row | None:
        """One return, or None."""
        r = t.order_returns
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(r).where(r.c.return_id == return_id)).mappings().first()
        return dict(row) if row else None

    # --- Infor documents -------------------------------------------------------------------

    def record_document(
        self,
        direction: str,
        kind: str,
        name: str,
        *,
        posting_number: str | None = None,
        status: str,
        error: str | None = None,
    ) -> None:
        """Log a document sent to or received from Infor (one row per direction and name)."""
        now = t.utcnow()
        with self._engine.begin() as conn:
            upsert(
                conn,
                t.infor_documents,
                {
                    "direction": direction,
                    "kind": kind,
                    "name": name,
                    "posting_number": posting_number,
                    "status": status,
                    "error": error,
                    "created_at": now,
                    "processed_at": now,
                },
                ["direction", "name"],
                update=["status", "error", "processed_at"],
            )

    def document(self, direction: str, name: str) -> Row | None:
        """The log row of a document, or None."""
        d = t.infor_documents
        with self._engine.connect() as conn:
            row = (
                conn.execute(sa.select(d).where(d.c.direction == direction, d.c.name == name))
                .mappings()
                .first()
            )
        return dict(row) if row else None

    def documents(self, direction: str | None = None) -> list[Row]:
        """Every logged document (optionally one direction), oldest first."""
        d = t.infor_documents
        query = sa.select(d)
        if direction:
            query = query.where(d.c.direction == direction)
        with self._engine.connect() as conn:
            return [dict(x) for x in conn.execute(query.order_by(d.c.id)).mappings()]


class _nested:
    """Use a caller's connection as-is (its transaction is the caller's)."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sa.Connection:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        return None
