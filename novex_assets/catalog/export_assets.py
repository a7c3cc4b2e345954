"""Catalog export assets: merged cards -> checks -> export -> moderation -> report."""

from collections import Counter
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from novex_assets.catalog.card_checks import failing_share, run_card_checks
from novex_assets.catalog.card_fields import load_card_fields
from novex_assets.catalog.card_inputs import gather_inputs, search_resolver
from novex_assets.catalog.cards import MergedCards, merge_cards
from novex_assets.catalog.drift import flag_drifted_cards, rechecked
from novex_assets.catalog.export import export_cards
from novex_assets.catalog.moderation import follow_moderation
from novex_assets.catalog.report import (
    CatalogReport,
    ReportInputs,
    build_report,
    report_dir,
    write_report,
)
from novex_assets.constants import CATALOG
from novex_assets.settings_resource import SettingsResource
from resources.ozon_resource import OzonResource
from resources.store.store import Store
from resources.store.tables import utcnow
from resources.store_resource import StoreResource

PRODUCT_CARDS = dg.AssetKey(["catalog", "product_cards"])
CARD_CHECKS = dg.AssetKey(["catalog", "card_checks"])
CARD_EXPORT = dg.AssetKey(["catalog", "card_export"])
CARD_MODERATION = dg.AssetKey(["catalog", "card_moderation"])
CATALOG_REPORT = dg.AssetKey(["catalog", "report"])
UPSTREAM = [
    dg.AssetKey(["sources", "sap_assortment"]),
    dg.AssetKey(["sources", "arttrade_content"]),
    dg.AssetKey(["catalog", "category_mapping"]),
]
FAILING_SHARE_CHECK = "failing_share_within_limit"
# Ozon answers 5xx and timeouts now and then; the client retries each call, the policy the run.
OZON_RETRY = dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL)


@dg.asset(
    key=PRODUCT_CARDS,
    group_name=CATALOG,
    kinds={"polars", "ozon", "sql"},
    owners=["team:catalog"],
    deps=UPSTREAM,
    retry_policy=OZON_RETRY,
    description="Full Ozon cards merged from SAP, Art-Trade and what Ozon holds, by the "
    "ownership rules of config/card_fields.yaml.",
)
def product_cards(
    context: dg.AssetExecutionContext,
    ozon: OzonResource,
    store: StoreResource,
    settings: SettingsResource,
) -> dg.Output[MergedCards]:
    """Full Ozon cards merged from SAP, Art-Trade and Ozon by the ownership rules."""
    rules = load_card_fields()
    cms = store.get_store()
    # Before the merge overwrites them: the stored cards are what Ozon's change hit.
    flagged = flag_drifted_cards(cms, utcnow())
    if flagged:
        context.log.warning(f"{flagged} card(s) flagged by changes in Ozon's model")
    with ozon.get_client() as client:
        inputs = gather_inputs(cms, client, settings.get(), log=context.log.info)
        merged = merge_cards(inputs, rules, search_resolver(client, cms))
    counts = cms.catalog_cards.upsert_cards(merged.cards)
    how = Counter(merged.values["source"].to_list())
    context.log.info(
        f"{merged.cards.height} cards merged; {merged.unmatched.height} values matched no "
        f"dictionary entry; {merged.unmapped.height} products wait for a confirmed mapping"
    )
    return dg.Output(
        merged,
        metadata={
            "cards": merged.cards.height,
            "new_cards": counts["new"],
            "changed_cards": counts["changed"],
            "removed_cards": counts["removed"],
            "unmapped_products": merged.unmapped.height,
            "unmatched_values": merged.unmatched.height,
            "existing_on_ozon": inputs.ozon_cards.height,
            "drift_flagged": flagged,
            "values_by_source": dg.MetadataValue.json(dict(how)),
        },
    )


@dg.asset(
    key=CARD_CHECKS,
    group_name=CATALOG,
    kinds={"great_expectations", "polars", "sql"},
    owners=["team:catalog"],
    ins={"merged": dg.AssetIn(PRODUCT_CARDS)},
    description="Great Expectations suites per Ozon (category, type) from the live attribute "
    "model, run on every card; failing cards are held back with their reasons.",
)
def card_checks(
    context: dg.AssetExecutionContext, merged: MergedCards, store: StoreResource
) -> dg.MaterializeResult:
    """GE suites per Ozon pair run on every card; failing cards are held back with reasons."""
    rules = load_card_fields()
    cms = store.get_store()
    model = cms.catalog_model
    pairs = merged.cards.select("description_category_id", "type_id").unique()
    attributes = model.attributes().join(
        pairs, on=["description_category_id", "type_id"], how="semi"
    )
    dictionary = model.all_dictionary_values([(int(a), int(b)) for a, b in pairs.iter_rows()])
    result = run_card_checks(merged, attributes, dictionary, rules, log=context.log.info)
    # A card flagged by drift is re-checked now, against Ozon's current model: passing closes
    # its flag; failing keeps it, and the gate does not blame the sources for it.
    open_flags = cms.catalog_cards.drift_flags()
    closing = rechecked(open_flags, result.per_card)
    # Flags left open are exactly the flagged cards that were checked and failed.
    drift_failed = open_flags.filter(~pl.col("offer_id").is_in(closing))["offer_id"].n_unique()
    cms.catalog_cards.record_checks(context.run_id, result.per_card, drift_failed=drift_failed)
    cleared = cms.catalog_cards.clear_drift_flags(closing, context.run_id, utcnow())
    by_check = result.failures.group_by("check").len().sort("len", descending=True).head(15).rows()
    share = failing_share(result.per_card)
    context.log.info(f"{result.per_card.height} cards checked, failing share {share:.1%}")
    return dg.MaterializeResult(
        metadata={
            "cards_checked": result.per_card.height,
            "cards_failed": int((~result.per_card["passed"]).sum()),
            "failing_share": round(share, 4),
            "suites": result.suites,
            "expectations": result.expectations,
            "top_failed_checks": dg.MetadataValue.json(dict(by_check)),
            "drift_flags_cleared": cleared,
            "cards_failed_by_drift": drift_failed,
        }
    )


def _source_failing_share(run: dict[str, Any]) -> float:
    """Share of a check run's cards failing for their sources' sake (drift left out).

    Cards failing because Ozon changed its model are held back like any failing card, but
    they say nothing about a broken SAP or Art-Trade file.
    """
    if not run["cards"]:
        return 0.0
    return (run["failed"] - (run["drift_failed"] or 0)) / run["cards"]


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            FAILING_SHARE_CHECK,
            asset=CARD_CHECKS,
            blocking=True,
            description="The share of cards failing checks has not jumped since the previous "
            "run (a broken source file must not flood Ozon with bad cards).",
        )
    ],
)
def card_checks_gate(
    context: dg.AssetCheckExecutionContext, store: StoreResource
) -> dg.AssetCheckResult:
    """Blocking: stop the export when the failing share jumps against the previous run.

    A stop skips the rest of the run, the report included, so the gate writes the report
    itself, with the reason on top: staff see why nothing went out and which cards fail.
    """
    rules = load_card_fields()
    repo = store.get_store().catalog_cards
    runs = repo.check_runs(limit=50)
    if not runs:
        return dg.AssetCheckResult(
            check_name=FAILING_SHARE_CHECK, passed=True, metadata={"runs": 0}
        )
    current = runs[0]
    now = _source_failing_share(current)
    # The baseline is the last run the gate let through: a broken file that stays broken
    # keeps being stopped instead of becoming the new normal after one refusal.
    baseline = next((r for r in runs[1:] if r["gate_passed"] is not False and r["cards"]), None)
    before = _source_failing_share(baseline) if baseline else None
    limit = rules.export.max_failing_share_jump
    passed = before is None or now - before <= limit
    repo.set_gate(current["run_id"], passed)
    report_meta: dict[str, Any] = {}
    if not passed:
        notice = (
            f"Выгрузка в Ozon остановлена: доля карточек с ошибками выросла с {before:.1%} "
            f"до {now:.1%} (допустимо +{limit:.0%}). Проверьте последние файлы SAP и Art-Trade; "
            "карточки ниже не выгружены."
        )
        _, html_path, _ = publish_report(
            store.get_store(), context.op_execution_context.run_id, notice
        )
        context.log.warning(f"export stopped by the gate; report written to {html_path}")
        report_meta["report"] = dg.MetadataValue.path(str(html_path.resolve()))
    return dg.AssetCheckResult(
        check_name=FAILING_SHARE_CHECK,
        passed=passed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "failing_share": round(now, 4),
            "previous_failing_share": round(before, 4) if before is not None else None,
            "max_jump": limit,
            "cards": current["cards"],
            "failed": current["failed"],
            "failed_by_drift": current["drift_failed"],
            **report_meta,
        },
        description=None
        if passed
        else f"Failing share rose from {before:.1%} to {now:.1%} (limit +{limit:.0%}): "
        "check the latest SAP and Art-Trade files before exporting.",
    )


@dg.asset(
    key=CARD_EXPORT,
    group_name=CATALOG,
    kinds={"ozon", "sql"},
    owners=["team:catalog"],
    deps=[CARD_CHECKS],
    retry_policy=OZON_RETRY,
    description="New or changed cards that passed their checks, sent 100 per /v3/product/import "
    "within Ozon's per-minute and daily quotas; task results with per-item errors stored.",
)
def card_export(
    context: dg.AssetExecutionContext, ozon: OzonResource, store: StoreResource
) -> dg.MaterializeResult:
    """New or changed passing cards sent to Ozon within its quotas; per-item results stored."""
    rules = load_card_fields()
    repo = store.get_store().catalog_cards
    run = repo.latest_check_run()
    checks = (
        repo.check_results(run)
        if run
        else pl.DataFrame(schema={"offer_id": pl.String, "passed": pl.Boolean})
    )
    with ozon.get_client() as client:
        report = export_cards(
            client,
            repo,
            repo.cards(),
            checks,
            wait_s=rules.export.import_wait_s,
            log=context.log.info,
        )
    metadata = report.model_dump(exclude={"error_codes"})
    metadata["error_codes"] = dg.MetadataValue.json(report.error_codes)
    if report.stopped_early:
        context.log.warning(report.stopped_early)
    return dg.MaterializeResult(metadata={k: v for k, v in metadata.items() if v is not None})


@dg.asset(
    key=CARD_MODERATION,
    group_name=CATALOG,
    kinds={"ozon", "sql"},
    owners=["team:catalog"],
    deps=[CARD_EXPORT],
    retry_policy=OZON_RETRY,
    description="Moderation status of exported cards (/v3/product/info/list) until approved or "
    "declined; approved cards are handed to the stock and price sync.",
)
def card_moderation(
    context: dg.AssetExecutionContext, ozon: OzonResource, store: StoreResource
) -> dg.MaterializeResult:
    """Moderation status of exported cards; approved ones go to the stock and price sync."""
    cms = store.get_store()
    with ozon.get_client() as client:
        report = follow_moderation(client, cms.catalog_cards, cms.inventory)
    context.log.info(
        f"moderation: {report.approved} approved, {report.declined} declined, "
        f"{report.in_review} in review"
    )
    return dg.MaterializeResult(metadata=report.model_dump())


def publish_report(
    cms: Store, run_id: str, notice: str | None = None
) -> tuple[CatalogReport, Path, Path]:
    """Build the staff report from the store, write HTML + CSV, record the run for the trend."""
    rules = load_card_fields()
    repo = cms.catalog_cards
    previous = repo.report_runs()
    run = repo.latest_check_run()
    checks = (
        repo.check_results(run)
        if run
        else pl.DataFrame(
            schema={"offer_id": pl.String, "passed": pl.Boolean, "failures": pl.String}
        )
    )
    model = cms.catalog_model
    attributes = model.attributes()
    inputs = ReportInputs(
        products=cms.inventory.products(),
        cards=repo.cards(),
        checks=checks,
        exports=repo.exports(),
        moderation=repo.moderation(),
        mapping=model.mapping(),
        drift=repo.drift_flags(),
        attribute_names=dict(
            attributes.select("attribute_id", "name").unique("attribute_id").iter_rows()
        ),
    )
    at = utcnow()
    report = build_report(inputs, rules, previous, at=at, run_id=run_id, notice=notice)
    html_path, csv_path = write_report(report, report_dir(), at, run_id)
    repo.record_report_run(run_id, report.totals, str(html_path), at)
    return report, html_path, csv_path


@dg.asset(
    key=CATALOG_REPORT,
    group_name=CATALOG,
    kinds={"html", "csv"},
    owners=["team:catalog"],
    deps=[CARD_MODERATION],
    description="Report for catalog staff (HTML in Russian + CSV for Excel): per SKU what "
    "blocks it, who fixes it and how; totals and the trend across runs.",
)
def catalog_report(context: dg.AssetExecutionContext, store: StoreResource) -> dg.MaterializeResult:
    """Per SKU what blocks it, who fixes it and how; totals and trend (HTML + CSV)."""
    report, html_path, csv_path = publish_report(store.get_store(), context.run_id)
    context.log.info(f"report written to {html_path}")
    return dg.MaterializeResult(
        metadata={
            "report": dg.MetadataValue.path(str(html_path.resolve())),
            "report_url": dg.MetadataValue.url(html_path.resolve().as_uri()),
            "csv": dg.MetadataValue.path(str(csv_path.resolve())),
            "blocked_skus": report.totals["blocked_skus"],
            "approved": report.totals["approved"],
            "declined": report.totals["declined"],
            "by_reason": dg.MetadataValue.json(report.totals["by_reason"]),
            "by_owner": dg.MetadataValue.json(report.totals["by_owner"]),
        }
    )
