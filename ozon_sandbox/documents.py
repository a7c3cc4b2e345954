"""Printable documents the sandbox hands out: FBS package labels, handover acts, act barcodes.

Ozon returns real files from its label and act methods (a PDF per batch of postings, a PNG
barcode per act), and warehouse staff print them. The sandbox renders the same kinds of files so
the whole flow — download, store, print — can be exercised without Ozon. All functions are pure:
the same input gives byte-identical output, so tests and saved sandbox state stay stable.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

LabelSize = Literal["big", "small"]

# Ozon's FBS label formats: the big one is portrait 75×120 mm, the small one landscape 58×40 mm.
LABEL_PAGE_SIZES: dict[LabelSize, tuple[float, float]] = {
    "big": (75 * mm, 120 * mm),
    "small": (58 * mm, 40 * mm),
}

# Ozon is the consignee on every FBS waybill.
OZON_CONSIGNEE = "ООО «Интернет Решения»"

# Where Debian/Ubuntu/Alpine and user installs keep TrueType fonts.
DEFAULT_FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)

# Families with Cyrillic glyphs, best first: (regular file, bold file).
_CYRILLIC_FONT_FILES: tuple[tuple[str, str], ...] = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("FreeSans.ttf", "FreeSansBold.ttf"),
)

_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "«": '"', "»": '"', "—": "-", "–": "-", "№": "No", "…": "...", "×": "x",
}  # fmt: skip


def transliterate(text: str) -> str:
    """Spell Russian text in Latin letters for fonts without Cyrillic glyphs.

    Characters the built-in PDF fonts cannot show become ``?`` so the file stays valid.
    """
    out: list[str] = []
    for ch in text:
        low = ch.lower()
        if low in _TRANSLIT:
            latin = _TRANSLIT[low]
            out.append(latin.capitalize() if ch != low else latin)
        else:
            out.append(ch)
    return "".join(out).encode("cp1252", errors="replace").decode("cp1252")


class DocumentFonts(BaseModel):
    """The fonts a document is drawn with, and whether they can show Cyrillic."""

    model_config = ConfigDict(frozen=True)

    regular: str = Field(description="Registered reportlab font name for body text.")
    bold: str = Field(description="Registered reportlab font name for headings and numbers.")
    cyrillic: bool = Field(description="False when text must be transliterated to render.")

    def text(self, value: str) -> str:
        """Return ``value`` as these fonts can render it."""
        return value if self.cyrillic else transliterate(value)


def find_fonts(search_dirs: Iterable[Path] = DEFAULT_FONT_DIRS) -> DocumentFonts:
    """Register the first Cyrillic TrueType family found under ``search_dirs``.

    Falls back to the PDF base fonts (Helvetica) with transliteration when none is installed,
    e.g. on a slim container without ``fonts-dejavu-core``, so documents still render.
    """
    files: dict[str, Path] = {}
    wanted = {name for pair in _CYRILLIC_FONT_FILES for name in pair}
    for folder in search_dirs:
        if folder.is_dir():
            for path in sorted(folder.rglob("*.ttf")):
                if path.name in wanted and path.name not in files:
                    files[path.name] = path
    for regular_file, bold_file in _CYRILLIC_FONT_FILES:
        regular_path = files.get(regular_file)
        if regular_path is None:
            continue
        bold_path = files.get(bold_file, regular_path)
        return DocumentFonts(
            regular=_register_ttf(regular_path),
            bold=_register_ttf(bold_path),
            cyrillic=True,
        )
    return DocumentFonts(regular="Helvetica", bold="Helvetica-Bold", cyrillic=False)


def _register_ttf(path: Path) -> str:
    name = f"Sandbox-{path.stem}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


@lru_cache(maxsize=1)
def default_fonts() -> DocumentFonts:
    """Fonts found on this machine, looked up once per process."""
    return find_fonts()


def _ascii_barcode(value: str) -> str:
    if not value:
        raise ValueError("barcode must not be empty")
    if not value.isascii():
        raise ValueError("barcode must be ASCII to be encodable as Code 128")
    return value


class LabelProduct(BaseModel):
    """One product line printed on a package label."""

    offer_id: str = Field(description="Seller's article (offer_id).")
    name: str = Field(description="Product name as on the Ozon card.")
    quantity: int = Field(ge=1, description="Pieces of this product in the package.")


class LabelData(BaseModel):
    """Everything a package label shows for one posting."""

    posting_number: str = Field(min_length=1, description="Ozon posting number.")
    barcode: str = Field(description="Posting's upper barcode value, printed as Code 128.")
    warehouse_name: str = Field(description="Seller warehouse the posting ships from.")
    delivery_method_name: str | None = Field(
        default=None, description="Delivery method, printed under the warehouse when known."
    )
    shipment_date: datetime = Field(description="Date the posting must be handed over.")
    products: list[LabelProduct] = Field(default_factory=list)
    box_number: int = Field(default=1, ge=1, description="This box's number in the posting.")
    box_count: int = Field(default=1, ge=1, description="Boxes in the posting.")

    _check_barcode = field_validator("barcode")(_ascii_barcode)

    @model_validator(mode="after")
    def _box_within_count(self) -> LabelData:
        if self.box_number > self.box_count:
            raise ValueError(f"box_number {self.box_number} exceeds box_count {self.box_count}")
        return self


class ActPosting(BaseModel):
    """One row of the shipping list."""

    posting_number: str = Field(min_length=1, description="Ozon posting number.")
    box_count: int = Field(default=1, ge=1, description="Boxes (places) in the posting.")
    item_count: int = Field(ge=0, description="Pieces of goods in the posting.")


class ActData(BaseModel):
    """Everything the handover documents of one shipment show."""

    act_id: int = Field(description="Ozon act (shipment) id.")
    created_at: datetime = Field(description="When the act was formed.")
    departure_date: date = Field(description="Day the postings are handed over.")
    warehouse_id: int = Field(description="Seller warehouse (delivery method) id.")
    warehouse_name: str = Field(description="Seller warehouse name.")
    postings: list[ActPosting] = Field(default_factory=list)
    barcode: str = Field(description="Act barcode value shown at the drop-off point.")

    _check_barcode = field_validator("barcode")(_ascii_barcode)


def code128_modules(value: str) -> list[tuple[bool, int]]:
    """Code 128 symbol (start, data, check, stop) as (is_bar, width in modules) runs.

    One encoding feeds both the PDF and the PNG so they always show the same symbol.
    """
    symbol = Code128(_ascii_barcode(value), quiet=0)
    runs: list[tuple[bool, int]] = []
    # reportlab spells the symbol as letters: upper case = bar, lower case = space, A=1 module.
    symbol.validate()
    symbol.encode()
    for ch in symbol.decompose():
        if ch.isupper():
            runs.append((True, ord(ch) - ord("A") + 1))
        else:
            runs.append((False, ord(ch) - ord("a") + 1))
    return runs


def _draw_barcode(
    canvas: Canvas, value: str, x: float, y: float, max_width: float, height: float
) -> float:
    """Draw a Code 128 centred in ``max_width`` at (x, y); return the drawn width."""
    runs = code128_modules(value)
    modules = sum(width for _, width in runs)
    # Thicker bars scan better; cap at 0.5 mm since a wider symbol buys nothing on a label.
    module = min(max_width / modules, 0.5 * mm)
    left = x + (max_width - modules * module) / 2
    canvas.saveState()
    canvas.setFillColor(colors.black)
    for is_bar, width in runs:
        if is_bar:
            canvas.rect(left, y, width * module, height, stroke=0, fill=1)
        left += width * module
    canvas.restoreState()
    return modules * module


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Cut ``text`` with an ellipsis so it fits ``width`` in one line."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    ellipsis = "..."
    while text and pdfmetrics.stringWidth(text + ellipsis, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ellipsis


def _fit_size(text: str, font: str, largest: float, width: float) -> float:
    """Largest font size ≤ ``largest`` at which ``text`` fits ``width``."""
    natural = pdfmetrics.stringWidth(text, font, largest)
    return largest if natural <= width else largest * width / natural


def _new_canvas(buffer: io.BytesIO, pagesize: tuple[float, float], title: str) -> Canvas:
    # invariant=1 pins the creation date and document id, making output byte-stable.
    canvas = Canvas(buffer, pagesize=pagesize, invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("Ozon sandbox")
    return canvas


def _draw_big_label(canvas: Canvas, label: LabelData, fonts: DocumentFonts) -> None:
    page_w, page_h = LABEL_PAGE_SIZES["big"]
    margin = 4 * mm
    width = page_w - 2 * margin
    t = fonts.text
    y = page_h - margin

    y -= 12
    canvas.setFont(fonts.bold, 13)
    canvas.drawString(margin, y, "OZON")
    canvas.setFont(fonts.regular, 8)
    canvas.drawRightString(page_w - margin, y, "FBS")

    size = _fit_size(label.posting_number, fonts.bold, 18, width)
    y -= size + 6
    canvas.setFont(fonts.bold, size)
    canvas.drawCentredString(page_w / 2, y, label.posting_number)

    bar_h = 22 * mm
    y -= bar_h + 4
    _draw_barcode(canvas, label.barcode, margin, y, width, bar_h)
    y -= 9
    canvas.setFont(fonts.regular, 7)
    canvas.drawCentredString(page_w / 2, y, label.barcode)

    canvas.setFont(fonts.bold, 9)
    y -= 14
    canvas.drawString(margin, y, t(f"Отгрузка: {label.shipment_date:%d.%m.%Y}"))
    canvas.setFont(fonts.regular, 8)
    lines = [f"Склад: {label.warehouse_name}"]
    if label.delivery_method_name:
        lines.append(f"Доставка: {label.delivery_method_name}")
    for line in lines:
        y -= 10
        canvas.drawString(margin, y, _fit(t(line), fonts.regular, 8, width))
    y -= 5
    canvas.setLineWidth(0.6)
    canvas.line(margin, y, page_w - margin, y)

    footer_top = margin + 26
    _draw_product_table(canvas, label, fonts, margin, y, width, footer_top, size=7)

    canvas.line(margin, footer_top, page_w - margin, footer_top)
    total = sum(p.quantity for p in label.products)
    canvas.setFont(fonts.regular, 8)
    canvas.drawString(margin, margin + 12, t(f"Товаров: {total} шт."))
    canvas.drawString(margin, margin + 2, t("Место"))
    canvas.setFont(fonts.bold, 20)
    canvas.drawRightString(page_w - margin, margin + 3, f"{label.box_number}/{label.box_count}")


def _draw_product_table(
    canvas: Canvas,
    label: LabelData,
    fonts: DocumentFonts,
    x: float,
    top: float,
    width: float,
    bottom: float,
    size: float,
) -> None:
    """Product lines between ``top`` and ``bottom``; an overflow note replaces what won't fit."""
    t = fonts.text
    line_h = size + 2.5
    qty_w = pdfmetrics.stringWidth("Кол-во", fonts.bold, size) + 2
    offer_w = width * 0.3
    name_x = x + offer_w + 2
    name_w = width - offer_w - qty_w - 4
    y = top - line_h
    canvas.setFont(fonts.bold, size)
    canvas.drawString(x, y, t("Артикул"))
    canvas.drawString(name_x, y, t("Наименование"))
    canvas.drawRightString(x + width, y, t("Кол-во"))
    room = int((y - bottom - 2) // line_h)
    products = label.products
    shown = products if len(products) <= room else products[: max(room - 1, 0)]
    canvas.setFont(fonts.regular, size)
    for product in shown:
        y -= line_h
        canvas.drawString(x, y, _fit(t(product.offer_id), fonts.regular, size, offer_w))
        canvas.drawString(name_x, y, _fit(t(product.name), fonts.regular, size, name_w))
        canvas.drawRightString(x + width, y, str(product.quantity))
    hidden = len(products) - len(shown)
    if hidden and room > 0:
        y -= line_h
        canvas.drawString(x, y, t(f"… и ещё {hidden} поз."))


def _draw_small_label(canvas: Canvas, label: LabelData, fonts: DocumentFonts) -> None:
    page_w, page_h = LABEL_PAGE_SIZES["small"]
    margin = 2.5 * mm
    width = page_w - 2 * margin
    t = fonts.text
    box = f"{label.box_number}/{label.box_count}"
    box_w = pdfmetrics.stringWidth(box, fonts.bold, 10) + 4

    size = _fit_size(label.posting_number, fonts.bold, 12, width - box_w)
    y = page_h - margin - 10
    canvas.setFont(fonts.bold, size)
    canvas.drawString(margin, y, label.posting_number)
    canvas.setFont(fonts.bold, 10)
    canvas.drawRightString(page_w - margin, y, box)

    bar_h = 13 * mm
    y -= bar_h + 3
    _draw_barcode(canvas, label.barcode, margin, y, width, bar_h)
    y -= 7
    canvas.setFont(fonts.regular, 6)
    canvas.drawCentredString(page_w / 2, y, label.barcode)

    y -= 8
    canvas.setFont(fonts.bold, 6.5)
    when = f"{label.shipment_date:%d.%m.%Y}"
    canvas.drawString(margin, y, when)
    when_w = pdfmetrics.stringWidth(when, fonts.bold, 6.5) + 4
    canvas.setFont(fonts.regular, 6.5)
    canvas.drawString(
        margin + when_w, y, _fit(t(label.warehouse_name), fonts.regular, 6.5, width - when_w)
    )

    line_h = 7.5
    room = int((y - margin) // line_h)
    products = label.products
    shown = products if len(products) <= room else products[: max(room - 1, 0)]
    canvas.setFont(fonts.regular, 6)
    for product in shown:
        y -= line_h
        qty = f"× {product.quantity}"
        qty_w = pdfmetrics.stringWidth(t(qty), fonts.regular, 6) + 3
        text = f"{product.offer_id} {product.name}"
        canvas.drawString(margin, y, _fit(t(text), fonts.regular, 6, width - qty_w))
        canvas.drawRightString(page_w - margin, y, t(qty))
    if len(shown) < len(products) and room > 0:
        total = sum(p.quantity for p in products)
        y -= line_h
        canvas.drawString(margin, y, t(f"… всего {len(products)} поз., {total} шт."))


def render_package_labels(
    labels: Sequence[LabelData],
    *,
    size: LabelSize = "big",
    fonts: DocumentFonts | None = None,
) -> bytes:
    """Render FBS package labels, one page per posting, as a PDF.

    Args:
        labels: One entry per posting, in print order.
        size: ``"big"`` (75×120 mm) or ``"small"`` (58×40 mm), as Ozon's two label tasks.
        fonts: Fonts to draw with; the machine's Cyrillic font by default.

    Raises:
        ValueError: If ``labels`` is empty — an empty PDF would print nothing.
    """
    if not labels:
        raise ValueError("at least one label is needed to render a label PDF")
    fonts = fonts or default_fonts()
    draw: Callable[[Canvas, LabelData, DocumentFonts], None] = (
        _draw_big_label if size == "big" else _draw_small_label
    )
    buffer = io.BytesIO()
    canvas = _new_canvas(buffer, LABEL_PAGE_SIZES[size], f"FBS labels ({len(labels)})")
    for label in labels:
        draw(canvas, label, fonts)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


class _BarcodeFlowable(Flowable):
    """Code 128 with its value underneath, sized for a document header."""

    def __init__(self, value: str, fonts: DocumentFonts, width: float, height: float) -> None:
        super().__init__()
        self.value = value
        self.fonts = fonts
        self.width = width
        self.height = height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        text_h = 10
        _draw_barcode(self.canv, self.value, 0, text_h, self.width, self.height - text_h)
        self.canv.setFont(self.fonts.regular, 8)
        self.canv.drawCentredString(self.width / 2, 1, self.value)


def _act_styles(fonts: DocumentFonts) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=fonts.bold, fontSize=14, leading=18),
        "body": ParagraphStyle("body", fontName=fonts.regular, fontSize=9, leading=12),
        "small": ParagraphStyle("small", fontName=fonts.regular, fontSize=8, leading=10),
    }


def _para(text: str, style: ParagraphStyle, fonts: DocumentFonts) -> Paragraph:
    return Paragraph(escape(fonts.text(text)), style)


def _header(
    title: str, lines: Sequence[str], act: ActData, fonts: DocumentFonts, width: float
) -> Table:
    """Title and facts on the left, the act barcode on the right."""
    styles = _act_styles(fonts)
    left = [_para(title, styles["title"], fonts), Spacer(1, 4)]
    left += [_para(line, styles["body"], fonts) for line in lines]
    barcode = _BarcodeFlowable(act.barcode, fonts, 62 * mm, 18 * mm)
    table = Table([[left, barcode]], colWidths=[width - 66 * mm, 66 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _grid_style(fonts: DocumentFonts, *, totals_row: bool) -> TableStyle:
    commands: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.regular),
        ("FONTNAME", (0, 0), (-1, 0), fonts.bold),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if totals_row:
        commands.append(("FONTNAME", (0, -1), (-1, -1), fonts.bold))
    return TableStyle(commands)


def _signatures(parties: Sequence[str], fonts: DocumentFonts, width: float) -> Table:
    cells = [fonts.text(f"{party}: ____________________") for party in parties]
    table = Table([cells], colWidths=[width / len(parties)] * len(parties))
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.regular),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def render_act(act: ActData, *, fonts: DocumentFonts | None = None) -> bytes:
    """Render the handover documents of a shipment as one PDF.

    The shipping list («Лист отгрузки») lists every posting and continues over as many A4
    pages as needed, repeating its table header; the waybill («Транспортная накладная»)
    follows on a new page. Both carry the act barcode.
    """
    fonts = fonts or default_fonts()
    t = fonts.text
    styles = _act_styles(fonts)
    margin = 15 * mm
    # The page frame pads its content by 6 pt on each side.
    width = A4[0] - 2 * margin - 12
    warehouse = f"{act.warehouse_name} (ID {act.warehouse_id})"
    boxes = sum(p.box_count for p in act.postings)
    items = sum(p.item_count for p in act.postings)
    created = f"{act.created_at:%d.%m.%Y %H:%M} UTC"
    departure = f"{act.departure_date:%d.%m.%Y}"

    rows: list[list[str]] = [[t("№"), t("Номер отправления"), t("Мест"), t("Товаров")]]
    rows += [
        [str(i), p.posting_number, str(p.box_count), str(p.item_count)]
        for i, p in enumerate(act.postings, start=1)
    ]
    rows.append(["", t(f"Итого отправлений: {len(act.postings)}"), str(boxes), str(items)])
    shipping_table = LongTable(
        rows, colWidths=[14 * mm, width - 54 * mm, 20 * mm, 20 * mm], repeatRows=1
    )
    shipping_table.setStyle(_grid_style(fonts, totals_row=True))

    cargo = [
        [t("Наименование груза"), t("Отправлений"), t("Мест"), t("Товаров")],
        [t("Отправления FBS"), str(len(act.postings)), str(boxes), str(items)],
    ]
    cargo_table = Table(cargo, colWidths=[width - 75 * mm, 25 * mm, 25 * mm, 25 * mm])
    cargo_table.setStyle(_grid_style(fonts, totals_row=False))

    story: list[Flowable] = [
        _header(
            f"Лист отгрузки № {act.act_id}",
            [
                f"Дата формирования: {created}",
                f"Дата отгрузки: {departure}",
                f"Склад отправителя: {warehouse}",
            ],
            act,
            fonts,
            width,
        ),
        Spacer(1, 6 * mm),
        shipping_table,
        Spacer(1, 8 * mm),
        _signatures(["Сдал (продавец)", "Принял (Ozon)"], fonts, width),
        PageBreak(),
        _header(
            f"Транспортная накладная № {act.act_id}",
            [f"Дата составления: {created}", f"Дата отгрузки: {departure}"],
            act,
            fonts,
            width,
        ),
        Spacer(1, 6 * mm),
        _para(f"Грузоотправитель: {warehouse}", styles["body"], fonts),
        _para(f"Пункт погрузки: {act.warehouse_name}", styles["body"], fonts),
        _para(f"Грузополучатель: {OZON_CONSIGNEE}", styles["body"], fonts),
        _para(f"Основание: лист отгрузки № {act.act_id}", styles["body"], fonts),
        Spacer(1, 4 * mm),
        cargo_table,
        Spacer(1, 8 * mm),
        _signatures(["Грузоотправитель", "Перевозчик", "Грузополучатель"], fonts, width),
    ]

    def footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.setFont(fonts.regular, 7)
        canvas.drawRightString(A4[0] - margin, 8 * mm, t(f"Акт № {act.act_id} · стр. {doc.page}"))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=f"Act {act.act_id}",
        author="Ozon sandbox",
        invariant=1,
        pageCompression=1,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def render_barcode_png(value: str, *, module_px: int = 2, height_px: int = 64) -> bytes:
    """Render ``value`` as a black-and-white Code 128 PNG with quiet zones.

    This is the image ``/v2/posting/fbs/act/get-barcode`` returns for scanning at the
    drop-off point. Drawn with Pillow (a reportlab dependency), since reportlab's own
    bitmap renderer needs cairo bindings.
    """
    if module_px < 1 or height_px < 1:
        raise ValueError("module_px and height_px must be positive")
    runs = code128_modules(value)
    quiet = 10  # modules each side, the Code 128 minimum
    modules = sum(width for _, width in runs) + 2 * quiet
    image = Image.new("1", (modules * module_px, height_px), 1)
    draw = ImageDraw.Draw(image)
    left = quiet * module_px
    for is_bar, width in runs:
        if is_bar:
            draw.rectangle((left, 0, left + width * module_px - 1, height_px - 1), fill=0)
        left += width * module_px
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
