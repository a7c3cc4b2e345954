"""What every step of the order flow works with: Ozon, the store, Infor's documents, the rules."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from novex_assets.settings import NovexSettings
from resources.ozon import OzonClient
from resources.ozon.errors import OzonError
from resources.sources.infor_documents import InforDocuments
from resources.store.orders import OrdersRepo


def _ignore(message: str) -> None:
    return None


def ozon_time(client: OzonClient) -> datetime:
    """Ozon's now: the ``Date`` of its last reply, moved on by the client's time scale.

    A client that has not heard from Ozon yet asks once (one warehouse, a cheap read), so
    a step that compares Ozon's times with now before its first call still uses Ozon's clock,
    which a sandbox may run faster or move by hand. Our own clock only if Ozon cannot be reached.
    """
    seen = client.server_now()
    if seen is None:
        # An error reply carries the Date too; no reply at all leaves our clock.
        with contextlib.suppress(OzonError):
            next(client.warehouses.pages(page_size=1).pages(), None)
        seen = client.server_now()
    return seen or datetime.now(UTC)


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

    def ozon_now(self) -> datetime:
        """Ozon's now (see ``ozon_time``): for every comparison with a time Ozon sets or keeps.

        Pack-by times, cut-offs, when a packed posting's label can be printed, when a ship
        request has settled, the returns look-back: all on Ozon's clock, never ours.
        """
        return ozon_time(self.client)

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
