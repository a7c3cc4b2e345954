"""Card export: only new or changed cards that passed their checks, within Ozon's quotas.

"Changed" is the card's content hash against the hash Ozon last accepted, so a card that failed
on Ozon, waited for the quota or was cut off by a 429 simply differs again on the next run.
Cards go 100 per `/v3/product/import` (fewer when the account's per-minute item limit is
lower), each batch recorded as sent before the next one leaves; the daily create and update
quotas of `/v4/product/info/limit` decide what may go today, and the rest waits visibly until
Ozon's reset (03:00 Moscow time).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import polars as pl
from pydantic import BaseModel, Field

from resources.ozon import OzonClient
from resources.ozon.constants import PRODUCT_IMPORT_BATCH_MAX
from resources.ozon.errors import OzonError, OzonRateLimitedError
from resources.ozon.models.product_import import ImportInfoItem, ImportItem
from resources.ozon.polling import OzonPollTimeoutError
from resources.store.catalog_cards import CatalogCardsRepo

RESULT_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "state": pl.String(),
    "errors": pl.String(),
    "product_id": pl.Int64(),
}


class ExportReport(BaseModel):
    """What one export did; its fields become Dagster metadata."""

    cards: int = 0
    held_back_by_checks: int = 0
    unchanged: int = 0
    in_flight: int = 0
    refused_unchanged: int = 0
    to_send: int = 0
    creates: int = 0
    updates: int = 0
    sent: int = 0
    batches: int = 0
    waiting_quota: int = 0
    quota_reset_at: str | None = None
    imported: int = 0
    skipped: int = 0
    failed: int = 0
    still_pending: int = 0
    stopped_early: str | None = None
    error_codes: dict[str, int] = Field(default_factory=dict)


def select_for_export(
    cards: pl.DataFrame, checks: pl.DataFrame, exports: pl.DataFrame
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Cards that passed their checks and whose hash differs from what Ozon last accepted.

    A card already sent with this very hash and still pending is not sent twice.
    """
    passed = checks.filter(pl.col("passed")).select("offer_id")
    candidates = cards.join(passed, on="offer_id", how="semi")
    if "errors" not in exports.columns:
        exports = exports.with_columns(pl.lit("[]").alias("errors"))
    state = exports.select("offer_id", "sent_hash", "accepted_hash", "state", "errors")
    joined = candidates.join(state, on="offer_id", how="left")
    unchanged = pl.col("content_hash") == pl.col("accepted_hash").fill_null("")
    same_as_sent = pl.col("content_hash") == pl.col("sent_hash")
    in_flight = ((pl.col("state") == "pending") & same_as_sent).fill_null(False)
    # Ozon refused exactly this card: sending it again only repeats the error (and Ozon cuts
    # off keys that keep sending failing requests); it goes again once a source fixes it.
    # A refusal for the quota is not about the card, so that one is retried.
    refused = (
        (pl.col("state") == "failed")
        & same_as_sent
        & ~pl.col("errors").str.contains("item_limit_exceeded", literal=True)
    ).fill_null(False)
    chosen = joined.filter(~unchanged & ~in_flight & ~refused)
    counts = {
        "cards": cards.height,
        "held_back_by_checks": cards.height - candidates.height,
        "unchanged": joined.filter(unchanged).height,
        "in_flight": joined.filter(in_flight & ~unchanged).height,
        "refused_unchanged": joined.filter(refused & ~unchanged).height,
        "to_send": chosen.height,
    }
    return chosen.select(cards.columns), counts


def _result_frame(items: list[ImportInfoItem]) -> pl.DataFrame:
    rows = [
        (
            item.offer_id,
            "pending" if item.pending else item.status,
            json.dumps(
                [
                    {
                        "code": e.code,
                        "message": e.message,
                        "field": e.field,
                        "attribute_id": e.attribute_id,
                        "attribute_name": e.attribute_name,
                    }
                    for e in item.errors
                ],
                ensure_ascii=False,
            ),
            int(item.product_id) or None,
        )
        for item in items
    ]
    return pl.DataFrame(rows, schema=RESULT_SCHEMA, orient="row")


def read_task_results(
    client: OzonClient,
    repo: CatalogCardsRepo,
    task_ids: list[int],
    report: ExportReport,
    *,
    wait_s: float,
) -> None:
    """Wait for the tasks (up to `wait_s` of Ozon time) and store each card's outcome."""
    for task_id in task_ids:
        try:
            items = client.products.wait_for_import(task_id, timeout_s=wait_s)
        except OzonPollTimeoutError:
            # Still processing: the cards stay `pending` and the next run reads the task.
            items = client.products.import_info(task_id).items
        results = _result_frame(items)
        repo.record_task_results(results.filter(pl.col("state") != "pending"))
        report.still_pending += results.filter(pl.col("state") == "pending").height
        for state in ("imported", "skipped", "failed"):
            count = results.filter(pl.col("state") == state).height
            setattr(report, state, getattr(report, state) + count)
        for errors in results.filter(pl.col("state") == "failed")["errors"]:
            for error in json.loads(errors):
                code = error.get("code") or "unknown"
                report.error_codes[code] = report.error_codes.get(code, 0) + 1


def _quota_split(
    client: OzonClient, to_send: pl.DataFrame, existing: set[str], report: ExportReport
) -> tuple[pl.DataFrame, list[str], int]:
    """Cards that fit today's create/update quotas, those that wait, and the batch size."""
    limits = client.products.limits()
    is_update = pl.col("offer_id").is_in(sorted(existing))
    updates = to_send.filter(is_update)
    creates = to_send.filter(~is_update)
    report.creates, report.updates = creates.height, updates.height
    left_create = limits.daily_create.remaining
    left_update = limits.daily_update.remaining
    go_creates = creates if left_create is None else creates.head(left_create)
    go_updates = updates if left_update is None else updates.head(left_update)
    waiting = [
        *creates["offer_id"].to_list()[go_creates.height :],
        *updates["offer_id"].to_list()[go_updates.height :],
    ]
    if waiting:
        reset = limits.daily_create.reset_at or limits.daily_update.reset_at
        report.quota_reset_at = reset.isoformat() if isinstance(reset, datetime) else None
    per_minute = limits.operation_limits.limit
    size = (
        PRODUCT_IMPORT_BATCH_MAX if per_minute <= 0 else min(PRODUCT_IMPORT_BATCH_MAX, per_minute)
    )
    return pl.concat([go_updates, go_creates]).sort("offer_id"), waiting, size


def export_cards(
    client: OzonClient,
    repo: CatalogCardsRepo,
    cards: pl.DataFrame,
    checks: pl.DataFrame,
    *,
    wait_s: float,
    log: Callable[[str], None] = lambda _: None,
) -> ExportReport:
    """Send what changed, record every batch as it goes, then read the tasks' results."""
    report = ExportReport()
    # A run that stopped before reading its tasks left cards pending: read those first.
    leftover = repo.pending_tasks()
    if leftover:
        log(f"reading {len(leftover)} import task(s) left by an earlier run")
        read_task_results(client, repo, leftover, report, wait_s=wait_s)
    to_send, counts = select_for_export(cards, checks, repo.exports())
    for key, value in counts.items():
        setattr(report, key, value)
    if to_send.height == 0:
        return report
    existing = {
        item.offer_id for item in client.products.list(offer_ids=to_send["offer_id"].to_list())
    }
    going, waiting, size = _quota_split(client, to_send, existing, report)
    if waiting:
        reason = (
            "дневная квота Ozon на создание/обновление карточек исчерпана; "
            f"отправка после сброса квоты ({report.quota_reset_at or '03:00 МСК'})"
        )
        repo.record_waiting(waiting, reason)
        report.waiting_quota = len(waiting)
        log(f"{len(waiting)} card(s) wait for tomorrow's quota")
    task_ids: list[int] = []
    rows = going.select("offer_id", "card", "content_hash").rows()
    for start in range(0, len(rows), size):
        batch = rows[start : start + size]
        items = [ImportItem.model_validate(json.loads(card)) for _, card, _ in batch]
        try:
            sent_ids = client.products.import_(items)
        except OzonRateLimitedError as exc:
            # Everything sent so far is recorded; the rest differs again on the next run.
            report.stopped_early = (
                f"Ozon refused more imports (429) after {report.sent} cards: {exc}"
            )
            log(report.stopped_early)
            break
        except OzonError as exc:
            report.stopped_early = f"import stopped after {report.sent} cards: {exc}"
            log(report.stopped_early)
            break
        task_id = sent_ids[0]
        repo.record_sent(
            pl.DataFrame(
                {
                    "offer_id": [o for o, _, _ in batch],
                    "sent_hash": [h for _, _, h in batch],
                    "task_id": [task_id] * len(batch),
                }
            )
        )
        task_ids.append(task_id)
        report.sent += len(batch)
        report.batches += 1
        log(f"batch {report.batches}: {len(batch)} cards -> task {task_id}")
    read_task_results(client, repo, task_ids, report, wait_s=wait_s)
    return report
