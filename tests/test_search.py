"""Search with no server: Pagefind's index of the sample archive, used in Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from replikk.build import build

from .conftest import ROOT, SETTINGS, _overrides, serve

pytestmark = pytest.mark.browser


def articles_containing(word: str) -> list[Path]:
    """Published articles whose text has the word (the premise of a query)."""
    return [
        p
        for p in (ROOT / "content" / "artikler").rglob("*.md")
        if word.lower() in p.read_text(encoding="utf-8").lower()
        and "Status: draft" not in p.read_text(encoding="utf-8")
    ]


def search(page, base: str, query: str, lang_page: str = "sok/") -> list[dict]:
    page.goto(f"{base}/{lang_page}?q={query}")
    page.wait_for_function(
        "document.querySelector('.search-status').textContent.length > 0"
    )
    return page.eval_on_selector_all(
        ".search-result h2 a",
        "as => as.map(a => ({title: a.textContent, href: a.getAttribute('href')}))",
    )


def test_the_build_indexes_each_published_article_once_and_no_draft(sample_site):
    entry = json.loads(sample_site.text("pagefind/all/pagefind-entry.json"))
    (language,) = entry["languages"].values()
    published = articles_containing("")  # translations are files of their own
    assert language["page_count"] == len(published)
    # The preview build writes the draft's page, but search never finds it.
    assert sample_site.path("utkast/ryggsmerter-og-arbeidsliv/").exists()


def test_query_matching_one_article_finds_exactly_it(page, sample_url):
    (source,) = articles_containing("vikarbyråer")
    results = search(page, sample_url, "vikarbyråer")
    assert len(results) == 1
    assert results[0]["href"].rstrip("/").endswith(source.stem)
    assert results[0]["title"] == "Flere hender er ikke nok"


def test_query_matching_several_articles_lists_each_once(page, sample_url):
    sources = articles_containing("fysioterapeut")
    assert len(sources) > 3
    results = search(page, sample_url, "fysioterapeut")
    hrefs = [r["href"] for r in results]
    assert len(hrefs) == len(set(hrefs))
    assert {h.rstrip("/").split("/")[-1] for h in hrefs} >= {p.stem for p in sources}


def test_result_shows_section_date_authors_and_debate(page, sample_url):
    search(page, sample_url, "vikarbyråer")
    meta = page.text_content(".search-result .meta")
    assert "Debatt" in meta or "Kommentar" in meta or "Kronikk" in meta
    assert "2024" in meta
    assert "Liv Aasen" in meta
    assert page.text_content(".search-result .debate-note")


def test_english_search_page_finds_norwegian_articles(page, sample_url):
    results = search(page, sample_url, "vikarbyråer", "en/search/")
    assert len(results) == 1
    assert page.get_attribute("html", "lang") == "en"


def test_search_page_without_javascript_says_how_to_browse(browser, sample_url):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{sample_url}/sok/")
    assert tab.is_visible("#search-input")
    context.close()


def test_header_search_field_leads_to_results(page, sample_url):
    page.goto(f"{sample_url}/2024/smertebehandling-av-ryggpasienter/")
    page.fill("header input[type=search]", "vikarbyråer")
    page.press("header input[type=search]", "Enter")
    page.wait_for_selector(".search-result")
    assert page.text_content(".search-result h2") == "Flere hender er ikke nok"


def test_header_search_is_a_link_without_javascript(browser, sample_url):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{sample_url}/2024/smertebehandling-av-ryggpasienter/")
    assert tab.get_attribute("header .site-search a", "href").endswith("sok/")
    context.close()


def test_an_article_is_found_by_its_own_words_not_by_its_replies(page, sample_url):
    # "vikarbyråer" stands in "Flere hender er ikke nok" only; the article it
    # answers lists that reply (title and standfirst) but must not match it.
    results = search(page, sample_url, "vikarbyråer")
    assert [r["title"] for r in results] == ["Flere hender er ikke nok"]
    # The English reply shows its author's biography; words from a biography
    # are not the article's words.
    results = search(page, sample_url, "førsteamanuensis")
    assert all("Norwegian general practice" not in r["title"] for r in results)


def test_an_index_built_in_parts_finds_the_same_articles(page, sample_url, tmp_path):
    # Above SEARCH_PART_PAGES the index is one Pagefind run per year, merged
    # in the browser with Pagefind's mergeIndex: words in articles of both
    # years find what the one-run index finds, filters included. (A word in
    # one year only is not such a case: a part where no word begins with it
    # answers with its longest word the query begins with, Pagefind's
    # fallback, which one index over both years does not take; see
    # docs/performance.md.)
    output = tmp_path / "output"
    build(SETTINGS, _overrides(ROOT / "content", output, {"SEARCH_PART_PAGES": 3}))
    parts = json.loads((output / "pagefind" / "parts.json").read_text())["parts"]
    assert parts == ["2024", "2025"]
    queries = ("pasienten", "organisering")
    expected = {query: search(page, sample_url, query) for query in queries}
    with serve(output) as url:
        for query, results in expected.items():
            found = search(page, url, query)
            assert sorted(r["href"] for r in found) == sorted(
                r["href"] for r in results
            )
        page.goto(f"{url}/sok/")
        page.wait_for_selector("#filter-author")
        authors = page.eval_on_selector_all("#filter-author option", "os => os.length")
    assert len(expected["pasienten"]) > 3
    assert len(expected["organisering"]) > 1
    assert authors > 5
