"""Hands assets the validated low-code configuration."""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from novex_assets.settings import NovexSettings, cached_settings


class SettingsResource(dg.ConfigurableResource):
    """The staff-editable rules (warehouses, stock and price rules, intervals)."""

    config_path: str | None = Field(
        default=None,
        description="Path of the YAML config; "
        "empty means $NOVEX_CONFIG or the shipped config/novex.yaml.",
    )

    def get(self) -> NovexSettings:
        """The validated settings (loaded once per process)."""
        return cached_settings(self.config_path)
