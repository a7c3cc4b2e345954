"""Ozon methods served by the sandbox, one module per domain.

To add a domain: write ``ozon_sandbox/api/<domain>.py`` with ``@ozon_method`` handlers and add
its module name to :data:`DOMAIN_MODULES`.
"""

from __future__ import annotations

import importlib

from ozon_sandbox.registry import OzonMethod, registered_methods

DOMAIN_MODULES: tuple[str, ...] = (
    "ozon_sandbox.api.warehouses",
    "ozon_sandbox.api.products",
    "ozon_sandbox.api.stocks",
    "ozon_sandbox.api.prices",
    "ozon_sandbox.api.catalog",
    "ozon_sandbox.api.product_import",
    "ozon_sandbox.api.postings",
    "ozon_sandbox.api.exemplars",
    "ozon_sandbox.api.cancellation",
    "ozon_sandbox.api.labels",
    "ozon_sandbox.api.acts",
    "ozon_sandbox.api.carriages",
    "ozon_sandbox.api.returns",
    # Push last: its tick takes in what the other domains' ticks emitted in the same call.
    "ozon_sandbox.api.push",
)


def load_methods() -> dict[str, OzonMethod]:
    """Import every domain module and return the methods they registered, by path."""
    for name in DOMAIN_MODULES:
        importlib.import_module(name)
    return {
        path: method
        for path, method in registered_methods().items()
        if method.module in DOMAIN_MODULES
    }
