"""The Ozon Api-Key never lands in Dagster's storage or logs, only its variable's name does."""

from __future__ import annotations

import logging
import re
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import dagster as dg
import pytest

from novex_assets.constants import INVENTORY_SYNC_JOB
from novex_cli.stack import LocalStack
from tests.assets.conftest import run_job

SQLITE_HEADER = b"SQLite format 3\x00"
DEBUG_LOGS = {"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}


def _inflated(value: bytes) -> bytes:
    """A zlib-compressed value (how Dagster stores snapshots) inflated, anything else as is."""
    try:
        return zlib.decompress(value)
    except zlib.error:
        return value


def _cells(db: Path) -> Iterator[bytes]:
    """Every text or blob value in a SQLite file, compressed ones inflated."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        tables = [
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, str):
                        yield value.encode()
                    elif isinstance(value, bytes):
                        yield _inflated(value)


def _contents(home: Path) -> Iterator[tuple[Path, bytes]]:
    """Each file's bytes, and for databases also each stored value as Dagster wrote it."""
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        yield path, raw
        if raw.startswith(SQLITE_HEADER):
            for cell in _cells(path):
                yield path, cell


def test_the_api_key_stays_out_of_dagster_storage_and_logs(
    stack: LocalStack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        result = run_job(stack, INVENTORY_SYNC_JOB, instance=instance, run_config=DEBUG_LOGS)
        assert result.success
    key = stack.api_key.encode()
    contents = list(_contents(home))
    assert any(p.name == "runs.db" for p, _ in contents)
    # The resource config is stored, with the variable's name where the key would have been.
    env_ref = re.compile(rb"api_key\W+env\W+" + re.escape(stack.api_key_env.encode()))
    assert any(env_ref.search(data) for _, data in contents)
    leaked = sorted({str(p.relative_to(home)) for p, data in contents if key in data})
    assert leaked == []
    assert caplog.records
    assert stack.api_key not in caplog.text
