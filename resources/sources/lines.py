"""Physical lines of a delimited export: decoding, line ends and the fields of one line.

Everything here works one physical line at a time, so a stray quote, a wrong separator or a
byte sequence that does not decode costs that line and never the rest of the file. All of it is
linear in the size of the input: no step looks at a line more than a bounded number of times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BOM = "\ufeff"
SEPARATORS = (";", ",", "\t")
# A quoted field may span physical lines (Alt+Enter in an Excel cell); a record is never
# joined over more lines than this, so one unclosed quote cannot swallow the file.
MAX_RECORD_LINES = 5
# C0 controls (tab excepted), DEL and the replacement character of failed decoding: none of
# them belongs in an export, and PostgreSQL cannot store NUL in text at all.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]")


@dataclass(frozen=True)
class DecodedFile:
    """The text of an export split into physical lines, line terminators removed."""

    lines: list[str]
    encoding: str
    # 0-based line index -> why that line's bytes could not be decoded.
    problems: dict[int, str] = field(default_factory=dict)
    ends_with_newline: bool = True


def _utf16_without_bom(sample: bytes) -> str | None:
    """`utf-16-le`/`-be` when every other byte of mostly-ASCII text is NUL, else None."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _split_text(text: str) -> tuple[list[str], bool]:
    """Physical lines of `text` (LF, CRLF or CR-only) and whether it ends with a line end."""
    if "\n" in text:
        if "\r" not in text:
            lines = text.split("\n")
        elif text.count("\r\n") == text.count("\r"):
            lines = text.split("\r\n")
            if "\n" in text.replace("\r\n", ""):  # LF and CRLF mixed in one file
                lines = [part for line in lines for part in line.split("\n")]
        else:  # a stray CR inside a line stays in it (and is quarantined as a control char)
            lines = [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]
    else:
        lines = text.split("\r")
    ends = len(lines) > 1 and lines[-1] == ""
    if ends:
        lines.pop()
    return lines, ends


def _split_bytes(data: bytes) -> tuple[list[bytes], bool]:
    """As `_split_text`, on bytes of an ASCII-compatible encoding."""
    if b"\n" in data:
        lines = data.split(b"\n")
        lines = [ln[:-1] if ln.endswith(b"\r") else ln for ln in lines]
    else:
        lines = data.split(b"\r")
    ends = len(lines) > 1 and lines[-1] == b""
    if ends:
        lines.pop()
    return lines, ends


def decode_lines(data: bytes) -> DecodedFile:
    """Decode an export and split it into physical lines.

    UTF-16 (LE/BE, with a BOM or recognised by its NUL bytes) and UTF-8 (BOM or not) are read as
    such. A file that is not valid UTF-8 is judged line by line: if most lines with non-ASCII
    bytes are valid UTF-8 the file is UTF-8 and the others are marked undecodable; otherwise it
    is cp1251, as old Windows tools write it. Undecodable lines keep a best-effort text (with
    U+FFFD) so they can be quoted in the quarantine.
    """
    utf16 = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        utf16 = "utf-16"
    elif not data.startswith(b"\xef\xbb\xbf"):
        utf16 = _utf16_without_bom(data[:4096])
    if utf16 is not None:
        text = data.decode(utf16, errors="replace").removeprefix(BOM)
        lines, ends = _split_text(text)
        bad = {i: f"bytes that are not valid {utf16.upper()}" for i, ln in enumerate(lines)
               if "\ufffd" in ln}  # fmt: skip
        return DecodedFile(lines, utf16, bad, ends)

    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        lines, ends = _split_text(data.decode("utf-8"))
        return DecodedFile(lines, "utf-8", {}, ends)
    except UnicodeDecodeError:
        pass
    raw_lines, ends = _split_bytes(data)
    utf8_ok = utf8_bad = 0
    for raw in raw_lines:
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
            utf8_ok += 1
        except UnicodeDecodeError:
            utf8_bad += 1
    encoding = "utf-8" if utf8_ok >= utf8_bad else "cp1251"
    lines = []
    problems: dict[int, str] = {}
    for i, raw in enumerate(raw_lines):
        try:
            lines.append(raw.decode(encoding))
        except UnicodeDecodeError:
            lines.append(raw.decode(encoding, errors="replace"))
            problems[i] = f"bytes that are not valid {encoding.upper()}"
    return DecodedFile(lines, encoding, problems, ends)


def decode(data: bytes) -> str:
    """Text of a whole export (BOM removed), in the encoding `decode_lines` settles on."""
    encoding = decode_lines(data).encoding
    return data.decode(encoding, errors="replace").removeprefix(BOM)


def sniff_separator(header: str) -> str:
    """The separator used by a header line: the most frequent of `;`, `,` and tab."""
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


@dataclass(frozen=True)
class SplitLine:
    """The fields of one record's text, or where its quoting went wrong."""

    fields: list[str]
    error: str | None = None  # malformed quoting
    open_quote: bool = False  # a quoted field still open at the end of the text


def split_fields(text: str, sep: str) -> SplitLine:
    """Split one record into fields, RFC 4180 quoting with Excel's leniencies.

    A field that starts with `"` (after spaces) is quoted: `""` inside it is one quote, and it
    may contain separators and line breaks. A quote anywhere else is an ordinary character.
    Linear in the length of `text` (every step is a `str.find`).
    """
    if '"' not in text:
        return SplitLine(text.split(sep))
    fields: list[str] = []
    n, i = len(text), 0
    while True:
        j = i
        while j < n and text[j] == " ":
            j += 1
        if j < n and text[j] == '"':
            parts: list[str] = []
            k = j + 1
            while True:
                q = text.find('"', k)
                if q < 0:
                    return SplitLine(fields, open_quote=True)
                parts.append(text[k:q])
                if q + 1 < n and text[q + 1] == '"':
                    parts.append('"')
                    k = q + 2
                    continue
                k = q + 1
                break
            m = k
            while m < n and text[m] == " ":
                m += 1
            fields.append("".join(parts))
            if m == n:
                return SplitLine(fields)
            if text[m] != sep:
                return SplitLine(
                    fields, error=f"text after the closing quote of field {len(fields)}"
                )
            i = m + 1
        else:
            end = text.find(sep, i)
            if end < 0:
                fields.append(text[i:])
                return SplitLine(fields)
            fields.append(text[i:end])
            i = end + 1


def fits(fields: list[str], width: int) -> bool:
    """Whether a record has the header's number of fields (extra empty ones are Excel's)."""
    if len(fields) == width:
        return True
    return len(fields) > width and not any(f.strip() for f in fields[width:])


def quote(text: str, limit: int = 2000) -> str:
    """A line as staff can read it in the quarantine: control characters escaped, length capped.

    PostgreSQL refuses NUL in text, so a raw line is never stored as it came.
    """
    shown = CONTROL.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if m.group() != "\ufffd" else "?", text
    )
    return shown if len(shown) <= limit else shown[:limit] + f"… ({len(shown)} characters)"
