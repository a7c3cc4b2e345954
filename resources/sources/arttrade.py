"""Art-Trade's file drop: product content and characteristics as two CSV exports.

Layout under the data directory (`NOVEX_DATA_DIR`, default `var/data`):

- `arttrade/content*.csv`: `offer_id; name; description; image_urls`, one row per offer.
  Image URLs are separated by `|` or whitespace, main image first; a description may span
  lines inside quotes.
- `arttrade/characteristics*.csv`: `offer_id; attribute_name; value`, one row per offer and
  characteristic in Novex's own vocabulary ("Объем", "Бренд"); several values of a collection
  characteristic share one cell, separated by `|`.

The newest file of each kind (by modification time, then name) is current; names match in
any case (`CONTENT.CSV`), by the same rule as SAP's (`files.newest_named`), and hidden files
are writers' temporaries. Files are read with
the same messy-CSV rules as SAP's (BOM or not, cp1251, `;`/`,`), and a bad row (missing key,
duplicate, an image that is not an http(s) URL, an empty value) is quarantined with file, line
and reason while the rest loads.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import polars as pl

from resources.sources import parsing
from resources.sources.base import ArtTradeSource
from resources.sources.errors import SourceFileError
from resources.sources.files import file_version, newest_named, visible_files
from resources.sources.lines import quote
from resources.sources.models import (
    CHARACTERISTICS_SCHEMA,
    CONTENT_SCHEMA,
    ContentBatch,
    IgnoredFile,
    QuarantinedRow,
    SourceBatch,
)

ARTTRADE_DIR = "arttrade"
CONTENT_GLOB = "content*.csv"
CHARACTERISTICS_GLOB = "characteristics*.csv"
# Matched in any case, by the same rule for the sensor and the assets (as SAP's names).
CONTENT_NAME = re.compile(r"^content.*\.csv$", re.IGNORECASE)
CHARACTERISTICS_NAME = re.compile(r"^characteristics.*\.csv$", re.IGNORECASE)
IMAGE_SEPARATOR = re.compile(r"[\s|]+")
_URL = r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$"

_CONTENT_SPEC = parsing.TableSpec(
    source="arttrade",
    columns=(
        parsing.Column("offer_id", max_len=50),
        parsing.Column("name", max_len=500),
        parsing.Column("description", required=False),
        parsing.Column("image_urls", required=False),
    ),
    key=("offer_id",),
    schema={**CONTENT_SCHEMA, "image_urls": pl.String()},
)
_CHARACTERISTICS_SPEC = parsing.TableSpec(
    source="arttrade",
    columns=(
        parsing.Column("offer_id", max_len=50),
        parsing.Column("attribute_name", max_len=255),
        parsing.Column("value"),
    ),
    key=("offer_id", "attribute_name"),
    schema=dict(CHARACTERISTICS_SCHEMA),
)


def _parse_with_lines(path: Path, spec: parsing.TableSpec, *, raw: bool = False) -> SourceBatch:
    """`parsing.parse_table`, keeping each loaded row's line number as `line`.

    With `raw`, loaded rows also keep the parser's decoded text of their line as `raw`, so a
    row quarantined after parsing shows its text as it is in any encoding and line ending.
    """
    spec = dataclasses.replace(spec, line_column="line", raw_column="raw" if raw else None)
    batch = parsing.parse_table(path, spec)
    frame = batch.frame.with_columns(file=pl.lit(path.name))
    return batch.model_copy(update={"frame": frame})


def parse_content(path: Path) -> tuple[pl.DataFrame, list[QuarantinedRow], int]:
    """Content rows (`CONTENT_SCHEMA` + file, line), quarantined rows and rows read."""
    batch = _parse_with_lines(path, _CONTENT_SPEC, raw=True)
    frame = batch.frame.with_columns(
        pl.col("image_urls")
        .fill_null("")
        .str.replace_all(IMAGE_SEPARATOR.pattern, "|")
        .str.strip_chars("|")
        .str.split("|")
        .list.eval(pl.element().filter(pl.element().str.len_chars() > 0))
        .alias("image_urls")
    )
    bad_url = frame["image_urls"].list.eval(~pl.element().str.contains(_URL)).list.any()
    quarantined = list(batch.quarantined)
    bad_rows = frame.filter(bad_url)
    raw = dict(bad_rows.select("line", "raw").iter_rows())
    for row in bad_rows.iter_rows(named=True):
        first_bad = next(u for u in row["image_urls"] if not re.match(_URL, u))
        quarantined.append(
            QuarantinedRow(
                source="arttrade",
                file=path.name,
                line=row["line"],
                reason=f"image_urls has '{first_bad[:200]}', which is not an http(s) URL",
                raw=quote(raw[row["line"]]),
            )
        )
    # A later row of the same offer was set aside as a duplicate of a row now quarantined too:
    # say so, or staff would look for a "first" row that never loaded.
    gone = {f"(first on line {n})" for n in raw}
    quarantined = [
        q.model_copy(update={"reason": q.reason[:-1] + ", itself quarantined)"})
        if q.reason.startswith("duplicate ") and any(q.reason.endswith(g) for g in gone)
        else q
        for q in quarantined
    ]
    good = frame.filter(~bad_url).select(
        *(pl.col(c).cast(t) for c, t in CONTENT_SCHEMA.items()), "file", "line"
    )
    quarantined.sort(key=lambda q: q.line)
    return good, quarantined, batch.rows_read


def parse_characteristics(path: Path) -> tuple[pl.DataFrame, list[QuarantinedRow], int]:
    """Characteristic rows (`CHARACTERISTICS_SCHEMA` + file, line), quarantined, rows read."""
    batch = _parse_with_lines(path, _CHARACTERISTICS_SPEC)
    good = batch.frame.select(
        *(pl.col(c).cast(t) for c, t in CHARACTERISTICS_SCHEMA.items()), "file", "line"
    )
    return good, list(batch.quarantined), batch.rows_read


class FileDropArtTrade(ArtTradeSource):
    """Art-Trade content read from `<data_dir>/arttrade/`."""

    def __init__(self, data_dir: Path | str) -> None:
        self.directory = Path(data_dir) / ARTTRADE_DIR

    def content_file(self) -> Path | None:
        """The content export in force."""
        return newest_named(self.directory, CONTENT_NAME)

    def characteristics_file(self) -> Path | None:
        """The characteristics export in force."""
        return newest_named(self.directory, CHARACTERISTICS_NAME)

    def ignored_files(self) -> list[IgnoredFile]:
        """Files in the Art-Trade folder that are neither export (hidden files aside)."""
        return [
            IgnoredFile(
                name=p.name,
                reason=f"name does not match {CONTENT_GLOB} or {CHARACTERISTICS_GLOB}",
            )
            for p in sorted(visible_files(self.directory))
            if not (CONTENT_NAME.match(p.name) or CHARACTERISTICS_NAME.match(p.name))
        ]

    def current_versions(self) -> list[str]:
        """The two exports in force as `name@mtime_ns:size` (a rewrite is a new version)."""
        return [file_version(p) for p in (self.content_file(), self.characteristics_file()) if p]

    def read_content(self) -> ContentBatch:
        """Both exports; raises SourceFileError when no content export has been dropped."""
        content_path = self.content_file()
        if content_path is None:
            raise SourceFileError(
                self.directory / CONTENT_GLOB, "no Art-Trade content export has been dropped"
            )
        content, quarantined, rows_read = parse_content(content_path)
        files = [content_path.name]
        chars_path = self.characteristics_file()
        if chars_path is None:
            characteristics = pl.DataFrame(
                schema={**CHARACTERISTICS_SCHEMA, "file": pl.String(), "line": pl.Int64()}
            )
        else:
            characteristics, bad, read = parse_characteristics(chars_path)
            quarantined += bad
            rows_read += read
            files.append(chars_path.name)
        return ContentBatch(
            content=content,
            characteristics=characteristics,
            quarantined=quarantined,
            files=files,
            rows_read=rows_read,
        )

    def __repr__(self) -> str:
        return f"FileDropArtTrade({str(self.directory)!r})"
