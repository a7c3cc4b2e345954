"""The push inbox asset and its sensor: real materialisations and real sensor ticks."""

from __future__ import annotations

from typing import Any

import dagster as dg
import pytest

from novex_assets.definitions import build_definitions, default_resources
from novex_assets.orders.intake_assets import INBOX_UP_TO_TAG, push_inbox
from novex_assets.settings_resource import SettingsResource
from resources.ozon.models.push import NewPostingPush, PostingCancelledPush
from resources.store.inbox_keys import dedup_key
from resources.store_resource import StoreResource, open_store
from sensors.orders_inbox import SENSOR_NAME

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _push(n: int, message_type: str = "TYPE_NEW_POSTING") -> dict:
    body = {
        "message_type": message_type,
        "seller_id": 100500,
        "posting_number": f"5000-{n:04d}-1",
        "products": [{"sku": 10 + n, "offer_id": f"OF-{n}", "quantity": 1}],
        "warehouse_id": 1,
    }
    if message_type == "TYPE_POSTING_CANCELLED":
        body |= {"new_state": "posting_canceled", "reason": {"id": 506, "message": "buyer"}}
    return body


def _resources(store_url: str) -> dict:
    return {"store": StoreResource(url=store_url), "settings": SettingsResource()}


def _fill(store_url: str, *bodies: dict) -> list[int]:
    inbox = open_store(store_url).inbox
    return [
        inbox.add(dedup_key(b), b["message_type"], b, posting_number=b["posting_number"])[0]
        for b in bodies
    ]


def test_push_inbox_hands_over_parsed_messages_up_to_the_requested_id(store_url: str) -> None:
    ids = _fill(store_url, _push(1), _push(2, "TYPE_POSTING_CANCELLED"), _push(3))
    result = dg.materialize(
        [push_inbox],
        resources=_resources(store_url),
        tags={INBOX_UP_TO_TAG: str(ids[1])},
        run_config=QUIET,
    )
    assert result.success
    messages = result.output_for_node("orders__push_inbox")
    assert [m.id for m in messages] == ids[:2]
    assert isinstance(messages[0].parsed, NewPostingPush)
    assert isinstance(messages[1].parsed, PostingCancelledPush)
    assert messages[1].parsed.reason.id == 506
    meta = result.asset_materializations_for_node("orders__push_inbox")[0].metadata
    assert meta["messages"].value == 2
    assert meta["by_type"].value == {"TYPE_NEW_POSTING": 1, "TYPE_POSTING_CANCELLED": 1}
    by_status: Any = meta["inbox_by_status"].value
    oldest: Any = meta["oldest_pending_age_s"].value
    assert by_status["pending"] == 3
    assert oldest >= 0


def test_push_inbox_respects_the_batch_size_from_run_config(store_url: str) -> None:
    _fill(store_url, *(_push(n) for n in range(5)))
    result = dg.materialize(
        [push_inbox],
        resources=_resources(store_url),
        run_config={**QUIET, "ops": {"orders__push_inbox": {"config": {"batch_size": 2}}}},
    )
    assert len(result.output_for_node("orders__push_inbox")) == 2


def _tick(store_url: str, cursor: str | None, instance: dg.DagsterInstance):
    defs = build_definitions(resources={**default_resources(), **_resources(store_url)})
    sensor = defs.resolve_sensor_def(SENSOR_NAME)
    context = dg.build_sensor_context(
        cursor=cursor, resources=_resources(store_url), definitions=defs, instance=instance
    )
    return sensor.evaluate_tick(context)


def test_sensor_requests_one_run_per_batch_and_moves_its_cursor_with_it(store_url: str) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert _tick(store_url, None, instance).run_requests == []
    ids = _fill(store_url, *(_push(n) for n in range(30)))
    first = _tick(store_url, None, instance)
    # Thirty postings, one run: the batch, not the posting, is the unit of work.
    assert len(first.run_requests) == 1
    request = first.run_requests[0]
    assert request.run_key == f"inbox-{ids[-1]}"
    assert request.tags[INBOX_UP_TO_TAG] == str(ids[-1])
    assert first.cursor == str(ids[-1])
    open_store(store_url).inbox.mark_processed(ids)
    idle = _tick(store_url, first.cursor, instance)
    assert idle.run_requests == [] and idle.cursor == first.cursor
    more = _fill(store_url, _push(100), _push(101))
    second = _tick(store_url, first.cursor, instance)
    assert [r.run_key for r in second.run_requests] == [f"inbox-{more[-1]}"]
    assert second.cursor == str(more[-1])


def test_sensor_waits_while_the_previous_batch_is_in_flight(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # orders_process also holds the Ozon-calling order assets: their key must resolve.
    monkeypatch.setenv("OZON_API_KEY", "test-key")
    instance = dg.DagsterInstance.ephemeral()
    defs = build_definitions(resources={**default_resources(), **_resources(store_url)})
    job = defs.resolve_job_def("orders_process")
    instance.create_run_for_job(job_def=job, status=dg.DagsterRunStatus.SUCCESS)
    running = instance.create_run_for_job(job_def=job, status=dg.DagsterRunStatus.STARTED)
    ids = _fill(store_url, _push(1))
    held = _tick(store_url, None, instance)
    # No run requested and the cursor not moved: the messages wait for the next tick.
    assert held.run_requests == []
    assert held.cursor is None
    assert "still in flight" in (held.skip_message or "")
    instance.report_run_failed(running)
    freed = _tick(store_url, None, instance)
    assert [r.run_key for r in freed.run_requests] == [f"inbox-{ids[-1]}"]


def test_processed_messages_do_not_trigger_runs(store_url: str) -> None:
    instance = dg.DagsterInstance.ephemeral()
    ids = _fill(store_url, _push(1))
    open_store(store_url).inbox.mark_processed(ids)
    assert _tick(store_url, None, instance).run_requests == []


def test_messages_a_run_left_behind_get_a_retry_run_per_interval(store_url: str) -> None:
    instance = dg.DagsterInstance.ephemeral()
    ids = _fill(store_url, _push(1), _push(2))
    first = _tick(store_url, None, instance)
    inbox = open_store(store_url).inbox
    # The run handled one message, failed on the other, and ended.
    inbox.mark_processed(ids[:1])
    inbox.mark_failed(ids[1], "Infor outbox unreachable")
    retry = _tick(store_url, first.cursor, instance)
    (request,) = retry.run_requests
    assert request.run_key.startswith(f"inbox-{ids[-1]}-retry-")
    assert request.tags[INBOX_UP_TO_TAG] == str(ids[-1])
    assert retry.cursor == first.cursor
    # Within one retry interval the key is the same, so Dagster starts it once.
    assert _tick(store_url, first.cursor, instance).run_requests[0].run_key == request.run_key
    for _ in range(4):
        inbox.mark_failed(ids[1], "still unreachable")
    # Out of attempts: left for a person (visible as failed), no more runs.
    assert _tick(store_url, first.cursor, instance).run_requests == []


def test_definitions_hold_the_intake_job_sensor_and_schedule() -> None:
    defs = build_definitions(resources=default_resources())
    process = defs.resolve_job_def("orders_process")
    poll = defs.resolve_job_def("orders_poll")
    inbox_key = dg.AssetKey(["orders", "push_inbox"])
    poll_key = dg.AssetKey(["orders", "posting_poll"])
    assert inbox_key in process.asset_layer.executable_asset_keys
    assert poll_key not in process.asset_layer.executable_asset_keys
    assert poll.asset_layer.executable_asset_keys == {poll_key}
    sensor = defs.resolve_sensor_def(SENSOR_NAME)
    assert sensor.job_name == "orders_process"
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    schedule = defs.resolve_schedule_def("orders_poll_schedule")
    assert schedule.job_name == "orders_poll"


def test_messages_out_of_attempts_show_in_a_warning_check(store_url: str) -> None:
    from novex_assets.orders.intake_assets import no_stuck_inbox_messages

    ids = _fill(store_url, _push(1), _push(2))
    inbox = open_store(store_url).inbox
    for _ in range(5):
        inbox.mark_failed(ids[1], "unknown offer NVX-9")
    result = dg.materialize(
        [push_inbox, no_stuck_inbox_messages], resources=_resources(store_url), run_config=QUIET
    )
    assert result.success
    (check,) = result.get_asset_check_evaluations()
    assert check.passed is False
    assert check.severity == dg.AssetCheckSeverity.WARN
    assert check.metadata["stuck"].value == 1
    examples: Any = check.metadata["examples"].value
    (example,) = examples
    assert example["posting_number"] == "5000-0002-1"
    assert example["error"] == "unknown offer NVX-9"
    # The batch still carries the healthy message.
    assert [m.id for m in result.output_for_node("orders__push_inbox")] == ids[:1]
