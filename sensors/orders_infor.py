"""Starts `orders_process` when Infor dropped documents, or packed postings wait on Ozon."""

from datetime import UTC, datetime

import dagster as dg

from novex_assets.orders.intake_assets import orders_process_job
from resources.sources.resources import InforResource
from resources.store.orders import OrdersRepo
from resources.store_resource import StoreResource

SENSOR_NAME = "orders_process_on_infor_document"
_IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def build_infor_document_sensor(interval_s: int = 30) -> dg.SensorDefinition:
    """One run for everything Infor dropped since the last run (batched), plus due labels."""

    @dg.sensor(
        name=SENSOR_NAME,
        job=orders_process_job,
        minimum_interval_seconds=interval_s,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Runs orders_process for Infor's new packing documents, allocations and "
        "return receipts, and while postings wait on Ozon (marks, labels, act documents).",
    )
    def orders_process_on_infor_document(
        context: dg.SensorEvaluationContext, store: StoreResource, infor: InforResource
    ) -> dg.SensorResult | dg.SkipReason:
        documents = infor.source().documents().pending()
        repo = OrdersRepo(store.get_store().engine)
        now = datetime.now(UTC)
        # A label's time is on Ozon's clock, which the sensor cannot read: any pending label
        # starts a run, and the run asks Ozon only for the ones due by its clock.
        due = (
            repo.label_status_counts().get("pending", 0)
            + len(repo.by_stage(["packing"]))
            + len(repo.acts(["forming"]))
        )
        if not documents and not due:
            return dg.SkipReason("no Infor document and nothing waiting on Ozon")
        running = context.instance.get_runs(
            dg.RunsFilter(job_name=orders_process_job.name, statuses=_IN_FLIGHT), limit=1
        )
        if running:
            return dg.SkipReason(f"run {running[0].run_id} is still in flight")
        newest = documents[-1].name if documents else "waiting"
        key = f"infor-{newest}-{now.strftime('%Y%m%dT%H%M%S')}"
        return dg.SensorResult(
            run_requests=[dg.RunRequest(run_key=key, tags={"novex/trigger": "infor"})],
            cursor=newest,
        )

    return orders_process_on_infor_document
