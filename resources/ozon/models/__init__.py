"""Pydantic models of the Ozon methods the project calls, one module per domain."""

from __future__ import annotations

from resources.ozon.models.acts import ActListItem, ActPosting, ActStatus
from resources.ozon.models.carriages import Carriage, DeliveryMethod, SetPostingsResult
from resources.ozon.models.catalog import (
    CategoryAttribute,
    CategoryNode,
    DictionaryValue,
)
from resources.ozon.models.exemplars import (
    ExemplarData,
    ExemplarProductData,
    ExemplarsResponse,
    ExemplarStatusResponse,
    ExemplarValidateResponse,
    MarkValue,
)
from resources.ozon.models.labels import LabelTask, LabelTaskRef
from resources.ozon.models.postings import (
    CancelReason,
    Posting,
    PostingListPage,
    PostingProduct,
    PostingWith,
    ShipResponse,
)
from resources.ozon.models.prices import (
    Price,
    PriceInfo,
    PriceInfoResponse,
    PricesUpdateResponse,
    PriceUpdate,
    PriceUpdateResult,
)
from resources.ozon.models.product_import import (
    AttributesUpdateItem,
    AttributeValue,
    ImportInfoItem,
    ImportItem,
    ImportItemError,
    ProductAttribute,
    ProductAttributes,
    UploadQuota,
)
from resources.ozon.models.products import (
    ProductError,
    ProductInfo,
    ProductInfoListResponse,
    ProductListItem,
    ProductListResponse,
    ProductStatuses,
)
from resources.ozon.models.push import PushMessage, StocksChangedPush
from resources.ozon.models.returns import DropOffPoint, Giveout, GiveoutInfo, SellerReturn
from resources.ozon.models.stocks import (
    StocksByWarehouseResponse,
    StocksUpdateResponse,
    StockUpdate,
    StockUpdateResult,
    WarehouseStock,
)
from resources.ozon.models.warehouses import Warehouse, WarehouseListResponse

__all__ = [
    "ActListItem",
    "ActPosting",
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
    "ExemplarStatusResponse",
    "ExemplarValidateResponse",
    "ExemplarsResponse",
    "Giveout",
    "GiveoutInfo",
    "ImportInfoItem",
    "ImportItem",
    "ImportItemError",
    "LabelTask",
    "LabelTaskRef",
    "MarkValue",
    "Posting",
    "PostingListPage",
    "PostingProduct",
    "PostingWith",
    "Price",
    "PriceInfo",
    "PriceInfoResponse",
    "PriceUpdate",
    "PriceUpdateResult",
    "PricesUpdateResponse",
    "ProductAttribute",
    "ProductAttributes",
    "ProductError",
    "ProductInfo",
    "ProductInfoListResponse",
    "ProductListItem",
    "ProductListResponse",
    "ProductStatuses",
    "PushMessage",
    "SellerReturn",
    "SetPostingsResult",
    "ShipResponse",
    "StockUpdate",
    "StockUpdateResult",
    "StocksByWarehouseResponse",
    "StocksChangedPush",
    "StocksUpdateResponse",
    "UploadQuota",
    "Warehouse",
    "WarehouseListResponse",
    "WarehouseStock",
]
