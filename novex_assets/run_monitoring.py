"""A crashed local run is marked failed instead of staying STARTED for ever.

Dagster's run monitoring (the daemon that `dagster dev` runs) fails a STARTED run whose run
worker is gone only when the run launcher can check the worker's health; the default launcher
cannot, so a `dagster job execute`, a demo or a UI run killed mid-step stayed STARTED in the
local instance, and with the queued coordinator's one-push limit it would block every later
push. `LocalRunLauncher` is Dagster's default launcher plus that health check, by the run
worker's process id, which every run worker records in its first engine event.

Only for an instance whose runs all execute on this machine (`deploy/dagster.local.yaml`):
a process id means nothing on another host or in another container.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import dagster as dg
from dagster._core.launcher.base import CheckRunHealthResult, WorkerStatus

log = logging.getLogger(__name__)

# A worker logs its pid right after it starts, so a process that started later is another one
# under a reused pid. The slack is wide on purpose: a wall-clock step (NTP) must never make a
# live worker look replaced, while a pid reused within minutes is practically impossible.
_PID_REUSE_SLACK_S = 120.0


def run_worker_pid(instance: dg.DagsterInstance, run_id: str) -> tuple[int, float] | None:
    """The run worker's pid and when it was recorded (the run's first engine event with a pid)."""
    records = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.ENGINE_EVENT, limit=50, ascending=True
    ).records
    for record in records:
        event = record.event_log_entry.dagster_event
        data = event.engine_event_data if event is not None else None
        pid = data.metadata.get("pid") if data is not None else None
        if pid is not None and str(pid.value).isdigit():
            return int(str(pid.value)), record.event_log_entry.timestamp
    return None


def _boot_time() -> float | None:
    try:
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    except OSError:
        pass
    return None


def process_alive_since(pid: int) -> tuple[bool, float | None]:
    """Whether `pid` is a live (not zombie) process, and when it started where /proc says."""
    stat = Path(f"/proc/{pid}/stat")
    try:
        # comm (field 2) may hold spaces and parentheses: split after the last ')'.
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return False, None
    except (OSError, IndexError):
        return _signal_alive(pid), None
    if fields[0] in {"Z", "X"}:  # exited, not yet reaped by its parent
        return False, None
    boot = _boot_time()
    if boot is None:
        return True, None
    return True, boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def _signal_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def is_same_worker(alive: bool, started_at: float | None, recorded_at: float) -> bool:
    """Whether a live process under the recorded pid is the worker that recorded it."""
    return alive and (started_at is None or started_at <= recorded_at + _PID_REUSE_SLACK_S)


def worker_health(instance: dg.DagsterInstance, run: dg.DagsterRun) -> CheckRunHealthResult:
    """RUNNING while the run worker's process lives; FAILED once it is gone or its pid reused."""
    found = run_worker_pid(instance, run.run_id)
    if found is None:
        # No worker recorded yet (it is starting): never fail a run on a guess.
        return CheckRunHealthResult(WorkerStatus.RUNNING, "run worker not recorded yet")
    pid, recorded_at = found
    alive, started_at = process_alive_since(pid)
    if is_same_worker(alive, started_at, recorded_at):
        return CheckRunHealthResult(WorkerStatus.RUNNING, f"run worker process {pid} is alive")
    return CheckRunHealthResult(
        WorkerStatus.FAILED,
        f"run worker process {pid} is gone (killed or crashed) while the run was STARTED",
    )


class LocalRunLauncher(dg.DefaultRunLauncher):
    """Dagster's default launcher, plus the worker health check that run monitoring needs."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        """Run monitoring may ask this launcher whether a STARTED run's worker still lives."""
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        """Judge by the recorded run worker pid (single-machine instances only)."""
        return worker_health(self._instance, run)


def fail_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed every STARTED run whose worker is gone; returns their run ids.

    The daemon does this every `run_monitoring.poll_interval_seconds`; `novex demo` calls it
    once at start, since it runs jobs without a daemon.
    """
    launcher = instance.run_launcher
    if not (instance.run_monitoring_enabled and launcher.supports_check_run_worker_health):
        return []
    failed: list[str] = []
    for record in instance.get_run_records(
        filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])
    ):
        run = record.dagster_run
        health = launcher.check_run_worker_health(run)
        if health.status == WorkerStatus.FAILED:
            message = f"Detected run worker status {health.status.value}: {health.msg}"
            log.warning("run %s: %s; marked failed", run.run_id, health.msg)
            instance.report_run_failed(run, message)
            failed.append(run.run_id)
    return failed
