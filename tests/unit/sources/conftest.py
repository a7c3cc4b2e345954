from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.sources import WriteFile


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write lines to a file with the given encoding, BOM and line ending; returns its path."""

    def write(
        relative: str,
        lines: list[str],
        encoding: str = "utf-8",
        bom: bool = False,
        newline: str = "\r\n",
    ) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = (newline.join(lines) + newline).encode(encoding)
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
        return path

    return write
