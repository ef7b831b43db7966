"""Citing and printing an article, as readers meet them in Debian's Chromium:
the "Cite this article" copy button, the reference links' tap targets, and
the printed page (what it hides, each DOI once, addresses broken between
their parts).

A small archive is built with the preview settings and served on 127.0.0.1
(conftest's server and browser).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pelican.plugins.replikk.build import build

from .conftest import SETTINGS, ContentFolder, _overrides, serve

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

LONG_URL = (
    "https://www.helsedirektoratet.no/retningslinjer/korsryggsmerter-med-og-uten"
    "-nerverotaffeksjon/diagnostikk-og-behandling-i-primaerhelsetjenesten"
)
LANCET_DOI = "10.1016/S0140-6736(18)30480-X"
LANCET = "Hartvigsen J, Hancock MJ. What low back pain is. Lancet 2018; 391: 2356–67."
OWN_DOI = "10.5555/cp.002"
BASIS_DOI = "10.5555/cp.001"
SOURCES = f"""\
Tallene er omstridt (1, 2). Se også [rapporten](https://www.example.org/rapport)
og grunnlaget (3). En kilde uten DOI (4), og den første igjen (1).

## Referanser

1. {LANCET} doi: {LANCET_DOI}
2. Helsedirektoratet. Korsryggsmerter. {LONG_URL}
3. Nordmann K. Grunnlaget. Replikk 2024. doi: {BASIS_DOI}
4. Statens helsetilsyn. Rapport om ventetider. Oslo: Helsetilsynet; 2023.
"""
REPLY = f"""\
Jeg er uenig (1).

## Referanser

1. Nordmann K. Kilder og lenker. Replikk 2024. doi: {OWN_DOI}
"""
ENGLISH = f"""\
As shown before (1).

## References

1. {LANCET} doi: {LANCET_DOI}
"""
ARTICLE = "/2024/kilder/"
ENGLISH_ARTICLE = "/2024/sources/"
# What a printed article leaves out (whichever of them the page has).
NOT_PRINTED = [
    ".skip-link",
    ".site-header nav",
    ".site-search",
    ".site-footer",
    ".pagination",
    ".debate-aside",
    ".debate-line-debate",
    ".reply-action",
    ".follow",
    ".cite-downloads",
    ".cite-actions",
    ".ref-back",
    ".ref-search",
    ".ref-archive",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("cite-print")
    content = ContentFolder(root / "content")
    content.author("Kari Nordmann")
    # Each with a Summary: one cut from so short a text would hold it all.
    content.article("grunnlag", "Grunnlaget.", DOI=BASIS_DOI, Date="2024-01-10 10:00")
    content.article(
        "kilder",
        SOURCES,
        Title="Kilder og lenker",
        DOI=OWN_DOI,
        Date="2024-02-01",
        Summary="Om kildene.",
    )
    content.article(
        "svar", REPLY, Reply_to="kilder", Date="2024-02-10 10:00", Summary="Uenig."
    )
    content.article(
        "sources", ENGLISH, Lang="en", DOI="10.5555/cp.004", Summary="Sources."
    )
    result = build(SETTINGS, _overrides(root / "content", root / "output", {}))
    assert not result.problems.errors
    with serve(root / "output") as url:
        yield url


@pytest.fixture
def clipboard_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    yield context.new_page()
    context.close()


# -- cite this article ---------------------------------------------------------


def test_the_doi_in_cite_this_is_a_link(page, served) -> None:
    page.goto(served + ARTICLE)
    link = page.locator(".citation-text a")
    assert link.count() == 1
    assert link.text_content() == OWN_DOI
    assert link.get_attribute("href") == f"https://doi.org/{OWN_DOI}"
    assert page.locator(".citation-text").text_content().endswith(f"doi: {OWN_DOI}")


@pytest.mark.parametrize(
    ("url", "button", "copied"),
    [
        (ARTICLE, "Kopier referansen", "Kopiert"),
        (ENGLISH_ARTICLE, "Copy the reference", "Copied"),
    ],
)
def test_the_copy_button_copies_the_citation(
    clipboard_page, served, url, button, copied
) -> None:
    page = clipboard_page
    page.goto(served + url)
    citation = page.locator(".citation-text").text_content().strip()
    page.get_by_role("button", name=button).click()
    status = page.get_by_role("status")
    status.filter(has_text=copied).wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == citation
    assert status.get_attribute("class") == "cite-copy-status"


def test_without_javascript_there_is_no_copy_button(browser, served) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served + ARTICLE)
        assert page.locator(".cite-this").is_visible()
        assert page.locator(".cite-this button, .cite-actions").count() == 0
    finally:
        context.close()


def test_without_a_clipboard_there_is_no_copy_button(browser, served) -> None:
    context = browser.new_context()
    try:
        context.add_init_script(
            "Object.defineProperty(Navigator.prototype, 'clipboard',"
            " {get: () => undefined})"
        )
        page = context.new_page()
        page.goto(served + ARTICLE)
        page.wait_for_load_state("load")  # deferred scripts have run
        assert page.locator(".cite-this button, .cite-actions").count() == 0
    finally:
        context.close()


# -- tap targets -----------------------------------------------------------------


def test_reference_and_citation_links_are_at_least_24px_square(
    clipboard_page, served
) -> None:
    page = clipboard_page
    page.goto(served + ARTICLE)
    sizes = page.evaluate(
        """[...document.querySelectorAll(
            '.ref-back, .ref-archive, .ref-search, .cite-downloads a, .cite-copy')]
           .map(a => { const r = a.getBoundingClientRect();
                       return [a.className || a.textContent, r.width, r.height]; })"""
    )
    kinds = {name for name, _, _ in sizes}
    assert {"ref-back", "ref-archive", "ref-search", "cite-copy"} <= kinds
    small = [(n, w, h) for n, w, h in sizes if w < 24 or h < 24]
    assert small == []


def test_a_back_link_says_where_it_leads_in_the_pages_language(page, served) -> None:
    page.goto(served + ARTICLE)
    back = page.locator("#ref-1 .ref-back")
    assert back.count() == 2  # ref 1 is cited twice
    assert page.get_by_role("link", name="Tilbake til teksten (2)").count() == 1
    page.goto(served + ENGLISH_ARTICLE)
    assert page.get_by_role("link", name="Back to the text (1)").count() == 1


def test_axe_finds_no_small_targets_in_references_and_cite_this(
    clipboard_page, served
) -> None:
    if not AXE.is_file():
        pytest.skip("node_modules/axe-core is missing; run `npm ci`")
    page = clipboard_page
    page.goto(served + ARTICLE)
    page.locator(".cite-copy").wait_for()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(
            {include: [["li[id^='ref-']"], [".cite-this"], [".cited-in-archive"]]},
            {runOnly: {type: "rule", values: ["target-size"]}})"""
    )
    assert result["passes"], "axe checked no target"
    assert [
        " ".join(n["target"]) for v in result["violations"] for n in v["nodes"]
    ] == []


# -- print -----------------------------------------------------------------------


def _printed(page, served: str, url: str) -> None:
    page.goto(served + url)
    page.locator(".cite-copy").wait_for()  # the script ran: its button is there
    page.emulate_media(media="print")


def test_print_leaves_out_what_cannot_be_clicked_on_paper(
    clipboard_page, served
) -> None:
    page = clipboard_page
    _printed(page, served, ARTICLE)
    shown = page.evaluate(
        """selectors => selectors.flatMap(s =>
            [...document.querySelectorAll(s)]
              .filter(e => getComputedStyle(e).display !== 'none').map(() => s))""",
        NOT_PRINTED,
    )
    assert shown == []
    present = page.evaluate(
        "selectors => selectors.filter(s => document.querySelector(s))", NOT_PRINTED
    )
    for core in (".skip-link", ".site-search", ".site-footer", ".cite-downloads"):
        assert core in present
    assert {".ref-back", ".ref-search", ".ref-archive", ".cite-actions"} <= set(present)
    assert ".debate-aside" in present
    for kept in (".citation-text", "#ref-1", ".article-header h1"):
        assert page.locator(kept).first.is_visible(), kept


def _after(page, selector: str) -> str:
    return page.eval_on_selector(
        selector, "e => getComputedStyle(e, '::after').content"
    )


def test_print_gives_a_links_address_only_when_its_text_is_not_it(
    clipboard_page, served
) -> None:
    page = clipboard_page
    _printed(page, served, ARTICLE)
    assert _after(page, "a[href='https://www.example.org/rapport']") == (
        '" <https://www.example.org/rapport>"'
    )
    for identifier in (
        "#ref-1 a[href^='https://doi.org/']",
        f"#ref-2 a[href='{LONG_URL}']",
        "#ref-3 a[href^='https://doi.org/']",
        ".citation-text a",
    ):
        assert _after(page, identifier) == "none", identifier


def _pdf_text(page, path: Path) -> str:
    page.pdf(path=str(path), format="A4")
    done = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def _broken_only_at(url: str) -> re.Pattern:
    """``url`` with white space (a line break) allowed only where the plugin
    put a ``<wbr>``: after ``//``, before ``/ . - _ ? # & = ~ %``."""
    parts = re.split(r"(?<=//)(?=.)|(?<=[^/:])(?=[/.\-_?#&=~%])", url)
    return re.compile(r"\s*".join(re.escape(p) for p in parts))


def test_a_printed_article_gives_each_doi_once_and_breaks_urls_between_parts(
    clipboard_page, served, tmp_path
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (Debian's poppler-utils)")
    page = clipboard_page
    _printed(page, served, ARTICLE)
    text = _pdf_text(page, tmp_path / "article.pdf")
    references = text[text.index("Referanser") :]
    for doi in (LANCET_DOI, BASIS_DOI, OWN_DOI):
        assert references.count(doi) == 1, doi
        assert re.search(re.escape(doi), text), f"{doi} broken across lines"
    assert "https://doi.org" not in references
    assert "<https://www.example.org/rapport>" in text
    for gone in (
        "Kopier referansen",
        "Last ned referansen",
        "Søk i Crossref",
        "I arkivet",
        "Tilbake til teksten",
        "↑",
        "Hopp til innholdet",
    ):
        assert gone not in text, gone
    # Longer than a line: broken, but between the address's parts.
    whole = _broken_only_at(LONG_URL).search(references)
    assert whole, "the long URL is broken inside a part"
    assert "\n" in whole.group(0)
