from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from ozon_sandbox.documents import find_fonts, render_act
from tests.support.sandbox_documents import make_act, pdf_pages_text

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_small_act_is_a_shipping_list_page_and_a_waybill_page() -> None:
    act = make_act(3)

    pages = pdf_pages_text(render_act(act))

    assert len(pages) == 2
    shipping_list, waybill = pages
    assert f"Лист отгрузки № {act.act_id}" in shipping_list
    assert "Транспортная накладная" in waybill
    assert str(act.act_id) in waybill
    assert "ООО «Интернет Решения»" in waybill
    for page in pages:
        assert act.barcode in page
        assert act.warehouse_name in page
    for posting in act.postings:
        assert posting.posting_number in shipping_list
    # totals: 3 postings, 1+2+1 boxes, 3 items each
    assert "Итого отправлений: 3" in shipping_list
    assert "01.12.2026" in shipping_list


def test_long_shipping_list_runs_over_several_pages_and_lists_every_posting() -> None:
    act = make_act(200)

    pages = pdf_pages_text(render_act(act))

    assert len(pages) >= 4
    text = "\n".join(pages)
    for posting in act.postings:
        assert posting.posting_number in text
    assert all(str(act.act_id) in page for page in pages)
    # the table header repeats on every shipping-list page
    assert all("Номер отправления" in page for page in pages[:-1])
    assert "Транспортная накладная" in pages[-1]
    assert "Итого отправлений: 200" in pages[-2]


def test_act_without_postings_still_renders() -> None:
    pages = pdf_pages_text(render_act(make_act(0)))

    assert "Итого отправлений: 0" in pages[0]


def test_act_pdf_is_byte_identical_across_processes() -> None:
    script = (
        "import hashlib, sys\n"
        "from ozon_sandbox.documents import find_fonts, render_act\n"
        "from tests.support.sandbox_documents import make_act\n"
        "sys.stdout.write(hashlib.sha256(render_act(make_act(40))).hexdigest())\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout

    assert hashlib.sha256(render_act(make_act(40))).hexdigest() == other


def test_without_cyrillic_fonts_the_act_is_transliterated_and_still_valid(
    tmp_path: Path,
) -> None:
    act = make_act(2)

    shipping_list, waybill = pdf_pages_text(render_act(act, fonts=find_fonts([tmp_path])))

    assert f"List otgruzki No {act.act_id}" in shipping_list
    assert act.postings[1].posting_number in shipping_list
    assert "Transportnaya nakladnaya" in waybill
