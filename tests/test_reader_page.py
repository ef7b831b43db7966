"""The reader's page, measured in Debian's Chromium the way a reader meets it.

Where an article stands in its debate is in view before any scrolling; the
debate stands beside the text on a wide screen and stays there while the
reader reads, and comes between the text and its references on a phone; the
header is compact; no text is smaller than 13 px on a phone; body lines are
about 60–75 characters, set in a named font every system has.

(The other browser checks of the reader's page live beside their parts:
visible feed links and feeds opened as HTML in tests/test_feed_pages.py, the
diagram's links in tests/test_diagram.py, ``invoke serve``'s 404 in
tests/test_serve.py, axe-core with target size in tests/test_accessibility.py.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from .test_accessibility import PAGES

pytestmark = pytest.mark.browser

ARTICLE = "/2024/smertebehandling-av-ryggpasienter/"  # answered twice
REPLY = "/2024/rad-er-behandling/"  # a reply, answered in turn
BODY_FONTS = {
    "Charter",
    "Bitstream Charter",
    "Sitka Text",
    "Cambria",
    "Georgia",
    "DejaVu Serif",
}
SMALLEST_TEXT = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const element = node.parentElement;
    const box = element.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // visually hidden
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const size = parseFloat(style.fontSize);
    if (size < 13) small.push(`${size}px: ${node.textContent.trim().slice(0, 40)}`);
  }
  return small;
}"""
# Characters on each full line of the first long paragraph of the text.
LINE_LENGTHS = """() => {
  const p = [...document.querySelectorAll('.article-body > p')]
    .find(p => p.textContent.length > 400);
  const text = p.firstChild;
  const range = document.createRange();
  const lines = new Map();
  for (let i = 0; i < text.length; i++) {
    range.setStart(text, i); range.setEnd(text, i + 1);
    const rect = range.getClientRects()[0];
    if (!rect) continue;
    const top = Math.round(rect.top);
    lines.set(top, (lines.get(top) || 0) + 1);
  }
  return [...lines.values()].slice(0, -1);
}"""


@contextmanager
def _opened(browser, url: str, width: int, height: int = 800) -> Iterator:
    """A tab with ``url`` open at ``width`` × ``height``, closed afterwards."""
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(url)
        yield page
    finally:
        context.close()


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("path", [ARTICLE, REPLY])
def test_the_reply_line_is_above_the_fold_at_1280x800(browser, sample_url, path):
    with _opened(browser, sample_url + path, 1280) as page:
        line = _box(page, ".debate-line")
        assert line["y"] + line["height"] <= 800
        assert page.locator(".debate-line a").count() >= 2


def test_on_a_wide_screen_the_debate_stands_beside_the_text_and_stays(
    browser, sample_url
):
    with _opened(browser, sample_url + REPLY, 1280) as page:
        body, aside = _box(page, ".article-body"), _box(page, ".debate-aside")
        assert aside["x"] >= body["x"] + body["width"]
        assert aside["y"] < 800  # in the first screen
        # Read on to the references: the debate is still in view.
        page.locator(".article-references").scroll_into_view_if_needed()
        aside = _box(page, ".debate-aside")
        assert aside["y"] >= 0 and aside["y"] + aside["height"] <= 800


def test_on_a_phone_the_debate_comes_after_the_text_before_the_references(
    browser, sample_url
):
    with _opened(browser, sample_url + REPLY, 390, 844) as page:
        body = _box(page, ".article-body")
        aside = _box(page, ".debate-aside")
        references = _box(page, ".article-references")
        assert body["y"] + body["height"] <= aside["y"]
        assert aside["y"] + aside["height"] <= references["y"]
        assert abs(aside["x"] - body["x"]) < 2


@pytest.mark.parametrize("kind", list(PAGES))
def test_header_is_compact_and_no_text_is_under_13px_on_a_phone(
    browser, sample_url, kind
):
    with _opened(browser, sample_url + PAGES[kind], 390, 844) as page:
        assert _box(page, ".site-header")["height"] <= 120
        assert page.evaluate(SMALLEST_TEXT) == []


@pytest.mark.parametrize("kind", list(PAGES))
def test_navigation_is_one_row_with_a_labelled_search_at_1280(
    browser, sample_url, kind
):
    with _opened(browser, sample_url + PAGES[kind], 1280) as page:
        rows = page.evaluate(
            "() => new Set([...document.querySelectorAll('.site-header nav li')]"
            ".map(li => Math.round(li.getBoundingClientRect().top))).size"
        )
        assert rows == 1
        if kind != "search page":  # there the page's own form is the search
            field = page.locator(".site-search input")
            label = page.locator(f"label[for='{field.get_attribute('id')}']")
            assert label.is_visible()


def test_body_lines_hold_60_to_75_characters_at_1280(browser, sample_url):
    with _opened(browser, sample_url + ARTICLE, 1280) as page:
        lengths = page.evaluate(LINE_LENGTHS)
        assert len(lengths) >= 3
        average = sum(lengths) / len(lengths)
        assert 60 <= average <= 75, lengths


def test_text_is_set_in_a_named_font_of_the_stack(browser, sample_url):
    with _opened(browser, sample_url + ARTICLE, 1280) as page:
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send(
            "DOM.querySelector", {"nodeId": root, "selector": ".article-body > p"}
        )["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        used = max(fonts, key=lambda f: f["glyphCount"])["familyName"]
        assert used in BODY_FONTS, fonts


def test_the_standfirst_differs_from_the_text_in_size_and_weight(browser, sample_url):
    with _opened(browser, sample_url + ARTICLE, 1280) as page:
        style = (
            "s => { const c = getComputedStyle(document.querySelector(s));"
            " return [parseFloat(c.fontSize), Number(c.fontWeight)]; }"
        )
        standfirst = page.evaluate(style, ".standfirst")
        text = page.evaluate(style, ".article-body > p")
        assert standfirst[0] >= text[0] + 2
        assert standfirst[1] >= text[1] + 200
