"""Warehouses: ``/v2/warehouse/list``."""

from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from ozon_sandbox.api.common import Int64, OzonRequest
from ozon_sandbox.cursor import decode_cursor, encode_cursor
from ozon_sandbox.errors import bad_request
from ozon_sandbox.registry import MethodContext, ozon_method
from ozon_sandbox.state import Warehouse


class WarehouseListRequest(OzonRequest):
    """Body of ``/v2/warehouse/list``."""

    limit: int = Field(ge=1, le=200)
    cursor: str = ""
    warehouse_ids: list[Int64] | None = Field(None, max_length=200)


class WarehouseListResponse(BaseModel):
    """Reply of ``/v2/warehouse/list``."""

    cursor: str
    warehouses: list[Warehouse]
    has_next: bool


@ozon_method("/v2/warehouse/list", request_model=WarehouseListRequest)
def warehouse_list(ctx: MethodContext, request: WarehouseListRequest) -> JSONResponse:
    """FBS and rFBS warehouses by ascending id, cursor-paged.

    Unset dates (``pause_at`` of an active warehouse) are left out: the spec has no null.
    """
    position = decode_cursor(request.cursor)
    after = position.get("warehouse_id", 0)
    if not isinstance(after, int):
        raise bad_request("invalid cursor")
    wanted = set(request.warehouse_ids) if request.warehouse_ids else None
    ids = sorted(
        wid for wid in ctx.state.warehouses if wid > after and (wanted is None or wid in wanted)
    )
    page = ids[: request.limit]
    has_next = len(ids) > len(page)
    reply = WarehouseListResponse(
        cursor=encode_cursor({"warehouse_id": page[-1]}) if has_next else "",
        warehouses=[ctx.state.warehouses[wid] for wid in page],
        has_next=has_next,
    )
    return JSONResponse(reply.model_dump(mode="json", exclude_none=True))
