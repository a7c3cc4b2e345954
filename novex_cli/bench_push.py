"""`novex bench`, push part: how fast the receiver acknowledges Ozon's pushes under load.

The receiver runs as `novex push-receiver` in its own process, as in production; 200 concurrent
senders (Ozon delivers in parallel) post new-posting pushes, a tenth of them repeats of earlier
ones (Ozon's retries), and every acknowledgement is timed from send to reply. Each reply comes
only after the message is committed to the store, so the numbers include the durable write.
Run once with the store on SQLite and once on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import httpx
import sqlalchemy as sa

from resources.store.store import Store

DEFAULT_PG_ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
PG_ADMIN_ENV = "NOVEX_BENCH_PG_URL"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def receiver_process(store_url: str) -> Iterator[str]:
    """`novex push-receiver` on a free port, storing into ``store_url``; yields its URL."""
    port = _free_port()
    novex = Path(sys.executable).parent / "novex"
    command = [str(novex), "push-receiver", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        command,
        env={**os.environ, "NOVEX_DB_URL": store_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}health", timeout=1).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise click.ClickException("the push receiver did not start")
            time.sleep(0.1)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _push(run: str, n: int) -> dict[str, Any]:
    return {
        "message_type": "TYPE_NEW_POSTING",
        "seller_id": 100500,
        "posting_number": f"{run}-{n:06d}-1",
        "products": [{"sku": 1000 + n % 50, "offer_id": f"NVX-{n % 50:05d}", "quantity": 1}],
        "in_process_at": "2026-12-01T09:00:00Z",
        "warehouse_id": 22142605386000,
        "shipment_date": "2026-12-02T09:00:00Z",
        "tpl_integration_type": "ozon",
        "is_express": False,
    }


async def _post(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, body: bytes
) -> int:
    """One HTTP/1.1 POST / on a kept-alive connection; returns the status code.

    A bare client, so that measuring 200 senders does not measure an HTTP library's own cost.
    """
    writer.write(
        b"POST / HTTP/1.1\r\nHost: " + host.encode() + b"\r\nContent-Type: application/json"
        b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def _load(url: str, senders: int, per_sender: int, run: str) -> tuple[list[float], int]:
    """Latencies (ms) of every push, and how many were not acknowledged with 200."""
    parsed = httpx.URL(url)
    host, port = parsed.host, parsed.port or 80
    latencies: list[float] = []
    failures = 0
    connected = 0
    go = asyncio.Event()

    async def sender(index: int) -> None:
        nonlocal failures, connected
        reader, writer = await asyncio.open_connection(host, port)
        # Every sender is connected before the first push: the ack is timed, not the handshake.
        connected += 1
        if connected == senders:
            go.set()
        await go.wait()
        try:
            for k in range(per_sender):
                n = index * per_sender + k
                # Every tenth push repeats an earlier one, as Ozon's retries do.
                body = json.dumps(_push(run, n - 1 if n % 10 == 9 else n)).encode()
                started = time.perf_counter()
                try:
                    ok = await _post(reader, writer, f"{host}:{port}", body) == 200
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    ok = False
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                latencies.append((time.perf_counter() - started) * 1000)
                failures += 0 if ok else 1
        finally:
            writer.close()

    await asyncio.gather(*(sender(i) for i in range(senders)))
    return latencies, failures


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(store_url: str, backend: str, *, senders: int, per_sender: int) -> dict[str, Any]:
    """Ack latency of the receiver on one store; the store is migrated first."""
    Store(store_url).migrate().dispose()
    # The senders' own garbage collections would show up as server latency.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    with receiver_process(store_url) as url:
        asyncio.run(_load(url, senders, 2, f"warm{uuid.uuid4().hex[:6]}"))
        run = uuid.uuid4().hex[:8]
        started = time.perf_counter()
        latencies, failures = asyncio.run(_load(url, senders, per_sender, run))
        elapsed = time.perf_counter() - started
    with Store(store_url) as store:
        stored = sum(1 for r in store.inbox.rows() if str(r["posting_number"]).startswith(run))
    return {
        "backend": backend,
        "senders": senders,
        "pushes": len(latencies),
        "stored": stored,
        "not_acknowledged": failures,
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(_percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies), 1),
        "pushes_per_s": round(len(latencies) / elapsed),
    }


@contextlib.contextmanager
def _pg_database(admin_url: str) -> Iterator[str]:
    name = f"novex_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_push_bench(workdir: Path, *, senders: int = 200, per_sender: int = 20) -> list[dict]:
    """Measure on SQLite and, when reachable, PostgreSQL; print JSON and table rows."""
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    sqlite_path = workdir / f"push-bench-{uuid.uuid4().hex[:6]}.sqlite"
    click.echo(f"(c) push ack latency, {senders} concurrent senders, store on SQLite ...")
    try:
        results.append(
            measure(f"sqlite:///{sqlite_path}", "SQLite", senders=senders, per_sender=per_sender)
        )
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    admin_url = os.environ.get(PG_ADMIN_ENV, DEFAULT_PG_ADMIN_URL)
    click.echo(f"(c) push ack latency, {senders} concurrent senders, store on PostgreSQL ...")
    try:
        with _pg_database(admin_url) as pg_url:
            results.append(measure(pg_url, "PostgreSQL", senders=senders, per_sender=per_sender))
    except sa.exc.OperationalError as exc:
        click.echo(f"    PostgreSQL not reachable ({str(exc).splitlines()[0]}); skipped")
    for result in results:
        click.echo(json.dumps(result, indent=2))
    return results


def table_rows(results: list[dict]) -> list[str]:
    """README table rows for the push measurements."""
    return [
        f"| (c) push ack, {r['senders']} concurrent senders, store on {r['backend']} "
        f"({r['pushes']} pushes, {r['stored']} stored) | p50 {r['p50_ms']} ms, "
        f"p99 {r['p99_ms']} ms, max {r['max_ms']} ms, {r['pushes_per_s']} pushes/s, "
        f"{r['not_acknowledged']} not acknowledged |"
        for r in results
    ]
