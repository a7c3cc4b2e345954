from __future__ import annotations

import io

import pytest
from PIL import Image
from reportlab.graphics.barcode.code128 import _patterns

from ozon_sandbox.documents import render_barcode_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Code 128 symbol widths (bar, space, ...) keyed by pattern, e.g. "211214" -> 104 (Start B).
WIDTHS_TO_CODE = {
    "".join(str(ord(c.upper()) - ord("A") + 1) for c in pattern): code
    for code, pattern in _patterns.items()
}


def _runs(row: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for pixel in row:
        if runs and runs[-1][0] == pixel:
            runs[-1] = (pixel, runs[-1][1] + 1)
        else:
            runs.append((pixel, 1))
    return runs


def decode_code128_png(png: bytes) -> str:
    """Read a Code 128 PNG the way a scanner reads one line across the bars."""
    image = Image.open(io.BytesIO(png)).convert("L")
    middle = image.height // 2
    line = image.tobytes()[middle * image.width : (middle + 1) * image.width]
    row = [0 if pixel < 128 else 1 for pixel in line]
    runs = _runs(row)
    assert runs[0][0] == 1 and runs[-1][0] == 1, "quiet zones missing"
    bars = runs[1:-1]
    symbols = (len(bars) - 7) // 6
    module = sum(n for _, n in bars) / (11 * symbols + 13)
    assert runs[0][1] >= 10 * module and runs[-1][1] >= 10 * module
    widths = "".join(str(round(n / module)) for _, n in bars)
    codes = [WIDTHS_TO_CODE[widths[i : i + 6]] for i in range(0, symbols * 6, 6)]
    assert widths[symbols * 6 :] == "2331112", "stop pattern"
    start, *data, check = codes
    assert (start + sum(i * v for i, v in enumerate(data, start=1))) % 103 == check
    code_set = {103: "A", 104: "B", 105: "C"}[start]
    out = ""
    for value in data:
        if value in (99, 100, 101) and not (code_set == "B" and value == 100):
            code_set = {99: "C", 100: "B", 101: "A"}[value]
        elif code_set == "C":
            out += f"{value:02d}"
        elif code_set == "B":
            out += chr(value + 32)
        else:
            out += chr(value + 32) if value < 64 else chr(value - 64)
    return out


@pytest.mark.parametrize("value", ["%303%24276481394", "20913984", "ACT-42/b"])
def test_act_barcode_png_scans_back_to_its_value(value: str) -> None:
    png = render_barcode_png(value)

    assert png.startswith(PNG_SIGNATURE)
    assert decode_code128_png(png) == value


def test_png_has_printable_dimensions() -> None:
    image = Image.open(io.BytesIO(render_barcode_png("%303%24276481394")))

    assert image.format == "PNG"
    assert image.height == 64
    assert 150 < image.width < 1000
    assert image.width > image.height


def test_longer_values_give_wider_images_and_bigger_modules_scale() -> None:
    short = Image.open(io.BytesIO(render_barcode_png("AB")))
    long = Image.open(io.BytesIO(render_barcode_png("ABCDEFGHIJ")))
    doubled = Image.open(io.BytesIO(render_barcode_png("AB", module_px=4, height_px=100)))

    assert long.width > short.width
    assert doubled.size == (short.width * 2, 100)


def test_png_is_deterministic() -> None:
    assert render_barcode_png("%303%24276481394") == render_barcode_png("%303%24276481394")


def test_values_that_code128_cannot_carry_are_refused() -> None:
    with pytest.raises(ValueError, match="ASCII"):
        render_barcode_png("акт-1")
    with pytest.raises(ValueError, match="empty"):
        render_barcode_png("")
