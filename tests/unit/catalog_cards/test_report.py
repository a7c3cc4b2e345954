"""The staff report: blockers with owner and action, totals, trend; HTML in a real browser."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from novex_assets.catalog.card_fields import load_card_fields
from novex_assets.catalog.report import ReportInputs, build_report, write_report
from resources.store.catalog_cards import (
    EXPORT_SCHEMA,
    MODERATION_SCHEMA,
    STORED_DRIFT_FLAG_SCHEMA,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

RULES = load_card_fields()
AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _inputs() -> ReportInputs:
    products = pl.DataFrame(
        {
            "offer_id": ["A1", "A2", "A3", "A4", "A5", "A6", "A7"],
            "name": ["Шампунь A1", "Шампунь A2", "Шампунь A3", "Шампунь A4", "Шампунь A5",
                     "Гель A6", "Шампунь A7"],
            "category_code": ["HC-0101"] * 5 + ["HC-0999", "HC-0101"],
            "category_name": ["Шампуни"] * 5 + ["Гели", "Шампуни"],
            "ozon_enabled": [True] * 7,
        }
    )  # fmt: skip
    cards = pl.DataFrame(
        {
            "offer_id": ["A1", "A2", "A3", "A4", "A5", "A7"],
            "description_category_id": [17028968] * 6,
            "type_id": [93284] * 6,
            "card": [
                json.dumps(
                    {"attributes": [{"id": 22236, "values": [{"dictionary_value_id": v}]}]}
                ).replace(" ", "")
                for v in (970584101, 970584103, 970584101, 970584101, 970584101, 970584101)
            ],
        }
    )
    failures = json.dumps(
        [{"check": "images_present", "reason": "нет ни одного изображения", "owner": "Art-Trade"}],
        ensure_ascii=False,
    )
    checks = pl.DataFrame(
        {
            "offer_id": ["A1", "A2", "A3"],
            "passed": [False, True, True],
            "failures": [failures, "[]", "[]"],
        }
    )
    now = AT
    import_error = json.dumps([{"code": "missing_dimension", "message": "Не указаны размер и вес"}])
    quota = json.dumps([{"code": "daily_quota", "message": "квота"}])
    exports = pl.DataFrame(
        [
            ("A3", "h", 1, "failed", import_error, now, None, None, None),
            ("A4", "h", None, "waiting_quota", quota, None, None, None, None),
        ],
        schema=EXPORT_SCHEMA,
        orient="row",
    )
    decline = json.dumps(
        [{"code": "forbidden_word_in_name", "message": "Запрещённое слово в названии"}],
        ensure_ascii=False,
    )
    moderation = pl.DataFrame(
        [("A5", 5, "declined", decline, now), ("A2", 2, "approved", "[]", now)],
        schema=MODERATION_SCHEMA,
        orient="row",
    )
    mapping = pl.DataFrame(
        {"novex_category_code": ["HC-0101", "HC-0999"], "status": ["confirmed", "suggested"]}
    )
    pair = (17028968, 93284)
    drift = pl.DataFrame(
        [
            # Hair type is Art-Trade's (card_fields.yaml), even where the card took Ozon's value.
            ("A2", 1, *pair, 22236, "value_withdrawn", 970584103, "сухие", "ozon"),
            # Colour: a value on Ozon wins (template_wins), so the template is where to fix it.
            ("A7", 2, *pair, 10096, "value_withdrawn", 61576, "розовый", "ozon"),
            ("A7", 3, *pair, 4389, "required_added", None, None, None),
        ],
        schema={
            k: v
            for k, v in STORED_DRIFT_FLAG_SCHEMA.items()
            if k not in ("flagged_at", "cleared_at", "cleared_by")
        },
        orient="row",
    ).with_columns(
        pl.lit(now).alias("flagged_at"),
        pl.lit(None, pl.Datetime("us", "UTC")).alias("cleared_at"),
        pl.lit(None, pl.String).alias("cleared_by"),
    )
    return ReportInputs(
        products=products,
        cards=cards,
        checks=checks,
        exports=exports,
        moderation=moderation,
        mapping=mapping,
        drift=drift,
        attribute_names={22236: "Тип волос", 10096: "Цвет товара", 4389: "Страна-изготовитель"},
    )


def _previous() -> list[dict]:
    history = [(40, 0), (25, 10), (12, 30)]
    return [
        {
            "run_id": f"r{i}",
            "at": AT - timedelta(days=3 - i),
            "totals": {"blocked_skus": blocked, "approved": approved},
        }
        for i, (blocked, approved) in enumerate(history)
    ]


def test_every_blocker_gets_its_owner_and_action() -> None:
    report = build_report(_inputs(), RULES, _previous(), at=AT, run_id="abcdef123456")
    rows = {(r["offer_id"], r["reason"], r["owner"]) for r in report.blockers.iter_rows(named=True)}
    assert ("A1", "Не прошла проверки", "Art-Trade") in rows
    assert ("A3", "Ошибка импорта Ozon", "SAP") in rows
    assert ("A4", "Ждёт квоты Ozon", "Ozon (квота)") in rows
    assert ("A5", "Отклонена модерацией", "Art-Trade") in rows
    assert ("A6", "Категория не подтверждена", "сопоставление категорий") in rows
    assert report.totals["blocked_skus"] == 7
    assert report.totals["by_owner"]["Art-Trade"] == 4
    assert all(report.blockers["action"].str.len_chars() > 0)


def test_drift_flags_name_the_owner_from_card_fields_and_the_action() -> None:
    report = build_report(_inputs(), RULES, [], at=AT, run_id="abcdef123456")
    drift = {
        (r["offer_id"], r["code"]): r
        for r in report.blockers.filter(pl.col("reason") == "Изменился справочник Ozon").iter_rows(
            named=True
        )
    }
    assert set(drift) == {
        ("A2", "value_withdrawn"),
        ("A7", "value_withdrawn"),
        ("A7", "required_added"),
    }
    hair = drift[("A2", "value_withdrawn")]
    assert hair["owner"] == "Art-Trade"
    assert "«сухие»" in hair["detail"] and "«Тип волос»" in hair["detail"]
    assert "в Art-Trade" in hair["action"]
    colour = drift[("A7", "value_withdrawn")]
    assert colour["owner"] == "шаблон Ozon" and "в шаблоне Ozon" in colour["action"]
    country = drift[("A7", "required_added")]
    assert country["owner"] == "Art-Trade"
    assert country["action"] == "Заполнить характеристику «Страна-изготовитель» в Art-Trade"


def test_csv_is_for_excel() -> None:
    report = build_report(_inputs(), RULES, [], at=AT, run_id="abcdef123456")
    assert report.csv.startswith(b"\xef\xbb\xbf")
    text = report.csv.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header[0] == "Артикул" and header[5] == "Кто исправляет"
    assert "\r\n" in text


def test_html_is_self_contained() -> None:
    html = build_report(_inputs(), RULES, _previous(), at=AT, run_id="abcdef123456").html
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "<link" not in html and "<svg" in html and 'lang="ru"' in html


def test_report_renders_in_a_real_browser(chromium_browser: Browser, tmp_path: Path) -> None:
    report = build_report(_inputs(), RULES, _previous(), at=AT, run_id="abcdef123456")
    html_path, _ = write_report(report, tmp_path, AT, "abcdef123456")
    page = chromium_browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(html_path.as_uri())
        text = page.inner_text("body")
        assert "Каталог Ozon: что блокирует карточки" in text
        assert "Заблокировано SKU" in text
        for expected in ("A1", "A6", "сопоставление категорий", "Исправить данные товара в SAP"):
            assert expected in text
        # Each blocker is one table row whose cells say who fixes what, and how.
        cells = page.locator("tbody tr", has_text="missing_dimension").locator("td")
        assert cells.all_inner_texts() == [
            "A3",
            "Шампунь A3",
            "Ошибка импорта Ozon",
            "missing_dimension",
            "Не указаны размер и вес",
            "SAP",
            "Исправить данные товара в SAP",
        ]
        drift = page.locator("tbody tr", has_text="required_added").locator("td")
        texts = drift.all_inner_texts()
        assert texts[0] == "A7" and texts[2] == "Изменился справочник Ozon"
        assert texts[5:] == [
            "Art-Trade",
            "Заполнить характеристику «Страна-изготовитель» в Art-Trade",
        ]
        owners = page.locator("tr", has_text="шаблон Ozon").first.locator("td").all_inner_texts()
        assert owners[:2] == ["шаблон Ozon", "1"]
        # The trend chart is drawn: one polyline per series, a point per run.
        assert page.locator("svg polyline").count() == 2
        assert page.locator("svg circle").count() == 8
        # Nothing was fetched from outside the file.
        assert page.evaluate("performance.getEntriesByType('resource').length") == 0
        page.screenshot(path=str(tmp_path / "catalog_report.png"), full_page=True)
        assert (tmp_path / "catalog_report.png").stat().st_size > 10_000
    finally:
        page.close()
