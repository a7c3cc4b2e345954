"""Inventory assets: stock and prices computed by the rules, then pushed to Ozon (changes only)."""

import dagster as dg
import polars as pl

from novex_assets.constants import INVENTORY
from novex_assets.inventory.diff import changed_prices, changed_stock
from novex_assets.inventory.prices import compute_prices
from novex_assets.inventory.reconcile import reconcile_prices, reconcile_stock
from novex_assets.inventory.stock import compute_stock_levels
from novex_assets.inventory.sync import SyncReport, push_prices, push_stock
from novex_assets.settings_resource import SettingsResource
from resources.ozon.constants import PRICES_UPDATE, STOCKS_UPDATE
from resources.ozon_resource import OzonResource
from resources.store_resource import StoreResource

SAP = dg.AssetKey(["sources", "sap_assortment"])
INFOR = dg.AssetKey(["sources", "infor_stock"])


@dg.asset(
    key=["inventory", "stock_levels"],
    group_name=INVENTORY,
    kinds={"polars", "sql"},
    ins={"assortment": dg.AssetIn(SAP), "snapshot": dg.AssetIn(INFOR)},
    description="Stock to publish per offer and Ozon warehouse: "
    "on hand - allocated - reserved - buffer.",
)
def stock_levels(
    context: dg.AssetExecutionContext,
    assortment: pl.DataFrame,
    snapshot: pl.DataFrame,
    store: StoreResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Stock to publish per offer and Ozon warehouse: on hand - allocated - reserved - buffer."""
    repo = store.get_store().inventory
    levels, stats = compute_stock_levels(
        assortment, snapshot, repo.reserved_quantities(), settings.get()
    )
    repo.replace_stock_levels(levels)
    context.log.info(f"stock levels: {stats.pairs} pairs, {stats.published_units} units published")
    return dg.MaterializeResult(metadata=stats.model_dump())


@dg.asset(
    key=["inventory", "price_levels"],
    group_name=INVENTORY,
    kinds={"polars", "sql"},
    ins={"assortment": dg.AssetIn(SAP)},
    description="Ozon price, old price and minimum per offer "
    "from SAP base prices and the price rules.",
)
def price_levels(
    context: dg.AssetExecutionContext,
    assortment: pl.DataFrame,
    store: StoreResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Ozon price, old price and minimum per offer from SAP base prices and the price rules."""
    prices, stats = compute_prices(assortment, settings.get())
    store.get_store().inventory.replace_price_levels(prices)
    context.log.info(f"prices: {stats.products} products priced")
    return dg.MaterializeResult(metadata=stats.model_dump())


@dg.asset(
    key=["inventory", "stock_reconciliation"],
    group_name=INVENTORY,
    kinds={"ozon", "sql"},
    description="Drift check: what Ozon reports as stock vs what we believe it accepted.",
)
def stock_reconciliation(
    context: dg.AssetExecutionContext, ozon: OzonResource, store: StoreResource
) -> dg.MaterializeResult:
    """Drift check: what Ozon reports as stock vs what we believe it accepted."""
    with ozon.get_client() as client:
        result = reconcile_stock(client, store.get_store().inventory, log=context.log.info)
    return dg.MaterializeResult(metadata=result.model_dump())


@dg.asset(
    key=["inventory", "price_reconciliation"],
    group_name=INVENTORY,
    kinds={"ozon", "sql"},
    description="Drift check: what Ozon reports as prices vs what we believe it accepted.",
)
def price_reconciliation(
    context: dg.AssetExecutionContext, ozon: OzonResource, store: StoreResource
) -> dg.MaterializeResult:
    """Drift check: what Ozon reports as prices vs what we believe it accepted."""
    with ozon.get_client() as client:
        result = reconcile_prices(client, store.get_store().inventory, log=context.log.info)
    return dg.MaterializeResult(metadata=result.model_dump())


def _result(report: SyncReport) -> dg.MaterializeResult:
    metadata = report.model_dump(exclude={"error_codes", "aborted"})
    metadata["error_codes"] = dg.MetadataValue.json(report.error_codes)
    if report.aborted:
        # Everything done so far is committed; failing makes the stop visible in the UI.
        raise dg.Failure(description=report.aborted, metadata=metadata)
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    key=["inventory", "stock_sync"],
    group_name=INVENTORY,
    kinds={"ozon"},
    deps=[stock_levels, stock_reconciliation],
    description="Changed stock pushed to Ozon in batches of 100 within Ozon's limits; "
    "errors kept for retry.",
)
def stock_sync(
    context: dg.AssetExecutionContext,
    ozon: OzonResource,
    store: StoreResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Changed stock pushed to Ozon in batches of 100 within its limits; errors kept for retry."""
    repo = store.get_store().inventory
    changes = changed_stock(repo.stock_levels(), repo.ozon_stock_state())
    context.log.info(
        f"{changes.height} (offer, warehouse) pairs differ from Ozon ({STOCKS_UPDATE})"
    )
    with ozon.get_client() as client:
        report = push_stock(
            client,
            repo,
            changes,
            batch_size=settings.get().sync.stock_batch_size,
            run_id=context.run_id,
            log=context.log.info,
        )
    return _result(report)


@dg.asset(
    key=["inventory", "price_sync"],
    group_name=INVENTORY,
    kinds={"ozon"},
    deps=[price_levels, price_reconciliation],
    description="Changed prices pushed to Ozon in batches of 1000; per-item errors kept for retry.",
)
def price_sync(
    context: dg.AssetExecutionContext,
    ozon: OzonResource,
    store: StoreResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Changed prices pushed to Ozon in batches of 1000; per-item errors kept for retry."""
    repo = store.get_store().inventory
    changes = changed_prices(repo.price_levels(), repo.ozon_price_state())
    context.log.info(f"{changes.height} prices differ from Ozon ({PRICES_UPDATE})")
    with ozon.get_client() as client:
        report = push_prices(
            client,
            repo,
            changes,
            batch_size=settings.get().sync.price_batch_size,
            run_id=context.run_id,
            log=context.log.info,
        )
    return _result(report)
