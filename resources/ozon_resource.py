"""Dagster resource that hands assets an ``OzonClient`` for one seller account.

Nothing here reads the environment when the code location is imported: the key arrives as a
``dg.EnvVar`` (resolved by Dagster when a run starts), and an unset optional setting falls back
to its variable and then its documented default only when a client is made.
"""

from __future__ import annotations

import os

import dagster as dg
from pydantic import Field

from resources.ozon import OzonClient
from resources.ozon.constants import DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_S

BASE_URL_ENV = "OZON_API_URL"
CLIENT_ID_ENV = "OZON_CLIENT_ID"
TIME_SCALE_ENV = "OZON_TIME_SCALE"
TIMEOUT_ENV = "OZON_TIMEOUT_S"
# The default is the local sandbox, never real Ozon: production names its URL explicitly.
LOCAL_SANDBOX_URL = "http://127.0.0.1:8765"


class OzonConfigError(ValueError):
    """The Ozon connection cannot be made from the resource's config and environment."""


class OzonResource(dg.ConfigurableResource):
    """Connection settings for the Ozon Seller API (or the sandbox); the key comes from the env."""

    base_url: str | None = Field(
        default=None,
        description="Root URL of the Ozon Seller API (https://api-seller.ozon.ru), or of the "
        f"Ozon sandbox. Unset: ${BASE_URL_ENV}, else the local sandbox {LOCAL_SANDBOX_URL}.",
    )
    client_id: str | None = Field(
        default=None,
        description=f"The seller's Client-Id. Unset: ${CLIENT_ID_ENV}, else default_client_id.",
    )
    default_client_id: str | None = Field(
        default=None,
        description="The Client-Id of the config's main account, used when neither client_id "
        f"nor ${CLIENT_ID_ENV} is set.",
    )
    api_key: str = Field(
        repr=False,
        description='The seller\'s Api-Key; set it with dg.EnvVar("OZON_API_KEY"), never inline.',
    )
    time_scale: float | None = Field(
        default=None,
        gt=0,
        description="Speed of Ozon's clock: rate-limit windows and backoffs are divided by it "
        "(1 for real Ozon; match the sandbox's scale in demos and benchmarks). "
        f"Unset: ${TIME_SCALE_ENV}, else 1.",
    )
    timeout_s: float | None = Field(
        default=None,
        gt=0,
        description="Seconds allowed per HTTP attempt. "
        f"Unset: ${TIMEOUT_ENV}, else default_timeout_s, else {DEFAULT_TIMEOUT_S}.",
    )
    default_timeout_s: float | None = Field(
        default=None, gt=0, description="The config's `sync.ozon_timeout_s`."
    )
    max_attempts: int = Field(
        default=DEFAULT_MAX_ATTEMPTS,
        ge=1,
        description="Attempts per call, the first included, on 429, 5xx, timeouts and "
        "connection errors.",
    )

    def resolved_base_url(self) -> str:
        """The URL in force: config, else `$OZON_API_URL`, else the local sandbox."""
        return self.base_url or os.environ.get(BASE_URL_ENV) or LOCAL_SANDBOX_URL

    def resolved_client_id(self) -> str:
        """The Client-Id in force: config, else `$OZON_CLIENT_ID`, else the config's account."""
        value = self.client_id or os.environ.get(CLIENT_ID_ENV) or self.default_client_id
        if not value:
            raise OzonConfigError(
                f"no Ozon Client-Id: set the resource's client_id or ${CLIENT_ID_ENV}"
            )
        return value

    def resolved_time_scale(self) -> float:
        """The clock scale in force: config, else `$OZON_TIME_SCALE`, else 1."""
        if self.time_scale is not None:
            return self.time_scale
        raw = os.environ.get(TIME_SCALE_ENV, "").strip()
        if not raw:
            return 1.0
        try:
            value = float(raw)
        except ValueError:
            value = 0.0
        if not value > 0:
            raise OzonConfigError(f"${TIME_SCALE_ENV} must be a positive number, got {raw!r}")
        return value

    def resolved_timeout_s(self) -> float:
        """Seconds per attempt: config, else `$OZON_TIMEOUT_S`, else the config file's value."""
        if self.timeout_s is not None:
            return self.timeout_s
        raw = os.environ.get(TIMEOUT_ENV, "").strip()
        if not raw:
            return self.default_timeout_s or DEFAULT_TIMEOUT_S
        try:
            value = float(raw)
        except ValueError:
            value = 0.0
        if not value > 0:
            raise OzonConfigError(f"${TIMEOUT_ENV} must be a positive number, got {raw!r}")
        return value

    def get_client(self) -> OzonClient:
        """A new client; use it as a context manager so its HTTP connections are closed."""
        return OzonClient(
            self.resolved_base_url(),
            self.resolved_client_id(),
            self.api_key,
            time_scale=self.resolved_time_scale(),
            timeout=self.resolved_timeout_s(),
            max_attempts=self.max_attempts,
        )
