"""Base of the client's service groups (``client.stocks``, ``client.prices`` ...).

A service is a thin, typed facade over ``OzonClient._post``: adding one is a new module with a
``Service`` subclass and one attribute on the client.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from resources.ozon.client import OzonClient


class RateLimitedItem(Protocol):
    """An item of a write that Ozon rate-limits per item (a card, a card-warehouse pair)."""

    def limit_key(self) -> Hashable:
        """What Ozon counts the item's limit by."""
        ...


ItemT = TypeVar("ItemT", bound=RateLimitedItem)
ResultT = TypeVar("ResultT")


class Service:
    """Holds the client every method of the group goes through."""

    def __init__(self, client: OzonClient) -> None:
        self._client = client

    def _send_reserved(
        self,
        path: str,
        items: Sequence[ItemT],
        batches: Iterable[Sequence[int]],
        send: Callable[[list[ItemT]], list[ResultT]],
        held_back: Callable[[ItemT], ResultT],
    ) -> list[ResultT]:
        """Send ``items`` one batch (of positions in ``items``) per request, within the limits.

        Each batch first reserves its request and per-item slots for ``path``; ``send`` posts the
        admitted items with ``reserved=True``. Items the limiter defers are not sent and come back
        as ``held_back(item)``, for the caller to retry on a later run.
        """
        keys = [item.limit_key() for item in items]
        results: list[ResultT] = []
        for batch in batches:
            reservation = self._client._reserve(path, [keys[i] for i in batch])
            sent = [items[batch[i]] for i in reservation.admitted]
            results.extend(held_back(items[batch[i]]) for i in reservation.deferred)
            if sent:
                results.extend(send(sent))
        return results
