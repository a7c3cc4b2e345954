"""Walking many returns page by page, and returns of delivered postings by a fixed share."""

from __future__ import annotations

from ozon_sandbox.api.returns import ForceReturn
from ozon_sandbox.handover.logic import returns_share_hit
from ozon_sandbox.handover.model import HandoverSettings
from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient, constants
from tests.integration.handover.conftest import (
    DAY,
    FORMING_S,
    HOUR,
    WAREHOUSE_ID,
    Recorder,
    packed,
)
from tests.support.sandbox import CLIENT_ID


def test_returns_walk_every_page_once_in_id_order(
    frozen: SandboxServer, client: OzonClient, recorder: Recorder
) -> None:
    numbers = packed(frozen, 7)
    for number in numbers:
        frozen.admin.force_return(CLIENT_ID, ForceReturn(posting_number=number))

    walked = client.returns.list(page_size=3).to_list()

    ids = [r.id for r in walked]
    assert ids == sorted(ids) and len(set(ids)) == 7
    assert sorted(r.posting_number for r in walked) == sorted(numbers)
    calls = [e.request for e in recorder.exchanges if e.path == constants.RETURNS_LIST]
    assert [c["last_id"] for c in calls] == [0, ids[2], ids[5]]
    assert [r.posting_number for r in client.returns.list(posting_numbers=numbers[:2])] == (
        numbers[:2]
    )
    assert client.returns.list(return_schema="FBO").to_list() == []


def test_a_fixed_share_of_delivered_postings_comes_back_the_same_way_every_run(
    frozen: SandboxServer, client: OzonClient
) -> None:
    frozen.admin.handover_settings(CLIENT_ID, HandoverSettings(return_share=0.5))
    numbers = packed(frozen, 12)
    act_id = client.acts.create(WAREHOUSE_ID)
    frozen.admin.advance(FORMING_S + HOUR + 5 * DAY)

    assert {p.status for p in client.acts.postings(act_id)} == {"delivered"}
    returned = sorted({r.posting_number for r in client.returns.list()})
    assert 2 <= len(returned) <= 10
    assert set(returned) <= set(numbers)
    # The share is a hash of the posting number: a rerun would pick the same postings.
    assert returned == sorted(n for n in numbers if returns_share_hit(n, 0.5))
