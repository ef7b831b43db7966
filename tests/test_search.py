"""Search with no server: Pagefind's index of the sample archive, used in Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pelican.plugins.replikk.build import build

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


# --- the search page and the header's field, as a reader meets them -------

ARTICLE = "/2024/smertebehandling-av-ryggpasienter/"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def box(page, selector: str) -> dict:
    """An element's size and text size as the browser lays it out."""
    return page.eval_on_selector(
        selector,
        "e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);"
        " return {width: r.width, height: r.height,"
        " font: parseFloat(s.fontSize), visible: r.height > 0}; }",
    )


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_the_search_page_has_one_search_box(page, sample_url):
    page.goto(f"{sample_url}/sok/")
    page.wait_for_selector("#filter-section")
    boxes = page.locator("input[type=search]:visible")
    assert boxes.count() == 1
    assert boxes.get_attribute("id") == "search-input"
    # The header's word leads to the page's own field.
    assert page.get_attribute("header .site-search a", "href") == "#search-input"


def test_header_search_field_has_a_visible_label_and_room_to_tap(page, sample_url):
    page.goto(sample_url + ARTICLE)
    field = page.locator("header input[type=search]")
    label = page.locator(f"header label[for={field.get_attribute('id')}]")
    assert label.is_visible()
    assert label.text_content() == "Søk"
    assert page.evaluate(
        "document.querySelector('header input[type=search]').labels.length"
    )
    size = box(page, "header input[type=search]")
    assert size["font"] >= 16, "smaller text makes iOS zoom in on focus"
    assert size["height"] >= 24
    button = box(page, "header .site-search-form button")
    assert button["width"] >= 24
    assert button["height"] >= 24
    assert page.get_attribute("header .site-search-form", "role") == "search"


def test_header_search_is_the_link_on_a_phone(browser, sample_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.goto(sample_url + ARTICLE)
    assert not tab.is_visible("header input[type=search]")
    assert tab.is_visible("header .site-search a")
    assert box(tab, "header .site-search a")["height"] >= 24
    context.close()


def test_filters_are_labelled_readable_and_large_enough(page, sample_url):
    search(page, sample_url, "fysioterapeut")
    selects = page.eval_on_selector_all(
        ".search-filters select",
        "ss => ss.map(s => ({name: s.name, labels: s.labels.length,"
        " font: parseFloat(getComputedStyle(s).fontSize),"
        " height: s.getBoundingClientRect().height}))",
    )
    assert [s["name"] for s in selects] == [
        "section",
        "topic",
        "author",
        "year",
        "language",
    ]
    for select in selects:
        assert select["labels"] == 1, select
        assert select["font"] >= 16, select
        assert select["height"] >= 24, select


def test_a_filter_narrows_the_results_and_the_count(page, sample_url):
    everything = search(page, sample_url, "fysioterapeut")
    page.select_option("#filter-year", "2025")
    page.wait_for_function(
        "n => document.querySelectorAll('.search-result').length < n",
        arg=len(everything),
    )
    shown = page.locator(".search-result").count()
    status = page.text_content(".search-status")
    assert status in {"Ingen treff.", "Ett treff.", f"{shown} treff."}


def test_an_excerpt_for_a_navigation_word_is_the_articles_own_text(
    page, sample_url, sample_site
):
    # "Debatter" is in every page's navigation and stems like the section
    # "Debatt" each article's header showed; excerpts are text from the
    # article's standfirst and body, and none is its header.
    search(page, sample_url, "Debatter")
    results = page.eval_on_selector_all(
        ".search-result",
        "rs => rs.map(r => ({href: r.querySelector('h2 a').getAttribute('href'),"
        " excerpt: r.querySelector('.excerpt').textContent}))",
    )
    assert len(results) > 3
    for result in results:
        html = sample_site.html(result["href"])
        header = html.select_one(".article-header")
        text = " ".join(
            part.get_text(" ")
            for part in html.select(".article-header .standfirst, .article-body")
        )
        assert words(result["excerpt"]) <= words(text), result
        excerpt = " ".join(result["excerpt"].split())
        section, title = (
            " ".join(header.select_one(s).get_text(" ").split())
            for s in (".section-label", "h1")
        )
        assert f"{section}. {title}" not in excerpt, result  # as it was
        for line in header.select("h1, .authors li, .tags"):
            assert " ".join(line.get_text(" ").split()) not in excerpt, result
        site = html.select_one(".site-header").get_text(" ")
        assert "Debattarkiv" in site
        assert "Debattarkiv" not in excerpt


def test_an_article_is_found_by_its_doi_and_topics(page, sample_url):
    results = search(page, sample_url, "10.5555/replikk.2024.005")
    assert [r["title"] for r in results] == ["Råd er behandling"]
    results = search(page, sample_url, "pasientkommunikasjon")
    assert "Råd er behandling" in [r["title"] for r in results]


def test_results_are_readable_and_counted_in_the_pages_language(page, sample_url):
    search(page, sample_url, "fysioterapeut", "en/search/")
    status = page.locator(".search-status")
    assert status.get_attribute("role") == "status"  # a polite live region
    shown = page.locator(".search-result").count()
    assert status.text_content() == f"{shown} results."
    for n in range(shown):
        title = box(page, f".search-result:nth-child({n + 1}) h2 a")
        assert title["height"] >= 24
    meta_font = page.eval_on_selector(
        ".search-result .meta", "e => getComputedStyle(e).fontFamily"
    )
    assert "system-ui" in meta_font
    assert page.locator(".search-result .excerpt mark").count() >= shown


def test_a_result_in_another_language_is_marked_as_such(page, sample_url):
    search(page, sample_url, "replication")
    langs = page.eval_on_selector_all(
        ".search-result", "rs => rs.map(r => r.getAttribute('lang'))"
    )
    assert "en" in langs


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_page_with_results_passes_axe_with_target_size(
    browser, sample_url, scheme
):
    if not AXE.is_file():
        pytest.skip("node_modules/axe-core is missing; run `npm ci`")
    context = browser.new_context(color_scheme=scheme)
    tab = context.new_page()
    search(tab, sample_url, "fysioterapeut")
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_AA,
    )
    context.close()
    assert "target-size" in {r["id"] for r in result["passes"]}
    violations = [
        f"{v['id']}: {v['help']} — "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert violations == []


def _vnu_errors(*paths: Path) -> list[str]:
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        pytest.skip("needs java and node_modules/vnu-jar (`npm ci`)")
    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(run.stderr or run.stdout)
    return [f"{m.get('lastLine', '?')}: {m.get('message')}" for m in report["messages"]]


def test_the_search_pages_are_valid_html_before_and_after_a_search(
    page, sample_url, sample_site, tmp_path
):
    searched = tmp_path / "searched.html"
    search(page, sample_url, "fysioterapeut")
    searched.write_text(page.content(), encoding="utf-8")
    pages = [sample_site.path("sok/"), sample_site.path("en/search/"), searched]
    assert _vnu_errors(*pages) == []


def test_more_results_are_shown_on_asking_and_focus_goes_to_the_first(
    page, content, build_site
):
    for n in range(23):
        content.article(f"innlegg-{n}", f"Et fellesord i innlegg nummer {n}.")
    site = build_site(content.root)
    with serve(site.output) as url:
        search(page, url, "fellesord")
        assert page.text_content(".search-status") == "23 treff."
        assert page.locator(".search-result").count() == 20
        page.click(".search-more")
        page.wait_for_function(
            "document.querySelectorAll('.search-result').length === 23"
        )
        assert (
            page.evaluate(
                "[...document.querySelectorAll('.search-result')]"
                ".indexOf(document.activeElement.closest('.search-result'))"
            )
            == 20
        )
        assert not page.is_visible(".search-more")


# --- the page holds still while results load, and keeps what was typed ----

# Each layout shift Chromium recorded since the page began to load (buffered),
# apart from those right after the reader's own input, with what moved; read
# two frames after the results are in, so their own shifts are reported.
LAYOUT_SHIFTS = """() => new Promise((resolve) => {
  const shifts = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      const moved = entry.sources.map(
        (s) => s.node ? `${s.node.nodeName}.${s.node.className || ""}` : "?");
      shifts.push({value: entry.value, moved});
    }
  });
  observer.observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
    observer.disconnect();
    resolve(shifts);
  }, 100)));
})"""


@pytest.mark.parametrize(
    "viewport",
    [{"width": 412, "height": 823}, {"width": 1280, "height": 720}],
    ids=["phone", "wide"],
)
def test_results_from_the_address_do_not_shift_the_page(browser, sample_url, viewport):
    # Lighthouse's search page (tools/pages.py): the query in the address,
    # the filters and results arriving after the first paint. The footer
    # must not jump as they come (cumulative layout shift, good under 0.1).
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    results = search(tab, sample_url, "rygg")
    shifts = tab.evaluate(LAYOUT_SHIFTS)
    context.close()
    assert len(results) > 1
    assert sum(s["value"] for s in shifts) < 0.05, shifts


def test_a_query_typed_before_the_script_loads_is_kept_and_searched(page, sample_url):
    # A slow connection: the field is there before search.js is, and the
    # reader types into it. The address's query must not replace theirs.
    held = []

    def hold(route) -> None:  # Playwright wants a function of its own
        held.append(route)

    page.route("**/js/search.js", hold)
    page.goto(f"{sample_url}/sok/?q=rygg", wait_until="commit")
    page.fill("#search-input", "vikarbyråer")
    for _ in range(100):  # until the script's request is held
        if held:
            break
        page.wait_for_timeout(50)
    assert page.input_value("#search-input") == "vikarbyråer"
    (script,) = held
    script.continue_()
    page.wait_for_function(
        "document.querySelector('.search-status').textContent.length > 0"
    )
    assert page.input_value("#search-input") == "vikarbyråer"
    titles = page.eval_on_selector_all(
        ".search-result h2 a", "as => as.map(a => a.textContent)"
    )
    assert titles == ["Flere hender er ikke nok"]
    assert page.evaluate("new URL(location).searchParams.get('q')") == "vikarbyråer"


def test_the_address_query_fills_an_untouched_field(page, sample_url):
    results = search(page, sample_url, "vikarbyråer")
    assert page.input_value("#search-input") == "vikarbyråer"
    assert [r["title"] for r in results] == ["Flere hender er ikke nok"]
