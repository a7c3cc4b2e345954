"""Opaque paging cursors: base64 of a small JSON object, as in Ozon's documentation examples.

Clients only store and echo them; a cursor that was not issued by the sandbox is a 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from ozon_sandbox.errors import bad_request


def encode_cursor(position: dict[str, Any]) -> str:
    """Opaque token for the next page."""
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.b64encode(raw).decode()


def decode_cursor(token: str, field: str = "cursor") -> dict[str, Any]:
    """Position stored in ``token``; an empty token means the first page."""
    if not token:
        return {}
    try:
        position = json.loads(base64.b64decode(token.encode(), validate=True))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise bad_request(f"invalid {field}") from exc
    if not isinstance(position, dict):
        raise bad_request(f"invalid {field}")
    return position


def encode_last_id(product_id: int) -> str:
    """``last_id`` of ``/v3/product/list``: base64 of ``[id, id]`` like Ozon's own."""
    return base64.b64encode(json.dumps([product_id, product_id]).replace(" ", "").encode()).decode()


def decode_last_id(token: str) -> int:
    """Product id a ``last_id`` points at; 0 for the first page."""
    if not token:
        return 0
    try:
        value = json.loads(base64.b64decode(token.encode(), validate=True))
        return int(value[0])
    except (binascii.Error, ValueError, UnicodeDecodeError, TypeError, IndexError, KeyError) as exc:
        raise bad_request("invalid last_id") from exc
