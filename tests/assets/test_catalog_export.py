"""The catalog export path in real materialisations against the sandbox over HTTP.

Cards -> Great Expectations checks (with the blocking gate) -> export -> moderation -> report,
then again: unchanged cards are not resent, a fixed card goes alone, an approved new card is
handed to the stock and price sync.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import polars as pl
import pytest
import yaml

from novex_assets.catalog import export_assets as ea
from novex_assets.settings_resource import SettingsResource
from ozon_sandbox.config import FaultSettings
from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient
from resources.ozon_resource import OzonResource
from resources.store.store import Store
from resources.store_resource import StoreResource, open_store
from tests.support import catalog_cards as cc
from tests.support.sandbox import API_KEY, CLIENT_ID, FAST_TIME_FACTOR, sandbox  # noqa: F401

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parents[2]
ASSETS = [
    ea.product_cards,
    ea.card_checks,
    ea.card_checks_gate,
    ea.card_export,
    ea.card_moderation,
    ea.catalog_report,
]


@pytest.fixture
def world(
    sandbox: SandboxServer,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[SandboxServer, Store, dict[str, object]]]:
    """A sandbox, a store with Ozon's model for shampoo, products and Art-Trade content."""
    monkeypatch.setenv("NOVEX_REPORT_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("CATALOG_TEST_OZON_KEY", API_KEY)
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    store = open_store(url)
    client = OzonClient(sandbox.url, CLIENT_ID, API_KEY, time_scale=FAST_TIME_FACTOR)
    with client:
        cc.load_model(client, store, [cc.SHAMPOO])
    cc.set_mapping(
        store,
        [(cc.SHAMPOO_CODE, cc.SHAMPOO, "confirmed"), (cc.UNMAPPED_CODE, cc.SHAMPOO, "suggested")],
    )
    cc.set_products(
        store,
        [
            cc.product("P1"),
            cc.product("P2"),
            cc.product("P3"),  # no images in Art-Trade -> fails a check
            cc.product("P4"),  # hair type spelled unlike Ozon's dictionary -> fails
            cc.product("P5"),  # forbidden word in the name -> declined by moderation
            # Density below Ozon's bound: passes our checks, fails Ozon's import.
            cc.product("P6", weight_g=1.0, length_mm=200.0, width_mm=200.0, height_mm=200.0),
            cc.product("P7", category_code=cc.UNMAPPED_CODE),  # mapping only suggested
        ],
    )
    cc.set_arttrade(
        store,
        [
            cc.content("P1"),
            cc.content("P2"),
            cc.content("P3", images=[]),
            cc.content("P4"),
            cc.content("P5", name="Шампунь Nivea реплика 250 мл"),
            cc.content("P6"),
            cc.content("P7"),
        ],
        [
            *cc.shampoo_characteristics("P1"),
            *cc.shampoo_characteristics("P2", hair="Сухие"),
            *cc.shampoo_characteristics("P3"),
            *cc.shampoo_characteristics("P4", hair="кудрявые"),
            *cc.shampoo_characteristics("P5"),
            *cc.shampoo_characteristics("P6"),
            *cc.shampoo_characteristics("P7"),
        ],
    )
    resources: dict[str, object] = {
        "ozon": OzonResource(
            base_url=sandbox.url,
            client_id=CLIENT_ID,
            api_key=dg.EnvVar("CATALOG_TEST_OZON_KEY"),
            time_scale=FAST_TIME_FACTOR,
            max_attempts=2,
        ),
        "store": StoreResource(url=url),
        "settings": SettingsResource(),
    }
    yield sandbox, store, resources


SEARCH_PATH = "/v1/description-category/attribute/values/search"


def _requests(server: SandboxServer, path: str) -> int:
    counters = server.admin.requests(CLIENT_ID).methods.get(path)
    return 0 if counters is None else counters.requests


def _run(resources: dict[str, object], instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    return dg.materialize(ASSETS, resources=resources, instance=instance, raise_on_error=False)


def _meta(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> dict[str, object]:
    for event in result.get_asset_materialization_events():
        m = event.materialization
        if m is not None and m.asset_key == key:
            return {k: v.value for k, v in m.metadata.items()}
    raise AssertionError(f"{key.to_user_string()} not materialised")


def test_catalog_path_end_to_end(world: tuple[SandboxServer, Store, dict[str, object]]) -> None:
    server, store, resources = world
    instance = dg.DagsterInstance.ephemeral()
    first = _run(resources, instance)
    assert first.success

    cards = _meta(first, ea.PRODUCT_CARDS)
    assert cards["cards"] == 6 and cards["unmapped_products"] == 1
    checks = store.catalog_cards.check_results(store.catalog_cards.latest_check_run() or "")
    failed = {o for o, p in checks.select("offer_id", "passed").iter_rows() if not p}
    assert failed == {"P3", "P4"}

    export = _meta(first, ea.CARD_EXPORT)
    assert export["sent"] == 4 and export["held_back_by_checks"] == 2
    assert export["failed"] == 1 and export["imported"] == 3
    exports = {r["offer_id"]: r for r in store.catalog_cards.exports().iter_rows(named=True)}
    assert exports["P6"]["state"] == "failed"
    assert json.loads(exports["P6"]["errors"])[0]["code"] == "Incorrect_density"

    searched = _requests(server, SEARCH_PATH)
    assert searched >= 1, "Brand is matched through Ozon's search"
    # Ozon's moderators decide after an hour of sandbox time.
    server.admin.advance(3_700)
    second = _run(resources, instance)
    assert second.success
    assert _requests(server, SEARCH_PATH) == searched, "the brand answers are cached"
    second_export = _meta(second, ea.CARD_EXPORT)
    # P6 is not sent again: Ozon refused exactly this card; it waits for a fix in SAP.
    assert second_export["sent"] == 0 and second_export["refused_unchanged"] == 1
    moderation = _meta(second, ea.CARD_MODERATION)
    assert moderation["approved"] == 2 and moderation["declined"] == 1
    reasons = store.catalog_cards.moderation().filter(pl.col("offer_id") == "P5")["reasons"][0]
    assert json.loads(reasons), "a decline keeps Ozon's reasons"

    # Approved new cards are the inventory's now: product ids in `products`.
    products = store.inventory.products().filter(pl.col("offer_id").is_in(["P1", "P2"]))
    assert products["ozon_product_id"].null_count() == 0

    report = _meta(second, ea.CATALOG_REPORT)
    html = Path(str(report["report"])).read_text(encoding="utf-8")
    for offer_id in ("P3", "P4", "P5", "P6", "P7"):
        assert offer_id in html
    csv_text = Path(str(report["csv"])).read_bytes()
    assert csv_text.startswith("\ufeff".encode())
    rows = [line.split(";") for line in csv_text.decode("utf-8-sig").splitlines()[1:]]
    owners = {(r[0], r[5]) for r in rows}
    assert ("P3", "Art-Trade") in owners
    assert ("P4", "Art-Trade") in owners
    assert ("P5", "Art-Trade") in owners
    assert ("P6", "SAP") in owners
    assert ("P7", "сопоставление категорий") in owners

    # Staff fix P3's images in Art-Trade: the next run exports P3 alone.
    contents = [cc.content(o) for o in ("P1", "P2", "P3", "P4")]
    contents += [cc.content("P5", name="Шампунь Nivea реплика 250 мл"), cc.content("P6")]
    chars = [c for o in ("P1", "P3", "P5", "P6") for c in cc.shampoo_characteristics(o)]
    chars += cc.shampoo_characteristics("P2", hair="Сухие")
    chars += cc.shampoo_characteristics("P4", hair="кудрявые")
    cc.set_arttrade(store, contents, chars)
    third = _run(resources, instance)
    export = _meta(third, ea.CARD_EXPORT)
    sent = set(
        store.catalog_cards.exports()
        .filter(pl.col("sent_at") == pl.col("sent_at").max())["offer_id"]
        .to_list()
    )
    assert sent == {"P3"} and export["sent"] == 1 and export["unchanged"] == 3


def test_template_values_on_ozon_survive_the_merge(
    world: tuple[SandboxServer, Store, dict[str, object]],
) -> None:
    from resources.ozon.models.product_import import ImportItem

    server, store, resources = world
    instance = dg.DagsterInstance.ephemeral()
    assert _run(resources, instance).success
    server.admin.advance(3_700)
    client = OzonClient(server.url, CLIENT_ID, API_KEY, time_scale=FAST_TIME_FACTOR)
    with client:
        # Staff edit P1 in Ozon's template: the model name (9048, template_wins in
        # card_fields.yaml) and the hair type (22236, Art-Trade's, no template_wins).
        card = json.loads(store.catalog_cards.cards().filter(pl.col("offer_id") == "P1")["card"][0])
        for attribute in card["attributes"]:
            if attribute["id"] == 9048:
                attribute["values"] = [{"dictionary_value_id": 0, "value": "Модель из шаблона"}]
            if attribute["id"] == 22236:
                attribute["values"] = [{"dictionary_value_id": 970584103, "value": "сухие"}]
        client.products.wait_for_import(client.products.import_([ImportItem.model_validate(card)]))

        # Then both Novex systems change P1: Art-Trade its name, SAP its weight.
        renamed = "Шампунь Nivea P1 обновлённый 250 мл"
        contents = [cc.content("P1", name=renamed)] + [
            cc.content(o) for o in ("P2", "P3", "P4", "P6")
        ]
        contents.append(cc.content("P5", name="Шампунь Nivea реплика 250 мл"))
        chars = [c for o in ("P1", "P3", "P5", "P6") for c in cc.shampoo_characteristics(o)]
        chars += cc.shampoo_characteristics("P2", hair="Сухие")
        chars += cc.shampoo_characteristics("P4", hair="кудрявые")
        cc.set_arttrade(store, contents, chars)
        products = [cc.product("P1", weight_g=450.0)]
        products += [cc.product(f"P{i}") for i in range(2, 6)]
        products.append(
            cc.product("P6", weight_g=1.0, length_mm=200.0, width_mm=200.0, height_mm=200.0)
        )
        products.append(cc.product("P7", category_code=cc.UNMAPPED_CODE))
        cc.set_products(store, products)

        second = _run(resources, instance)
        assert second.success
        row = store.catalog_cards.cards().filter(pl.col("offer_id") == "P1")
        merged = json.loads(row["card"][0])
        values = {a["id"]: a["values"][0] for a in merged["attributes"]}
        provenance = json.loads(row["provenance"][0])
        # The protected template value stays; everything the systems own follows them.
        assert values[9048]["value"] == "Модель из шаблона"
        assert provenance["attributes"]["9048"] == "ozon"
        assert merged["name"] == renamed and merged["weight"] == 450
        assert values[22236]["value"] == "для всех типов"
        assert provenance["attributes"]["22236"] == "arttrade"
        # The update went to Ozon as a whole card and did not wipe staff's template work.
        assert (
            "P1"
            in store.catalog_cards.exports()
            .filter(pl.col("sent_at") == pl.col("sent_at").max())["offer_id"]
            .to_list()
        )
        on_ozon = next(iter(client.products.info_attributes(offer_ids=["P1"])))
        model_name = on_ozon.attribute(9048)
        assert model_name is not None and model_name.values[0].value == "Модель из шаблона"
        assert on_ozon.name == renamed


def test_failing_share_jump_blocks_the_export(
    world: tuple[SandboxServer, Store, dict[str, object]],
) -> None:
    _, store, resources = world
    instance = dg.DagsterInstance.ephemeral()
    assert _run(resources, instance).success
    # A broken SAP export: a VAT column Ozon does not know, for every product.
    cc.set_products(store, [cc.product(f"P{i}", vat="18%") for i in range(1, 7)])
    sent_before = store.catalog_cards.exports().height
    result = _run(resources, instance)
    assert not result.success
    evaluations = result.get_asset_check_evaluations()
    gate = [e for e in evaluations if e.check_name == ea.FAILING_SHARE_CHECK][-1]
    assert not gate.passed
    assert ea.CARD_EXPORT not in {
        e.materialization.asset_key
        for e in result.get_asset_materialization_events()
        if e.materialization
    }
    assert store.catalog_cards.exports().height == sent_before
    # The report is written all the same, the stop on top and the failing cards listed.
    latest = store.catalog_cards.report_runs()[-1]
    assert latest["run_id"] == result.run_id
    page = Path(latest["html_path"]).read_text(encoding="utf-8")
    assert "Выгрузка в Ozon остановлена" in page and "Проверьте последние файлы SAP" in page
    assert latest["totals"]["blocked_skus"] >= 6
    assert str(Path(latest["html_path"]).resolve()) == gate.metadata["report"].value
    # Still broken on the next run: still stopped (the refused run is no baseline).
    again = _run(resources, instance)
    assert not again.success
    assert not [e for e in again.get_asset_check_evaluations() if e.passed]


def test_a_429_during_export_loses_nothing(
    world: tuple[SandboxServer, Store, dict[str, object]],
) -> None:
    server, store, resources = world
    server.admin.set_faults(CLIENT_ID, FaultSettings(rate_429=1.0, methods=["/v3/product/import"]))
    instance = dg.DagsterInstance.ephemeral()
    result = _run(resources, instance)
    assert result.success
    export = _meta(result, ea.CARD_EXPORT)
    assert export["sent"] == 0 and "429" in str(export["stopped_early"])
    assert store.catalog_cards.exports().height == 0
    server.admin.clear_faults(CLIENT_ID)
    again = _meta(_run(resources, instance), ea.CARD_EXPORT)
    assert again["sent"] == 4


def test_daily_quota_makes_cards_wait_visibly(
    world: tuple[SandboxServer, Store, dict[str, object]],
) -> None:
    server, store, resources = world
    settings = server.admin.catalog_settings(CLIENT_ID)
    server.admin.set_catalog_settings(
        CLIENT_ID, settings.model_copy(update={"daily_create_limit": 2})
    )
    result = _run(resources, dg.DagsterInstance.ephemeral())
    export = _meta(result, ea.CARD_EXPORT)
    assert export["sent"] == 2 and export["waiting_quota"] == 2
    assert export["quota_reset_at"]
    waiting = store.catalog_cards.exports().filter(pl.col("state") == "waiting_quota")
    assert waiting.height == 2
    html = Path(str(_meta(result, ea.CATALOG_REPORT)["report"])).read_text(encoding="utf-8")
    assert "Ждёт квоты Ozon" in html


def _model_refresh(
    resources: dict[str, object], instance: dg.DagsterInstance, tmp_path: Path
) -> dict[str, object]:
    """Materialise `catalog/ozon_attributes` for the shampoo pair, everything counted stale."""
    from novex_assets.catalog.attributes import partition_key
    from novex_assets.catalog.model_assets import PAIRS_PARTITIONS, ozon_attributes

    config = yaml.safe_load((REPO / "config" / "novex.yaml").read_text(encoding="utf-8"))
    config["catalog"].update(attributes_max_age_hours=0, dictionary_max_age_hours=0)
    path = tmp_path / "novex.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    key = partition_key(cc.SHAMPOO)
    instance.add_dynamic_partitions(PAIRS_PARTITIONS, [key])
    result = dg.materialize(
        [ozon_attributes],
        partition_key=key,
        instance=instance,
        resources={**resources, "settings": SettingsResource(config_path=str(path))},
    )
    assert result.success
    return _meta(result, dg.AssetKey(["catalog", "ozon_attributes"]))


def _report_rows(result: dg.ExecuteInProcessResult, reason: str) -> list[list[str]]:
    csv_path = Path(str(_meta(result, ea.CATALOG_REPORT)["csv"]))
    rows = [r.split(";") for r in csv_path.read_bytes().decode("utf-8-sig").splitlines()[1:]]
    return [r for r in rows if r[2] == reason]


def test_ozon_changing_its_model_flags_only_the_cards_it_hits_until_they_pass_again(
    world: tuple[SandboxServer, Store, dict[str, object]],
    tmp_path: Path,
    chromium_browser: Browser,
) -> None:
    from ozon_sandbox.catalog_seed.edits import CatalogEdit

    server, store, resources = world
    instance = dg.DagsterInstance.ephemeral()
    scent = (cc.SHAMPOO_CODE, "Аромат", "мята")
    chars = [c for o in ("P1", "P3", "P5", "P6") for c in cc.shampoo_characteristics(o)]
    chars += cc.shampoo_characteristics("P2", hair="Сухие")
    chars += cc.shampoo_characteristics("P4", hair="кудрявые")
    contents = [cc.content(o) for o in ("P1", "P2", "P3", "P4", "P6")]
    contents.append(cc.content("P5", name="Шампунь Nivea реплика 250 мл"))
    # P1 has a scent; nobody else does.
    cc.set_arttrade(store, contents, [*chars, ("P1", *scent[1:])])
    assert _run(resources, instance).success
    assert _model_refresh(resources, instance, tmp_path)["drift_events"] == 0

    # Ozon, for every seller: scent becomes required for shampoo, and "сухие" (P2's hair type)
    # is withdrawn. The nightly model refresh notices.
    server.admin.edit_catalog(
        CLIENT_ID,
        [
            CatalogEdit(op="set_required", type_id=cc.SHAMPOO[1], attribute_id=22238),
            CatalogEdit(op="withdraw_value", attribute_id=22236, value_id=970584103),
        ],
    )
    refreshed = _model_refresh(resources, instance, tmp_path)
    # The refresh itself flags the hit cards; the export run finds nothing more to flag.
    assert refreshed["drift_events"] == 2 and refreshed["cards_flagged_by_drift"] == 6
    assert store.catalog_cards.drift_flags().height == 6

    second = _run(resources, instance)
    assert second.success
    assert _meta(second, ea.PRODUCT_CARDS)["drift_flagged"] == 0
    flags = store.catalog_cards.drift_flags()
    hit = {(o, c) for o, c in flags.select("offer_id", "change").iter_rows()}
    # Only the cards that lack the new required scent (not P1), and only P2 holds "сухие".
    assert hit == {(o, "required_added") for o in ("P2", "P3", "P4", "P5", "P6")} | {
        ("P2", "value_withdrawn")
    }
    assert flags.filter(pl.col("change") == "value_withdrawn")["value"].to_list() == ["сухие"]
    drift = _report_rows(second, "Изменился справочник Ozon")
    assert {(r[0], r[3]) for r in drift} == hit
    # Owner and action from card_fields.yaml: scent and hair type are Art-Trade's.
    assert {r[5] for r in drift} == {"Art-Trade"}
    assert all("в Art-Trade" in r[6] for r in drift)
    assert any("«Аромат»" in r[6] for r in drift if r[3] == "required_added")

    # What staff see: the report of the run, in a real browser.
    page = chromium_browser.new_page()
    try:
        page.goto(Path(str(_meta(second, ea.CATALOG_REPORT)["report"])).resolve().as_uri())
        row = page.locator("tbody tr", has_text="value_withdrawn").locator("td")
        texts = row.all_inner_texts()
        assert texts[0] == "P2" and "«сухие»" in texts[4] and texts[5] == "Art-Trade"
        assert texts[6].startswith("Заменить значение характеристики «Тип волос» в Art-Trade")
        assert page.locator("tbody tr", has_text="required_added").count() == 5
    finally:
        page.close()

    # Nothing fixed yet: another run, another report, the same flags.
    third = _run(resources, instance)
    assert {(r[0], r[3]) for r in _report_rows(third, "Изменился справочник Ozon")} == hit

    # Art-Trade gives P6 a scent: its re-check passes and its flag is closed; the rest stay.
    cc.set_arttrade(store, contents, [*chars, ("P1", *scent[1:]), ("P6", "Аромат", "ваниль")])
    fourth = _run(resources, instance)
    assert _meta(fourth, ea.CARD_CHECKS)["drift_flags_cleared"] == 1
    still = {(r[0], r[3]) for r in _report_rows(fourth, "Изменился справочник Ozon")}
    assert still == hit - {("P6", "required_added")}
    closed = store.catalog_cards.drift_flags(include_cleared=True).filter(
        pl.col("cleared_at").is_not_null()
    )
    assert closed["offer_id"].to_list() == ["P6"]
    assert closed["cleared_by"][0] == fourth.run_id
    # The fixed card went to Ozon with its scent.
    assert (
        "P6"
        in store.catalog_cards.exports()
        .filter(pl.col("sent_at") == pl.col("sent_at").max())["offer_id"]
        .to_list()
    )
