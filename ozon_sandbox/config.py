"""How a sandbox is started: accounts, clock speed, persistence, randomness and default faults."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator


class FaultSettings(BaseModel):
    """Injected failures for one account; rates are probabilities per request (0..1)."""

    model_config = ConfigDict(extra="forbid")

    rate_429: float = Field(0.0, ge=0, le=1, description="Share of requests answered 429.")
    rate_5xx: float = Field(0.0, ge=0, le=1, description="Share of requests answered 5xx.")
    status_5xx: int = Field(500, ge=500, le=599, description="HTTP status for injected 5xx.")
    slow_rate: float = Field(0.0, ge=0, le=1, description="Share of requests answered late.")
    slow_seconds: float = Field(
        0.0, ge=0, le=120, description="Real seconds a slow reply is held back."
    )
    circle_open_seconds: float = Field(
        0.0,
        ge=0,
        description="Sandbox seconds from injection during which every call gets `Circle is open`.",
    )
    methods: list[str] | None = Field(
        None, description="Only these Ozon paths are affected; None means all of them."
    )

    @property
    def is_clear(self) -> bool:
        """True when no fault of any kind is configured."""
        return not (self.rate_429 or self.rate_5xx or self.slow_rate or self.circle_open_seconds)


class PushSettings(BaseModel):
    """Push delivery defaults; off unless a URL is given (accounts can set their own via admin).

    Network waits are real seconds (they bound how long a receiver may take); retry gaps,
    suspension spans and the ping interval are sandbox seconds, so tests advance the clock.
    """

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(
        None, description="Receiver URL every account starts with; None = push off."
    )
    timeout_seconds: float = Field(
        5.0, gt=0, le=60, description="Real seconds to wait for a reply before REQUEST_TIMEOUT."
    )
    slow_reply_seconds: float = Field(
        5.0, gt=0, description="Real seconds above which a reply counts as slow (suspension)."
    )
    ping_interval_seconds: float = Field(
        3600.0, ge=0, description="Sandbox seconds between periodic TYPE_PING (0 = none)."
    )
    health_window: int = Field(
        20, ge=1, description="Recent attempts judged for the 'half answered 200' and slow rules."
    )
    health_min_attempts: int = Field(
        10, ge=1, description="Attempts needed in the window before those rules can suspend."
    )
    failing_suspend_seconds: float = Field(
        86400.0, gt=0, description="Sandbox seconds of only failed attempts before suspension."
    )
    unreachable_suspend_seconds: float = Field(
        3600.0, gt=0, description="Sandbox seconds of only connection errors before suspension."
    )
    poll_interval_seconds: float = Field(
        0.05, gt=0, description="Real seconds between background delivery passes."
    )
    background: bool = Field(
        True, description="Deliver from a background loop; False = only on admin deliver calls."
    )


class SandboxConfig(BaseModel):
    """Everything ``create_app`` needs; API keys are secrets and never printed."""

    model_config = ConfigDict(extra="forbid")

    accounts: dict[str, SecretStr] = Field(
        default_factory=dict, description="Client-Id → Api-Key of every seller account served."
    )
    time_factor: float = Field(
        1.0, ge=0, description="Sandbox seconds per real second (0 = only manual advances)."
    )
    state_file: Path | None = Field(
        None, description="Where state is loaded at start and saved at shutdown and on save."
    )
    seed: int = Field(0, description="Seed for injected faults, so failures are reproducible.")
    faults: FaultSettings = Field(
        default_factory=FaultSettings, description="Faults every account starts with."
    )
    push: PushSettings = Field(
        default_factory=PushSettings, description="Push notification delivery (default off)."
    )
    admin_token: SecretStr | None = Field(
        None,
        description="When set, every /sandbox/ call must carry `Authorization: Bearer <token>`; "
        "None leaves the admin surface open (local use).",
    )

    @model_validator(mode="after")
    def _ids_are_numeric(self) -> SandboxConfig:
        # Ozon's Client-Id is a number; a typo here would otherwise only show up as 403s.
        for client_id in self.accounts:
            if not client_id.isdigit():
                raise ValueError(f"accounts: Client-Id {client_id!r} must be digits")
        return self
