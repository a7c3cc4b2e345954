"""The report catalog staff act on: per SKU what blocks it, who fixes it, and what to do.

One self-contained HTML page in Russian (inline CSS, an inline SVG trend chart, no scripts and
no external files: staff's viewers have no internet) and a CSV for Excel (UTF-8 with BOM, `;`).
The blockers come from the store: failed checks, Ozon import errors, moderation declines,
unconfirmed category mappings, dictionary drift, and cards waiting for Ozon's daily quota.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from novex_assets.catalog.card_checks import OWNERS
from novex_assets.catalog.card_fields import CardFieldRules

DEFAULT_REPORT_DIR = "var/reports/catalog"
HTML_ROWS_MAX = 5000

REASONS = {
    "check": "Не прошла проверки",
    "import_error": "Ошибка импорта Ozon",
    "declined": "Отклонена модерацией",
    "mapping": "Категория не подтверждена",
    "drift": "Изменился справочник Ozon",
    "quota": "Ждёт квоты Ozon",
}
SAP, ARTTRADE, MAPPING, TEMPLATE = (
    OWNERS["sap"],
    OWNERS["arttrade"],
    OWNERS["mapping"],
    OWNERS["ozon"],
)
QUOTA_OWNER = "Ozon (квота)"
ACTIONS = {
    SAP: "Исправить данные товара в SAP",
    ARTTRADE: "Исправить контент товара в Art-Trade",
    MAPPING: "Подтвердить или исправить категорию Ozon в config/category_mapping.csv "
    "(novex mapping export / import)",
    TEMPLATE: "Исправить характеристику в шаблоне Ozon (личный кабинет)",
    QUOTA_OWNER: "Ничего делать не нужно: карточка уйдёт после сброса квоты (03:00 МСК)",
}
# Ozon's import error codes -> the system that holds the wrong value.
IMPORT_CODE_OWNERS = {
    "missing_dimension": SAP,
    "Incorrect_density": SAP,
    "vat_invalid": SAP,
    "price_is_negative": SAP,
    "old_price_less_than_price": SAP,
    "name_too_long": ARTTRADE,
    "all_image_failed": ARTTRADE,
    "description_category_invalid": MAPPING,
    "description_category_has_no_description_type": MAPPING,
    "description_category_is_legacy": MAPPING,
    "description_category_is_empty": MAPPING,
    "description_type_is_empty": MAPPING,
    "item_limit_exceeded": QUOTA_OWNER,
}
BLOCKER_SCHEMA: dict[str, pl.DataType] = {
    "offer_id": pl.String(),
    "name": pl.String(),
    "reason": pl.String(),
    "code": pl.String(),
    "detail": pl.String(),
    "owner": pl.String(),
    "action": pl.String(),
}


@dataclass(frozen=True)
class ReportInputs:
    """What the report reads, gathered by the asset from the store."""

    products: pl.DataFrame  # offer_id, name, category_code, category_name, ozon_enabled
    cards: pl.DataFrame  # offer_id, card, pair
    checks: pl.DataFrame  # offer_id, passed, failures (latest run)
    exports: pl.DataFrame  # card_exports
    moderation: pl.DataFrame  # card_moderation
    mapping: pl.DataFrame  # category_mapping rows (all statuses)
    drift: pl.DataFrame  # open card_drift_flags (cards hit by changes in Ozon's model)
    attribute_names: dict[int, str]


@dataclass(frozen=True)
class CatalogReport:
    """The rendered report and its numbers."""

    blockers: pl.DataFrame
    totals: dict[str, Any]
    html: str
    csv: bytes


def report_dir() -> Path:
    """Where reports go: `$NOVEX_REPORT_DIR` or `var/reports/catalog`."""
    return Path(os.environ.get("NOVEX_REPORT_DIR") or DEFAULT_REPORT_DIR)


def _attribute_owner(rules: CardFieldRules, attribute_id: int) -> str:
    rule = rules.attribute_rule(attribute_id)
    if rule is None:
        return OWNERS[rules.default_attribute.owner]
    if rule.owner == "card" and rule.card_field:
        return OWNERS[rules.fields[rule.card_field].owner]  # type: ignore[index]
    return OWNERS[rule.owner]


def _rows(owner: str) -> str:
    return ACTIONS.get(owner, "Проверить карточку")


def collect_blockers(inputs: ReportInputs, rules: CardFieldRules) -> pl.DataFrame:
    """One row per (SKU, blocking problem) with owner and action."""
    rows: list[tuple[str, str, str, str, str, str]] = []
    for offer_id, failures in (
        inputs.checks.filter(~pl.col("passed")).select("offer_id", "failures").iter_rows()
    ):
        for f in json.loads(failures):
            owner = f.get("owner") or ARTTRADE
            rows.append((offer_id, REASONS["check"], f["check"], f["reason"], owner, _rows(owner)))
    for offer_id, state, errors in (
        inputs.exports.filter(pl.col("state").is_in(["failed", "waiting_quota"]))
        .select("offer_id", "state", "errors")
        .iter_rows()
    ):
        for e in json.loads(errors or "[]"):
            code = e.get("code") or ""
            if state == "waiting_quota" or code in ("daily_quota", "item_limit_exceeded"):
                rows.append(
                    (
                        offer_id,
                        REASONS["quota"],
                        code,
                        e.get("message", ""),
                        QUOTA_OWNER,
                        _rows(QUOTA_OWNER),
                    )
                )
                continue
            attribute_id = int(e.get("attribute_id") or 0)
            owner = (
                _attribute_owner(rules, attribute_id)
                if attribute_id
                else IMPORT_CODE_OWNERS.get(code, ARTTRADE)
            )
            detail = e.get("message", "")
            if e.get("attribute_name"):
                detail = f"{detail} («{e['attribute_name']}»)"
            rows.append((offer_id, REASONS["import_error"], code, detail, owner, _rows(owner)))
    name_owner = OWNERS[rules.fields["name"].owner]  # type: ignore[index]
    for offer_id, reasons in (
        inputs.moderation.filter(pl.col("status") == "declined")
        .select("offer_id", "reasons")
        .iter_rows()
    ):
        for r in json.loads(reasons or "[]") or [{"code": "declined", "message": ""}]:
            code = r.get("code") or "declined"
            # Moderators judge content (name, images, description): its owner fixes it.
            owner = name_owner
            detail = r.get("message") or "отклонена модерацией Ozon"
            rows.append((offer_id, REASONS["declined"], code, detail, owner, _rows(owner)))
    rows += _mapping_rows(inputs)
    rows += _drift_rows(inputs, rules)
    frame = pl.DataFrame(
        rows,
        schema={k: v for k, v in BLOCKER_SCHEMA.items() if k != "name"},
        orient="row",
    )
    names = inputs.products.select("offer_id", "name")
    return (
        frame.join(names, on="offer_id", how="left")
        .select(list(BLOCKER_SCHEMA))
        .unique(maintain_order=True)
        .sort("offer_id", "reason", "code")
    )


def _mapping_rows(inputs: ReportInputs) -> list[tuple[str, str, str, str, str, str]]:
    enabled = inputs.products.filter(pl.col("ozon_enabled"))
    mapping = inputs.mapping
    confirmed = mapping.filter(pl.col("status") == "confirmed")["novex_category_code"]
    suggested = mapping.filter(pl.col("status") == "suggested")["novex_category_code"]
    waiting = enabled.filter(~pl.col("category_code").is_in(confirmed.implode()))
    rows = []
    for offer_id, code, category_name in waiting.select(
        "offer_id", "category_code", "category_name"
    ).iter_rows():
        if code in set(suggested.to_list()):
            detail = f"категория {code} «{category_name or ''}»: есть предложения, нужна проверка"
        else:
            detail = f"категория {code} «{category_name or ''}» не сопоставлена с Ozon"
        rows.append(
            (offer_id, REASONS["mapping"], "unconfirmed_mapping", detail, MAPPING, _rows(MAPPING))
        )
    return rows


# Where each owner makes a drift fix, for the action text.
DRIFT_WHERE = {
    SAP: "в SAP",
    ARTTRADE: "в Art-Trade",
    TEMPLATE: "в шаблоне Ozon (личный кабинет)",
    MAPPING: "через сопоставление категорий (config/category_mapping.csv)",
}


def _drift_owner(rules: CardFieldRules, attribute_id: int, source: str | None) -> str:
    """Who fixes a drifted value: the attribute's owner in card_fields.yaml.

    Ozon's template when the card took the value from Ozon and the rules let the template win.
    """
    rule = rules.attribute_rule(attribute_id)
    template_wins = (rule or rules.default_attribute).template_wins
    if source == "ozon" and template_wins:
        return TEMPLATE
    return _attribute_owner(rules, attribute_id)


def _drift_rows(
    inputs: ReportInputs, rules: CardFieldRules
) -> list[tuple[str, str, str, str, str, str]]:
    """Open drift flags: each card stays listed until a check run passes it again."""
    rows: list[tuple[str, str, str, str, str, str]] = []
    for offer_id, attribute_id, change, value_id, value, source in inputs.drift.select(
        "offer_id", "attribute_id", "change", "value_id", "value", "source"
    ).iter_rows():
        name = inputs.attribute_names.get(int(attribute_id), str(attribute_id))
        owner = _drift_owner(rules, int(attribute_id), source)
        where = DRIFT_WHERE.get(owner, "")
        if change == "value_withdrawn":
            shown = f"«{value}» (id {value_id})" if value else f"id {value_id}"
            detail = f"Ozon снял значение {shown} характеристики «{name}»"
            action = (
                f"Заменить значение характеристики «{name}» {where} "
                "на действующее из справочника Ozon"
            )
        else:
            detail = f"Ozon сделал характеристику «{name}» обязательной, в карточке её нет"
            action = f"Заполнить характеристику «{name}» {where}"
        rows.append((offer_id, REASONS["drift"], change, detail, owner, action))
    return rows


def totals_of(blockers: pl.DataFrame, inputs: ReportInputs) -> dict[str, Any]:
    """Counts for the header, the trend and Dagster metadata."""
    by_reason = {
        r: blockers.filter(pl.col("reason") == r)["offer_id"].n_unique() for r in REASONS.values()
    }
    by_owner = {
        str(o): int(n)
        for o, n in blockers.group_by("owner")
        .agg(pl.col("offer_id").n_unique())
        .sort("owner")
        .iter_rows()
    }
    moderation = inputs.moderation
    return {
        "skus_enabled": int(inputs.products["ozon_enabled"].sum() or 0),
        "cards": inputs.cards.height,
        "blocked_skus": blockers["offer_id"].n_unique(),
        "approved": moderation.filter(pl.col("status") == "approved").height,
        "declined": moderation.filter(pl.col("status") == "declined").height,
        "in_review": moderation.filter(~pl.col("status").is_in(["approved", "declined"])).height,
        "by_reason": by_reason,
        "by_owner": by_owner,
    }


_CSS = """
body{font-family:Arial,Helvetica,sans-serif;margin:24px;color:#1d2433;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}
.muted{color:#5b6475;font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #d6dbe4;border-radius:8px;padding:10px 14px;min-width:140px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e3e7ee;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f9;position:sticky;top:0}
.owner{white-space:nowrap;font-weight:bold}
.split{display:flex;gap:32px;flex-wrap:wrap}.split>div{flex:1;min-width:280px}
.alert{border:2px solid #c0392b;background:#fdecea;border-radius:8px;padding:10px 14px}
"""


def _svg_trend(runs: list[dict[str, Any]]) -> str:
    """Blocked SKUs and approved cards per run as an inline SVG line chart."""
    width, height, pad = 640, 200, 36
    if not runs:
        return '<p class="muted">Нет данных прошлых запусков.</p>'
    series = {
        "Заблокировано SKU": ([r["totals"].get("blocked_skus", 0) for r in runs], "#c0392b"),
        "Одобрено карточек": ([r["totals"].get("approved", 0) for r in runs], "#1e8449"),
    }
    top = max(1, *(max(v) for v, _ in series.values()))
    step = (width - 2 * pad) / max(1, len(runs) - 1)

    def point(i: int, v: int) -> str:
        return f"{pad + i * step:.1f},{height - pad - (height - 2 * pad) * v / top:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="Динамика по запускам">',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="#8a93a5"/>',
        f'<text x="{pad}" y="{pad - 12}" font-size="11" fill="#5b6475">макс. {top}</text>',
    ]
    for n, (label, (values, color)) in enumerate(series.items()):
        points = " ".join(point(i, v) for i, v in enumerate(values))
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
        for i, v in enumerate(values):
            x, y = point(i, v).split(",")
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="3" fill="{color}"><title>{v}</title></circle>'
            )
        parts.append(
            f'<text x="{pad + 200 * n}" y="{height - 8}" font-size="12" fill="{color}">'
            f"■ {html.escape(label)}: {values[-1]}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(headers: list[str], rows: list[list[Any]], owner_col: int | None = None) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            cls = ' class="owner"' if i == owner_col else ""
            cells.append(f"<td{cls}>{html.escape('' if value is None else str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(
    blockers: pl.DataFrame,
    totals: dict[str, Any],
    runs: list[dict[str, Any]],
    at: datetime,
    run_id: str,
    notice: str | None = None,
) -> str:
    """The whole page as one string; `notice` is shown above everything (an export stopped)."""
    cards = [
        ("SKU для Ozon", totals["skus_enabled"]),
        ("Карточек собрано", totals["cards"]),
        ("Заблокировано SKU", totals["blocked_skus"]),
        ("Одобрено", totals["approved"]),
        ("Отклонено", totals["declined"]),
        ("На модерации", totals["in_review"]),
    ]
    tiles = "".join(f'<div class="card">{html.escape(k)}<b>{v}</b></div>' for k, v in cards)
    reasons = _table(["Причина", "SKU"], [[k, v] for k, v in totals["by_reason"].items()])
    owners = _table(
        ["Кто исправляет", "SKU", "Что сделать"],
        [[k, v, ACTIONS.get(k, "")] for k, v in totals["by_owner"].items()],
        owner_col=0,
    )
    shown = blockers.head(HTML_ROWS_MAX)
    more = (
        f'<p class="muted">Показаны первые {HTML_ROWS_MAX} строк из {blockers.height}; '
        "полный список — в CSV рядом с этим файлом.</p>"
        if blockers.height > HTML_ROWS_MAX
        else ""
    )
    detail = _table(
        ["Артикул", "Название", "Причина", "Код", "Описание", "Кто исправляет", "Что сделать"],
        [list(r) for r in shown.iter_rows()],
        owner_col=5,
    )
    stamp = at.strftime("%d.%m.%Y %H:%M UTC")
    alert = f'<p class="alert" id="notice">{html.escape(notice)}</p>' if notice else ""
    return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8">
<title>Каталог Ozon: что блокирует карточки — {html.escape(stamp)}</title>
<style>{_CSS}</style></head>
<body>
<h1>Каталог Ozon: что блокирует карточки</h1>
<p class="muted">Отчёт от {html.escape(stamp)}, запуск {html.escape(run_id[:8])}.</p>
{alert}<div class="cards">{tiles}</div>
<div class="split"><div><h2>По причинам</h2>{reasons}</div>
<div><h2>По ответственным</h2>{owners}</div></div>
<h2>Динамика по запускам</h2>{_svg_trend(runs)}
<h2>Товары и причины блокировки ({blockers["offer_id"].n_unique()} SKU)</h2>
{more}{detail}
</body></html>
"""


def render_csv(blockers: pl.DataFrame) -> bytes:
    """The blockers for Excel: UTF-8 with BOM, `;`-separated, Russian headers."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["Артикул", "Название", "Причина", "Код", "Описание", "Кто исправляет", "Что сделать"]
    )
    for row in blockers.iter_rows():
        writer.writerow(["" if v is None else v for v in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def build_report(
    inputs: ReportInputs,
    rules: CardFieldRules,
    previous_runs: list[dict[str, Any]],
    *,
    at: datetime,
    run_id: str,
    notice: str | None = None,
) -> CatalogReport:
    """Blockers, totals and both renderings; `previous_runs` feed the trend."""
    blockers = collect_blockers(inputs, rules)
    totals = totals_of(blockers, inputs)
    runs = [*previous_runs, {"run_id": run_id, "at": at, "totals": totals}]
    return CatalogReport(
        blockers=blockers,
        totals=totals,
        html=render_html(blockers, totals, runs, at, run_id, notice),
        csv=render_csv(blockers),
    )


def write_report(
    report: CatalogReport, directory: Path, at: datetime, run_id: str
) -> tuple[Path, Path]:
    """Write the run's HTML and CSV, plus `latest.*` copies; returns the run's two paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"catalog_{at.strftime('%Y%m%dT%H%M%S')}_{run_id[:8]}"
    html_path, csv_path = directory / f"{stem}.html", directory / f"{stem}.csv"
    html_path.write_text(report.html, encoding="utf-8")
    csv_path.write_bytes(report.csv)
    (directory / "latest.html").write_text(report.html, encoding="utf-8")
    (directory / "latest.csv").write_bytes(report.csv)
    return html_path, csv_path
