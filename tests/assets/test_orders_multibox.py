# mypy: disable-error-code="index"
"""A multibox posting through real runs against the sandbox: the notice says so, Infor packs two
boxes, Ozon gets the box count with the exemplars and one package with every unit."""

from __future__ import annotations

import time

import dagster as dg

from novex_cli.stack import LocalStack
from resources.ozon import OzonClient
from resources.sources.infor_documents import PackedBox, ShipmentNotice
from sample_data.infor_orders import InforSimulator
from tests.assets.conftest import materialization, run_job, run_ok
from tests.support.orders import (
    deliver_pushes,
    labelled_at_infor,
    orders_repo,
    outbox,
    place,
    stocked_offers,
)


def test_multibox_posting_ships_as_one_posting_with_its_box_count(stack: LocalStack) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(stack, "inventory_sync", instance).success
    warehouse = stack.settings.warehouses[0]
    a, b = stocked_offers(stack, warehouse.infor_site)[:2]
    # Five units, one line marked: as an ordinary posting this would be two boxes, two postings.
    multibox = place(stack, warehouse.ozon_warehouse_id, (a, 3, True), (b, 2, False), multibox=True)
    plain = place(stack, warehouse.ozon_warehouse_id, (b, 1, False))
    deliver_pushes(stack, seen=set())
    run_ok(stack, instance)

    def notice(number: str) -> ShipmentNotice:
        path = outbox(stack) / f"notice_{number}.json"
        return ShipmentNotice.model_validate_json(path.read_bytes())

    assert notice(multibox).multibox is True and notice(plain).multibox is False

    infor = InforSimulator(stack.data_dir, box_units=4)
    assert infor.pack(only={multibox}) == [multibox]
    # An ordinary posting's document with an empty box is refused: only multibox ones have them.
    wrong = infor.packing_document(notice(plain), notice(plain).pack_by)  # type: ignore[arg-type]
    wrong = wrong.model_copy(update={"boxes": [*wrong.boxes, PackedBox(box_id="BX9")]})
    infor._drop(f"packing_{plain}.json", wrong)

    repo = orders_repo(stack)
    for _ in range(10):
        result = run_ok(stack, instance)
        if (repo.posting(multibox) or {}).get("stage") == "labelled":
            break
        time.sleep(0.5)
    assert repo.posting(multibox)["stage"] == "labelled", repo.posting(multibox)["exception"]
    assert materialization(result, "orders", "shipments")  # chain 2 ran as an asset

    # Two boxes recorded, both travelling as the one posting Ozon kept; every unit on it.
    boxes = repo.boxes(multibox)
    assert [(b["box_id"], b["result_posting_number"]) for b in boxes] == [
        ("BX1", multibox),
        ("BX2", multibox),
    ]
    assert sorted((i["offer_id"], i["quantity"]) for i in repo.items(multibox)) == sorted(
        [(a, 3), (b, 2)]
    )
    assert len(repo.marks(multibox)) == 3
    assert set(labelled_at_infor(stack)) == {multibox}
    with OzonClient(stack.server.url, stack.client_id, stack.api_key) as client:
        on_ozon = client.postings.get(multibox, with_related_postings=True)
    assert (on_ozon.status, on_ozon.multi_box_qty, on_ozon.is_multibox) == (
        "awaiting_deliver",
        2,
        False,
    )
    assert not on_ozon.related_postings or not on_ozon.related_postings.related_posting_numbers

    refused = repo.posting(plain)
    assert refused["stage"] == "refused"
    assert "box BX9 holds no items" in refused["exception"]
