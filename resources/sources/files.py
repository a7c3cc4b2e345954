"""File-drop adapters: SAP and Infor export CSV files into a shared data directory.

Layout under the data directory (`NOVEX_DATA_DIR`, default `var/data`):

- `sap/assortment*.csv`: SAP assortment exports; the most recently modified one is current.
- `infor/stock/stock_<YYYYMMDDTHHMMSS>.csv`: one Infor stock snapshot per file; the newest
  timestamp is current. Writers should drop a file under another name and rename it, so a
  half-written file never matches the pattern.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from resources.sources.base import InforSource, SapSource
from resources.sources.errors import SourceFileError
from resources.sources.infor_documents import InforDocuments
from resources.sources.infor_files import FileDropInforDocuments
from resources.sources.models import SnapshotRef, SourceBatch
from resources.sources.parsing import parse_assortment, parse_stock

SAP_DIR = "sap"
ASSORTMENT_GLOB = "assortment*.csv"
INFOR_STOCK_DIR = Path("infor") / "stock"
SNAPSHOT_TIME_FORMAT = "%Y%m%dT%H%M%S"
SNAPSHOT_NAME = re.compile(r"^stock_(\d{8}T\d{6})\.csv$", re.IGNORECASE)


def snapshot_file_name(taken_at: datetime) -> str:
    """The file name of a snapshot taken at `taken_at` (its names sort by time)."""
    return f"stock_{taken_at.strftime(SNAPSHOT_TIME_FORMAT)}.csv"


def _modified_at(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


class FileDropSap(SapSource):
    """SAP assortment read from `<data_dir>/sap/assortment*.csv`."""

    def __init__(self, data_dir: Path | str) -> None:
        self.directory = Path(data_dir) / SAP_DIR

    def current_file(self) -> Path | None:
        """The assortment export in force: the newest by modification time, then by name."""
        files = [p for p in self.directory.glob(ASSORTMENT_GLOB) if p.is_file()]
        if not files:
            return None
        return max(files, key=lambda p: (p.stat().st_mtime, p.name))

    def read_assortment(self) -> SourceBatch:
        """The current assortment; raises SourceFileError when none has been dropped."""
        path = self.current_file()
        if path is None:
            raise SourceFileError(
                self.directory / ASSORTMENT_GLOB, "no SAP assortment export has been dropped"
            )
        return parse_assortment(path)

    def __repr__(self) -> str:
        return f"FileDropSap({str(self.directory)!r})"


class FileDropInfor(InforSource):
    """Infor stock snapshots read from `<data_dir>/infor/stock/stock_<timestamp>.csv`."""

    def __init__(self, data_dir: Path | str) -> None:
        self.directory = Path(data_dir) / INFOR_STOCK_DIR
        self.data_dir = Path(data_dir)

    def list_stock_snapshots(self) -> list[SnapshotRef]:
        """Snapshots in the drop folder, oldest first; other files are ignored."""
        if not self.directory.is_dir():
            return []
        refs = []
        for path in self.directory.iterdir():
            match = SNAPSHOT_NAME.match(path.name)
            if match is None or not path.is_file():
                continue
            refs.append(
                SnapshotRef(
                    name=path.name,
                    path=path,
                    modified_at=_modified_at(path),
                    taken_at=datetime.strptime(match.group(1).upper(), SNAPSHOT_TIME_FORMAT),
                )
            )
        return sorted(refs, key=lambda ref: (ref.taken_at, ref.name))

    def read_stock_snapshot(self, ref: SnapshotRef) -> SourceBatch:
        """One snapshot's valid rows and its quarantined rows."""
        return parse_stock(ref.path)

    def documents(self) -> InforDocuments:
        """Order documents in `<data_dir>/infor/outbox` and `<data_dir>/infor/inbox`."""
        return FileDropInforDocuments(self.data_dir)

    def __repr__(self) -> str:
        return f"FileDropInfor({str(self.directory)!r})"
