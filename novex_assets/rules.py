"""Vectorised application of first-match-wins rule overrides to a polars frame.

Rules are matched per row by glob patterns; doing it with one `when/then` chain per field keeps a
1M-row frame in polars instead of a Python call per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import polars as pl

from novex_assets.settings import Match


class _Override(Protocol):
    @property
    def match(self) -> Match: ...


def glob_to_regex(pattern: str) -> str:
    """An anchored regex for a shell-style glob (`*`, `?`) in the dialect polars' engine accepts."""
    parts = ["^"]
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        elif char.isalnum() or char == "_":
            parts.append(char)
        else:
            parts.append(f"\\x{{{ord(char):X}}}")
    parts.append("$")
    return "".join(parts)


def match_expr(match: Match) -> pl.Expr:
    """A boolean expression true where every pattern of `match` matches the row."""
    expr = pl.lit(True)
    if match.offer_id is not None:
        expr = expr & pl.col("offer_id").str.contains(glob_to_regex(match.offer_id))
    if match.category_code is not None:
        expr = expr & pl.col("category_code").str.contains(glob_to_regex(match.category_code))
    return expr


def rule_columns(
    default: Any, overrides: Sequence[_Override], fields: Sequence[str]
) -> list[pl.Expr]:
    """One expression per rule field: the first matching override's value, else the default."""
    exprs = []
    for name in fields:
        chain: Any = None
        for override in overrides:
            value = getattr(override, name)
            if value is None:
                continue
            cond = match_expr(override.match)
            chain = (
                pl.when(cond).then(pl.lit(value))
                if chain is None
                else chain.when(cond).then(pl.lit(value))
            )
        default_value = pl.lit(getattr(default, name))
        exprs.append(
            (default_value if chain is None else chain.otherwise(default_value)).alias(name)
        )
    return exprs
