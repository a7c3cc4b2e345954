"""Errors raised by the source-system adapters (SAP, Infor)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class SourceError(Exception):
    """Base of every source-adapter error, so callers can catch one type."""


class SourceFileError(SourceError):
    """A source file that cannot be read at all (no header, missing columns, unreadable).

    Row-level problems never raise: they go to quarantine. This error means the whole file is
    unusable, so it names the file and, where relevant, the missing columns.
    """

    def __init__(self, file: Path | str, problem: str, missing_columns: Sequence[str] = ()) -> None:
        self.file = str(file)
        self.problem = problem
        self.missing_columns = tuple(missing_columns)
        super().__init__(f"{self.file}: {problem}")
