"""Postings as Ozon's replies show them: the v4 list shape and the v3 ``get`` shape.

Only blocks the caller asked for with ``with`` are included; absent blocks are left out rather than
sent as ``null`` so that replies validate against Ozon's schema as published. The exception is
``/v3/posting/fbs/get``, whose buyer and courier fields Ozon's own example sends as ``null`` for an
FBS posting (API-NOTES §13): the sandbox does the same, so clients meet the real shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from ozon_sandbox.postings.model import Posting, available_actions, ozon_time

CURRENCY = "RUB"
# Ozon's FBS commission in the sandbox: a flat share of the price.
COMMISSION_PERCENT = 15


def _money(value: str) -> Decimal:
    try:
        return Decimal(value)
    except ArithmeticError:
        return Decimal(0)


def requirements(posting: Posting) -> dict[str, list[str]]:
    """The ``requirements`` block: SKU lists (strings, as the schema says)."""
    marked = [str(sku) for sku in posting.requiring_mandatory_mark]
    return {
        "products_requiring_change_country": [],
        "products_requiring_country": [],
        "products_requiring_gtd": [],
        "products_requiring_imei": [],
        "products_requiring_jw_uin": [],
        "products_requiring_mandatory_mark": marked,
        "products_requiring_rnpt": [],
        "products_requiring_weight": [],
    }


def cancellation(posting: Posting) -> dict[str, Any]:
    """The ``cancellation`` block; zero values for a posting that was not cancelled."""
    c = posting.cancellation
    return {
        "affect_cancellation_rating": bool(c and c.affect_cancellation_rating),
        "cancel_reason": c.cancel_reason if c else "",
        "cancel_reason_id": c.cancel_reason_id if c else 0,
        "cancellation_initiator": c.cancellation_initiator if c else "",
        "cancellation_type": c.cancellation_type if c else "",
        "cancelled_after_ship": bool(c and c.cancelled_after_ship),
    }


def delivery_method(posting: Posting) -> dict[str, Any]:
    """The ``delivery_method`` block (for FBS the method id is the warehouse id)."""
    return {
        "id": posting.delivery_method_id or posting.warehouse_id,
        "name": posting.delivery_method_name,
        "tpl_provider": posting.tpl_provider,
        "tpl_provider_id": posting.tpl_provider_id,
        "warehouse": posting.warehouse_name,
        "warehouse_id": posting.warehouse_id,
    }


def _analytics(posting: Posting) -> dict[str, Any]:
    data: dict[str, Any] = {
        "city": "Москва",
        "delivery_type": "PVZ",
        "is_legal": False,
        "is_premium": False,
        "payment_type_group_name": "Банковская карта",
        "region": "Москва",
        "tpl_provider": posting.tpl_provider,
        "tpl_provider_id": posting.tpl_provider_id,
        "warehouse": posting.warehouse_name,
        "warehouse_id": posting.warehouse_id,
    }
    if posting.delivery_date_begin is not None:
        data["delivery_date_begin"] = ozon_time(posting.delivery_date_begin)
        data["client_delivery_date_begin"] = ozon_time(posting.delivery_date_begin)
    if posting.delivery_date_end is not None:
        data["delivery_date_end"] = ozon_time(posting.delivery_date_end)
        data["client_delivery_date_end"] = ozon_time(posting.delivery_date_end)
    return data


def _financial(
    posting: Posting, money_fields: Callable[[Decimal, Decimal], dict[str, Any]]
) -> dict[str, Any]:
    """The ``financial_data`` block; v3 and v4 show commission and customer price differently."""
    products = []
    for p in posting.products:
        price = _money(p.price)
        commission = (price * p.quantity * COMMISSION_PERCENT / 100).quantize(Decimal("0.01"))
        products.append(
            {
                "actions": [],
                **money_fields(price, commission),
                "old_price": float(price),
                "payout": float(price * p.quantity - commission),
                "price": float(price),
                "product_id": p.sku,
                "quantity": p.quantity,
                "total_discount_percent": 0.0,
                "total_discount_value": 0.0,
            }
        )
    return {"cluster_from": "Москва", "cluster_to": "Москва", "products": products}


def _money_fields_v4(price: Decimal, commission: Decimal) -> dict[str, Any]:
    return {
        "commission": {
            "amount": float(commission),
            "currency": CURRENCY,
            "percent": COMMISSION_PERCENT,
        },
        "customer_price": {"amount": str(price), "currency": CURRENCY},
    }


def _money_fields_v3(price: Decimal, commission: Decimal) -> dict[str, Any]:
    return {
        "commission_amount": float(commission),
        "commission_percent": COMMISSION_PERCENT,
        "commissions_currency_code": CURRENCY,
        "currency_code": CURRENCY,
        "customer_currency_code": CURRENCY,
        "customer_price": float(price),
    }


def _common(posting: Posting) -> dict[str, Any]:
    data: dict[str, Any] = {
        "available_actions": available_actions(posting),
        "cancellation": cancellation(posting),
        "delivery_method": delivery_method(posting),
        "in_process_at": ozon_time(posting.in_process_at),
        "is_express": posting.is_express,
        "is_multibox": posting.is_multibox,
        "multi_box_qty": posting.multi_box_qty,
        "optional": {"products_with_possible_mandatory_mark": []},
        "order_id": posting.order_id,
        "order_number": posting.order_number,
        "parent_posting_number": posting.parent_posting_number,
        "posting_number": posting.posting_number,
        "require_blr_traceable_attrs": False,
        "requirements": requirements(posting),
        "shipment_date": ozon_time(posting.shipment_date),
        "shipment_date_without_delay": ozon_time(
            posting.shipment_date_without_delay or posting.shipment_date
        ),
        "status": posting.status,
        "substatus": posting.substatus,
        "tpl_integration_type": "ozon",
        "tracking_number": posting.tracking_number,
        "is_presortable": False,
        "is_click_and_collect": False,
        "destination_place_id": 0,
        "destination_place_name": "",
    }
    if posting.delivering_date is not None:
        data["delivering_date"] = ozon_time(posting.delivering_date)
    for name in posting.unset_dates:
        data.pop(name, None)
    return data


def _tariffication_steps(posting: Posting) -> list[dict[str, Any]]:
    zero = {"amount": "0", "currency": CURRENCY}
    late = {"amount": "50", "currency": CURRENCY}
    return [
        {
            "min_charge": zero,
            "tariff_charge": zero,
            "tariff_deadline_at": ozon_time(posting.shipment_date),
            "tariff_rate": 0.0,
            "tariff_type": "no_discount",
        },
        {
            "min_charge": late,
            "tariff_charge": late,
            "tariff_deadline_at": ozon_time(posting.shipment_date + timedelta(hours=12)),
            "tariff_rate": 1.0,
            "tariff_type": "commission",
        },
    ]


def posting_v4(posting: Posting, flags: dict[str, bool]) -> dict[str, Any]:
    """One posting of ``/v4/posting/fbs/list`` and ``/v4/posting/fbs/unfulfilled/list``."""
    data = _common(posting)
    data["delivery_schema"] = "fbs"
    data["products"] = [
        {
            "imei": [],
            "is_blr_traceable": False,
            "is_marketplace_buyout": False,
            "name": p.name,
            "offer_id": p.offer_id,
            "price": {"amount": p.price, "currency": p.currency_code},
            "quantity": p.quantity,
            "sku": p.sku,
            "weight": 0.1,
        }
        for p in posting.products
    ]
    _add_optional_blocks(data, posting, flags, _money_fields_v4)
    return data


def _add_optional_blocks(
    data: dict[str, Any],
    posting: Posting,
    flags: Mapping[str, Any],
    money_fields: Callable[[Decimal, Decimal], dict[str, Any]],
) -> None:
    """Tariffication and the blocks a request's ``with`` flags ask for (same in v3 and v4)."""
    data["tariffication_steps"] = _tariffication_steps(posting)
    if flags.get("analytics_data"):
        data["analytics_data"] = _analytics(posting)
    if flags.get("barcodes"):
        data["barcodes"] = barcodes(posting)
    if flags.get("financial_data"):
        data["financial_data"] = _financial(posting, money_fields)
    if flags.get("legal_info"):
        data["legal_info"] = {"company_name": "", "inn": "", "kpp": ""}


def barcodes(posting: Posting) -> dict[str, str]:
    """The ``barcodes`` block (printed on the label)."""
    return {"lower_barcode": posting.lower_barcode, "upper_barcode": posting.upper_barcode}


def product_exemplars(posting: Posting) -> dict[str, Any]:
    """The ``product_exemplars`` block of ``/v3/posting/fbs/get``."""
    products = []
    for p in posting.products:
        exemplars = [e for e in posting.exemplars if e.sku == p.sku]
        products.append(
            {
                "sku": p.sku,
                "exemplars": [
                    {
                        "exemplar_id": e.exemplar_id,
                        "mandatory_mark": next(
                            (m.mark for m in e.marks if m.mark_type == "mandatory_mark"), ""
                        ),
                        "gtd": e.gtd,
                        "is_gtd_absent": e.is_gtd_absent,
                        "rnpt": e.rnpt,
                        "is_rnpt_absent": e.is_rnpt_absent,
                        "imei": [m.mark for m in e.marks if m.mark_type == "imei"],
                        **({"weight": e.weight} if e.weight is not None else {}),
                    }
                    for e in exemplars
                ],
            }
        )
    return {"products": products}


# Fields of ``/v3/posting/fbs/get`` that Ozon's example sends as null for an FBS posting: buyer data
# is not exposed under FBS, no courier is assigned, nothing was delivered or verified yet.
V3_NULL_FIELDS = (
    "addressee",
    "customer",
    "courier",
    "fact_delivery_date",
    "pickup_code_verified_at",
)


def _tariffication_v3(posting: Posting) -> dict[str, Any]:
    """The current tariff and the surcharge that starts right after the pack-by time."""
    return {
        "current_tariff_rate": 0.0,
        "current_tariff_type": "no_discount",
        "current_tariff_charge": "0",
        "current_tariff_charge_currency_code": CURRENCY,
        "next_tariff_rate": 1.0,
        "next_tariff_type": "commission",
        "next_tariff_charge": "50",
        "next_tariff_starts_at": ozon_time(posting.shipment_date + timedelta(seconds=1)),
        "next_tariff_charge_currency_code": CURRENCY,
    }


def posting_v3(
    posting: Posting, flags: dict[str, bool], related: list[str] | None = None
) -> dict[str, Any]:
    """The ``result`` of ``/v3/posting/fbs/get``: prices as strings plus ``currency_code``."""
    data = _common(posting)
    data.update(dict.fromkeys(V3_NULL_FIELDS))
    data.setdefault("delivering_date", None)
    data["tariffication"] = _tariffication_v3(posting)
    # No loading service (PRR) is ordered for a parcel posting; the sandbox has no cargo units.
    data["prr_option"] = {"code": "", "price": "", "currency_code": CURRENCY, "floor": ""}
    data["container"] = None
    data["container_sort_type"] = ""
    data["previous_substatus"] = posting.previous_substatus
    data["provider_status"] = ""
    data["delivery_price"] = ""
    data["additional_data"] = []
    data["related_weight_postings"] = []
    data["products"] = [
        {
            "currency_code": p.currency_code,
            "dimensions": {
                "height": "100.00",
                "length": "150.00",
                "weight": "100",
                "width": "50.00",
            },
            "has_imei": False,
            "is_blr_traceable": False,
            "is_marketplace_buyout": False,
            "is_weight_needed": False,
            "jw_uin": [],
            "mandatory_mark": [
                m.mark
                for e in posting.exemplars
                if e.sku == p.sku
                for m in e.marks
                if m.mark_type == "mandatory_mark"
            ],
            "name": p.name,
            "offer_id": p.offer_id,
            "price": p.price,
            "quantity": p.quantity,
            "sku": p.sku,
            "weight_max": 0.0,
            "weight_min": 0.0,
        }
        for p in posting.products
    ]
    _add_optional_blocks(data, posting, flags, _money_fields_v3)
    if flags.get("product_exemplars"):
        data["product_exemplars"] = product_exemplars(posting)
    if flags.get("related_postings"):
        data["related_postings"] = {"related_posting_numbers": related or []}
    # Blocks not asked for come as null here (legal_info as empty strings), as in Ozon's example.
    for block in ("analytics_data", "barcodes", "financial_data", "product_exemplars"):
        data.setdefault(block, None)
    data.setdefault("related_postings", None)
    data.setdefault("legal_info", {"company_name": "", "inn": "", "kpp": ""})
    return data
