"""The low-code part: staff-editable YAML rules, validated with errors naming file and field."""

from __future__ import annotations

import fnmatch
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = REPO_ROOT / "config" / "novex.yaml"


class ConfigError(ValueError):
    """A config file is missing or invalid; the message names the file and each bad field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OzonAccount(_Strict):
    """One Ozon seller account; the key itself is read from the environment variable named here."""

    name: str
    client_id: str = Field(pattern=r"^\d+$")
    api_key_env: str = "OZON_API_KEY"


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

    @field_validator("reconcile_cron", "price_sync_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        from dagster._utils.schedules import is_valid_cron_string

        if not is_valid_cron_string(value):
            raise ValueError(f"not a valid cron expression: {value!r}")
        return value


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
    acts_cron: str = "30 * * * *"
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
    orders: OrdersSettings = OrdersSettings()
    orders_intake: OrdersIntakeSettings = OrdersIntakeSettings()

    @field_validator("warehouses")
    @classmethod
    def _unique_sites(cls, value: list[WarehouseMapping]) -> list[WarehouseMapping]:
        sites = [w.infor_site for w in value]
        dupes = sorted({s for s in sites if sites.count(s) > 1})
        if dupes:
            raise ValueError(f"Infor site mapped twice: {', '.join(dupes)}")
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


def _format_errors(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}: {exc.error_count()} invalid field(s)"]
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        lines.append(f"  {where}: {err['msg']}")
    return "\n".join(lines)


def load_settings(path: str | Path | None = None) -> NovexSettings:
    """Load and validate the config at `path`, `$NOVEX_CONFIG`, or the shipped default."""
    resolved = Path(path or os.environ.get("NOVEX_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = yaml.safe_load(resolved.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{resolved}: config file not found") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{resolved}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{resolved}: expected a mapping at the top level")
    try:
        return NovexSettings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_format_errors(resolved, exc)) from exc


@lru_cache(maxsize=8)
def cached_settings(path: str | None = None) -> NovexSettings:
    """Settings loaded once per process and path (Dagster code locations reload per process)."""
    return load_settings(path)
