"""Dagster resource that hands assets an ``OzonClient`` for one seller account."""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from resources.ozon import OzonClient
from resources.ozon.constants import DEFAULT_BASE_URL, DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_S


class OzonResource(dg.ConfigurableResource):
    """Connection settings for the Ozon Seller API (or the sandbox); the key comes from the env."""

    base_url: str = Field(
        default=DEFAULT_BASE_URL,
        description="Root URL of the Ozon Seller API, or of the Ozon sandbox for demos and tests.",
    )
    client_id: str = Field(description="The seller's Client-Id from the Ozon cabinet.")
    api_key: str = Field(
        repr=False,
        description='The seller\'s Api-Key; set it with dg.EnvVar("OZON_API_KEY"), never inline.',
    )
    time_scale: float = Field(
        default=1.0,
        gt=0,
        description="Speed of Ozon's clock: rate-limit windows and backoffs are divided by it "
        "(1 for real Ozon; match the sandbox's scale in demos and benchmarks).",
    )
    timeout_s: float = Field(
        default=DEFAULT_TIMEOUT_S, gt=0, description="Seconds allowed per HTTP attempt."
    )
    max_attempts: int = Field(
        default=DEFAULT_MAX_ATTEMPTS,
        ge=1,
        description="Attempts per call, the first included, on 429, 5xx, timeouts and "
        "connection errors.",
    )

    def get_client(self) -> OzonClient:
        """A new client; use it as a context manager so its HTTP connections are closed."""
        return OzonClient(
            self.base_url,
            self.client_id,
            self.api_key,
            time_scale=self.time_scale,
            timeout=self.timeout_s,
            max_attempts=self.max_attempts,
        )
