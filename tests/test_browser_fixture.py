"""The headless Chromium fixture renders a local, self-contained page (as reports will be)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser


def test_chromium_renders_a_local_page_and_takes_a_screenshot(
    chromium_browser: Browser, tmp_path: Path
) -> None:
    page_file = tmp_path / "report.html"
    page_file.write_text(
        "<!doctype html><html lang='ru'><meta charset='utf-8'><title>Отчёт</title>"
        "<body><h1>Карточки</h1><p id='n'>3</p>"
        "<script>document.getElementById('n').textContent = String(1 + 2 * 2);</script>"
        "</body></html>",
        encoding="utf-8",
    )
    page = chromium_browser.new_page()
    try:
        page.goto(page_file.as_uri())
        assert page.title() == "Отчёт"
        assert page.inner_text("h1") == "Карточки"
        assert page.inner_text("#n") == "5"  # the page's script ran
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        page.close()
