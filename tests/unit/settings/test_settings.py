from __future__ import annotations

from pathlib import Path

import pytest

from novex_assets.settings import (
    DEFAULT_CONFIG,
    ConfigError,
    NovexSettings,
    load_settings,
    load_yaml_file,
)

CONFIG_DIR = Path(__file__).resolve().parents[3] / "config"

# Shipped YAML files validated by a model; any other YAML under config/ is still read strictly.
SHIPPED_MODELS = {"novex.yaml": load_settings}

BASE = (
    "ozon: {accounts: [{name: m, client_id: '1'}]}\n"
    "warehouses:\n"
    "  - infor_site: A\n"
    "    ozon_warehouse_id: 1\n"
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "novex.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    return str(err.value)


@pytest.mark.parametrize(
    "path",
    sorted([*CONFIG_DIR.glob("*.yaml"), *CONFIG_DIR.glob("*.yml")]),
    ids=lambda p: p.name,
)
def test_every_shipped_config_file_loads(path: Path):
    doc = load_yaml_file(path)  # no duplicate keys, valid YAML
    assert doc.data
    if path.name in SHIPPED_MODELS:
        SHIPPED_MODELS[path.name](path)


def test_shipped_settings_are_the_main_config():
    settings = load_settings(DEFAULT_CONFIG)
    assert isinstance(settings, NovexSettings)
    assert settings.warehouses


def test_error_names_file_line_and_field(tmp_path: Path):
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace("buffer: 2 ", "buffer: -3 ")
    bad = _write(tmp_path, text)
    line = 1 + text.splitlines().index(
        next(x for x in text.splitlines() if x.strip().startswith("buffer: -3"))
    )
    message = _error(bad)
    assert str(bad) in message
    assert f"stock_rules.default.buffer (line {line}): " in message


def test_a_duplicate_key_is_refused_with_both_lines(tmp_path: Path):
    # A second `stock_rules:` block used to replace the first silently, dropping the cap.
    bad = _write(
        tmp_path,
        BASE + "stock_rules:\n  default: {max_stock: 999}\nsync: {}\nstock_rules:\n  default: {}\n",
    )
    message = _error(bad)
    assert f"{bad}:8: duplicate key 'stock_rules' (first at line 5)" in message


def test_a_duplicate_nested_key_is_refused(tmp_path: Path):
    bad = _write(
        tmp_path,
        BASE + "stock_rules:\n  overrides:\n    - match: {category_code: 'PF-*'}\n"
        "      buffer: 1\n      buffer: 3\n",
    )
    message = _error(bad)
    assert f"{bad}:9: duplicate key 'stock_rules.overrides.0.buffer' (first at line 8)" in message


def test_a_merge_key_may_be_overridden_explicitly(tmp_path: Path):
    path = _write(
        tmp_path,
        BASE + "stock_rules:\n  default: &base {buffer: 2, max_stock: 50}\n"
        "  overrides:\n    - match: {offer_id: 'X*'}\n      <<: *base\n      buffer: 0\n",
    )
    override = load_settings(path).stock_rules.overrides[0]
    assert (override.buffer, override.max_stock) == (0, 50)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("true", "(got true)"),
        ("'2'", "(got a string)"),
        ("1.5", "(got 1.5)"),
        ("yes", "(got true)"),
    ],
)
def test_a_value_of_the_wrong_type_is_an_error_not_coerced(tmp_path: Path, value: str, shown: str):
    bad = _write(tmp_path, BASE + f"stock_rules:\n  default:\n    buffer: {value}\n")
    message = _error(bad)
    assert str(bad) in message
    assert "stock_rules.default.buffer (line 7): Input should be a valid integer" in message
    assert shown in message


def test_a_string_for_a_float_and_a_number_for_a_flag_are_refused(tmp_path: Path):
    bad = _write(
        tmp_path,
        BASE.replace("ozon_warehouse_id: 1\n", "ozon_warehouse_id: 1\n    merge_sites: 1\n")
        + "price_rules:\n  default: {markup_pct: '18'}\n",
    )
    message = _error(bad)
    assert "warehouses.0.merge_sites (line 5): Input should be a valid boolean" in message
    assert "price_rules.default.markup_pct (line 7): Input should be a valid number" in message


def test_whole_numbers_for_floats_and_an_unquoted_client_id_are_fine(tmp_path: Path):
    path = _write(
        tmp_path,
        BASE.replace("client_id: '1'", "client_id: 100500")
        + "price_rules: {default: {markup_pct: 18}}\n",
    )
    settings = load_settings(path)
    assert settings.ozon.main.client_id == "100500"
    assert settings.price_rules.default.markup_pct == 18.0


def test_unknown_field_is_rejected_without_echoing_its_value(tmp_path: Path):
    bad = _write(
        tmp_path,
        "ozon: {accounts: [{name: m, client_id: '1', api_key: 'secret-in-file'}]}\n"
        "warehouses: [{infor_site: A, ozon_warehouse_id: 1}]\n",
    )
    message = _error(bad)
    assert "ozon.accounts.0.api_key (line 1): Extra inputs are not permitted" in message
    assert "secret-in-file" not in message


def test_an_infor_site_mapped_twice_is_refused_at_its_line(tmp_path: Path):
    bad = _write(
        tmp_path,
        BASE + "  - infor_site: B\n    ozon_warehouse_id: 2\n"
        "  - infor_site: a\n    ozon_warehouse_id: 3\n    merge_sites: true\n",
    )
    message = _error(bad)
    assert "warehouses.2 (line 7): Infor site a is mapped twice (also warehouses.0)" in message


def test_two_sites_on_one_warehouse_need_merge_sites_on_each(tmp_path: Path):
    shared = BASE + "  - infor_site: B\n    ozon_warehouse_id: 1\n"
    message = _error(_write(tmp_path, shared))
    assert str(tmp_path / "novex.yaml") in message
    assert "warehouses.0 (line 3): Ozon warehouse 1 is fed by several Infor sites" in message
    assert "merge_sites: true" in message

    # Marking only one entry is not enough: the other may be the copy-paste mistake.
    half = shared.replace(
        "ozon_warehouse_id: 1\n", "ozon_warehouse_id: 1\n    merge_sites: true\n", 1
    )
    assert "warehouses.1 (line 6): Ozon warehouse 1" in _error(_write(tmp_path, half))

    both = shared.replace("ozon_warehouse_id: 1\n", "ozon_warehouse_id: 1\n    merge_sites: true\n")
    settings = load_settings(_write(tmp_path, both))
    assert settings.site_to_warehouse() == {"A": 1, "B": 1}


def test_invalid_yaml_names_line_and_column(tmp_path: Path):
    bad = _write(tmp_path, BASE + "stock_rules:\n  default: {buffer: 2\n")
    message = _error(bad)
    assert message.startswith(f"{bad}:")
    assert "not valid YAML" in message
    assert message.split(":")[1].isdigit()


def test_line_info_for_reuse(tmp_path: Path):
    doc = load_yaml_file(_write(tmp_path, BASE + "sync:\n  stock_batch_size: 50\n"))
    assert doc.data["sync"] == {"stock_batch_size": 50}
    assert doc.line_of(("warehouses", 0, "ozon_warehouse_id")) == 4
    assert doc.line_of(("sync", "stock_batch_size")) == 6
    assert doc.line_of(("sync", "no_such_key")) == 5  # nearest enclosing key
    assert doc.where(("warehouses", 0)) == f"{doc.path}:3"


def test_bad_cron_and_missing_file(tmp_path: Path):
    bad = _write(tmp_path, BASE + "sync: {reconcile_cron: 'every hour'}\n")
    with pytest.raises(ConfigError, match=r"sync\.reconcile_cron \(line 5\)"):
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
