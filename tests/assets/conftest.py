from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from novex_assets.definitions import build_definitions
from novex_cli.demo import materialization_metadata
from novex_cli.stack import LocalStack, start_stack

SKUS = 300


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    """Sample data, a seeded sandbox (clock x120) and a SQLite store, all under tmp_path."""
    running = start_stack(tmp_path / "stack", skus=SKUS, seed=3, time_factor=120.0)
    try:
        yield running
    finally:
        running.close()


def run_job(stack: LocalStack, name: str, instance: dg.DagsterInstance | None = None, **kw):
    """Execute a job of the real Definitions in process against the stack's resources."""
    defs = build_definitions(resources=stack.resources())
    kw.setdefault("run_config", {"loggers": {"console": {"config": {"log_level": "WARNING"}}}})
    return defs.resolve_job_def(name).execute_in_process(
        instance=instance or dg.DagsterInstance.ephemeral(), raise_on_error=False, **kw
    )


def run_ok(stack: LocalStack, instance: dg.DagsterInstance, job: str = "orders_process", **kw):
    """`run_job` that must succeed; failing, the assertion shows the failures' messages."""
    result = run_job(stack, job, instance, **kw)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return result


def materialization(result, *path: str) -> dict:
    """Metadata values of one asset's materialisation in a run result."""
    key = dg.AssetKey(list(path))
    found = materialization_metadata(result, key)
    if found is None:
        raise AssertionError(f"{key.to_user_string()} was not materialised")
    return found
