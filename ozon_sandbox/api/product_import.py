"""Card import and moderation: ``/v3/product/import`` and its companions.

An import is a task: its items stay ``pending`` for ``import_seconds`` of sandbox time, then each
becomes ``imported``, ``failed`` (with Ozon's per-item error codes) or ``skipped`` (nothing
changed). Imported cards are the account's ordinary products; they wait ``moderation_seconds``
in ``moderating`` and are then ``approved`` or ``declined``. The decline rule is deterministic:
a forbidden word in the name (account setting) or a decision forced through the admin call.
Each finished card sends the ``TYPE_CREATE_OR_UPDATE_ITEM`` push.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from ozon_sandbox.api.catalog import catalog
from ozon_sandbox.api.common import Int64, OzonRequest, Visibility, matches_visibility
from ozon_sandbox.catalog_seed import (
    EMPTY_REQUIRED,
    CatalogSeed,
    UnknownCategoryError,
)
from ozon_sandbox.catalog_state import (
    CardContent,
    CatalogSettings,
    CatalogState,
    Decision,
    ImportTask,
    TaskItem,
    TaskItemError,
    next_reset,
)
from ozon_sandbox.cursor import decode_cursor, encode_cursor
from ozon_sandbox.errors import OzonApiError, bad_request, not_found
from ozon_sandbox.registry import MethodContext, admin_endpoint, on_tick, ozon_method
from ozon_sandbox.state import AccountState, CardError, CardErrorParam, CardErrorTexts, Product

IMPORT_BATCH_MAX = 100
NAME_MAX = 500  # the item schema says "До 500 символов"; the error table's 255 is not enforced
VAT_RATES = frozenset({"0", "0.05", "0.07", "0.1", "0.2", "0.22"})
DIMENSION_TO_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4}
WEIGHT_TO_G = {"g": 1.0, "kg": 1000.0, "lb": 453.59237}
DENSITY_RANGE = (0.001, 13.55)  # g/cm³, Ozon's `Incorrect_density` bounds
NAME_ATTRIBUTE_ID = 4180

ERROR_MESSAGES: dict[str, str] = {
    EMPTY_REQUIRED: "Не заполнено обязательное поле",
    "description_category_invalid": "Категория не найдена или не указана",
    "description_category_has_no_description_type": "Тип товара не относится к категории",
    "description_category_is_legacy": "Категория устарела",
    "description_category_is_empty": "Не указана категория",
    "description_type_is_empty": "Не указан тип товара",
    "error_attribute_values_empty": "Не указаны значения характеристики",
    "error_attribute_values_out_of_range": "Некорректное значение характеристики",
    "missing_dimension": "Не указаны размер и вес товара",
    "Incorrect_density": "Плотность товара вне допустимого диапазона",
    "vat_invalid": "Неверно указан НДС",
    "name_too_long": f"Название длиннее {NAME_MAX} символов",
    "price_is_negative": "Не указана цена или она отрицательная",
    "old_price_less_than_price": "Цена до скидки должна быть выше текущей цены",
    "item_limit_exceeded": "Превышен лимит на создание или обновление товаров",
    "offer_id_not_found": "Товара с таким артикулом нет в личном кабинете",
}


def item_error(
    code: str, field: str = "", attribute_id: int = 0, attribute_name: str = "", message: str = ""
) -> TaskItemError:
    """A per-item import error with Ozon's code and a seller-facing text."""
    return TaskItemError(
        code=code,
        message=message or ERROR_MESSAGES.get(code, code),
        state="imported_error",
        level="error",
        field=field,
        attribute_id=attribute_id,
        attribute_name=attribute_name,
    )


# ---------------------------------------------------------------- request shapes


class AttributeValue(OzonRequest):
    """One value of a characteristic: a dictionary id, free text, or both."""

    dictionary_value_id: Int64 = 0
    value: str = ""


class ProductAttribute(OzonRequest):
    """A characteristic as sent in ``attributes[]``."""

    complex_id: Int64 = 0
    id: Int64
    values: list[AttributeValue] = Field(default_factory=list)


class ComplexAttribute(OzonRequest):
    """A group of characteristics filled together (videos, video covers)."""

    attributes: list[ProductAttribute] = Field(default_factory=list)


class PdfFile(OzonRequest):
    """A PDF attached to the card."""

    index: Int64 = 0
    name: str = ""
    src_url: str = ""


class ImportItem(OzonRequest):
    """One card of ``/v3/product/import``; the whole card is sent on every update."""

    offer_id: str = ""
    name: str = ""
    description_category_id: Int64 = 0
    new_description_category_id: Int64 = 0
    type_id: Int64 = 0
    price: str | None = None
    old_price: str = ""
    currency_code: str = "RUB"
    vat: str = ""
    barcode: str = ""
    depth: int = 0
    width: int = 0
    height: int = 0
    dimension_unit: str = ""
    weight: int = 0
    weight_unit: str = ""
    images: list[str] = Field(default_factory=list, max_length=30)
    primary_image: str = ""
    color_image: str = ""
    images360: list[str] = Field(default_factory=list)
    pdf_list: list[PdfFile] = Field(default_factory=list)
    attributes: list[ProductAttribute] = Field(default_factory=list)
    complex_attributes: list[ComplexAttribute] = Field(default_factory=list)


class ImportRequest(OzonRequest):
    """Body of ``/v3/product/import``: 1–100 cards."""

    items: list[ImportItem] = Field(min_length=1, max_length=IMPORT_BATCH_MAX)


class ImportResult(BaseModel):
    """``result`` of ``/v3/product/import``."""

    task_id: int


class ImportResponse(BaseModel):
    """Reply of ``/v3/product/import``."""

    result: ImportResult


# ---------------------------------------------------------------- item checks


def _money(text: str | None) -> Decimal | None:
    try:
        value = Decimal((text or "").strip())
    except ArithmeticError:
        return None
    return value if value.is_finite() else None


def _category_errors(seed: CatalogSeed, item: ImportItem) -> list[TaskItemError]:
    if not item.description_category_id:
        return [item_error("description_category_is_empty", "description_category_id")]
    if not item.type_id:
        return [item_error("description_type_is_empty", "type_id")]
    try:
        leaf = seed.leaf(item.description_category_id, item.type_id)
    except UnknownCategoryError as exc:
        return [item_error(exc.import_code, "description_category_id", message=exc.message)]
    if leaf.disabled:
        return [item_error("description_category_is_legacy", "type_id")]
    return []


def _attribute_errors(
    seed: CatalogSeed, category_id: int, type_id: int, attributes: list[ProductAttribute]
) -> list[TaskItemError]:
    errors: list[TaskItemError] = []
    names = {a.id: a.name for a in seed.attributes(category_id, type_id)}
    dumped = [a.model_dump() for a in attributes]
    for attribute_id in seed.missing_required(category_id, type_id, dumped):
        errors.append(
            item_error(
                EMPTY_REQUIRED,
                "attributes",
                attribute_id,
                names.get(attribute_id, ""),
                f"Не заполнена обязательная характеристика «{names.get(attribute_id, '')}»",
            )
        )
    for attribute in dumped:
        code = seed.check_attribute(category_id, type_id, attribute)
        if code is not None:
            errors.append(
                item_error(code, "attributes", attribute["id"], names.get(attribute["id"], ""))
            )
    return errors


def _dimension_errors(item: ImportItem) -> list[TaskItemError]:
    sizes = (item.depth, item.width, item.height, item.weight)
    if (
        min(sizes) <= 0
        or item.dimension_unit not in DIMENSION_TO_MM
        or item.weight_unit not in WEIGHT_TO_G
    ):
        return [item_error("missing_dimension", "depth")]
    mm = DIMENSION_TO_MM[item.dimension_unit]
    volume_cm3 = item.depth * mm * item.width * mm * item.height * mm / 1000.0
    density = item.weight * WEIGHT_TO_G[item.weight_unit] / volume_cm3
    low, high = DENSITY_RANGE
    if not low <= density <= high:
        return [item_error("Incorrect_density", "weight")]
    return []


def _price_errors(item: ImportItem) -> list[TaskItemError]:
    price = _money(item.price)
    if price is None or price <= 0:
        return [item_error("price_is_negative", "price")]
    old = _money(item.old_price) if item.old_price.strip() else Decimal(0)
    if old is None or old < 0:
        return [item_error("price_is_negative", "old_price")]
    if old and old < price:
        return [item_error("old_price_less_than_price", "old_price")]
    return []


def check_item(seed: CatalogSeed, item: ImportItem) -> list[TaskItemError]:
    """Every reason Ozon's import would reject this card, in the order a seller fixes them."""
    errors: list[TaskItemError] = []
    if not item.offer_id.strip() or len(item.offer_id) > 50:
        errors.append(item_error(EMPTY_REQUIRED, "offer_id"))
    if not item.name.strip():
        errors.append(item_error(EMPTY_REQUIRED, "name"))
    elif len(item.name) > NAME_MAX:
        errors.append(item_error("name_too_long", "name"))
    category = _category_errors(seed, item)
    errors += category
    if not category:
        errors += _attribute_errors(
            seed, item.description_category_id, item.type_id, item.attributes
        )
    errors += _dimension_errors(item)
    if item.vat not in VAT_RATES:
        errors.append(item_error("vat_invalid", "vat"))
    errors += _price_errors(item)
    return errors


def _sorted_attributes(attributes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(attributes, key=lambda a: (a.get("complex_id", 0), a["id"]))


def card_of(item: ImportItem) -> dict[str, Any]:
    """The card an item describes, normalised so two sends of the same card compare equal."""
    data = item.model_dump(mode="json")
    data["attributes"] = _sorted_attributes(data["attributes"])
    if item.new_description_category_id:
        data["description_category_id"] = item.new_description_category_id
    data.pop("new_description_category_id")
    return data


# ---------------------------------------------------------------- limits and quotas


def _operation_limit(ctx: MethodContext, catalog_state: CatalogState, count: int) -> None:
    """Ozon's per-minute item-operations limit: 429 with Item-Retry-After (minutes)."""
    limit = catalog_state.settings.items_per_minute
    used = catalog_state.minute_usage(ctx.now)
    if limit >= 0 and used + count > limit:
        oldest = min((t for t, _ in catalog_state.minute_ops), default=ctx.now)
        seconds = max(1, math.ceil(oldest + 60.0 - ctx.now))
        remaining = max(0, limit - used)
        raise OzonApiError(
            429,
            "RESOURCE_EXHAUSTED",
            f"You have reached operation items limits. Retry after {seconds} seconds. "
            f"Remaining {remaining} items",
            headers={
                "Item-Retry-After": str(max(1, math.ceil(seconds / 60))),
                "Item-Rate-Limit-Remaining": str(remaining),
            },
        )
    catalog_state.minute_ops.append((ctx.now, count))


def _live_products(state: AccountState) -> int:
    return sum(1 for p in state.products.values() if not p.is_archived)


def _pending_creations(state: AccountState, catalog_state: CatalogState) -> int:
    return sum(
        1
        for task in catalog_state.tasks.values()
        if not task.done
        for item in task.items
        if item.outcome == "imported" and item.offer_id not in state.products
    )


def _take_quota(
    state: AccountState, catalog_state: CatalogState, creating: bool, planned_creations: int
) -> TaskItemError | None:
    """Count one create or update against the daily (and total) quotas, or say why not."""
    settings = catalog_state.settings
    if creating:
        total = _live_products(state) + _pending_creations(state, catalog_state)
        if 0 <= settings.total_limit <= total + planned_creations:
            return item_error("item_limit_exceeded", message="total limit exceeded")
        if 0 <= settings.daily_create_limit <= catalog_state.daily_create_usage:
            return item_error("item_limit_exceeded", message="daily create limit exceeded")
        catalog_state.daily_create_usage += 1
        return None
    if 0 <= settings.daily_update_limit <= catalog_state.daily_update_usage:
        return item_error("item_limit_exceeded", message="daily update limit exceeded")
    catalog_state.daily_update_usage += 1
    return None


def _current_card(
    state: AccountState, catalog_state: CatalogState, offer_id: str
) -> dict[str, Any] | None:
    """The last card accepted for ``offer_id``, including changes still being processed."""
    card: dict[str, Any] | None = None
    content = catalog_state.cards.get(offer_id)
    if content is not None and offer_id in state.products:
        card = content.sent
    for task in catalog_state.tasks.values():
        if task.done:
            continue
        for item in task.items:
            if item.offer_id == offer_id and item.outcome == "imported" and item.card:
                card = item.card if task.kind == "import" else _merge(card, item.card)
    return card


# ---------------------------------------------------------------- /v3/product/import


@ozon_method("/v3/product/import", request_model=ImportRequest)
def product_import(ctx: MethodContext, request: ImportRequest) -> ImportResponse:
    """Queue the cards as one task; checks and quotas are decided now, shown when it is done."""
    catalog_state = ctx.state.domain(CatalogState)
    catalog_state.roll_quota_day(ctx.now_dt)
    _operation_limit(ctx, catalog_state, len(request.items))
    ctx.count_items(len(request.items))
    seed = catalog()
    items: list[TaskItem] = []
    creations = 0
    for item in request.items:
        task_item = TaskItem(offer_id=item.offer_id)
        errors = check_item(seed, item)
        card = card_of(item)
        existing = ctx.state.products.get(item.offer_id)
        if not errors and _current_card(ctx.state, catalog_state, item.offer_id) == card:
            task_item.outcome = "skipped"
        elif not errors:
            creating = existing is None and not any(
                i.offer_id == item.offer_id and i.outcome == "imported" for i in items
            )
            quota = _take_quota(ctx.state, catalog_state, creating, creations)
            if quota is not None:
                errors.append(quota)
            else:
                creations += creating
                task_item.outcome = "imported"
                task_item.card = card
        if errors:
            _fail(ctx, task_item, errors)
        items.append(task_item)
    task = _new_task(ctx, catalog_state, "import", items)
    return ImportResponse(result=ImportResult(task_id=task.task_id))


def _fail(ctx: MethodContext, task_item: TaskItem, errors: list[TaskItemError]) -> None:
    """Mark ``task_item`` failed with ``errors`` and count each error for the request log."""
    task_item.outcome = "failed"
    task_item.errors = errors
    for error in errors:
        ctx.item_error(error.code)


def _new_task(
    ctx: MethodContext, catalog_state: CatalogState, kind: Any, items: list[TaskItem]
) -> ImportTask:
    task = ImportTask(
        task_id=catalog_state.new_task_id(),
        kind=kind,
        created_at=ctx.now_dt,
        ready_at=ctx.now_dt + timedelta(seconds=catalog_state.settings.import_seconds),
        items=items,
    )
    catalog_state.tasks[str(task.task_id)] = task
    catalog_state.open_tasks.append(str(task.task_id))
    if not catalog_state.settings.import_seconds:
        _finish_task(ctx, catalog_state, task)
    return task


# ---------------------------------------------------------------- task completion and moderation


def _merge(card: dict[str, Any] | None, update: dict[str, Any]) -> dict[str, Any]:
    """A card with an attribute update applied: listed characteristics replaced, others kept."""
    merged = dict(card or {})
    by_key = {(a.get("complex_id", 0), a["id"]): a for a in merged.get("attributes", [])}
    for attribute in update.get("attributes", []):
        by_key[(attribute.get("complex_id", 0), attribute["id"])] = attribute
    merged["attributes"] = _sorted_attributes(list(by_key.values()))
    return merged


def _apply_card(
    ctx: MethodContext,
    catalog_state: CatalogState,
    offer_id: str,
    card: dict[str, Any],
    now: datetime,
) -> Product:
    """Create or update the account's product from an imported card and send it to moderation."""
    state = ctx.state
    existing = state.products.get(offer_id)
    if existing is None:
        product_id, sku = state.allocate_ids()
        product = Product(
            product_id=product_id,
            offer_id=offer_id,
            sku=sku,
            is_created=False,
            created_at=now,
            updated_at=now,
            status_updated_at=now,
        )
    else:
        product = existing.model_copy(deep=True)
    images = list(card.get("images", []))
    primary = card.get("primary_image", "")
    if primary:
        images = [primary, *[i for i in images if i != primary]]
    barcode = card.get("barcode", "")
    product.name = card.get("name", product.name)
    product.description_category_id = card.get("description_category_id", 0)
    product.type_id = card.get("type_id", 0)
    product.images = images
    product.barcodes = [barcode] if barcode else product.barcodes
    product.price = card.get("price") or product.price
    product.old_price = card.get("old_price", "")
    product.vat = card.get("vat") or product.vat
    product.currency_code = card.get("currency_code") or product.currency_code
    product.moderate_status = "moderating"
    product.card_errors = []
    product.updated_at = now
    product.status_updated_at = now
    state.put_product(product)
    content = CardContent.model_validate(
        {k: v for k, v in card.items() if k in CardContent.model_fields and k != "moderation"}
    )
    content.sent = card
    content.moderation.decide_at = now + timedelta(
        seconds=catalog_state.settings.moderation_seconds
    )
    catalog_state.cards[offer_id] = content
    if offer_id not in catalog_state.moderation_queue:
        catalog_state.moderation_queue.append(offer_id)
    return product


def _finish_task(ctx: MethodContext, catalog_state: CatalogState, task: ImportTask) -> None:
    for item in task.items:
        existing = ctx.state.products.get(item.offer_id)
        if item.outcome == "imported" and item.card is not None:
            card = item.card
            if task.kind == "attributes_update":
                content = catalog_state.cards.get(item.offer_id)
                if content is not None and content.sent:
                    base = content.sent
                else:
                    base = _product_card(existing) if existing is not None else {}
                card = _merge(base, item.card)
            product = _apply_card(ctx, catalog_state, item.offer_id, card, task.ready_at)
            item.product_id = product.product_id
        else:
            item.product_id = existing.product_id if existing is not None else 0
            if item.outcome == "failed":
                _push(ctx, catalog_state, item.offer_id, item.product_id, True, task.ready_at)
        item.status = item.outcome
    task.done = True
    if str(task.task_id) in catalog_state.open_tasks:
        catalog_state.open_tasks.remove(str(task.task_id))


def _product_card(product: Product) -> dict[str, Any]:
    """The card fields a product seeded without an import already has."""
    return {
        "offer_id": product.offer_id,
        "name": product.name,
        "description_category_id": product.description_category_id,
        "type_id": product.type_id,
        "price": product.price,
        "old_price": product.old_price,
        "vat": product.vat,
        "currency_code": product.currency_code,
        "images": list(product.images),
    }


def _decline_reasons(catalog_state: CatalogState, product: Product) -> list[CardError]:
    name = product.name.casefold()
    return [
        CardError(
            attribute_id=NAME_ATTRIBUTE_ID,
            code="forbidden_word_in_name",
            field="name",
            level="ERROR_LEVEL_ERROR",
            state="declined",
            texts=CardErrorTexts(
                attribute_name="Название",
                hint_code="FORBIDDEN_WORD",
                message="Уберите из названия запрещённое слово",
                params=[CardErrorParam(name="word", value=word)],
                short_description="Запрещённое слово в названии",
            ),
        )
        for word in catalog_state.settings.forbidden_words
        if word.casefold() in name
    ]


def decide(
    ctx: MethodContext,
    catalog_state: CatalogState,
    offer_id: str,
    decision: Decision | None = None,
    reasons: list[str] | None = None,
    at: datetime | None = None,
) -> Product:
    """Finish moderation of a card: the forced ``decision``, else the forbidden-word rule.

    ``at`` is when the decision fell due (a tick catching up); forced decisions happen now.
    """
    product = ctx.state.products[offer_id].model_copy(deep=True)
    errors = _decline_reasons(catalog_state, product)
    if decision is None:
        decision = "declined" if errors else "approved"
    elif decision == "declined":
        errors = [
            CardError(
                code="moderation_declined",
                field="",
                level="ERROR_LEVEL_ERROR",
                state="declined",
                texts=CardErrorTexts(short_description=reason, message=reason),
            )
            for reason in (reasons or ["Карточка отклонена модератором"])
        ]
    now = at or ctx.now_dt
    if decision == "approved":
        product.is_created = True
        product.card_errors = []
        if product.price and not product.price_sent:
            product.price_sent = True
    else:
        product.card_errors = errors
    product.moderate_status = decision
    product.updated_at = now
    product.status_updated_at = now
    ctx.state.put_product(product)
    content = catalog_state.cards.setdefault(offer_id, CardContent())
    content.moderation.decision = decision
    content.moderation.decide_at = None
    content.moderation.reasons = [e.texts.short_description for e in product.card_errors]
    if offer_id in catalog_state.moderation_queue:
        catalog_state.moderation_queue.remove(offer_id)
    _push(ctx, catalog_state, offer_id, product.product_id, decision == "declined", now)
    return product


def _push(
    ctx: MethodContext,
    catalog_state: CatalogState,
    offer_id: str,
    product_id: int,
    is_error: bool,
    at: datetime,
) -> None:
    """Queue Ozon's ``TYPE_CREATE_OR_UPDATE_ITEM`` push for a finished card."""
    message = {
        "message_type": "TYPE_CREATE_OR_UPDATE_ITEM",
        "seller_id": int(ctx.client_id) if ctx.client_id.isdigit() else 0,
        "offer_id": offer_id,
        "product_id": product_id,
        "is_error": is_error,
        "changed_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    ctx.state.emit(message)
    catalog_state.emitted.append(message)
    del catalog_state.emitted[: -catalog_state.EMITTED_KEPT]


@on_tick
def advance_catalog(ctx: MethodContext) -> None:
    """Finish due import tasks, then due moderation decisions, in the order they fell due."""
    catalog_state = ctx.state.domain(CatalogState)
    now = ctx.now_dt
    for task_id in list(catalog_state.open_tasks):
        task = catalog_state.tasks.get(task_id)
        if task is None:
            catalog_state.open_tasks.remove(task_id)
        elif task.ready_at <= now:
            _finish_task(ctx, catalog_state, task)
    for offer_id in list(catalog_state.moderation_queue):
        content = catalog_state.cards.get(offer_id)
        due = content.moderation.decide_at if content is not None else None
        if offer_id not in ctx.state.products or due is None:
            catalog_state.moderation_queue.remove(offer_id)
        elif due <= now:
            decide(ctx, catalog_state, offer_id, at=due)


# ---------------------------------------------------------------- /v1/product/import/info


class ImportInfoRequest(OzonRequest):
    """Body of ``/v1/product/import/info``."""

    task_id: Int64


class ImportInfoItem(BaseModel):
    """One card of a task."""

    offer_id: str
    product_id: int
    status: str
    errors: list[TaskItemError]


class ImportInfoResult(BaseModel):
    """``result`` of ``/v1/product/import/info``."""

    items: list[ImportInfoItem]
    total: int


class ImportInfoResponse(BaseModel):
    """Reply of ``/v1/product/import/info``."""

    result: ImportInfoResult


@ozon_method("/v1/product/import/info", request_model=ImportInfoRequest)
def import_info(ctx: MethodContext, request: ImportInfoRequest) -> ImportInfoResponse:
    """Per-item status of a task; errors appear once the task is processed."""
    catalog_state = ctx.state.domain(CatalogState)
    task = catalog_state.tasks.get(str(request.task_id))
    if task is None:
        raise not_found(f"task {request.task_id} not found")
    items = [
        ImportInfoItem(
            offer_id=item.offer_id,
            product_id=item.product_id if task.done else 0,
            status=item.status,
            errors=item.errors if task.done else [],
        )
        for item in task.items
    ]
    return ImportInfoResponse(result=ImportInfoResult(items=items, total=len(items)))


# ---------------------------------------------------------------- /v1/product/attributes/update


class AttributesUpdateItem(OzonRequest):
    """One card's characteristics to add or change."""

    offer_id: str = Field(min_length=1)
    attributes: list[ProductAttribute] = Field(default_factory=list)


class AttributesUpdateRequest(OzonRequest):
    """Body of ``/v1/product/attributes/update``: 1–100 cards."""

    items: list[AttributesUpdateItem] = Field(min_length=1, max_length=IMPORT_BATCH_MAX)


class AttributesUpdateResponse(BaseModel):
    """Reply of ``/v1/product/attributes/update`` (no ``result`` wrapper)."""

    task_id: int


def _daily_update_limit(ctx: MethodContext, catalog_state: CatalogState, count: int) -> None:
    """This method answers an exhausted daily quota with 429 until 03:00 Moscow time."""
    limit = catalog_state.settings.daily_update_limit
    if limit >= 0 and catalog_state.daily_update_usage + count > limit:
        minutes = math.ceil((next_reset(ctx.now_dt) - ctx.now_dt).total_seconds() / 60)
        remaining = max(0, limit - catalog_state.daily_update_usage)
        raise OzonApiError(
            429,
            "RESOURCE_EXHAUSTED",
            f"You have reached daily items update limit. Remaining {remaining} items",
            headers={"Item-Retry-After": str(minutes), "Item-Rate-Limit-Remaining": str(remaining)},
        )


@ozon_method("/v1/product/attributes/update", request_model=AttributesUpdateRequest)
def attributes_update(
    ctx: MethodContext, request: AttributesUpdateRequest
) -> AttributesUpdateResponse:
    """Add or change characteristics of existing cards (filled ones cannot be removed)."""
    catalog_state = ctx.state.domain(CatalogState)
    catalog_state.roll_quota_day(ctx.now_dt)
    _operation_limit(ctx, catalog_state, len(request.items))
    _daily_update_limit(ctx, catalog_state, len(request.items))
    ctx.count_items(len(request.items))
    seed = catalog()
    items: list[TaskItem] = []
    for update in request.items:
        task_item = TaskItem(offer_id=update.offer_id)
        product = ctx.state.products.get(update.offer_id)
        errors: list[TaskItemError] = []
        attributes = [a.model_dump() for a in update.attributes]
        if product is None:
            errors.append(item_error("offer_id_not_found", "offer_id"))
        else:
            try:
                names = {
                    a.id: a.name
                    for a in seed.attributes(product.description_category_id, product.type_id)
                }
                for attribute in attributes:
                    code = seed.check_attribute(
                        product.description_category_id, product.type_id, attribute
                    )
                    if code is not None:
                        errors.append(
                            item_error(
                                code, "attributes", attribute["id"], names.get(attribute["id"], "")
                            )
                        )
            except UnknownCategoryError as exc:
                errors.append(item_error(exc.import_code, "description_category_id"))
        if not errors:
            current = _current_card(ctx.state, catalog_state, update.offer_id)
            change = {"attributes": _sorted_attributes(attributes)}
            if current is not None and _merge(current, change) == current:
                task_item.outcome = "skipped"
            else:
                catalog_state.daily_update_usage += 1
                task_item.outcome = "imported"
                task_item.card = change
        if errors:
            _fail(ctx, task_item, errors)
        items.append(task_item)
    task = _new_task(ctx, catalog_state, "attributes_update", items)
    return AttributesUpdateResponse(task_id=task.task_id)


# ---------------------------------------------------------------- /v4/product/info/limit


class LimitRequest(OzonRequest):
    """``/v4/product/info/limit`` takes no parameters."""


class DailyQuota(BaseModel):
    """A daily quota: ``limit`` (-1 = none), ``usage`` today, and when it resets."""

    limit: int
    reset_at: datetime
    usage: int


class TotalQuota(BaseModel):
    """The assortment cap and how many cards count against it."""

    limit: int
    usage: int


class OperationLimits(BaseModel):
    """The per-minute item-operations limit."""

    limit: int
    limit_type: Literal["UNSPECIFIED", "RATE_LIMIT_PER_MINUTE"]


class LimitResponse(BaseModel):
    """Reply of ``/v4/product/info/limit``."""

    daily_create: DailyQuota
    daily_update: DailyQuota
    operation_limits: OperationLimits
    total: TotalQuota


def quota_view(state: AccountState, catalog_state: CatalogState, now: datetime) -> LimitResponse:
    """The account's quotas and their usage right now."""
    catalog_state.roll_quota_day(now)
    settings: CatalogSettings = catalog_state.settings
    reset_at = next_reset(now)
    return LimitResponse(
        daily_create=DailyQuota(
            limit=settings.daily_create_limit,
            reset_at=reset_at,
            usage=catalog_state.daily_create_usage,
        ),
        daily_update=DailyQuota(
            limit=settings.daily_update_limit,
            reset_at=reset_at,
            usage=catalog_state.daily_update_usage,
        ),
        operation_limits=OperationLimits(
            limit=settings.items_per_minute, limit_type="RATE_LIMIT_PER_MINUTE"
        ),
        total=TotalQuota(
            limit=settings.total_limit,
            usage=_live_products(state) + _pending_creations(state, catalog_state),
        ),
    )


@ozon_method("/v4/product/info/limit", request_model=LimitRequest)
def info_limit(ctx: MethodContext, request: LimitRequest) -> LimitResponse:
    """Assortment, daily create/update quotas and the per-minute operations limit."""
    return quota_view(ctx.state, ctx.state.domain(CatalogState), ctx.now_dt)


# ---------------------------------------------------------------- /v4/product/info/attributes


SortBy = Literal["", "sku", "offer_id", "id", "title"]


class AttributesFilter(OzonRequest):
    """``filter`` of ``/v4/product/info/attributes``."""

    offer_id: list[str] | None = Field(None, max_length=1000)
    product_id: list[Int64] | None = Field(None, max_length=1000)
    sku: list[Int64] | None = Field(None, max_length=1000)
    visibility: Visibility = "ALL"


class InfoAttributesRequest(OzonRequest):
    """Body of ``/v4/product/info/attributes``."""

    filter: AttributesFilter = Field(default_factory=AttributesFilter)
    last_id: str = ""
    limit: int = Field(1000, ge=1, le=1000)
    sort_by: SortBy = ""
    sort_dir: Literal["", "ASC", "DESC", "asc", "desc"] = "ASC"

    @model_validator(mode="after")
    def _one_id_kind(self) -> InfoAttributesRequest:
        flt = self.filter
        given = sum(1 for ids in (flt.offer_id, flt.product_id, flt.sku) if ids)
        if given > 1 and sum(len(i or []) for i in (flt.offer_id, flt.product_id, flt.sku)) > 1000:
            raise ValueError("filter: at most 1000 ids in total")
        return self


class AttributeValueOut(BaseModel):
    """A value of a characteristic in the read-back."""

    dictionary_value_id: int
    value: str


class AttributeOut(BaseModel):
    """A characteristic in the read-back."""

    id: int
    complex_id: int
    values: list[AttributeValueOut]


class ComplexValueOut(BaseModel):
    """A value of a complex characteristic (the schema spells it ``dictionaryValueId``)."""

    dictionaryValueId: int
    value: str


class ComplexAttributeOut(BaseModel):
    """A characteristic of a complex group in the read-back."""

    id: int
    complex_id: int
    values: list[ComplexValueOut]


class ImageOut(BaseModel):
    """An image as the schema describes it (real replies send plain URL strings)."""

    default: bool
    file_name: str
    index: int


class ModelInfoOut(BaseModel):
    """The card's model group."""

    model_id: int
    count: int


class PdfOut(BaseModel):
    """A PDF attached to the card."""

    file_name: str
    name: str


class CardAttributes(BaseModel):
    """One card in ``/v4/product/info/attributes``."""

    id: int
    barcode: str
    barcodes: list[str]
    name: str
    offer_id: str
    type_id: int
    height: int
    depth: int
    width: int
    dimension_unit: str
    weight: int
    weight_unit: str
    primary_image: str
    sku: str
    model_info: ModelInfoOut
    images: list[ImageOut]
    pdf_list: list[PdfOut]
    attributes: list[AttributeOut]
    attributes_with_defaults: list[int]
    complex_attributes: list[ComplexAttributeOut]
    color_image: str
    description_category_id: int


class InfoAttributesResponse(BaseModel):
    """Reply of ``/v4/product/info/attributes`` (``total`` is an int64 string per schema)."""

    result: list[CardAttributes]
    total: str
    last_id: str


def card_attributes(product: Product, content: CardContent | None) -> CardAttributes:
    """A card's characteristics, sizes and media as staff or an import left them."""
    content = content or CardContent()
    attributes = [AttributeOut.model_validate(a) for a in content.attributes]
    complex_attributes = [
        ComplexAttributeOut(
            id=a["id"],
            complex_id=a.get("complex_id", 0),
            values=[
                ComplexValueOut(
                    dictionaryValueId=v.get("dictionary_value_id", 0), value=v.get("value", "")
                )
                for v in a.get("values", [])
            ],
        )
        for group in content.complex_attributes
        for a in group.get("attributes", [])
    ]
    primary = product.images[0] if product.images else ""
    return CardAttributes(
        id=product.product_id,
        barcode=content.barcode or (product.barcodes[0] if product.barcodes else ""),
        barcodes=list(product.barcodes),
        name=product.name,
        offer_id=product.offer_id,
        type_id=product.type_id,
        height=content.height,
        depth=content.depth,
        width=content.width,
        dimension_unit=content.dimension_unit,
        weight=content.weight,
        weight_unit=content.weight_unit,
        primary_image=content.primary_image or primary,
        sku=str(product.sku),
        model_info=ModelInfoOut(model_id=product.product_id, count=1),
        images=[
            ImageOut(default=i == 0, file_name=url, index=i) for i, url in enumerate(product.images)
        ],
        pdf_list=[
            PdfOut(file_name=p.get("src_url", ""), name=p.get("name", "")) for p in content.pdf_list
        ],
        attributes=attributes,
        attributes_with_defaults=[],
        complex_attributes=complex_attributes,
        color_image=content.color_image,
        description_category_id=product.description_category_id,
    )


def _sort_key(product: Product, sort_by: str) -> list[Any]:
    value: Any = {
        "sku": product.sku,
        "offer_id": product.offer_id,
        "title": product.name,
    }.get(sort_by, product.product_id)
    return [value, product.product_id]


@ozon_method("/v4/product/info/attributes", request_model=InfoAttributesRequest)
def info_attributes(ctx: MethodContext, request: InfoAttributesRequest) -> InfoAttributesResponse:
    """Characteristics of cards chosen by ids or visibility, paged by an opaque ``last_id``."""
    state = ctx.state
    catalog_state = state.domain(CatalogState)
    flt = request.filter
    if flt.offer_id or flt.product_id or flt.sku:
        chosen = [state.products[o] for o in flt.offer_id or [] if o in state.products]
        chosen += [p for i in flt.product_id or [] if (p := state.by_product_id(i)) is not None]
        chosen += [p for s in flt.sku or [] if (p := state.by_sku(s)) is not None]
        matching = list({p.product_id: p for p in chosen}.values())
    else:
        matching = [p for p in state.products.values()]
    matching = [p for p in matching if matches_visibility(state, p, flt.visibility)]
    descending = request.sort_dir.upper() == "DESC"
    matching.sort(key=lambda p: _sort_key(p, request.sort_by), reverse=descending)
    total = len(matching)
    position = decode_cursor(request.last_id, "last_id").get("after")
    if position is not None:
        if not isinstance(position, list):
            raise bad_request("invalid last_id")
        if descending:
            matching = [p for p in matching if _sort_key(p, request.sort_by) < position]
        else:
            matching = [p for p in matching if _sort_key(p, request.sort_by) > position]
    page = matching[: request.limit]
    # A token on the last page as well, as in Ozon's example; the total ends the walk.
    last_id = encode_cursor({"after": _sort_key(page[-1], request.sort_by)}) if page else ""
    return InfoAttributesResponse(
        result=[card_attributes(p, catalog_state.cards.get(p.offer_id)) for p in page],
        total=str(total),
        last_id=last_id,
    )


# ---------------------------------------------------------------- admin


class ModerationDecision(BaseModel):
    """Force the moderators' decision on a card now (tests, demos)."""

    offer_id: str
    decision: Decision
    reasons: list[str] = Field(default_factory=list)


class ModerationResult(BaseModel):
    """The card after the forced decision."""

    offer_id: str
    product_id: int
    moderate_status: str
    is_created: bool


class PushLog(BaseModel):
    """Pushes the catalog queued, newest last (kept even after delivery drains the outbox)."""

    pushes: list[dict[str, Any]]


@admin_endpoint("/catalog/settings", verbs=("GET", "PUT"), request_model=CatalogSettings)
def admin_settings(ctx: MethodContext, body: CatalogSettings | None) -> CatalogSettings:
    """Read or replace quotas, processing times and the forbidden words of the account."""
    catalog_state = ctx.state.domain(CatalogState)
    if body is not None:
        catalog_state.settings = body
    return catalog_state.settings


@admin_endpoint("/catalog/moderation", verbs=("POST",), request_model=ModerationDecision)
def admin_moderation(ctx: MethodContext, body: ModerationDecision) -> ModerationResult:
    """Approve or decline a card right away, whatever the waiting time or the name."""
    if body.offer_id not in ctx.state.products:
        raise not_found(f"offer_id {body.offer_id!r} not found")
    product = decide(
        ctx, ctx.state.domain(CatalogState), body.offer_id, body.decision, body.reasons
    )
    return ModerationResult(
        offer_id=product.offer_id,
        product_id=product.product_id,
        moderate_status=product.moderate_status,
        is_created=product.is_created,
    )


@admin_endpoint("/catalog/pushes", verbs=("GET",))
def admin_pushes(ctx: MethodContext, body: None) -> PushLog:
    """``TYPE_CREATE_OR_UPDATE_ITEM`` pushes the catalog queued for this account."""
    return PushLog(pushes=list(ctx.state.domain(CatalogState).emitted))
