"""Run a real sandbox server in a background thread, with a typed client for its admin surface.

Tests and demos talk to the sandbox over real HTTP on 127.0.0.1, exactly as a client would talk to
Ozon, while seeding data, injecting faults and moving the clock through :class:`SandboxAdmin`.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp

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
from ozon_sandbox.api.product_import import ModerationDecision, ModerationResult
from ozon_sandbox.api.push import CheckRequest, EmitRequest, PushConfigRequest, PushView
from ozon_sandbox.api.returns import (
    AdvanceReturn,
    CarriageView,
    ForceReturn,
    GiveoutView,
    ReturnView,
    ScanGiveout,
)
from ozon_sandbox.app import create_app
from ozon_sandbox.catalog_seed.edits import CatalogEdit, CatalogEdits
from ozon_sandbox.catalog_state import CatalogSettings
from ozon_sandbox.config import FaultSettings, SandboxConfig
from ozon_sandbox.delivery_methods import DeliveryMethodSeed
from ozon_sandbox.handover.model import HandoverSettings
from ozon_sandbox.postings.model import Posting as SandboxPosting
from ozon_sandbox.postings.model import PostingsSettings
from ozon_sandbox.postings.orders import PlaceOrder
from ozon_sandbox.push.delivery import PassReport
from ozon_sandbox.push.state import CheckResult
from ozon_sandbox.requestlog import RequestLogSnapshot
from ozon_sandbox.state import Product, StockRow, Warehouse


class SandboxAdmin:
    """Typed client of the ``/sandbox/`` admin surface."""

    def __init__(self, base_url: str, *, timeout: float = 60.0, token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=base_url, timeout=timeout, headers=headers)

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

    # push notifications
    def push_status(self, client_id: str) -> PushView:
        """Push configuration, status, queue, counters and recent attempts."""
        return PushView.model_validate(self._send("GET", f"{self._account(client_id)}/push"))

    def configure_push(
        self,
        client_id: str,
        url: str | None,
        *,
        enabled: bool = True,
        types: list[str] | None = None,
    ) -> PushView:
        """Set the push URL, on/off and chosen types (None = all)."""
        body = PushConfigRequest(url=url, enabled=enabled, types=types).model_dump()
        return PushView.model_validate(self._send("PUT", f"{self._account(client_id)}/push", body))

    def check_push(self, client_id: str, url: str | None = None) -> CheckResult:
        """Send TYPE_PING like the cabinet's "Check"; a pass saves the URL and resumes delivery."""
        body = CheckRequest(url=url).model_dump()
        return CheckResult.model_validate(
            self._send("POST", f"{self._account(client_id)}/push/check", body)
        )

    def emit_pushes(self, client_id: str, messages: list[dict[str, Any]]) -> PushView:
        """Queue Ozon push payloads by hand, as if the events had happened."""
        body = EmitRequest(messages=messages).model_dump()
        return PushView.model_validate(
            self._send("POST", f"{self._account(client_id)}/push/emit", body)
        )

    def deliver_pushes(self, client_id: str) -> PassReport:
        """Run one delivery pass now and return every attempt it made."""
        return PassReport.model_validate(
            self._send("POST", f"{self._account(client_id)}/push/deliver")
        )

    # catalog: quotas, timings, moderation
    def catalog_settings(self, client_id: str) -> CatalogSettings:
        """Quotas, import/moderation times and forbidden words of the account."""
        return CatalogSettings.model_validate(
            self._send("GET", f"{self._account(client_id)}/catalog/settings")
        )

    def set_catalog_settings(self, client_id: str, settings: CatalogSettings) -> CatalogSettings:
        """Replace the account's catalog settings."""
        return CatalogSettings.model_validate(
            self._send("PUT", f"{self._account(client_id)}/catalog/settings", settings.model_dump())
        )

    def edit_catalog(self, client_id: str, edits: list[CatalogEdit]) -> list[CatalogEdit]:
        """Change Ozon's catalog (rename, retire, require, withdraw), for every account.

        The category model is the same for all sellers; `client_id` is only the account whose
        admin path carries the call.
        """
        body = {"edits": [e.model_dump(exclude_none=True) for e in edits]}
        reply = self._send("POST", f"{self._account(client_id)}/catalog/edits", body)
        return CatalogEdits.model_validate(reply).edits

    def reset_catalog_edits(self, client_id: str) -> None:
        """Back to the seeded catalog, for every account."""
        self._send("POST", f"{self._account(client_id)}/catalog/edits/reset")

    def moderate(
        self, client_id: str, offer_id: str, decision: str, reasons: list[str] | None = None
    ) -> ModerationResult:
        """Force the moderators' decision (``approved`` / ``declined``) on a card now."""
        body = ModerationDecision.model_validate(
            {"offer_id": offer_id, "decision": decision, "reasons": reasons or []}
        ).model_dump()
        return ModerationResult.model_validate(
            self._send("POST", f"{self._account(client_id)}/catalog/moderation", body)
        )

    def catalog_pushes(self, client_id: str) -> list[dict[str, Any]]:
        """``TYPE_CREATE_OR_UPDATE_ITEM`` pushes the catalog queued, oldest first."""
        data = self._send("GET", f"{self._account(client_id)}/catalog/pushes")
        return list(data["pushes"])

    # handover: carriages, returns, giveout
    def seed_delivery_methods(
        self, client_id: str, methods: list[DeliveryMethodSeed]
    ) -> dict[str, int]:
        """Add delivery methods to warehouses (beside each one's own, which has its id)."""
        body = {"methods": [m.model_dump(mode="json") for m in methods]}
        return dict(
            self._send("POST", f"{self._account(client_id)}/handover/delivery-methods", body)
        )

    def delivery_methods(self, client_id: str) -> list[DeliveryMethodSeed]:
        """Every delivery method of the account's warehouses, their own ones included."""
        data = self._send("GET", f"{self._account(client_id)}/handover/delivery-methods")
        return [DeliveryMethodSeed.model_validate(m) for m in data]

    def carriages(self, client_id: str) -> list[CarriageView]:
        """Every carriage (act) of the account."""
        data = self._send("GET", f"{self._account(client_id)}/handover/carriages")
        return [CarriageView.model_validate(c) for c in data]

    def handover_settings(
        self, client_id: str, settings: HandoverSettings | None = None
    ) -> HandoverSettings:
        """Read, or replace, the share of delivered postings that return and the giveout knobs."""
        path = f"{self._account(client_id)}/handover/settings"
        if settings is None:
            return HandoverSettings.model_validate(self._send("GET", path))
        return HandoverSettings.model_validate(self._send("PUT", path, settings.model_dump()))

    def force_return(self, client_id: str, request: ForceReturn) -> list[ReturnView]:
        """Open returns for a posting now."""
        body = request.model_dump(mode="json")
        data = self._send("POST", f"{self._account(client_id)}/handover/returns", body)
        return [ReturnView.model_validate(r) for r in data]

    def returns(self, client_id: str) -> list[ReturnView]:
        """Every return of the account."""
        data = self._send("GET", f"{self._account(client_id)}/handover/returns")
        return [ReturnView.model_validate(r) for r in data]

    def advance_return(self, client_id: str, request: AdvanceReturn) -> list[ReturnView]:
        """Move returns one status further now."""
        body = request.model_dump(mode="json")
        data = self._send("POST", f"{self._account(client_id)}/handover/returns/advance", body)
        return [ReturnView.model_validate(r) for r in data]

    def scan_giveout(self, client_id: str, warehouse_id: int, barcode: str) -> GiveoutView:
        """Show the giveout barcode at a drop-off point (first scan opens, second completes)."""
        body = ScanGiveout(warehouse_id=warehouse_id, barcode=barcode).model_dump()
        data = self._send("POST", f"{self._account(client_id)}/handover/giveout/scan", body)
        return GiveoutView.model_validate(data)

    # postings
    def place_orders(self, client_id: str, orders: list[PlaceOrder]) -> list[str]:
        """Place buyer orders (one posting each); returns the new posting numbers."""
        body = {"orders": [o.model_dump(mode="json", exclude_none=True) for o in orders]}
        data = self._send("POST", f"{self._account(client_id)}/postings/orders", body)
        return list(data["posting_numbers"])

    def postings(self, client_id: str) -> dict[str, SandboxPosting]:
        """Every posting as the sandbox holds it, by posting number."""
        data = self._send("GET", f"{self._account(client_id)}/postings")
        rows = [SandboxPosting.model_validate(p) for p in data["postings"]]
        return {p.posting_number: p for p in rows}

    def posting_pushes(self, client_id: str) -> list[dict[str, Any]]:
        """Pushes the postings domain emitted, oldest first."""
        return list(self._send("GET", f"{self._account(client_id)}/postings/pushes")["pushes"])

    def buyer_cancel(self, client_id: str, posting_number: str) -> None:
        """Cancel a posting on the buyer's behalf."""
        body = {"posting_number": posting_number}
        self._send("POST", f"{self._account(client_id)}/postings/buyer-cancel", body)

    def change_cutoff(self, client_id: str, posting_number: str, shipment_date: str) -> None:
        """Move a posting's cutoff (RFC 3339 time)."""
        body = {"posting_number": posting_number, "shipment_date": shipment_date}
        self._send("POST", f"{self._account(client_id)}/postings/cutoff", body)

    def change_delivery_date(
        self, client_id: str, posting_number: str, begin: str, end: str
    ) -> None:
        """Move the delivery interval promised to the buyer (RFC 3339 times)."""
        body = {
            "posting_number": posting_number,
            "delivery_date_begin": begin,
            "delivery_date_end": end,
        }
        self._send("POST", f"{self._account(client_id)}/postings/delivery-date", body)

    def set_postings_settings(self, client_id: str, **timings: float) -> PostingsSettings:
        """Change label readiness, mark check and label task timings (sandbox seconds)."""
        data = self._send("PUT", f"{self._account(client_id)}/postings/settings", timings)
        return PostingsSettings.model_validate(data)


def _free_socket(host: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


class ThreadedServer:
    """Any ASGI app served by uvicorn in a daemon thread on a free port of ``host``.

    ``start`` returns once the server accepts connections; ``stop`` asks it to exit (running the
    app's shutdown hooks) and waits for the thread.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        host: str = "127.0.0.1",
        name: str = "server",
        date_header: bool = True,
    ) -> None:
        self._app = app
        self.host = host
        self.name = name
        self._date_header = date_header
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    def start(self, timeout: float = 10.0) -> ThreadedServer:
        """Start serving and wait (up to ``timeout`` seconds) until the server is up."""
        self._socket = _free_socket(self.host)
        self.port = self._socket.getsockname()[1]
        uv_config = uvicorn.Config(
            self._app,
            log_level="warning",
            lifespan="on",
            access_log=False,
            timeout_graceful_shutdown=5,
            date_header=self._date_header,
        )
        server = uvicorn.Server(uv_config)
        self._server = server
        sock = self._socket
        self._thread = threading.Thread(
            target=lambda: server.run(sockets=[sock]), name=self.name, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not start")
            time.sleep(0.005)
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Shut the server down and wait (up to ``timeout`` seconds) for its thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=timeout)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None


class SandboxServer:
    """A sandbox served by uvicorn in a background thread on a free 127.0.0.1 port.

    Use as a context manager; ``url`` is the base URL to give an Ozon client, ``admin`` seeds and
    inspects it. Leaving the block shuts the server down (running the save-at-shutdown hook).
    """

    def __init__(self, config: SandboxConfig, *, host: str = "127.0.0.1") -> None:
        self.config = config
        self._host = host
        self._serving: ThreadedServer | None = None
        self._app: Starlette | None = None
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
        self._app = create_app(self.config)
        # The app dates its replies by the sandbox clock; uvicorn's wall-clock Date would clash.
        serving = ThreadedServer(self._app, host=self._host, name="ozon-sandbox", date_header=False)
        self._serving = serving.start()
        self.url = f"http://{self._host}:{serving.port}"
        token = self.config.admin_token
        self._admin = SandboxAdmin(self.url, token=token.get_secret_value() if token else None)
        return self

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self._serving is not None:
            self._serving.stop()
            self._serving = None

    def save_state(self, path: Path) -> None:
        """Write the state of the stopped server to ``path``, as a ``state_file`` to start from.

        Saving after ``stop`` means no request or background task changes state mid-write.
        """
        if self._serving is not None:
            raise RuntimeError("stop the sandbox server before saving its state")
        if self._app is None:
            raise RuntimeError("the sandbox server never ran")
        self._app.state.sandbox.save(path)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
