"""The catalog story over real HTTP: tree → characteristics → dictionaries → import → moderation."""

from __future__ import annotations

import pytest

from ozon_sandbox.catalog_state import CatalogSettings
from ozon_sandbox.testing import SandboxServer
from resources.ozon import (
    AttributesUpdateItem,
    AttributeValue,
    OzonClient,
    OzonPollTimeoutError,
    OzonRateLimitedError,
    ProductAttribute,
    StockUpdate,
)
from resources.ozon.models.catalog import CategoryNode
from tests.integration.catalog.conftest import (
    BRAND,
    HAIR_CARE,
    HAIR_TYPE,
    SHAMPOO,
    VOLUME,
    Dictionaries,
    Recorder,
    shampoo,
)
from tests.support.sandbox import CLIENT_ID, WAREHOUSE_IDS

IMPORT_S = 60
MODERATION_S = 3600


def _leaves(nodes: list[CategoryNode], parent: int = 0) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for node in nodes:
        if node.is_type:
            found.append((parent, node.type_id, node.type_name))
        else:
            found += _leaves(node.children, node.description_category_id)
    return found


def test_tree_attributes_and_a_dictionary_longer_than_one_page(
    client: OzonClient, recorder: Recorder
) -> None:
    leaves = _leaves(client.catalog.tree())
    assert (HAIR_CARE, SHAMPOO, "Шампунь") in leaves
    assert (HAIR_CARE, SHAMPOO, "Shampoo") in _leaves(client.catalog.tree("EN"))

    attributes = {a.id: a for a in client.catalog.attributes(HAIR_CARE, SHAMPOO)}
    assert attributes[BRAND].is_required and attributes[BRAND].dictionary_id
    assert attributes[VOLUME].is_required and attributes[VOLUME].dictionary_id == 0

    brands = client.catalog.attribute_values(BRAND, HAIR_CARE, SHAMPOO)
    ids = [v.id for v in brands]
    pages = recorder.of("/v1/description-category/attribute/values")
    assert len(ids) > 2000 and len(pages) >= 2
    assert ids == sorted(set(ids)), "every value once, in id order across pages"
    assert pages[1].request["last_value_id"] == ids[1999]

    found = client.catalog.search_attribute_values(BRAND, HAIR_CARE, SHAMPOO, "nivea")
    assert found[0].value == "Nivea"


def test_import_then_moderation_approves_and_the_card_sells(
    client: OzonClient, server: SandboxServer, dictionaries: Dictionaries
) -> None:
    server.admin.configure_push(CLIENT_ID, "http://127.0.0.1:9/ozon-push")
    [task_id] = client.products.import_([shampoo("SH-1", dictionaries)])
    assert [i.status for i in client.products.import_info(task_id).items] == ["pending"]

    server.admin.advance(IMPORT_S)
    [item] = client.products.wait_for_import(task_id, timeout_s=5, poll_s=0.05)
    assert item.status == "imported" and item.product_id > 0 and not item.errors

    [card] = client.products.info_list(offer_ids=["SH-1"])
    assert card.statuses.moderate_status == "moderating" and not card.statuses.is_created
    first, second = WAREHOUSE_IDS
    blocked = client.stocks.update([StockUpdate(offer_id="SH-1", warehouse_id=first, stock=5)])
    assert blocked[0].errors[0].code == "product_is_not_created"

    server.admin.advance(MODERATION_S)
    [card] = client.products.info_list(offer_ids=["SH-1"])
    assert card.statuses.moderate_status == "approved" and card.statuses.is_created
    assert card.statuses.status == "price_sent" and card.price == "349"
    sold = client.stocks.update([StockUpdate(offer_id="SH-1", warehouse_id=second, stock=5)])
    assert sold[0].updated

    pushes = server.admin.catalog_pushes(CLIENT_ID)
    assert pushes[-1]["offer_id"] == "SH-1" and pushes[-1]["product_id"] == item.product_id
    assert pushes[-1]["is_error"] is False
    push = server.admin.push_status(CLIENT_ID)
    assert push.queued + push.counters.delivered + push.counters.failed_attempts >= 1


def test_a_failed_import_names_each_problem(
    client: OzonClient, server: SandboxServer, dictionaries: Dictionaries
) -> None:
    good = shampoo("OK-1", dictionaries)
    unknown_brand = [ProductAttribute(id=BRAND, values=[AttributeValue(dictionary_value_id=1)])]
    broken = [
        shampoo("NOATTR", dictionaries, attributes=good.attributes[:1]),
        shampoo("BRAND", dictionaries, attributes=unknown_brand + good.attributes[1:]),
        shampoo("NODIM", dictionaries, depth=0),
        shampoo("LONG", dictionaries, name="Ш" * 501),
        shampoo("VAT", dictionaries, vat="0.18"),
        shampoo("NEG", dictionaries, price="-5", old_price=None),
        shampoo("OLD", dictionaries, old_price="100"),
        shampoo("CAT", dictionaries, description_category_id=17027484),
        shampoo("TYPE", dictionaries, type_id=1),
        shampoo("DENSE", dictionaries, weight=90_000),
    ]
    [task_id] = client.products.import_([good, *broken])
    server.admin.advance(IMPORT_S)
    items = {i.offer_id: i for i in client.products.wait_for_import(task_id, 5, 0.05)}

    def codes(offer_id: str) -> set[str]:
        assert items[offer_id].status == "failed"
        return {e.code for e in items[offer_id].errors}

    assert items["OK-1"].status == "imported"
    assert codes("NOATTR") == {"EMPTY_REQUIRED"}
    missing = {e.attribute_id for e in items["NOATTR"].errors}
    assert missing == {8229, 9048, VOLUME, HAIR_TYPE}
    assert codes("BRAND") == {"error_attribute_values_out_of_range"}
    assert items["BRAND"].errors[0].attribute_id == BRAND
    assert codes("NODIM") == {"missing_dimension"}
    assert codes("LONG") == {"name_too_long"}
    assert codes("VAT") == {"vat_invalid"}
    assert codes("NEG") == {"price_is_negative"}
    assert codes("OLD") == {"old_price_less_than_price"}
    assert codes("CAT") == {"description_category_invalid"}
    assert codes("TYPE") == {"description_category_has_no_description_type"}
    assert codes("DENSE") == {"Incorrect_density"}
    assert not client.products.info_list(offer_ids=["NODIM"]), "failed cards are not created"
    failed_pushes = [p for p in server.admin.catalog_pushes(CLIENT_ID) if p["is_error"]]
    assert {p["offer_id"] for p in failed_pushes} == {i.offer_id for i in broken}


def test_moderation_declines_with_reasons(
    client: OzonClient, server: SandboxServer, dictionaries: Dictionaries
) -> None:
    replica = shampoo("REP-1", dictionaries, name="Шампунь реплика известного бренда")
    client.products.import_([replica, shampoo("MAN-1", dictionaries)])
    server.admin.advance(IMPORT_S)
    client.products.info_list(offer_ids=["MAN-1"])  # the task completes on the next call
    server.admin.moderate(CLIENT_ID, "MAN-1", "declined", ["Фото не соответствует товару"])
    server.admin.advance(MODERATION_S)

    cards = {c.offer_id: c for c in client.products.info_list(offer_ids=["REP-1", "MAN-1"])}
    rep, manual = cards["REP-1"], cards["MAN-1"]
    assert rep.statuses.moderate_status == "declined" and not rep.statuses.is_created
    assert rep.statuses.status == "failed_moderation"
    assert rep.errors[0].field == "name" and rep.errors[0].level == "ERROR_LEVEL_ERROR"
    assert manual.statuses.moderate_status == "declined"
    assert manual.errors[0].texts.short_description == "Фото не соответствует товару"
    declined = {p["offer_id"] for p in server.admin.catalog_pushes(CLIENT_ID) if p["is_error"]}
    assert declined == {"REP-1", "MAN-1"}


def test_resending_an_unchanged_card_is_skipped(
    client: OzonClient, server: SandboxServer, dictionaries: Dictionaries
) -> None:
    card = shampoo("SAME-1", dictionaries)
    client.products.import_([card])
    server.admin.advance(IMPORT_S)
    [again] = client.products.import_([card])
    [changed] = client.products.import_([card.model_copy(update={"price": "299"})])
    server.admin.advance(IMPORT_S)
    assert client.products.wait_for_import(again, 5, 0.05)[0].status == "skipped"
    assert client.products.wait_for_import(changed, 5, 0.05)[0].status == "imported"
    assert client.products.limits().daily_update.usage == 1


def test_daily_quota_and_per_minute_limit(
    client: OzonClient, server: SandboxServer, dictionaries: Dictionaries
) -> None:
    server.admin.set_catalog_settings(CLIENT_ID, CatalogSettings(daily_create_limit=1))
    [task_id] = client.products.import_([shampoo(f"Q-{i}", dictionaries) for i in range(2)])
    server.admin.advance(IMPORT_S)
    items = client.products.wait_for_import(task_id, 5, 0.05)
    assert [i.status for i in items] == ["imported", "failed"]
    assert items[1].errors[0].code == "item_limit_exceeded"
    quota = client.products.limits()
    assert (quota.daily_create.limit, quota.daily_create.usage) == (1, 1)
    assert quota.total.usage == 1 and quota.daily_create.reset_at is not None

    # Lowered after the client learned the limit: its pacing is stale, so Ozon answers 429.
    server.admin.set_catalog_settings(
        CLIENT_ID, CatalogSettings(daily_create_limit=1, items_per_minute=3)
    )
    with pytest.raises(OzonRateLimitedError) as exc:
        client.products.import_([shampoo(f"M-{i}", dictionaries) for i in range(4)])
    assert exc.value.code == "RESOURCE_EXHAUSTED" and exc.value.retry_after == 60

    server.admin.advance(24 * 3600)
    assert client.products.limits().daily_create.usage == 0


def test_imports_over_100_cards_become_several_tasks(
    client: OzonClient, server: SandboxServer, dictionaries: Dictionaries
) -> None:
    cards = [shampoo(f"BULK-{i:03d}", dictionaries) for i in range(150)]
    task_ids = client.products.import_(cards)
    assert len(task_ids) == 2
    server.admin.advance(IMPORT_S)
    items = client.products.wait_for_import(task_ids, 5, 0.05)
    assert [i.offer_id for i in items] == [c.offer_id for c in cards]
    assert {i.status for i in items} == {"imported"}


def test_waiting_for_an_unprocessed_import_times_out_clearly(
    client: OzonClient, dictionaries: Dictionaries
) -> None:
    [task_id] = client.products.import_([shampoo("SLOW-1", dictionaries)])
    with pytest.raises(OzonPollTimeoutError, match=f"import task {task_id} not finished") as exc:
        client.products.wait_for_import(task_id, timeout_s=0.2, poll_s=0.05)
    assert exc.value.last.items[0].status == "pending"


def test_attribute_update_and_read_back(
    client: OzonClient, server: SandboxServer, dictionaries: Dictionaries
) -> None:
    client.products.import_([shampoo(f"RB-{i}", dictionaries) for i in range(5)])
    server.admin.advance(IMPORT_S + MODERATION_S)
    hair = list(client.catalog.attribute_values(HAIR_TYPE, HAIR_CARE, SHAMPOO))
    [task_id] = client.products.update_attributes(
        [
            AttributesUpdateItem(
                offer_id="RB-0",
                attributes=[
                    ProductAttribute(
                        id=HAIR_TYPE,
                        values=[AttributeValue(dictionary_value_id=v.id) for v in hair[:2]],
                    )
                ],
            ),
            AttributesUpdateItem(
                offer_id="NOPE",
                attributes=[ProductAttribute(id=VOLUME, values=[AttributeValue(value="1")])],
            ),
        ]
    )
    server.admin.advance(IMPORT_S)
    statuses = [(i.offer_id, i.status) for i in client.products.wait_for_import(task_id, 5, 0.05)]
    assert statuses == [("RB-0", "imported"), ("NOPE", "failed")]

    cards = list(client.products.info_attributes(page_size=2))
    assert [c.offer_id for c in cards] == [f"RB-{i}" for i in range(5)]
    first = cards[0]
    hair_type, volume = first.attribute(HAIR_TYPE), first.attribute(VOLUME)
    assert hair_type is not None and volume is not None
    assert [v.dictionary_value_id for v in hair_type.values] == [v.id for v in hair[:2]]
    assert volume.values[0].value == "250", "other characteristics kept"
    assert (first.depth, first.width, first.height, first.dimension_unit) == (50, 60, 190, "mm")
    assert first.images == ["https://cdn.novex.test/RB-0.jpg"]
    only = list(client.products.info_attributes(offer_ids=["RB-3"]))
    assert [c.offer_id for c in only] == ["RB-3"] and only[0].sku
