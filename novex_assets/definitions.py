"""The one Definitions object: assets, checks, jobs, sensors, schedules and resources."""

from __future__ import annotations

import os
from typing import Any

import dagster as dg

from novex_assets.inventory import asset_checks as inventory_checks
from novex_assets.inventory import assets as inventory_assets
from novex_assets.jobs import inventory_reconcile_job, inventory_sync_job
from novex_assets.orders import assets as orders_assets
from novex_assets.orders import intake_assets as orders_intake_assets
from novex_assets.orders.assets import orders_handover_job, orders_returns_job
from novex_assets.orders.intake_assets import orders_poll_job, orders_process_job
from novex_assets.settings import load_settings
from novex_assets.settings_resource import SettingsResource
from novex_assets.sources import assets as source_assets
from resources.ozon_resource import OzonResource
from resources.sources.resources import FileDropInforResource, FileDropSapResource
from resources.store.engine import default_store_url
from resources.store_resource import StoreResource
from schedules.inventory import build_inventory_schedules
from schedules.orders import build_orders_schedules
from schedules.orders_poll import build_orders_poll_schedule
from sensors.inventory import build_stock_snapshot_sensor
from sensors.orders_inbox import build_push_inbox_sensor
from sensors.orders_infor import build_infor_document_sensor

DEFAULT_OZON_URL = "http://127.0.0.1:8765"
DEFAULT_DATA_DIR = "var/data"


def default_resources() -> dict[str, Any]:
    """Resources for the embedded defaults, overridable by environment (see README)."""
    settings = load_settings()
    data_dir = os.environ.get("NOVEX_DATA_DIR", DEFAULT_DATA_DIR)
    return {
        "settings": SettingsResource(config_path=os.environ.get("NOVEX_CONFIG")),
        # Read through EnvVar so a URL with a password never lands in run config.
        "store": StoreResource(
            url=dg.EnvVar("NOVEX_DB_URL") if os.environ.get("NOVEX_DB_URL") else default_store_url()
        ),
        "ozon": OzonResource(
            base_url=os.environ.get("OZON_API_URL", DEFAULT_OZON_URL),
            client_id=os.environ.get("OZON_CLIENT_ID", settings.ozon.main.client_id),
            api_key=dg.EnvVar(settings.ozon.main.api_key_env),
            time_scale=float(os.environ.get("OZON_TIME_SCALE", "1")),
        ),
        "sap": FileDropSapResource(data_dir=data_dir),
        "infor": FileDropInforResource(data_dir=data_dir),
    }


def build_definitions(resources: dict[str, Any] | None = None) -> dg.Definitions:
    """Assemble everything; tests pass their own resources (sandbox URL, temporary store)."""
    settings = load_settings()
    return dg.Definitions(
        assets=[
            *dg.load_assets_from_modules([source_assets, inventory_assets]),
            *dg.load_assets_from_modules([orders_intake_assets]),
            *dg.load_assets_from_modules([orders_assets]),
        ],
        asset_checks=dg.load_asset_checks_from_modules([inventory_checks]),
        jobs=[
            inventory_sync_job,
            inventory_reconcile_job,
            orders_process_job,
            orders_poll_job,
            orders_handover_job,
            orders_returns_job,
        ],
        sensors=[
            build_stock_snapshot_sensor(settings.sync.snapshot_sensor_interval_s),
            build_push_inbox_sensor(
                settings.orders_intake.inbox_sensor_interval_s,
                settings.orders_intake.inbox_retry_interval_s,
            ),
            build_infor_document_sensor(settings.orders.infor_sensor_interval_s),
        ],
        schedules=[
            *build_inventory_schedules(settings.sync),
            build_orders_poll_schedule(settings.orders_intake),
            *build_orders_schedules(settings.orders),
        ],
        resources=resources if resources is not None else default_resources(),
    )


defs = build_definitions()
