"""Typography per language: input → output tables, then whole-site checks.

In the tables ``~`` stands for the no-break space that widow control puts
between the last two words of a paragraph or title.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import feedparser
import hypothesis
import pytest
from hypothesis import strategies as st
from pelican.settings import read_settings
from pelican.utils import slugify
from smartypants import _tokenize
from typogrify.filters import widont as typogrify_widont

from pelican.plugins.replikk import reader as replikk_reader
from pelican.plugins.replikk.typography import (
    Options,
    TypographySettingError,
    text,
    typeset,
)
from pelican.plugins.replikk.typography.glue import check_settings
from pelican.plugins.replikk.typography.widont import widont

SETTINGS = Path(__file__).resolve().parent.parent / "pelicanconf.py"

NB = [
    # Quotes
    ("plain", '<p>Han sa "ja" i går.</p>', "<p>Han sa «ja» i~går.</p>"),
    (
        "paragraph start",
        '<p>"Ryggsmerter, ønsker MR" er en henvisning.</p>',
        "<p>«Ryggsmerter, ønsker MR» er en~henvisning.</p>",
    ),
    (
        "nested double",
        '<p>"Hun sa "nei" til meg," sa han.</p>',
        "<p>«Hun sa ‘nei’ til meg,» sa~han.</p>",
    ),
    (
        "nested single",
        "<p>\"Hun sa 'nei' til meg,\" sa han.</p>",
        "<p>«Hun sa ‘nei’ til meg,» sa~han.</p>",
    ),
    (
        "quotes around a link",
        '<p>Se "<a href="/a/">lenken</a>" her.</p>',
        '<p>Se «<a href="/a/">lenken</a>»~her.</p>',
    ),
    (
        "quotes inside a link",
        '<p>Se <a href="/a/">"lenken"</a> her.</p>',
        '<p>Se <a href="/a/">«lenken»</a>~her.</p>',
    ),
    (
        "quotes around and inside emphasis",
        '<p><em>"Sitat"</em> og "<strong>fet</strong>".</p>',
        "<p><em>«Sitat»</em> og «<strong>fet</strong>».</p>",
    ),
    (
        "guillemets already present",
        '<p>«Han sa "nei"» i går.</p>',
        "<p>«Han sa ‘nei’» i~går.</p>",
    ),
    (
        "English and Swedish curly quotes pasted in",
        "<p>“Engelsk” og ”svensk” blir norsk.</p>",
        "<p>«Engelsk» og «svensk» blir~norsk.</p>",
    ),
    ("quote entities", "<p>&quot;Sitat&quot; her.</p>", "<p>«Sitat»~her.</p>"),
    ("after a parenthesis", '<p>Ord ("sitat") her.</p>', "<p>Ord («sitat»)~her.</p>"),
    (
        "quotes around inline code",
        '<p>Skriv "<code>"a"</code>" her.</p>',
        '<p>Skriv «<code>"a"</code>»~her.</p>',
    ),
    (
        "paragraphs do not carry an open quote",
        '<p>Han sa "uten slutt.</p><p>"Ny" start.</p>',
        "<p>Han sa «uten~slutt.</p><p>«Ny»~start.</p>",
    ),
    (
        "apostrophe",
        "<p>Ioannidis' essay og Solvang's poeng.</p>",
        "<p>Ioannidis’ essay og Solvang’s~poeng.</p>",
    ),
    (
        "closing quote before a footnote mark",
        '<p>"sitat"<sup>1</sup> og mer.</p>',
        "<p>«sitat»<sup>1</sup> og~mer.</p>",
    ),
    (
        "a quote across a line break",
        '<p>"Linje én<br>linje to" sa han.</p>',
        "<p>«Linje én<br>linje to» sa~han.</p>",
    ),
    (
        "guillemet closed by a straight quote",
        '<p>Et «sitat" her.</p>',
        "<p>Et «sitat»~her.</p>",
    ),
    (
        "HTML comment",
        '<p>Tekst <!-- a -- "b" --> "c".</p>',
        '<p>Tekst <!-- a -- "b" --> «c».</p>',
    ),
    # Dashes
    ("spaced hyphen", "<p>viser - og ikke viser.</p>", "<p>viser – og ikke~viser.</p>"),
    ("double hyphen", "<p>viser -- og ikke.</p>", "<p>viser – og~ikke.</p>"),
    ("triple hyphen", "<p>viser --- og ikke.</p>", "<p>viser – og~ikke.</p>"),
    ("unspaced double hyphen", "<p>viser--og ikke.</p>", "<p>viser – og~ikke.</p>"),
    ("dash opening a reply", "<p>- Hei, sa han.</p>", "<p>– Hei, sa~han.</p>"),
    (
        "dash around a link",
        '<p><a href="/">A</a> - B</p>',
        '<p><a href="/">A</a> –~B</p>',
    ),
    ("number range", "<p>innen 1-2 år</p>", "<p>innen 1–2~år</p>"),
    ("number range, double hyphen", "<p>side 1--3</p>", "<p>side~1–3</p>"),
    ("number range kept", "<p>s. 2368–83 her</p>", "<p>s. 2368–83~her</p>"),
    ("time range", "<p>kl. 10.00-12.00 i dag</p>", "<p>kl. 10.00–12.00 i~dag</p>"),
    ("ISO date", "<p>den 2024-02-20 i dag</p>", "<p>den 2024-02-20 i~dag</p>"),
    (
        "compound",
        "<p>et hev-senk-bord og covid-19</p>",
        "<p>et hev-senk-bord og~covid-19</p>",
    ),
    ("ISBN", "<p>ISBN 978-82-15-01234-5 her</p>", "<p>ISBN 978-82-15-01234-5~her</p>"),
    ("ISSN", "<p>ISSN 0029-2001 her</p>", "<p>ISSN 0029-2001~her</p>"),
    (
        "Lovdata identifiers and dates in identifiers",
        "<p>FOR-2015-03-20-231 og 2015-03-20-231 og x</p>",
        "<p>FOR-2015-03-20-231 og 2015-03-20-231 og~x</p>",
    ),
    # Ellipsis
    ("ellipsis", "<p>Vent... og se.</p>", "<p>Vent… og~se.</p>"),
    # Never touched
    (
        "DOI with hyphens",
        "<p>doi: 10.1016/S0140-6736(09)60172-0. PMID: 19200918</p>",
        "<p>doi: 10.1016/S0140-6736(09)60172-0. PMID:~19200918</p>",
    ),
    (
        "DOI in quotes",
        '<p>Se "10.1000/a-b--c" her.</p>',
        "<p>Se «10.1000/a-b--c»~her.</p>",
    ),
    (
        "URL",
        "<p>Se https://example.org/a--b/c...d - her.</p>",
        "<p>Se https://example.org/a--b/c...d –~her.</p>",
    ),
    (
        "e-mail address",
        "<p>Skriv til kari--n@example.no nå.</p>",
        "<p>Skriv til kari--n@example.no~nå.</p>",
    ),
    (
        "code and pre",
        '<pre><code>"x" -- y ...</code></pre><p>Kjør <code>--reply-to "a"</code>.</p>',
        '<pre><code>"x" -- y ...</code></pre><p>Kjør <code>--reply-to "a"</code>.</p>',
    ),
    (
        "kbd",
        '<p>Trykk <kbd>Ctrl - "</kbd> nå.</p>',
        '<p>Trykk <kbd>Ctrl - "</kbd> nå.</p>',
    ),
    (
        "attributes",
        '<p><a href="/a--b/" title="&quot;x&quot; - y">"lenke"</a> her.</p>',
        '<p><a href="/a--b/" title="&quot;x&quot; - y">«lenke»</a>~her.</p>',
    ),
    (
        "reference list",
        "<ol><li>Chou R. Imaging. Lancet 2009; 373: 463-72."
        ' doi: <a href="https://doi.org/10.1016/S0140-6736(09)60172-0">'
        "10.1016/S0140-6736(09)60172-0</a></li></ol>",
        "<ol><li>Chou R. Imaging. Lancet 2009; 373: 463–72."
        ' doi: <a href="https://doi.org/10.1016/S0140-6736(09)60172-0">'
        "10.1016/S0140-6736(09)60172-0</a></li></ol>",
    ),
    (
        "ampersand",
        "<p>A &amp; B og C</p>",
        '<p>A <span class="amp">&amp;</span> B og~C</p>',
    ),
    (
        "ampersand in an attribute only",
        '<p><a href="/?a=1&amp;b=2">lenke</a> her</p>',
        '<p><a href="/?a=1&amp;b=2">lenke</a>~her</p>',
    ),
    ("capitals are left alone", "<p>NAV og NÆRINGSLIV</p>", "<p>NAV og~NÆRINGSLIV</p>"),
]

EN = [
    ("quotes", '<p>She said "yes" today.</p>', "<p>She said “yes”~today.</p>"),
    (
        "paragraph start",
        '<p>"Wait for replication" is advice.</p>',
        "<p>“Wait for replication” is~advice.</p>",
    ),
    (
        "single quotes inside",
        "<p>\"He said 'no' to me,\" she said.</p>",
        "<p>“He said ‘no’ to me,” she~said.</p>",
    ),
    (
        "quotes around a link",
        '<p>See "<a href="/a/">the link</a>" here.</p>',
        '<p>See “<a href="/a/">the link</a>”~here.</p>',
    ),
    (
        "quotes inside emphasis",
        '<p>See <em>"this"</em> now.</p>',
        "<p>See <em>“this”</em>~now.</p>",
    ),
    (
        "apostrophe",
        "<p>Ioannidis' essay isn't new.</p>",
        "<p>Ioannidis’ essay isn’t~new.</p>",
    ),
    ("em dash", "<p>good---or not.</p>", "<p>good—or~not.</p>"),
    ("en dash", "<p>good -- or not.</p>", "<p>good – or~not.</p>"),
    (
        "spaced hyphen",
        "<p>benefits - not only Norway.</p>",
        "<p>benefits – not only~Norway.</p>",
    ),
    ("number range", "<p>take 5-8 years</p>", "<p>take 5–8~years</p>"),
    ("ellipsis", "<p>Wait... and see.</p>", "<p>Wait… and~see.</p>"),
    (
        "DOI with hyphens",
        "<p>doi: 10.1016/S0140--6736(09)60172-0 here</p>",
        "<p>doi: 10.1016/S0140--6736(09)60172-0~here</p>",
    ),
    (
        "URL",
        '<p>See "https://example.org/a--b..." here.</p>',
        "<p>See “https://example.org/a--b...”~here.</p>",
    ),
    (
        "code",
        '<p>Run <code>--reply-to "a"</code>.</p>',
        '<p>Run <code>--reply-to "a"</code>.</p>',
    ),
]

TITLES = [
    ("nb", '"Sitat" i tittel - med ...', "«Sitat» i tittel – med~…"),
    ("nb", "Leger & sykepleiere - sammen", "Leger & sykepleiere –~sammen"),
    ("nn", 'Kva er "kvalitet"?', "Kva er~«kvalitet»?"),
    ("en", 'What "good enough" means', "What “good enough”~means"),
]


def show(html: str) -> str:
    return html.replace("\u00a0", "~")


@pytest.mark.parametrize(("name", "given", "expected"), NB, ids=[c[0] for c in NB])
def test_norwegian_bokmal(name: str, given: str, expected: str) -> None:
    assert show(typeset(given, "nb")) == expected


@pytest.mark.parametrize(("name", "given", "expected"), NB, ids=[c[0] for c in NB])
def test_nynorsk_is_set_as_bokmal(name: str, given: str, expected: str) -> None:
    assert show(typeset(given, "nn")) == expected


@pytest.mark.parametrize(("name", "given", "expected"), EN, ids=[c[0] for c in EN])
def test_english(name: str, given: str, expected: str) -> None:
    assert show(typeset(given, "en")) == expected


@pytest.mark.parametrize(("lang", "given", "expected"), TITLES)
def test_titles_get_typography_but_no_markup(
    lang: str, given: str, expected: str
) -> None:
    assert show(typeset(given, lang, markup=False)) == expected


def test_norwegian_never_has_english_double_quotes() -> None:
    given = '<p>"a" “b” ”c” "d "e" f" «g "h"» &ldquo;i&rdquo; ("j")</p>'
    result = typeset(given, "nb")
    assert "“" not in result
    assert "”" not in result
    assert '"' not in result


def test_typesetting_twice_changes_nothing() -> None:
    for lang, cases in (("nb", NB), ("en", EN)):
        for _name, given, _expected in cases:
            once = typeset(given, lang)
            assert typeset(once, lang) == once


def test_other_languages_keep_their_quotes() -> None:
    assert show(typeset('<p>Il a dit "oui" ici.</p>', "fr")) == (
        '<p>Il a dit "oui"~ici.</p>'
    )


def test_caps_can_be_turned_on_for_bodies() -> None:
    assert typeset("<p>Fra NAV i dag</p>", "nb", caps=True) == (
        '<p>Fra <span class="caps">NAV</span> i\u00a0dag</p>'
    )


def test_extra_ignored_tags_are_left_alone() -> None:
    given = '<p>Se <cite>"A - B"</cite> og "C".</p>'
    assert show(typeset(given, "nb", ignore_tags=["cite"])) == (
        '<p>Se <cite>"A - B"</cite> og~«C».</p>'
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TYPOGRAPHY", "yes", "TYPOGRAPHY must be True or False, not 'yes'"),
        ("TYPOGRAPHY_FIELDS", "title", "TYPOGRAPHY_FIELDS must be a list"),
        ("TYPOGRAPHY_IGNORE_TAGS", ["span.x"], "must name HTML elements, not 'span.x'"),
    ],
)
def test_bad_settings_name_the_setting_and_value(
    name: str, value: object, message: str
) -> None:
    with pytest.raises(TypographySettingError, match=message.replace("(", r"\(")):
        Options.from_settings({name: value})


# The fast paths give what the library code and the plain patterns they
# replace give, on HTML-like text: well-formed, broken, commented.

_TAGS = st.sampled_from(
    [
        *("<p>", "</p>", '<h2 id="x">', "</h2>", "<li>", "</li>", "</dd>", "</dt>"),
        *('<a href="/a/">', "</a>", "<em>", "</em>", "<b>", "</b>", "</span>"),
        *('<span class="amp">', "</strong>", "<i>", "</i>", "<br>", "<abbr>"),
        *("<sup>", "</sup>", "</blockquote>", "<code>", "</code>", "</P>", "</p >"),
        *("<!-- a -->", "<!-- a -- b -->", "<!--", "<", ">", "<b a <i>"),
    ]
)
_WORDS = st.sampled_from(["ord", "x", ".", "-", "--", '"', "'", "«", "1", "&nbsp;"])
_SPACES = st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", "\u2029"])
_HTML = st.lists(st.one_of(_TAGS, _WORDS, _SPACES), max_size=25).map("".join)


@hypothesis.settings(max_examples=1000, deadline=None)
@hypothesis.given(_HTML)
def test_widont_ties_the_spaces_typogrify_ties(html: str) -> None:
    assert widont(html, "&nbsp;") == typogrify_widont(html)


@hypothesis.settings(max_examples=500, deadline=None)
@hypothesis.given(_HTML)
def test_html_is_split_into_smartypants_tokens(html: str) -> None:
    ours = [(i % 2 == 1, v) for i, v in enumerate(text._TAG.split(html)) if v]
    theirs = [(kind == "tag", v) for kind, v in _tokenize(html)]
    assert [v for _, v in ours] == [v for _, v in theirs]
    # smartypants calls a comment with "--" in it text; both are skipped.
    assert [t for t in ours if not t[1].startswith("<!--")] == [
        t for t in theirs if not t[1].startswith("<!--")
    ]


_PLAIN_MAYBE_PROTECTED = re.compile(r"://|www\.|10\.\d|@|IS[SB]N|\d{4}-\d", re.I)
_PLAIN_SPACED_HYPHEN = re.compile(r"(?:(?<=\s)|^)-(?=\s)")


# Spaces, hyphens, digits and the letters of "www" and "ISBN" in every case,
# with the Turkish i's and the long s that IGNORECASE takes for i and s.
_SNIPPETS = st.sampled_from(
    [
        *(" ", "\n", "\u00a0", "-", "--", ".", ":", "/", "@", "1", "0", "10."),
        *("2024", "w", "W", "www.", "WwW.", "is", "IS", "\u0130", "\u0131"),
        *("\u017f", "sbn", "SN", "n", "x"),
    ]
)


@hypothesis.settings(max_examples=1000, deadline=None)
@hypothesis.given(st.lists(_SNIPPETS, max_size=20).map("".join))
def test_quick_patterns_find_what_the_plain_ones_find(given_text: str) -> None:
    assert bool(text._MAYBE_PROTECTED.search(given_text)) == bool(
        _PLAIN_MAYBE_PROTECTED.search(given_text)
    )
    assert [m.span() for m in text._SPACED_HYPHEN.finditer(given_text)] == [
        m.span() for m in _PLAIN_SPACED_HYPHEN.finditer(given_text)
    ]
    assert list(text.number_ranges(given_text)) == [
        text.Edit(*m.span(1), "\u2013") for m in text._NUMBER_RANGE.finditer(given_text)
    ]


# Whole-site tests on the bundled archive.

NORWEGIAN = ("nb", "nn")
# An article's own title, standfirst and body (microformats classes), or a page.
OWN_PARTS = ("article.h-entry .p-name", "article.h-entry .p-summary", ".e-content")


def article_pages(site) -> list[tuple[str, str, list]]:
    """(url, lang, the text's own parts) for every article and page.

    Lists and reply boxes show other articles in other languages, so only
    the page's own article is read; code is left out.
    """
    pages = []
    for path in sorted(site.output.rglob("*.html")):
        url = str(path.relative_to(site.output))
        soup = site.html(url)
        for skipped in soup.select("pre, code, kbd"):
            skipped.decompose()
        parts = [p for p in (soup.select_one(s) for s in OWN_PARTS) if p]
        if not parts:
            parts = soup.select("article.page")
        if parts:
            pages.append((url, soup.html["lang"], parts))
    return pages


def text_of(parts: list) -> str:
    """The readable text, with no-break spaces read as spaces."""
    return " ".join(p.get_text() for p in parts).replace("\u00a0", " ")


def test_norwegian_articles_have_no_english_or_straight_quotes(sample_site) -> None:
    pages = [p for p in article_pages(sample_site) if p[1] in NORWEGIAN]
    assert len(pages) >= 18  # articles and pages
    assert any(url.startswith("om/") for url, _lang, _parts in pages)
    for url, _lang, parts in pages:
        text = text_of(parts)
        assert "“" not in text, url
        assert "”" not in text, url
        assert '"' not in text, url


def test_no_norwegian_page_has_english_double_quotes(sample_site) -> None:
    """Whole pages, lists included; text marked as another language
    (``lang="en"`` on a list item) may of course use its own quotes."""
    checked = 0
    for path in sorted(sample_site.output.rglob("*.html")):
        soup = sample_site.html(str(path.relative_to(sample_site.output)))
        if soup.html.get("lang") not in NORWEGIAN:
            continue
        for foreign in soup.select("[lang]"):
            if foreign is not soup.html and foreign["lang"] not in NORWEGIAN:
                foreign.decompose()
        text = soup.get_text()
        assert "“" not in text, path
        assert "”" not in text, path
        checked += 1
    assert checked >= 30


def test_norwegian_articles_use_guillemets_and_dashes(sample_site) -> None:
    soup = sample_site.html("2024/bildediagnostikk-er-ikke-fienden/")
    body = text_of(soup.select(".article-body, .article-references"))
    assert "«Ryggsmerter, ønsker MR» er en henvisning" in body
    assert "«degenerasjon», «protrusjon»" in body
    assert "hva den viser – og hva den ikke viser" in body
    assert "innen 1–2 år" in body
    assert "463–72" in body
    # The DOI in the reference list keeps its hyphens.
    assert "10.1016/S0140-6736(09)60172-0" in body


def test_english_articles_use_curly_quotes(sample_site) -> None:
    pages = [p for p in article_pages(sample_site) if p[1] == "en"]
    assert len(pages) >= 3
    for url, _lang, parts in pages:
        text = text_of(parts)
        assert '"' not in text, url
        assert "«" not in text, url
    quoted = {url for url, _lang, parts in pages if "“" in text_of(parts)}
    assert {
        "2024/norwegian-general-practice-is-not-a-special-case/index.html",
        "2025/replication-is-not-the-whole-answer/index.html",
    } <= quoted
    soup = sample_site.html("2025/replication-is-not-the-whole-answer/")
    body = text_of(soup.select(".article-body"))
    assert "“Wait for replication” is good advice" in body
    assert "Ioannidis’ essay" in body
    assert "5–8 years" in body


def test_titles_and_standfirsts_keep_no_markup(sample_site) -> None:
    for url, _lang, parts in article_pages(sample_site):
        heading = parts[0] if parts[0].name == "h1" else parts[0].h1
        assert heading.find(True) is None, url  # no <span class="caps"> and the like
        assert "&nbsp;" not in sample_site.text(url).split("<title>")[1].split("<")[0]


def test_feeds_keep_typography_without_markup(published_site) -> None:
    feeds = [
        feedparser.parse(p.read_bytes()) for p in published_site.output.rglob("*.xml")
    ]
    # Full-content entries where a feed has them (tag feeds carry summaries).
    entries = {}
    for feed in feeds:
        for e in feed.entries:
            if e.link not in entries or e.get("content"):
                entries[e.link] = e
    assert entries
    for entry in entries.values():
        assert "<" not in entry.title, entry.title
        assert "&nbsp;" not in entry.title, entry.title
        assert "“" not in entry.title, entry.title

    def content(url_part: str) -> str:
        entry = next(e for link, e in entries.items() if url_part in link)
        return " ".join(c.value for c in entry.get("content", [])) + entry.get(
            "summary", ""
        )

    norwegian = content("bildediagnostikk-er-ikke-fienden")
    assert "«Ryggsmerter, ønsker MR»" in norwegian
    assert "“" not in norwegian
    english = content("replication-is-not-the-whole-answer")
    assert "“Wait for replication”" in english


def test_article_dates_are_written_the_local_way(sample_site) -> None:
    cases = {
        "2024/bildediagnostikk-er-ikke-fienden/": ("20. februar 2024", "2024-02-20"),
        "2025/kvalitet-er-meir-enn-fagmiljo/": (None, None),
        "2025/replication-is-not-the-whole-answer/": ("28 January 2025", "2025-01-28"),
    }
    for url, (shown, machine) in cases.items():
        time = sample_site.html(url).select_one("time.dt-published")
        assert time is not None, url
        if shown:
            assert time.get_text() == shown, url
            assert time["datetime"].startswith(machine), url
    nn = sample_site.html("2025/kvalitet-er-meir-enn-fagmiljo/")
    assert nn.html["lang"] == "nn"
    assert nn.select_one("time.dt-published").get_text().split()[1] in (
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
    )


def test_every_date_on_the_site_has_a_machine_date(sample_site) -> None:
    times = [
        t
        for p in sample_site.output.rglob("*.html")
        for t in sample_site.html(str(p.relative_to(sample_site.output))).find_all(
            "time"
        )
    ]
    assert times
    for time in times:
        assert time.get("datetime", "")[:4].isdigit(), time
        assert not time.get_text()[:4].isdigit() or "-" not in time.get_text(), time


def test_slugs_spell_norwegian_letters_in_ascii(content, build_site) -> None:
    content.article("syltetoy", Title="Blåbærsyltetøy og ørret", Slug=None)
    site = build_site(content.root)
    assert site.path("2024/blabaersyltetoy-og-orret/").is_file()
    title = site.html("2024/blabaersyltetoy-og-orret/").h1.get_text()
    assert title == "Blåbærsyltetøy og\u00a0ørret"


def test_unchanged_articles_are_not_typeset_again(
    content, build_site, monkeypatch, tmp_path: Path
) -> None:
    first = content.article("forste", '"Sitat" - her.')
    content.article("andre", "Og -- her.")
    calls: list[str] = []
    typeset_body = replikk_reader.typeset_body

    def counted(text, metadata, settings):
        calls.append(str(metadata.get("title")))
        return typeset_body(text, metadata, settings)

    monkeypatch.setattr(replikk_reader, "typeset_body", counted)
    cache = {
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CACHE_PATH": str(tmp_path / "cache"),
    }
    build_site(content.root, **cache)
    read_once = len(calls)
    assert read_once >= 3  # two articles and the author profile

    # A new file, so the build is not skipped as unchanged: only it is set.
    content.article("tredje", "Tekst.", Date="2024-01-02 10:00")
    calls.clear()
    site = build_site(content.root, **cache)
    assert calls == ["Tredje"]
    assert (
        "«Sitat» –\u00a0her."
        in site.html("2024/forste/").select_one(".article-body").text
    )

    first.write_text(first.read_text(encoding="utf-8") + "\nMer...\n", encoding="utf-8")
    calls.clear()
    site = build_site(content.root, **cache)
    assert calls == ["Forste"]
    assert "Mer…" in site.html("2024/forste/").select_one(".article-body").text


@pytest.mark.parametrize(
    "title",
    [
        '"Sitat" i tittel',
        "Rygg - og nakke",
        "Vent ... og se",
        "Om 1-3 år",
        "Blåbærsyltetøy og ørret",
        'What\'s "good enough" -- and why',
    ],
)
def test_typography_does_not_change_slugs(title: str) -> None:
    subs = read_settings(str(SETTINGS))["SLUG_REGEX_SUBSTITUTIONS"]
    for lang in ("nb", "en"):
        assert slugify(typeset(title, lang, markup=False), subs) == slugify(title, subs)


def test_pelicans_typogrify_cannot_run_as_well() -> None:
    pelican = SimpleNamespace(settings={"TYPOGRIFY": True})
    with pytest.raises(ValueError, match="TYPOGRIFY must be False"):
        check_settings(pelican)
