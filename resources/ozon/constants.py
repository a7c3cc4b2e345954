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
# Catalog: category tree, characteristics, dictionaries, card import and read-back.
CATEGORY_TREE = "/v1/description-category/tree"
CATEGORY_ATTRIBUTES = "/v1/description-category/attribute"
CATEGORY_ATTRIBUTE_VALUES = "/v1/description-category/attribute/values"
CATEGORY_ATTRIBUTE_VALUES_SEARCH = "/v1/description-category/attribute/values/search"
PRODUCT_IMPORT = "/v3/product/import"
PRODUCT_IMPORT_INFO = "/v1/product/import/info"
PRODUCT_ATTRIBUTES_UPDATE = "/v1/product/attributes/update"
PRODUCT_INFO_LIMIT = "/v4/product/info/limit"
PRODUCT_INFO_ATTRIBUTES = "/v4/product/info/attributes"
ATTRIBUTE_VALUES_PAGE_MAX = 2000
ATTRIBUTE_SEARCH_MAX = 100
PRODUCT_IMPORT_BATCH_MAX = 100
PRODUCT_ATTRIBUTES_PAGE_MAX = 1000
# Defaults for waiting on an import task, in seconds of Ozon time.
IMPORT_WAIT_TIMEOUT_S = 600.0
IMPORT_POLL_INTERVAL_S = 5.0

# Postings (FBS orders): lists, packing, marking codes, cancellation, package labels.
POSTING_UNFULFILLED_LIST = "/v4/posting/fbs/unfulfilled/list"
POSTING_LIST = "/v4/posting/fbs/list"
POSTING_GET = "/v3/posting/fbs/get"
POSTING_SHIP = "/v4/posting/fbs/ship"
POSTING_SHIP_PACKAGE = "/v4/posting/fbs/ship/package"
EXEMPLAR_CREATE_OR_GET = "/v6/fbs/posting/product/exemplar/create-or-get"
EXEMPLAR_VALIDATE = "/v5/fbs/posting/product/exemplar/validate"
EXEMPLAR_SET = "/v6/fbs/posting/product/exemplar/set"
EXEMPLAR_STATUS = "/v5/fbs/posting/product/exemplar/status"
CANCEL_REASON_LIST = "/v2/posting/fbs/cancel-reason/list"
CANCEL_REASONS_FOR_POSTINGS = "/v1/posting/fbs/cancel-reason"
POSTING_CANCEL = "/v2/posting/fbs/cancel"
POSTING_PRODUCT_CANCEL = "/v2/posting/fbs/product/cancel"
PACKAGE_LABEL = "/v2/posting/fbs/package-label"
PACKAGE_LABEL_CREATE = "/v2/posting/fbs/package-label/create"
PACKAGE_LABEL_GET = "/v1/posting/fbs/package-label/get"
POSTING_PAGE_MAX = 100
LABELS_PER_CALL_MAX = 20
# Ozon advises asking for labels 45–60 s after packing; waits below are in seconds of Ozon time.
LABEL_READY_WAIT_S = 120.0
LABEL_RETRY_INTERVAL_S = 15.0
LABEL_TASK_WAIT_TIMEOUT_S = 300.0
LABEL_TASK_POLL_INTERVAL_S = 5.0
EXEMPLAR_WAIT_TIMEOUT_S = 600.0
EXEMPLAR_POLL_INTERVAL_S = 5.0

# Handover: acts (shipping list + waybill), carriages, delivery methods of the day.
ACT_CREATE = "/v2/posting/fbs/act/create"
ACT_CHECK_STATUS = "/v2/posting/fbs/act/check-status"
ACT_GET_PDF = "/v2/posting/fbs/act/get-pdf"
ACT_GET_BARCODE = "/v2/posting/fbs/act/get-barcode"
ACT_GET_BARCODE_TEXT = "/v2/posting/fbs/act/get-barcode/text"
ACT_GET_POSTINGS = "/v2/posting/fbs/act/get-postings"
ACT_LIST = "/v2/posting/fbs/act/list"
CARRIAGE_DELIVERY_LIST = "/v2/carriage/delivery/list"
CARRIAGE_CREATE = "/v1/carriage/create"
CARRIAGE_APPROVE = "/v1/carriage/approve"
CARRIAGE_GET = "/v1/carriage/get"
CARRIAGE_CANCEL = "/v1/carriage/cancel"
CARRIAGE_SET_POSTINGS = "/v1/carriage/set-postings"
ACT_LIST_MAX = 50
CARRIAGE_DELIVERY_PAGE_MAX = 1000
# Defaults for waiting on act documents, in seconds of Ozon time.
ACT_WAIT_TIMEOUT_S = 600.0
ACT_POLL_INTERVAL_S = 5.0
# Returns (FBO + FBS list, FBS drop-off points) and the returns giveout by barcode.
RETURNS_LIST = "/v1/returns/list"
RETURNS_COMPANY_FBS_INFO = "/v1/returns/company/fbs/info"
GIVEOUT_IS_ENABLED = "/v1/return/giveout/is-enabled"
GIVEOUT_LIST = "/v1/return/giveout/list"
GIVEOUT_INFO = "/v1/return/giveout/info"
GIVEOUT_BARCODE = "/v1/return/giveout/barcode"
GIVEOUT_GET_PDF = "/v1/return/giveout/get-pdf"
GIVEOUT_GET_PNG = "/v1/return/giveout/get-png"
GIVEOUT_BARCODE_RESET = "/v1/return/giveout/barcode-reset"
RETURNS_PAGE_MAX = 500
RETURNS_POSTING_NUMBERS_MAX = 50
RETURNS_DROP_OFF_PAGE_MAX = 500
GIVEOUT_PAGE_MAX = 500

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
