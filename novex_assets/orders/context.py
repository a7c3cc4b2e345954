"""What every step of the order flow works with: Ozon, the store, Infor's documents, the rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from novex_assets.settings import NovexSettings
from resources.ozon import OzonClient
from resources.sources.infor_documents import InforDocuments
from resources.store.orders import OrdersRepo


def _ignore(message: str) -> None:
    return None


@dataclass
class OrdersContext:
    """Dependencies of the order steps, handed in by the assets (or by tests and the demo)."""

    client: OzonClient
    repo: OrdersRepo
    infor: InforDocuments
    settings: NovexSettings
    log: Callable[[str], None] = _ignore
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        """Wall-clock UTC now."""
        return self.clock()

    def ozon_now(self) -> datetime:
        """Ozon's now, by the Date of its last reply (the sandbox clock may run faster).

        For comparisons with times Ozon sets (cut-offs, pack-by); wall-clock until Ozon replied.
        """
        return self.client.server_now() or self.now()

    def ozon_seconds(self, seconds: float) -> timedelta:
        """A span of Ozon time as wall time (the sandbox clock may run faster)."""
        scale = self.client.time_scale or 1.0
        return timedelta(seconds=seconds / scale)

    def local(self, moment: datetime | None, warehouse_id: int) -> str:
        """``moment`` shown in the warehouse's own zone, e.g. ``2026-12-01 13:00 MSK``."""
        if moment is None:
            return ""
        zone = ZoneInfo(self.settings.warehouse_timezone(warehouse_id))
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

    def sites(self, warehouse_id: int) -> list[str]:
        """Infor sites that feed an Ozon warehouse."""
        return [
            w.infor_site for w in self.settings.warehouses if w.ozon_warehouse_id == warehouse_id
        ]
