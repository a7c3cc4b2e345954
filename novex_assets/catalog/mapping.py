"""Novex category -> Ozon (category, type): suggested by the product, decided by a person.

The reviewed file `config/category_mapping.csv` (UTF-8 with BOM and `;`, so Russian Excel opens
it as a table) and the `category_mapping` table hold the same rows. A file is imported only
whole: every row is checked first and any problem (a bad id, an unknown Novex or Ozon
category, a duplicate, two confirmed rows for one category) is reported by row number while
nothing changes. For Novex categories without a confirmed row the product ranks Ozon types by
name similarity on normalised Russian text and by where products of the same brand or barcode
prefix already sit, and writes the best as suggestions; nothing is exported on a suggestion.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz

from novex_assets.catalog.text import normalise, normalise_name
from resources.sources.parsing import decode, sniff_separator
from resources.store.catalog_model import MAPPING_SCHEMA
from resources.store.store import Store

CSV_COLUMNS = (
    "novex_category_code",
    "novex_category_name",
    "description_category_id",
    "type_id",
    "ozon_path",
    "status",
    "score",
    "decided_by",
    "decided_at",
    "note",
    "reason",
)
REQUIRED_COLUMNS = ("novex_category_code", "description_category_id", "type_id", "status")
STATUSES = ("suggested", "confirmed", "rejected")
BOM = "\ufeff"
_NO_TREE = "Ozon's category tree is not loaded yet: materialise catalog/ozon_category_tree"
BARCODE_PREFIX = 7  # GS1 company prefix length most Russian (46x) barcodes use


class MappingFileError(ValueError):
    """A mapping file that cannot be imported; `problems` name the row and what is wrong."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        listed = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{self.path}: {len(problems)} problem(s), nothing imported\n{listed}")


@dataclass(frozen=True)
class ImportContext:
    """What a file is checked against: known Novex categories and Ozon's tree as stored."""

    novex_categories: dict[str, str | None]  # code -> name; empty = not checked (no SAP yet)
    ozon_types: pl.DataFrame  # stored tree rows with type_id != 0 (disabled included)


def import_context(store: Store) -> ImportContext:
    """Novex categories (SAP assortment and mapping in the store) and Ozon's stored types."""
    products = store.inventory.products()
    categories = (
        products.group_by("category_code")
        .agg(pl.col("category_name").drop_nulls().mode().first())
        .iter_rows()
    )
    tree = store.catalog_model.categories()
    known = {str(code): name for code, name in categories if code}
    if known:
        # A category mapped before stays known while SAP happens to list no product of it.
        stored = store.catalog_model.mapping().select("novex_category_code", "novex_category_name")
        for code, name in stored.iter_rows():
            known.setdefault(code, name)
    return ImportContext(
        novex_categories=known,
        ozon_types=tree.filter(pl.col("type_id") != 0),
    )


def _whole(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def _score(text: str) -> float | str | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return "bad"


# ISO as we write it, and what Russian Excel makes of a date cell when it saves the file.
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y",
)


def parse_decided_at(text: str) -> datetime | str | None:
    """A `decided_at` cell as a UTC time; None when empty, "bad" when it is no date."""
    text = text.strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        for layout in _DATE_FORMATS:
            try:
                value = datetime.strptime(text, layout)
                break
            except ValueError:
                continue
        else:
            return "bad"
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def read_mapping_file(
    path: Path, context: ImportContext, *, decided_by: str, now: datetime
) -> pl.DataFrame:
    """Parse and check a whole mapping file; rows in `MAPPING_SCHEMA`.

    A confirmed or rejected row without `decided_by` / `decided_at` gets `decided_by` and
    `now`: the import is the decision.

    Raises:
        MappingFileError: any problem in any row (all of them are listed).
    """
    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        raise MappingFileError(path, [f"cannot be read ({exc.strerror})"]) from exc
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first_line:
        raise MappingFileError(path, ["is empty: no header row"])
    reader = csv.reader(io.StringIO(text), delimiter=sniff_separator(first_line))
    header: list[str] | None = None
    problems: list[str] = []
    rows: list[dict[str, object]] = []
    seen: dict[tuple[str, int, int], int] = {}
    confirmed_on: dict[str, int] = {}
    types = {
        (int(r["description_category_id"]), int(r["type_id"])): r
        for r in context.ozon_types.iter_rows(named=True)
    }
    line = 0
    for record in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            header = [h.strip().lower() for h in record]
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise MappingFileError(
                    path, [f"row {start}: missing column(s) {', '.join(missing)}"]
                )
            continue
        cells = {name: (record[i] if i < len(record) else "") for i, name in enumerate(header)}
        row_problems: list[str] = []
        code = cells.get("novex_category_code", "").strip()
        if not code:
            row_problems.append("novex_category_code is empty")
        elif context.novex_categories and code not in context.novex_categories:
            row_problems.append(f"unknown Novex category '{code}'")
        dcid = _whole(cells.get("description_category_id", ""))
        type_id = _whole(cells.get("type_id", ""))
        if dcid is None:
            row_problems.append(
                f"description_category_id '{cells.get('description_category_id', '').strip()}'"
                " is not a positive whole number"
            )
        if type_id is None:
            row_problems.append(
                f"type_id '{cells.get('type_id', '').strip()}' is not a positive whole number"
            )
        status = cells.get("status", "").strip().lower()
        if status not in STATUSES:
            row_problems.append(f"status '{status}' is not one of {', '.join(STATUSES)}")
        if dcid is not None and type_id is not None:
            ozon = types.get((dcid, type_id))
            if ozon is None:
                row_problems.append(
                    f"unknown Ozon category {dcid}:{type_id} (no such type in Ozon's tree)"
                )
            elif ozon["disabled"] and status == "confirmed":
                row_problems.append(
                    f"Ozon type {dcid}:{type_id} ({ozon['path']}) is disabled on Ozon"
                )
            if code:
                key = (code, dcid, type_id)
                if key in seen:
                    row_problems.append(f"duplicate of row {seen[key]} (same category and pair)")
                else:
                    seen[key] = start
        if status == "confirmed" and code:
            if code in confirmed_on:
                row_problems.append(
                    f"second confirmed row for {code} (first on row {confirmed_on[code]})"
                )
            else:
                confirmed_on[code] = start
        score = _score(cells.get("score", ""))
        if score == "bad":
            row_problems.append(f"score '{cells.get('score', '').strip()}' is not a number")
        decided_at = parse_decided_at(cells.get("decided_at", ""))
        if decided_at == "bad":
            row_problems.append(
                f"decided_at '{cells.get('decided_at', '').strip()}' is not a date (YYYY-MM-DD)"
            )
        if row_problems:
            problems += [f"row {start}: {p}" for p in row_problems]
            continue
        decided = status in ("confirmed", "rejected")
        name = cells.get("novex_category_name", "").strip() or context.novex_categories.get(code)
        rows.append(
            {
                "novex_category_code": code,
                "description_category_id": dcid,
                "type_id": type_id,
                "novex_category_name": name or None,
                "status": status,
                "score": score,
                "rank": None,
                "reason": cells.get("reason", "").strip() or None,
                "decided_by": cells.get("decided_by", "").strip()
                or (decided_by if decided else None),
                "decided_at": decided_at or (now if decided else None),
                "note": cells.get("note", "").strip() or None,
            }
        )
    if header is None:
        problems.append("row 1: no header row")
    if problems:
        raise MappingFileError(path, problems)
    frame = pl.DataFrame(rows, schema=MAPPING_SCHEMA, orient="row")
    return _ranked(frame)


def _ranked(frame: pl.DataFrame) -> pl.DataFrame:
    """Suggestions ranked by score within their category (1 = best); others unranked."""
    rank = (
        pl.col("score")
        .fill_null(0)
        .rank("ordinal", descending=True)
        .over("novex_category_code", "status")
        .cast(pl.Int64)
    )
    return frame.with_columns(
        pl.when(pl.col("status") == "suggested").then(rank).otherwise(None).alias("rank")
    )


def write_mapping_file(path: Path, mapping: pl.DataFrame, tree: pl.DataFrame) -> int:
    """Write the mapping as the reviewed file (BOM, `;`), confirmed first, then by score.

    Written to a temporary name and renamed, so Excel or an import never sees half a file.
    """
    paths = {
        (int(r["description_category_id"]), int(r["type_id"])): r["path"]
        for r in tree.iter_rows(named=True)
    }
    order = {"confirmed": 0, "suggested": 1, "rejected": 2}
    rows = sorted(
        mapping.iter_rows(named=True),
        key=lambda r: (
            r["novex_category_code"],
            order.get(r["status"], 3),
            r["rank"] if r["rank"] is not None else 0,
            -(r["score"] or 0),
        ),
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        decided_at = r["decided_at"]
        writer.writerow(
            [
                r["novex_category_code"],
                r["novex_category_name"] or "",
                r["description_category_id"],
                r["type_id"],
                paths.get((int(r["description_category_id"]), int(r["type_id"])), ""),
                r["status"],
                "" if r["score"] is None else f"{r['score']:.1f}".replace(".", ","),
                r["decided_by"] or "",
                decided_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if decided_at else "",
                r["note"] or "",
                r["reason"] or "",
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(BOM + buffer.getvalue(), encoding="utf-8", newline="")
    os.replace(tmp, path)
    return len(rows)


# ---------------------------------------------------------------- suggestions


@dataclass
class Suggestions:
    """Ranked candidates for the unmapped categories, and those with no candidate at all."""

    rows: pl.DataFrame  # MAPPING_SCHEMA, status 'suggested'
    unmapped: list[str] = field(default_factory=list)
    without_candidate: list[str] = field(default_factory=list)


_STOP_WORDS = frozenset({"для", "и", "с", "со", "в", "во", "от", "на", "по", "из", "без"})


def _words(text: str | None) -> list[str]:
    """Normalised words without prepositions: «Гели для душа» -> ["гели", "душа"]."""
    return [w for w in normalise_name(text).split() if w not in _STOP_WORDS]


def _name_sample(names: list[str], limit: int = 60) -> list[list[str]]:
    """Words of the category's product names, evenly sampled: enough to see what it holds."""
    step = max(1, len(names) // limit)
    return [_words(n) for n in names[::step][:limit]]


def _names_the_type(name_words: list[str], type_words: list[str]) -> bool:
    """Whether a product name begins with the type: each type word among its first words.

    Words match on a high ratio, so «щетка»/«щётка» or «пасты»/«паста» agree while
    «маска»/«краска» or «стирки»/«стекол» do not.
    """
    head = name_words[: len(type_words) + 2]
    return bool(type_words) and all(
        any(fuzz.ratio(word, candidate) >= 85 for candidate in head) for word in type_words
    )


def suggest_mappings(
    products: pl.DataFrame,
    tree: pl.DataFrame,
    mapping: pl.DataFrame,
    *,
    per_category: int = 3,
    min_score: float = 45.0,
) -> Suggestions:
    """Rank Ozon types for every Novex category that has no confirmed mapping.

    Score (0-100) = 85 % text similarity + 15 % neighbourhood. Text similarity is the better of
    the category name against the type name (rapidfuzz token-set ratio on normalised text) and
    the share of the category's product names that begin like the type ("Шампунь ...").
    Neighbourhood is the share of products with the same brand or barcode prefix that already
    sit under that type through confirmed mappings. A rejected pair is never suggested again.

    Args:
        products: Store products (offer_id, barcode, name, brand, category_code, category_name).
        tree: Stored Ozon tree rows (type leaves are those with type_id != 0).
        mapping: Stored mapping rows.
        per_category: Candidates kept per category.
        min_score: Candidates below this are not suggested.
    """
    leaves = tree.filter((pl.col("type_id") != 0) & ~pl.col("disabled"))
    confirmed = mapping.filter(pl.col("status") == "confirmed")
    rejected = {
        (r["novex_category_code"], r["description_category_id"], r["type_id"])
        for r in mapping.filter(pl.col("status") == "rejected").iter_rows(named=True)
    }
    done = set(confirmed["novex_category_code"].to_list())
    categories = (
        products.filter(pl.col("category_code").is_not_null())
        .group_by("category_code")
        .agg(
            pl.col("category_name").drop_nulls().mode().first().alias("category_name"),
            pl.col("name").sort().alias("names"),
        )
        .sort("category_code")
    )
    unmapped = [c for c in categories["category_code"].to_list() if c not in done]

    # Where neighbours (same brand / barcode prefix) of each product already sit.
    placed = products.join(
        confirmed.select("novex_category_code", "description_category_id", "type_id"),
        left_on="category_code",
        right_on="novex_category_code",
    )
    by_brand: dict[str, Counter[tuple[int, int]]] = defaultdict(Counter)
    by_prefix: dict[str, Counter[tuple[int, int]]] = defaultdict(Counter)
    for r in placed.select("brand", "barcode", "description_category_id", "type_id").iter_rows():
        pair = (int(r[2]), int(r[3]))
        if r[0]:
            by_brand[normalise(r[0])][pair] += 1
        if r[1]:
            by_prefix[r[1][:BARCODE_PREFIX]][pair] += 1

    leaf_rows = list(leaves.iter_rows(named=True))
    leaf_names = [_words(r["type_name"]) for r in leaf_rows]
    out: list[dict[str, object]] = []
    without: list[str] = []
    for cat in categories.filter(pl.col("category_code").is_in(unmapped)).iter_rows(named=True):
        code, cat_name = cat["category_code"], cat["category_name"] or ""
        cat_words = " ".join(_words(cat_name))
        sample = _name_sample(cat["names"])
        members = products.filter(pl.col("category_code") == code)
        neighbours: Counter[tuple[int, int]] = Counter()
        for brand, barcode in members.select("brand", "barcode").iter_rows():
            if brand:
                neighbours.update(by_brand.get(normalise(brand), Counter()))
            if barcode:
                neighbours.update(by_prefix.get(barcode[:BARCODE_PREFIX], Counter()))
        total_neighbours = sum(neighbours.values())
        candidates = []
        for leaf, leaf_norm in zip(leaf_rows, leaf_names, strict=True):
            pair = (int(leaf["description_category_id"]), int(leaf["type_id"]))
            if (code, *pair) in rejected:
                continue
            by_name = fuzz.token_set_ratio(cat_words, " ".join(leaf_norm))
            starts = [_names_the_type(words, leaf_norm) for words in sample if words]
            by_products = 100.0 * sum(starts) / len(starts) if starts else 0.0
            text = max(by_name, by_products)
            near = 100.0 * neighbours[pair] / total_neighbours if total_neighbours else 0.0
            score = round(0.85 * text + 0.15 * near, 1)
            if score < min_score:
                continue
            reason = (
                f"name «{cat_name}» ~ «{leaf['type_name']}»: {by_name:.0f}; "
                f"product names like the type: {by_products:.0f} %; "
                f"brand/barcode neighbours under it: {near:.0f} %"
            )
            candidates.append((score, pair, reason))
        candidates.sort(key=lambda c: (-c[0], c[1]))
        if not candidates:
            without.append(code)
        for rank, (score, pair, reason) in enumerate(candidates[:per_category], start=1):
            out.append(
                {
                    "novex_category_code": code,
                    "description_category_id": pair[0],
                    "type_id": pair[1],
                    "novex_category_name": cat_name or None,
                    "status": "suggested",
                    "score": score,
                    "rank": rank,
                    "reason": reason,
                    "decided_by": None,
                    "decided_at": None,
                    "note": None,
                }
            )
    return Suggestions(
        rows=pl.DataFrame(out, schema=MAPPING_SCHEMA, orient="row"),
        unmapped=unmapped,
        without_candidate=without,
    )


# ---------------------------------------------------------------- the round trip


@dataclass
class MappingSync:
    """What one sync of file, store and suggestions did."""

    imported: int | None  # rows imported from the file; None when there was no file
    confirmed: int
    suggested: int
    unmapped: list[str]
    without_candidate: list[str]
    written: int


def import_mapping_file(
    store: Store, path: Path, *, decided_by: str, now: datetime
) -> pl.DataFrame:
    """Check a whole file against the store and, only if it is clean, make it the mapping."""
    if store.catalog_model.categories().is_empty():
        raise MappingFileError(path, [_NO_TREE])
    frame = read_mapping_file(path, import_context(store), decided_by=decided_by, now=now)
    store.catalog_model.replace_mapping(frame, now)
    return frame


def export_mapping_file(store: Store, path: Path) -> int:
    """Write the stored mapping to the reviewed file."""
    repo = store.catalog_model
    return write_mapping_file(path, repo.mapping(), repo.categories(include_removed=True))


def sync_mapping(
    store: Store,
    path: Path,
    *,
    decided_by: str,
    now: datetime,
    per_category: int = 3,
    min_score: float = 45.0,
) -> MappingSync:
    """The file's decisions into the store, fresh suggestions for the rest, all back to the file.

    Raises:
        MappingFileError: the file has problems; then neither the store nor the file changes.
    """
    if store.catalog_model.categories().is_empty():
        raise MappingFileError(path, [_NO_TREE])
    imported = None
    if path.exists():
        imported = import_mapping_file(store, path, decided_by=decided_by, now=now).height
    repo = store.catalog_model
    mapping = repo.mapping()
    found = suggest_mappings(
        store.inventory.products(),
        repo.categories(),
        mapping,
        per_category=per_category,
        min_score=min_score,
    )
    confirmed_codes = mapping.filter(pl.col("status") == "confirmed")["novex_category_code"]
    # Suggestions of a category that is now confirmed are moot; those of the rest are renewed.
    stale = sorted(set(confirmed_codes.to_list()) | set(found.unmapped))
    repo.replace_suggestions(stale, found.rows, now)
    written = export_mapping_file(store, path)
    return MappingSync(
        imported=imported,
        confirmed=confirmed_codes.n_unique(),
        suggested=found.rows.height,
        unmapped=found.unmapped,
        without_candidate=found.without_candidate,
        written=written,
    )


def mapping_path(config_path: str | Path | None, mapping_file: str) -> Path:
    """Where the mapping file lives: as configured, relative paths beside the config file."""
    from novex_assets.settings import DEFAULT_CONFIG

    config = Path(config_path or os.environ.get("NOVEX_CONFIG") or DEFAULT_CONFIG)
    path = Path(mapping_file)
    return path if path.is_absolute() else config.parent / path
