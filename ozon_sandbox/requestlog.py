"""Counts of what the sandbox did with each call, per account and method, for the admin surface.

Benchmarks and tests read these to prove how a client behaved: how many calls were accepted, how
many a limit turned away, which faults were injected and which per-item errors were returned.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field


class MethodCounters(BaseModel):
    """Tallies for one Ozon method of one account."""

    requests: int = 0
    accepted: int = Field(0, description="Replies with HTTP 200.")
    rejected_by_limit: int = Field(0, description="HTTP 429 from Ozon's documented limits.")
    faults: dict[str, int] = Field(default_factory=dict, description="Injected faults by kind.")
    statuses: dict[str, int] = Field(default_factory=dict, description="Replies by HTTP status.")
    items: int = Field(0, description="Items sent in accepted batch calls.")
    item_errors: dict[str, int] = Field(
        default_factory=dict, description="Per-item error codes returned in HTTP 200 replies."
    )


class RequestLogSnapshot(BaseModel):
    """All tallies of one account."""

    client_id: str
    methods: dict[str, MethodCounters]
    total_requests: int
    total_rejected_by_limit: int


class _Tally:
    __slots__ = ("accepted", "faults", "item_errors", "items", "rejected", "requests", "statuses")

    def __init__(self) -> None:
        self.requests = 0
        self.accepted = 0
        self.rejected = 0
        self.items = 0
        self.faults: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.item_errors: Counter[str] = Counter()


class RequestLog:
    """Per-account, per-method tallies; cheap enough to update on every call of a sweep."""

    def __init__(self) -> None:
        self._tallies: dict[str, dict[str, _Tally]] = {}
        self.unauthenticated = 0

    def _tally(self, client_id: str, path: str) -> _Tally:
        methods = self._tallies.setdefault(client_id, {})
        tally = methods.get(path)
        if tally is None:
            tally = methods[path] = _Tally()
        return tally

    def record(
        self,
        client_id: str,
        path: str,
        status: int,
        *,
        limited: bool = False,
        fault: str | None = None,
        items: int = 0,
        item_errors: Counter[str] | None = None,
    ) -> None:
        """Count one finished call."""
        tally = self._tally(client_id, path)
        tally.requests += 1
        tally.statuses[status] += 1
        if status == 200:
            tally.accepted += 1
            tally.items += items
        if limited:
            tally.rejected += 1
        if fault:
            tally.faults[fault] += 1
        if item_errors:
            tally.item_errors.update(item_errors)

    def snapshot(self, client_id: str) -> RequestLogSnapshot:
        """Tallies of one account as a serialisable model."""
        methods = {
            path: MethodCounters(
                requests=t.requests,
                accepted=t.accepted,
                rejected_by_limit=t.rejected,
                faults=dict(t.faults),
                statuses={str(k): v for k, v in sorted(t.statuses.items())},
                items=t.items,
                item_errors=dict(t.item_errors),
            )
            for path, t in sorted(self._tallies.get(client_id, {}).items())
        }
        return RequestLogSnapshot(
            client_id=client_id,
            methods=methods,
            total_requests=sum(m.requests for m in methods.values()),
            total_rejected_by_limit=sum(m.rejected_by_limit for m in methods.values()),
        )

    def clear(self, client_id: str | None = None) -> None:
        """Forget the tallies of one account, or of all accounts."""
        if client_id is None:
            self._tallies.clear()
            self.unauthenticated = 0
        else:
            self._tallies.pop(client_id, None)
