"""Names shared by assets, jobs, sensors and schedules, so the UI reads the same everywhere."""

from __future__ import annotations

SOURCES = "sources"
INVENTORY = "inventory"
ORDERS = "orders"

INVENTORY_SYNC_JOB = "inventory_sync"
INVENTORY_RECONCILE_JOB = "inventory_reconcile"

ORDERS_PROCESS_JOB = "orders_process"
ORDERS_POLL_JOB = "orders_poll"
