"""Group commit for the receiver: one writer thread stores whatever requests are waiting at once.

Two hundred senders each opening a transaction would queue on SQLite's single write lock (and
its busy handler sleeps up to 100 ms between tries); one thread writing them together in one
transaction keeps every acknowledgement behind a durable commit and the tail latency low.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future

from resources.store.inbox import InboxEntry, InboxRepo

logger = logging.getLogger(__name__)

_STOP = object()
MAX_GROUP = 500


class InboxWriter:
    """Queue entries with `submit`; each future resolves to (id, created) once committed."""

    def __init__(self, repo: InboxRepo) -> None:
        self._repo = repo
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self) -> InboxWriter:
        """Start the writer thread."""
        self._thread = threading.Thread(target=self._run, name="inbox-writer", daemon=True)
        self._thread.start()
        return self

    def submit(self, entry: InboxEntry) -> Future[tuple[int, bool]]:
        """Queue an entry; the future fails if the store refuses the write."""
        future: Future[tuple[int, bool]] = Future()
        if self._thread is None or not self._thread.is_alive():
            future.set_exception(RuntimeError("inbox writer is not running"))
            return future
        self._queue.put((entry, future))
        return future

    def stop(self, timeout: float = 10.0) -> None:
        """Write what is queued, then stop."""
        if self._thread is None:
            return
        self._queue.put(_STOP)
        self._thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            stopping = item is _STOP
            group: list[tuple[InboxEntry, Future[tuple[int, bool]]]] = []
            if not stopping:
                group.append(item)  # type: ignore[arg-type]
            while len(group) < MAX_GROUP:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stopping = True
                    continue
                group.append(more)  # type: ignore[arg-type]
            if group:
                self._write(group)
            if stopping:
                return

    def _write(self, group: list[tuple[InboxEntry, Future[tuple[int, bool]]]]) -> None:
        try:
            results = self._repo.add_many(entry for entry, _ in group)
        except Exception as exc:  # the store is down or refused: every waiting sender hears it
            logger.error("inbox write of %d message(s) failed: %s", len(group), exc)
            for _, future in group:
                future.set_exception(exc)
            return
        for (_, future), result in zip(group, results, strict=True):
            future.set_result(result)
