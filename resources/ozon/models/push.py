"""Push notifications Ozon sends to the seller's URL, and the replies Ozon expects back.

Payloads are parsed tolerantly like any Ozon reply (ids as numbers or strings, ``seller_id`` a
string on chat pushes, placeholders in Ozon's own examples); unknown types keep their raw body so
a receiver can acknowledge pushes Ozon adds later.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from resources.ozon.models.common import OzonInt, OzonResponse, OzonStr, OzonTime


class PushMessage(OzonResponse):
    """Fields every push carries; ``seller_id`` is the Client-Id (absent on TYPE_PING)."""

    message_type: str
    seller_id: OzonInt = 0


class PingPush(PushMessage):
    """``TYPE_PING``: the connection check and the periodic liveness probe."""

    time: datetime


class PushProduct(OzonResponse):
    """A line of a posting push."""

    sku: OzonInt
    offer_id: str = ""
    quantity: int = 0


class NewPostingPush(PushMessage):
    """``TYPE_NEW_POSTING``: a buyer's order reached the seller's warehouse."""

    posting_number: str
    products: list[PushProduct] = Field(default_factory=list)
    in_process_at: OzonTime = None
    warehouse_id: OzonInt = 0
    shipment_date: OzonTime = None
    tpl_integration_type: str = ""
    is_express: bool = False
    tracking_number: str = ""
    delivery_date_begin: OzonTime = None
    delivery_date_end: OzonTime = None


class CancelReasonInfo(OzonResponse):
    """Why a posting was cancelled."""

    id: OzonInt = 0
    message: str = ""


class PostingCancelledPush(PushMessage):
    """``TYPE_POSTING_CANCELLED``: cancelled by the buyer, Ozon or the seller."""

    posting_number: str
    products: list[PushProduct] = Field(default_factory=list)
    old_state: str = ""
    new_state: str = ""
    changed_state_date: OzonTime = None
    reason: CancelReasonInfo = Field(default_factory=CancelReasonInfo)
    warehouse_id: OzonInt = 0


class StateChangedPush(PushMessage):
    """``TYPE_STATE_CHANGED``: a posting moved to another ``posting_*`` state."""

    posting_number: str
    new_state: str
    changed_state_date: OzonTime = None
    warehouse_id: OzonInt = 0


class CutoffDateChangedPush(PushMessage):
    """``TYPE_CUTOFF_DATE_CHANGED``: the packing deadline moved (dates may be null)."""

    posting_number: str
    new_cutoff_date: OzonTime = None
    old_cutoff_date: OzonTime = None
    warehouse_id: OzonInt = 0


class DeliveryDateChangedPush(PushMessage):
    """``TYPE_DELIVERY_DATE_CHANGED``: the promised delivery window moved."""

    posting_number: str
    new_delivery_date_begin: OzonTime = None
    new_delivery_date_end: OzonTime = None
    old_delivery_date_begin: OzonTime = None
    old_delivery_date_end: OzonTime = None
    warehouse_id: OzonInt = 0


class ItemChangedPush(PushMessage):
    """``TYPE_CREATE_OR_UPDATE_ITEM`` (and the suspended CREATE/UPDATE_ITEM): card processed."""

    offer_id: str
    product_id: OzonInt
    is_error: bool = False
    changed_at: OzonTime = None


class WarehouseLevel(OzonResponse):
    """Units of a product on one warehouse; ``present`` includes ``reserved``."""

    warehouse_id: OzonInt
    present: int = 0
    reserved: int = 0


class StockChangedItem(OzonResponse):
    """One product whose stock changed."""

    product_id: OzonInt
    sku: OzonInt
    updated_at: datetime | None = None
    stocks: list[WarehouseLevel] = Field(default_factory=list)


class StocksChangedPush(PushMessage):
    """``TYPE_STOCKS_CHANGED``: stock levels on the seller's warehouses changed."""

    items: list[StockChangedItem] = Field(default_factory=list)


class ChatUser(OzonResponse):
    """Who acted in a chat."""

    id: OzonStr = ""
    type: str = ""


class ChatPush(PushMessage):
    """Chat pushes: new, updated and read messages, and a closed chat."""

    chat_id: str
    chat_type: str = ""
    message_id: OzonStr = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    user: ChatUser = Field(default_factory=ChatUser)
    data: list[str] = Field(default_factory=list)
    last_read_message_id: OzonStr = ""


class UnknownPush(PushMessage):
    """A type this project does not model; ``raw`` keeps the whole body."""

    raw: dict[str, Any] = Field(default_factory=dict)


class PingReply(BaseModel):
    """What the receiver answers to ``TYPE_PING`` (HTTP 200)."""

    version: str
    name: str
    time: str


class PushAck(BaseModel):
    """What the receiver answers to any other processed push (HTTP 200)."""

    result: Literal[True] = True


class PushErrorInfo(BaseModel):
    """The ``error`` object of a failure reply."""

    code: Literal["ERROR_UNKNOWN", "ERROR_PARAMETER_VALUE_MISSED", "ERROR_REQUEST_DUPLICATED"]
    message: str
    details: str | None = None


class PushErrorReply(BaseModel):
    """What the receiver answers (with HTTP 4xx/5xx) when it could not process a push."""

    error: PushErrorInfo
