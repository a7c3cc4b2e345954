"""The `novex` command: demo, sandbox, push receiver, sample data and benchmark."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from novex_cli.mapping import mapping


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log HTTP calls and retries.")
def cli(verbose: bool) -> None:
    """Novex x Ozon FBS integration."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@cli.command()
@click.option("--skus", default=25_000, show_default=True, help="Assortment size to generate.")
@click.option("--seed", default=42, show_default=True, help="Seed of the sample data.")
@click.option("--workdir", default="var/demo", show_default=True, type=click.Path(path_type=Path))
@click.option(
    "--time-factor",
    default=60.0,
    show_default=True,
    help="Sandbox clock speed: Ozon's per-minute limits pass this many times faster.",
)
def demo(skus: int, seed: int, workdir: Path, time_factor: float) -> None:
    """Sandbox up, sample data, full stock and price sync, then a 1 % stock change synced alone."""
    from novex_cli.demo import run_demo

    run_demo(skus=skus, seed=seed, workdir=workdir, time_factor=time_factor)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True)
@click.option("--time-factor", default=1.0, show_default=True, help="Sandbox clock speed.")
@click.option(
    "--state-file",
    default="var/sandbox-state.json",
    show_default=True,
    # A plain string: click would turn '' into Path('.'), which is not "no file".
    type=click.Path(),
    help="Where state is kept across restarts ('' = memory only).",
)
@click.option("--client-id", default="100500", show_default=True)
@click.option(
    "--api-key-env",
    default="OZON_API_KEY",
    show_default=True,
    help="Environment variable holding the Api-Key the sandbox accepts.",
)
@click.option(
    "--seed-from",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Sample data folder (e.g. var/demo/data): once up, the sandbox gets Novex's "
    "warehouses and a card for every Ozon-enabled SAP product it lacks.",
)
def sandbox(
    host: str,
    port: int,
    time_factor: float,
    state_file: str,
    client_id: str,
    api_key_env: str,
    seed_from: Path | None,
) -> None:
    """Run the Ozon sandbox (Ozon's paths plus the /sandbox/ admin surface)."""
    from novex_cli.sandbox import serve

    serve(
        host,
        port,
        time_factor,
        Path(state_file) if state_file else None,
        client_id,
        api_key_env,
        seed_from=seed_from,
    )


@cli.command("push-receiver")
@click.option("--host", default=None, help="Interface to bind [orders_intake.receiver_host].")
@click.option("--port", default=None, type=int, help="Port [orders_intake.receiver_port].")
@click.option("--db-url", default=None, help="Store URL [$NOVEX_DB_URL or the SQLite default].")
def push_receiver(host: str | None, port: int | None, db_url: str | None) -> None:
    """Receive Ozon's push notifications at / and store each in the inbox before the reply."""
    from novex_cli.receiver import serve

    serve(host, port, db_url)


@cli.command("sample-data")
@click.option("--skus", default=25_000, show_default=True)
@click.option("--seed", default=42, show_default=True)
@click.option(
    "--out", "out_dir", default="var/data", show_default=True, type=click.Path(path_type=Path)
)
def sample_data(skus: int, seed: int, out_dir: Path) -> None:
    """Write realistic SAP, Infor and Art-Trade exports (with a few bad rows)."""
    from sample_data.generator import generate

    summary = generate(out_dir, skus=skus, seed=seed)
    click.echo(summary.model_dump_json(indent=2))


@cli.command()
@click.option("--skus", default=25_000, show_default=True, help="Size of the Ozon sweep (a).")
@click.option(
    "--big", default=1_000_000, show_default=True, help="Large size for the local cycle (b)."
)
@click.option(
    "--time-factor",
    default=20.0,
    show_default=True,
    help="Sandbox and client clock speed for (a): "
    "Ozon's 80 requests/min become 80x this per minute.",
)
@click.option("--workdir", default="var/bench", show_default=True, type=click.Path(path_type=Path))
@click.option("--rate-5xx", default=0.10, show_default=True, help="5xx share in the faulty sweep.")
@click.option(
    "--hung-rate", default=0.02, show_default=True, help="Hung calls in the faulty sweep."
)
@click.option("--push-only", is_flag=True, help="Only (c), the push receiver's ack latency.")
@click.option("--catalog-only", is_flag=True, help="Only the catalog measures.")
@click.option("--sweep-only", is_flag=True, help="Only (a), the stock sweeps, clean and faulty.")
@click.option("--latency-only", is_flag=True, help="Only (g), a push's way to Infor's outbox.")
@click.option(
    "--orders", default=1000, show_default=True, help="Postings through the order chains."
)
def bench(
    skus: int,
    big: int,
    time_factor: float,
    workdir: Path,
    rate_5xx: float,
    hung_rate: float,
    push_only: bool,
    catalog_only: bool,
    sweep_only: bool,
    latency_only: bool,
    orders: int,
) -> None:
    """Measure stock sweeps, the local cycle, push acks, the catalog, order chains, latency."""
    if push_only:
        from novex_cli.bench_push import run_push_bench, table_rows

        rows = table_rows(run_push_bench(workdir))
        click.echo("\n| measure | value |\n|---|---|\n" + "\n".join(rows))
        return
    if catalog_only:
        from novex_cli.bench_catalog import run_catalog_bench

        run_catalog_bench(skus=skus, big=big, workdir=workdir)
        return
    if sweep_only:
        from novex_cli.bench import run_sweeps, sweep_rows

        rows = sweep_rows(
            run_sweeps(
                skus=skus,
                time_factor=time_factor,
                workdir=workdir,
                rate_5xx=rate_5xx,
                hung_rate=hung_rate,
            )
        )
        click.echo("\n| measure | value |\n|---|---|\n" + "\n".join(rows))
        return
    if latency_only:
        from novex_cli.bench_latency import run_latency_bench, table_row

        row = table_row(run_latency_bench(workdir))
        click.echo("\n| measure | value |\n|---|---|\n" + row)
        return
    from novex_cli.bench import run_bench

    run_bench(
        skus=skus,
        big=big,
        time_factor=time_factor,
        workdir=workdir,
        rate_5xx=rate_5xx,
        hung_rate=hung_rate,
        orders=orders,
    )


cli.add_command(mapping)
