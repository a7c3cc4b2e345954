"""Ozon's error replies: a gRPC-gateway status body with the matching HTTP status.

Every non-200 reply from Ozon carries ``{"code": ..., "message": ..., "details": []}``. The
``code`` is a gRPC status number for most errors, but some families (the product-import limiter)
send a string such as ``"RESOURCE_EXHAUSTED"``; the sandbox keeps both forms so clients are tested
against what Ozon really sends.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

# gRPC status codes Ozon puts in ``code`` (the gateway maps them onto HTTP statuses).
GRPC_INVALID_ARGUMENT = 3
GRPC_NOT_FOUND = 5
GRPC_PERMISSION_DENIED = 7
GRPC_RESOURCE_EXHAUSTED = 8
GRPC_UNIMPLEMENTED = 12
GRPC_INTERNAL = 13
GRPC_UNAVAILABLE = 14
GRPC_UNAUTHENTICATED = 16


class ErrorDetail(BaseModel):
    """One entry of ``details`` (``protobuf.Any``); Ozon mostly leaves the list empty."""

    typeUrl: str = ""
    value: str = ""


class ErrorBody(BaseModel):
    """Ozon's error body (``rpcStatus``)."""

    code: int | str
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class OzonApiError(Exception):
    """Raised anywhere inside a method to answer with Ozon's error body and HTTP status."""

    def __init__(
        self,
        status: int,
        code: int | str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"HTTP {status} {code}: {message}")
        self.status = status
        self.body = ErrorBody(code=code, message=message)
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        """The HTTP reply Ozon would send for this error."""
        return JSONResponse(self.body.model_dump(), status_code=self.status, headers=self.headers)


def bad_request(message: str) -> OzonApiError:
    """HTTP 400: a parameter is missing, malformed or out of bounds."""
    return OzonApiError(400, GRPC_INVALID_ARGUMENT, message)


def unauthenticated(message: str) -> OzonApiError:
    """HTTP 401 with gRPC UNAUTHENTICATED: the call carries no credentials at all."""
    return OzonApiError(401, GRPC_UNAUTHENTICATED, message)


def forbidden(message: str) -> OzonApiError:
    """HTTP 403: the key is unknown, deactivated or lacks a role."""
    return OzonApiError(403, GRPC_PERMISSION_DENIED, message)


METHOD_NOT_ALLOWED = "method is not allowed"


def not_found(message: str = "Not Found") -> OzonApiError:
    """HTTP 404: no such object."""
    return OzonApiError(404, GRPC_NOT_FOUND, message)


def unknown_method() -> OzonApiError:
    """HTTP 404 for a path Ozon does not serve, with the text of Ozon's common errors."""
    return OzonApiError(404, GRPC_NOT_FOUND, METHOD_NOT_ALLOWED)


def conflict(message: str) -> OzonApiError:
    """HTTP 409: the request clashes with the object's current state."""
    return OzonApiError(409, 10, message)


def rate_limited(message: str) -> OzonApiError:
    """HTTP 429 with gRPC RESOURCE_EXHAUSTED, as Ozon's per-second limiter answers."""
    return OzonApiError(429, GRPC_RESOURCE_EXHAUSTED, message)


def internal(message: str = "Internal error", status: int = 500) -> OzonApiError:
    """HTTP 5xx: Ozon's side failed (timeouts inside Ozon surface as ``Internal error``)."""
    return OzonApiError(status, GRPC_INTERNAL, message)


def circle_open() -> OzonApiError:
    """Ozon's circuit breaker after request floods; it recovers on its own after a while."""
    return OzonApiError(503, GRPC_UNAVAILABLE, "Circle is open")
