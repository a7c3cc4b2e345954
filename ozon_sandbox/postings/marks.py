r"""Честный ЗНАК codes as Ozon checks them: the DataMatrix string of one marked unit.

A code is a GS1 element string: ``01`` + 14-digit GTIN (with a valid check digit), ``21`` +
serial number, then, depending on the product group, ``91`` + 4-character key id and ``92`` +
44-character crypto signature, or ``93`` + 4-character crypto tail. Groups are separated by the
GS character (``\x1d``); scanners often drop it, so a code without separators is accepted when
its serial has the usual 13 characters (medicines, cosmetics, perfumes). Ozon does not publish its
error codes for marks; the sandbox's codes are its own and documented in the README.
"""

from __future__ import annotations

import re

GS = "\x1d"
# GS1 AI 21 serials use the printable "GS1 character set 82".
_SERIAL_CHARS = r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]"
_TAIL = rf"(?:{GS}?91{_SERIAL_CHARS}{{4}}{GS}?92{_SERIAL_CHARS}{{44}}|{GS}?93{_SERIAL_CHARS}{{4}})?"
_WITH_GS = re.compile(rf"^01(\d{{14}})21({_SERIAL_CHARS}{{1,20}}){GS}(?:91|93).*$", re.S)
_FIXED_SERIAL = re.compile(rf"^01(\d{{14}})21({_SERIAL_CHARS}{{13}}){_TAIL}$")
_SHORT = re.compile(rf"^01(\d{{14}})21({_SERIAL_CHARS}{{1,20}})$")

MARK_FORMAT_INVALID = "MARK_FORMAT_INVALID"
MARK_GTIN_INVALID = "MARK_GTIN_CHECK_DIGIT_INVALID"
MARK_DUPLICATED = "MARK_DUPLICATED"
MARK_TYPE_UNSUPPORTED = "MARK_TYPE_UNSUPPORTED"
MARK_REQUIRED = "MANDATORY_MARK_REQUIRED"
MARK_REDUNDANT = "MANDATORY_MARK_REDUNDANT"


def gtin_check_digit(body: str) -> int:
    """GS1 mod-10 check digit of a GTIN without its last digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def make_gtin(seed: int) -> str:
    """A valid 14-digit GTIN built from ``seed`` (for seeding and tests)."""
    body = f"0{4600000000000 + seed % 10_000_000:013d}"[-13:]
    return body + str(gtin_check_digit(body))


def datamatrix(gtin: str, serial: str, *, with_crypto: bool = True) -> str:
    """A well-formed Честный ЗНАК code: ``01`` GTIN ``21`` serial [GS ``91`` key GS ``92`` sig]."""
    code = f"01{gtin}21{serial}"
    if with_crypto:
        code += f"{GS}91EE10{GS}92" + ("A" * 44)
    return code


def check_mark(mark: str, mark_type: str = "mandatory_mark") -> list[str]:
    """Error codes for one code's format; empty when Ozon's format check would pass it."""
    if mark_type != "mandatory_mark":
        # IMEI and jewellery UINs are not sold by a drugstore; only their presence is checked.
        return [] if mark.strip() else [MARK_FORMAT_INVALID]
    code = mark.strip()
    found = _WITH_GS.match(code) or _FIXED_SERIAL.match(code) or _SHORT.match(code)
    if found is None:
        return [MARK_FORMAT_INVALID]
    gtin = found.group(1)
    if int(gtin[-1]) != gtin_check_digit(gtin[:-1]):
        return [MARK_GTIN_INVALID]
    return []
