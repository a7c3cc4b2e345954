"""The polling safety net against the sandbox: a push that never came is found, one that came
both ways is handled once, and the watermark only moves after a complete poll."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import dagster as dg
import pytest
import yaml

from novex_assets.orders.intake_assets import posting_poll, push_inbox
from novex_assets.orders.polling import WATERMARK, poll_postings
from novex_assets.settings_resource import SettingsResource
from ozon_sandbox.admin import SeedStock
from ozon_sandbox.config import FaultSettings
from ozon_sandbox.postings.orders import OrderLine, PlaceOrder
from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient
from resources.ozon.errors import OzonError
from resources.ozon.models.push import NewPostingPush, PostingCancelledPush
from resources.ozon.push import parse_push
from resources.ozon_resource import OzonResource
from resources.store.store import Store
from resources.store_resource import StoreResource
from tests.support.novex_receiver import ReceiverServer
from tests.support.push_receiver import closed_port_url
from tests.support.sandbox import (
    API_KEY,
    CLIENT_ID,
    WAREHOUSE_IDS,
    sandbox_config,
    seed_catalog,
    start_sandbox,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
WAREHOUSE = WAREHOUSE_IDS[0]
# The sandbox's clock starts at a fixed day; the first poll must reach back to it.
LOOKBACK = timedelta(days=300)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    cms = Store(store_url).migrate()
    try:
        yield cms
    finally:
        cms.dispose()


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = start_sandbox(
        sandbox_config(time_factor=0, push={"background": False, "timeout_seconds": 1})
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
    lines = [OrderLine(offer_id="NVX-00000", quantity=2), OrderLine(offer_id="NVX-00001")]
    return server.admin.place_orders(
        CLIENT_ID, [PlaceOrder(warehouse_id=WAREHOUSE, items=lines) for _ in range(n)]
    )


def poll(server: SandboxServer, store: Store):
    with OzonClient(server.url, CLIENT_ID, API_KEY, max_attempts=1) as client:
        return poll_postings(
            client,
            store.inbox,
            seller_id=int(CLIENT_ID),
            overlap=timedelta(minutes=5),
            initial_lookback=LOOKBACK,
        )


def test_a_posting_whose_push_was_dropped_is_found_by_polling(
    sandbox: SandboxServer, store: Store
) -> None:
    admin = sandbox.admin
    admin.configure_push(CLIENT_ID, closed_port_url())
    (number,) = order(sandbox)
    # Ozon retries, then drops the push (or suspends delivery): it never reaches us.
    for _ in range(20):
        report = admin.deliver_pushes(CLIENT_ID)
        assert report.delivered == 0
        status = admin.push_status(CLIENT_ID)
        if report.dropped or status.status != "active":
            break
        admin.advance(601)
    else:
        pytest.fail("the sandbox neither dropped nor suspended the push")
    assert store.inbox.rows() == []
    polled = poll(sandbox, store)
    assert polled.created == 1
    row = store.inbox.get(f"new:{number}")
    assert row is not None and row["source"] == "poll" and row["status"] == "pending"
    (message,) = store.inbox.pending(limit=10)
    parsed = parse_push(message.payload)
    assert isinstance(parsed, NewPostingPush)
    assert parsed.posting_number == number
    assert {(p.offer_id, p.quantity) for p in parsed.products} == {
        ("NVX-00000", 2),
        ("NVX-00001", 1),
    }
    assert parsed.warehouse_id == WAREHOUSE
    assert store.inbox.watermark(WATERMARK) is not None
    # Polling again finds nothing new.
    assert poll(sandbox, store).created == 0


def test_a_change_that_arrives_both_ways_is_stored_once(
    sandbox: SandboxServer, store: Store
) -> None:
    admin = sandbox.admin
    with ReceiverServer(store) as receiver:
        assert admin.check_push(CLIENT_ID, receiver.url).ok
        numbers = order(sandbox, 3)
        admin.buyer_cancel(CLIENT_ID, numbers[0])
        assert admin.deliver_pushes(CLIENT_ID).failed == 0
    pushed = {r["dedup_key"] for r in store.inbox.rows()}
    assert {f"new:{n}" for n in numbers} | {f"cancelled:{numbers[0]}"} <= pushed
    report = poll(sandbox, store)
    assert report.unfulfilled_seen + report.changed_seen >= 3
    assert report.created == 0
    assert {r["dedup_key"] for r in store.inbox.rows()} == pushed
    assert all(r["source"] == "push" for r in store.inbox.rows())


def test_polling_first_then_the_late_push_is_not_a_second_message(
    sandbox: SandboxServer, store: Store
) -> None:
    admin = sandbox.admin
    numbers = order(sandbox, 2)
    admin.buyer_cancel(CLIENT_ID, numbers[1])
    report = poll(sandbox, store)
    assert report.created == 2
    cancelled = store.inbox.get(f"cancelled:{numbers[1]}")
    assert cancelled is not None and cancelled["message_type"] == "TYPE_POSTING_CANCELLED"
    messages = {m.dedup_key: m for m in store.inbox.pending(limit=10)}
    parsed = parse_push(messages[f"cancelled:{numbers[1]}"].payload)
    assert isinstance(parsed, PostingCancelledPush) and parsed.reason.id > 0
    # The pushes arrive late: already known, acknowledged, not stored again.
    with ReceiverServer(store) as receiver:
        assert admin.check_push(CLIENT_ID, receiver.url).ok
        assert admin.deliver_pushes(CLIENT_ID).failed == 0
    keys = [r["dedup_key"] for r in store.inbox.rows()]
    assert sorted(keys) == sorted([f"new:{numbers[0]}", f"cancelled:{numbers[1]}"])


def test_the_watermark_moves_only_after_a_complete_poll(
    sandbox: SandboxServer, store: Store
) -> None:
    admin = sandbox.admin
    order(sandbox)
    admin.set_faults(CLIENT_ID, FaultSettings(rate_5xx=1.0))
    with pytest.raises(OzonError):
        poll(sandbox, store)
    assert store.inbox.watermark(WATERMARK) is None
    assert store.inbox.rows() == []
    admin.clear_faults(CLIENT_ID)
    assert poll(sandbox, store).created == 1
    first = store.inbox.watermark(WATERMARK)
    assert first is not None
    admin.advance(3600)
    order(sandbox)
    assert poll(sandbox, store).created == 1
    second = store.inbox.watermark(WATERMARK)
    assert second is not None and second > first


def _settings_file(tmp_path: Path) -> str:
    config = yaml.safe_load((REPO_ROOT / "config" / "novex.yaml").read_text(encoding="utf-8"))
    config.setdefault("orders_intake", {})["poll_initial_lookback_h"] = 24 * 300
    path = tmp_path / "novex.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_poll_asset_feeds_the_inbox_asset(
    sandbox: SandboxServer, store: Store, store_url: str, tmp_path: Path
) -> None:
    numbers = order(sandbox, 2)
    resources = {
        "store": StoreResource(url=store_url),
        "settings": SettingsResource(config_path=_settings_file(tmp_path)),
        "ozon": OzonResource(base_url=sandbox.url, client_id=CLIENT_ID, api_key=API_KEY),
    }
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    polled = dg.materialize([posting_poll], resources=resources, run_config=quiet)
    assert polled.success
    meta = polled.asset_materializations_for_node("orders__posting_poll")[0].metadata
    assert meta["inbox_created"].value == 2
    assert meta["created_by_type"].value == {"TYPE_NEW_POSTING": 2}
    batch = dg.materialize([push_inbox], resources=resources, run_config=quiet)
    messages = batch.output_for_node("orders__push_inbox")
    assert sorted(m.posting_number for m in messages) == sorted(numbers)
    assert all(isinstance(m.parsed, NewPostingPush) for m in messages)
    meta = batch.asset_materializations_for_node("orders__push_inbox")[0].metadata
    assert meta["from_polling"].value == 2
