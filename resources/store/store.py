"""The store facade: one engine and the repositories over it."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.engine import Engine

from resources.store.audit import AuditRepo
from resources.store.engine import create_store_engine, safe_url
from resources.store.inbox import InboxRepo
from resources.store.inventory import InventoryRepo
from resources.store.migrate import upgrade
from resources.store.quarantine import QuarantineRepo
from resources.store.snapshots import SnapshotRepo


class Store:
    """The project's operational database; `Store(url).migrate()` makes it ready to use."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_store_engine(url)
        self.inventory = InventoryRepo(self.engine)
        self.quarantine = QuarantineRepo(self.engine)
        self.audit = AuditRepo(self.engine)
        self.snapshots = SnapshotRepo(self.engine)
        self.inbox = InboxRepo(self.engine)

    @property
    def url(self) -> str:
        """The URL with the password masked, safe to show."""
        return safe_url(self.engine.url)

    @property
    def backend(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    def migrate(self) -> Store:
        """Apply pending migrations (idempotent); returns self for chaining."""
        upgrade(self.engine)
        return self

    def dispose(self) -> None:
        """Close pooled connections (tests, process shutdown)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"
