"""Category tree, characteristics and dictionaries: the four ``/v1/description-category`` methods.

Answers come from the seeded drugstore catalog (``ozon_sandbox.catalog_seed``); its refusals
carry Ozon's gRPC code and HTTP status, so they map onto Ozon's error body one to one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, Field

from ozon_sandbox.api.common import Int64, OzonRequest
from ozon_sandbox.catalog_seed import (
    Attribute,
    CatalogSeed,
    CatalogSeedError,
    CategoryNode,
    Language,
    Value,
    load_catalog,
)
from ozon_sandbox.catalog_seed.edits import CatalogEdits, EditList, edited_catalog
from ozon_sandbox.errors import OzonApiError
from ozon_sandbox.registry import MethodContext, admin_endpoint, ozon_method

T = TypeVar("T")


def seed_call(call: Callable[[], T]) -> T:
    """Run a catalog lookup, answering its refusal with Ozon's error body."""
    try:
        return call()
    except CatalogSeedError as exc:
        raise OzonApiError(exc.http_status, exc.rpc_code, exc.message) from None


def catalog(language: str = "DEFAULT", ctx: MethodContext | None = None) -> CatalogSeed:
    """The seeded catalog in ``language``, with Ozon's catalog edits applied.

    The category model is Ozon's, the same for every seller: edits live in the sandbox-wide
    state, whichever account made them or asks.
    """
    edits = ctx.shared.domain(CatalogEdits).edits if ctx is not None else []
    if edits:
        return seed_call(lambda: edited_catalog(edits, language))
    return seed_call(lambda: load_catalog(language))


# ---------------------------------------------------------------- /v1/description-category/tree


class TreeRequest(OzonRequest):
    """Body of ``/v1/description-category/tree``."""

    language: Language = "DEFAULT"


class TreeResponse(BaseModel):
    """Reply of ``/v1/description-category/tree``: nested categories, types as leaves."""

    result: list[CategoryNode]


@ozon_method("/v1/description-category/tree", request_model=TreeRequest)
def tree(ctx: MethodContext, request: TreeRequest) -> TreeResponse:
    """The whole tree; products are created only on a (category, type) leaf pair."""
    return TreeResponse(result=catalog(request.language, ctx).tree)


# ---------------------------------------------------------------- /attribute


class AttributesRequest(OzonRequest):
    """Body of ``/v1/description-category/attribute``."""

    description_category_id: Int64
    type_id: Int64
    language: Language = "DEFAULT"


class AttributesResponse(BaseModel):
    """Reply of ``/v1/description-category/attribute``."""

    result: list[Attribute]


@ozon_method("/v1/description-category/attribute", request_model=AttributesRequest)
def attributes(ctx: MethodContext, request: AttributesRequest) -> AttributesResponse:
    """Characteristics of a leaf pair; an unknown pair is 404 like Ozon's."""
    seed = catalog(request.language, ctx)
    found = seed_call(lambda: seed.attributes(request.description_category_id, request.type_id))
    return AttributesResponse(result=found)


# ---------------------------------------------------------------- /attribute/values


class ValuesRequest(OzonRequest):
    """Body of ``/v1/description-category/attribute/values``; ``limit`` is required (≤ 2000)."""

    attribute_id: Int64
    description_category_id: Int64
    type_id: Int64
    language: Language = "DEFAULT"
    last_value_id: Int64 = 0
    limit: Int64


class ValuesResponse(BaseModel):
    """Reply of ``/v1/description-category/attribute/values``."""

    result: list[Value]
    has_next: bool


@ozon_method("/v1/description-category/attribute/values", request_model=ValuesRequest)
def attribute_values(ctx: MethodContext, request: ValuesRequest) -> ValuesResponse:
    """One page of a dictionary, values by id after ``last_value_id``."""
    seed = catalog(request.language, ctx)
    page, has_next = seed_call(
        lambda: seed.values(
            request.attribute_id,
            request.description_category_id,
            request.type_id,
            request.last_value_id,
            request.limit,
        )
    )
    return ValuesResponse(result=page, has_next=has_next)


# ---------------------------------------------------------------- /attribute/values/search


class SearchRequest(OzonRequest):
    """Body of ``/v1/description-category/attribute/values/search`` (no paging, ≤ 100)."""

    attribute_id: Int64
    description_category_id: Int64
    type_id: Int64
    value: str = Field(min_length=1)
    limit: Int64


class SearchResponse(BaseModel):
    """Reply of ``/v1/description-category/attribute/values/search``."""

    result: list[Value]


@ozon_method("/v1/description-category/attribute/values/search", request_model=SearchRequest)
def search_values(ctx: MethodContext, request: SearchRequest) -> SearchResponse:
    """Dictionary values containing ``value`` (at least two characters), best matches first."""
    seed = catalog(ctx=ctx)
    found = seed_call(
        lambda: seed.search_values(
            request.attribute_id,
            request.description_category_id,
            request.type_id,
            request.value,
            request.limit,
        )
    )
    return SearchResponse(result=found)


# ---------------------------------------------------------------- admin: Ozon changes its catalog


@admin_endpoint("/catalog/edits", verbs=("GET", "POST"), request_model=EditList)
def admin_edits(ctx: MethodContext, body: EditList | None) -> CatalogEdits:
    """List or append Ozon's edits, for all accounts (checked by building the catalog first)."""
    state = ctx.shared.domain(CatalogEdits)
    if body is not None:
        proposed = [*state.edits, *body.edits]
        seed_call(lambda: edited_catalog(proposed, "DEFAULT"))
        state.edits = proposed
    return state


@admin_endpoint("/catalog/edits/reset", verbs=("POST",))
def admin_edits_reset(ctx: MethodContext, body: None) -> CatalogEdits:
    """Drop Ozon's edits: the seeded catalog again, for every account."""
    state = ctx.shared.domain(CatalogEdits)
    state.edits = []
    return state
