"""Ozon's category model is the same for every seller: so are the sandbox's catalog edits."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from ozon_sandbox.catalog_seed.edits import CatalogEdit, CatalogEdits
from ozon_sandbox.runtime import Sandbox, SandboxSnapshot
from tests.support.sandbox import API_KEY, CLIENT_ID, ozon_client, sandbox_config, start_sandbox

OTHER, OTHER_KEY = "654321", "other-key"
HAIR_CARE, SHAMPOO = 17028968, 93284
SCENT, HAIR, DRY = 22238, 22236, 970584103
EDITS = [
    CatalogEdit(op="set_required", type_id=SHAMPOO, attribute_id=SCENT),
    CatalogEdit(op="withdraw_value", attribute_id=HAIR, value_id=DRY),
]


def _seen(http: httpx.Client) -> tuple[bool, bool]:
    """(scent required, "сухие" listed) as this account's catalog methods answer."""
    pair = {"description_category_id": HAIR_CARE, "type_id": SHAMPOO}
    attributes = http.post("/v1/description-category/attribute", json=pair).json()["result"]
    required = next(a for a in attributes if a["id"] == SCENT)["is_required"]
    values = http.post(
        "/v1/description-category/attribute/values",
        json={**pair, "attribute_id": HAIR, "limit": 2000},
    ).json()["result"]
    return required, DRY in {v["id"] for v in values}


def test_an_edit_made_through_one_account_is_what_every_seller_sees() -> None:
    config = sandbox_config(accounts={CLIENT_ID: SecretStr(API_KEY), OTHER: SecretStr(OTHER_KEY)})
    server = start_sandbox(config)
    try:
        with ozon_client(server) as mine, ozon_client(server, OTHER, OTHER_KEY) as theirs:
            assert _seen(mine) == _seen(theirs) == (False, True)
            server.admin.edit_catalog(CLIENT_ID, EDITS)
            assert _seen(mine) == _seen(theirs) == (True, False)
            # Emptying one seller's account leaves Ozon's catalog as it is.
            server.admin.reset(OTHER)
            assert _seen(theirs) == (True, False)
            server.admin.reset_catalog_edits(OTHER)
            assert _seen(mine) == _seen(theirs) == (False, True)
            server.admin.edit_catalog(OTHER, EDITS[:1])
            server.admin.reset()
            assert _seen(mine) == (False, True)
    finally:
        server.stop()


def test_the_edits_survive_a_snapshot() -> None:
    config = sandbox_config()
    before = Sandbox(config)
    before.shared.domain(CatalogEdits).edits = list(EDITS)
    saved = SandboxSnapshot.model_validate_json(before.snapshot().model_dump_json())
    after = Sandbox(config)
    after.restore(saved)
    assert after.shared.domain(CatalogEdits).edits == EDITS
    # A file written before the edits were Ozon-wide has no `shared` part: it still loads.
    old = saved.model_dump(mode="json")
    del old["shared"]
    Sandbox(config).restore(SandboxSnapshot.model_validate(old))
