"""Full-page screenshots of one page of every page kind, at each width and
colour scheme, as ``<kind>-<width>-<scheme>.png`` (``invoke screenshots``).

The site is served on a free localhost port by the same server as
``invoke serve`` (so the 404 picture is the real 404 reply), and Debian's
Chromium is driven by Playwright, which downloads no browser."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from playwright.sync_api import Page as Tab
from playwright.sync_api import sync_playwright

from pelican.plugins.replikk.server import served
from tools import chromium
from tools.pages import Page, pick

CHROMIUM = os.environ.get("CHROMIUM", chromium.DEFAULT)
SCHEMES = ("light", "dark")
HEIGHT = 800  # the first screen; a full-page picture is as tall as the page
SEARCH_TIMEOUT_MS = 10_000


def _show(tab: Tab, base: str, page: Page) -> None:
    # The search script sets the field from the URL once it is ready, and
    # would wipe what was typed before that: type when the network is idle.
    tab.goto(base + page.path, wait_until="networkidle" if page.query else "load")
    if page.query:
        # Type as a reader does, and wait for the results (or "no results").
        field = tab.locator("main input[type=search]").first
        field.fill(page.query)
        field.press("Enter")
        tab.wait_for_function(
            "document.querySelector('[role=status]')?.textContent.trim().length > 0",
            timeout=SEARCH_TIMEOUT_MS,
        )


def take(
    site: Path,
    out: Path,
    widths: Iterable[int] = (1280, 390),
    schemes: Iterable[str] = SCHEMES,
    kinds: list[str] | None = None,
) -> list[Path]:
    """Write the screenshots into ``out``; return their paths."""
    pages = pick(site, kinds)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=list(chromium.ARGS)
        )
        try:
            for width in widths:
                for scheme in schemes:
                    context = browser.new_context(
                        viewport={"width": width, "height": HEIGHT},
                        color_scheme=scheme,
                        device_scale_factor=1,
                    )
                    tab = context.new_page()
                    for page in pages:
                        _show(tab, base, page)
                        path = out / f"{page.kind}-{width}-{scheme}.png"
                        tab.screenshot(path=str(path), full_page=True)
                        written.append(path)
                    context.close()
        finally:
            browser.close()
    return written
