"""Free stock per (offer, Ozon warehouse) as chain 1 checks a new posting against it.

Free = on hand − allocated (Infor's snapshot) − units of open postings the snapshot does not count
yet (see `OrdersRepo.reserved_outside_snapshot`). The same rule feeds the published stock in
`inventory/stock_levels`, so a posting is subtracted once whether Infor has allocated it or not.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import polars as pl

from novex_assets.settings import NovexSettings
from resources.sources.base import InforSource
from resources.store.orders import OrdersRepo

SNAPSHOT_TIME = re.compile(r"(\d{8}T\d{6})")


def snapshot_taken_at(name: str | None) -> datetime | None:
    """When a snapshot was taken, from its name (``stock_YYYYMMDDTHHMMSS.csv``, UTC)."""
    match = SNAPSHOT_TIME.search(name or "")
    if match is None:
        return None
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)


class StockBook:
    """Free units per (offer, warehouse); ``take`` books a posting's units as it is accepted."""

    def __init__(self, free: dict[tuple[str, int], int], known_offers: set[str]) -> None:
        self._free = free
        self.known_offers = known_offers

    @classmethod
    def build(
        cls,
        snapshot: pl.DataFrame | None,
        taken_at: datetime | None,
        repo: OrdersRepo,
        settings: NovexSettings,
        known_offers: set[str],
    ) -> StockBook:
        """From the newest Infor snapshot and the open postings it does not count yet."""
        site_map = settings.site_to_warehouse()
        free: dict[tuple[str, int], int] = {}
        if snapshot is not None and snapshot.height:
            for offer_id, site, on_hand, allocated in snapshot.select(
                "offer_id", "site", "on_hand", "allocated"
            ).iter_rows():
                warehouse = site_map.get(site)
                if warehouse is not None:
                    key = (offer_id, warehouse)
                    free[key] = free.get(key, 0) + int(on_hand) - int(allocated)
        reserved = repo.reserved_outside_snapshot(taken_at)
        for offer_id, warehouse, units in reserved.iter_rows():
            key = (offer_id, int(warehouse))
            free[key] = free.get(key, 0) - int(units)
        return cls(free, known_offers)

    @classmethod
    def from_source(
        cls, source: InforSource, repo: OrdersRepo, settings: NovexSettings, known_offers: set[str]
    ) -> StockBook:
        """From Infor's newest snapshot as the source gives it (none yet: open postings only)."""
        ref = source.latest_stock_snapshot()
        frame = source.read_stock_snapshot(ref).frame if ref is not None else None
        taken = ref.taken_at if ref is not None else None
        if taken is not None and taken.tzinfo is None:
            taken = taken.replace(tzinfo=UTC)
        return cls.build(frame, taken, repo, settings, known_offers)

    def free(self, offer_id: str, warehouse_id: int) -> int:
        """Units not yet promised to anyone."""
        return self._free.get((offer_id, warehouse_id), 0)

    def take(self, offer_id: str, warehouse_id: int, units: int) -> None:
        """Book units for an accepted posting."""
        key = (offer_id, warehouse_id)
        self._free[key] = self._free.get(key, 0) - units
