"""``create_app``: the Starlette app serving Ozon's methods and the ``/sandbox/`` admin surface.

Every Ozon call goes through one pipeline, in Ozon's order of concerns: authentication, injected
faults, rate limits, JSON parsing, request validation, then the domain handler. Handlers run on
the event loop without awaiting, so state changes never interleave and need no locks.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from email.utils import formatdate

from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ozon_sandbox.admin import admin_routes
from ozon_sandbox.api import DOMAIN_MODULES, load_methods
from ozon_sandbox.auth import ADMIN_TOKEN_REQUIRED, admin_allowed, authenticate
from ozon_sandbox.config import SandboxConfig
from ozon_sandbox.errors import (
    GRPC_UNIMPLEMENTED,
    METHOD_NOT_ALLOWED,
    OzonApiError,
    bad_request,
    internal,
    unknown_method,
)
from ozon_sandbox.registry import (
    AdminEndpoint,
    MethodContext,
    OzonMethod,
    registered_admin_endpoints,
    registered_background_tasks,
    run_ticks,
)
from ozon_sandbox.runtime import Account, Sandbox

logger = logging.getLogger("ozon_sandbox")


def validation_message(exc: ValidationError) -> str:
    """Ozon-style 400 text naming each offending field by its JSON path."""
    parts = []
    for error in exc.errors(include_url=False):
        location = ".".join(str(p) for p in error["loc"]) or "body"
        parts.append(f"{location}: {error['msg']}")
    return "invalid request: " + "; ".join(parts)


def _method_endpoint(
    sandbox: Sandbox, method: OzonMethod
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        response = await _answer(request)
        # Ozon's replies carry its time; the sandbox's is its own (possibly fast) clock.
        response.headers["date"] = formatdate(sandbox.clock.now().timestamp(), usegmt=True)
        return response

    async def _answer(request: Request) -> Response:
        path = method.path
        try:
            client_id, account = authenticate(request.headers, sandbox.accounts)
        except OzonApiError as exc:
            sandbox.log.unauthenticated += 1
            return exc.response()
        now = sandbox.clock.monotonic()
        decision = account.faults.decide(path, now)
        if decision.error is not None:
            sandbox.log.record(client_id, path, decision.error.status, fault=decision.kind)
            return decision.error.response()
        response = await _handle(request, client_id, account, decision.kind, now)
        if decision.delay_seconds:
            # A slow reply: Ozon counted and applied the call on arrival; only the answer is
            # late, so a client that timed out cannot tell whether it took effect.
            await asyncio.sleep(decision.delay_seconds)
        return response

    async def _handle(
        request: Request, client_id: str, account: Account, fault: str | None, now: float
    ) -> Response:
        path = method.path
        try:
            account.limiter.admit_request(path, now)
        except OzonApiError as exc:
            sandbox.log.record(client_id, path, exc.status, limited=True, fault=fault)
            return exc.response()
        ctx = MethodContext(
            client_id=client_id,
            state=account.state,
            limiter=account.limiter,
            clock=sandbox.clock,
            now=now,
            now_dt=sandbox.clock.now(),
            shared=sandbox.shared,
        )
        try:
            raw = await request.body()
            try:
                payload = json.loads(raw) if raw.strip() else {}
            except ValueError as exc:
                raise bad_request("request body is not valid JSON") from exc
            if not isinstance(payload, dict):
                raise bad_request("request body must be a JSON object")
            try:
                body = method.request_model.model_validate(payload)
            except ValidationError as exc:
                raise bad_request(validation_message(exc)) from exc
            run_ticks(ctx, DOMAIN_MODULES)
            result = method.handler(ctx, body)
        except OzonApiError as exc:
            sandbox.log.record(client_id, path, exc.status, fault=fault)
            return exc.response()
        except Exception:
            logger.exception("sandbox handler for %s failed", path)
            sandbox.log.record(client_id, path, 500, fault=fault)
            return OzonApiError(500, 13, "Internal error").response()
        sandbox.log.record(
            client_id,
            path,
            200,
            fault=fault,
            items=ctx.items,
            item_errors=ctx.item_errors,
        )
        if isinstance(result, Response):
            return result
        return JSONResponse(result.model_dump(mode="json"))

    return endpoint


def _admin_endpoint(
    sandbox: Sandbox, endpoint: AdminEndpoint
) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        account = sandbox.accounts.get(request.path_params["client_id"])
        if account is None:
            return JSONResponse({"error": "no such account"}, status_code=404)
        body = None
        if endpoint.request_model is not None and request.method != "GET":
            try:
                body = endpoint.request_model.model_validate_json((await request.body()) or b"{}")
            except ValidationError as exc:
                return JSONResponse({"error": validation_message(exc)}, status_code=422)
        elif endpoint.request_model is not None and len(request.path_params) > 1:
            # A GET with parameters in its path (e.g. a file id) gets them as its body.
            params = {k: v for k, v in request.path_params.items() if k != "client_id"}
            try:
                body = endpoint.request_model.model_validate(params)
            except ValidationError as exc:
                return JSONResponse({"error": validation_message(exc)}, status_code=422)
        ctx = MethodContext(
            client_id=account.client_id,
            state=account.state,
            limiter=account.limiter,
            clock=sandbox.clock,
            now=sandbox.clock.monotonic(),
            now_dt=sandbox.clock.now(),
            shared=sandbox.shared,
        )
        try:
            run_ticks(ctx, DOMAIN_MODULES)
            result = endpoint.handler(ctx, body)
        except OzonApiError as exc:
            return JSONResponse(
                {"error": exc.body.message, "code": exc.body.code}, status_code=exc.status
            )
        if isinstance(result, Response):
            return result
        if isinstance(result, BaseModel):
            return JSONResponse(result.model_dump(mode="json"))
        return JSONResponse(result)

    return run


async def _http_error(request: Request, exc: Exception) -> Response:
    # Unknown paths and wrong verbs get Ozon's error body, not Starlette's plain text.
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 405:
        return OzonApiError(405, GRPC_UNIMPLEMENTED, METHOD_NOT_ALLOWED).response()
    if status == 404:
        return unknown_method().response()
    return OzonApiError(status, 13, "Internal error").response()


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    # Whatever fails outside a handler still answers with Ozon's JSON body, never plain text.
    logger.error("sandbox failed on %s: %r", request.url.path, exc)
    return internal().response()


class AdminGuard:
    """Refuses /sandbox/ calls without the admin token, when one is configured.

    The admin surface can reset accounts and move the clock; on a shared sandbox only its
    operator should reach it. Ozon's own paths are untouched (they have Ozon's auth).
    """

    def __init__(self, app: ASGIApp, config: SandboxConfig) -> None:
        self._app = app
        self._token = config.admin_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 401 to an admin call without the token; pass everything else on."""
        if (
            scope["type"] == "http"
            and self._token is not None
            and str(scope.get("path", "")).startswith("/sandbox/")
        ):
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            if not admin_allowed(headers, self._token):
                reply = JSONResponse({"error": ADMIN_TOKEN_REQUIRED}, status_code=401)
                await reply(scope, receive, send)
                return
        await self._app(scope, receive, send)


def create_app(config: SandboxConfig) -> Starlette:
    """Build the sandbox app; state is loaded at start and saved at shutdown if configured."""
    sandbox = Sandbox(config)
    methods = load_methods()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if config.state_file is not None and sandbox.load(config.state_file):
            logger.info("sandbox state loaded from %s", config.state_file)
        tasks = [
            asyncio.create_task(task(sandbox))
            for task in registered_background_tasks(DOMAIN_MODULES)
        ]
        yield
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if config.state_file is not None:
            sandbox.save(config.state_file)
            logger.info("sandbox state saved to %s", config.state_file)

    routes = [
        Route(path, _method_endpoint(sandbox, method), methods=["POST"])
        for path, method in sorted(methods.items())
    ]
    routes += [
        Route(
            f"/sandbox/accounts/{{client_id}}{endpoint.path}",
            _admin_endpoint(sandbox, endpoint),
            methods=list(endpoint.verbs),
        )
        for endpoint in registered_admin_endpoints()
        if endpoint.module in DOMAIN_MODULES
    ]
    routes += admin_routes(sandbox)
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error, Exception: _unexpected_error},
        middleware=[Middleware(AdminGuard, config=config)],
    )
    app.state.sandbox = sandbox
    return app
