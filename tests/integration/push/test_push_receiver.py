"""The push receiver against the sandbox really pushing to it, on both store backends."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ozon_sandbox.admin import SeedStock
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder
from ozon_sandbox.testing import SandboxServer
from resources.push_receiver.app import ReceiverConfig
from resources.store.store import Store
from tests.support.novex_receiver import ReceiverServer
from tests.support.sandbox import (
    CLIENT_ID,
    WAREHOUSE_IDS,
    sandbox_config,
    seed_catalog,
    start_sandbox,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
WAREHOUSE = WAREHOUSE_IDS[0]


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    cms = Store(store_url).migrate()
    try:
        yield cms
    finally:
        cms.dispose()


def serve(store: Store, config: ReceiverConfig | None = None) -> ReceiverServer:
    return ReceiverServer(store, config).start()


@pytest.fixture
def receiver(store: Store) -> Iterator[str]:
    server = serve(store)
    try:
        yield f"http://127.0.0.1:{server.port}/"
    finally:
        server.stop()


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A frozen-clock sandbox with stock for two cards; push delivery on demand."""
    server = start_sandbox(
        sandbox_config(time_factor=0, push={"background": False, "timeout_seconds": 2})
    )
    try:
        offers = seed_catalog(server.admin, 2)
        server.admin.seed_stocks(
            CLIENT_ID,
            [SeedStock(offer_id=o, warehouse_id=WAREHOUSE, present=50) for o in offers],
        )
        yield server
    finally:
        server.stop()


def order(server: SandboxServer, n: int = 1) -> list[str]:
    orders = [
        PlaceOrder(warehouse_id=WAREHOUSE, items=[OrderLine(offer_id="NVX-00000", quantity=1)])
        for _ in range(n)
    ]
    return server.admin.place_orders(CLIENT_ID, orders)


def test_the_sandbox_checks_and_pushes_to_the_receiver(
    sandbox: SandboxServer, receiver: str, store: Store
) -> None:
    admin = sandbox.admin
    # The cabinet's "Check": Ozon's TYPE_PING, judged on version, name and time.
    check = admin.check_push(CLIENT_ID, receiver)
    assert check.ok, check
    numbers = order(sandbox, 3)
    admin.buyer_cancel(CLIENT_ID, numbers[0])
    report = admin.deliver_pushes(CLIENT_ID)
    assert report.failed == 0 and report.queued == 0, report
    rows = store.inbox.rows()
    by_key = {r["dedup_key"]: r for r in rows}
    for number in numbers:
        assert by_key[f"new:{number}"]["message_type"] == "TYPE_NEW_POSTING"
        assert by_key[f"new:{number}"]["posting_number"] == number
    cancelled = by_key[f"cancelled:{numbers[0]}"]
    assert cancelled["source"] == "push" and cancelled["status"] == "pending"
    assert json.loads(cancelled["payload"])["reason"]["id"] > 0
    assert all(r["status"] == "pending" for r in rows)
    assert [m.id for m in store.inbox.pending(limit=100)] == [r["id"] for r in rows]


def test_a_push_delivered_twice_is_stored_once(
    sandbox: SandboxServer, receiver: str, store: Store
) -> None:
    admin = sandbox.admin
    assert admin.check_push(CLIENT_ID, receiver).ok
    message = {
        "message_type": "TYPE_STATE_CHANGED",
        "posting_number": "100-200-1",
        "new_state": "posting_delivered",
        "changed_state_date": "2026-12-01T10:00:00Z",
        "warehouse_id": WAREHOUSE,
    }
    admin.emit_pushes(CLIENT_ID, [message, message])
    report = admin.deliver_pushes(CLIENT_ID)
    assert report.delivered == 2 and report.failed == 0
    rows = store.inbox.rows()
    assert [r["dedup_key"] for r in rows] == ["state:100-200-1:delivered"]
    # A retry Ozon makes because our first reply was lost is a success for Ozon, not an error.
    with httpx.Client() as http:
        body = json.dumps({**message, "seller_id": int(CLIENT_ID)})
        again = http.post(receiver, content=body, headers={"content-type": "application/json"})
    assert again.status_code == 200 and again.json() == {"result": True}
    assert len(store.inbox.rows()) == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{oops", 400, "ERROR_UNKNOWN"),
        (b'{"message_type": "TYPE_NOT_DOCUMENTED", "x": 1}', 400, "ERROR_UNKNOWN"),
        (
            b'{"message_type": "TYPE_POSTING_CANCELLED", "seller_id": 1}',
            400,
            "ERROR_PARAMETER_VALUE_MISSED",
        ),
        (b"", 400, "ERROR_UNKNOWN"),
    ],
)
def test_refused_bodies_get_ozons_error_reply_and_are_kept(
    receiver: str, store: Store, body: bytes, status: int, code: str
) -> None:
    with httpx.Client() as http:
        reply = http.post(receiver, content=body, headers={"content-type": "application/json"})
    assert reply.status_code == status
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.json()["error"]["code"] == code
    (kept,) = store.inbox.rows()
    assert kept["status"] == "invalid"
    assert kept["payload"] == body.decode()
    assert kept["error"] == reply.json()["error"]["message"]
    assert store.inbox.pending(limit=10) == []


def test_oversized_bodies_are_refused_and_their_head_kept(store: Store) -> None:
    server = serve(store, ReceiverConfig(max_body_bytes=4096))
    url = f"http://127.0.0.1:{server.port}/"
    try:
        big = json.dumps({"message_type": "TYPE_NEW_POSTING", "pad": "x" * 10_000}).encode()
        with httpx.Client() as http:
            reply = http.post(url, content=big)
            # Without a Content-Length the limit holds as well (chunked upload).
            chunked = http.post(url, content=iter([big[:3000], big[3000:]]))
    finally:
        server.stop()
    assert reply.status_code == chunked.status_code == 413
    assert reply.json()["error"]["code"] == "ERROR_UNKNOWN"
    (kept,) = store.inbox.rows()
    assert kept["status"] == "invalid" and len(kept["payload"]) == 4096


def test_allow_list_refuses_other_sources(store: Store) -> None:
    ozon_only = serve(store, ReceiverConfig(allowed_networks=["195.34.21.0/24"]))
    proxied = serve(
        store, ReceiverConfig(allowed_networks=["195.34.21.0/24"], trust_forwarded_for=True)
    )
    ping = {"message_type": "TYPE_PING", "time": "2026-12-01T10:00:00Z"}
    new = {"message_type": "TYPE_NEW_POSTING", "posting_number": "1-1-1", "products": []}
    try:
        with httpx.Client() as http:
            refused = http.post(f"http://127.0.0.1:{ozon_only.port}/", json=new)
            spoofed = http.post(
                f"http://127.0.0.1:{ozon_only.port}/",
                json=new,
                headers={"x-forwarded-for": "195.34.21.9"},
            )
            via_proxy = http.post(
                f"http://127.0.0.1:{proxied.port}/",
                json=new,
                headers={"x-forwarded-for": "203.0.113.5, 195.34.21.9"},
            )
            pinged = http.post(
                f"http://127.0.0.1:{proxied.port}/",
                json=ping,
                headers={"x-forwarded-for": "195.34.21.9"},
            )
    finally:
        ozon_only.stop()
        proxied.stop()
    assert refused.status_code == spoofed.status_code == 403
    assert refused.json()["error"]["code"] == "ERROR_UNKNOWN"
    assert via_proxy.status_code == 200 and via_proxy.json() == {"result": True}
    assert pinged.status_code == 200 and set(pinged.json()) == {"version", "name", "time"}
    assert [r["dedup_key"] for r in store.inbox.rows()] == ["new:1-1-1"]


def test_200_concurrent_senders_are_each_stored_once(receiver: str, store: Store) -> None:
    async def send_all() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=200)
        async with httpx.AsyncClient(limits=limits, timeout=10) as http:
            bodies = [
                {
                    "message_type": "TYPE_NEW_POSTING",
                    "seller_id": 1,
                    # 150 distinct postings; 50 senders repeat one (Ozon's retries racing).
                    "posting_number": f"77-{n % 150}-1",
                    "products": [{"sku": n, "quantity": 1}],
                }
                for n in range(200)
            ]
            return await asyncio.gather(*(http.post(receiver, json=b) for b in bodies))

    replies = asyncio.run(send_all())
    assert [r.status_code for r in replies] == [200] * 200
    assert all(r.json() == {"result": True} for r in replies)
    assert len(store.inbox.rows()) == 150


def test_an_unreachable_store_gets_a_retryable_error_fast(tmp_path: Path) -> None:
    broken = Store("postgresql://postgres@127.0.0.1:1/nowhere")
    server = serve(broken, ReceiverConfig(store_timeout_s=4.0))
    try:
        with httpx.Client(timeout=10) as http:
            started = time.monotonic()
            reply = http.post(
                f"http://127.0.0.1:{server.port}/",
                json={"message_type": "TYPE_NEW_POSTING", "posting_number": "1", "products": []},
            )
            elapsed = time.monotonic() - started
    finally:
        server.stop()
        broken.dispose()
    # Ozon retries a 5xx later; the reply comes well inside its 5 s.
    assert reply.status_code == 503
    assert reply.json()["error"]["code"] == "ERROR_UNKNOWN"
    assert elapsed < 5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_cli(port: int, db_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NOVEX_DB_URL": db_url}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "novex"),
            "push-receiver",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "exited")
        time.sleep(0.1)
    process.kill()
    raise AssertionError("push receiver did not start")


def _stop_cli(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_a_receiver_that_restarts_loses_nothing(
    sandbox: SandboxServer, store: Store, store_url: str
) -> None:
    admin = sandbox.admin
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    process = _start_cli(port, store_url)
    try:
        assert admin.check_push(CLIENT_ID, url).ok
        first = order(sandbox, 2)
        assert admin.deliver_pushes(CLIENT_ID).delivered >= 2
        _stop_cli(process)
        # Down: Ozon's attempts fail and stay queued for its retries.
        second = order(sandbox, 2)
        down = admin.deliver_pushes(CLIENT_ID)
        assert down.failed >= 2 and down.queued >= 2
        process = _start_cli(port, store_url)
        admin.advance(60)  # past Ozon's first retry gap
        up = admin.deliver_pushes(CLIENT_ID)
        assert up.failed == 0 and up.queued == 0, up
    finally:
        _stop_cli(process)
    keys = {r["dedup_key"] for r in store.inbox.rows()}
    assert {f"new:{n}" for n in first + second} <= keys
