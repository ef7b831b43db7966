"""The theme as readers meet it, in Debian's Chromium: axe-core finds no WCAG 2.2
A/AA violations (target size included) on any page kind, in either colour
scheme, on a wide screen and on a phone, and a 320 px wide screen needs no
sideways scrolling.

The built sample archive is served over http on 127.0.0.1 (a free port); the
server and the browser are conftest's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# One page of every kind the site writes.
PAGES = {
    "front page": "/",
    "article": "/2024/smertebehandling-av-ryggpasienter/",
    "reply": "/2024/rad-er-behandling/",
    "article outside any debate": "/2024/debatten-er-en-del-av-vitenskapen/",
    "english translation": "/2025/sentralisert-legevakt-gjev-betre-kvalitet/en/",
    "debate page": "/debatt/smertebehandling-av-ryggpasienter/",
    "debates": "/debatt/",
    "author page": "/forfatter/ingrid-solvang/",
    "authors": "/forfatter/",
    "list page": "/emne/rygg/",
    "topics": "/emne/",
    "section": "/seksjon/debatt/",
    "sections": "/seksjon/",
    "archive": "/arkiv/",
    "year archive": "/arkiv/2024/",
    "month archive": "/arkiv/2024/04/",
    "fixed page with code": "/send-inn-et-svar/",
    "english fixed page": "/om/en/",
    "search page": "/sok/",
    "not found": "/404.html",
}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def axe_installed() -> None:
    if not AXE.is_file():
        pytest.skip(f"{AXE.relative_to(ROOT)} is missing; run `npm ci`")


@pytest.fixture(scope="module")
def served(sample_url) -> str:
    """The sample archive on 127.0.0.1 (conftest's server and browser)."""
    return sample_url


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_AA,
    )
    assert result["passes"], "axe ran no rules at all"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
    ]


@pytest.mark.parametrize(
    ("scheme", "width"), [("light", 1280), ("dark", 1280), ("light", 390)]
)
@pytest.mark.parametrize("kind", list(PAGES))
def test_page_has_no_wcag_22_aa_violations(browser, served, kind, scheme, width):
    context = browser.new_context(
        color_scheme=scheme, viewport={"width": width, "height": 800}
    )
    try:
        page = context.new_page()
        page.goto(served + PAGES[kind])
        assert _violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize(
    "kind", ["article", "reply", "debate page", "front page", "fixed page with code"]
)
def test_a_320px_screen_needs_no_sideways_scrolling(browser, served, kind):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        page.goto(served + PAGES[kind])
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 320
    finally:
        context.close()


def test_skip_link_is_first_and_visible_when_focused(browser, served):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(served + PAGES["article"])
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const a = document.activeElement;"
            " const r = a.getBoundingClientRect();"
            " return [a.getAttribute('href'), r.top >= 0 && r.height > 0,"
            " getComputedStyle(a).outlineStyle]; }"
        )
        assert focused[0] == "#main"
        assert focused[1], "the focused skip link is on screen"
        assert focused[2] != "none", "focus is visible"
    finally:
        context.close()


def test_pages_work_without_javascript(browser, served):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served + PAGES["debate page"])
        assert page.locator(".debate-diagram a.diagram-title").first.is_visible()
        assert page.locator(".debate-timeline li").count() == 5
    finally:
        context.close()
