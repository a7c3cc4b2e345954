"""The low-code part: staff-editable YAML rules, validated with errors naming file, line and field.

Values are validated strictly (`buffer: true` or `buffer: "2"` is an error, not 1 or 2), YAML
keys must not repeat, and the warehouse mapping must be unambiguous (see `NovexSettings`).
"""

from __future__ import annotations

import fnmatch
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from novex_assets.config_loader import (
    ConfigError,
    YamlDocument,
    load_config_file,
    load_yaml_file,
    validate_document,
)

__all__ = [
    "ConfigError",
    "NovexSettings",
    "YamlDocument",
    "load_config_file",
    "load_settings",
    "load_yaml_file",
    "validate_document",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = REPO_ROOT / "config" / "novex.yaml"


class _Strict(BaseModel):
    # Unknown keys are errors. Types are checked strictly by the loader (`validate_document`:
    # YAML's `true` or "5" is no number there), so code and tests may still build these models
    # from plain Python values.
    model_config = ConfigDict(extra="forbid", frozen=True)


class OzonAccount(_Strict):
    """One Ozon seller account; the key itself is read from the environment variable named here."""

    name: str
    client_id: str = Field(pattern=r"^\d+$")
    api_key_env: str = "OZON_API_KEY"

    @field_validator("client_id", mode="before")
    @classmethod
    def _digits_as_text(cls, value: object) -> object:
        # Ozon shows the Client-Id as a number, so staff write it unquoted; that one is safe.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value


class OzonSettings(_Strict):
    """The `ozon` section: the seller accounts to sync with; the first one is the main account."""

    # One account per code location: each account has its own limits and its own push jobs.
    accounts: list[OzonAccount] = Field(min_length=1, max_length=1)

    @property
    def main(self) -> OzonAccount:
        """The main account (the first listed), used for the connection and the sandbox."""
        return self.accounts[0]


class WarehouseMapping(_Strict):
    """Which Ozon FBS warehouse an Infor site's stock is published to."""

    infor_site: str = Field(min_length=1)
    ozon_warehouse_id: int = Field(gt=0)
    name: str = ""
    merge_sites: bool = Field(
        default=False,
        description="Set on every entry of an Ozon warehouse fed by several Infor sites "
        "(their stock is summed); without it a shared warehouse is refused as a mistake.",
    )
    timezone: str = Field(
        default="Europe/Moscow",
        description="IANA zone the warehouse works in; cut-offs and pack-by times are shown in it.",
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone: {value!r}") from None
        return value


class Match(_Strict):
    """Glob patterns; every given pattern must match for a rule override to apply."""

    offer_id: str | None = None
    category_code: str | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Match:
        if self.offer_id is None and self.category_code is None:
            raise ValueError("match needs offer_id and/or category_code")
        return self

    def matches(self, offer_id: str, category_code: str) -> bool:
        """Whether the item's offer_id and category_code satisfy every given pattern."""
        return (self.offer_id is None or fnmatch.fnmatchcase(offer_id, self.offer_id)) and (
            self.category_code is None or fnmatch.fnmatchcase(category_code, self.category_code)
        )


class StockRule(_Strict):
    """A `stock_rules` rule: units held back per warehouse, publish threshold and cap."""

    buffer: int = Field(default=0, ge=0)
    min_to_publish: int = Field(default=1, ge=0)
    max_stock: int = Field(default=999_999, ge=0, lt=1_000_000)


class StockOverride(_Strict):
    """A `stock_rules.overrides` entry: the fields that replace the default for matching items."""

    match: Match
    buffer: int | None = Field(default=None, ge=0)
    min_to_publish: int | None = Field(default=None, ge=0)
    max_stock: int | None = Field(default=None, ge=0, lt=1_000_000)


class StockRules(_Strict):
    """The `stock_rules` section: how much free stock is published to Ozon per item."""

    default: StockRule = StockRule()
    max_drop_share: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Block the push when published units fall by more than this share at once "
        "(an empty or cut-off export must not zero the shop).",
    )
    max_zeroed_share: float = Field(
        default=0.1,
        gt=0,
        le=1,
        description="Block the push when more than this share of the products with stock on "
        "Ozon would go to zero at once.",
    )
    min_snapshot_share: float = Field(
        default=0.9,
        gt=0,
        le=1,
        description="A source file with fewer data lines than this share of the largest of the "
        "last three loaded is incomplete: products it lacks keep what Ozon shows.",
    )
    overrides: list[StockOverride] = []

    def for_item(self, offer_id: str, category_code: str) -> StockRule:
        """The default rule with the first matching override laid over it."""
        for override in self.overrides:
            if override.match.matches(offer_id, category_code):
                changes = override.model_dump(exclude={"match"}, exclude_none=True)
                return self.default.model_copy(update=changes)
        return self.default


class PriceRule(_Strict):
    """A `price_rules` rule: markup on the SAP base price, rounding, floor and derived prices."""

    markup_pct: float = Field(default=0.0, ge=-50, le=1000)
    rounding_step: float = Field(default=1.0, gt=0)
    rounding_mode: Literal["ceil", "nearest", "floor"] = "ceil"
    min_price: float = Field(default=1.0, gt=0)
    old_price_pct: float = Field(default=0.0, ge=0, lt=900)
    min_price_pct: float = Field(default=0.0, ge=0, lt=100)


class PriceOverride(_Strict):
    """A `price_rules.overrides` entry: the fields that replace the default for matching items."""

    match: Match
    markup_pct: float | None = Field(default=None, ge=-50, le=1000)
    rounding_step: float | None = Field(default=None, gt=0)
    rounding_mode: Literal["ceil", "nearest", "floor"] | None = None
    min_price: float | None = Field(default=None, gt=0)
    old_price_pct: float | None = Field(default=None, ge=0, lt=900)
    min_price_pct: float | None = Field(default=None, ge=0, lt=100)


class PriceRules(_Strict):
    """The `price_rules` section: Ozon prices per item and the largest change allowed per push."""

    default: PriceRule = PriceRule()
    overrides: list[PriceOverride] = []
    max_change_share: float = Field(default=0.5, gt=0)

    def for_item(self, offer_id: str, category_code: str) -> PriceRule:
        """The default rule with the first matching override laid over it."""
        for override in self.overrides:
            if override.match.matches(offer_id, category_code):
                changes = override.model_dump(exclude={"match"}, exclude_none=True)
                return self.default.model_copy(update=changes)
        return self.default


class SyncSettings(_Strict):
    """The `sync` section: Ozon batch sizes, the snapshot sensor interval and the schedules."""

    stock_batch_size: int = Field(default=100, ge=1, le=100)
    price_batch_size: int = Field(default=1000, ge=1, le=1000)
    snapshot_sensor_interval_s: int = Field(default=60, ge=5)
    reconcile_cron: str = "17 * * * *"
    price_sync_cron: str = "*/30 * * * *"
    # Pushing to Ozon: calls in flight, per-call timeout, and the account's push lease.
    push_concurrency: int = Field(default=4, ge=1, le=16)
    ozon_timeout_s: float = Field(default=30.0, gt=0, le=300)
    push_lease_ttl_s: float = Field(default=120.0, ge=1, le=3600)
    push_lease_wait_s: float = Field(default=900.0, ge=0, le=86400)

    @field_validator("reconcile_cron", "price_sync_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        from dagster._utils.schedules import is_valid_cron_string

        if not is_valid_cron_string(value):
            raise ValueError(f"not a valid cron expression: {value!r}")
        return value


class CatalogSettings(_Strict):
    """The `catalog` section: refreshing Ozon's category model and the category mapping."""

    refresh_cron: str = "40 3 * * *"
    mapping_file: str = "category_mapping.csv"  # relative paths: beside this config file
    attributes_max_age_hours: float = Field(default=24, ge=0)
    dictionary_max_age_hours: float = Field(default=168, ge=0)
    dictionary_page_size: int = Field(default=2000, ge=1, le=2000)
    dictionary_walk_limit: int = Field(default=20_000, ge=1)
    search_attribute_ids: list[int] = Field(default_factory=lambda: [85])
    suggestions_per_category: int = Field(default=3, ge=1, le=10)
    min_suggestion_score: float = Field(default=45, ge=0, le=100)
    new_pair_sensor_interval_s: int = Field(default=60, ge=5)

    @field_validator("refresh_cron")
    @classmethod
    def _catalog_cron(cls, value: str) -> str:
        return SyncSettings._cron(value)


class OrdersSettings(_Strict):
    """The `orders` section: what happens to postings we cannot serve, and the order schedules."""

    # What to do with a posting whose offer is unknown or short of stock: `hold` leaves it as an
    # exception for staff; `cancel` also cancels it on Ozon with the reason id below.
    unknown_offer_action: Literal["hold", "cancel"] = "hold"
    short_stock_action: Literal["hold", "cancel"] = "cancel"
    unknown_offer_reason_id: int = Field(default=402, gt=0)
    short_stock_reason_id: int = Field(default=352, gt=0)
    infor_sensor_interval_s: int = Field(default=30, ge=5)
    label_delay_s: int = Field(
        default=45, ge=0, description="Ozon prints labels this long after packing."
    )
    # The handover schedule only asks; an act is created once Ozon's cut-off of the delivery
    # method is this near (Ozon's clock), so the cron must fire at least this often.
    acts_cron: str = "*/10 * * * *"
    act_lead_minutes: int = Field(
        default=15,
        ge=1,
        le=24 * 60,
        description="Create a method's act this long before its cut-off.",
    )
    act_wait_s: int = Field(
        default=300,
        ge=0,
        le=3600,
        description="Seconds (Ozon's clock) a run waits for a new act's documents; "
        "an act still forming then is finished by the next run.",
    )
    returns_cron: str = "*/20 * * * *"
    returns_lookback_days: int = Field(default=30, ge=1, le=365)

    @field_validator("acts_cron", "returns_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        from dagster._utils.schedules import is_valid_cron_string

        if not is_valid_cron_string(value):
            raise ValueError(f"not a valid cron expression: {value!r}")
        return value


class OrdersIntakeSettings(_Strict):
    """The `orders_intake` section: the push receiver, the inbox sensor and the polling net."""

    receiver_host: str = "0.0.0.0"
    receiver_port: int = Field(default=8080, ge=1, le=65535)
    # Ozon's published source networks (API-NOTES §11); empty = accept every source.
    allowed_networks: list[str] = []
    # Only behind a proxy we run: then the client address is the last X-Forwarded-For hop.
    trust_forwarded_for: bool = False
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    inbox_sensor_interval_s: int = Field(default=15, ge=1)
    inbox_batch_size: int = Field(default=500, ge=1, le=10_000)
    # Messages a run left unprocessed get one more run per this interval.
    inbox_retry_interval_s: int = Field(default=300, ge=10)
    poll_cron: str = "*/5 * * * *"
    # Re-read this much before the watermark: a status change committed late on Ozon's side.
    poll_overlap_s: int = Field(default=300, ge=0)
    # How far back the first poll looks.
    poll_initial_lookback_h: int = Field(default=72, ge=1, le=24 * 365)

    @field_validator("allowed_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError as exc:
                raise ValueError(f"not an IP network: {item!r}") from exc
        return value

    @field_validator("poll_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        from dagster._utils.schedules import is_valid_cron_string

        if not is_valid_cron_string(value):
            raise ValueError(f"not a valid cron expression: {value!r}")
        return value


class NovexSettings(_Strict):
    """The whole validated configuration."""

    ozon: OzonSettings
    warehouses: list[WarehouseMapping] = Field(min_length=1)
    stock_rules: StockRules = StockRules()
    price_rules: PriceRules = PriceRules()
    sync: SyncSettings = SyncSettings()
    catalog: CatalogSettings = CatalogSettings()
    orders: OrdersSettings = OrdersSettings()
    orders_intake: OrdersIntakeSettings = OrdersIntakeSettings()

    @field_validator("warehouses")
    @classmethod
    def _unique_sites(cls, value: list[WarehouseMapping]) -> list[WarehouseMapping]:
        # One site's stock published to two warehouses would be sold twice.
        first: dict[str, int] = {}
        for i, w in enumerate(value):
            site = w.infor_site.strip().casefold()
            if site in first:
                j = first[site]
                raise PydanticCustomError(
                    "site_mapped_twice",
                    "Infor site {site} is mapped twice (also warehouses.{other}); "
                    "a site's stock can feed only one Ozon warehouse",
                    {"site": w.infor_site, "other": j, "at": i},
                )
            first[site] = i
        return value

    @field_validator("warehouses")
    @classmethod
    def _shared_warehouse_is_explicit(cls, value: list[WarehouseMapping]) -> list[WarehouseMapping]:
        # A copy-pasted warehouse id silently moves a site's stock and zeroes the other one.
        by_warehouse: dict[int, list[int]] = {}
        for i, w in enumerate(value):
            by_warehouse.setdefault(w.ozon_warehouse_id, []).append(i)
        for warehouse_id, entries in by_warehouse.items():
            if len(entries) < 2:
                continue
            unmarked = [i for i in entries if not value[i].merge_sites]
            if unmarked:
                sites = ", ".join(f"{value[i].infor_site} (warehouses.{i})" for i in entries)
                raise PydanticCustomError(
                    "warehouse_mapped_twice",
                    "Ozon warehouse {warehouse} is fed by several Infor sites: {sites}; "
                    "if their stock is to be summed, set merge_sites: true on each of them",
                    {"warehouse": warehouse_id, "sites": sites, "at": unmarked[0]},
                )
        return value

    def site_to_warehouse(self) -> dict[str, int]:
        """Map each Infor site to the Ozon warehouse its stock is published to."""
        return {w.infor_site: w.ozon_warehouse_id for w in self.warehouses}

    def warehouse_timezone(self, warehouse_id: int) -> str:
        """The zone a warehouse works in (its first mapped site's); UTC when not configured."""
        for w in self.warehouses:
            if w.ozon_warehouse_id == warehouse_id:
                return w.timezone
        return "UTC"


def load_settings(path: str | Path | None = None) -> NovexSettings:
    """Load and validate the config at `path`, `$NOVEX_CONFIG`, or the shipped default."""
    resolved = Path(path or os.environ.get("NOVEX_CONFIG") or DEFAULT_CONFIG)
    return load_config_file(resolved, NovexSettings)


@lru_cache(maxsize=8)
def cached_settings(path: str | None = None) -> NovexSettings:
    """Settings loaded once per process and path (Dagster code locations reload per process)."""
    return load_settings(path)
