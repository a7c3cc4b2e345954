"""What every step of the order flow works with: Ozon, the store, Infor's documents, the rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
        """Our wall-clock UTC now: for our own bookkeeping (when we sent or recorded something)."""
        return self.clock()

    def ozon_now(self, probe: bool = True) -> datetime:
        """Ozon's now (``OzonClient.ozon_now``): for every comparison with a time Ozon sets.

        Pack-by times, cut-offs, when a packed posting's label can be printed, when a ship
        request has settled, the returns look-back: all on Ozon's clock, never ours. Without
        ``probe`` a step that has not heard from Ozon yet gets our clock instead of a request.
        """
        return self.client.ozon_now(probe)

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
