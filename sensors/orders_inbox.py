"""Starts `orders_process` for each batch of new messages in the push inbox."""

import time

import dagster as dg

from novex_assets.orders.intake_assets import INBOX_UP_TO_TAG, orders_process_job
from resources.store_resource import StoreResource

SENSOR_NAME = "orders_process_on_push_inbox"

# A run in one of these states may still handle its batch: another must not start meanwhile.
_IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def _cursor(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def build_push_inbox_sensor(
    interval_s: int = 15, retry_interval_s: int = 300
) -> dg.SensorDefinition:
    """One run per batch of pending messages; cursor = the newest message id a run was asked for.

    Messages a run left unprocessed (it failed, was killed, or marked some failed) sit below
    the cursor; once no run is in flight they get one retry run per ``retry_interval_s``.
    """

    @dg.sensor(
        name=SENSOR_NAME,
        job=orders_process_job,
        minimum_interval_seconds=interval_s,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Runs orders_process for the messages that arrived in the push inbox since "
        "the last run (one run per batch, never one per posting).",
    )
    def orders_process_on_push_inbox(
        context: dg.SensorEvaluationContext, store: StoreResource
    ) -> dg.SensorResult | dg.SkipReason:
        cursor = _cursor(context.cursor)
        inbox = store.get_store().inbox
        newest = inbox.max_id()
        fresh = newest is not None and newest > cursor
        left = [] if fresh else inbox.pending(up_to_id=cursor, limit=1)
        if not fresh and not left:
            return dg.SkipReason(f"no pending message after id {cursor}")
        running = context.instance.get_runs(
            dg.RunsFilter(job_name=orders_process_job.name, statuses=_IN_FLIGHT), limit=1
        )
        if running:
            # The cursor stays: the next tick after that run ends takes these messages too.
            return dg.SkipReason(
                f"run {running[0].run_id} for the previous batch is still in flight; "
                f"messages up to id {newest or cursor} wait for it"
            )
        if fresh:
            assert newest is not None
            return dg.SensorResult(
                run_requests=[
                    dg.RunRequest(run_key=f"inbox-{newest}", tags={INBOX_UP_TO_TAG: str(newest)})
                ],
                cursor=str(newest),
            )
        # Only leftovers: one retry run per interval (the run key names the interval).
        slot = int(time.time() // retry_interval_s)
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    run_key=f"inbox-{cursor}-retry-{slot}",
                    tags={INBOX_UP_TO_TAG: str(cursor)},
                )
            ],
            cursor=str(cursor),
        )

    return orders_process_on_push_inbox
