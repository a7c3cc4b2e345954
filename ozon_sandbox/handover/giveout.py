"""The seller's returns-giveout barcode as a one-page PDF (``/v1/return/giveout/get-pdf``)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A6, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from ozon_sandbox.documents import render_barcode_png


def giveout_barcode_value(client_id: str, version: int) -> str:
    """The giveout barcode of an account; a reset bumps ``version`` so old codes stop working."""
    return f"%201%{client_id}{version:04d}"


def render_giveout_pdf(value: str) -> bytes:
    """A printable page with the giveout barcode and its value under it."""
    buffer = io.BytesIO()
    page = landscape(A6)
    canvas = Canvas(buffer, pagesize=page)
    canvas.setTitle("Returns giveout barcode")
    image = ImageReader(io.BytesIO(render_barcode_png(value, module_px=2, height_px=80)))
    width, height = image.getSize()
    scale = min((page[0] - 20 * mm) / width, 1.5)
    x = (page[0] - width * scale) / 2
    y = page[1] / 2 - height * scale / 2 + 5 * mm
    canvas.drawImage(image, x, y, width * scale, height * scale)
    canvas.setFont("Helvetica", 11)
    canvas.drawCentredString(page[0] / 2, y - 8 * mm, value)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
