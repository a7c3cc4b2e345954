"""A real headless Chromium (Debian's package) driven by Playwright, for checks of HTML reports.

Never `playwright install`: it downloads browsers and fails offline. Debian's `chromium` is
what `.ci/run` installs, so the tests use that executable.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path(os.environ.get("NOVEX_CHROMIUM", "/usr/bin/chromium"))
# Without the networking flags Chromium keeps trying to reach the internet from a sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_missing_reason() -> str | None:
    """Return None when the browser can run here, else why not."""
    if not CHROMIUM.is_file():
        return (
            f"Chromium not found at {CHROMIUM} "
            "(apt-get install -y chromium; .ci/run does it when missing)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"Playwright for Python is not installed ({exc})"
    return None


@contextmanager
def launch_chromium() -> Iterator[Browser]:
    """Launch headless Chromium with the offline-safe flags; closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
