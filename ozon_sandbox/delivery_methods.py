"""Delivery methods of the FBS warehouses: how a warehouse's parcels reach Ozon.

Ozon gives each FBS warehouse a delivery method with the warehouse's own id; a warehouse can
have more (another first mile, a courier pick-up), and shipments, acts and the day's delivery
list are per method. The admin surface adds such methods, sharing their warehouse's cut-off and
drop-off slot, so flows that work per (warehouse, delivery method) meet more than one.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

from ozon_sandbox.state import AccountState, Warehouse


class DeliveryMethodSeed(BaseModel):
    """An extra delivery method of a warehouse (admin seed)."""

    delivery_method_id: int = Field(gt=0)
    warehouse_id: int = Field(gt=0)
    name: str = Field(min_length=1)


class DeliveryMethodsState(BaseModel):
    """The account's extra delivery methods by id (each warehouse's own is implied)."""

    extra: dict[str, DeliveryMethodSeed] = Field(default_factory=dict)


@dataclass(frozen=True)
class Method:
    """A delivery method and the warehouse it serves."""

    id: int
    name: str
    warehouse: Warehouse


def default_name(warehouse: Warehouse) -> str:
    """The name Ozon gives a warehouse's own delivery method."""
    return f"Доставка Ozon самостоятельно, {warehouse.name}"


def _state(state: AccountState) -> DeliveryMethodsState:
    return state.domain(DeliveryMethodsState)


def methods(state: AccountState) -> list[Method]:
    """Every delivery method of the account's warehouses, by id."""
    found = [Method(w.warehouse_id, default_name(w), w) for w in state.warehouses.values()]
    for seed in _state(state).extra.values():
        warehouse = state.warehouses.get(seed.warehouse_id)
        if warehouse is not None:
            found.append(Method(seed.delivery_method_id, seed.name, warehouse))
    return sorted(found, key=lambda m: m.id)


def method(state: AccountState, delivery_method_id: int) -> Method | None:
    """The delivery method with this id (a warehouse's own or an extra one), if any."""
    warehouse = state.warehouses.get(delivery_method_id)
    if warehouse is not None:
        return Method(warehouse.warehouse_id, default_name(warehouse), warehouse)
    seed = _state(state).extra.get(str(delivery_method_id))
    if seed is None or seed.warehouse_id not in state.warehouses:
        return None
    return Method(seed.delivery_method_id, seed.name, state.warehouses[seed.warehouse_id])


def add(state: AccountState, seeds: list[DeliveryMethodSeed]) -> int:
    """Add or replace extra methods; returns how many were new.

    Raises:
        ValueError: a seed names an unknown warehouse, or takes a warehouse's id (which is
            that warehouse's own method).
    """
    extra = _state(state).extra
    for seed in seeds:
        if seed.warehouse_id not in state.warehouses:
            raise ValueError(f"unknown warehouse_id {seed.warehouse_id}")
        if seed.delivery_method_id in state.warehouses:
            raise ValueError(
                f"delivery_method_id {seed.delivery_method_id} is a warehouse's own method"
            )
    created = sum(1 for s in seeds if str(s.delivery_method_id) not in extra)
    for seed in seeds:
        extra[str(seed.delivery_method_id)] = seed
    return created
