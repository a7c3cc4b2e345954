"""The sandbox's import checks and quota days as plain functions (no server)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ozon_sandbox.api.catalog import catalog
from ozon_sandbox.api.product_import import ImportItem, card_of, check_item
from ozon_sandbox.catalog_state import CatalogState, next_reset

HAIR_CARE, SHAMPOO = 17028968, 93284


def _item(**changes: Any) -> ImportItem:
    seed = catalog()
    brand = seed.values(85, HAIR_CARE, SHAMPOO, 0, 1)[0][0].id
    hair = seed.values(22236, HAIR_CARE, SHAMPOO, 0, 1)[0][0].id
    data: dict[str, Any] = {
        "offer_id": "X-1",
        "name": "Шампунь",
        "description_category_id": HAIR_CARE,
        "type_id": SHAMPOO,
        "price": "100",
        "vat": "0.22",
        "depth": 5,
        "width": 6,
        "height": 19,
        "dimension_unit": "cm",
        "weight": 300,
        "weight_unit": "g",
        "attributes": [
            {"id": 85, "values": [{"dictionary_value_id": brand}]},
            {"id": 8229, "values": [{"value": "Шампунь"}]},
            {"id": 9048, "values": [{"value": "X"}]},
            {"id": 22232, "values": [{"value": "250.5"}]},
            {"id": 22236, "values": [{"dictionary_value_id": hair}]},
        ],
    }
    data.update(changes)
    return ImportItem.model_validate(data)


def _codes(**changes: Any) -> list[str]:
    return [e.code for e in check_item(catalog(), _item(**changes))]


def test_a_complete_card_passes_in_any_units() -> None:
    assert _codes(weight=1, weight_unit="kg") == []
    assert _codes(depth=2, width=2, height=8, dimension_unit="in", weight=1, weight_unit="lb") == []


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"weight_unit": "t"}, "missing_dimension"),
        ({"weight": 0}, "missing_dimension"),
        ({"weight": 900, "weight_unit": "kg"}, "Incorrect_density"),
        ({"vat": ""}, "vat_invalid"),
        ({"price": None}, "price_is_negative"),
        ({"price": "abc"}, "price_is_negative"),
        ({"old_price": "99.99"}, "old_price_less_than_price"),
        ({"name": ""}, "EMPTY_REQUIRED"),
        ({"offer_id": "x" * 51}, "EMPTY_REQUIRED"),
        ({"description_category_id": 0}, "description_category_is_empty"),
        ({"type_id": 0}, "description_type_is_empty"),
    ],
)
def test_each_defect_has_ozons_code(changes: dict[str, Any], code: str) -> None:
    assert _codes(**changes) == [code]


def test_an_equal_old_price_and_a_zero_old_price_are_accepted() -> None:
    assert _codes(old_price="100") == [] and _codes(old_price="0") == []


def test_attribute_order_does_not_make_a_card_different() -> None:
    item = _item()
    shuffled = _item(attributes=list(reversed(item.model_dump()["attributes"])))
    assert card_of(item) == card_of(shuffled)


def test_daily_quotas_reset_at_three_in_the_morning_moscow_time() -> None:
    state = CatalogState(daily_create_usage=5, daily_update_usage=2)
    state.roll_quota_day(datetime(2026, 12, 1, 23, 59, tzinfo=UTC))
    state.daily_create_usage = 5
    state.roll_quota_day(datetime(2026, 12, 1, 23, 59, 59, tzinfo=UTC))
    assert state.daily_create_usage == 5
    state.roll_quota_day(datetime(2026, 12, 2, 0, 0, 1, tzinfo=UTC))
    assert state.daily_create_usage == 0
    assert next_reset(datetime(2026, 12, 1, 21, 0, tzinfo=UTC)) == datetime(
        2026, 12, 2, 0, 0, tzinfo=UTC
    )


def test_catalog_state_survives_a_snapshot() -> None:
    state = CatalogState()
    state.minute_ops.append((1.5, 3))
    state.new_task_id()
    again = CatalogState.model_validate_json(state.model_dump_json())
    assert again == state
