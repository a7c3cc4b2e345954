"""`novex demo` (run once here) uses the instance in $DAGSTER_HOME, leaves the snapshot sensor past
its data and saves the sandbox state for `novex sandbox`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner
from dagster._core.scheduler.instigation import TickStatus
from pydantic import SecretStr

from novex_assets.settings import load_settings
from novex_cli.main import cli
from novex_cli.sensor_cursor import sensor_cursor, sensor_origin
from ozon_sandbox.config import SandboxConfig
from ozon_sandbox.testing import SandboxServer
from resources.sources.files import FileDropInfor
from sensors.inventory import SENSOR_NAME

REPO_ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the demo once (for this module) with DAGSTER_HOME elsewhere than var/dagster."""
    base = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(base)
        patch.setenv("DAGSTER_HOME", str(base / "elsewhere" / "dagster"))
        result = CliRunner().invoke(cli, ["demo", "--skus", "150", "--time-factor", "120"])
    assert result.exit_code == 0, result.output
    assert "now starts after stock_" in result.output
    return base


@pytest.fixture
def demo_home(demo_dir: Path) -> Path:
    return demo_dir / "elsewhere" / "dagster"


def _sensor_runs(instance: dg.DagsterInstance) -> list[str]:
    return [
        r.run_id for r in instance.get_runs() if r.tags.get("dagster/sensor_name") == SENSOR_NAME
    ]


@pytest.mark.slow
def test_the_demo_honours_dagster_home_and_moves_the_sensor_cursor(demo_home: Path, demo_dir: Path):
    tmp_path = demo_dir
    assert not (tmp_path / "var" / "dagster").exists()
    config = (demo_home / "dagster.yaml").read_text(encoding="utf-8")
    assert "run_monitoring" in config  # the local config was copied in
    instance = dg.DagsterInstance.from_config(str(demo_home))
    try:
        syncs = [r for r in instance.get_runs() if r.job_name == "inventory_sync"]
        assert len(syncs) >= 3  # the three inventory runs, then the catalog's new cards
        latest = FileDropInfor(tmp_path / "var" / "demo" / "data").latest_stock_snapshot()
        assert latest is not None
        assert sensor_cursor(instance, sensor_origin(SENSOR_NAME)) == latest.name
    finally:
        instance.dispose()


@pytest.mark.slow
def test_the_first_daemon_after_the_demo_does_not_sync_the_demo_snapshot_again(
    demo_home: Path, demo_dir: Path
):
    tmp_path = demo_dir
    env = {
        **os.environ,
        "DAGSTER_HOME": str(demo_home),
        "NOVEX_DATA_DIR": str(tmp_path / "var" / "demo" / "data"),
        "NOVEX_DB_URL": f"sqlite:///{tmp_path / 'var' / 'demo' / 'novex.sqlite'}",
        "OZON_API_KEY": "any",
    }
    # The daemon of `dagster dev`, loading the code location from the shipped workspace.yaml.
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", "-w", str(REPO_ROOT / "workspace.yaml")],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    instance = dg.DagsterInstance.from_config(str(demo_home))
    origin = sensor_origin(SENSOR_NAME)
    ticks: list = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not ticks:
            ticks = [
                t
                for t in instance.get_ticks(origin.get_id(), origin.get_selector().get_id())
                if t.status != TickStatus.STARTED
            ]
            time.sleep(1)
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        try:
            _, err = daemon.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
            _, err = daemon.communicate()
    try:
        assert ticks, "no sensor tick within 180 s: " + err.decode()[-2000:]
        assert ticks[0].status == TickStatus.SKIPPED, ticks[0]
        assert _sensor_runs(instance) == []
    finally:
        instance.dispose()


@pytest.mark.slow
def test_the_demo_saves_the_sandbox_state_for_novex_sandbox(demo_dir: Path) -> None:
    state = demo_dir / "var" / "sandbox-state.json"
    assert state.is_file()
    settings = load_settings()
    client_id = settings.ozon.main.client_id
    config = SandboxConfig(accounts={client_id: SecretStr("demo-state-key")}, state_file=state)
    with SandboxServer(config) as server:
        assert len(server.admin.warehouses(client_id)) == len(settings.warehouses)
        assert server.admin.products(client_id)
        assert any(row.present for row in server.admin.stocks(client_id).values())
