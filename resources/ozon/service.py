"""Base of the client's service groups (``client.stocks``, ``client.prices`` ...).

A service is a thin, typed facade over ``OzonClient._post``: adding one is a new module with a
``Service`` subclass and one attribute on the client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from resources.ozon.client import OzonClient


class Service:
    """Holds the client every method of the group goes through."""

    def __init__(self, client: OzonClient) -> None:
        self._client = client
