"""`/v1/returns/list` carries `logistic.final_moment` as Ozon's example does."""

from __future__ import annotations

import httpx

from ozon_sandbox.api.returns import AdvanceReturn, ForceReturn
from ozon_sandbox.testing import SandboxServer
from resources.ozon import OzonClient, constants
from tests.integration.handover.conftest import packed
from tests.support.sandbox import CLIENT_ID


def test_final_moment_is_null_until_the_return_arrives_then_its_time(
    frozen: SandboxServer, client: OzonClient
) -> None:
    (number,) = packed(frozen, 1)
    frozen.admin.force_return(CLIENT_ID, ForceReturn(posting_number=number))
    body = {"filter": {"posting_numbers": [number]}, "limit": 10}
    headers = client._headers()
    url = f"{frozen.url}{constants.RETURNS_LIST}"
    moving = httpx.post(url, json=body, headers=headers).json()["returns"][0]
    assert "final_moment" in moving["logistic"] and moving["logistic"]["final_moment"] is None
    frozen.admin.advance(60)
    frozen.admin.advance_return(CLIENT_ID, AdvanceReturn(posting_number=number))
    arrived = httpx.post(url, json=body, headers=headers).json()["returns"][0]
    assert arrived["visual"]["status"]["sys_name"] == "ArrivedAtReturnPlace"
    assert arrived["logistic"]["final_moment"] == arrived["visual"]["change_moment"]
    (parsed,) = client.returns.list(posting_numbers=[number]).to_list()
    assert parsed.logistic.final_moment is not None
