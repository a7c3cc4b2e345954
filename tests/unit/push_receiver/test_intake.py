"""What the receiver answers and stores for each kind of body, and whom it accepts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from resources.push_receiver.intake import classify, oversized
from resources.push_receiver.network import SourceFilter
from resources.store.inbox_keys import dedup_key

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _classify(body: bytes | dict):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return classify(raw, app_name="novex", app_version="0.1.0", now=NOW)


def test_ping_gets_name_version_and_utc_time_and_is_not_stored() -> None:
    intake = _classify({"message_type": "TYPE_PING", "time": "2026-12-01T09:30:00Z"})
    assert intake.entry is None
    assert intake.reply.status == 200
    assert intake.reply.body == {
        "version": "0.1.0",
        "name": "novex",
        "time": "2026-12-01T09:30:00Z",
    }


def test_every_example_push_of_ozon_is_accepted_with_result_true(ozon_examples: Path) -> None:
    bodies = []
    for path in sorted((ozon_examples / "push").glob("TYPE_*.json")):
        body = json.loads(path.read_text())
        if "." in path.stem or body.get("message_type") in ("TYPE_PING", None):
            continue
        # One example carries the placeholder "string" as its type: its file names the type.
        if body["message_type"] == "string":
            body["message_type"] = path.stem
        bodies.append(body)
    if not bodies:
        pytest.skip("no push examples among Ozon's payloads")
    for body in bodies:
        intake = _classify(body)
        assert intake.reply.status == 200, (body["message_type"], intake.reply.body)
        assert intake.reply.body == {"result": True}
        assert intake.entry is not None and intake.entry.status == "pending"


def test_new_posting_is_stored_as_received_under_its_meaning() -> None:
    body = {
        "message_type": "TYPE_NEW_POSTING",
        "seller_id": 15,
        "posting_number": "24219509-0020-1",
        "products": [{"sku": 147451959, "quantity": 2}],
        "in_process_at": "2021-01-26T06:56:36.294Z",
        "warehouse_id": 18850503335000,
    }
    raw = json.dumps(body).encode()
    intake = classify(raw, app_name="novex", app_version="1")
    assert intake.reply.body == {"result": True}
    assert intake.entry is not None
    assert intake.entry.payload == raw.decode()
    assert intake.entry.dedup_key == "new:24219509-0020-1"
    assert intake.entry.posting_number == "24219509-0020-1"


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b"{not json", 400, "ERROR_UNKNOWN"),
        (b"[1, 2]", 400, "ERROR_UNKNOWN"),
        (b'{"seller_id": 1}', 400, "ERROR_PARAMETER_VALUE_MISSED"),
        (
            b'{"message_type": "TYPE_NEW_POSTING", "seller_id": 1}',
            400,
            "ERROR_PARAMETER_VALUE_MISSED",
        ),
        (b'{"message_type": "TYPE_TELEPORTED"}', 400, "ERROR_UNKNOWN"),
        (
            b'{"message_type": "TYPE_STATE_CHANGED", "posting_number": "1", "new_state": []}',
            400,
            "ERROR_UNKNOWN",
        ),
        (b"\xff\xfe", 400, "ERROR_UNKNOWN"),
    ],
)
def test_refused_bodies_get_ozons_error_shape_and_are_kept(
    raw: bytes, status: int, code: str
) -> None:
    intake = classify(raw, app_name="novex", app_version="1")
    assert intake.reply.status == status
    assert set(intake.reply.body) == {"error"}
    assert intake.reply.body["error"]["code"] == code
    assert intake.reply.body["error"]["message"]
    assert intake.reply.body["error"]["details"] is None
    assert intake.entry is not None
    assert intake.entry.status == "invalid"
    assert intake.entry.dedup_key.startswith("invalid:")
    assert intake.entry.error == intake.reply.body["error"]["message"]


def test_oversized_body_is_refused_and_its_head_kept() -> None:
    intake = oversized(b"x" * 2048, 2048)
    assert intake.reply.status == 413
    assert intake.reply.body["error"]["code"] == "ERROR_UNKNOWN"
    assert intake.entry is not None and intake.entry.status == "invalid"
    assert len(intake.entry.payload) == 2048


def test_retries_and_polled_copies_share_a_key_per_meaning() -> None:
    base = {"seller_id": 1, "posting_number": "7-1", "warehouse_id": 3}
    state_a = dedup_key(
        {**base, "message_type": "TYPE_STATE_CHANGED", "new_state": "posting_in_carriage"}
    )
    state_b = dedup_key(
        {
            **base,
            "message_type": "TYPE_STATE_CHANGED",
            "new_state": "posting_transferring_to_delivery",
        }
    )
    delivered = dedup_key(
        {**base, "message_type": "TYPE_STATE_CHANGED", "new_state": "posting_delivered"}
    )
    assert state_a == state_b == "state:7-1:awaiting_deliver"
    assert delivered == "state:7-1:delivered"
    cancelled = dedup_key(
        {**base, "message_type": "TYPE_POSTING_CANCELLED", "new_state": "posting_canceled"}
    )
    assert (
        cancelled
        == dedup_key(
            {**base, "message_type": "TYPE_STATE_CHANGED", "new_state": "posting_canceled"}
        )
        == "cancelled:7-1"
    )
    cut_a = dedup_key(
        {
            **base,
            "message_type": "TYPE_CUTOFF_DATE_CHANGED",
            "new_cutoff_date": "2026-12-02T10:00:00Z",
        }
    )
    cut_b = dedup_key(
        {
            **base,
            "message_type": "TYPE_CUTOFF_DATE_CHANGED",
            "new_cutoff_date": "2026-12-02T10:00:00.000+00:00",
        }
    )
    cut_c = dedup_key(
        {
            **base,
            "message_type": "TYPE_CUTOFF_DATE_CHANGED",
            "new_cutoff_date": "2026-12-03T10:00:00Z",
        }
    )
    assert cut_a == cut_b != cut_c
    stocks = {"message_type": "TYPE_STOCKS_CHANGED", "seller_id": 1, "items": [{"sku": 1}]}
    assert dedup_key(stocks) == dedup_key(dict(reversed(list(stocks.items()))))
    assert dedup_key(stocks) != dedup_key({**stocks, "items": [{"sku": 2}]})


def test_allow_list_by_network_and_forwarded_for_only_when_trusted() -> None:
    ozon = ["195.34.21.0/24", "185.73.192.0/22", "91.223.93.0/24"]
    direct = SourceFilter(ozon)
    assert direct.allows("195.34.21.17")
    assert direct.allows("185.73.195.1")
    assert direct.allows("::ffff:91.223.93.4")
    assert not direct.allows("10.1.2.3")
    assert not direct.allows(None)
    assert not direct.allows("not-an-ip")
    spoofed = {"x-forwarded-for": "195.34.21.17"}
    assert direct.client_address("10.1.2.3", spoofed) == "10.1.2.3"
    proxied = SourceFilter(ozon, trust_forwarded_for=True)
    # Only the hop our proxy appended counts; what the sender put before it is ignored.
    assert proxied.client_address("10.0.0.2", {"x-forwarded-for": "1.2.3.4, 195.34.21.17"}) == (
        "195.34.21.17"
    )
    assert proxied.client_address("10.0.0.2", {}) == "10.0.0.2"
    assert SourceFilter([]).allows("203.0.113.9")


def test_a_bad_network_in_the_config_names_file_and_field(tmp_path: Path) -> None:
    import yaml

    from novex_assets.settings import ConfigError, load_settings

    shipped = Path(__file__).resolve().parents[3] / "config" / "novex.yaml"
    config = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    config["orders_intake"] = {"allowed_networks": ["195.34.21.0/24", "ozon"], "poll_cron": "x"}
    path = tmp_path / "novex.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    message = str(error.value)
    assert str(path) in message
    assert "orders_intake.allowed_networks" in message and "'ozon'" in message
    assert "orders_intake.poll_cron" in message
