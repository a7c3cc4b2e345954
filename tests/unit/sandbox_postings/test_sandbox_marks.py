"""Честный ЗНАК code format as the sandbox checks it."""

from __future__ import annotations

import pytest

from ozon_sandbox.postings.marks import (
    GS,
    MARK_FORMAT_INVALID,
    MARK_GTIN_INVALID,
    check_mark,
    datamatrix,
    make_gtin,
)

GTIN = make_gtin(7)


@pytest.mark.parametrize(
    "code",
    [
        datamatrix(GTIN, "ABCDEFGHIJKLM"),
        datamatrix(GTIN, "ABCDEFGHIJKLM", with_crypto=False),
        f"01{GTIN}21ABCDEF{GS}93Ab1/",
        f"01{GTIN}21ABCDEFGHIJKLM91EE1092" + "x" * 44,
    ],
)
def test_well_formed_codes_pass(code: str) -> None:
    assert check_mark(code) == []


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("4601234567890", MARK_FORMAT_INVALID),
        (f"02{GTIN}21ABCDEFGHIJKLM", MARK_FORMAT_INVALID),
        (f"01{GTIN[:-1]}{(int(GTIN[-1]) + 1) % 10}21ABCDEFGHIJKLM", MARK_GTIN_INVALID),
        (f"01{GTIN}21ABCDEFGHIJKLMNOPQRSTU", MARK_FORMAT_INVALID),
        ("", MARK_FORMAT_INVALID),
    ],
)
def test_malformed_codes_are_refused(code: str, error: str) -> None:
    assert check_mark(code) == [error]
