"""Run a real sandbox server in a background thread, with a typed client for its admin surface.

Tests and demos talk to the sandbox over real HTTP on 127.0.0.1, exactly as a client would talk to
Ozon, while seeding data, injecting faults and moving the clock through :class:`SandboxAdmin`.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from ozon_sandbox.admin import (
    AccountRequest,
    AdvanceRequest,
    ClockView,
    PriceRow,
    ResetRequest,
    SaveResult,
    SeedProduct,
    SeedProducts,
    SeedResult,
    SeedStock,
    SeedStocks,
    SeedWarehouses,
)
from ozon_sandbox.app import create_app
from ozon_sandbox.config import FaultSettings, SandboxConfig
from ozon_sandbox.requestlog import RequestLogSnapshot
from ozon_sandbox.state import Product, StockRow, Warehouse


class SandboxAdmin:
    """Typed client of the ``/sandbox/`` admin surface."""

    def __init__(self, base_url: str, *, timeout: float = 60.0) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=timeout)

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def _send(self, method: str, path: str, body: Any | None = None) -> Any:
        response = self._http.request(method, path, json=body)
        if response.status_code >= 400:
            detail = f"{response.status_code} {response.text}"
            raise RuntimeError(f"sandbox admin {method} {path}: {detail}")
        return response.json()

    def _account(self, client_id: str) -> str:
        return f"/sandbox/accounts/{client_id}"

    # accounts and data
    def add_account(self, client_id: str, api_key: str) -> None:
        """Create an account (or change its key)."""
        AccountRequest.model_validate({"client_id": client_id, "api_key": api_key})
        self._send("POST", "/sandbox/accounts", {"client_id": client_id, "api_key": api_key})

    def seed_warehouses(self, client_id: str, warehouses: list[Warehouse]) -> SeedResult:
        """Add or replace warehouses."""
        body = SeedWarehouses(warehouses=warehouses).model_dump(mode="json")
        return SeedResult.model_validate(
            self._send("POST", f"{self._account(client_id)}/warehouses", body)
        )

    def seed_products(self, client_id: str, products: list[SeedProduct]) -> SeedResult:
        """Add or replace product cards in bulk."""
        body = SeedProducts(products=products).model_dump(mode="json")
        return SeedResult.model_validate(
            self._send("POST", f"{self._account(client_id)}/products", body)
        )

    def seed_stocks(self, client_id: str, stocks: list[SeedStock]) -> SeedResult:
        """Set stock levels directly (e.g. with reservations)."""
        body = SeedStocks(stocks=stocks).model_dump(mode="json")
        return SeedResult.model_validate(
            self._send("POST", f"{self._account(client_id)}/stocks", body)
        )

    def products(self, client_id: str) -> list[Product]:
        """Every card of the account."""
        data = self._send("GET", f"{self._account(client_id)}/products")
        return [Product.model_validate(p) for p in data["products"]]

    def warehouses(self, client_id: str) -> list[Warehouse]:
        """Every warehouse of the account."""
        data = self._send("GET", f"{self._account(client_id)}/warehouses")
        return [Warehouse.model_validate(w) for w in data["warehouses"]]

    def stocks(self, client_id: str) -> dict[tuple[str, int], StockRow]:
        """Stock levels by (offer_id, warehouse_id)."""
        data = self._send("GET", f"{self._account(client_id)}/stocks")
        rows = [StockRow.model_validate(r) for r in data["stocks"]]
        return {(r.offer_id, r.warehouse_id): r for r in rows}

    def prices(self, client_id: str) -> dict[str, PriceRow]:
        """Price state by offer_id."""
        data = self._send("GET", f"{self._account(client_id)}/prices")
        rows = [PriceRow.model_validate(r) for r in data["prices"]]
        return {r.offer_id: r for r in rows}

    def requests(self, client_id: str) -> RequestLogSnapshot:
        """Counters of calls, limit rejections, faults and per-item errors."""
        return RequestLogSnapshot.model_validate(
            self._send("GET", f"{self._account(client_id)}/requests")
        )

    # faults
    def set_faults(self, client_id: str, faults: FaultSettings) -> FaultSettings:
        """Replace the account's injected faults."""
        data = self._send("PUT", f"{self._account(client_id)}/faults", faults.model_dump())
        return FaultSettings.model_validate(data)

    def clear_faults(self, client_id: str) -> None:
        """Stop injecting faults for the account."""
        self._send("DELETE", f"{self._account(client_id)}/faults")

    # clock and lifecycle
    def clock(self) -> ClockView:
        """Sandbox time."""
        return ClockView.model_validate(self._send("GET", "/sandbox/clock"))

    def advance(self, seconds: float) -> ClockView:
        """Move sandbox time forward."""
        body = AdvanceRequest(seconds=seconds).model_dump()
        return ClockView.model_validate(self._send("POST", "/sandbox/clock/advance", body))

    def reset(self, client_id: str | None = None) -> None:
        """Empty one account, or all of them."""
        self._send("POST", "/sandbox/reset", ResetRequest(client_id=client_id).model_dump())

    def save(self) -> SaveResult:
        """Write state to the configured state file now."""
        return SaveResult.model_validate(self._send("POST", "/sandbox/save"))


def _free_socket(host: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


class SandboxServer:
    """A sandbox served by uvicorn in a background thread on a free 127.0.0.1 port.

    Use as a context manager; ``url`` is the base URL to give an Ozon client, ``admin`` seeds and
    inspects it. Leaving the block shuts the server down (running the save-at-shutdown hook).
    """

    def __init__(self, config: SandboxConfig, *, host: str = "127.0.0.1") -> None:
        self.config = config
        self._host = host
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.url = ""
        self._admin: SandboxAdmin | None = None

    @property
    def admin(self) -> SandboxAdmin:
        """Admin client of the running server."""
        if self._admin is None:
            raise RuntimeError("the sandbox server is not running")
        return self._admin

    def start(self) -> SandboxServer:
        """Start serving and wait until the server accepts connections."""
        app = create_app(self.config)
        self._socket = _free_socket(self._host)
        port = self._socket.getsockname()[1]
        uv_config = uvicorn.Config(
            app, log_level="warning", lifespan="on", access_log=False, timeout_graceful_shutdown=5
        )
        server = uvicorn.Server(uv_config)
        self._server = server
        sock = self._socket
        self._thread = threading.Thread(
            target=lambda: server.run(sockets=[sock]), name="ozon-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.005)
        self.url = f"http://{self._host}:{port}"
        self._admin = SandboxAdmin(self.url)
        return self

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
