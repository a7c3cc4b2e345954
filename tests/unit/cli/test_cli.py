"""The `novex` command: sandbox seeding from sample data, and the demo's saved sandbox state."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from novex_assets.settings import NovexSettings, load_settings
from novex_cli.main import cli
from novex_cli.sandbox import seed_url
from novex_cli.stack import seed_sandbox
from ozon_sandbox.admin import SeedStock
from ozon_sandbox.config import SandboxConfig
from ozon_sandbox.server import run
from ozon_sandbox.testing import SandboxServer
from resources.sources.files import FileDropSap
from sample_data.generator import generate

SKUS = 120
KEY = "cli-test-key"


@pytest.fixture(scope="module")
def settings() -> NovexSettings:
    return load_settings()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, settings: NovexSettings) -> Path:
    """A small SAP assortment and Infor snapshot, as `novex sample-data` writes them."""
    out = tmp_path_factory.mktemp("data")
    generate(out, skus=SKUS, seed=5, sites=tuple(w.infor_site for w in settings.warehouses))
    return out


@pytest.fixture
def server(settings: NovexSettings) -> Iterator[SandboxServer]:
    """An empty sandbox serving Novex's main account, as `novex sandbox` starts."""
    config = SandboxConfig(accounts={settings.ozon.main.client_id: SecretStr(KEY)})
    with SandboxServer(config) as running:
        yield running


def _enabled_offers(data_dir: Path) -> set[str]:
    frame = FileDropSap(data_dir).read_assortment().frame
    return set(frame.filter(frame["ozon_enabled"])["offer_id"].to_list())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_seeding_gives_an_empty_sandbox_novexs_warehouses_and_cards(
    server: SandboxServer, settings: NovexSettings, data_dir: Path
) -> None:
    client_id = settings.ozon.main.client_id
    added = seed_sandbox(server.admin, settings, data_dir)
    offers = _enabled_offers(data_dir)
    assert added == len(offers) > 0
    assert {w.warehouse_id for w in server.admin.warehouses(client_id)} == {
        w.ozon_warehouse_id for w in settings.warehouses
    }
    cards = server.admin.products(client_id)
    assert {c.offer_id for c in cards} == offers
    assert all(c.price_sent and float(c.price) > 0 for c in cards)


def test_seeding_again_keeps_what_the_sandbox_already_holds(
    server: SandboxServer, settings: NovexSettings, data_dir: Path
) -> None:
    client_id = settings.ozon.main.client_id
    seed_sandbox(server.admin, settings, data_dir)
    offer = sorted(_enabled_offers(data_dir))[0]
    warehouse = settings.warehouses[0].ozon_warehouse_id
    server.admin.seed_stocks(
        client_id, [SeedStock(offer_id=offer, warehouse_id=warehouse, present=7)]
    )
    before = {c.offer_id: c for c in server.admin.products(client_id)}
    # What `novex sandbox --seed-from` does once the server is up, given only its URL.
    assert seed_url(server.url, data_dir, client_id) == 0
    after = {c.offer_id: c for c in server.admin.products(client_id)}
    assert after == before
    assert server.admin.stocks(client_id)[(offer, warehouse)].present == 7


def test_a_failing_start_up_hook_stops_the_server_with_an_error(
    settings: NovexSettings, tmp_path: Path
) -> None:
    config = SandboxConfig(accounts={settings.ozon.main.client_id: SecretStr(KEY)})
    empty = tmp_path / "no-data"
    empty.mkdir()
    port = _free_port()
    with pytest.raises(RuntimeError, match="no SAP assortment"):
        run(
            "127.0.0.1",
            port,
            config,
            on_started=lambda url: seed_url(url, empty, settings.ozon.main.client_id),
        )


def test_sandbox_needs_the_api_key_variable(tmp_path: Path) -> None:
    env = {"NOVEX_TEST_UNSET_KEY": None}
    result = CliRunner().invoke(
        cli,
        ["sandbox", "--api-key-env", "NOVEX_TEST_UNSET_KEY", "--seed-from", str(tmp_path)],
        env=env,
    )
    assert result.exit_code == 1
    assert "set NOVEX_TEST_UNSET_KEY" in result.output


def test_sandbox_refuses_a_seed_folder_that_does_not_exist(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["sandbox", "--seed-from", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "--seed-from" in result.output


def test_the_sandbox_command_serves_seeded_warehouses_until_terminated(
    settings: NovexSettings, data_dir: Path, tmp_path: Path
) -> None:
    """The README's `novex sandbox --seed-from` as a real process, stopped with SIGTERM."""
    port = _free_port()
    state = tmp_path / "state.json"
    command = [
        sys.executable,
        "-c",
        "from novex_cli.main import cli; cli()",
        "sandbox",
        "--seed-from",
        str(data_dir),
        "--port",
        str(port),
        "--state-file",
        str(state),
    ]
    process = subprocess.Popen(
        command,
        env={**os.environ, "OZON_API_KEY": KEY},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        lines: list[str] = []
        while not any(line.startswith("Seeded from") for line in lines):
            line = process.stdout.readline()
            assert line and time.monotonic() < deadline, "".join(lines)
            lines.append(line)
        reply = httpx.post(
            f"http://127.0.0.1:{port}/v2/warehouse/list",
            headers={"Client-Id": settings.ozon.main.client_id, "Api-Key": KEY},
            json={"limit": 10},
        )
        assert reply.status_code == 200
        assert {w["warehouse_id"] for w in reply.json()["warehouses"]} == {
            w.ozon_warehouse_id for w in settings.warehouses
        }
    finally:
        process.terminate()
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert state.is_file()  # shut down cleanly: state saved by the shutdown hook
