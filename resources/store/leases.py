"""Leases: one holder at a time for a named piece of work (one push per Ozon account).

A lease is a row with its holder and an expiry. The holder renews it from a heartbeat thread
while it works and deletes it when done; a holder that crashed stops renewing, so its lease runs
out after ``ttl_s`` and the next run takes over. A holder named with :func:`process_tag` is taken
over at once when its process is gone from this machine (a killed run), without waiting for the
expiry. Taking a lease is one conditional UPDATE or one INSERT, both atomic on SQLite and
PostgreSQL, so two processes can never both win.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from types import TracebackType

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from resources.store import tables as t

logger = logging.getLogger(__name__)


@cache
def _process_space() -> str | None:
    """Names this kernel boot and pid namespace: where a process id means the same process.

    None where /proc does not say (then holders are never judged gone, only expired).
    """
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        pid_ns = os.readlink("/proc/self/ns/pid")
    except OSError:
        return None
    return hashlib.sha1(f"{boot} {pid_ns}".encode()).hexdigest()[:10]


_PROCESS_TAG = re.compile(r"\(pid (\d+) on [^,()]*, ns ([0-9a-f]{10})\)$")


def process_tag(pid: int | None = None) -> str:
    """`(pid N on HOST, ns K)`: appended to a holder's name so a dead holder can be recognised.

    ``pid`` defaults to this process.
    """
    space = _process_space() or "-"
    return f"(pid {pid or os.getpid()} on {socket.gethostname()[:64]}, ns {space})"


def _process_alive(pid: int) -> bool:
    """Whether ``pid`` is a running (not zombie) process here."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return state not in {"Z", "X"}


def holder_gone(holder: str) -> bool:
    """True when ``holder`` carries a :func:`process_tag` of this machine whose process is gone.

    A holder on another machine or container, or without a tag, is never judged gone: only its
    expiry frees the lease. A reused pid looks alive, which only means waiting for the expiry.
    """
    match = _PROCESS_TAG.search(holder)
    if match is None or match.group(2) != _process_space():
        return False
    pid = int(match.group(1))
    return pid != os.getpid() and not _process_alive(pid)


@dataclass(frozen=True)
class LeaseInfo:
    """Who holds a lease and until when (UTC)."""

    name: str
    holder: str
    acquired_at: datetime
    heartbeat_at: datetime
    expires_at: datetime

    def describe(self) -> str:
        """One line for logs and metadata."""
        return (
            f"{self.holder} since {self.acquired_at:%Y-%m-%d %H:%M:%S} UTC "
            f"(last heartbeat {self.heartbeat_at:%H:%M:%S}, expires {self.expires_at:%H:%M:%S})"
        )


class LeaseLostError(RuntimeError):
    """The lease expired and another holder took it: stop working on its behalf."""


class LeaseRepo:
    """Take, renew, release and read leases."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def current(self, name: str) -> LeaseInfo | None:
        """The lease's row, expired or not; None when nobody holds it."""
        pl_ = t.push_leases
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(pl_).where(pl_.c.name == name)).first()
        if row is None:
            return None
        return LeaseInfo(row.name, row.holder, row.acquired_at, row.heartbeat_at, row.expires_at)

    def try_acquire(
        self,
        name: str,
        holder: str,
        ttl_s: float,
        log: Callable[[str], None] = logger.warning,
    ) -> LeaseInfo | None:
        """Take the lease if it is free, expired, already ours or its holder's process is gone.

        Returns None when taken, else the live holder.
        """
        pl_ = t.push_leases
        dead: str | None = None
        for _ in range(3):
            now = t.utcnow()
            expires = now + timedelta(seconds=ttl_s)
            free = sa.or_(pl_.c.holder == holder, pl_.c.expires_at < now)
            if dead is not None:  # only from that holder: one who took it since is alive
                free = sa.or_(free, pl_.c.holder == dead)
            with self._engine.begin() as conn:
                taken = conn.execute(
                    sa.update(pl_)
                    .where(pl_.c.name == name, free)
                    .values(holder=holder, acquired_at=now, heartbeat_at=now, expires_at=expires)
                ).rowcount
            if taken:
                if dead is not None:
                    log(f"{name}: its holder {dead} is gone (process not running); taken over")
                return None
            try:
                with self._engine.begin() as conn:
                    conn.execute(
                        sa.insert(pl_).values(
                            name=name,
                            holder=holder,
                            acquired_at=now,
                            heartbeat_at=now,
                            expires_at=expires,
                        )
                    )
                return None
            except sa.exc.IntegrityError:
                pass
            held = self.current(name)
            if held is not None:
                if dead is None and holder_gone(held.holder):
                    dead = held.holder
                    continue
                return held
            # Released between our two statements: try again.
        held = self.current(name)
        if held is None:
            raise RuntimeError(f"lease {name}: could not be taken nor read")
        return held

    def renew(self, name: str, holder: str, ttl_s: float) -> bool:
        """Push the expiry ``ttl_s`` ahead; False when the lease is no longer ours."""
        pl_ = t.push_leases
        now = t.utcnow()
        with self._engine.begin() as conn:
            return bool(
                conn.execute(
                    sa.update(pl_)
                    .where(pl_.c.name == name, pl_.c.holder == holder)
                    .values(heartbeat_at=now, expires_at=now + timedelta(seconds=ttl_s))
                ).rowcount
            )

    def release(self, name: str, holder: str) -> None:
        """Give the lease up (only if still ours)."""
        pl_ = t.push_leases
        with self._engine.begin() as conn:
            conn.execute(sa.delete(pl_).where(pl_.c.name == name, pl_.c.holder == holder))

    def acquire(
        self,
        name: str,
        holder: str,
        *,
        ttl_s: float,
        wait_s: float,
        poll_s: float = 2.0,
        log: Callable[[str], None] = logger.info,
    ) -> Lease | LeaseInfo:
        """Take the lease, waiting up to ``wait_s`` for the holder to finish.

        Returns a started :class:`Lease` (use it as a context manager), or the live holder's
        :class:`LeaseInfo` when the wait ran out.
        """
        deadline = time.monotonic() + wait_s
        announced = False
        while True:
            held = self.try_acquire(name, holder, ttl_s, log)
            if held is None:
                return Lease(self, name, holder, ttl_s)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return held
            if not announced:
                log(f"{name} is held by {held.describe()}; waiting up to {wait_s:g}s")
                announced = True
            time.sleep(min(poll_s, remaining))


class Lease:
    """A held lease, renewed by a heartbeat thread until released."""

    def __init__(self, repo: LeaseRepo, name: str, holder: str, ttl_s: float) -> None:
        self.repo, self.name, self.holder, self.ttl_s = repo, name, holder, ttl_s
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease {name}", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        interval = max(self.ttl_s / 3, 0.05)
        while not self._stop.wait(interval):
            try:
                if not self.repo.renew(self.name, self.holder, self.ttl_s):
                    self._lost.set()
                    logger.error("lease %s was taken over; stopping its work", self.name)
                    return
            except Exception:  # a database hiccup: the next beat tries again before expiry
                logger.warning("lease %s: heartbeat failed", self.name, exc_info=True)

    @property
    def lost(self) -> bool:
        """True once another holder took the lease over."""
        return self._lost.is_set()

    def check(self) -> None:
        """Raise :class:`LeaseLostError` if the lease is no longer ours."""
        if self.lost:
            raise LeaseLostError(f"lease {self.name} expired and was taken over")

    def release(self) -> None:
        """Stop the heartbeat and give the lease up."""
        self._stop.set()
        self._thread.join(timeout=5)
        if not self.lost:
            self.repo.release(self.name, self.holder)

    def __enter__(self) -> Lease:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
