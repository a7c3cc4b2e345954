"""Infor order documents as files: one JSON (or PDF) file per document, written atomically.

Layout under `<data_dir>/infor/`:

- `outbox/`: what Novex sends. `notice_<posting>.json`, `stop_<posting>.json`,
  `label_<posting>.pdf`, `act_<act id>.pdf` + `act_<act id>.json`, `return_<return id>.json`.
  Each file is written as a hidden temporary file and renamed, so Infor never reads half a
  document; resending a document under the same name replaces it.
- `inbox/`: what Infor drops: `*.json` documents with a `type` of `allocation`, `packing` or
  `return_receipt`. Infor must write them the same way (temporary name starting with `.`, then
  rename). Handled files move to `inbox/processed/`; unreadable or refused ones to
  `inbox/failed/`, with the reason in `<name>.error.txt` beside them.
"""

from __future__ import annotations

import os
import re
import time
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from resources.sources.infor_documents import (
    INBOUND,
    InboundRef,
    InforDocuments,
    OutboundDocument,
    Received,
)

INFOR_DIR = "infor"
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


# Our temporaries: ".<name>.<pid>.tmp" (Infor's own in inbox/ are left to Infor).
TEMPORARY = re.compile(r"^\..+\.\d+\.tmp$")


def atomic_write(path: Path, content: bytes) -> None:
    """Write ``content`` under a hidden temporary name, flush it to disk, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _checked(name: str) -> str:
    if not SAFE_NAME.match(name):
        raise ValueError(f"unsafe document name: {name!r}")
    return name


class FileDropInforDocuments(InforDocuments):
    """Infor's order documents in `<data_dir>/infor/outbox` and `<data_dir>/infor/inbox`."""

    def __init__(self, data_dir: Path | str) -> None:
        root = Path(data_dir) / INFOR_DIR
        self.outbox = root / "outbox"
        self.inbox = root / "inbox"
        self.processed = self.inbox / "processed"
        self.failed = self.inbox / "failed"

    def send(self, name: str, document: OutboundDocument) -> str:
        """Write the document as pretty JSON (UTF-8) into the outbox."""
        name = _checked(name)
        payload = document.model_dump_json(indent=2).encode("utf-8")
        atomic_write(self.outbox / name, payload)
        return name

    def send_pdf(self, name: str, content: bytes) -> str:
        """Write a PDF into the outbox."""
        name = _checked(name)
        if not content.startswith(b"%PDF"):
            raise ValueError(f"{name}: not a PDF")
        atomic_write(self.outbox / name, content)
        return name

    def pending(self) -> list[InboundRef]:
        """JSON files in the inbox (hidden temporary files ignored), by drop time then name."""
        if not self.inbox.is_dir():
            return []
        refs = [
            InboundRef(
                name=path.name,
                dropped_at=datetime.fromtimestamp(path.stat().st_mtime, tz=UTC),
            )
            for path in self.inbox.iterdir()
            if path.is_file() and path.suffix == ".json" and not path.name.startswith(".")
        ]
        return sorted(refs, key=lambda r: (r.dropped_at, r.name))

    def read(self, ref: InboundRef) -> Received:
        """Parse the file; bad JSON or a document that breaks the format comes back as error."""
        path = self.inbox / ref.name
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return Received(ref, None, "file vanished before it was read")
        try:
            document = INBOUND.validate_json(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(document)'}: {e['msg']}"
                for e in exc.errors()[:5]
            )
            return Received(ref, None, f"{ref.name}: {problems}")
        return Received(ref, document)

    def archive(self, ref: InboundRef, *, failed: str | None = None) -> None:
        """Move to processed/ or failed/ (a name already there gets a time suffix)."""
        source = self.inbox / ref.name
        target_dir = self.failed if failed is not None else self.processed
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / ref.name
        if target.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            target = target_dir / f"{target.stem}.{stamp}{target.suffix}"
        if failed is not None:
            atomic_write(target.with_name(target.name + ".error.txt"), failed.encode("utf-8"))
        if source.exists():
            os.replace(source, target)

    def remove_stale_temporaries(self, older_than_s: float = 60.0) -> int:
        """Remove our temporaries older than ``older_than_s`` from the outbox and failed/.

        A writer killed between writing and renaming (SIGKILL, power loss) leaves its hidden
        temporary behind; a live writer's is younger than a second or two. Only the outbox and
        failed/ (the ``.error.txt`` notes) are written through temporaries; processed/ only gets
        renamed files. Infor's own temporaries in ``inbox/`` are Infor's business and left alone.
        """
        cutoff = time.time() - older_than_s
        removed = 0
        for folder in (self.outbox, self.failed):
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if not TEMPORARY.match(path.name) or not path.is_file():
                    continue
                try:
                    if path.stat().st_mtime < cutoff:
                        path.unlink()
                        removed += 1
                except FileNotFoundError:
                    continue  # renamed or removed by another run meanwhile
        return removed

    def __repr__(self) -> str:
        return f"FileDropInforDocuments({str(self.outbox.parent)!r})"
