"""File-drop adapters: SAP and Infor export CSV files into a shared data directory.

Layout under the data directory (`NOVEX_DATA_DIR`, default `var/data`):

- `sap/assortment*.csv`: SAP assortment exports; the most recently modified one is current.
- `infor/stock/stock_<YYYYMMDDTHHMMSS>.csv`: one Infor stock snapshot per file; the newest
  timestamp is current. Writers should drop a file under another name and rename it, so a
  half-written file never matches the pattern.

Names are matched case-insensitively, by one rule per folder that the sensor and the assets
share (`parse_snapshot_name`). Any other file (a stray name, an impossible timestamp such as
`stock_20261399T999999.csv`) is ignored and listed with the reason, never an error.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from resources.sources.base import InforSource, SapSource
from resources.sources.errors import SourceFileError
from resources.sources.infor_documents import InforDocuments
from resources.sources.infor_files import FileDropInforDocuments
from resources.sources.models import IgnoredFile, SnapshotRef, SourceBatch
from resources.sources.parsing import parse_assortment, parse_stock

SAP_DIR = "sap"
ASSORTMENT_GLOB = "assortment*.csv"
ASSORTMENT_NAME = re.compile(r"^assortment.*\.csv$", re.IGNORECASE)
INFOR_STOCK_DIR = Path("infor") / "stock"
SNAPSHOT_TIME_FORMAT = "%Y%m%dT%H%M%S"
SNAPSHOT_NAME = re.compile(r"^stock_(\d{8}T\d{6})\.csv$", re.IGNORECASE)
SNAPSHOT_PATTERN = "stock_YYYYMMDDTHHMMSS.csv"


def snapshot_file_name(taken_at: datetime) -> str:
    """The file name of a snapshot taken at `taken_at` (its names sort by time)."""
    return f"stock_{taken_at.strftime(SNAPSHOT_TIME_FORMAT)}.csv"


def parse_snapshot_name(name: str) -> datetime:
    """When the snapshot named `name` was taken; the one naming rule for sensor and assets.

    Raises:
        ValueError: the name does not follow `stock_YYYYMMDDTHHMMSS.csv` (any case) or its
            timestamp is not a real time; the message says which.
    """
    match = SNAPSHOT_NAME.match(name)
    if match is None:
        raise ValueError(f"name does not match {SNAPSHOT_PATTERN}")
    try:
        return datetime.strptime(match.group(1).upper(), SNAPSHOT_TIME_FORMAT)
    except ValueError:
        raise ValueError(f"'{match.group(1)}' is not a valid timestamp") from None


def snapshot_order(name: str) -> tuple[datetime, str]:
    """Sort key of a snapshot name: by the time it encodes, then by name."""
    return parse_snapshot_name(name), name


def _modified_at(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def file_version(path: Path) -> str:
    """`name@mtime_ns:size`: changes when a file is rewritten under the same name."""
    stat = path.stat()
    return f"{path.name}@{stat.st_mtime_ns}:{stat.st_size}"


def visible_files(directory: Path) -> list[Path]:
    """Files in a drop folder; hidden ones (".x.csv.tmp") are writers' temporaries."""
    if not directory.is_dir():
        return []
    return [p for p in directory.iterdir() if p.is_file() and not p.name.startswith(".")]


def newest_named(directory: Path, rule: re.Pattern[str]) -> Path | None:
    """The export in force: the newest file whose name matches `rule`, by mtime, then name.

    The rules are case-insensitive (`re.IGNORECASE`): Windows writers change case freely.
    """
    files = [p for p in visible_files(directory) if rule.match(p.name)]
    return max(files, key=lambda p: (p.stat().st_mtime, p.name)) if files else None


class FileDropSap(SapSource):
    """SAP assortment read from `<data_dir>/sap/assortment*.csv`."""

    def __init__(self, data_dir: Path | str) -> None:
        self.directory = Path(data_dir) / SAP_DIR

    def current_file(self) -> Path | None:
        """The assortment export in force: the newest by modification time, then by name."""
        return newest_named(self.directory, ASSORTMENT_NAME)

    def ignored_files(self) -> list[IgnoredFile]:
        """Files in the SAP folder that are not assortment exports (hidden files aside)."""
        return [
            IgnoredFile(name=p.name, reason=f"name does not match {ASSORTMENT_GLOB}")
            for p in sorted(visible_files(self.directory))
            if not ASSORTMENT_NAME.match(p.name)
        ]

    def current_versions(self) -> list[str]:
        """The assortment export in force as `name@mtime_ns:size` (a rewrite is a new version)."""
        path = self.current_file()
        return [file_version(path)] if path else []

    def read_assortment(self) -> SourceBatch:
        """The current assortment; raises SourceFileError when none has been dropped."""
        path = self.current_file()
        if path is None:
            raise SourceFileError(
                self.directory / ASSORTMENT_GLOB, "no SAP assortment export has been dropped"
            )
        batch = parse_assortment(path)
        version = f"{path.name}@{_modified_at(path).isoformat(timespec='microseconds')}"
        return batch.model_copy(update={"version": version})

    def __repr__(self) -> str:
        return f"FileDropSap({str(self.directory)!r})"


class FileDropInfor(InforSource):
    """Infor stock snapshots read from `<data_dir>/infor/stock/stock_<timestamp>.csv`."""

    def __init__(self, data_dir: Path | str) -> None:
        self.directory = Path(data_dir) / INFOR_STOCK_DIR
        self.data_dir = Path(data_dir)

    def _scan(self) -> tuple[list[SnapshotRef], list[IgnoredFile]]:
        if not self.directory.is_dir():
            return [], []
        refs, ignored = [], []
        for path in self.directory.iterdir():
            # Hidden files are writers' temporaries (".stock_….csv.tmp"), not strays.
            if not path.is_file() or path.name.startswith("."):
                continue
            try:
                taken_at = parse_snapshot_name(path.name)
            except ValueError as exc:
                ignored.append(IgnoredFile(name=path.name, reason=str(exc)))
                continue
            refs.append(
                SnapshotRef(
                    name=path.name, path=path, modified_at=_modified_at(path), taken_at=taken_at
                )
            )
        refs.sort(key=lambda ref: (ref.taken_at, ref.name))
        return refs, sorted(ignored, key=lambda f: f.name)

    def list_stock_snapshots(self) -> list[SnapshotRef]:
        """Snapshots in the drop folder, oldest first; other files are ignored."""
        return self._scan()[0]

    def ignored_files(self) -> list[IgnoredFile]:
        """Files in the drop folder that are not snapshots, with the reason."""
        return self._scan()[1]

    def read_stock_snapshot(self, ref: SnapshotRef) -> SourceBatch:
        """One snapshot's valid rows and its quarantined rows."""
        return parse_stock(ref.path)

    def documents(self) -> InforDocuments:
        """Order documents in `<data_dir>/infor/outbox` and `<data_dir>/infor/inbox`."""
        return FileDropInforDocuments(self.data_dir)

    def __repr__(self) -> str:
        return f"FileDropInfor({str(self.directory)!r})"
