"""A complete local stack: sample data, the Ozon sandbox seeded to match, a store and resources.

The demo, the benchmark and the end-to-end tests all start from here, so what they exercise is the
same wiring `dagster dev` uses, only pointed at the sandbox.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import SecretStr

from novex_assets.settings import NovexSettings, load_settings
from novex_assets.settings_resource import SettingsResource
from ozon_sandbox.admin import SeedProduct
from ozon_sandbox.config import SandboxConfig
from ozon_sandbox.state import Warehouse
from ozon_sandbox.testing import SandboxAdmin, SandboxServer
from resources.ozon_resource import OzonResource
from resources.sources.files import FileDropSap
from resources.sources.resources import (
    FileDropArtTradeResource,
    FileDropInforResource,
    FileDropSapResource,
)
from resources.store_resource import StoreResource

REPO_ROOT = Path(__file__).resolve().parents[1]
SANDBOX_API_KEY = "sandbox-demo-key"


@dataclass
class LocalStack:
    """Handles to everything a local run needs; `close()` stops the sandbox.

    The sandbox's Api-Key is in ``os.environ`` under the main account's ``api_key_env`` while
    the stack runs; `close()` puts back whatever that variable held before.
    """

    settings: NovexSettings
    server: SandboxServer
    data_dir: Path
    store_url: str
    api_key: str = field(repr=False)
    time_factor: float
    previous_key: str | None = field(default=None, repr=False)

    @property
    def client_id(self) -> str:
        """Client-Id of the main Ozon account, which the sandbox is seeded for."""
        return self.settings.ozon.main.client_id

    @property
    def api_key_env(self) -> str:
        """The environment variable the Api-Key is read from, as in production."""
        return self.settings.ozon.main.api_key_env

    def resources(self) -> dict[str, Any]:
        """Dagster resources pointed at this stack.

        The Api-Key goes in as ``dg.EnvVar``: Dagster keeps resource values in its run storage,
        and an environment variable's name is all that may end up there.
        """
        return {
            "settings": SettingsResource(config_path=os.environ.get("NOVEX_CONFIG")),
            "store": StoreResource(url=self.store_url),
            "ozon": OzonResource(
                base_url=self.server.url,
                client_id=self.client_id,
                api_key=dg.EnvVar(self.api_key_env),
                time_scale=self.time_factor,
            ),
            "sap": FileDropSapResource(data_dir=str(self.data_dir)),
            "infor": FileDropInforResource(data_dir=str(self.data_dir)),
            "arttrade": FileDropArtTradeResource(data_dir=str(self.data_dir)),
        }

    def save_sandbox_state(self, path: Path) -> None:
        """Stop the sandbox and write its state to ``path`` for ``novex sandbox --state-file``."""
        self.server.stop()
        self.server.save_state(path)

    def close(self) -> None:
        """Stop the sandbox server (if still running) and restore the Api-Key variable."""
        self.server.stop()
        if self.previous_key is None:
            os.environ.pop(self.api_key_env, None)
        else:
            os.environ[self.api_key_env] = self.previous_key


def seed_sandbox(
    admin: SandboxAdmin,
    settings: NovexSettings,
    data_dir: Path,
    *,
    client_id: str | None = None,
) -> int:
    """Give the sandbox Novex's warehouses and an Ozon card for every Ozon-enabled SAP product.

    Cards start price-sent at the SAP base price, as cards already selling on Ozon would be; the
    first price sync then moves them to the rule-based price. Only what the account lacks is
    added, so warehouses and cards loaded from a state file keep their stock, prices and status.

    Args:
        admin: admin client of the running sandbox (``SandboxServer.admin`` or one on its URL).
        settings: Novex's settings (warehouses, main account).
        data_dir: folder holding the SAP assortment drop.
        client_id: account to seed; the main account of ``settings`` by default.

    Returns:
        The number of cards added.
    """
    client_id = client_id or settings.ozon.main.client_id
    # Read first: a missing or broken drop changes nothing in the sandbox.
    assortment = FileDropSap(data_dir).read_assortment().frame
    enabled = assortment.filter(assortment["ozon_enabled"])
    known_warehouses = {w.warehouse_id for w in admin.warehouses(client_id)}
    warehouses = [
        Warehouse(warehouse_id=w.ozon_warehouse_id, name=w.name or w.infor_site)
        for w in settings.warehouses
        if w.ozon_warehouse_id not in known_warehouses
    ]
    if warehouses:
        admin.seed_warehouses(client_id, warehouses)
    known_offers = {p.offer_id for p in admin.products(client_id)}
    products = [
        SeedProduct(
            offer_id=offer_id,
            name=name,
            barcodes=[barcode] if barcode else [],
            price=f"{price:.2f}",
            price_sent=True,
        )
        for offer_id, name, barcode, price in enabled.select(
            "offer_id", "name", "barcode", "base_price"
        ).iter_rows()
        if offer_id not in known_offers
    ]
    for start in range(0, len(products), 5000):
        admin.seed_products(client_id, products[start : start + 5000])
    return len(products)


def start_stack(
    workdir: Path,
    *,
    skus: int,
    seed: int,
    time_factor: float,
    fresh: bool = True,
    settings: NovexSettings | None = None,
) -> LocalStack:
    """Generate data under `workdir`, start and seed a sandbox, and return the stack."""
    from sample_data.generator import generate

    settings = settings or load_settings()
    if fresh and workdir.exists():
        shutil.rmtree(workdir)
    data_dir = workdir / "data"
    sites = tuple(w.infor_site for w in settings.warehouses)
    generate(data_dir, skus=skus, seed=seed, sites=sites)
    config = SandboxConfig(
        accounts={settings.ozon.main.client_id: SecretStr(SANDBOX_API_KEY)},
        time_factor=time_factor,
        seed=seed,
    )
    server = SandboxServer(config).start()
    try:
        seed_sandbox(server.admin, settings, data_dir)
    except BaseException:
        server.stop()
        raise
    key_env = settings.ozon.main.api_key_env
    previous_key = os.environ.get(key_env)
    os.environ[key_env] = SANDBOX_API_KEY
    return LocalStack(
        settings=settings,
        server=server,
        data_dir=data_dir,
        store_url=f"sqlite:///{(workdir / 'novex.sqlite').resolve()}",
        api_key=SANDBOX_API_KEY,
        time_factor=time_factor,
        previous_key=previous_key,
    )


def local_instance(home: Path) -> dg.DagsterInstance:
    """The embedded Dagster instance (SQLite) under `home`, so `dagster dev` shows runs later."""
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    if not target.exists():
        shutil.copyfile(REPO_ROOT / "deploy" / "dagster.local.yaml", target)
    os.environ["DAGSTER_HOME"] = str(home.resolve())
    return dg.DagsterInstance.get()
