"""``client.labels``: FBS package labels as PDF bytes, synchronously or through label tasks.

Ozon prepares labels 45–60 s after packing and answers ``The next postings aren't ready`` until
then; :meth:`LabelsService.get_pdf` retries that answer for a bounded time. At most 20 postings
go in one call, so longer lists are fetched in chunks (one PDF per chunk).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from resources.ozon import constants
from resources.ozon.errors import OzonError, OzonTransportError, OzonValidationError
from resources.ozon.models.labels import (
    LabelRequest,
    LabelTask,
    LabelTaskCreateResponse,
    LabelTaskRef,
    LabelTaskRequest,
    LabelTaskResponse,
)
from resources.ozon.polling import OzonPollTimeoutError, poll
from resources.ozon.postings import body
from resources.ozon.service import Service

NOT_READY = "aren't ready"


class LabelTaskFailedError(OzonError):
    """A label task ended in ``error``; ``task`` holds Ozon's answer."""

    def __init__(self, message: str, *, task: LabelTask, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.task = task


def _not_ready(error: OzonError) -> bool:
    return isinstance(error, OzonValidationError) and NOT_READY in error.message


class LabelsService(Service):
    """Package labels of packed postings."""

    def get_pdf(
        self,
        posting_numbers: Sequence[str],
        *,
        wait_s: float = constants.LABEL_READY_WAIT_S,
        retry_s: float = constants.LABEL_RETRY_INTERVAL_S,
    ) -> list[bytes]:
        """One PDF per chunk of ≤ 20 postings, waiting up to ``wait_s`` (Ozon time) per chunk.

        Raises:
            OzonPollTimeoutError: labels were still not ready after ``wait_s``.
            OzonValidationError: a posting cannot have a label (wrong status, unknown).
        """
        numbers = list(dict.fromkeys(posting_numbers))
        if not numbers:
            raise ValueError("give at least one posting number")
        size = constants.LABELS_PER_CALL_MAX
        return [
            self._chunk(numbers[i : i + size], wait_s, retry_s)
            for i in range(0, len(numbers), size)
        ]

    def _chunk(self, numbers: list[str], wait_s: float, retry_s: float) -> bytes:
        scale = self._client.time_scale or 1.0
        request = body(LabelRequest(posting_number=numbers))

        def fetch() -> bytes | OzonError:
            try:
                return self._client._post_bytes(constants.PACKAGE_LABEL, request)
            except OzonError as exc:
                if _not_ready(exc):
                    return exc
                raise

        try:
            outcome = poll(
                fetch,
                lambda value: isinstance(value, bytes),
                timeout_s=wait_s / scale,
                interval_s=retry_s / scale,
                what=f"labels of {len(numbers)} posting(s)",
                path=constants.PACKAGE_LABEL,
                clock=self._client._clock,
            )
        except OzonPollTimeoutError as exc:
            said = exc.last.message if isinstance(exc.last, OzonError) else ""
            raise OzonPollTimeoutError(
                f"labels still not ready after {wait_s:g}s: {said}",
                path=constants.PACKAGE_LABEL,
                last=exc.last,
            ) from None
        assert isinstance(outcome, bytes)
        return outcome

    def create_task(self, posting_numbers: Sequence[str]) -> list[LabelTaskRef]:
        """Start label tasks (Ozon makes a ``big_label`` and a ``small_label`` one)."""
        request = LabelRequest(posting_number=list(posting_numbers))
        return self._client._post(
            constants.PACKAGE_LABEL_CREATE, body(request), LabelTaskCreateResponse
        ).result.tasks

    def get_task(self, task_id: int) -> LabelTask:
        """A label task's state; ``file_url`` is set once it is ``completed``."""
        request = LabelTaskRequest(task_id=task_id)
        return self._client._post(
            constants.PACKAGE_LABEL_GET, body(request), LabelTaskResponse
        ).result

    def wait_for_task(
        self,
        task_id: int,
        timeout_s: float = constants.LABEL_TASK_WAIT_TIMEOUT_S,
        *,
        poll_s: float = constants.LABEL_TASK_POLL_INTERVAL_S,
    ) -> LabelTask:
        """Poll a label task until it finishes; times are seconds of Ozon time.

        Raises:
            LabelTaskFailedError: the task ended in ``error``.
            OzonPollTimeoutError: the task was still running at the deadline.
        """
        scale = self._client.time_scale or 1.0
        task = poll(
            lambda: self.get_task(task_id),
            lambda t: t.finished,
            timeout_s=timeout_s / scale,
            interval_s=poll_s / scale,
            what=f"label task {task_id}",
            path=constants.PACKAGE_LABEL_GET,
            clock=self._client._clock,
        )
        if task.status != "completed":
            raise LabelTaskFailedError(
                f"label task {task_id} failed: {task.error or task.status}",
                path=constants.PACKAGE_LABEL_GET,
                task=task,
            )
        return task

    def download(self, file_url: str) -> bytes:
        """The file a completed task points at (a relative URL is taken from the API's root)."""
        url = httpx.URL(self._client.base_url + "/").join(file_url)
        try:
            response = self._client._http.get(url, timeout=self._client.timeout)
        except httpx.TransportError as exc:
            raise OzonTransportError(f"download failed ({type(exc).__name__})") from None
        if not response.is_success:
            raise OzonError(
                f"download of {url} answered HTTP {response.status_code}",
                status=response.status_code,
            )
        return response.content


__all__ = ["LabelTaskFailedError", "LabelsService", "OzonPollTimeoutError"]
