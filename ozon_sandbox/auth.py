"""Client-Id + Api-Key check, answered with Ozon's own error bodies."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Protocol, TypeVar

from pydantic import SecretStr

from ozon_sandbox.errors import forbidden, unauthenticated

MISSING_HEADERS = "Client-Id and Api-Key headers are required"
INVALID_KEY = "Invalid Api-Key, please contact support"


class HasApiKey(Protocol):
    """Anything that knows an account's key."""

    api_key: SecretStr


A = TypeVar("A", bound=HasApiKey)


def authenticate(headers: Mapping[str, str], accounts: Mapping[str, A]) -> tuple[str, A]:
    """Return (Client-Id, account) for valid headers, else raise Ozon's 401/403 error.

    An unknown Client-Id and a wrong key give the same answer, so the sandbox, like Ozon, does
    not reveal which accounts exist.
    """
    client_id = headers.get("client-id", "").strip()
    api_key = headers.get("api-key", "").strip()
    if not client_id or not api_key:
        raise unauthenticated(MISSING_HEADERS)
    account = accounts.get(client_id)
    if account is None or not hmac.compare_digest(
        account.api_key.get_secret_value().encode(), api_key.encode()
    ):
        raise forbidden(INVALID_KEY)
    return client_id, account


ADMIN_TOKEN_REQUIRED = "the sandbox admin surface needs Authorization: Bearer <admin token>"


def admin_allowed(headers: Mapping[str, str], token: SecretStr | None) -> bool:
    """Whether an admin call may proceed: always without a token configured, else on a match."""
    if token is None:
        return True
    scheme, _, given = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return False
    return hmac.compare_digest(token.get_secret_value().encode(), given.strip().encode())
