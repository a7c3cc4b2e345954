from __future__ import annotations

from pathlib import Path

import pytest

from novex_assets.settings import DEFAULT_CONFIG, ConfigError, load_settings

CONFIG_DIR = Path(__file__).resolve().parents[3] / "config"


@pytest.mark.parametrize("path", sorted(CONFIG_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_config_file_loads(path: Path):
    settings = load_settings(path)
    assert settings.warehouses


def test_error_names_file_and_field(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace("buffer: 2 ", "buffer: -3 ")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(bad)
    assert str(bad) in str(err.value)
    assert "stock_rules.default.buffer" in str(err.value)


def test_unknown_field_and_duplicate_site_are_rejected(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "ozon: {accounts: [{name: m, client_id: '1', api_key: 'secret-in-file'}]}\n"
        "warehouses: [{infor_site: A, ozon_warehouse_id: 1}, "
        "{infor_site: A, ozon_warehouse_id: 2}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as err:
        load_settings(bad)
    message = str(err.value)
    assert "ozon.accounts.0.api_key" in message
    assert "Infor site mapped twice: A" in message


def test_bad_cron_and_missing_file(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "ozon: {accounts: [{name: m, client_id: '1'}]}\n"
        "warehouses: [{infor_site: A, ozon_warehouse_id: 1}]\n"
        "sync: {reconcile_cron: 'every hour'}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"sync\.reconcile_cron"):
        load_settings(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.yaml")


def test_env_var_selects_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    alt = tmp_path / "alt.yaml"
    alt.write_text(
        "ozon: {accounts: [{name: m, client_id: '77'}]}\n"
        "warehouses: [{infor_site: X, ozon_warehouse_id: 5}]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("NOVEX_CONFIG", str(alt))
    assert load_settings().ozon.main.client_id == "77"


def test_a_second_account_is_refused_with_the_reason(tmp_path: Path):
    bad = tmp_path / "two.yaml"
    bad.write_text(
        "ozon: {accounts: [{name: a, client_id: '1'}, {name: b, client_id: '2'}]}\n"
        "warehouses: [{infor_site: A, ozon_warehouse_id: 1}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"ozon\.accounts"):
        load_settings(bad)
