"""The one Definitions object: assets, checks, jobs, sensors, schedules and resources."""

from __future__ import annotations

from typing import Any

import dagster as dg

from novex_assets.catalog import export_assets as catalog_export_assets
from novex_assets.catalog import model_assets as catalog_model_assets
from novex_assets.catalog.card_fields import load_card_fields
from novex_assets.catalog.export_jobs import catalog_export_job, catalog_moderation_job
from novex_assets.inventory import asset_checks as inventory_checks
from novex_assets.inventory import assets as inventory_assets
from novex_assets.jobs import catalog_refresh_job, inventory_reconcile_job, inventory_sync_job
from novex_assets.orders import assets as orders_assets
from novex_assets.orders import intake_assets as orders_intake_assets
from novex_assets.orders.assets import (
    orders_cancel_job,
    orders_handover_job,
    orders_retry_held_job,
    orders_returns_job,
)
from novex_assets.orders.intake_assets import orders_poll_job, orders_process_job
from novex_assets.settings import NovexSettings, load_settings
from novex_assets.settings_resource import SettingsResource
from novex_assets.sources import arttrade as arttrade_assets
from novex_assets.sources import assets as source_assets
from resources.ozon_resource import OzonResource
from resources.sources.resources import (
    FileDropArtTradeResource,
    FileDropInforResource,
    FileDropSapResource,
)
from resources.store_resource import StoreResource
from schedules.catalog_export import build_catalog_moderation_schedule
from schedules.catalog_model import build_catalog_schedules
from schedules.inventory import build_inventory_schedules
from schedules.orders import build_orders_schedules
from schedules.orders_poll import build_orders_poll_schedule
from sensors.catalog_export import build_catalog_export_sensor
from sensors.catalog_model import build_new_pair_sensor
from sensors.inventory import build_stock_snapshot_sensor
from sensors.orders_inbox import build_push_inbox_sensor
from sensors.orders_infor import build_infor_document_sensor


def default_resources(settings: NovexSettings | None = None) -> dict[str, Any]:
    """Resources for the embedded defaults; environment variables are read when a run starts.

    Only the config file is read here (its account names the key's variable); store URL, data
    folder, Ozon URL, Client-Id and clock scale fall back to `$NOVEX_DB_URL`, `$NOVEX_DATA_DIR`,
    `$OZON_API_URL`, `$OZON_CLIENT_ID` and `$OZON_TIME_SCALE`, then to the README's defaults,
    inside each resource at run time.
    """
    settings = settings or load_settings()
    return {
        "settings": SettingsResource(),
        # The URL may hold a password: read from the environment at run time, never run config.
        "store": StoreResource(),
        "ozon": OzonResource(
            default_client_id=settings.ozon.main.client_id,
            api_key=dg.EnvVar(settings.ozon.main.api_key_env),
            default_timeout_s=settings.sync.ozon_timeout_s,
        ),
        "sap": FileDropSapResource(),
        "infor": FileDropInforResource(),
        "arttrade": FileDropArtTradeResource(),
    }


def build_definitions(resources: dict[str, Any] | None = None) -> dg.Definitions:
    """Assemble everything; tests pass their own resources (sandbox URL, temporary store)."""
    settings = load_settings()
    return dg.Definitions(
        assets=[
            *dg.load_assets_from_modules([source_assets, inventory_assets]),
            *dg.load_assets_from_modules([arttrade_assets, catalog_model_assets]),
            *dg.load_assets_from_modules([orders_intake_assets]),
            *dg.load_assets_from_modules([catalog_export_assets]),
            *dg.load_assets_from_modules([orders_assets]),
        ],
        asset_checks=[
            *dg.load_asset_checks_from_modules([inventory_checks]),
            *dg.load_asset_checks_from_modules([orders_intake_assets]),
            *dg.load_asset_checks_from_modules([catalog_export_assets]),
        ],
        jobs=[
            inventory_sync_job,
            inventory_reconcile_job,
            catalog_refresh_job,
            orders_process_job,
            orders_poll_job,
            catalog_export_job,
            catalog_moderation_job,
            orders_handover_job,
            orders_returns_job,
            orders_cancel_job,
            orders_retry_held_job,
        ],
        sensors=[
            build_stock_snapshot_sensor(settings.sync.snapshot_sensor_interval_s),
            build_new_pair_sensor(settings.catalog.new_pair_sensor_interval_s),
            build_push_inbox_sensor(
                settings.orders_intake.inbox_sensor_interval_s,
                settings.orders_intake.inbox_retry_interval_s,
            ),
            build_catalog_export_sensor(settings.sync.snapshot_sensor_interval_s),
            build_infor_document_sensor(settings.orders.infor_sensor_interval_s),
        ],
        schedules=[
            *build_inventory_schedules(settings.sync),
            *build_catalog_schedules(settings.catalog),
            build_orders_poll_schedule(settings.orders_intake),
            build_catalog_moderation_schedule(load_card_fields().export),
            *build_orders_schedules(settings.orders),
        ],
        resources=resources if resources is not None else default_resources(settings),
    )


defs = build_definitions()
