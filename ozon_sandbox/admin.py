"""The ``/sandbox/`` admin surface: seed data, read state and counters, faults, clock, save.

It lives outside Ozon's paths and needs no Ozon headers; it is for tests, demos and benchmarks
running next to the sandbox, not for clients of the emulated API.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ozon_sandbox.config import FaultSettings
from ozon_sandbox.requestlog import RequestLogSnapshot
from ozon_sandbox.runtime import Account, Sandbox
from ozon_sandbox.state import Product, StockLevel, StockRow, Warehouse, parse_money

# ---------------------------------------------------------------- models (shared with testing)


class AdminModel(BaseModel):
    """Admin bodies reject unknown fields so a typo in seed data fails loudly."""

    model_config = ConfigDict(extra="forbid")


class ClockView(AdminModel):
    """Sandbox time."""

    now: datetime
    monotonic: float
    time_factor: float


# Ten years in one call is already far more than any scenario plays; the bound (and refusing NaN
# and infinity) keeps the clock a valid date, so no Ozon path can be broken from here.
MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600.0


class AdvanceRequest(AdminModel):
    """Move sandbox time forward."""

    seconds: float = Field(ge=0, le=MAX_ADVANCE_SECONDS, allow_inf_nan=False)


class AccountRequest(AdminModel):
    """Create an account (or change its key)."""

    client_id: str = Field(pattern=r"^\d+$")
    api_key: SecretStr = Field(min_length=1)


class SeedWarehouses(AdminModel):
    """Warehouses to add or replace (by ``warehouse_id``)."""

    warehouses: list[Warehouse]


class SeedProduct(AdminModel):
    """A card to add or replace (by ``offer_id``); ids are allocated when not given."""

    offer_id: str = Field(min_length=1, max_length=50)
    product_id: int | None = Field(None, gt=0)
    sku: int | None = Field(None, gt=0)
    name: str = ""
    barcodes: list[str] = Field(default_factory=list)
    description_category_id: int = 0
    type_id: int = 0
    is_created: bool = True
    is_archived: bool = False
    is_kgt: bool = False
    price_sent: bool = False
    price: str | None = None
    old_price: str = ""
    min_price: str = ""
    vat: str = "0.2"

    @model_validator(mode="after")
    def _price_sent_has_price(self) -> SeedProduct:
        if self.price is not None and parse_money(self.price) is None:
            raise ValueError(f"{self.offer_id}: price {self.price!r} is not a number")
        if self.price_sent and (self.price is None or not self.is_created):
            raise ValueError(f"{self.offer_id}: a price-sent product needs a price and is_created")
        return self


class SeedProducts(AdminModel):
    """Cards to add in bulk."""

    products: list[SeedProduct]


class SeedStock(AdminModel):
    """A stock level to set directly (e.g. with reservations Ozon would hold)."""

    offer_id: str
    warehouse_id: int
    present: int = Field(ge=0)
    reserved: int = Field(0, ge=0)


class SeedStocks(AdminModel):
    """Stock levels to set in bulk."""

    stocks: list[SeedStock]


class SeedResult(AdminModel):
    """How many objects a seed call created and replaced."""

    created: int
    replaced: int


class PriceRow(AdminModel):
    """A product's price state."""

    offer_id: str
    product_id: int
    price: str
    old_price: str
    min_price: str
    price_sent: bool


class ResetRequest(AdminModel):
    """Reset one account, or all of them when ``client_id`` is omitted."""

    client_id: str | None = None


class SaveResult(AdminModel):
    """Where state was written."""

    path: str
    accounts: int


# ---------------------------------------------------------------- routes

M = TypeVar("M", bound=BaseModel)


class AdminError(Exception):
    """A refused admin call."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _account(sandbox: Sandbox, request: Request) -> Account:
    client_id = request.path_params["client_id"]
    account = sandbox.accounts.get(client_id)
    if account is None:
        raise AdminError(404, f"no account {client_id}")
    return account


async def _body(request: Request, model: type[M]) -> M:
    raw = await request.body()
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        raise AdminError(422, str(exc)) from exc


def _json(model: BaseModel | list[Any] | dict[str, Any]) -> JSONResponse:
    if isinstance(model, BaseModel):
        return JSONResponse(model.model_dump(mode="json"))
    return JSONResponse(model)


def admin_routes(sandbox: Sandbox) -> list[Route]:
    """Starlette routes of the admin surface, bound to ``sandbox``."""

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "accounts": len(sandbox.accounts)})

    async def clock(request: Request) -> JSONResponse:
        c = sandbox.clock
        return _json(ClockView(now=c.now(), monotonic=c.monotonic(), time_factor=c.time_factor))

    async def advance(request: Request) -> JSONResponse:
        try:
            body = await _body(request, AdvanceRequest)
        except AdminError as exc:
            raise AdminError(400, exc.message) from exc
        try:
            sandbox.clock.advance(body.seconds)
        except (ValueError, OverflowError) as exc:
            raise AdminError(400, str(exc)) from exc
        return await clock(request)

    async def accounts(request: Request) -> JSONResponse:
        if request.method == "POST":
            body = await _body(request, AccountRequest)
            sandbox.add_account(body.client_id, body.api_key)
        return JSONResponse({"accounts": sorted(sandbox.accounts)})

    async def warehouses(request: Request) -> JSONResponse:
        account = _account(sandbox, request)
        state = account.state
        if request.method == "POST":
            body = await _body(request, SeedWarehouses)
            now = sandbox.clock.now()
            replaced = sum(1 for w in body.warehouses if w.warehouse_id in state.warehouses)
            for warehouse in body.warehouses:
                state.warehouses[warehouse.warehouse_id] = warehouse.stamped(now)
            return _json(SeedResult(created=len(body.warehouses) - replaced, replaced=replaced))
        return JSONResponse(
            {"warehouses": [w.model_dump(mode="json") for w in state.warehouses.values()]}
        )

    async def products(request: Request) -> JSONResponse:
        account = _account(sandbox, request)
        state = account.state
        if request.method == "POST":
            body = await _body(request, SeedProducts)
            now = sandbox.clock.now()
            created = replaced = 0
            for seed in body.products:
                old = state.products.get(seed.offer_id)
                product_id: int | None = seed.product_id
                sku: int | None = seed.sku
                if old is not None:
                    replaced += 1
                    product_id, sku = old.product_id, old.sku
                else:
                    created += 1
                if product_id is None or sku is None:
                    new_pid, new_sku = state.allocate_ids()
                    product_id = product_id or new_pid
                    sku = sku or new_sku
                fields = seed.model_dump(exclude={"product_id", "sku", "price"})
                state.put_product(
                    Product(
                        **fields,
                        product_id=product_id,
                        sku=sku,
                        price=seed.price or "",
                        created_at=now,
                        updated_at=now,
                        status_updated_at=now,
                    )
                )
            return _json(SeedResult(created=created, replaced=replaced))
        return JSONResponse(
            {"products": [p.model_dump(mode="json") for p in state.products.values()]}
        )

    async def stocks(request: Request) -> JSONResponse:
        account = _account(sandbox, request)
        state = account.state
        if request.method == "POST":
            body = await _body(request, SeedStocks)
            now = sandbox.clock.now()
            replaced = 0
            for seed in body.stocks:
                if seed.offer_id not in state.products:
                    raise AdminError(422, f"unknown offer_id {seed.offer_id}")
                if seed.warehouse_id not in state.warehouses:
                    raise AdminError(422, f"unknown warehouse_id {seed.warehouse_id}")
                key = (seed.offer_id, seed.warehouse_id)
                replaced += key in state.stocks
                state.stocks[key] = StockLevel(
                    present=seed.present, reserved=seed.reserved, updated_at=now
                )
            return _json(SeedResult(created=len(body.stocks) - replaced, replaced=replaced))
        rows = [
            StockRow(
                offer_id=offer_id,
                warehouse_id=wid,
                present=level.present,
                reserved=level.reserved,
                updated_at=level.updated_at,
            ).model_dump(mode="json")
            for (offer_id, wid), level in state.stocks.items()
        ]
        return JSONResponse({"stocks": rows})

    async def prices(request: Request) -> JSONResponse:
        state = _account(sandbox, request).state
        rows = [
            PriceRow(
                offer_id=p.offer_id,
                product_id=p.product_id,
                price=p.price,
                old_price=p.old_price,
                min_price=p.min_price,
                price_sent=p.price_sent,
            ).model_dump()
            for p in state.products.values()
        ]
        return JSONResponse({"prices": rows})

    async def requests(request: Request) -> JSONResponse:
        account = _account(sandbox, request)
        snapshot: RequestLogSnapshot = sandbox.log.snapshot(account.client_id)
        return _json(snapshot)

    async def faults(request: Request) -> JSONResponse:
        account = _account(sandbox, request)
        if request.method == "PUT":
            settings = await _body(request, FaultSettings)
            account.faults.configure(settings, sandbox.clock.monotonic())
        elif request.method == "DELETE":
            account.faults.configure(FaultSettings(), sandbox.clock.monotonic())
        return _json(account.faults.settings)

    async def reset(request: Request) -> JSONResponse:
        body = await _body(request, ResetRequest)
        if body.client_id is not None and body.client_id not in sandbox.accounts:
            raise AdminError(404, f"no account {body.client_id}")
        sandbox.reset(body.client_id)
        return JSONResponse({"accounts": sorted(sandbox.accounts)})

    async def save(request: Request) -> JSONResponse:
        path = sandbox.config.state_file
        if path is None:
            raise AdminError(409, "the sandbox was started without a state_file")
        sandbox.save(path)
        return _json(SaveResult(path=str(path), accounts=len(sandbox.accounts)))

    def guarded(
        endpoint: Callable[[Request], Awaitable[JSONResponse]],
    ) -> Callable[[Request], Awaitable[JSONResponse]]:
        async def run(request: Request) -> JSONResponse:
            try:
                return await endpoint(request)
            except AdminError as exc:
                return JSONResponse({"error": exc.message}, status_code=exc.status)

        return run

    acc = "/sandbox/accounts/{client_id}"
    table: list[tuple[str, Callable[[Request], Awaitable[JSONResponse]], list[str]]] = [
        ("/sandbox/health", health, ["GET"]),
        ("/sandbox/clock", clock, ["GET"]),
        ("/sandbox/clock/advance", advance, ["POST"]),
        ("/sandbox/accounts", accounts, ["GET", "POST"]),
        (f"{acc}/warehouses", warehouses, ["GET", "POST"]),
        (f"{acc}/products", products, ["GET", "POST"]),
        (f"{acc}/stocks", stocks, ["GET", "POST"]),
        (f"{acc}/prices", prices, ["GET"]),
        (f"{acc}/requests", requests, ["GET"]),
        (f"{acc}/faults", faults, ["GET", "PUT", "DELETE"]),
        ("/sandbox/reset", reset, ["POST"]),
        ("/sandbox/save", save, ["POST"]),
    ]
    return [Route(path, guarded(fn), methods=verbs) for path, fn, verbs in table]
