"""Retired methods are read from API-NOTES.md so the product can be held to current ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.openapi import (
    OzonSpec,
    assert_methods_current,
    expand_method_shorthand,
    retired_methods,
)

CURRENT = {"/v2/products/stocks", "/v4/posting/fbs/list", "/v2/warehouse/list"}


def test_shorthands_expand_to_full_paths() -> None:
    assert expand_method_shorthand("/v1/carriage/create|approve") == {
        "/v1/carriage/create",
        "/v1/carriage/approve",
    }
    assert expand_method_shorthand("POST /v1/posting/fbs/package-label/create") == {
        "/v1/posting/fbs/package-label/create"
    }
    known = {"/v2/posting/fbs/digital/act/get-pdf", "/v2/posting/fbs/act/get-pdf"}
    assert expand_method_shorthand("/v2/posting/fbs/digital/act/*", known) == {
        "/v2/posting/fbs/digital/act/get-pdf"
    }
    assert expand_method_shorthand("/v2/...") == set()
    assert expand_method_shorthand("task_id") == set()


def test_retired_methods_come_from_paragraphs_table_and_prose(tmp_path: Path) -> None:
    notes = tmp_path / "API-NOTES.md"
    notes.write_text(
        "## 3. Stocks\n"
        "Use `/v2/products/stocks`.\n"
        "Retired: `/v1/product/import/stocks` (disabled 2025-05-27), `/v1/warehouse/list`\n"
        "(all disabled 2026-04-07; successors `/v2/...`), `/v3/products/info/attributes` (→\n"
        "`/v4/product/info/attributes`).\n"
        "\n"
        "`/v4/product/info/prices` was removed 2025-02-18. `/v1/roles` is current.\n"
        "- `POST /v1/posting/fbs/package-label/create` (single `task_id`) is deprecated.\n"
        "\n"
        "| capability | use now | retired / deprecated (date) |\n"
        "|---|---|---|\n"
        "| handover | `/v1/carriage/get|set-postings|cancel` | `/v2/posting/fbs/digital/act/*`, "
        "`/v4/fbs/posting/product/exemplar/set|status` (2025-12-03) |\n"
        "\n"
        "Retired: `/v2/posting/fbs/digital/act/get-pdf` (→ `/v2/posting/fbs/act/get-pdf`).\n",
        encoding="utf-8",
    )
    assert retired_methods(notes, known={"/v2/posting/fbs/digital/act/check-status"}) == {
        "/v1/product/import/stocks",
        "/v1/warehouse/list",
        "/v3/products/info/attributes",
        "/v4/product/info/prices",
        "/v1/posting/fbs/package-label/create",
        "/v2/posting/fbs/digital/act/get-pdf",
        "/v2/posting/fbs/digital/act/check-status",
        "/v4/fbs/posting/product/exemplar/set",
        "/v4/fbs/posting/product/exemplar/status",
    }


def test_the_real_notes_name_the_known_retired_methods(
    ozon_notes_path: Path, spec: OzonSpec
) -> None:
    retired = retired_methods(ozon_notes_path, spec.methods())
    assert {
        "/v1/product/import/stocks",
        "/v3/posting/fbs/list",
        "/v3/posting/fbs/unfulfilled/list",
        "/v1/warehouse/list",
        "/v2/posting/fbs/digital/act/get-pdf",
        "/v2/posting/fbs/digital/act/check-status",
        "/v4/fbs/posting/product/exemplar/validate",
        "/v5/fbs/posting/product/exemplar/set",
        "/v1/posting/fbs/package-label/create",
    } <= retired
    assert not CURRENT & retired


def test_no_method_in_the_use_now_column_counts_as_retired(
    ozon_notes_path: Path, spec: OzonSpec
) -> None:
    notes = ozon_notes_path.read_text(encoding="utf-8")
    table = notes[notes.index("| capability | use now |") :].split("\n\n", 1)[0]
    current: set[str] = set()
    for row in table.splitlines()[2:]:
        # The "use now" cell is the second; split on pipes outside code spans.
        cells = re.split(r"\|(?=(?:[^`]*`[^`]*`)*[^`]*$)", row)
        for span in re.findall(r"`([^`]+)`", cells[2]):
            current |= expand_method_shorthand(span)
    assert current >= CURRENT
    assert not current & retired_methods(ozon_notes_path, spec.methods())


def test_current_methods_pass_the_declarative_check(ozon_notes_path: Path, spec: OzonSpec) -> None:
    assert_methods_current(CURRENT, spec, retired_methods(ozon_notes_path, spec.methods()))


def test_the_declarative_check_names_every_absent_or_retired_method(
    ozon_notes_path: Path, spec: OzonSpec
) -> None:
    retired = retired_methods(ozon_notes_path, spec.methods())
    used = [*CURRENT, "/v1/warehouse/list", "/v3/posting/fbs/list", "/v9/posting/teleport"]
    with pytest.raises(AssertionError) as caught:
        assert_methods_current(used, spec, retired)
    message = str(caught.value)
    assert "/v1/warehouse/list: retired" in message
    assert "/v3/posting/fbs/list: retired" in message
    assert "/v9/posting/teleport: not in Ozon's spec" in message
    assert not any(m in message for m in CURRENT)
