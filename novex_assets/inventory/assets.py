"""Inventory assets: stock and prices computed by the rules, then pushed to Ozon (changes only)."""

from collections.abc import Callable
from typing import Any

import dagster as dg
import polars as pl

from novex_assets.constants import INVENTORY
from novex_assets.inventory.diff import changed_prices, changed_stock, on_ozon
from novex_assets.inventory.ozon_state import open_postings, ozon_cards, unknown_warehouses
from novex_assets.inventory.prices import compute_prices
from novex_assets.inventory.push_lease import AccountPush, account_push
from novex_assets.inventory.reconcile import ReconcileResult, reconcile_prices, reconcile_stock
from novex_assets.inventory.stock import compute_stock_levels
from novex_assets.inventory.sync import (
    SyncReport,
    hold_without_price,
    push_prices,
    push_stock,
    superseded_errors,
)
from novex_assets.orders.stockbook import snapshot_taken_at
from novex_assets.settings_resource import SettingsResource
from novex_assets.sources.trust import StockSnapshot
from resources.ozon.constants import PRICES_UPDATE, STOCKS_UPDATE
from resources.ozon_resource import OzonResource
from resources.store.orders import OrdersRepo
from resources.store_resource import StoreResource

SAP = dg.AssetKey(["sources", "sap_assortment"])
INFOR = dg.AssetKey(["sources", "infor_stock"])


@dg.asset(
    key=["inventory", "ozon_cards"],
    group_name=INVENTORY,
    kinds={"ozon", "sql"},
    deps=[SAP],
    description="Which products have a card on Ozon (product_id), and a check of the warehouse "
    "mapping against the account's warehouses.",
)
def ozon_cards_asset(
    context: dg.AssetExecutionContext,
    ozon: OzonResource,
    store: StoreResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Which products have a card on Ozon, and whether the configured warehouses exist there."""
    repo = store.get_store().inventory
    configured = [w.ozon_warehouse_id for w in settings.get().warehouses]
    with ozon.get_client() as client:
        missing = unknown_warehouses(client, configured)
        if missing:
            raise dg.Failure(
                description=f"Configured Ozon warehouses unknown to the account: {missing}. "
                "Fix `warehouses` in the config.",
                metadata={"unknown_warehouses": dg.MetadataValue.json(missing)},
            )
        cards = ozon_cards(client)
    products = repo.products().select("offer_id", "ozon_sku")
    live = cards.filter(~pl.col("archived")).select("offer_id", "ozon_product_id")
    repo.set_ozon_ids(products.join(live, on="offer_id", how="left"))
    matched = products.join(live, on="offer_id", how="inner").height
    context.log.info(f"{cards.height} cards on Ozon, {matched} of our products matched")
    return dg.MaterializeResult(
        metadata={
            "cards_on_ozon": cards.height,
            "archived": cards.filter(pl.col("archived")).height,
            "products_matched": matched,
            "products_without_card": products.height - matched,
            "warehouses_checked": len(configured),
        }
    )


@dg.asset(
    key=["inventory", "order_reservations"],
    group_name=INVENTORY,
    kinds={"ozon", "sql"},
    description="Units held by open Ozon postings (not yet handed over), per offer and warehouse.",
)
def order_reservations(
    context: dg.AssetExecutionContext, ozon: OzonResource, store: StoreResource
) -> dg.MaterializeResult:
    """Units held by open Ozon postings (not yet handed over), per offer and warehouse."""
    with ozon.get_client() as client:
        postings = open_postings(client)
    repo = store.get_store().inventory
    closed = repo.sync_reservations(postings)
    context.log.info(f"{postings['posting_number'].n_unique()} open postings, {closed} closed")
    return dg.MaterializeResult(
        metadata={
            "open_postings": postings["posting_number"].n_unique(),
            "reserved_units": int(postings["quantity"].sum() or 0),
            "closed_since_last_run": closed,
        }
    )


@dg.asset(
    key=["inventory", "stock_levels"],
    group_name=INVENTORY,
    kinds={"polars", "sql"},
    ins={"assortment": dg.AssetIn(SAP), "snapshot": dg.AssetIn(INFOR)},
    # In the reconcile job the read-back runs first, so the gates compare with Ozon's real state.
    deps=[order_reservations, dg.AssetKey(["inventory", "stock_reconciliation"])],
    description="Stock to publish per offer and Ozon warehouse: "
    "on hand - allocated - reserved - buffer.",
)
def stock_levels(
    context: dg.AssetExecutionContext,
    assortment: pl.DataFrame,
    snapshot: StockSnapshot,
    store: StoreResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Stock to publish per offer and Ozon warehouse: on hand - allocated - reserved - buffer."""
    cms = store.get_store()
    repo = cms.inventory
    # Open postings count until Infor's snapshot includes them in `allocated` (orders flow).
    taken_at = snapshot_taken_at(cms.snapshots.last_loaded("infor"))
    reserved = OrdersRepo(cms.engine).reserved_outside_snapshot(taken_at)
    # Pairs the snapshot does not vouch for (quarantined rows, an incomplete file) keep what
    # Ozon shows instead of going to zero.
    levels, stats = compute_stock_levels(
        assortment,
        snapshot.frame,
        reserved,
        settings.get(),
        held=snapshot.held,
        complete=snapshot.completeness.complete,
        accepted=repo.ozon_stock_state(),
    )
    repo.replace_stock_levels(levels)
    context.log.info(f"stock levels: {stats.pairs} pairs, {stats.published_units} units published")
    if stats.unmapped_sites:
        listed = ", ".join(f"{site} ({n} rows)" for site, n in stats.unmapped_sites.items())
        context.log.warning(
            f"Infor rows for sites no Ozon warehouse is mapped to were left out: {listed}; "
            "a mistyped code of a mapped site leaves that warehouse without the product's stock"
        )
    return dg.MaterializeResult(
        metadata={**stats.model_dump(), "snapshot_complete": snapshot.completeness.complete}
    )


@dg.asset(
    key=["inventory", "price_levels"],
    group_name=INVENTORY,
    kinds={"polars", "sql"},
    ins={"assortment": dg.AssetIn(SAP)},
    deps=[dg.AssetKey(["inventory", "price_reconciliation"])],
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


def _holder(context: dg.AssetExecutionContext) -> str:
    return f"run {context.run.run_id} {context.asset_key.to_user_string()}"


def _reconciliation(
    kind: str, what: str, reconcile: Callable[..., ReconcileResult]
) -> dg.AssetsDefinition:
    """A drift-check asset: read back what Ozon shows and correct our accepted state."""
    description = f"Drift check: what Ozon reports as {what} vs what we believe it accepted."

    @dg.asset(
        key=["inventory", f"{kind}_reconciliation"],
        group_name=INVENTORY,
        kinds={"ozon", "sql"},
        description=description,
    )
    def _asset(
        context: dg.AssetExecutionContext,
        ozon: OzonResource,
        store: StoreResource,
        settings: SettingsResource,
    ) -> dg.MaterializeResult:
        the_store = store.get_store()
        # Under the account's lease: a read-back during another run's push would "correct" our
        # record to values that push is about to replace.
        with (
            ozon.get_client() as client,
            account_push(
                the_store,
                client,
                holder=_holder(context),
                settings=settings.get().sync,
                log=context.log.info,
            ) as push,
        ):
            if push.skipped:
                context.log.warning(push.skipped)
                return dg.MaterializeResult(metadata={"skipped": push.skipped})
            result = reconcile(client, the_store.inventory, log=context.log.info)
        return dg.MaterializeResult(metadata=result.model_dump())

    return _asset


stock_reconciliation = _reconciliation("stock", "stock", reconcile_stock)
price_reconciliation = _reconciliation("price", "prices", reconcile_prices)


def _result(
    report: SyncReport, without_card: int, push: AccountPush, **extra: int
) -> dg.MaterializeResult:
    metadata: dict[str, Any] = report.model_dump(exclude={"error_codes", "aborted"})
    # Products with no card on Ozon yet wait for the catalog export; they are not errors.
    metadata["skipped_without_card"] = without_card
    metadata.update(extra)
    metadata["lease_waited_s"] = push.waited_s
    metadata["budget_loaded_calls"] = push.budget_loaded.get("calls", 0)
    metadata["budget_loaded_items"] = push.budget_loaded.get("items", 0)
    metadata["error_codes"] = dg.MetadataValue.json(report.error_codes)
    if report.aborted:
        # Everything done so far is committed; failing makes the stop visible in the UI.
        raise dg.Failure(description=report.aborted, metadata=metadata)
    return dg.MaterializeResult(metadata=metadata)


def _skipped(context: dg.AssetExecutionContext, push: AccountPush) -> dg.MaterializeResult:
    """Nothing pushed: another run holds the account; say so in the log and the metadata."""
    assert push.skipped is not None
    context.log.warning(push.skipped)
    return dg.MaterializeResult(
        metadata={
            "skipped": push.skipped,
            "lease_waited_s": push.waited_s,
            "sent": 0,
            "accepted": 0,
            "rejected": 0,
        }
    )


@dg.asset(
    key=["inventory", "stock_sync"],
    group_name=INVENTORY,
    kinds={"ozon"},
    deps=[stock_levels, ozon_cards_asset],
    # Ozon refuses stock for a card whose price was never accepted, so prices go first: the
    # executor starts this step after every other ready step (price_sync included), and pairs
    # of cards without an accepted price are held back by the data, not by timing. Not a
    # Dagster dependency on price_sync: a blocked price gate must not stop every stock push.
    op_tags={"dagster/priority": "-1"},
    description="Changed stock pushed to Ozon in batches of 100 within Ozon's limits, one push "
    "per account at a time; pairs of cards without an accepted price wait; errors kept for retry.",
)
def stock_sync(
    context: dg.AssetExecutionContext,
    ozon: OzonResource,
    store: StoreResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Changed stock pushed to Ozon in batches of 100 within its limits; errors kept for retry."""
    the_store = store.get_store()
    repo = the_store.inventory
    sync = settings.get().sync
    with (
        ozon.get_client() as client,
        account_push(
            the_store, client, holder=_holder(context), settings=sync, log=context.log.info
        ) as push,
    ):
        if push.skipped:
            return _skipped(context, push)
        # Read under the lease: a run that waited sees what the previous one got accepted.
        state = repo.ozon_stock_state()
        all_changes = changed_stock(repo.stock_levels(), state)
        keys = ["offer_id", "warehouse_id"]
        closed = repo.resolve_sync_errors(
            superseded_errors(repo.open_sync_errors("stock"), all_changes, state, keys)
        )
        changes, without_card = on_ozon(all_changes, repo.products())
        changes, held = hold_without_price(changes, repo.ozon_price_state(), state)
        context.log.info(
            f"{changes.height} (offer, warehouse) pairs differ from Ozon ({STOCKS_UPDATE}); "
            f"{held.height} wait for their card's price; {closed} superseded error(s) closed"
        )
        report = push_stock(
            client,
            repo,
            changes,
            batch_size=sync.stock_batch_size,
            run_id=context.run.run_id,
            log=context.log.info,
            concurrency=sync.push_concurrency,
            guard=push,
        )
    return _result(
        report,
        without_card,
        push,
        held_without_price=held.height,
        held_offers_without_price=held["offer_id"].n_unique(),
        superseded_errors_closed=closed,
    )


@dg.asset(
    key=["inventory", "price_sync"],
    group_name=INVENTORY,
    kinds={"ozon"},
    deps=[price_levels, ozon_cards_asset],
    description="Changed prices pushed to Ozon in batches of 1000, one push per account at a "
    "time; per-item errors kept for retry.",
)
def price_sync(
    context: dg.AssetExecutionContext,
    ozon: OzonResource,
    store: StoreResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """Changed prices pushed to Ozon in batches of 1000; per-item errors kept for retry."""
    the_store = store.get_store()
    repo = the_store.inventory
    sync = settings.get().sync
    with (
        ozon.get_client() as client,
        account_push(
            the_store, client, holder=_holder(context), settings=sync, log=context.log.info
        ) as push,
    ):
        if push.skipped:
            return _skipped(context, push)
        state = repo.ozon_price_state()
        all_changes = changed_prices(repo.price_levels(), state)
        closed = repo.resolve_sync_errors(
            superseded_errors(repo.open_sync_errors("price"), all_changes, state, ["offer_id"])
        )
        changes, without_card = on_ozon(all_changes, repo.products())
        context.log.info(
            f"{changes.height} prices differ from Ozon ({PRICES_UPDATE}); "
            f"{closed} superseded error(s) closed"
        )
        report = push_prices(
            client,
            repo,
            changes,
            batch_size=sync.price_batch_size,
            run_id=context.run.run_id,
            log=context.log.info,
            concurrency=sync.push_concurrency,
            guard=push,
        )
    return _result(report, without_card, push, superseded_errors_closed=closed)
