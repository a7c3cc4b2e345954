"""Catalog state of one account: import tasks, card content, moderation queue and quotas.

Cards themselves are the account's ordinary :class:`ozon_sandbox.state.Product` objects, so
stocks and prices work on imported cards; this module keeps what only the catalog methods need —
characteristics, dimensions and media as sent, import tasks and the per-day quota usage.
Everything is plain JSON so the account snapshot carries it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

ImportStatus = Literal["pending", "imported", "failed", "skipped"]
TaskKind = Literal["import", "attributes_update"]
Decision = Literal["approved", "declined"]

# Ozon resets daily quotas at 03:00 Moscow time, which is 00:00 UTC all year round.
DAILY_RESET_HOUR_UTC = 0
FIRST_TASK_ID = 172_549_793


class TaskItemError(BaseModel):
    """One per-item error of ``/v1/product/import/info`` (schema ``v1ItemError``)."""

    code: str
    message: str = ""
    state: str = ""
    level: str = "error"
    field: str = ""
    attribute_id: int = 0
    attribute_name: str = ""


class TaskItem(BaseModel):
    """One item of an import task, with the card it becomes once processed."""

    offer_id: str
    product_id: int = 0
    status: ImportStatus = "pending"
    outcome: ImportStatus = "pending"
    errors: list[TaskItemError] = Field(default_factory=list)
    card: dict[str, Any] | None = None


class ImportTask(BaseModel):
    """A ``/v3/product/import`` or ``/v1/product/attributes/update`` call being processed."""

    task_id: int
    kind: TaskKind
    created_at: datetime
    ready_at: datetime
    done: bool = False
    items: list[TaskItem] = Field(default_factory=list)


class Moderation(BaseModel):
    """A card waiting for Ozon's moderators, or their last decision."""

    decide_at: datetime | None = None
    decision: Decision | None = None
    reasons: list[str] = Field(default_factory=list)


class CardContent(BaseModel):
    """What the seller sent for a card beyond the ``Product`` fields (characteristics, sizes)."""

    attributes: list[dict[str, Any]] = Field(default_factory=list)
    complex_attributes: list[dict[str, Any]] = Field(default_factory=list)
    depth: int = 0
    width: int = 0
    height: int = 0
    dimension_unit: str = ""
    weight: int = 0
    weight_unit: str = ""
    primary_image: str = ""
    color_image: str = ""
    images360: list[str] = Field(default_factory=list)
    pdf_list: list[dict[str, Any]] = Field(default_factory=list)
    barcode: str = ""
    sent: dict[str, Any] = Field(default_factory=dict)
    moderation: Moderation = Field(default_factory=Moderation)


class CatalogSettings(BaseModel):
    """Quotas, processing times and the moderation rule; admin-adjustable per account.

    A quota of -1 means "no limit", as ``/v4/product/info/limit`` reports it.
    """

    total_limit: int = Field(100_000, ge=-1)
    daily_create_limit: int = Field(5_000, ge=-1)
    daily_update_limit: int = Field(50_000, ge=-1)
    items_per_minute: int = Field(2_000, ge=-1)
    import_seconds: float = Field(60.0, ge=0)
    moderation_seconds: float = Field(3_600.0, ge=0)
    forbidden_words: list[str] = Field(
        default_factory=lambda: ["реплика", "копия бренда", "replica"]
    )


class CatalogState(BaseModel):
    """Per-account catalog domain state, fetched with ``ctx.state.domain(CatalogState)``."""

    EMITTED_KEPT: ClassVar[int] = 1000

    settings: CatalogSettings = Field(default_factory=CatalogSettings)
    next_task_id: int = FIRST_TASK_ID
    tasks: dict[str, ImportTask] = Field(default_factory=dict)
    open_tasks: list[str] = Field(default_factory=list)
    moderation_queue: list[str] = Field(default_factory=list)
    cards: dict[str, CardContent] = Field(default_factory=dict)
    quota_day: str = ""
    daily_create_usage: int = 0
    daily_update_usage: int = 0
    minute_ops: list[tuple[float, int]] = Field(default_factory=list)
    emitted: list[dict[str, Any]] = Field(default_factory=list)

    def new_task_id(self) -> int:
        """A fresh task id."""
        task_id = self.next_task_id
        self.next_task_id += 1
        return task_id

    def roll_quota_day(self, now: datetime) -> None:
        """Zero the daily usage once the 03:00 MSK reset has passed."""
        day = quota_day(now)
        if day != self.quota_day:
            self.quota_day = day
            self.daily_create_usage = 0
            self.daily_update_usage = 0

    def minute_usage(self, now: float) -> int:
        """Item operations counted in the last sandbox minute."""
        self.minute_ops = [(t, n) for t, n in self.minute_ops if t > now - 60.0]
        return sum(n for _, n in self.minute_ops)


def quota_day(now: datetime) -> str:
    """The quota day ``now`` falls in (days start at the reset hour, UTC)."""
    return (now - timedelta(hours=DAILY_RESET_HOUR_UTC)).date().isoformat()


def next_reset(now: datetime) -> datetime:
    """When the daily quotas reset next: the coming 03:00 Moscow time (00:00 UTC)."""
    start = datetime(now.year, now.month, now.day, DAILY_RESET_HOUR_UTC, tzinfo=UTC)
    return start if start > now else start + timedelta(days=1)
