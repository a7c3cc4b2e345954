"""Orders intake assets: the push inbox batch and the polling safety net, and their jobs."""

from datetime import timedelta

import dagster as dg
from pydantic import Field

from novex_assets.constants import (
    ORDERS,
    ORDERS_POLL_JOB,
    ORDERS_PROCESS_JOB,
    ORDERS_STAFF_ASSETS,
)
from novex_assets.orders.inbox import claim_batch
from novex_assets.orders.polling import poll_postings
from novex_assets.settings_resource import SettingsResource
from resources.ozon_resource import OzonResource
from resources.store.inbox import InboxMessage
from resources.store_resource import StoreResource

PUSH_INBOX_KEY = dg.AssetKey(["orders", "push_inbox"])
POSTING_POLL_KEY = dg.AssetKey(["orders", "posting_poll"])
# The inbox id up to which a sensor-requested run handles messages.
INBOX_UP_TO_TAG = "novex/inbox_up_to"


class PushInboxConfig(dg.Config):
    """Which messages a run takes from the inbox."""

    up_to_id: int | None = Field(
        default=None,
        description="Handle messages with ids up to this one (the sensor's cursor); "
        "empty = the run tag novex/inbox_up_to, else every pending message.",
    )
    batch_size: int | None = Field(
        default=None, description="At most this many messages; empty = orders_intake config."
    )


@dg.asset(
    key=PUSH_INBOX_KEY,
    group_name=ORDERS,
    kinds={"python", "sql"},
    description="The batch of pending Ozon notifications (pushed or polled), parsed, for the "
    "orders assets to handle.",
)
def push_inbox(
    context: dg.AssetExecutionContext,
    config: PushInboxConfig,
    store: StoreResource,
    settings: SettingsResource,
) -> dg.Output[list[InboxMessage]]:
    """The batch of pending Ozon notifications (pushed or polled), parsed."""
    up_to = config.up_to_id
    tag = context.run.tags.get(INBOX_UP_TO_TAG)
    if up_to is None and tag:
        up_to = int(tag)
    limit = config.batch_size or settings.get().orders_intake.inbox_batch_size
    repo = store.get_store().inbox
    batch = claim_batch(repo, up_to_id=up_to, limit=limit)
    lag = repo.lag()
    age = lag.oldest_pending_age_s()
    context.log.info(
        f"{len(batch.messages)} inbox messages up to id {up_to or 'any'}; "
        f"{batch.unparsable} unparsable; pending {lag.counts['pending']}"
    )
    return dg.Output(
        batch.messages,
        metadata={
            "messages": len(batch.messages),
            "by_type": dg.MetadataValue.json(batch.counts_by_type()),
            "from_polling": sum(1 for m in batch.messages if m.source == "poll"),
            "retried": sum(1 for m in batch.messages if m.attempts > 0),
            "unparsable": batch.unparsable,
            "up_to_id": up_to if up_to is not None else -1,
            "inbox_by_status": dg.MetadataValue.json(lag.counts),
            "oldest_pending_age_s": round(age, 1) if age is not None else 0.0,
        },
    )


@dg.asset(
    key=POSTING_POLL_KEY,
    group_name=ORDERS,
    kinds={"ozon", "sql"},
    description="Polling safety net: postings whose status changed since the last poll, stored "
    "in the inbox as the pushes they stand for (a push that also arrived is not duplicated).",
)
def posting_poll(
    context: dg.AssetExecutionContext,
    ozon: OzonResource,
    store: StoreResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Postings whose status changed since the last poll, stored in the inbox."""
    cfg = settings.get()
    intake = cfg.orders_intake
    repo = store.get_store().inbox
    with ozon.get_client() as client:
        report = poll_postings(
            client,
            repo,
            seller_id=int(cfg.ozon.main.client_id),
            overlap=timedelta(seconds=intake.poll_overlap_s),
            initial_lookback=timedelta(hours=intake.poll_initial_lookback_h),
        )
    context.log.info(
        f"polled {report.unfulfilled_seen} open and {report.changed_seen} changed postings; "
        f"{report.created} new inbox messages, {report.known} already known"
    )
    return dg.MaterializeResult(
        metadata={
            "window_from": report.window_from.isoformat(),
            "window_to": report.window_to.isoformat(),
            "unfulfilled_seen": report.unfulfilled_seen,
            "changed_seen": report.changed_seen,
            "watermark": report.watermark.isoformat() if report.watermark else "",
            "inbox_created": report.created,
            "inbox_already_known": report.known,
            "created_by_type": dg.MetadataValue.json(report.created_by_type),
        }
    )


orders_process_job = dg.define_asset_job(
    ORDERS_PROCESS_JOB,
    selection=dg.AssetSelection.groups(ORDERS)
    - dg.AssetSelection.assets(POSTING_POLL_KEY, *(dg.AssetKey(k) for k in ORDERS_STAFF_ASSETS)),
    description="Handle a batch of Ozon notifications from the push inbox.",
)

orders_poll_job = dg.define_asset_job(
    ORDERS_POLL_JOB,
    selection=dg.AssetSelection.assets(POSTING_POLL_KEY),
    description="Polling safety net: postings whose status changed, into the push inbox.",
)


@dg.asset_check(
    asset=PUSH_INBOX_KEY,
    name="no_stuck_inbox_messages",
    description="Warns when notifications failed every attempt: no run will take them again "
    "until a person fixes the cause (the error is stored with each).",
)
def no_stuck_inbox_messages(store: StoreResource) -> dg.AssetCheckResult:
    """Notifications out of attempts, with their errors, for a person to look at."""
    count, examples = store.get_store().inbox.stuck()
    return dg.AssetCheckResult(
        passed=count == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "stuck": count,
            "examples": dg.MetadataValue.json(
                [{**row, "error": (row["error"] or "")[:300]} for row in examples]
            ),
        },
    )
