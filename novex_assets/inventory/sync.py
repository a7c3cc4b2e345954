"""Pushing changed stock and prices to Ozon in Ozon-sized batches, committing each batch's outcome.

A few batches are in flight at once (the client's limiter keeps them within Ozon's window and
the pair rule), so a hung call or a 5xx costs that batch its retry, not the whole sweep. Each
batch's results are written as it completes, by one thread, so a run that dies midway loses
nothing: what Ozon accepted is recorded, the rest is still "changed" on the next run.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import Any, Protocol

import polars as pl
from pydantic import BaseModel

from resources.ozon import (
    OzonAuthError,
    OzonClient,
    OzonError,
    OzonForbiddenError,
    PriceUpdate,
    StockUpdate,
    constants,
)
from resources.store.inventory import InventoryRepo

REJECTED_COLUMNS = {"code": pl.String, "message": pl.String}
MAX_CONSECUTIVE_FAILED_BATCHES = 3
DEFAULT_CONCURRENCY = 4


class PushGuard(Protocol):
    """What the batch loop asks before each batch: may this run still push (a held lease)?"""

    @property
    def lost(self) -> bool:
        """True once the run must stop pushing."""
        ...


class SyncReport(BaseModel):
    """What one push did; shown as materialisation metadata and printed by the demo."""

    kind: str
    changed: int = 0
    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    deferred: int = 0
    batches: int = 0
    failed_batches: int = 0
    open_errors_before: int = 0
    seconds: float = 0.0
    error_codes: dict[str, int] = {}
    aborted: str | None = None


def _chunks(frame: pl.DataFrame, size: int) -> Iterator[pl.DataFrame]:
    for start in range(0, frame.height, size):
        yield frame.slice(start, size)


def _error_code(exc: OzonError) -> str:
    return str(exc.code) if exc.code not in (None, "") else type(exc).__name__


class _Pusher:
    """Shared batch loop for stocks and prices; only the item mapping differs."""

    def __init__(
        self,
        kind: str,
        batch_size: int,
        send: Callable[[pl.DataFrame], tuple[pl.DataFrame, pl.DataFrame]],
        record: Callable[[pl.DataFrame, pl.DataFrame], None],
        log: Callable[[str], None],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        guard: PushGuard | None = None,
    ) -> None:
        self.kind, self.batch_size, self.send, self.record, self.log = (
            kind,
            batch_size,
            send,
            record,
            log,
        )
        self.concurrency = max(1, concurrency)
        self.guard = guard

    def run(self, changes: pl.DataFrame, open_errors: int) -> SyncReport:
        report = SyncReport(kind=self.kind, changed=changes.height, open_errors_before=open_errors)
        codes: Counter[str] = Counter()
        started = time.perf_counter()
        total_batches = -(-changes.height // self.batch_size)
        consecutive_failures = 0
        fatal: BaseException | None = None
        stop = threading.Event()

        def send(batch: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame] | None:
            # Checked as each batch starts: after a stop nothing more leaves for Ozon.
            if stop.is_set() or (self.guard is not None and self.guard.lost):
                return None
            return self.send(batch)

        # Every batch is queued at once; the pool sends `concurrency` at a time while this thread
        # records outcomes as they come back, so recording never holds the next call up.
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix=f"push-{self.kind}") as pool:
            futures = {
                pool.submit(send, batch): batch for batch in _chunks(changes, self.batch_size)
            }
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                outcomes: list[tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]] = []
                for future in done:
                    batch = futures[future]
                    try:
                        outcome = future.result()
                        if outcome is None:
                            continue  # not sent: the push stopped before this batch
                        accepted, rejected = outcome
                        consecutive_failures = 0
                    except (OzonAuthError, OzonForbiddenError) as exc:
                        # Nothing else will pass either: stop sending, then raise.
                        fatal = fatal or exc
                        stop.set()
                        continue
                    except OzonError as exc:
                        # The whole batch failed after the client's retries: keep it as open
                        # errors so it is visible and retried next run, then carry on unless
                        # Ozon is plainly down.
                        report.failed_batches += 1
                        consecutive_failures += 1
                        accepted = batch.head(0)
                        rejected = batch.with_columns(
                            code=pl.lit(_error_code(exc)), message=pl.lit(str(exc))
                        )
                    outcomes.append((batch, accepted, rejected))
                if not outcomes:
                    continue
                # Batches that came back together are committed together, in one transaction.
                self.record(
                    pl.concat([a for _, a, _ in outcomes]), pl.concat([r for _, _, r in outcomes])
                )
                for batch, accepted, rejected in outcomes:
                    self._count(report, codes, batch, accepted, rejected)
                    if report.batches % 50 == 0 or report.batches == total_batches:
                        self.log(
                            f"{self.kind}: batch {report.batches}/{total_batches}, "
                            f"{report.accepted} accepted, {report.rejected} rejected, "
                            f"{report.deferred} deferred"
                        )
                if consecutive_failures >= MAX_CONSECUTIVE_FAILED_BATCHES and not stop.is_set():
                    stop.set()
                    report.aborted = f"{consecutive_failures} batches in a row failed"
        if report.aborted is None and self.guard is not None and self.guard.lost:
            report.aborted = "the push lease was taken over by another run"
        if report.aborted is not None:
            report.aborted += f"; {changes.height - report.sent} items left for the next run"
            self.log(f"{self.kind}: stopping early: {report.aborted}")
        report.seconds = round(time.perf_counter() - started, 3)
        report.error_codes = dict(codes.most_common())
        if fatal is not None:
            raise fatal
        return report

    @staticmethod
    def _count(
        report: SyncReport,
        codes: Counter[str],
        batch: pl.DataFrame,
        accepted: pl.DataFrame,
        rejected: pl.DataFrame,
    ) -> None:
        report.batches += 1
        report.sent += batch.height
        report.accepted += accepted.height
        deferred = rejected.filter(pl.col("code") == "LOCAL_RATE_LIMIT").height
        report.deferred += deferred
        report.rejected += rejected.height - deferred
        codes.update(rejected["code"].to_list())


def _split(
    batch: pl.DataFrame, results: list[Any], keys: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Match Ozon's per-item results back to the batch rows (by position, checked by offer_id)."""
    accepted_idx: list[int] = []
    rejected_idx: list[int] = []
    codes: list[str] = []
    messages: list[str] = []
    by_key: dict[tuple[Any, ...], Any] = {}
    for result in results:
        by_key[tuple(getattr(result, k, None) for k in keys)] = result
    rows = batch.select(keys).rows()
    for index, key in enumerate(rows):
        result = by_key.get(tuple(key))
        if result is not None and result.updated and not result.errors:
            accepted_idx.append(index)
            continue
        rejected_idx.append(index)
        if result is None:
            codes.append("NO_RESULT")
            messages.append("Ozon returned no result for this item")
        else:
            first = result.errors[0] if result.errors else None
            codes.append(str(first.code) if first else "NOT_UPDATED")
            messages.append(first.message if first else "Ozon did not update the item")
    accepted = batch[accepted_idx] if accepted_idx else batch.head(0)
    rejected = (batch[rejected_idx] if rejected_idx else batch.head(0)).with_columns(
        pl.Series("code", codes, dtype=pl.String), pl.Series("message", messages, dtype=pl.String)
    )
    return accepted, rejected


def push_stock(
    client: OzonClient,
    repo: InventoryRepo,
    changes: pl.DataFrame,
    *,
    batch_size: int,
    run_id: str,
    log: Callable[[str], None],
    concurrency: int = DEFAULT_CONCURRENCY,
    guard: PushGuard | None = None,
) -> SyncReport:
    """Send changed (offer, warehouse) stock to Ozon and record every item's outcome."""

    def send(batch: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        # Both ids, as Ozon's schema asks; Ozon goes by offer_id when both are given.
        with_ids = batch.with_columns(
            pl.col("ozon_product_id")
            if "ozon_product_id" in batch.columns
            else pl.lit(None, dtype=pl.Int64).alias("ozon_product_id")
        )
        items = [
            StockUpdate(offer_id=o, product_id=p, warehouse_id=w, stock=s)
            for o, p, w, s in with_ids.select(
                "offer_id", "ozon_product_id", "warehouse_id", "stock"
            ).iter_rows()
        ]
        return _split(batch, client.stocks.update(items), ["offer_id", "warehouse_id"])

    def record(accepted: pl.DataFrame, rejected: pl.DataFrame) -> None:
        repo.record_stock_results(accepted, rejected, run_id=run_id, method=constants.STOCKS_UPDATE)

    open_errors = repo.open_sync_errors("stock").height
    pusher = _Pusher("stock", batch_size, send, record, log, concurrency=concurrency, guard=guard)
    return pusher.run(changes, open_errors)


def _money(value: float | None) -> str:
    return "0" if value is None else f"{value:.2f}"


def push_prices(
    client: OzonClient,
    repo: InventoryRepo,
    changes: pl.DataFrame,
    *,
    batch_size: int,
    run_id: str,
    log: Callable[[str], None],
    concurrency: int = DEFAULT_CONCURRENCY,
    guard: PushGuard | None = None,
) -> SyncReport:
    """Send changed prices to Ozon and record every item's outcome (deferred ones included)."""

    def send(batch: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        items = [
            PriceUpdate(
                offer_id=o,
                price=_money(p),
                old_price=_money(op),
                min_price=None if mp is None else _money(mp),
            )
            for o, p, op, mp in batch.select(
                "offer_id", "price", "old_price", "min_price"
            ).iter_rows()
        ]
        return _split(batch, client.prices.update(items), ["offer_id"])

    def record(accepted: pl.DataFrame, rejected: pl.DataFrame) -> None:
        repo.record_price_results(accepted, rejected, run_id=run_id, method=constants.PRICES_UPDATE)

    open_errors = repo.open_sync_errors("price").height
    pusher = _Pusher("price", batch_size, send, record, log, concurrency=concurrency, guard=guard)
    return pusher.run(changes, open_errors)


def hold_without_price(
    changes: pl.DataFrame, accepted_prices: pl.DataFrame, accepted_stock: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split stock changes into those to send and those whose card has no accepted price yet.

    Ozon refuses stock for a card whose price was never sent (``PRICE_IS_NOT_SENT``); such
    pairs wait for ``price_sync`` to get the price accepted instead of earning an error. A pair
    that Ozon holds stock for and that must go to 0 is never held: stopping sales of goods we no
    longer have comes before everything else.
    """
    keys = ["offer_id", "warehouse_id"]
    priced = accepted_prices.select(pl.col("offer_id").cast(pl.String)).unique()
    on_sale = accepted_stock.filter(pl.col("stock") > 0).select(
        pl.col("offer_id").cast(pl.String), pl.col("warehouse_id").cast(pl.Int64)
    )
    unpriced = changes.join(priced, on="offer_id", how="anti")
    withdrawals = unpriced.filter(pl.col("stock") == 0).join(on_sale, on=keys, how="semi")
    held = unpriced.join(withdrawals.select(keys), on=keys, how="anti")
    ready = changes.join(held.select(keys), on=keys, how="anti")
    return ready.sort(keys), held


def superseded_errors(
    open_errors: pl.DataFrame, changes: pl.DataFrame, accepted: pl.DataFrame, keys: list[str]
) -> list[int]:
    """Ids of open errors whose item Ozon now holds at the wanted value (nothing left to send).

    Another run (or a later batch) got the value accepted after the error was stored; the
    error describes a state that no longer exists.
    """
    if not open_errors.height:
        return []
    errors = open_errors.select("id", *keys)
    settled = errors.join(accepted.select(keys), on=keys, how="semi").join(
        changes.select(keys), on=keys, how="anti"
    )
    return [int(i) for i in settled["id"].to_list()]
