"""What one seller account holds in the sandbox: warehouses, product cards, prices and stocks.

Objects are pydantic models; the account keeps them in dicts keyed the way the hot paths look
them up (offer_id, product_id, sku, and the (offer_id, warehouse_id) stock pair), so a
25,000-product sweep costs a few dict lookups per item.
"""

from __future__ import annotations

import bisect
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from ozon_sandbox.config import FaultSettings

WorkingDay = Literal[
    "UNSPECIFIED", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"
]
WEEKDAYS: tuple[WorkingDay, ...] = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY")
# A seeded warehouse works for a year unless its timetable says otherwise.
TIMETABLE_SPAN = timedelta(days=365)


class AddressInfo(BaseModel):
    """Where a warehouse is."""

    address: str = ""
    latitude: float = 0.0
    longitude: float = 0.0
    utc: str = "UTC+03:00"


class FirstMile(BaseModel):
    """How parcels leave the seller's warehouse for Ozon."""

    type: Literal["UNSPECIFIED", "PICK_UP", "DROP_OFF"] = "DROP_OFF"
    dropoff_point_id: str = ""
    timeslot_from: str = "10:00"
    timeslot_id: int = 0
    timeslot_to: str = "14:00"
    first_mile_is_changing: bool = False


class WorkingHours(BaseModel):
    """One working interval of a warehouse."""

    time_from: datetime | None = None
    time_to: datetime | None = None


class Timetable(BaseModel):
    """A warehouse's working period and hours."""

    timetable_from: datetime | None = None
    timetable_to: datetime | None = None
    working_hours: list[WorkingHours] = Field(default_factory=list)


class Warehouse(BaseModel):
    """An FBS/rFBS warehouse exactly as ``/v2/warehouse/list`` describes it."""

    model_config = ConfigDict(extra="forbid")

    warehouse_id: int = Field(gt=0)
    name: str = Field(min_length=1)
    status: str = "created"
    address_info: AddressInfo = Field(default_factory=AddressInfo)
    carriage_label_type: Literal["UNSPECIFIED", "BIG", "SMALL"] = "BIG"
    courier_comment: str = ""
    courier_phones: list[str] = Field(default_factory=list)
    created_at: datetime | None = None
    cut_in_time: int = 0
    first_mile: FirstMile = Field(default_factory=FirstMile)
    has_entrusted_acceptance: bool = False
    has_postings_limit: bool = False
    is_auto_assembly: bool = False
    is_comfort: bool = False
    is_express: bool = False
    is_kgt: bool = False
    is_rfbs: bool = False
    is_waybill_enabled: bool = False
    min_postings_limit: int = 0
    pause_at: datetime | None = None
    phone: str = ""
    postings_limit: int = -1
    sla_cut_in: int = 1440
    timetable: Timetable = Field(default_factory=Timetable)
    updated_at: datetime | None = None
    warehouse_type: str = "FBS"
    with_item_list: bool = False
    working_days: list[WorkingDay] = Field(default_factory=lambda: list(WEEKDAYS))

    def stamped(self, now: datetime) -> Warehouse:
        """A copy with the dates Ozon always reports filled in from ``now`` where unset.

        ``pause_at`` stays unset: only a paused rFBS warehouse has one.
        """
        timetable = self.timetable
        start = timetable.timetable_from or self.created_at or now
        return self.model_copy(
            update={
                "created_at": self.created_at or now,
                "updated_at": self.updated_at or now,
                "timetable": timetable.model_copy(
                    update={
                        "timetable_from": start,
                        "timetable_to": timetable.timetable_to or start + TIMETABLE_SPAN,
                    }
                ),
            }
        )


class CardErrorParam(BaseModel):
    """A named value quoted in a card error's text."""

    name: str
    value: str


class CardErrorTexts(BaseModel):
    """Human-readable parts of a card error, as ``/v3/product/info/list`` shows them."""

    attribute_name: str = ""
    hint_code: str = ""
    message: str = ""
    params: list[CardErrorParam] = Field(default_factory=list)
    short_description: str = ""


class CardError(BaseModel):
    """A moderation or validation problem of a card (``errors[]`` of ``/v3/product/info/list``)."""

    attribute_id: int = 0
    code: str
    field: str = ""
    level: Literal[
        "ERROR_LEVEL_UNSPECIFIED",
        "ERROR_LEVEL_ERROR",
        "ERROR_LEVEL_WARNING",
        "ERROR_LEVEL_INTERNAL",
    ] = "ERROR_LEVEL_ERROR"
    state: str = ""
    texts: CardErrorTexts = Field(default_factory=CardErrorTexts)


ModerateStatus = Literal["", "moderating", "approved", "declined"]


class Product(BaseModel):
    """A product card with its current price; ``price_sent`` gates stock updates, as on Ozon.

    ``moderate_status`` is empty for cards seeded directly (they count as approved once
    created); imported cards go ``moderating`` → ``approved`` or ``declined`` (with
    ``card_errors``).
    """

    product_id: int = Field(gt=0)
    offer_id: str = Field(min_length=1, max_length=50)
    sku: int = Field(gt=0)
    name: str = ""
    barcodes: list[str] = Field(default_factory=list)
    description_category_id: int = 0
    type_id: int = 0
    images: list[str] = Field(default_factory=list)
    is_created: bool = True
    is_archived: bool = False
    is_kgt: bool = False
    price_sent: bool = False
    price: str = ""
    old_price: str = ""
    min_price: str = ""
    net_price: str = ""
    currency_code: str = "RUB"
    vat: str = "0.2"
    auto_action_enabled: bool = False
    auto_add_to_ozon_actions_list_enabled: bool = False
    volume_weight: float = 0.1
    moderate_status: ModerateStatus = ""
    card_errors: list[CardError] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime
    status_updated_at: datetime


class StockLevel(BaseModel):
    """Units of one product on one warehouse; ``present`` includes ``reserved``."""

    present: int = Field(0, ge=0)
    reserved: int = Field(0, ge=0)
    updated_at: datetime | None = None

    @property
    def free_stock(self) -> int:
        """Units that can still be sold."""
        return max(0, self.present - self.reserved)


class StockRow(BaseModel):
    """A stock level with its pair key, for snapshots and admin reads."""

    offer_id: str
    warehouse_id: int
    present: int
    reserved: int
    updated_at: datetime | None = None


class AccountSnapshot(BaseModel):
    """Everything about one account that survives a restart."""

    client_id: str
    api_key: SecretStr
    warehouses: list[Warehouse] = Field(default_factory=list)
    products: list[Product] = Field(default_factory=list)
    stocks: list[StockRow] = Field(default_factory=list)
    faults: FaultSettings = Field(default_factory=FaultSettings)
    next_product_id: int = 0
    next_sku: int = 0
    domains: dict[str, Any] = Field(default_factory=dict)
    outbox: list[dict[str, Any]] = Field(default_factory=list)


D = TypeVar("D", bound=BaseModel)

# Id ranges that look like Ozon's and never collide with each other.
FIRST_PRODUCT_ID = 1_000_000_001
FIRST_SKU = 2_000_000_001


class Domains:
    """Pydantic state per domain (postings, acts, catalog edits ...), created on first use.

    Each domain keeps its own model, keyed by the model's qualified name, so domains are added
    without touching this class; snapshots carry them as plain JSON, parsed again on first use.
    """

    def __init__(self, raw: dict[str, Any] | None = None) -> None:
        self._models: dict[str, BaseModel] = {}
        self._raw: dict[str, Any] = dict(raw or {})

    def get(self, model: type[D]) -> D:
        """The state of one domain."""
        key = f"{model.__module__}.{model.__qualname__}"
        current = self._models.get(key)
        if current is None:
            raw = self._raw.pop(key, None)
            current = model() if raw is None else model.model_validate(raw)
            self._models[key] = current
        return current  # type: ignore[return-value]

    def to_snapshot(self) -> dict[str, Any]:
        """Plain JSON of every domain, for the sandbox snapshot."""
        return {**self._raw, **{k: v.model_dump(mode="json") for k, v in self._models.items()}}


class SharedState:
    """State that is Ozon's and the same for every seller (the category model's edits).

    Domains work as on an account (`domain(model)`), so a domain module chooses per call
    whether a thing is the seller's or Ozon's.
    """

    def __init__(self, raw: dict[str, Any] | None = None) -> None:
        self._domains = Domains(raw)

    def domain(self, model: type[D]) -> D:
        """The sandbox-wide state of one domain, created on first use."""
        return self._domains.get(model)

    def to_snapshot(self) -> dict[str, Any]:
        """Plain JSON of every domain, for the sandbox snapshot."""
        return self._domains.to_snapshot()


class AccountState:
    """Mutable state of one seller account, indexed for the sandbox's lookups."""

    def __init__(self) -> None:
        self.warehouses: dict[int, Warehouse] = {}
        self.products: dict[str, Product] = {}
        self.offer_by_product_id: dict[int, str] = {}
        self.offer_by_sku: dict[int, str] = {}
        self.stocks: dict[tuple[str, int], StockLevel] = {}
        self.next_product_id = FIRST_PRODUCT_ID
        self.next_sku = FIRST_SKU
        self._sorted_ids: list[int] | None = None
        self._domains = Domains()
        self.outbox: list[dict[str, Any]] = []

    def domain(self, model: type[D]) -> D:
        """The account's state of one domain (postings, acts, returns ...), created on first use."""
        return self._domains.get(model)

    def emit(self, message: dict[str, Any]) -> None:
        """Queue a push notification (Ozon's payload, with ``message_type``) for delivery."""
        self.outbox.append(message)

    def allocate_ids(self) -> tuple[int, int]:
        """A fresh (product_id, sku) pair."""
        while self.next_product_id in self.offer_by_product_id:
            self.next_product_id += 1
        while self.next_sku in self.offer_by_sku:
            self.next_sku += 1
        ids = (self.next_product_id, self.next_sku)
        self.next_product_id += 1
        self.next_sku += 1
        return ids

    def put_product(self, product: Product) -> None:
        """Add or replace a card, keeping every index in step."""
        old = self.products.get(product.offer_id)
        if old is not None:
            self.offer_by_product_id.pop(old.product_id, None)
            self.offer_by_sku.pop(old.sku, None)
        self.products[product.offer_id] = product
        self.offer_by_product_id[product.product_id] = product.offer_id
        self.offer_by_sku[product.sku] = product.offer_id
        self._sorted_ids = None

    def by_product_id(self, product_id: int) -> Product | None:
        """The card with this Ozon product_id, if any."""
        offer_id = self.offer_by_product_id.get(product_id)
        return None if offer_id is None else self.products[offer_id]

    def by_sku(self, sku: int) -> Product | None:
        """The card with this Ozon SKU, if any."""
        offer_id = self.offer_by_sku.get(sku)
        return None if offer_id is None else self.products[offer_id]

    def product_ids_after(self, last_product_id: int) -> list[int]:
        """All product_ids greater than ``last_product_id``, ascending (Ozon's listing order)."""
        if self._sorted_ids is None:
            self._sorted_ids = sorted(self.offer_by_product_id)
        start = bisect.bisect_right(self._sorted_ids, last_product_id)
        return self._sorted_ids[start:]

    def stocks_of(self, offer_id: str) -> list[tuple[int, StockLevel]]:
        """(warehouse_id, level) for every warehouse holding a level for this offer."""
        return [
            (wid, level)
            for wid in self.warehouses
            if (level := self.stocks.get((offer_id, wid))) is not None
        ]

    def to_snapshot(
        self, client_id: str, api_key: SecretStr, faults: FaultSettings
    ) -> AccountSnapshot:
        """Serialisable copy of the account."""
        return AccountSnapshot(
            client_id=client_id,
            api_key=api_key,
            warehouses=list(self.warehouses.values()),
            products=list(self.products.values()),
            stocks=[
                StockRow(
                    offer_id=offer_id,
                    warehouse_id=wid,
                    present=level.present,
                    reserved=level.reserved,
                    updated_at=level.updated_at,
                )
                for (offer_id, wid), level in self.stocks.items()
            ],
            faults=faults,
            next_product_id=self.next_product_id,
            next_sku=self.next_sku,
            domains=self._domains.to_snapshot(),
            outbox=list(self.outbox),
        )

    @classmethod
    def from_snapshot(cls, snapshot: AccountSnapshot) -> AccountState:
        """Rebuild an account (and its indexes) from a snapshot."""
        state = cls()
        for warehouse in snapshot.warehouses:
            state.warehouses[warehouse.warehouse_id] = warehouse
        for product in snapshot.products:
            state.put_product(product)
        for row in snapshot.stocks:
            state.stocks[(row.offer_id, row.warehouse_id)] = StockLevel(
                present=row.present, reserved=row.reserved, updated_at=row.updated_at
            )
        state.next_product_id = max(snapshot.next_product_id, FIRST_PRODUCT_ID)
        state.next_sku = max(snapshot.next_sku, FIRST_SKU)
        state._domains = Domains(snapshot.domains)
        state.outbox = list(snapshot.outbox)
        return state


def parse_money(value: str) -> Decimal | None:
    """Ozon's decimal-string money ("1448", "99.90"); None when it is not a number."""
    try:
        number = Decimal(value)
    except ArithmeticError:
        return None
    return number if number.is_finite() else None
