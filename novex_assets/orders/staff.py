"""What staff ask of the order flow by hand: seller-side cancellations and held postings retried.

Each posting is handled on its own: one that fails (a reason Ozon does not allow for it now, a
posting Ozon does not know) is reported with why, and the others proceed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from novex_assets.orders.context import OrdersContext
from novex_assets.orders.intake import IntakeReport, posting_cancelled, retry_held, seller_cancel
from novex_assets.orders.stockbook import StockBook
from resources.ozon.errors import OzonError, OzonNotFoundError


@dataclass
class StaffReport:
    """Per posting: what was done, or why not."""

    done: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def outcomes(self) -> Counter[str]:
        """How many postings ended in each outcome (failures count as ``failed``)."""
        counts = Counter(self.done.values())
        if self.failed:
            counts["failed"] = len(self.failed)
        return counts


def cancel_postings(
    ctx: OrdersContext, numbers: Sequence[str], reason_id: int, message: str
) -> StaffReport:
    """Cancel each posting on Ozon with the seller reason, then release its stock and stop Infor.

    The reason is checked against the ones Ozon allows for each posting now; after Ozon cancels,
    the posting is recorded as any cancellation is (reservations closed, Infor told to stop
    picking if it was told to pick), so Ozon's cancellation push later changes nothing.
    """
    report = StaffReport()
    intake = IntakeReport()
    for number in dict.fromkeys(n.strip() for n in numbers if n.strip()):
        known = ctx.repo.posting(number)
        if known is not None and known["stage"] == "cancelled":
            report.failed[number] = f"already cancelled ({known['cancel_reason'] or 'on Ozon'})"
            continue
        try:
            title = seller_cancel(ctx, number, reason_id, message)
        except OzonNotFoundError:
            report.failed[number] = "Ozon does not know this posting"
            continue
        except (OzonError, ValueError) as exc:
            report.failed[number] = str(getattr(exc, "message", None) or exc)
            continue
        why = f"by staff: {title}" + (f" ({message.strip()})" if message.strip() else "")
        report.done[number] = posting_cancelled(ctx, number, why, intake)
        ctx.log(f"posting {number}: cancelled on Ozon with reason {reason_id} ({title})")
    return report


def retry_held_postings(
    ctx: OrdersContext, book: StockBook, numbers: Sequence[str] = ()
) -> StaffReport:
    """Chain 1 again for held postings (all, or the given ones), oldest pack-by first."""
    report = StaffReport()
    intake = IntakeReport()
    held = [r["posting_number"] for r in ctx.repo.by_stage(["exception"])]
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip())) or held
    for number in wanted:
        if number not in held:
            report.failed[number] = "not held (unknown, or not stopped by the stock rules)"
            continue
        try:
            report.done[number] = retry_held(ctx, number, book, intake)
        except OzonError as exc:
            report.failed[number] = f"{type(exc).__name__}: {exc.message}"
    return report
