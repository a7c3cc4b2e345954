"""FBS package labels: the synchronous PDF and the asynchronous big/small label tasks.

Labels exist only for postings in ``awaiting_deliver`` and only ``label_ready_seconds`` of sandbox
time after packing (Ozon advises 45–60 s); before that the synchronous method answers
``The next postings aren't ready``. Task files are served by the sandbox itself under
``/sandbox/accounts/{client_id}/postings/label-files/{task_id}.pdf`` — the ``file_url`` is that
path, relative to the sandbox's base URL.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field
from starlette.responses import Response

from ozon_sandbox.api.common import Int64, OzonRequest
from ozon_sandbox.api.postings import invalid, json_reply
from ozon_sandbox.documents import LabelData, LabelProduct, LabelSize, render_package_labels
from ozon_sandbox.errors import OzonApiError, bad_request, not_found
from ozon_sandbox.postings.model import (
    AWAITING_DELIVER,
    DELIVERED,
    LabelTask,
    Posting,
    postings_state,
)
from ozon_sandbox.registry import MethodContext, admin_endpoint, on_tick, ozon_method

MAX_LABELS = 20
NOT_READY = "The next postings aren't ready"
FILE_PATH = "/sandbox/accounts/{client_id}/postings/label-files/{task_id}.pdf"


def label_problem(ctx: MethodContext, posting: Posting | None, number: str) -> str | None:
    """Why no label can be printed for this posting now (None: it can)."""
    if posting is None:
        return f"POSTING_NOT_FOUND: {number}"
    if posting.status == DELIVERED:
        return "label not allowed for delivered postings"
    if posting.status != AWAITING_DELIVER:
        return f"INVALID_ARGUMENT: posting {number} is {posting.status}, not awaiting_deliver"
    if posting.label_ready_at is not None and ctx.now_dt < posting.label_ready_at:
        return f"{NOT_READY}: {number}"
    return None


def label_data(posting: Posting) -> LabelData:
    """What a label shows for one posting."""
    return LabelData(
        posting_number=posting.posting_number,
        barcode=posting.upper_barcode or posting.posting_number,
        warehouse_name=posting.warehouse_name or str(posting.warehouse_id),
        delivery_method_name=posting.delivery_method_name or None,
        shipment_date=posting.shipment_date,
        products=[
            LabelProduct(offer_id=p.offer_id, name=p.name or p.offer_id, quantity=p.quantity)
            for p in posting.products
        ],
        box_number=1,
        box_count=max(1, posting.multi_box_qty),
    )


class LabelRequest(OzonRequest):
    """Body of the label methods."""

    posting_number: list[str] = Field(min_length=1)


@ozon_method("/v2/posting/fbs/package-label", request_model=LabelRequest)
def package_label(ctx: MethodContext, request: LabelRequest) -> Response:
    """A PDF with one label per posting (≤ 20); one bad posting fails the whole batch."""
    if len(request.posting_number) > MAX_LABELS:
        raise bad_request(f"posting_number: at most {MAX_LABELS} postings per request")
    domain = postings_state(ctx.state)
    numbers = list(dict.fromkeys(request.posting_number))
    postings = [domain.postings.get(n) for n in numbers]
    problems = [
        problem
        for number, posting in zip(numbers, postings, strict=True)
        if (problem := label_problem(ctx, posting, number)) is not None
    ]
    not_ready = [p for p in problems if p.startswith(NOT_READY)]
    if problems and len(not_ready) == len(problems):
        names = ", ".join(p.split(": ", 1)[1] for p in not_ready)
        raise OzonApiError(400, 3, f"{NOT_READY}: {names}")
    if problems:
        raise OzonApiError(400, 3, "; ".join(problems))
    pdf = render_package_labels([label_data(p) for p in postings if p is not None])
    stamp = ctx.now_dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="ticket-{ctx.client_id}-{stamp}.pdf"'
        },
    )


# ---------------------------------------------------------------- async tasks


@ozon_method("/v2/posting/fbs/package-label/create", request_model=LabelRequest)
def create_task(ctx: MethodContext, request: LabelRequest) -> Response:
    """Start a big-label and a small-label task for the postings."""
    domain = postings_state(ctx.state)
    numbers = list(dict.fromkeys(request.posting_number))
    unknown = [n for n in numbers if n not in domain.postings]
    if unknown:
        raise invalid("POSTING_NUMBERS_IS_INCORRECT_FOR_COMPANY", ", ".join(unknown))
    ready_at = ctx.now_dt + timedelta(seconds=domain.settings.label_task_seconds)
    tasks = []
    for task_type in ("big_label", "small_label"):
        task = LabelTask(
            task_id=domain.next_task_id,
            task_type=task_type,  # type: ignore[arg-type]
            posting_numbers=numbers,
            created_at=ctx.now_dt,
            ready_at=ready_at,
        )
        domain.next_task_id += 1
        domain.label_tasks[str(task.task_id)] = task
        tasks.append({"task_id": task.task_id, "task_type": task.task_type})
    complete_label_tasks(ctx)
    return json_reply({"result": {"tasks": tasks}})


@on_tick
def complete_label_tasks(ctx: MethodContext) -> None:
    """Finish label tasks whose time has come: printable postings go in the file."""
    domain = postings_state(ctx.state)
    for task in domain.label_tasks.values():
        if task.status not in ("pending", "in_progress") or task.ready_at > ctx.now_dt:
            continue
        task.printed, task.unprinted = [], []
        for number in task.posting_numbers:
            problem = label_problem(ctx, domain.postings.get(number), number)
            if problem is None:
                task.printed.append(number)
            else:
                task.unprinted.append({"posting_number": number, "msg": problem})
        task.status = "completed" if task.printed else "error"
        task.error = "" if task.printed else "NO_POSTINGS_FOR_BATCH_DOWNLOAD"


class TaskRequest(OzonRequest):
    """Body of ``/v1/posting/fbs/package-label/get``."""

    task_id: Int64


@ozon_method("/v1/posting/fbs/package-label/get", request_model=TaskRequest)
def get_task(ctx: MethodContext, request: TaskRequest) -> Response:
    """A label task's state; ``file_url`` once completed."""
    task = postings_state(ctx.state).label_tasks.get(str(request.task_id))
    if task is None:
        raise not_found(f"task {request.task_id} not found")
    completed = task.status == "completed"
    return json_reply(
        {
            "result": {
                "error": task.error,
                "file_url": FILE_PATH.format(client_id=ctx.client_id, task_id=task.task_id)
                if completed
                else "",
                "printed_postings_count": len(task.printed),
                "status": task.status,
                "unprinted_postings": task.unprinted,
                "unprinted_postings_count": len(task.unprinted),
            }
        }
    )


class LabelFile(BaseModel):
    """The file of one completed label task."""

    task_id: int


@admin_endpoint("/postings/label-files/{task_id:int}.pdf", verbs=("GET",), request_model=LabelFile)
def label_file(ctx: MethodContext, body: LabelFile | None) -> Response:
    """The PDF of a completed task (what Ozon's CDN serves at ``file_url``)."""
    domain = postings_state(ctx.state)
    task = domain.label_tasks.get(str(body.task_id)) if body is not None else None
    if task is None or task.status != "completed":
        return Response(b"Not Found", status_code=404, media_type="text/plain")
    size: LabelSize = "big" if task.task_type == "big_label" else "small"
    postings = [domain.postings[n] for n in task.printed if n in domain.postings]
    return Response(
        render_package_labels([label_data(p) for p in postings], size=size),
        media_type="application/pdf",
    )
