"""Ozon Seller API client: ``OzonClient``, its errors and the models it speaks."""

from __future__ import annotations

from resources.ozon.acts import ActFailedError, ActRefusedError
from resources.ozon.client import OzonClient
from resources.ozon.constants import LOCAL_RATE_LIMIT
from resources.ozon.errors import (
    OzonAuthError,
    OzonConflictError,
    OzonError,
    OzonForbiddenError,
    OzonItemError,
    OzonNotFoundError,
    OzonRateLimitedError,
    OzonResponseError,
    OzonServerError,
    OzonTransportError,
    OzonValidationError,
)
from resources.ozon.exemplars import ExemplarsNotAcceptedError
from resources.ozon.labels import LabelTaskFailedError
from resources.ozon.models import (
    Price,
    PriceInfo,
    PriceUpdate,
    PriceUpdateResult,
    ProductError,
    ProductInfo,
    ProductListItem,
    ProductStatuses,
    StockUpdate,
    StockUpdateResult,
    Warehouse,
    WarehouseStock,
)
from resources.ozon.models.acts import ActListItem, ActPosting, ActStatus
from resources.ozon.models.carriages import Carriage, DeliveryMethod, SetPostingsResult
from resources.ozon.models.catalog import CategoryAttribute, CategoryNode, DictionaryValue
from resources.ozon.models.exemplars import ExemplarData, ExemplarProductData, MarkValue
from resources.ozon.models.labels import LabelTask
from resources.ozon.models.postings import CancelReason, Posting, PostingWith
from resources.ozon.models.product_import import (
    AttributesUpdateItem,
    AttributeValue,
    ImportInfoItem,
    ImportItem,
    ProductAttribute,
    ProductAttributes,
    UploadQuota,
)
from resources.ozon.models.push import PushMessage
from resources.ozon.models.returns import DropOffPoint, Giveout, GiveoutInfo, SellerReturn
from resources.ozon.pagination import Paged
from resources.ozon.polling import OzonPollTimeoutError
from resources.ozon.push import ack_reply, error_reply, parse_push, ping_reply
from resources.ozon.ratelimit import RateLimiter

__all__ = [
    "LOCAL_RATE_LIMIT",
    "ActFailedError",
    "ActListItem",
    "ActPosting",
    "ActRefusedError",
    "ActStatus",
    "AttributeValue",
    "AttributesUpdateItem",
    "CancelReason",
    "Carriage",
    "CategoryAttribute",
    "CategoryNode",
    "DeliveryMethod",
    "DictionaryValue",
    "DropOffPoint",
    "ExemplarData",
    "ExemplarProductData",
    "ExemplarsNotAcceptedError",
    "Giveout",
    "GiveoutInfo",
    "ImportInfoItem",
    "ImportItem",
    "LabelTask",
    "LabelTaskFailedError",
    "MarkValue",
    "OzonAuthError",
    "OzonClient",
    "OzonConflictError",
    "OzonError",
    "OzonForbiddenError",
    "OzonItemError",
    "OzonNotFoundError",
    "OzonPollTimeoutError",
    "OzonRateLimitedError",
    "OzonResponseError",
    "OzonServerError",
    "OzonTransportError",
    "OzonValidationError",
    "Paged",
    "Posting",
    "PostingWith",
    "Price",
    "PriceInfo",
    "PriceUpdate",
    "PriceUpdateResult",
    "ProductAttribute",
    "ProductAttributes",
    "ProductError",
    "ProductInfo",
    "ProductListItem",
    "ProductStatuses",
    "PushMessage",
    "RateLimiter",
    "SellerReturn",
    "SetPostingsResult",
    "StockUpdate",
    "StockUpdateResult",
    "UploadQuota",
    "Warehouse",
    "WarehouseStock",
    "ack_reply",
    "error_reply",
    "parse_push",
    "ping_reply",
]
