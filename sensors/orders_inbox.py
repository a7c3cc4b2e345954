"""Starts `orders_process` for each batch of new messages in the push inbox."""

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


def build_push_inbox_sensor(interval_s: int = 15) -> dg.SensorDefinition:
    """One run per batch of pending messages; cursor = the newest message id a run was asked for."""

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
        newest = store.get_store().inbox.max_id()
        if newest is None or newest <= cursor:
            return dg.SkipReason(f"no pending message after id {cursor}")
        running = context.instance.get_runs(
            dg.RunsFilter(job_name=orders_process_job.name, statuses=_IN_FLIGHT), limit=1
        )
        if running:
            # The cursor stays: the next tick after that run ends takes these messages too.
            return dg.SkipReason(
                f"run {running[0].run_id} for the previous batch is still in flight; "
                f"messages up to id {newest} wait for it"
            )
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(run_key=f"inbox-{newest}", tags={INBOX_UP_TO_TAG: str(newest)})
            ],
            cursor=str(newest),
        )

    return orders_process_on_push_inbox
