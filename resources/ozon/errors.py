"""One exception hierarchy for everything the Ozon Seller API can answer, plus per-item errors.

Ozon replies to failures with a gRPC-gateway status body ``{"code", "message", "details"}`` where
``code`` is an int or, on some 429s, a string; bodies are parsed tolerantly because proxies and
circuit breakers in front of Ozon return plain text too. No error ever carries the Api-Key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

_MESSAGE_RETRY_AFTER = re.compile(r"retry after (\d+(?:\.\d+)?) ?s", re.IGNORECASE)
_BAD_KEY = re.compile(
    r"api[- ]?key.*(invalid|deactivated|expired|not found)|invalid api[- ]?key", re.I
)
_BODY_SNIPPET = 500


class OzonItemError(BaseModel):
    """One entry of a batch method's per-item ``errors[]`` (HTTP 200 with a partial failure)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    code: str = ""
    message: str = ""

    @field_validator("code", "message", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        # Ozon documents codes as strings, but gRPC numbers and nulls appear in the wild.
        return "" if value is None else str(value)


class OzonError(Exception):
    """Base of every Ozon failure: which method, what HTTP status, and what Ozon said."""

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        status: int | None = None,
        code: int | str | None = None,
        details: list[Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.status = status
        self.code = code
        self.details: list[Any] = details or []

    def __str__(self) -> str:
        where = f"{self.path} " if self.path else ""
        status = f"HTTP {self.status}" if self.status is not None else "no response"
        code = f" code={self.code}" if self.code not in (None, "") else ""
        return f"{where}{status}{code}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(path={self.path!r}, status={self.status!r}, "
            f"code={self.code!r}, message={self.message!r})"
        )


class OzonAuthError(OzonError):
    """The key is missing, invalid, expired or deactivated (HTTP 401, or 403 naming the key)."""


class OzonForbiddenError(OzonError):
    """The key lacks the method's role, or the seller has not signed the current offer (403)."""


class OzonNotFoundError(OzonError):
    """Ozon does not know the object or the method (404)."""


class OzonConflictError(OzonError):
    """The object is in a state that forbids the change (409)."""


class OzonValidationError(OzonError):
    """Ozon rejected a request parameter (400); resending the same body cannot succeed."""


class OzonRateLimitedError(OzonError):
    """Ozon's limiter refused the call (429); ``retry_after`` is in seconds when Ozon said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class OzonServerError(OzonError):
    """Ozon failed on its side (5xx): "Internal error", "Circle is open"; worth retrying."""


class OzonTransportError(OzonError):
    """No usable HTTP answer: timeout or connection failure, after the client's retries."""


class OzonResponseError(OzonError):
    """Ozon answered 200 with a body that does not match the method's documented shape."""


_BY_STATUS: dict[int, type[OzonError]] = {
    400: OzonValidationError,
    401: OzonAuthError,
    403: OzonForbiddenError,
    404: OzonNotFoundError,
    409: OzonConflictError,
    429: OzonRateLimitedError,
}


def parse_retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds to wait per ``Retry-After`` (seconds or HTTP date) or ``Item-Retry-After`` (min)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    raw = lowered.get("retry-after")
    if raw:
        raw = raw.strip()
        try:
            return max(0.0, float(raw))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    item = lowered.get("item-retry-after")
    if item:
        try:
            return max(0.0, float(item.strip()) * 60.0)
        except ValueError:
            return None
    return None


def _parse_body(text: str) -> tuple[int | str | None, str, list[Any]]:
    """Return (code, message, details) from an Ozon error body, whatever it looks like."""
    try:
        data = json.loads(text) if text else None
    except ValueError:
        data = None
    if isinstance(data, dict):
        # The push-endpoint style nests the status under "error".
        inner = data.get("error")
        if isinstance(inner, dict) and "code" not in data:
            data = inner
        code = data.get("code")
        if not isinstance(code, int | str) or isinstance(code, bool):
            code = None
        message = data.get("message")
        details = data.get("details")
        return (
            code,
            message if isinstance(message, str) else "",
            details if isinstance(details, list) else [],
        )
    return None, text.strip()[:_BODY_SNIPPET], []


def error_from_response(
    path: str,
    status: int,
    body: str,
    headers: Mapping[str, str],
    *,
    secret: str = "",
) -> OzonError:
    """Build the right exception for a non-2xx answer; ``secret`` is blanked if Ozon echoes it."""
    code, message, details = _parse_body(body)
    if secret:
        message = message.replace(secret, "***")
    if not message:
        message = f"HTTP {status} without a message"
    kind: type[OzonError]
    if status >= 500:
        kind = OzonServerError
    elif status == 403 and _BAD_KEY.search(message):
        kind = OzonAuthError
    else:
        kind = _BY_STATUS.get(status, OzonError)
    if kind is OzonRateLimitedError:
        retry_after = parse_retry_after(headers)
        if retry_after is None:
            found = _MESSAGE_RETRY_AFTER.search(message)
            retry_after = float(found.group(1)) if found else None
        return OzonRateLimitedError(
            message, path=path, status=status, code=code, details=details, retry_after=retry_after
        )
    return kind(message, path=path, status=status, code=code, details=details)
