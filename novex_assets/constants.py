"""Names shared by assets, jobs, sensors and schedules, so the UI reads the same everywhere."""

from __future__ import annotations

SOURCES = "sources"
INVENTORY = "inventory"
CATALOG = "catalog"
ORDERS = "orders"

INVENTORY_SYNC_JOB = "inventory_sync"
INVENTORY_RECONCILE_JOB = "inventory_reconcile"
CATALOG_REFRESH_JOB = "catalog_refresh"

ORDERS_PROCESS_JOB = "orders_process"
ORDERS_POLL_JOB = "orders_poll"
ORDERS_CANCEL_JOB = "orders_cancel"
ORDERS_RETRY_HELD_JOB = "orders_retry_held"
# Order assets only a staff job materialises (with its run config); orders_process leaves them.
ORDERS_STAFF_ASSETS = (("orders", "staff_cancellations"), ("orders", "held_postings"))

# Catalog export (cards, checks, export, moderation, report).
CATALOG_EXPORT_JOB = "catalog_export"
CATALOG_MODERATION_JOB = "catalog_moderation"
