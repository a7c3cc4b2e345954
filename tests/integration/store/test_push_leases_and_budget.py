"""Push leases and the shared Ozon rate budget in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta

from resources.store import tables as t
from resources.store.leases import Lease, LeaseInfo, process_tag
from resources.store.store import Store

NAME = "ozon-push:100500"


def test_one_holder_at_a_time_and_the_same_holder_may_renew(store_url: str) -> None:
    with Store(store_url) as store:
        leases = store.migrate().leases
        assert leases.try_acquire(NAME, "run A", ttl_s=60) is None
        held = leases.try_acquire(NAME, "run B", ttl_s=60)
        assert isinstance(held, LeaseInfo) and held.holder == "run A"
        assert "run A" in held.describe()
        assert leases.try_acquire(NAME, "run A", ttl_s=60) is None  # re-entrant for its holder
        assert leases.renew(NAME, "run A", ttl_s=60)
        assert not leases.renew(NAME, "run B", ttl_s=60)
        leases.release(NAME, "run B")  # not B's: nothing happens
        assert leases.current(NAME).holder == "run A"  # type: ignore[union-attr]
        leases.release(NAME, "run A")
        assert leases.current(NAME) is None
        assert leases.try_acquire(NAME, "run B", ttl_s=60) is None


def test_a_crashed_holders_lease_expires_and_its_heartbeat_notices(store_url: str) -> None:
    with Store(store_url) as store:
        leases = store.migrate().leases
        # A holder that stopped renewing (killed): its expiry is in the past.
        assert leases.try_acquire(NAME, "run crashed", ttl_s=0) is None
        assert leases.try_acquire(NAME, "run next", ttl_s=60) is None
        assert leases.current(NAME).holder == "run next"  # type: ignore[union-attr]
        assert not leases.renew(NAME, "run crashed", ttl_s=60)
        # The same seen from a live Lease object: its heartbeat marks it lost.
        assert leases.try_acquire("other", "run slow", ttl_s=0.15) is None
        lease = Lease(leases, "other", "run slow", ttl_s=0.15)
        with store.engine.begin() as conn:
            conn.execute(
                t.push_leases.update()
                .where(t.push_leases.c.name == "other")
                .values(holder="run thief", expires_at=t.utcnow() + timedelta(seconds=60))
            )
        lease._stop.wait(0.5)
        assert lease.lost
        lease.release()
        assert leases.current("other").holder == "run thief"  # type: ignore[union-attr]


def test_a_killed_holders_lease_is_taken_over_at_once(store_url: str) -> None:
    """A run killed mid-push frees the account as soon as its process is gone, not after the TTL."""
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with Store(store_url) as store:
            leases = store.migrate().leases
            holder = f"run killed inventory/stock_sync {process_tag(worker.pid)}"
            assert leases.try_acquire(NAME, holder, ttl_s=600) is None
            # Alive: waited for like any holder.
            held = leases.acquire(NAME, f"run next {process_tag()}", ttl_s=60, wait_s=0)
            assert isinstance(held, LeaseInfo) and held.holder == holder
            worker.kill()
            worker.wait()
            messages: list[str] = []
            lease = leases.acquire(
                NAME, f"run next {process_tag()}", ttl_s=60, wait_s=0, log=messages.append
            )
            assert isinstance(lease, Lease)
            assert messages and "is gone" in messages[0] and "run killed" in messages[0]
            lease.release()
            # A dead pid of another machine or container proves nothing: only the expiry counts.
            elsewhere = holder.rsplit(", ns ", 1)[0] + ", ns 0000000000)"
            assert leases.try_acquire(NAME, elsewhere, ttl_s=600) is None
            other = leases.acquire(NAME, "run next", ttl_s=60, wait_s=0)
            assert isinstance(other, LeaseInfo) and other.holder == elsewhere
    finally:
        worker.kill()
        worker.wait()


def test_racing_processes_never_both_win(store_url: str) -> None:
    with Store(store_url) as store:
        store.migrate()
    winners: list[str] = []
    barrier = threading.Barrier(6)

    def contend(holder: str) -> None:
        with Store(store_url) as own:  # one engine per contender, as separate processes have
            barrier.wait()
            if own.leases.try_acquire(NAME, holder, ttl_s=60) is None:
                winners.append(holder)

    threads = [threading.Thread(target=contend, args=(f"run {i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1


def test_bounded_wait_gives_the_holder_back_when_it_does_not_finish(store_url: str) -> None:
    with Store(store_url) as store:
        leases = store.migrate().leases
        first = leases.acquire(NAME, "run A", ttl_s=60, wait_s=0)
        assert isinstance(first, Lease)
        messages: list[str] = []
        second = leases.acquire(
            NAME, "run B", ttl_s=60, wait_s=0.2, poll_s=0.05, log=messages.append
        )
        assert isinstance(second, LeaseInfo) and second.holder == "run A"
        assert messages and "run A" in messages[0]
        first.release()
        third = leases.acquire(NAME, "run B", ttl_s=60, wait_s=0)
        assert isinstance(third, Lease)
        third.release()


def test_rate_budget_is_shared_between_limiters_but_not_echoed(store_url: str) -> None:
    with Store(store_url) as store:
        budget = store.migrate().rate_budget("100500")
        now = t.utcnow()
        budget.record("/v2/products/stocks", now, ['[["offer","A"],1]', '[["offer","B"],1]'], "p1")
        budget.record("/v2/products/stocks", now, [], "p2")
        store.rate_budget("999").record("/v2/products/stocks", now, ["x"], "p1")
        calls, items = budget.recent("/v2/products/stocks", now - timedelta(seconds=5), "p2")
        assert len(calls) == 1 and {i.key for i in items} == {
            '[["offer","A"],1]',
            '[["offer","B"],1]',
        }
        calls, items = budget.recent("/v2/products/stocks", now + timedelta(seconds=1), "p2")
        assert calls == [] and items == []
