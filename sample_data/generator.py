"""Realistic sample exports of SAP and Infor in the file-drop layout the adapters read.

The files look like a Russian Excel export (UTF-8 with BOM, `;` separators, CRLF, decimal
commas, non-breaking spaces as thousands separators) and, on request, contain a few deliberately
bad rows, so the demo and the tests exercise quarantine. Output depends only on the arguments:
the same seed gives byte-identical files. Rows are generated and written as a stream, so a
million SKUs fit in modest memory.
"""

from __future__ import annotations

import csv
import io
import math
import os
import random
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from resources.sources.files import (
    INFOR_STOCK_DIR,
    SAP_DIR,
    FileDropInfor,
    snapshot_file_name,
)
from resources.sources.parsing import decode
from sample_data.arttrade import ArtTradeSummary, write_arttrade
from sample_data.vocabulary import BRANDS, CATEGORIES, FRAGRANCES, SERIES, Category

ASSORTMENT_FILE = "assortment.csv"
ASSORTMENT_HEADER = (
    "offer_id",
    "barcode",
    "name",
    "brand",
    "category_code",
    "category_name",
    "vat",
    "weight_g",
    "length_mm",
    "width_mm",
    "height_mm",
    "base_price",
    "ozon_enabled",
)
STOCK_HEADER = ("offer_id", "site", "on_hand", "allocated")
# Snapshot time when none is given: fixed per seed so repeated runs write identical files.
BASE_SNAPSHOT_TIME = datetime(2026, 1, 12, 6, 0, 0)
OZON_ENABLED_SHARE = 0.97
SITE_PRESENCE = 0.93  # share of products a site stocks at all
_CHUNK = 20_000
_NBSP = "\u00a0"
# A stride coprime with 10**10 spreads barcode numbers without ever repeating one.
_BARCODE_STRIDE = 7_919_321

BadRowKind = Literal[
    "missing_offer_id", "bad_price", "bad_barcode", "duplicate_offer_id", "negative_on_hand"
]


class PlantedBadRow(BaseModel):
    """A row written wrong on purpose; reading the files back must quarantine it."""

    file: str
    line: int = Field(ge=2, description="1-based line in the file (line 1 is the header).")
    kind: BadRowKind
    offer_id: str | None


class GenerationSummary(BaseModel):
    """What `generate` wrote."""

    out_dir: Path
    seed: int
    skus: int
    sites: list[str]
    assortment_file: Path
    stock_file: Path
    snapshot: str
    taken_at: datetime
    categories: int
    assortment_rows: int = Field(description="Data rows written, bad rows included.")
    stock_rows: int = Field(description="Data rows written, bad rows included.")
    ozon_enabled: int
    bad_row_count: int
    bad_rows: list[PlantedBadRow]
    arttrade: ArtTradeSummary | None = None


def default_taken_at(seed: int) -> datetime:
    """The snapshot time used when none is given: fixed per seed."""
    return BASE_SNAPSHOT_TIME + timedelta(minutes=seed % 1440)


def ean13(body: str) -> str:
    """`body` (12 digits) with its EAN-13 check digit appended."""
    odd = sum(map(int, body[0::2]))
    even = sum(map(int, body[1::2]))
    return body + str((10 - (odd + 3 * even) % 10) % 10)


def _decimal(value: float, places: int) -> str:
    """A number as a Russian Excel writes it: "1 299,90" (NBSP between thousands)."""
    return f"{value:,.{places}f}".replace(",", _NBSP).replace(".", ",")


class _Assortment:
    """Builds product rows; index i always yields the same offer_id and barcode."""

    def __init__(self, seed: int, skus: int) -> None:
        self.rng = random.Random(seed)
        self.width = max(7, len(str(skus + 10)))
        self.barcode_offset = random.Random(f"{seed}:barcodes").randrange(10**10)
        self.cum_weights: list[int] = []
        total = 0
        for category in CATEGORIES:
            total += category.share
            self.cum_weights.append(total)

    def offer_id(self, i: int) -> str:
        return f"NVX-{i + 1:0{self.width}d}"

    def barcode(self, i: int) -> str:
        number = (self.barcode_offset + i * _BARCODE_STRIDE) % 10**10
        return ean13(f"46{number:010d}")

    def row(self, i: int, rng: random.Random | None = None) -> tuple[list[str], int]:
        """Product row `i` and the index of its category (drawn from `rng` if given)."""
        rng = rng or self.rng
        cat_idx = rng.choices(range(len(CATEGORIES)), cum_weights=self.cum_weights)[0]
        cat: Category = CATEGORIES[cat_idx]
        brand = rng.choice(BRANDS[cat.group])
        noun = rng.choice(cat.nouns)
        qualifier = rng.choice(cat.qualifiers)
        size = rng.choice(cat.sizes)
        series = rng.choice(FRAGRANCES if cat.group == "PF" else SERIES)
        volume = f" {size.label}" if any(ch.isdigit() for ch in size.label) else ""
        name = f"{noun} {brand} «{series}» {qualifier}{volume}"
        low, high = cat.price
        price = low + (high - low) * rng.random() ** 2
        price = math.floor(price) + rng.choice((0.0, 0.5, 0.9, 0.99))
        jitter = 0.96 + 0.08 * rng.random()
        enabled = "да" if rng.random() < OZON_ENABLED_SHARE else "нет"
        return [
            self.offer_id(i),
            self.barcode(i),
            name,
            brand,
            cat.code,
            cat.name,
            str(cat.vat_percent),
            _decimal(size.weight_g * jitter, 1),
            str(size.length_mm),
            str(size.width_mm),
            str(size.height_mm),
            _decimal(price, 2),
            enabled,
        ], cat_idx


def _write_atomically(path: Path, header: Sequence[str], rows: Iterator[list[str]]) -> None:
    """Write a CSV under a temporary name, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        chunk: list[list[str]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= _CHUNK:
                writer.writerows(chunk)
                chunk.clear()
        writer.writerows(chunk)
    os.replace(tmp, path)


def generate(
    out_dir: Path,
    skus: int,
    seed: int,
    sites: Sequence[str] = ("MSK1", "SPB1"),
    bad_rows: bool = True,
    taken_at: datetime | None = None,
) -> GenerationSummary:
    """Write `sap/assortment.csv` and one `infor/stock/stock_<ts>.csv` under `out_dir`.

    Args:
        out_dir: the data directory (the adapters' `data_dir`).
        skus: number of valid products; bad rows come on top.
        seed: makes the output reproducible byte for byte.
        sites: Infor site codes stocked.
        bad_rows: plant one row of each kind the adapters must quarantine.
        taken_at: snapshot time in the file name; default fixed per seed.
    """
    if skus < 1:
        raise ValueError("skus must be at least 1")
    if not sites:
        raise ValueError("at least one Infor site is needed")
    out_dir = Path(out_dir)
    taken_at = taken_at or default_taken_at(seed)
    products = _Assortment(seed, skus)
    categories = bytearray(skus)
    assortment_path = out_dir / SAP_DIR / ASSORTMENT_FILE
    snapshot = snapshot_file_name(taken_at)
    stock_path = out_dir / INFOR_STOCK_DIR / snapshot

    # Where the bad rows go is drawn from its own generator, so valid rows do not depend on it.
    plant = random.Random(f"{seed}:bad-rows")
    extra: dict[int, list[tuple[BadRowKind, list[str]]]] = {}
    if bad_rows:
        rows = [products.row(skus + k, plant)[0] for k in range(4)]
        rows[0][0] = ""
        rows[1][11] = "12,3,4"
        rows[2][1] = rows[2][1][:-1] + str((int(rows[2][1][-1]) + 1) % 10)
        original = plant.randrange(skus)
        rows[3][0] = products.offer_id(original)
        planted: list[tuple[BadRowKind, int]] = [
            ("missing_offer_id", plant.randrange(skus + 1)),
            ("bad_price", plant.randrange(skus + 1)),
            ("bad_barcode", plant.randrange(skus + 1)),
            ("duplicate_offer_id", plant.randrange(original + 1, skus + 1)),
        ]
        for (kind, before), row in zip(planted, rows, strict=True):
            extra.setdefault(before, []).append((kind, row))
    negative_sku = plant.randrange(skus) if bad_rows else -1

    report: list[PlantedBadRow] = []
    counts = {"assortment": 0, "stock": 0, "enabled": 0}

    def assortment_rows() -> Iterator[list[str]]:
        for i in range(skus + 1):
            for kind, row in extra.get(i, ()):
                counts["assortment"] += 1
                line = counts["assortment"] + 1
                offer = row[0] or None
                report.append(
                    PlantedBadRow(file=ASSORTMENT_FILE, line=line, kind=kind, offer_id=offer)
                )
                yield row
            if i < skus:
                row, cat_idx = products.row(i)
                categories[i] = cat_idx
                counts["assortment"] += 1
                counts["enabled"] += row[12] == "да"
                yield row

    _write_atomically(assortment_path, ASSORTMENT_HEADER, assortment_rows())

    stock_rng = random.Random(f"{seed}:stock")
    means = [c.stock_mean for c in CATEGORIES]

    def stock_rows() -> Iterator[list[str]]:
        for i in range(skus):
            offer = products.offer_id(i)
            mean = means[categories[i]]
            for s, site in enumerate(sites):
                # Every draw happens for every pair, so planting a bad row shifts nothing else.
                present = stock_rng.random() < SITE_PRESENCE
                empty = stock_rng.random() < 0.1
                on_hand = 0 if empty else int(stock_rng.expovariate(1 / mean)) + 1
                allocated = 0
                if stock_rng.random() < 0.2 and on_hand:
                    allocated = stock_rng.randint(1, min(on_hand, 6))
                if i == negative_sku and s == 0:
                    counts["stock"] += 1
                    line = counts["stock"] + 1
                    report.append(
                        PlantedBadRow(
                            file=snapshot, line=line, kind="negative_on_hand", offer_id=offer
                        )
                    )
                    yield [offer, site, str(-plant.randint(1, 20)), "0"]
                elif present:
                    counts["stock"] += 1
                    yield [offer, site, str(on_hand), str(allocated)]

    _write_atomically(stock_path, STOCK_HEADER, stock_rows())
    arttrade = write_arttrade(out_dir, seed, bad_rows=bad_rows)

    return GenerationSummary(
        out_dir=out_dir,
        seed=seed,
        skus=skus,
        sites=list(sites),
        assortment_file=assortment_path,
        stock_file=stock_path,
        snapshot=snapshot,
        taken_at=taken_at,
        categories=len(set(categories)),
        assortment_rows=counts["assortment"],
        stock_rows=counts["stock"],
        ozon_enabled=counts["enabled"],
        bad_row_count=len(report),
        bad_rows=sorted(report, key=lambda r: (r.file != ASSORTMENT_FILE, r.line)),
        arttrade=arttrade,
    )


def _join(fields: list[str], sep: str) -> str:
    """One CSV record without its line end, quoted only where needed."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="").writerow(fields)
    return buffer.getvalue()


def change_stock(data_dir: Path, share: float, seed: int, at: datetime | None = None) -> Path:
    """Write a new Infor snapshot equal to the latest one except for `share` of its rows.

    Chosen rows get a different on_hand (about a third also a different allocated); every other
    line is copied byte for byte, rows the adapters quarantine included.

    Args:
        data_dir: the data directory holding `infor/stock/`.
        share: fraction of data rows to change, e.g. 0.01.
        seed: makes the choice of rows and new values reproducible.
        at: snapshot time of the new file; default one hour after the latest snapshot.

    Returns:
        Path of the new snapshot file.
    """
    if not 0 <= share <= 1:
        raise ValueError("share must be between 0 and 1")
    latest = FileDropInfor(data_dir).latest_stock_snapshot()
    if latest is None:
        raise FileNotFoundError(f"no Infor stock snapshot under {Path(data_dir) / INFOR_STOCK_DIR}")
    at = at or (latest.taken_at or latest.modified_at.replace(tzinfo=None)) + timedelta(hours=1)
    target = latest.path.with_name(snapshot_file_name(at))
    if target == latest.path:
        raise ValueError(f"{target.name} is the latest snapshot already; pass a later time")

    data = latest.path.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    text = decode(data)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    header_idx = next(i for i, line in enumerate(lines) if line.strip())
    sep = ";" if lines[header_idx].count(";") >= lines[header_idx].count(",") else ","
    header = [h.strip().lower() for h in next(csv.reader([lines[header_idx]], delimiter=sep))]
    on_hand_col, allocated_col = header.index("on_hand"), header.index("allocated")
    data_idx = [i for i in range(header_idx + 1, len(lines)) if lines[i].strip()]

    rng = random.Random(f"{seed}:change:{latest.name}")
    wanted = round(share * len(data_idx))
    candidates = rng.sample(data_idx, min(len(data_idx), wanted + wanted // 10 + 20))
    changed = 0
    for i in candidates:
        if changed >= wanted:
            break
        fields = next(csv.reader([lines[i]], delimiter=sep))
        try:
            on_hand = int(fields[on_hand_col].strip().replace(_NBSP, "").replace(" ", ""))
            allocated = int(fields[allocated_col].strip() or 0)
        except (ValueError, IndexError):
            continue  # a row the adapters quarantine stays as it is
        if on_hand < 0:
            continue
        if on_hand == 0:
            new = rng.randint(1, 40)  # a delivery arrived
        else:
            new = max(0, on_hand + rng.choice((-1, 1)) * rng.randint(1, 10))
            new = new if new != on_hand else on_hand + 1
        fields[on_hand_col] = str(new)
        if rng.random() < 0.3:
            fields[allocated_col] = str(rng.randint(0, min(new, 6)))
        elif allocated > new:
            fields[allocated_col] = str(new)
        lines[i] = _join(fields, sep)
        changed += 1

    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes((b"\xef\xbb\xbf" if bom else b"") + newline.join(lines).encode("utf-8"))
    os.replace(tmp, target)
    return target
