"""Models of the marking-code (exemplar) methods: create-or-get, validate, set, status.

In all of them ``product_id`` carries the SKU. ``mark_type`` is ``mandatory_mark`` (Честный ЗНАК),
``jw_uin`` (jewellery) or ``imei``.
"""

from __future__ import annotations

from pydantic import Field

from resources.ozon.models.common import MaybeBool, OzonInt, OzonRequest, OzonResponse

MANDATORY_MARK = "mandatory_mark"


class MarkValue(OzonRequest):
    """One code of one unit."""

    mark: str = Field(min_length=1)
    mark_type: str = MANDATORY_MARK


class ExemplarData(OzonRequest):
    """Data of one unit to save: its id (from create-or-get) and codes."""

    exemplar_id: OzonInt
    marks: list[MarkValue] = Field(default_factory=list)
    gtd: str | None = None
    is_gtd_absent: bool | None = None
    rnpt: str | None = None
    is_rnpt_absent: bool | None = None
    weight: float | None = None


class ExemplarProductData(OzonRequest):
    """All units of one SKU."""

    product_id: OzonInt = Field(description="The SKU.")
    exemplars: list[ExemplarData]


class ExemplarSetRequest(OzonRequest):
    """Body of ``/v6/fbs/posting/product/exemplar/set``: the complete set for the posting."""

    posting_number: str = Field(min_length=1)
    products: list[ExemplarProductData]
    multi_box_qty: int | None = Field(default=None, ge=0)


class ValidateExemplar(OzonRequest):
    """A unit to pre-check (no id needed)."""

    marks: list[MarkValue] = Field(default_factory=list)
    gtd: str | None = None
    rnpt: str | None = None
    weight: float | None = None


class ValidateProduct(OzonRequest):
    """Units of one SKU to pre-check."""

    product_id: OzonInt = Field(description="The SKU.")
    exemplars: list[ValidateExemplar]


class ExemplarValidateRequest(OzonRequest):
    """Body of ``/v5/fbs/posting/product/exemplar/validate``."""

    posting_number: str = Field(min_length=1)
    products: list[ValidateProduct]


class PostingNumberRequest(OzonRequest):
    """Body naming one posting (create-or-get, status)."""

    posting_number: str = Field(min_length=1)


# ---------------------------------------------------------------- responses


class Mark(OzonResponse):
    """A saved code."""

    mark: str = ""
    mark_type: str = ""


class Exemplar(OzonResponse):
    """A unit of a product with the data saved for it."""

    exemplar_id: OzonInt = 0
    marks: list[Mark] = Field(default_factory=list)
    gtd: str = ""
    is_gtd_absent: MaybeBool = None
    rnpt: str = ""
    is_rnpt_absent: MaybeBool = None
    weight: float | None = None


class ExemplarProduct(OzonResponse):
    """A product of the posting: its units and what it needs before packing."""

    product_id: OzonInt = 0
    quantity: OzonInt = 0
    is_mandatory_mark_needed: MaybeBool = None
    is_mandatory_mark_possible: MaybeBool = None
    is_gtd_needed: MaybeBool = None
    is_rnpt_needed: MaybeBool = None
    is_jw_uin_needed: MaybeBool = None
    has_imei: MaybeBool = None
    is_weight_needed: MaybeBool = None
    weight_min: float | None = None
    weight_max: float | None = None
    exemplars: list[Exemplar] = Field(default_factory=list)

    @property
    def sku(self) -> int:
        """The SKU (Ozon calls it ``product_id`` here)."""
        return self.product_id


class ExemplarsResponse(OzonResponse):
    """Reply of ``/v6/fbs/posting/product/exemplar/create-or-get``."""

    posting_number: str = ""
    multi_box_qty: OzonInt = 0
    products: list[ExemplarProduct] = Field(default_factory=list)


class MarkCheck(OzonResponse):
    """Format check of one code."""

    mark: str = ""
    mark_type: str = ""
    valid: MaybeBool = None
    errors: list[str] = Field(default_factory=list)


class ExemplarCheck(OzonResponse):
    """Format check of one unit."""

    valid: MaybeBool = None
    errors: list[str] = Field(default_factory=list)
    marks: list[MarkCheck] = Field(default_factory=list)
    gtd: str = ""
    rnpt: str = ""
    weight: float | None = None


class ProductCheck(OzonResponse):
    """Format check of one SKU's units."""

    product_id: OzonInt = 0
    valid: MaybeBool = None
    error: str = ""
    exemplars: list[ExemplarCheck] = Field(default_factory=list)


class ExemplarValidateResponse(OzonResponse):
    """Reply of ``/v5/fbs/posting/product/exemplar/validate``."""

    products: list[ProductCheck] = Field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when every product passed."""
        return all(p.valid for p in self.products)


class MarkStatus(OzonResponse):
    """Честный ЗНАК check of one saved code: ``processing``, ``passed`` or ``failed``."""

    mark: str = ""
    mark_type: str = ""
    check_status: str = ""
    error_codes: list[str] = Field(default_factory=list)


class ExemplarStatus(OzonResponse):
    """Check results of one unit."""

    exemplar_id: OzonInt = 0
    marks: list[MarkStatus] = Field(default_factory=list)
    gtd: str = ""
    gtd_check_status: str = ""
    gtd_error_codes: list[str] = Field(default_factory=list)
    rnpt: str = ""
    rnpt_check_status: str = ""
    rnpt_error_codes: list[str] = Field(default_factory=list)
    weight: float | None = None
    weight_check_status: str = ""
    weight_error_codes: list[str] = Field(default_factory=list)


class ExemplarStatusProduct(OzonResponse):
    """Check results of one SKU's units."""

    product_id: OzonInt = 0
    exemplars: list[ExemplarStatus] = Field(default_factory=list)


class ExemplarStatusResponse(OzonResponse):
    """Reply of ``/v5/fbs/posting/product/exemplar/status``.

    ``status``: ``ship_available``, ``ship_not_available``, ``validation_in_process``,
    ``update_available`` or ``update_not_available``.
    """

    posting_number: str = ""
    status: str = ""
    products: list[ExemplarStatusProduct] = Field(default_factory=list)

    @property
    def failed_marks(self) -> list[MarkStatus]:
        """Codes Ozon refused."""
        return [
            m
            for p in self.products
            for e in p.exemplars
            for m in e.marks
            if m.check_status == "failed"
        ]


class EmptyResponse(OzonResponse):
    """A method answering ``{}`` on success."""


EXEMPLARS_FINAL = frozenset({"ship_available", "ship_not_available", "update_not_available"})
