"""Blocking gates on computed stock and prices: a failure stops the push to Ozon."""

from collections.abc import Iterable

import dagster as dg

from novex_assets.inventory import checks
from novex_assets.inventory.checks import CheckOutcome
from novex_assets.settings_resource import SettingsResource
from resources.store_resource import StoreResource

STOCK_LEVELS = dg.AssetKey(["inventory", "stock_levels"])
PRICE_LEVELS = dg.AssetKey(["inventory", "price_levels"])


def _result(name: str, key: dg.AssetKey, outcome: CheckOutcome) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=name,
        asset_key=key,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "failed_rows": outcome.failed_rows,
            "examples": dg.MetadataValue.json(outcome.examples),
        },
    )


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            "no_negative_stock",
            asset=STOCK_LEVELS,
            blocking=True,
            description="No (offer, warehouse) pair has negative stock.",
        ),
        dg.AssetCheckSpec(
            "stock_drop_within_limit",
            asset=STOCK_LEVELS,
            blocking=True,
            description="Published units (in total and per warehouse) do not fall, and products "
            "with stock on Ozon do not go to zero, by more than the configured shares at once.",
        ),
        dg.AssetCheckSpec(
            "stock_below_ozon_maximum",
            asset=STOCK_LEVELS,
            blocking=True,
            description="Every stock value is below Ozon's 1,000,000 limit.",
        ),
    ]
)
def stock_level_checks(
    store: StoreResource, settings: SettingsResource
) -> Iterable[dg.AssetCheckResult]:
    """Stop a stock push that Ozon would refuse or that signals a broken rule or export."""
    repo = store.get_store().inventory
    levels = repo.stock_levels()
    rules = settings.get().stock_rules
    yield _result(
        "stock_drop_within_limit",
        STOCK_LEVELS,
        checks.stock_drop(
            levels, repo.ozon_stock_state(), rules.max_drop_share, rules.max_zeroed_share
        ),
    )
    yield _result("no_negative_stock", STOCK_LEVELS, checks.negative_stock(levels))
    yield _result("stock_below_ozon_maximum", STOCK_LEVELS, checks.stock_over_limit(levels))


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            "price_not_below_minimum",
            asset=PRICE_LEVELS,
            blocking=True,
            description="Every price respects the configured minimum price.",
        ),
        dg.AssetCheckSpec(
            "price_jump_within_limit",
            asset=PRICE_LEVELS,
            blocking=True,
            description="No price moves more than the configured share against Ozon's "
            "current price (Ozon quarantines such prices).",
        ),
    ]
)
def price_level_checks(
    store: StoreResource, settings: SettingsResource
) -> Iterable[dg.AssetCheckResult]:
    """Stop a price push that breaks the minimum or jumps enough to trip Ozon's price quarantine."""
    cfg = settings.get()
    repo = store.get_store().inventory
    prices = repo.price_levels()
    yield _result(
        "price_not_below_minimum",
        PRICE_LEVELS,
        checks.price_below_minimum(prices, repo.products(), cfg),
    )
    yield _result(
        "price_jump_within_limit",
        PRICE_LEVELS,
        checks.price_jumps(prices, repo.ozon_price_state(), cfg.price_rules.max_change_share),
    )
