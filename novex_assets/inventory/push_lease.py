"""One push per Ozon account at a time, whatever starts the run, and a rate budget shared by all.

A push takes the account's lease in the store before it computes what to send, so a second run
(a sensor run beside a schedule run, two ``dagster job execute``) waits for the first and then
finds nothing left to send, or gives up after a bounded wait with a clear message. While it
holds the lease, the client's limiter shares Ozon's windows through the store, so a run started
right after another (or after a crash) neither earns a 429 nor re-sends a pair within 30 s.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from novex_assets.settings import SyncSettings
from resources.ozon import OzonClient
from resources.store.leases import Lease, LeaseInfo, process_tag
from resources.store.store import Store


def lease_name(client: OzonClient) -> str:
    """The lease of one Ozon account (Ozon counts limits per Client-Id)."""
    return f"ozon-push:{client.client_id}"


@dataclass
class AccountPush:
    """The outcome of asking for the account: a held lease, or why the push was skipped."""

    lease: Lease | None = None
    skipped: str | None = None
    waited_s: float = 0.0
    budget_loaded: dict[str, int] = field(default_factory=dict)

    @property
    def lost(self) -> bool:
        """True once the lease was taken over (the batch loop stops)."""
        return self.lease is not None and self.lease.lost


@contextmanager
def account_push(
    store: Store,
    client: OzonClient,
    *,
    holder: str,
    settings: SyncSettings,
    log: Callable[[str], None],
) -> Iterator[AccountPush]:
    """Hold the account's push lease (and share its rate budget) for the ``with`` block.

    Yields an :class:`AccountPush` whose ``skipped`` says why nothing may be pushed when the
    lease stayed taken for ``settings.push_lease_wait_s``.
    """
    name = lease_name(client)
    started = time.monotonic()
    got = store.leases.acquire(
        name,
        # The process is part of the name, so a killed run's lease is taken over at once.
        f"{holder} {process_tag()}",
        ttl_s=settings.push_lease_ttl_s,
        wait_s=settings.push_lease_wait_s,
        poll_s=min(2.0, settings.push_lease_ttl_s / 10),
        log=log,
    )
    waited = round(time.monotonic() - started, 3)
    if isinstance(got, LeaseInfo):
        yield AccountPush(
            skipped=f"another push for Ozon account {client.client_id} is running: "
            f"{got.describe()}; waited {settings.push_lease_wait_s:g}s, nothing sent "
            "(the next run sends what is still different)",
            waited_s=waited,
        )
        return
    with got as lease:
        if waited >= 1:
            log(f"{name} taken after waiting {waited:.1f}s")
        loaded = client.limiter.attach_journal(store.rate_budget(client.client_id))
        if loaded["calls"] or loaded["items"]:
            log(
                f"Ozon's windows still hold {loaded['calls']} call(s) and {loaded['items']} "
                "item send(s) of earlier runs; the client waits for them"
            )
        try:
            yield AccountPush(lease=lease, waited_s=waited, budget_loaded=loaded)
        finally:
            client.limiter.detach_journal()
