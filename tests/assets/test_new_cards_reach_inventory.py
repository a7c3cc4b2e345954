"""An approved new card gets stock and prices from the next inventory sync, untouched by hand.

`inventory/ozon_cards` learns product ids from `/v3/product/list`, and the moderation asset
also writes them for approved cards; either way the stock and price pushes pick the card up.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from novex_assets.constants import (
    CATALOG_EXPORT_JOB,
    CATALOG_MODERATION_JOB,
    INVENTORY_SYNC_JOB,
)
from novex_cli import demo_catalog
from novex_cli.stack import LocalStack
from resources.store_resource import open_store
from tests.assets.conftest import materialization, run_job


def test_approved_new_cards_get_stock_and_prices(
    stack: LocalStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOVEX_REPORT_DIR", str(tmp_path / "reports"))
    monkeypatch.setattr(demo_catalog, "NEW_PRODUCTS", 6)
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, INVENTORY_SYNC_JOB, instance).success
    monkeypatch.setenv("NOVEX_CONFIG", str(tmp_path / "config" / "novex.yaml"))
    monkeypatch.setenv("NOVEX_CARD_FIELDS", str(tmp_path / "config" / "card_fields.yaml"))
    demo_catalog._config_copy(tmp_path)
    mapped = {
        r[0]
        for r in demo_catalog._read(tmp_path / "config" / "category_mapping.csv")[1]
        if len(r) > 5 and r[5] == "confirmed"
    }
    new = demo_catalog.list_new_products(stack.data_dir, mapped)
    demo_catalog.register_brands(stack)
    demo_catalog.refresh_model(stack, instance)

    export = run_job(stack, CATALOG_EXPORT_JOB, instance)
    assert export.success
    assert materialization(export, "catalog", "card_export")["creates"] >= 1
    store = open_store(stack.store_url)
    before = store.inventory.ozon_stock_state().filter(pl.col("offer_id").is_in(new))
    assert before.height == 0  # no stock for a card Ozon has not approved yet

    stack.server.admin.advance(3_700)
    assert run_job(stack, CATALOG_MODERATION_JOB, instance).success
    approved = (
        store.catalog_cards.moderation()
        .filter(pl.col("offer_id").is_in(new) & (pl.col("status") == "approved"))["offer_id"]
        .to_list()
    )
    assert approved, "some new products pass checks and moderation"

    sync = run_job(stack, INVENTORY_SYNC_JOB, instance)
    assert sync.success
    stock = store.inventory.ozon_stock_state().filter(pl.col("offer_id").is_in(approved))
    prices = store.inventory.ozon_price_state().filter(pl.col("offer_id").is_in(approved))
    assert set(prices["offer_id"]) == set(approved)
    assert set(stock["offer_id"]) == set(approved)
    on_ozon = stack.server.admin.stocks(stack.client_id)
    assert {offer for offer, _ in on_ozon} >= set(approved)
