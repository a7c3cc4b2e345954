"""Label and act data shaped like the postings the sandbox serves, and a PDF text reader."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pypdf

from ozon_sandbox.documents import ActData, ActPosting, LabelData, LabelProduct

WAREHOUSE = "Склад Новэкс Подольск"


def make_labels(count: int, products_per_label: int = 2) -> list[LabelData]:
    return [
        LabelData(
            posting_number=f"57195475-{i:04d}-1",
            barcode=f"%101%{80_000_000 + i}",
            warehouse_name=WAREHOUSE,
            delivery_method_name="Ozon Логистика",
            shipment_date=datetime(2026, 12, 1, 14, 0, tzinfo=UTC),
            products=[
                LabelProduct(
                    offer_id=f"NVX-{i:04d}-{j}",
                    name=f"Шампунь восстанавливающий {j}",
                    quantity=j + 1,
                )
                for j in range(products_per_label)
            ],
        )
        for i in range(count)
    ]


def make_act(posting_count: int) -> ActData:
    return ActData(
        act_id=22435521842000,
        created_at=datetime(2026, 12, 1, 10, 5, tzinfo=UTC),
        departure_date=date(2026, 12, 1),
        warehouse_id=1020000089903000,
        warehouse_name=WAREHOUSE,
        barcode="%303%24276481394",
        postings=[
            ActPosting(posting_number=f"57195475-{i:04d}-1", box_count=1 + i % 2, item_count=3)
            for i in range(posting_count)
        ],
    )


def pdf_pages_text(pdf: bytes) -> list[str]:
    """Text of every page, as a PDF reader would extract it."""
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
    return [page.extract_text() for page in reader.pages]
