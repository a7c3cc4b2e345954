"""Why a catalog request is refused, with what Ozon's gateway would answer.

Each error carries the gRPC status code and HTTP status Ozon uses in its `rpcStatus` replies,
so the sandbox's routes can turn any of them into a faithful error body without a lookup table.
The validators' import error codes are plain strings (Ozon's `errors[].code`), kept here too.
"""

from __future__ import annotations

# Product-import error codes from Ozon's "Частые ошибки" list for /v3/product/import.
DESCRIPTION_CATEGORY_INVALID = "description_category_invalid"
DESCRIPTION_CATEGORY_HAS_NO_DESCRIPTION_TYPE = "description_category_has_no_description_type"
ERROR_ATTRIBUTE_VALUES_EMPTY = "error_attribute_values_empty"
ERROR_ATTRIBUTE_VALUES_OUT_OF_RANGE = "error_attribute_values_out_of_range"
EMPTY_REQUIRED = "EMPTY_REQUIRED"


class CatalogSeedError(Exception):
    """Base of every refusal of a catalog request."""

    rpc_code: int = 3  # INVALID_ARGUMENT
    http_status: int = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidCatalogRequestError(CatalogSeedError, ValueError):
    """A parameter outside Ozon's contract: language, limit, a too short search string."""


class UnknownCategoryError(CatalogSeedError, LookupError):
    """The category does not exist, is not a last-level one, or the type is not under it."""

    rpc_code = 5  # NOT_FOUND
    http_status = 404

    def __init__(self, message: str, import_code: str) -> None:
        super().__init__(message)
        self.import_code = import_code


class UnknownAttributeError(CatalogSeedError, LookupError):
    """The attribute is not one of the (category, type) pair's characteristics."""

    rpc_code = 5  # NOT_FOUND
    http_status = 404


class SeedDataError(ValueError):
    """A shipped data file breaks the seed's own rules; the message names file and field."""
