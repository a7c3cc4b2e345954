"""Ozon Seller API paths, per-request caps and client defaults, named once."""

from __future__ import annotations

DEFAULT_BASE_URL = "https://api-seller.ozon.ru"
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_ATTEMPTS = 5
# Backoff between retries: full jitter over an exponential ceiling, in seconds of Ozon time.
BACKOFF_INITIAL_S = 0.5
BACKOFF_MAX_S = 30.0
# A Retry-After longer than this is not slept through: the caller gets the error and retries later.
MAX_RETRY_AFTER_S = 120.0

LOGGER_NAME = "resources.ozon"

# Current method versions only; retired ones (v1 warehouse list, v4 prices ...) are left out.
WAREHOUSE_LIST = "/v2/warehouse/list"
PRODUCT_LIST = "/v3/product/list"
PRODUCT_INFO_LIST = "/v3/product/info/list"
STOCKS_UPDATE = "/v2/products/stocks"
STOCKS_BY_WAREHOUSE_FBS = "/v2/product/info/stocks-by-warehouse/fbs"
PRICES_UPDATE = "/v1/product/import/prices"
PRICES_INFO = "/v5/product/info/prices"

WAREHOUSE_PAGE_MAX = 200
PRODUCT_PAGE_MAX = 1000
PRODUCT_INFO_IDS_MAX = 1000
STOCKS_BATCH_MAX = 100
STOCK_FILTER_IDS_MAX = 1000
PRICES_BATCH_MAX = 1000
PRICES_PAGE_MAX = 1000
STOCK_VALUE_LIMIT = 1_000_000

# Per-item code for items the client held back to respect Ozon's per-item limits (never sent).
LOCAL_RATE_LIMIT = "LOCAL_RATE_LIMIT"
