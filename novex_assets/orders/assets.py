"""Orders assets (group `orders`): postings, shipments, labels, acts, returns, staff actions.

Each is its store table; each materialisation carries counts, lag and what is stuck and why.
The staff assets record what a person asked for (cancellations, held postings retried).
"""

from collections.abc import Iterator
from typing import Any

import dagster as dg
from pydantic import Field

from novex_assets.constants import (
    ORDERS,
    ORDERS_CANCEL_JOB,
    ORDERS_RETRY_HELD_JOB,
    ORDERS_STAFF_ASSETS,
)
from novex_assets.orders.context import OrdersContext
from novex_assets.orders.flow import handle_infor_documents, handle_messages
from novex_assets.orders.handover import (
    ACT_READY_STAGES,
    HandoverReport,
    create_acts,
    finish_acts,
    poll_returns,
)
from novex_assets.orders.intake_assets import PUSH_INBOX_KEY
from novex_assets.orders.packing import PackingReport, fetch_labels
from novex_assets.orders.staff import StaffReport, cancel_postings, retry_held_postings
from novex_assets.orders.stockbook import StockBook
from novex_assets.settings_resource import SettingsResource
from resources.ozon_resource import OzonResource
from resources.sources.resources import InforResource
from resources.store.inbox import InboxMessage
from resources.store.orders import PRE_SHIP_STAGES, OrdersRepo
from resources.store_resource import StoreResource

ORDERS_HANDOVER_JOB = "orders_handover"
ORDERS_RETURNS_JOB = "orders_returns"
# Ozon calls fail now and then (429, 5xx after the client's own retries): run the step again.
OZON_RETRY = dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL)
STUCK_SHOWN = 20
STALE_TEMPORARY_S = 60.0


def _ctx(
    context: dg.AssetExecutionContext,
    client: Any,
    store: StoreResource,
    infor: InforResource,
    settings: SettingsResource,
) -> OrdersContext:
    return OrdersContext(
        client=client,
        repo=OrdersRepo(store.get_store().engine),
        infor=infor.source().documents(),
        settings=settings.get(),
        log=context.log.info,
    )


def _stock_book(ctx: OrdersContext, store: StoreResource, infor: InforResource) -> StockBook:
    offers = set(store.get_store().inventory.products()["offer_id"].to_list())
    return StockBook.from_source(infor.source(), ctx.repo, ctx.settings, offers)


def _state_metadata(ctx: OrdersContext) -> dict[str, Any]:
    """Where every posting is, and which are past their pack-by time (with why).

    Pack-by times are Ozon's, so "past" is judged on Ozon's clock: a step that made no call
    asks Ozon once, and only while some posting still has a pack-by time to miss.
    """
    stages = ctx.repo.stage_counts()
    waiting = any(stages.get(stage) for stage in PRE_SHIP_STAGES)
    now = ctx.ozon_now(probe=waiting)
    late = ctx.repo.past_pack_by(now) if waiting else []
    stuck = {
        r["posting_number"]: f"{r['stage']}: {r['exception'] or 'waiting for Infor'}"
        for r in late[:STUCK_SHOWN]
    }
    oldest = min((r["shipment_date"] for r in late), default=None)
    exceptions = {
        r["posting_number"]: r["exception"]
        for r in ctx.repo.by_stage(["exception", "refused"])[:STUCK_SHOWN]
    }
    return {
        "postings_by_stage": dg.MetadataValue.json(stages),
        "past_pack_by": len(late),
        "oldest_past_pack_by_min": round((now - oldest).total_seconds() / 60, 1) if oldest else 0.0,
        "past_pack_by_examples": dg.MetadataValue.json(stuck),
        "exceptions": dg.MetadataValue.json(exceptions),
    }


@dg.asset(
    key=["orders", "postings"],
    group_name=ORDERS,
    kinds={"ozon", "sql"},
    ins={"push_inbox": dg.AssetIn(PUSH_INBOX_KEY)},
    retry_policy=OZON_RETRY,
    description="Ozon postings in the store: new ones checked, reserved and announced to Infor "
    "(chain 1); cancellations, state and date changes applied.",
)
def postings(
    context: dg.AssetExecutionContext,
    push_inbox: list[InboxMessage],
    ozon: OzonResource,
    store: StoreResource,
    infor: InforResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Ozon postings in the store: chain 1 for new ones; cancellations, states, dates applied."""
    with ozon.get_client() as client:
        ctx = _ctx(context, client, store, infor, settings)
        # A writer killed mid-write (SIGKILL) leaves a hidden temporary in Infor's folders;
        # swept once per orders_process run, by its first step.
        stale = ctx.infor.remove_stale_temporaries(STALE_TEMPORARY_S)
        if stale:
            context.log.warning(f"removed {stale} stale temporary file(s) from Infor's folders")
        book: list[StockBook] = []

        def stock() -> StockBook:
            if not book:
                book.append(_stock_book(ctx, store, infor))
            return book[0]

        report = handle_messages(ctx, push_inbox, store.get_store().inbox, stock)
        state = _state_metadata(ctx)
    context.log.info(f"{len(push_inbox)} messages: {dict(report.outcomes)}")
    lag = store.get_store().inbox.lag()
    age = lag.oldest_pending_age_s()
    newest = max((m.received_at for m in push_inbox), default=None)
    return dg.MaterializeResult(
        metadata={
            "messages": len(push_inbox),
            "outcomes": dg.MetadataValue.json(dict(report.outcomes)),
            "new_exceptions": dg.MetadataValue.json(report.exceptions),
            # Freshness: how old the newest handled message is, and what still waits.
            "newest_message_age_s": round((ctx.now() - newest).total_seconds(), 1)
            if newest
            else -1.0,
            "inbox_oldest_pending_age_s": round(age, 1) if age is not None else 0.0,
            "inbox_failed": lag.counts.get("failed", 0),
            "infor_stale_temporaries_removed": stale,
            **state,
        }
    )


@dg.asset(
    key=["orders", "shipments"],
    group_name=ORDERS,
    kinds={"ozon", "sql"},
    deps=[postings],
    retry_policy=OZON_RETRY,
    description="Infor's packing documents checked against the postings, marking codes set, "
    "postings shipped with one package per box (chain 2); allocations and return receipts.",
)
def shipments(
    context: dg.AssetExecutionContext,
    ozon: OzonResource,
    store: StoreResource,
    infor: InforResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Chain 2: Infor's packing documents → checks → marks → ship, one package per box."""
    report = PackingReport()
    with ozon.get_client() as client:
        ctx = _ctx(context, client, store, infor, settings)
        handle_infor_documents(ctx, report)
    context.log.info(f"packing: {dict(report.outcomes)}")
    return dg.MaterializeResult(
        metadata={
            "outcomes": dg.MetadataValue.json(dict(report.outcomes)),
            "refused": dg.MetadataValue.json(report.refused),
            "postings_created_by_split": report.new_postings,
        }
    )


@dg.asset(
    key=["orders", "labels"],
    group_name=ORDERS,
    kinds={"ozon", "sql"},
    deps=[shipments],
    retry_policy=OZON_RETRY,
    description="Package labels of packed postings, fetched once Ozon can print them and "
    "delivered to Infor as one PDF per posting.",
)
def labels(
    context: dg.AssetExecutionContext,
    ozon: OzonResource,
    store: StoreResource,
    infor: InforResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Package labels fetched once Ozon can print them, one PDF per posting to Infor."""
    report = PackingReport()
    with ozon.get_client() as client:
        ctx = _ctx(context, client, store, infor, settings)
        fetch_labels(ctx, report)
    counts = ctx.repo.label_status_counts()
    return dg.MaterializeResult(
        metadata={
            "outcomes": dg.MetadataValue.json(dict(report.outcomes)),
            "labels_by_status": dg.MetadataValue.json(counts),
            "labels_pending": counts.get("pending", 0),
        }
    )


def _asked(context: dg.AssetExecutionContext, job: str) -> bool:
    return context.run.job_name == job


class ActsConfig(dg.Config):
    """A staff run of orders_handover: acts now instead of at the cut-off."""

    on_demand: bool = Field(
        default=False,
        description="Create acts now for every delivery method with packed postings, whatever "
        "Ozon's cut-off (false: only methods whose cut-off is within orders.act_lead_minutes).",
    )
    warehouse_ids: list[int] = Field(
        default=[], description="Only these Ozon warehouses; empty = every warehouse."
    )


@dg.asset(
    key=["orders", "acts"],
    group_name=ORDERS,
    kinds={"ozon", "sql"},
    deps=[labels],
    retry_policy=OZON_RETRY,
    output_required=False,
    description="Handover acts per delivery method, created near Ozon's cut-off "
    "(orders_handover) or on demand; documents and barcode to Infor; postings left out go "
    "with the next act.",
)
def acts(
    context: dg.AssetExecutionContext,
    config: ActsConfig,
    ozon: OzonResource,
    store: StoreResource,
    infor: InforResource,
    settings: SettingsResource,
) -> Iterator[dg.MaterializeResult]:
    """Handover acts per delivery method near Ozon's cut-off, or on demand; documents to Infor."""
    report = HandoverReport()
    create = _asked(context, ORDERS_HANDOVER_JOB) or config.on_demand
    with ozon.get_client() as client:
        ctx = _ctx(context, client, store, infor, settings)
        forming = ctx.repo.acts(["forming"])
        if not forming and not create:
            return
        finish_acts(ctx, report)
        if create:
            created = create_acts(
                ctx, report, on_demand=config.on_demand, warehouse_ids=config.warehouse_ids
            )
            finish_acts(ctx, report, created, wait_s=ctx.settings.orders.act_wait_s)
    waiting = [p for p in ctx.repo.by_stage(ACT_READY_STAGES) if not p["act_id"]]
    yield dg.MaterializeResult(
        metadata={
            "outcomes": dg.MetadataValue.json(dict(report.outcomes)),
            "on_demand": config.on_demand,
            "delivery_methods": dg.MetadataValue.json(report.methods),
            "refused_by_method": dg.MetadataValue.json(report.refusals),
            "acts_forming": len(ctx.repo.acts(["forming"])),
            "postings_waiting_for_an_act": len(waiting),
        }
    )


@dg.asset(
    key=["orders", "returns"],
    group_name=ORDERS,
    kinds={"ozon", "sql"},
    retry_policy=OZON_RETRY,
    output_required=False,
    description="FBS returns read from /v1/returns/list (orders_returns), matched to postings "
    "and announced to Infor, closed by Infor's receipt.",
)
def returns(
    context: dg.AssetExecutionContext,
    ozon: OzonResource,
    store: StoreResource,
    infor: InforResource,
    settings: SettingsResource,
) -> Iterator[dg.MaterializeResult]:
    """FBS returns from Ozon, matched to postings, announced to Infor, closed by its receipt."""
    if not _asked(context, ORDERS_RETURNS_JOB):
        return
    report = HandoverReport()
    with ozon.get_client() as client:
        ctx = _ctx(context, client, store, infor, settings)
        poll_returns(ctx, report)
    rows = ctx.repo.returns()
    by_status: dict[str, int] = {}
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + 1
    yield dg.MaterializeResult(
        metadata={
            "outcomes": dg.MetadataValue.json(dict(report.outcomes)),
            "returns_by_status": dg.MetadataValue.json(by_status),
            "unmatched": sum(1 for r in rows if not r["matched"]),
            "changed_since": report.returns_since.isoformat() if report.returns_since else "",
        }
    )


class CancelConfig(dg.Config):
    """A seller-side cancellation staff ask for."""

    posting_numbers: list[str] = Field(description="Postings to cancel on Ozon.")
    reason_id: int = Field(
        description="Ozon's seller cancel reason id (352 out of stock, 400 only defective stock "
        "left, 402 other: needs a message); checked against the ones Ozon allows per posting."
    )
    message: str = Field(default="", description="Why: sent to Ozon and kept in the store.")


def _staff_metadata(report: StaffReport) -> dict[str, Any]:
    return {
        "outcomes": dg.MetadataValue.json(dict(report.outcomes)),
        "done": dg.MetadataValue.json(report.done),
        "failed": len(report.failed),
        "failures": dg.MetadataValue.json(report.failed),
    }


@dg.asset(
    key=list(ORDERS_STAFF_ASSETS[0]),
    group_name=ORDERS,
    kinds={"ozon", "sql"},
    deps=[postings],
    description="Seller-side cancellations staff ask for (orders_cancel): reason checked "
    "against Ozon's, cancelled on Ozon, stock released, Infor told to stop picking.",
)
def staff_cancellations(
    context: dg.AssetExecutionContext,
    config: CancelConfig,
    ozon: OzonResource,
    store: StoreResource,
    infor: InforResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Seller-side cancellations staff ask for, each checked against Ozon's allowed reasons."""
    with ozon.get_client() as client:
        ctx = _ctx(context, client, store, infor, settings)
        report = cancel_postings(ctx, config.posting_numbers, config.reason_id, config.message)
    for number, why in report.failed.items():
        context.log.warning(f"posting {number} not cancelled: {why}")
    return dg.MaterializeResult(
        metadata={
            "reason_id": config.reason_id,
            "asked": len(config.posting_numbers),
            "cancelled": len(report.done),
            **_staff_metadata(report),
        }
    )


class RetryHeldConfig(dg.Config):
    """Which held postings to try again."""

    posting_numbers: list[str] = Field(
        default=[], description="Only these held postings; empty = every held posting."
    )


@dg.asset(
    key=list(ORDERS_STAFF_ASSETS[1]),
    group_name=ORDERS,
    kinds={"ozon", "sql"},
    deps=[postings],
    retry_policy=OZON_RETRY,
    description="Postings held by the unknown-offer or short-stock rule, tried again through "
    "chain 1 (orders_retry_held), e.g. once stock arrived.",
)
def held_postings(
    context: dg.AssetExecutionContext,
    config: RetryHeldConfig,
    ozon: OzonResource,
    store: StoreResource,
    infor: InforResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Held postings tried again through chain 1 against the newest stock."""
    with ozon.get_client() as client:
        ctx = _ctx(context, client, store, infor, settings)
        report = retry_held_postings(ctx, _stock_book(ctx, store, infor), config.posting_numbers)
    still = ctx.repo.by_stage(["exception"])
    return dg.MaterializeResult(
        metadata={
            "tried": len(report.done) + len(report.failed),
            "released": sum(1 for o in report.done.values() if o == "notified"),
            "still_held": len(still),
            "still_held_why": dg.MetadataValue.json(
                {r["posting_number"]: r["exception"] for r in still[:STUCK_SHOWN]}
            ),
            **_staff_metadata(report),
        }
    )


orders_handover_job = dg.define_asset_job(
    ORDERS_HANDOVER_JOB,
    selection=dg.AssetSelection.assets(acts),
    description="Acts for delivery methods whose cut-off is near (run config "
    "ops.orders__acts.config.on_demand: true = now); documents to Infor.",
)
orders_returns_job = dg.define_asset_job(
    ORDERS_RETURNS_JOB,
    selection=dg.AssetSelection.assets(returns),
    description="Poll Ozon's returns into the store and announce them to Infor.",
)
orders_cancel_job = dg.define_asset_job(
    ORDERS_CANCEL_JOB,
    selection=dg.AssetSelection.assets(staff_cancellations),
    description="Cancel postings on Ozon as the seller (run config: posting numbers, Ozon's "
    "reason id, message); stock released, Infor told to stop picking.",
)
orders_retry_held_job = dg.define_asset_job(
    ORDERS_RETRY_HELD_JOB,
    selection=dg.AssetSelection.assets(held_postings),
    description="Try postings held for an unknown offer or short stock again (e.g. after stock "
    "arrived).",
)
