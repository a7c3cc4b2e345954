"""A run killed mid-step is marked failed by run monitoring, not left STARTED for ever.

Real processes: a run worker executes a job against an instance made from the shipped
`deploy/dagster.local.yaml`, is killed with SIGKILL, and then Dagster's own daemon (or the
demo's start-up sweep) must fail the run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import pytest

from novex_assets.run_monitoring import (
    LocalRunLauncher,
    fail_dead_runs,
    is_same_worker,
    process_alive_since,
    run_worker_pid,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent

WORKER = """
import time
import dagster as dg

@dg.op
def wait_to_be_killed():
    time.sleep(300)

@dg.job
def crash_me():
    wait_to_be_killed()

defs = dg.Definitions(jobs=[crash_me])

if __name__ == "__main__":
    crash_me.execute_in_process(instance=dg.DagsterInstance.get())
"""


@pytest.fixture
def local_home(tmp_path: Path) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(REPO_ROOT / "deploy" / "dagster.local.yaml", home / "dagster.yaml")
    (tmp_path / "crash_job.py").write_text(WORKER, encoding="utf-8")
    return home


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(REPO_ROOT)}


def _wait_for(what: str, check: Callable[[], object], timeout: float = 120.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def started_run(local_home: Path) -> Iterator[tuple[dg.DagsterInstance, str, subprocess.Popen]]:
    """A run worker in its own process, STARTED and sleeping inside its step."""
    worker = subprocess.Popen(
        [sys.executable, str(local_home.parent / "crash_job.py")],
        env=_env(local_home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    instance = dg.DagsterInstance.from_config(str(local_home))
    try:

        def started() -> str | None:
            for record in instance.get_run_records():
                run_id = record.dagster_run.run_id
                if record.dagster_run.status == dg.DagsterRunStatus.STARTED and run_worker_pid(
                    instance, run_id
                ):
                    return run_id
            return None

        run_id = str(_wait_for("the run to start", started))
        yield instance, run_id, worker
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=30)
        instance.dispose()


def _status(instance: dg.DagsterInstance, run_id: str) -> dg.DagsterRunStatus:
    run = instance.get_run_by_id(run_id)
    assert run is not None
    return run.status


def _failure_message(instance: dg.DagsterInstance, run_id: str) -> str:
    events = instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    return " ".join(e.message or "" for e in events)


def test_the_local_instance_monitors_runs_with_a_health_checking_launcher(local_home: Path):
    instance = dg.DagsterInstance.from_config(str(local_home))
    try:
        assert instance.run_monitoring_enabled
        assert isinstance(instance.run_launcher, LocalRunLauncher)
        assert instance.run_launcher.supports_check_run_worker_health
    finally:
        instance.dispose()


def test_a_killed_run_is_failed_by_the_start_up_sweep_and_a_live_one_is_not(started_run):
    instance, run_id, worker = started_run
    pid, _ = run_worker_pid(instance, run_id) or (None, None)
    assert pid == worker.pid
    assert fail_dead_runs(instance) == []  # alive: left alone
    assert _status(instance, run_id) == dg.DagsterRunStatus.STARTED

    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert _status(instance, run_id) == dg.DagsterRunStatus.STARTED  # what the crash leaves
    assert fail_dead_runs(instance) == [run_id]
    assert _status(instance, run_id) == dg.DagsterRunStatus.FAILURE
    assert f"run worker process {pid} is gone" in _failure_message(instance, run_id)
    assert fail_dead_runs(instance) == []


@pytest.mark.slow
def test_dagsters_daemon_fails_a_killed_run_on_its_next_start(started_run, local_home: Path):
    instance, run_id, worker = started_run
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", "-f", str(local_home.parent / "crash_job.py")],
        env=_env(local_home),
        cwd=local_home.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # the daemon starts a code server: stop the whole group
    )
    try:
        _wait_for(
            "the daemon to fail the run",
            lambda: _status(instance, run_id) == dg.DagsterRunStatus.FAILURE,
            timeout=180,
        )
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        try:
            _, err = daemon.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
            _, err = daemon.communicate()
    assert "run worker process" in _failure_message(instance, run_id), err.decode()[-2000:]


def test_a_zombie_or_missing_process_is_not_alive():
    child = subprocess.Popen(["true"])
    _wait_for("the child to exit", lambda: not process_alive_since(child.pid)[0], timeout=30)
    child.wait()  # reaped now
    assert process_alive_since(child.pid) == (False, None)
    alive, since = process_alive_since(os.getpid())
    assert alive and (since is None or since <= time.time())


@pytest.mark.postgres
def test_the_production_instance_monitors_runs_with_a_runtime_backstop(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
):
    import sqlalchemy as sa

    url = sa.engine.make_url(pg_url)
    home = tmp_path / "prod_home"
    home.mkdir()
    shutil.copyfile(REPO_ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    for name, value in {
        "HOST": url.host or "127.0.0.1",
        "PORT": str(url.port or 5432),
        "DB": url.database or "",
        "USER": url.username or "postgres",
        "PASSWORD": url.password or "",
    }.items():
        monkeypatch.setenv(f"DAGSTER_PG_{name}", value)
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        assert instance.run_monitoring_enabled
        # A worker that dies unseen must not hold the one push slot for good.
        assert 0 < instance.run_monitoring_max_runtime_seconds <= 24 * 3600
        assert instance.run_monitoring_max_resume_run_attempts == 0
    finally:
        instance.dispose()


def test_a_reused_pid_is_not_taken_for_the_worker():
    recorded = 1_000_000.0
    assert is_same_worker(True, recorded - 3600, recorded)  # started long before: the worker
    assert is_same_worker(True, None, recorded)  # start unknown: never failed on a guess
    assert not is_same_worker(True, recorded + 3600, recorded)  # a later process, same pid
    assert not is_same_worker(False, None, recorded)
