"""Metadata with HTML and script in it is text everywhere it is written."""

from __future__ import annotations

import json

import feedparser
import pytest
from bs4 import BeautifulSoup

EVIL = '<script>alert(1)</script> A < B & "C" </script>'
# What a reader sees: the characters as typed (typography may turn "C" into «C»).
SHOWN = "<script>alert(1)</script> A < B &"


@pytest.fixture
def evil_site(content, build_site):
    content.author("Ola <b>Fet</b> & Sønn")
    content.article(
        "ond",
        Title=EVIL,
        Summary=EVIL,
        Authors="Ola <b>Fet</b> & Sønn",
        Tags='<img src=x onerror=alert(1)>, "sitat"',
        Competing_interests=EVIL,
    )
    content.article("svar", Reply_to="ond", Title="Svar", Date="2024-01-02 10:00")
    return build_site(content.root)


def _pages(site):
    return [p for p in site.output.rglob("*.html")]


def test_no_injected_element_survives_in_any_page(evil_site):
    for page in _pages(evil_site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json":
                continue  # data, not a program: checked to parse, below
            assert "alert(1)" not in (script.string or ""), page
        assert not soup.find("img", onerror=True), page
        assert not soup.select("b:-soup-contains('Fet')"), page


def test_hostile_title_reads_as_text_on_its_page_and_in_lists(evil_site):
    article = evil_site.html("2024/ond/")
    assert " ".join(article.h1.get_text().split()).startswith(SHOWN)
    reply = evil_site.html("2024/svar/")
    assert SHOWN in " ".join(reply.select_one(".debate-line").get_text().split())
    assert SHOWN in " ".join(evil_site.html("debatt/").get_text().split())


def test_every_json_ld_block_parses_and_holds_the_title_as_text(evil_site):
    for page in _pages(evil_site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for block in soup.find_all("script", type="application/ld+json"):
            json.loads(block.string)


def test_every_feed_parses_and_carries_no_live_markup(evil_site):
    feeds = list(evil_site.output.rglob("*.xml"))
    assert feeds
    for path in feeds:
        raw = path.read_text(encoding="utf-8")
        assert "<script>" not in raw, path  # escaped, as XML text
        assert "<b>Fet" not in raw, path
        parsed = feedparser.parse(raw)
        if path.name.endswith((".atom.xml", ".rss.xml")):
            assert not parsed.bozo, (path, parsed.get("bozo_exception"))
