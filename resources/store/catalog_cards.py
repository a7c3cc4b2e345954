"""Merged product cards, their check results, exports to Ozon, moderation and report runs.

`card_exports.accepted_hash` is the content hash Ozon last accepted for a card, so "what to
export" is always the cards whose current hash differs from it; a failed or waiting card stays
different and goes again on the next run without a separate queue.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from resources.store import tables as t
from resources.store.bulk import TIMESTAMP, chunks, fetch_frame, require_columns, write_frame

CARD_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "description_category_id": pl.Int64(),
    "type_id": pl.Int64(),
    "card": pl.String(),
    "content_hash": pl.String(),
    "provenance": pl.String(),
    "issues": pl.String(),
}
CHECK_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "passed": pl.Boolean(),
    "failures": pl.String(),
}
EXPORT_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "sent_hash": pl.String(),
    "task_id": pl.Int64(),
    "state": pl.String(),
    "errors": pl.String(),
    "sent_at": TIMESTAMP,
    "accepted_hash": pl.String(),
    "accepted_at": TIMESTAMP,
    "product_id": pl.Int64(),
}
MODERATION_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "product_id": pl.Int64(),
    "status": pl.String(),
    "reasons": pl.String(),
    "updated_at": TIMESTAMP,
}
EXPORT_STATES = ("pending", "imported", "failed", "skipped", "waiting_quota")
DRIFT_FLAG_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "change_id": pl.Int64(),
    "description_category_id": pl.Int64(),
    "type_id": pl.Int64(),
    "attribute_id": pl.Int64(),
    "change": pl.String(),
    "value_id": pl.Int64(),
    "value": pl.String(),
    "source": pl.String(),
}
STORED_DRIFT_FLAG_SCHEMA: dict[str, pl.DataType] = {
    **DRIFT_FLAG_SCHEMA,
    "flagged_at": TIMESTAMP,
    "cleared_at": TIMESTAMP,
    "cleared_by": pl.String(),
}


class CatalogCardsRepo:
    """Reads and writes of the catalog export slice; every write is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- merged cards ---------------------------------------------------------------------

    def upsert_cards(self, frame: pl.DataFrame) -> dict[str, int]:
        """Write merged cards; only new or changed ones (by content hash) are rewritten.

        Cards of offers no longer in `frame` are removed: they left the assortment or lost
        their mapping, and an old card must not be exported by mistake.
        """
        require_columns(frame, list(CARD_SCHEMA), "product cards")
        incoming = frame.select([pl.col(c).cast(d) for c, d in CARD_SCHEMA.items()])
        with self._engine.begin() as conn:
            c = t.product_cards.c
            existing = fetch_frame(
                conn,
                sa.select(c.offer_id, c.content_hash, c.provenance, c.issues),
                {
                    "offer_id": pl.String(),
                    "content_hash": pl.String(),
                    "provenance": pl.String(),
                    "issues": pl.String(),
                },
            )
            joined = incoming.join(existing, on="offer_id", how="left", suffix="__old")
            changed = joined.filter(
                pl.col("content_hash").ne_missing(pl.col("content_hash__old"))
                | pl.col("provenance").ne_missing(pl.col("provenance__old"))
                | pl.col("issues").ne_missing(pl.col("issues__old"))
            )
            new = int(joined["content_hash__old"].null_count())
            write_frame(
                conn,
                t.product_cards,
                changed.select(list(CARD_SCHEMA)).with_columns(
                    pl.lit(t.utcnow()).alias("updated_at")
                ),
                keys=["offer_id"],
            )
            gone = existing.join(incoming, on="offer_id", how="anti")["offer_id"].to_list()
            for part in chunks(gone):
                conn.execute(sa.delete(t.product_cards).where(t.product_cards.c.offer_id.in_(part)))
        changed_hash = joined.filter(
            pl.col("content_hash__old").is_not_null()
            & (pl.col("content_hash") != pl.col("content_hash__old"))
        ).height
        return {"new": new, "changed": changed_hash, "removed": len(gone)}

    def cards(self) -> pl.DataFrame:
        """Every merged card with its hash, provenance and merge issues."""
        c = t.product_cards.c
        with self._engine.connect() as conn:
            return fetch_frame(
                conn, sa.select(*(c[n] for n in CARD_SCHEMA)).order_by(c.offer_id), CARD_SCHEMA
            )

    # --- check results --------------------------------------------------------------------

    def record_checks(self, run_id: str, frame: pl.DataFrame, *, drift_failed: int = 0) -> None:
        """Store one row per card for this run, plus the run's totals (idempotent per run).

        `drift_failed` counts the failing cards that carry an open drift flag: Ozon's change,
        not a broken source file, made them fail.
        """
        require_columns(frame, list(CHECK_SCHEMA), "check results")
        now = t.utcnow()
        rows = frame.select([pl.col(c).cast(d) for c, d in CHECK_SCHEMA.items()]).with_columns(
            pl.lit(run_id).alias("run_id"), pl.lit(now).alias("checked_at")
        )
        failed = int((~rows["passed"]).sum()) if rows.height else 0
        with self._engine.begin() as conn:
            conn.execute(
                sa.delete(t.card_check_results).where(t.card_check_results.c.run_id == run_id)
            )
            write_frame(conn, t.card_check_results, rows)
            write_frame(
                conn,
                t.card_check_runs,
                pl.DataFrame(
                    {
                        "run_id": [run_id],
                        "checked_at": [now],
                        "cards": [rows.height],
                        "failed": [failed],
                        "drift_failed": [drift_failed],
                    }
                ),
                keys=["run_id"],
            )

    def check_results(self, run_id: str) -> pl.DataFrame:
        """The per-card results of one run."""
        c = t.card_check_results.c
        with self._engine.connect() as conn:
            return fetch_frame(
                conn,
                sa.select(c.offer_id, c.passed, c.failures).where(c.run_id == run_id),
                CHECK_SCHEMA,
            )

    def latest_check_run(self) -> str | None:
        """The run id of the newest check run, if any."""
        r = t.card_check_runs.c
        with self._engine.connect() as conn:
            return conn.execute(
                sa.select(r.run_id).order_by(r.checked_at.desc()).limit(1)
            ).scalar_one_or_none()

    def check_runs(self, limit: int = 30) -> list[dict[str, Any]]:
        """The newest check runs, newest first.

        Each has run_id, checked_at, cards, failed, drift_failed and gate_passed.
        """
        r = t.card_check_runs.c
        query = sa.select(
            r.run_id, r.checked_at, r.cards, r.failed, r.drift_failed, r.gate_passed
        ).order_by(r.checked_at.desc())
        with self._engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query.limit(limit))]

    def set_gate(self, run_id: str, passed: bool) -> None:
        """Record the failing-share gate's verdict on a check run."""
        r = t.card_check_runs
        with self._engine.begin() as conn:
            conn.execute(sa.update(r).where(r.c.run_id == run_id).values(gate_passed=passed))

    # --- exports --------------------------------------------------------------------------

    def exports(self) -> pl.DataFrame:
        """What was sent to Ozon per card, what Ozon accepted, and the last errors."""
        c = t.card_exports.c
        with self._engine.connect() as conn:
            return fetch_frame(
                conn, sa.select(*(c[n] for n in EXPORT_SCHEMA)).order_by(c.offer_id), EXPORT_SCHEMA
            )

    def _upsert_exports(self, frame: pl.DataFrame, update: list[str]) -> int:
        frame = frame.with_columns(pl.lit(t.utcnow()).alias("updated_at"))
        with self._engine.begin() as conn:
            return write_frame(
                conn,
                t.card_exports,
                frame,
                keys=["offer_id"],
                update=[*update, "updated_at"],
            )

    def record_sent(self, frame: pl.DataFrame) -> int:
        """Cards just sent [offer_id, sent_hash, task_id]: pending until the task is read."""
        require_columns(frame, ["offer_id", "sent_hash", "task_id"], "sent cards")
        rows = frame.select(
            pl.col("offer_id").cast(pl.String),
            pl.col("sent_hash").cast(pl.String),
            pl.col("task_id").cast(pl.Int64),
            pl.lit("pending").alias("state"),
            pl.lit("[]").alias("errors"),
            pl.lit(t.utcnow()).alias("sent_at"),
        )
        return self._upsert_exports(rows, ["sent_hash", "task_id", "state", "errors", "sent_at"])

    def record_waiting(self, offer_ids: list[str], reason: str) -> int:
        """Cards that could not go today (daily quota): visible as `waiting_quota` with why."""
        rows = pl.DataFrame(
            {
                "offer_id": offer_ids,
                "state": ["waiting_quota"] * len(offer_ids),
                "errors": [json.dumps([{"code": "daily_quota", "message": reason}])]
                * len(offer_ids),
            },
            schema={"offer_id": pl.String, "state": pl.String, "errors": pl.String},
        )
        return self._upsert_exports(rows, ["state", "errors"])

    def record_task_results(self, frame: pl.DataFrame) -> int:
        """Results of import tasks [offer_id, state, errors, product_id].

        `imported` and `skipped` make the sent hash the accepted one; `failed` keeps the old
        accepted hash, so the card is sent again once fixed.
        """
        require_columns(frame, ["offer_id", "state", "errors", "product_id"], "task results")
        now = t.utcnow()
        with self._engine.begin() as conn:
            sent = fetch_frame(
                conn,
                sa.select(t.card_exports.c.offer_id, t.card_exports.c.sent_hash),
                {"offer_id": pl.String(), "sent_hash": pl.String()},
            )
        rows = (
            frame.select(
                pl.col("offer_id").cast(pl.String),
                pl.col("state").cast(pl.String),
                pl.col("errors").cast(pl.String),
                pl.col("product_id").cast(pl.Int64),
            )
            .join(sent, on="offer_id", how="left")
            .with_columns(
                accepted=pl.col("state").is_in(["imported", "skipped"]),
            )
        )
        ok = rows.filter(pl.col("accepted")).select(
            "offer_id",
            "state",
            "errors",
            pl.when(pl.col("product_id") > 0).then(pl.col("product_id")).alias("product_id"),
            pl.col("sent_hash").alias("accepted_hash"),
            pl.lit(now).alias("accepted_at"),
        )
        bad = rows.filter(~pl.col("accepted")).select("offer_id", "state", "errors")
        written = self._upsert_exports(
            ok, ["state", "errors", "product_id", "accepted_hash", "accepted_at"]
        )
        return written + self._upsert_exports(bad, ["state", "errors"])

    def pending_tasks(self) -> list[int]:
        """Import tasks with cards still pending (a run that stopped before reading them)."""
        c = t.card_exports.c
        query = sa.select(c.task_id).where(c.state == "pending", c.task_id.is_not(None)).distinct()
        with self._engine.connect() as conn:
            return sorted(int(v) for v in conn.execute(query).scalars())

    # --- moderation -----------------------------------------------------------------------

    def moderation(self) -> pl.DataFrame:
        """The last moderation status seen per card, with decline reasons."""
        c = t.card_moderation.c
        with self._engine.connect() as conn:
            return fetch_frame(
                conn,
                sa.select(*(c[n] for n in MODERATION_SCHEMA)).order_by(c.offer_id),
                MODERATION_SCHEMA,
            )

    def record_moderation(self, frame: pl.DataFrame) -> int:
        """Upsert [offer_id, product_id, status, reasons]."""
        require_columns(frame, ["offer_id", "product_id", "status", "reasons"], "moderation")
        rows = frame.select(
            pl.col("offer_id").cast(pl.String),
            pl.col("product_id").cast(pl.Int64),
            pl.col("status").cast(pl.String),
            pl.col("reasons").cast(pl.String),
            pl.lit(t.utcnow()).alias("updated_at"),
        )
        with self._engine.begin() as conn:
            return write_frame(conn, t.card_moderation, rows, keys=["offer_id"])

    # --- drift flags ----------------------------------------------------------------------

    def record_drift_flags(self, flags: pl.DataFrame, change_ids: list[int], now: datetime) -> int:
        """Flag cards hit by drift and mark those drift events applied, in one transaction.

        A flag already stored for the same (card, change) is kept as it is.
        """
        require_columns(flags, list(DRIFT_FLAG_SCHEMA), "drift flags")
        rows = flags.select([pl.col(c).cast(d) for c, d in DRIFT_FLAG_SCHEMA.items()]).with_columns(
            pl.lit(now).alias("flagged_at")
        )
        ch = t.ozon_attribute_changes
        with self._engine.begin() as conn:
            written = write_frame(
                conn, t.card_drift_flags, rows, keys=["offer_id", "change_id"], update=[]
            )
            for part in chunks(change_ids):
                conn.execute(sa.update(ch).where(ch.c.id.in_(part)).values(cards_flagged_at=now))
        return written

    def drift_flags(self, *, include_cleared: bool = False) -> pl.DataFrame:
        """Drift flags (`STORED_DRIFT_FLAG_SCHEMA`), open ones only unless asked otherwise."""
        f = t.card_drift_flags.c
        query = sa.select(*(f[n] for n in STORED_DRIFT_FLAG_SCHEMA)).order_by(
            f.offer_id, f.change_id
        )
        if not include_cleared:
            query = query.where(f.cleared_at.is_(None))
        with self._engine.connect() as conn:
            return fetch_frame(conn, query, STORED_DRIFT_FLAG_SCHEMA)

    def clear_drift_flags(self, offer_ids: list[str], cleared_by: str, now: datetime) -> int:
        """Close the open flags of these cards (re-checked and passing, or gone)."""
        f = t.card_drift_flags
        cleared = 0
        with self._engine.begin() as conn:
            for part in chunks(offer_ids):
                cleared += conn.execute(
                    sa.update(f)
                    .where(f.c.offer_id.in_(part), f.c.cleared_at.is_(None))
                    .values(cleared_at=now, cleared_by=cleared_by)
                ).rowcount
        return cleared

    # --- report runs ----------------------------------------------------------------------

    def record_report_run(
        self, run_id: str, totals: dict[str, Any], html_path: str | None, at: datetime
    ) -> None:
        """Remember a report's totals for the trend across runs."""
        frame = pl.DataFrame(
            {
                "run_id": [run_id],
                "at": [at],
                "totals": [json.dumps(totals, ensure_ascii=False, sort_keys=True)],
                "html_path": [html_path],
            },
            schema={
                "run_id": pl.String,
                "at": TIMESTAMP,
                "totals": pl.String,
                "html_path": pl.String,
            },
        )
        with self._engine.begin() as conn:
            write_frame(conn, t.catalog_report_runs, frame, keys=["run_id"])

    def report_runs(self, limit: int = 30) -> list[dict[str, Any]]:
        """The newest report runs, oldest first, totals decoded."""
        r = t.catalog_report_runs.c
        query = sa.select(r.run_id, r.at, r.totals, r.html_path).order_by(r.at.desc()).limit(limit)
        with self._engine.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(query)]
        for row in rows:
            row["totals"] = json.loads(row["totals"])
        return list(reversed(rows))
