"""The receiver's Starlette app: `POST /` from Ozon, stored in the inbox before the reply.

Nothing here calls Ozon, Infor or Dagster: the only dependency of an acknowledgement is the
store, so pushes keep being accepted (within Ozon's 5 s) while everything else is down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from resources.ozon.push import error_reply
from resources.push_receiver.intake import Intake, classify, oversized
from resources.push_receiver.network import SourceFilter
from resources.push_receiver.writer import InboxWriter
from resources.store.store import Store

logger = logging.getLogger(__name__)

APP_NAME = "novex"
APP_VERSION = "0.1.0"


@dataclass
class ReceiverConfig:
    """How the receiver behaves; built from `orders_intake` in config/novex.yaml."""

    allowed_networks: list[str] = field(default_factory=list)
    trust_forwarded_for: bool = False
    max_body_bytes: int = 1_048_576
    # Ozon gives up after 5 s; a store that has not answered by then gets a 503 instead.
    store_timeout_s: float = 4.0
    app_name: str = APP_NAME
    app_version: str = APP_VERSION


@dataclass
class ReceiverStats:
    """Counters since start (shown on GET /health)."""

    accepted: int = 0
    duplicates: int = 0
    pings: int = 0
    refused: int = 0
    forbidden: int = 0
    store_errors: int = 0


async def _read_limited(request: Request, limit: int) -> tuple[bytes, bool]:
    """The body, or its first ``limit`` bytes and True when it is longer."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        head = b""
        async for chunk in request.stream():
            head += chunk
            if len(head) > limit:
                break
        return head[:limit], True
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return bytes(body[:limit]), True
    return bytes(body), False


def create_app(store: Store, config: ReceiverConfig | None = None) -> Starlette:
    """The ASGI app over a migrated store."""
    cfg = config or ReceiverConfig()
    sources = SourceFilter(cfg.allowed_networks, trust_forwarded_for=cfg.trust_forwarded_for)
    writer = InboxWriter(store.inbox)
    stats = ReceiverStats()

    async def store_entry(intake: Intake) -> tuple[int, bool] | None:
        assert intake.entry is not None
        future = writer.submit(intake.entry)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), cfg.store_timeout_s)
        except Exception as exc:  # store down or too slow: Ozon must retry later
            stats.store_errors += 1
            logger.error("push not stored (%s): %s", intake.entry.dedup_key, exc)
            return None

    async def push(request: Request) -> JSONResponse:
        peer = request.client.host if request.client else None
        address = sources.client_address(peer, request.headers)
        if not sources.allows(address):
            stats.forbidden += 1
            logger.warning("push from %s refused: not in the allowed networks", address)
            return JSONResponse(
                error_reply("ERROR_UNKNOWN", "source address not allowed"), status_code=403
            )
        try:
            raw, too_big = await _read_limited(request, cfg.max_body_bytes)
        except ClientDisconnect:
            return JSONResponse(error_reply("ERROR_UNKNOWN", "client went away"), status_code=400)
        if too_big:
            intake = oversized(raw, cfg.max_body_bytes)
        else:
            intake = classify(raw, app_name=cfg.app_name, app_version=cfg.app_version)
        if intake.entry is None:
            stats.pings += 1
            return JSONResponse(intake.reply.body, status_code=intake.reply.status)
        stored = await store_entry(intake)
        if stored is None:
            return JSONResponse(
                error_reply("ERROR_UNKNOWN", "temporarily unable to store the message"),
                status_code=503,
            )
        if not intake.accepted:
            stats.refused += 1
            logger.warning(
                "push refused and kept as invalid #%d: %s", stored[0], intake.entry.error
            )
        elif stored[1]:
            stats.accepted += 1
        else:
            # Ozon retried (our earlier reply was lost or late): it is stored, so it is a success.
            stats.duplicates += 1
        return JSONResponse(intake.reply.body, status_code=intake.reply.status)

    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"name": cfg.app_name, "version": cfg.app_version, **stats.__dict__})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        writer.start()
        try:
            yield
        finally:
            writer.stop()

    app = Starlette(
        routes=[Route("/", push, methods=["POST"]), Route("/health", health, methods=["GET"])],
        lifespan=lifespan,
    )
    app.state.stats = stats
    return app
