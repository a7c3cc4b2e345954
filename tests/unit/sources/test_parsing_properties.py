"""Property: however an Infor export is mangled, nothing is lost silently and nothing is zeroed
that the source did not say was zero.

Hypothesis builds a previous snapshot (what Ozon shows), a new one (the truth: some quantities
changed, some to zero, some products gone), writes the new one in any encoding, line end and
Excel habit, and breaks some of its lines (at most one fault per line) or cuts the file inside a
line. Then: the parser raises nothing but `SourceFileError`; every physical line is accounted
for; every loaded row is exactly the true row; and the stock computation fed with the parsed
file changes a pair on Ozon only to its true value.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from novex_assets.inventory.diff import changed_stock
from novex_assets.inventory.stock import compute_stock_levels
from novex_assets.settings import NovexSettings
from novex_assets.sources.trust import assess_completeness
from resources.sources import SourceFileError
from resources.sources.parsing import parse_stock

SITES = ("MSK1", "SPB1")
WAREHOUSE = {"MSK1": 11, "SPB1": 22}
SETTINGS = NovexSettings.model_validate(
    {
        "ozon": {"accounts": [{"name": "main", "client_id": "1"}]},
        "warehouses": [{"infor_site": s, "ozon_warehouse_id": w} for s, w in WAREHOUSE.items()],
        "stock_rules": {"default": {"buffer": 1, "min_to_publish": 2, "max_stock": 500}},
        "price_rules": {"default": {}},
    }
)
NO_RESERVATIONS = pl.DataFrame(
    schema={"offer_id": pl.String, "warehouse_id": pl.Int64, "reserved": pl.Int64}
)
FAULTS = (
    "quote_at_field_start", "quote_inside", "drop_separator", "extra_separator",
    "thousands", "huge", "nul", "garbage", "cut_line", "negative",
)  # fmt: skip
VARIATIONS = ("lowercase_site", "lookalike_site", "blank_line_after", "spaces")
Row = tuple[str, str, int, int]


@st.composite
def snapshots(draw: st.DrawFn) -> tuple[list[Row], list[Row]]:
    """(previous rows, new rows): the new file is the truth the parse is judged against."""
    n = draw(st.integers(1, 25))
    previous: list[Row] = []
    for i in range(n):
        for site in SITES:
            if draw(st.booleans()) or site == "MSK1":
                on_hand = draw(st.integers(0, 60))
                previous.append((f"NVX-{i:03d}", site, on_hand, draw(st.integers(0, on_hand))))
    new: list[Row] = []
    for row in previous:
        action = draw(st.sampled_from(("keep", "keep", "keep", "change", "zero", "gone")))
        if action == "gone":
            continue
        on_hand = {"keep": row[2], "zero": 0}.get(action) or draw(st.integers(0, 60))
        new.append((row[0], row[1], on_hand, min(row[3], on_hand)))
    return previous, new


def _fault(draw: st.DrawFn, line: str, sep: str) -> str:
    kind = draw(st.sampled_from(FAULTS))
    fields = line.split(sep)
    if kind == "quote_at_field_start":
        i = draw(st.integers(0, len(fields) - 1))
        fields[i] = '"' + fields[i]
        return sep.join(fields)
    if kind == "quote_inside":
        i = draw(st.integers(0, len(fields) - 1))
        at = draw(st.integers(1, max(1, len(fields[i]))))
        fields[i] = fields[i][:at] + '"' + fields[i][at:]
        return sep.join(fields)
    if kind == "drop_separator":
        i = draw(st.integers(0, len(fields) - 2))
        return sep.join([*fields[:i], fields[i] + fields[i + 1], *fields[i + 2 :]])
    if kind == "extra_separator":
        i = draw(st.integers(0, 3))
        at = draw(st.integers(0, len(fields[i])))
        fields[i] = fields[i][:at] + sep + fields[i][at:]
        return sep.join(fields)
    if kind == "thousands":
        fields[2] = draw(st.sampled_from(("1.000", "2,500", "12.000")))
    elif kind == "huge":
        fields[2] = "9" * draw(st.integers(11, 40))
    elif kind == "negative":
        fields[3] = "-" + str(draw(st.integers(1, 9)))
    elif kind == "nul":
        at = draw(st.integers(0, len(line)))
        return line[:at] + "\x00" + line[at:]
    elif kind == "garbage":
        return draw(st.text(alphabet='\x01\x02\x7f;,"abc€', min_size=1, max_size=30)) + "\x01"
    elif kind == "cut_line":
        # Cut before the last field starts: a line cut inside its last number ("10;10" → "10;1")
        # is a well-formed row no parser can tell from the truth.
        last_field = len(sep.join(fields[:3]))
        return line[: draw(st.integers(1, last_field))]
    return sep.join(fields)


@st.composite
def mangled_files(draw: st.DrawFn) -> tuple[list[Row], list[Row], bytes, bool]:
    previous, new = draw(snapshots())
    sep = draw(st.sampled_from((";", ",", "\t")))
    excel_trailing = draw(st.booleans())
    lines: list[str] = ["offer_id;site;on_hand;allocated".replace(";", sep) + sep * excel_trailing]
    for offer, site, on_hand, allocated in new:
        variation = draw(st.sampled_from((None, None, *VARIATIONS)))
        shown = {"lowercase_site": site.lower(), "lookalike_site": site.replace("M", "М")}.get(
            variation or "", site
        )
        cells = [offer, shown, str(on_hand), str(allocated)]
        if variation == "spaces":
            cells = [f" {c} " for c in cells]
        line = sep.join(cells) + sep * excel_trailing
        if draw(st.integers(0, 5)) == 0:
            line = _fault(draw, line, sep)
        lines.append(line)
        if variation == "blank_line_after":
            lines.append(draw(st.sampled_from(("", "   ", sep * 3))))
    newline = draw(st.sampled_from(("\r\n", "\n", "\r")))
    encoding = draw(st.sampled_from(("utf-8", "utf-8-sig", "cp1251", "utf-16", "utf-16-be")))
    text = newline.join(lines) + newline
    cut = draw(st.booleans()) and len(new) > 1
    if cut:
        # Cut inside a data line (a cut exactly at a line end is what only a trailer shows).
        body_start = len(lines[0]) + len(newline)
        at = draw(st.integers(body_start + 1, len(text) - len(newline) - 1))
        if text[at - 1] in "\r\n" or text[at] in "\r\n":
            cut = False
        else:
            text = text[:at]
    return previous, new, text.encode(encoding, errors="replace"), cut


def _frame(rows: list[Row]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"offer_id": pl.String, "site": pl.String, "on_hand": pl.Int64,
                "allocated": pl.Int64},
        orient="row",
    )  # fmt: skip


def _assortment(rows: list[Row]) -> pl.DataFrame:
    offers = sorted({r[0] for r in rows})
    return pl.DataFrame(
        {"offer_id": offers, "category_code": ["HC-01"] * len(offers),
         "ozon_enabled": [True] * len(offers)},
        schema={"offer_id": pl.String, "category_code": pl.String, "ozon_enabled": pl.Boolean},
    )  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_files())
def test_mangled_export_loses_nothing_silently_and_zeroes_nothing_unsaid(case) -> None:
    previous, new, data, cut = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stock_20260101T000000.csv"
        path.write_bytes(data)
        try:
            batch = parse_stock(path)
        except SourceFileError as exc:  # explained: names the file and says why
            assert str(path) in str(exc) and exc.problem
            return

    n = batch.lines
    assert n.total == n.header + n.blank + n.trailer + n.loaded + n.quarantined
    if not cut:
        physical = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "latin-1")
        ends = physical.count("\n") if "\n" in physical else physical.count("\r")
        assert n.total == ends  # every physical line of the file is in the count
    assert batch.rows_loaded + batch.rows_quarantined == batch.rows_read

    truth = {(o, s): (h, a) for o, s, h, a in new}
    for offer, site, on_hand, allocated in batch.frame.iter_rows():
        assert truth[(offer, site)] == (on_hand, allocated), "a loaded row differs from the file"

    assortment = _assortment(previous)
    on_ozon, _ = compute_stock_levels(assortment, _frame(previous), NO_RESERVATIONS, SETTINGS)
    judged = assess_completeness(batch, [len(previous)], 0.9)
    levels, _ = compute_stock_levels(
        assortment, batch.frame, NO_RESERVATIONS, SETTINGS,
        held=batch.held, complete=judged.complete, accepted=on_ozon,
    )  # fmt: skip
    true_levels, _ = compute_stock_levels(assortment, _frame(new), NO_RESERVATIONS, SETTINGS)
    true_stock = {(o, w): s for o, w, s in true_levels.iter_rows()}
    for offer, warehouse, stock in changed_stock(levels, on_ozon).iter_rows():
        assert stock == true_stock[(offer, warehouse)], (
            f"{offer}@{warehouse} would become {stock} on Ozon, the file says "
            f"{true_stock[(offer, warehouse)]}"
        )
