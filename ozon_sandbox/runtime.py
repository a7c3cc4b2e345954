"""The running sandbox: accounts (state, limits, faults), the clock and the request log."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr

from ozon_sandbox.clock import DEFAULT_EPOCH, SandboxClock
from ozon_sandbox.config import FaultSettings, SandboxConfig
from ozon_sandbox.faults import FaultInjector
from ozon_sandbox.limits import AccountLimiter
from ozon_sandbox.requestlog import RequestLog
from ozon_sandbox.state import AccountSnapshot, AccountState, SharedState

SNAPSHOT_VERSION = 1


class SandboxSnapshot(BaseModel):
    """The whole sandbox on disk."""

    version: int = SNAPSHOT_VERSION
    saved_at: datetime
    accounts: list[AccountSnapshot] = Field(default_factory=list)
    # Ozon's own state, the same for every account (its catalog edits); absent in older files.
    shared: dict[str, Any] = Field(default_factory=dict)


class Account:
    """One seller account: its key, data, limit bookkeeping and fault settings."""

    def __init__(
        self, client_id: str, api_key: SecretStr, seed: int, faults: FaultSettings
    ) -> None:
        self.client_id = client_id
        self.api_key = api_key
        self.state = AccountState()
        self.limiter = AccountLimiter()
        self.faults = FaultInjector(client_id, seed, faults)

    def __repr__(self) -> str:
        return f"Account(client_id={self.client_id!r})"


class Sandbox:
    """Everything one sandbox process serves; handlers reach it through the method context."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.clock = SandboxClock(config.time_factor, start=DEFAULT_EPOCH)
        self.log = RequestLog()
        self.shared = SharedState()
        self.accounts: dict[str, Account] = {}
        for client_id, api_key in config.accounts.items():
            self.add_account(client_id, api_key)

    def add_account(self, client_id: str, api_key: SecretStr) -> Account:
        """Create an account, or change the key of an existing one (its data stays)."""
        account = self.accounts.get(client_id)
        if account is not None:
            account.api_key = api_key
            return account
        account = Account(client_id, api_key, self.config.seed, self.config.faults)
        self.accounts[client_id] = account
        return account

    def reset(self, client_id: str | None = None) -> None:
        """Empty the data, limits, faults and counters of one account or of all of them."""
        targets = [client_id] if client_id is not None else list(self.accounts)
        for cid in targets:
            old = self.accounts.pop(cid)
            self.accounts[cid] = Account(cid, old.api_key, self.config.seed, self.config.faults)
            self.log.clear(cid)
        if client_id is None:
            self.shared = SharedState()
            # Accounts added through the admin surface go back to the configured set.
            for cid in [c for c in self.accounts if c not in self.config.accounts]:
                del self.accounts[cid]
            self.log.clear()

    def snapshot(self) -> SandboxSnapshot:
        """Serialisable copy of every account."""
        return SandboxSnapshot(
            saved_at=self.clock.now(),
            accounts=[
                a.state.to_snapshot(a.client_id, a.api_key, a.faults.settings)
                for a in self.accounts.values()
            ],
            shared=self.shared.to_snapshot(),
        )

    def restore(self, snapshot: SandboxSnapshot) -> None:
        """Load accounts from a snapshot; keys from the configuration win over saved ones."""
        # Sandbox time continues from where the saved run stopped.
        self.clock = SandboxClock(self.config.time_factor, start=snapshot.saved_at)
        self.shared = SharedState(snapshot.shared)
        for saved in snapshot.accounts:
            configured = self.config.accounts.get(saved.client_id)
            account = self.add_account(saved.client_id, configured or saved.api_key)
            account.state = AccountState.from_snapshot(saved)
            account.faults.configure(saved.faults, self.clock.monotonic())

    def save(self, path: Path) -> None:
        """Write the snapshot atomically, so a crash mid-write never leaves half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.snapshot().model_dump(mode="json")
        for account in data["accounts"]:
            # SecretStr dumps as asterisks; the file must hold the real key to authenticate later.
            account["api_key"] = self.accounts[account["client_id"]].api_key.get_secret_value()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def load(self, path: Path) -> bool:
        """Restore from ``path`` if it exists; returns whether anything was loaded."""
        if not path.is_file():
            return False
        self.restore(SandboxSnapshot.model_validate_json(path.read_bytes()))
        return True
