"""Models of card import and read-back: ``/v3/product/import`` and its companions.

Covers the import itself, its task status, attribute-only updates, the upload quotas and the
characteristics read-back (``/v4/product/info/attributes``), which is also how cards that staff
loaded through Ozon's template are read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BeforeValidator, Field

from resources.ozon.models.common import (
    Int64Str,
    OzonInt,
    OzonRequest,
    OzonResponse,
    OzonStr,
)

ImportStatus = Literal["pending", "imported", "failed", "skipped"]
"""Per-item task status; ``skipped`` = the card was already exactly like this."""

VatRate = Literal["0", "0.05", "0.07", "0.1", "0.2", "0.22"]


# ---------------------------------------------------------------- requests


class AttributeValue(OzonRequest):
    """A value: ``dictionary_value_id`` for dictionary characteristics, else ``value`` text."""

    dictionary_value_id: int | None = None
    value: str | None = None


class ProductAttribute(OzonRequest):
    """A characteristic of a card (``complex_id`` 0 outside complex groups)."""

    id: int
    complex_id: int = 0
    values: list[AttributeValue] = Field(default_factory=list)


class ComplexAttribute(OzonRequest):
    """A group of characteristics filled together (e.g. a video: link + name)."""

    attributes: list[ProductAttribute] = Field(default_factory=list)


class PdfFile(OzonRequest):
    """A PDF attached to a card."""

    index: int | None = None
    name: str | None = None
    src_url: str | None = None


class Promotion(OzonRequest):
    """A promotion to switch on or off with the card (only ``REVIEWS_PROMO`` exists)."""

    operation: Literal["UNKNOWN", "ENABLE", "DISABLE"] = "UNKNOWN"
    type: Literal["REVIEWS_PROMO"] = "REVIEWS_PROMO"


class ImportItem(OzonRequest):
    """One full card for ``/v3/product/import``: every update must resend the whole card."""

    offer_id: str = Field(min_length=1, max_length=50)
    name: str
    description_category_id: int
    type_id: int
    price: str
    old_price: str | None = None
    currency_code: str | None = None
    vat: str
    barcode: str | None = None
    depth: int
    width: int
    height: int
    dimension_unit: Literal["mm", "cm", "in"]
    weight: int
    weight_unit: Literal["g", "kg", "lb"]
    images: list[str] = Field(default_factory=list, max_length=30)
    primary_image: str | None = None
    color_image: str | None = None
    images360: list[str] | None = None
    pdf_list: list[PdfFile] | None = None
    attributes: list[ProductAttribute] = Field(default_factory=list)
    complex_attributes: list[ComplexAttribute] | None = None
    new_description_category_id: int | None = None
    promotions: list[Promotion] | None = None
    geo_names: list[str] | None = None
    service_type: Literal["IS_CODE_SERVICE", "IS_NO_CODE_SERVICE"] | None = None


class ImportRequest(OzonRequest):
    """Body of ``/v3/product/import``: at most 100 cards."""

    items: list[ImportItem] = Field(min_length=1, max_length=100)


class ImportInfoRequest(OzonRequest):
    """Status of one import (or attribute-update) task."""

    task_id: int


class AttributesUpdateItem(OzonRequest):
    """Characteristics to add or change on one card (filled ones cannot be removed)."""

    offer_id: str = Field(min_length=1, max_length=50)
    attributes: list[ProductAttribute] = Field(min_length=1)


class AttributesUpdateRequest(OzonRequest):
    """Body of ``/v1/product/attributes/update``: at most 100 cards."""

    items: list[AttributesUpdateItem] = Field(min_length=1, max_length=100)


class ProductAttributesFilter(OzonRequest):
    """Which cards to read: ids (≤ 1000 in total) and/or a visibility."""

    offer_id: list[str] | None = None
    product_id: list[Int64Str] | None = None
    sku: list[Int64Str] | None = None
    visibility: str = "ALL"


class ProductAttributesRequest(OzonRequest):
    """One page of ``/v4/product/info/attributes``."""

    filter: ProductAttributesFilter = ProductAttributesFilter()
    last_id: str = ""
    limit: int = Field(default=1000, ge=1, le=1000)
    sort_by: Literal["sku", "offer_id", "id", "title"] | None = None
    sort_dir: Literal["ASC", "DESC"] | None = None


# ---------------------------------------------------------------- replies


class ImportResult(OzonResponse):
    """``result`` of ``/v3/product/import``."""

    task_id: OzonInt


class ImportResponse(OzonResponse):
    """Reply of ``/v3/product/import``."""

    result: ImportResult


class ImportItemError(OzonResponse):
    """Why an item failed, e.g. ``EMPTY_REQUIRED`` naming the characteristic in ``attribute_id``."""

    code: OzonStr = ""
    message: str = ""
    state: str = ""
    level: str = ""
    field: str = ""
    attribute_id: OzonInt = 0
    attribute_name: str = ""


class ImportInfoItem(OzonResponse):
    """One card of a task; ``product_id`` is known once the item is processed."""

    offer_id: str = ""
    product_id: OzonInt = 0
    status: str = ""
    errors: list[ImportItemError] = Field(default_factory=list)

    @property
    def pending(self) -> bool:
        """True while Ozon is still processing the item."""
        return self.status in ("pending", "")


class ImportInfoResult(OzonResponse):
    """``result`` of ``/v1/product/import/info``."""

    items: list[ImportInfoItem] = Field(default_factory=list)
    total: OzonInt = 0


class ImportInfoResponse(OzonResponse):
    """Reply of ``/v1/product/import/info``."""

    result: ImportInfoResult = ImportInfoResult()


class AttributesUpdateResponse(OzonResponse):
    """Reply of ``/v1/product/attributes/update``: a task to follow with import info."""

    task_id: OzonInt


class Quota(OzonResponse):
    """A quota: ``limit`` (-1 = none), ``usage`` so far and, for daily ones, the reset time."""

    limit: OzonInt = -1
    usage: OzonInt = 0
    reset_at: datetime | None = None

    @property
    def remaining(self) -> int | None:
        """What is left, or None when there is no limit."""
        return None if self.limit < 0 else max(0, self.limit - self.usage)


class OperationLimits(OzonResponse):
    """The per-minute item-operations limit."""

    limit: OzonInt = -1
    limit_type: str = ""


class UploadQuota(OzonResponse):
    """Reply of ``/v4/product/info/limit``: assortment cap and daily create/update quotas."""

    total: Quota = Quota()
    daily_create: Quota = Quota()
    daily_update: Quota = Quota()
    operation_limits: OperationLimits = OperationLimits()


class AttributeValueInfo(OzonResponse):
    """A filled value of a characteristic (complex groups spell the id ``dictionaryValueId``)."""

    dictionary_value_id: OzonInt = Field(
        0, validation_alias=AliasChoices("dictionary_value_id", "dictionaryValueId")
    )
    value: str = ""


class AttributeInfo(OzonResponse):
    """A filled characteristic of a card."""

    id: OzonInt
    complex_id: OzonInt = 0
    values: list[AttributeValueInfo] = Field(default_factory=list)


def _image_urls(value: Any) -> Any:
    # The schema describes images as objects {file_name, default, index}; real replies send URLs.
    if isinstance(value, list):
        return [
            item.get("file_name", "") if isinstance(item, dict) else item
            for item in value
            if item is not None
        ]
    return value


class ModelInfo(OzonResponse):
    """The card's model group (cards merged into one)."""

    model_id: OzonInt = 0
    count: OzonInt = 0


class PdfInfo(OzonResponse):
    """A PDF attached to a card."""

    file_name: str = ""
    name: str = ""


class ProductAttributes(OzonResponse):
    """One card's characteristics, sizes and media from ``/v4/product/info/attributes``."""

    id: OzonInt
    offer_id: str = ""
    sku: OzonInt | None = None
    name: str = ""
    description_category_id: OzonInt = 0
    type_id: OzonInt = 0
    barcode: str = ""
    barcodes: list[str] = Field(default_factory=list)
    depth: OzonInt = 0
    width: OzonInt = 0
    height: OzonInt = 0
    dimension_unit: str = ""
    weight: OzonInt = 0
    weight_unit: str = ""
    primary_image: str = ""
    images: Annotated[list[str], BeforeValidator(_image_urls)] = Field(default_factory=list)
    color_image: str = ""
    model_info: ModelInfo = ModelInfo()
    pdf_list: list[PdfInfo] = Field(default_factory=list)
    attributes: list[AttributeInfo] = Field(default_factory=list)
    complex_attributes: list[AttributeInfo] = Field(default_factory=list)
    attributes_with_defaults: list[OzonInt] = Field(default_factory=list)

    def attribute(self, attribute_id: int) -> AttributeInfo | None:
        """The filled characteristic with this id, if any."""
        return next((a for a in self.attributes if a.id == attribute_id), None)


class ProductAttributesResponse(OzonResponse):
    """One page of ``/v4/product/info/attributes``."""

    result: list[ProductAttributes] = Field(default_factory=list)
    total: OzonInt = 0
    last_id: str = ""
