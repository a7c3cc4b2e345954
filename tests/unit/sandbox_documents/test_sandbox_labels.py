from __future__ import annotations

import io
import time
from pathlib import Path

import pypdf
import pytest
from pydantic import ValidationError

from ozon_sandbox.documents import (
    LabelData,
    LabelProduct,
    find_fonts,
    render_package_labels,
)
from tests.support.sandbox_documents import WAREHOUSE, make_labels, pdf_pages_text

MM = 72 / 25.4


def _page_size_mm(pdf: bytes) -> tuple[float, float]:
    box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width) / MM), round(float(box.height) / MM)


@pytest.mark.parametrize(("size", "dimensions"), [("big", (75, 120)), ("small", (58, 40))])
def test_one_page_per_posting_in_ozon_label_format(size: str, dimensions: tuple[int, int]) -> None:
    labels = make_labels(7)

    pdf = render_package_labels(labels, size=size)  # type: ignore[arg-type]

    pages = pdf_pages_text(pdf)
    assert len(pages) == len(labels)
    assert _page_size_mm(pdf) == dimensions
    for label, text in zip(labels, pages, strict=True):
        assert label.posting_number in text
        assert label.barcode in text
        assert "01.12.2026" in text
        assert label.products[0].offer_id in text


def test_big_label_shows_cyrillic_warehouse_products_and_box_number() -> None:
    label = make_labels(1)[0]

    (text,) = pdf_pages_text(render_package_labels([label]))

    assert WAREHOUSE in text
    assert "Доставка: Ozon Логистика" in text
    assert "Шампунь восстанавлива" in text
    assert "1/1" in text


def test_box_number_of_a_multi_box_posting_is_printed() -> None:
    label = make_labels(1)[0].model_copy(update={"box_number": 2, "box_count": 3})

    (text,) = pdf_pages_text(render_package_labels([label], size="small"))

    assert "2/3" in text


def test_products_that_do_not_fit_are_summarised_not_cut_off() -> None:
    label = make_labels(1, products_per_label=40)[0]

    (text,) = pdf_pages_text(render_package_labels([label]))

    assert label.products[0].offer_id in text
    assert label.products[-1].offer_id not in text
    shown = sum(p.offer_id in text for p in label.products)
    assert f"ещё {40 - shown} поз." in text
    assert 5 < shown < 40


def test_without_cyrillic_fonts_labels_are_transliterated_and_still_valid(
    tmp_path: Path,
) -> None:
    fonts = find_fonts([tmp_path])
    label = make_labels(1)[0]

    (text,) = pdf_pages_text(render_package_labels([label], fonts=fonts))

    assert not fonts.cyrillic
    assert label.posting_number in text
    assert "Sklad Noveks Podolsk" in text
    assert "Otgruzka: 01.12.2026" in text


def test_same_labels_render_to_identical_bytes() -> None:
    labels = make_labels(3)

    assert render_package_labels(labels) == render_package_labels(make_labels(3))
    assert render_package_labels(labels) != render_package_labels(make_labels(4)[1:])


def test_hundred_labels_render_quickly() -> None:
    labels = make_labels(100, products_per_label=3)

    started = time.perf_counter()
    pdf = render_package_labels(labels)
    elapsed = time.perf_counter() - started

    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 100
    assert elapsed < 2.0


def test_empty_batch_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one label"):
        render_package_labels([])


def test_label_data_rejects_what_cannot_be_printed() -> None:
    base = make_labels(1)[0].model_dump()

    with pytest.raises(ValidationError, match="ASCII"):
        LabelData.model_validate({**base, "barcode": "штрихкод"})
    with pytest.raises(ValidationError, match="box_number 3 exceeds box_count 2"):
        LabelData.model_validate({**base, "box_number": 3, "box_count": 2})
    with pytest.raises(ValidationError):
        LabelProduct(offer_id="A", name="B", quantity=0)
