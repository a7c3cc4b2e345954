"""Models of the package-label methods (the synchronous PDF and the async label tasks)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from resources.ozon.models.common import OzonInt, OzonRequest, OzonResponse


class LabelRequest(OzonRequest):
    """Body of ``/v2/posting/fbs/package-label`` and ``.../package-label/create``."""

    posting_number: list[str] = Field(min_length=1)


class LabelTaskRequest(OzonRequest):
    """Body of ``/v1/posting/fbs/package-label/get``."""

    task_id: OzonInt


class LabelTaskRef(OzonResponse):
    """A created label task: ``big_label`` or ``small_label``."""

    task_id: OzonInt
    task_type: str = ""


class LabelTasks(OzonResponse):
    """``result`` of ``.../package-label/create``."""

    tasks: list[LabelTaskRef] = Field(default_factory=list)


class LabelTaskCreateResponse(OzonResponse):
    """Reply of ``/v2/posting/fbs/package-label/create``."""

    result: LabelTasks = Field(default_factory=LabelTasks)


class UnprintedPosting(OzonResponse):
    """A posting left out of a label file, and why."""

    posting_number: str = ""
    msg: str = ""


class LabelTask(OzonResponse):
    """State of a label task; ``file_url`` once ``completed``."""

    status: str = ""
    file_url: str = ""
    error: str = ""
    printed_postings_count: OzonInt = 0
    unprinted_postings_count: OzonInt = 0
    unprinted_postings: list[UnprintedPosting] = Field(default_factory=list)

    @field_validator("error", mode="before")
    @classmethod
    def _error_text(cls, value: Any) -> Any:
        # Seen as [] in Ozon's examples where the schema says string.
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return value

    @property
    def finished(self) -> bool:
        """True when the task will not change any more."""
        return self.status in ("completed", "error")


class LabelTaskResponse(OzonResponse):
    """Reply of ``/v1/posting/fbs/package-label/get``."""

    result: LabelTask = Field(default_factory=LabelTask)
