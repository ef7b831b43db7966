"""The reference parser: rendered HTML in, linked HTML and references out.

Input → expected tables, read back with beautifulsoup4 as a browser would.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from pelican.plugins.replikk.citations.references import (
    _PIECES,
    Labels,
    _parsed_entries,
    _plain_entries,
    cited_titles,
    link_citations,
    link_references,
    parse_references,
)

HEADINGS = ["Referanser", "References"]


def page(body: str, *refs: str, heading: str = "Referanser") -> str:
    items = "\n".join(f"<li>{r}</li>" for r in refs)
    return f"<p>{body}</p>\n<h2 id='x'>{heading}</h2>\n<ol>\n{items}\n</ol>\n"


def linked(body: str, *refs: str, **kwargs) -> BeautifulSoup:
    html = link_references(page(body, *refs), HEADINGS, **kwargs).html
    return BeautifulSoup(html, "html.parser")


def entry_links(soup: BeautifulSoup, number: int) -> dict[str, str]:
    """An entry's links, text → href (back-links left out)."""
    li = soup.find(id=f"ref-{number}")
    return {
        a.get_text(): a["href"]
        for a in li.find_all("a")
        if "ref-back" not in (a.get("class") or [])
    }


IDENTIFIERS = [
    # reference text → the links it gets (link text → href)
    (
        "Foster NE. Prevention. Lancet 2018; 391: 2368–83."
        " doi: 10.1016/S0140-6736(18)30489-6",
        {
            "10.1016/S0140-6736(18)30489-6": (
                "https://doi.org/10.1016/S0140-6736(18)30489-6"
            )
        },
    ),
    (
        "Chou R. Imaging. Lancet 2009; 373: 463–72."
        " doi: 10.1016/S0140-6736(09)60172-0. PMID: 19200918",
        {
            "10.1016/S0140-6736(09)60172-0": (
                "https://doi.org/10.1016/S0140-6736(09)60172-0"
            ),
            "19200918": "https://pubmed.ncbi.nlm.nih.gov/19200918/",
        },
    ),
    (
        # a DOI in parentheses keeps its own parentheses, not the outer one
        "Hartvigsen J. What. Lancet 2018 (doi: 10.1016/S0140-6736(18)30480-X).",
        {
            "10.1016/S0140-6736(18)30480-X": (
                "https://doi.org/10.1016/S0140-6736(18)30480-X"
            )
        },
    ),
    (
        "Ioannidis JPA. Why. PLoS Med 2005; 2: e124."
        " https://doi.org/10.1371/journal.pmed.0020124.",
        {
            "https://doi.org/10.1371/journal.pmed.0020124": (
                "https://doi.org/10.1371/journal.pmed.0020124"
            )
        },
    ),
    (
        "Forskrift om legevakt. FOR-2015-03-20-231."
        " https://lovdata.no/dokument/SF/forskrift/2015-03-20-231",
        {
            "https://lovdata.no/dokument/SF/forskrift/2015-03-20-231": (
                "https://lovdata.no/dokument/SF/forskrift/2015-03-20-231"
            ),
            "Search Crossref": (
                "https://search.crossref.org/search/works?q=Forskrift+om+legevakt."
                "+FOR-2015-03-20-231.&from_ui=yes"
            ),
        },
    ),
    (
        "Nordmann K. Uten lenker. Tidsskr Nor Legeforen 2020; 140: 1.",
        {
            "Search Crossref": (
                "https://search.crossref.org/search/works?q=Nordmann+K.+Uten+lenker."
                "+Tidsskr+Nor+Legeforen+2020%3B+140%3A+1.&from_ui=yes"
            )
        },
    ),
    (
        "Sandvik H. PMID without colon. Br J Gen Pract 2022. PMID 34903573",
        {
            "34903573": "https://pubmed.ncbi.nlm.nih.gov/34903573/",
            "Search Crossref": (
                "https://search.crossref.org/search/works?q=Sandvik+H.+PMID+without"
                "+colon.+Br+J+Gen+Pract+2022.+PMID+34903573&from_ui=yes"
            ),
        },
    ),
]


@pytest.mark.parametrize(("reference", "links"), IDENTIFIERS)
def test_reference_identifiers_become_links(reference: str, links: dict) -> None:
    soup = linked("Tekst (1).", reference)
    assert entry_links(soup, 1) == links


def test_reference_text_is_kept_word_for_word() -> None:
    ref = "Chou R. Imaging. doi: 10.1016/S0140-6736(09)60172-0. PMID: 19200918"
    soup = linked("Tekst (1).", ref)
    text = soup.find(id="ref-1").get_text()
    assert text.startswith(ref)


def test_identifier_links_are_marked_as_showing_their_own_address() -> None:
    ref = (
        "Chou R. Imaging. doi: 10.1016/S0140-6736(09)60172-0. PMID: 19200918."
        " https://www.helsedirektoratet.no/retningslinjer/rygg?a=1&amp;b=2"
    )
    soup = linked("Tekst (1).", ref)
    links = soup.find(id="ref-1").find_all("a")
    marked = [a.get_text() for a in links if "ref-id" in a.get("class", [])]
    assert marked == [
        "10.1016/S0140-6736(09)60172-0",
        "19200918",
        "https://www.helsedirektoratet.no/retningslinjer/rygg?a=1&b=2",
    ]
    # Search and back links are not identifiers: print gives their address.
    assert all("ref-id" not in a.get("class", []) for a in links[3:])


URL_BREAKS = [
    # a URL as the reference writes it → its link text, "|" where it may break
    ("https://lovdata.no/SF/2015-03-20", "https://|lovdata|.no|/SF|/2015|-03|-20"),
    ("http://a.example/x_y?q=1#z", "http://|a|.example|/x|_y|?q|=1|#z"),
    ("https://x.example/a&amp;b", "https://|x|.example|/a|&amp;b"),
    ("https://x.example/", "https://|x|.example|/"),
]


@pytest.mark.parametrize(("url", "shown"), URL_BREAKS)
def test_a_url_shown_in_a_reference_breaks_only_between_its_parts(url, shown):
    html = link_references(page("Tekst (1).", f"Ref. {url}"), HEADINGS).html
    link = BeautifulSoup(html, "html.parser").find(id="ref-1").find("a")
    html = link.decode_contents().replace("<wbr/>", "|")
    assert re.sub(r'<span class="keep">(-[^<]*)</span>', r"\1", html) == shown
    # No break after a hyphen: a part that starts with one is kept whole.
    assert [s.get_text() for s in link.find_all("span")] == re.findall(r"-[^|]*", shown)
    # The words and the address stay the same for every reader.
    assert link.get_text() == link["href"]


CITATIONS = [
    # text, numbers in the list → the citations linked, as (text, hrefs)
    ("som vist (1).", 3, [("(1)", ["#ref-1"])]),
    ("som vist (2, 5).", 5, [("(2, 5)", ["#ref-2", "#ref-5"])]),
    ("som vist (3–5).", 5, [("(3–5)", ["#ref-3", "#ref-5"])]),
    ("som vist (3-5).", 5, [("(3-5)", ["#ref-3", "#ref-5"])]),
    ("som vist (1, 3–5).", 5, [("(1, 3–5)", ["#ref-1", "#ref-3", "#ref-5"])]),
    ("i Lancet-serien (2018) sa (1)", 3, [("(1)", ["#ref-1"])]),
    ("innført (2001), var ideen", 3, []),
    ("nummer som ikke finnes (4)", 3, []),
    ("en del finnes, en del ikke (2, 4)", 3, []),
    ("et område som går utenfor (2–4)", 3, []),
    ("baklengs (3–1)", 3, []),
    ("ingen parentes 1, 2", 3, []),
    ("(1)(2)", 3, [("(1)", ["#ref-1"]), ("(2)", ["#ref-2"])]),
]


@pytest.mark.parametrize(("text", "count", "expected"), CITATIONS)
def test_citations_link_only_numbers_in_the_list(text, count, expected) -> None:
    soup = linked(text, *(f"Ref {i}." for i in range(1, count + 1)))
    found = [
        (span.get_text(), [a["href"] for a in span.find_all("a")])
        for span in soup.find_all("span", class_="citation")
    ]
    assert found == expected


def test_citation_inside_a_link_or_code_is_left_alone() -> None:
    html, cited = link_citations(
        '<p><a href="x">se (1)</a> <code>f(1)</code> og (1)</p>', {1}
    )
    assert cited == {1: ["cite-1"]}
    assert html.count('href="#ref-1"') == 1
    assert '<a href="x">se (1)</a>' in html
    assert "<code>f(1)</code>" in html


def test_attributes_are_never_rewritten() -> None:
    html, _ = link_citations('<p title="(1)">tekst</p><img alt="(1)">', {1})
    assert html == '<p title="(1)">tekst</p><img alt="(1)">'


def test_each_entry_links_back_to_every_place_it_is_cited() -> None:
    soup = linked("Først (1, 2). Så (3–5). Til slutt (1).", *("R." for _ in range(5)))
    spans = {s["id"]: s for s in soup.find_all("span", class_="citation")}
    assert list(spans) == ["cite-1", "cite-2", "cite-3"]

    def backs(number: int) -> list[str]:
        li = soup.find(id=f"ref-{number}")
        return [a["href"] for a in li.find_all("a", class_="ref-back")]

    assert backs(1) == ["#cite-1", "#cite-3"]
    assert backs(2) == ["#cite-1"]
    assert backs(4) == ["#cite-2"]  # inside the range 3–5
    assert backs(5) == ["#cite-2"]
    # Heard: the words; seen: the arrow, hidden from screen readers.
    links = soup.find(id="ref-1").find_all("a")[-2:]
    heard = [a.find(class_="visually-hidden").get_text() for a in links]
    assert heard == ["Back to the text (1)", "Back to the text (2)"]
    assert all(a.find(attrs={"aria-hidden": "true"}) for a in links)


def test_every_entry_gets_an_anchor_counting_from_the_list_start() -> None:
    html = "<h2>References</h2><ol start='3'><li>A.</li><li>B.</li></ol>"
    soup = BeautifulSoup(link_references(html, HEADINGS).html, "html.parser")
    assert [li["id"] for li in soup.find_all("li")] == ["ref-3", "ref-4"]


@pytest.mark.parametrize(
    ("html", "count"),
    [
        ("<h2>Referanser</h2>\n<ol><li>A.</li></ol>", 1),
        ("<h2>References</h2><ol><li>A.</li><li>B.</li></ol>", 2),
        ("<h3 id='r'>  referanser </h3><ol><li>A.</li></ol>", 1),
        ("<h2>Litteratur</h2><ol><li>A.</li></ol>", 0),  # not a named heading
        ("<h2>Referanser</h2><p>Ingen.</p><h2>Mer</h2><ol><li>A.</li></ol>", 0),
        ("<ol><li>A.</li></ol><h2>Referanser</h2>", 0),  # no list after it
        ("", 0),
    ],
)
def test_the_list_is_the_one_after_a_references_heading(html, count) -> None:
    assert len(parse_references(html, HEADINGS)) == count


def test_the_references_heading_is_a_setting() -> None:
    html = "<h2>Litteratur</h2><ol><li>A. doi: 10.1000/x</li></ol>"
    assert [r.doi for r in parse_references(html, ["Litteratur"])] == ["10.1000/x"]


def test_a_reference_to_the_archive_links_to_our_own_page() -> None:
    soup = linked(
        "Tekst (1, 2).",
        "Solvang I. Smertebehandling. Replikk 2024. doi: 10.5555/replikk.2024.002",
        "Annen. Tittel. 2020. doi: 10.1000/other",
        labels=Labels(archive="I arkivet"),
        archive=lambda ref: "/2024/smerte/" if ref.doi.endswith(".002") else None,
    )
    assert entry_links(soup, 1)["I arkivet"] == "/2024/smerte/"
    assert "I arkivet" not in entry_links(soup, 2)


def test_cited_titles_finds_the_title_by_doi_and_by_url() -> None:
    html = page(
        "(1, 2)",
        "Ioannidis JPA. Why most published research findings are false."
        " PLoS Med 2005. doi: 10.1371/Journal.PMED.0020124",
        "Forskrift. Om legevakt. https://lovdata.no/forskrift/231.",
    )
    titles = cited_titles(html, HEADINGS)
    assert titles["10.1371/journal.pmed.0020124"] == (
        "Why most published research findings are false"
    )
    assert titles["https://lovdata.no/forskrift/231"] == "Om legevakt"


def test_html_without_references_is_returned_unchanged() -> None:
    html = "<p>Som vist (1).</p>"
    result = link_references(html, HEADINGS)
    assert result.html == html
    assert result.references == []


def test_a_loose_list_and_a_nested_list_keep_their_shape() -> None:
    html = (
        "<p>Se (1, 2).</p><h2>Referanser</h2><ol>\n"
        "<li><p>A. doi: 10.1000/a</p></li>\n"
        "<li><p>B.</p><ul><li>Merknad https://example.org/x</li></ul></li>\n"
        "</ol>"
    )
    soup = BeautifulSoup(link_references(html, HEADINGS).html, "html.parser")
    top = soup.find("ol").find_all("li", recursive=False)
    assert [li.get("id") for li in top] == ["ref-1", "ref-2"]
    assert soup.find("ul").li.get("id") is None
    assert soup.find("ul").li.a["href"] == "https://example.org/x"
    assert top[0].a["href"] == "https://doi.org/10.1000/a"


def test_a_url_with_an_ampersand_links_to_the_same_address() -> None:
    html = (
        "<p>(1)</p><h2>References</h2><ol>"
        "<li>Søk. https://example.org/?a=1&amp;b=2&lt;</li></ol>"
    )
    soup = BeautifulSoup(link_references(html, HEADINGS).html, "html.parser")
    link = soup.find(id="ref-1").a
    assert link["href"] == "https://example.org/?a=1&b=2<"
    assert link.get_text() == "https://example.org/?a=1&b=2<"


def test_an_entry_with_its_own_id_keeps_it() -> None:
    html = '<p>(1)</p><h2>References</h2><ol><li id="own">A.</li></ol>'
    soup = BeautifulSoup(link_references(html, HEADINGS).html, "html.parser")
    assert soup.find("li")["id"] == "own"


# --- reading the list as a stream gives what the parse tree gives ------------

# The list is read as a stream of tags and text when it is plain and well
# nested; each of these must read exactly as beautifulsoup4 reads it, or go
# to beautifulsoup4 (None).
LISTS = [
    # list → read as a stream?
    ("<ol><li>A. doi: 10.1000/a</li><li>B.</li></ol>", True),
    ("<ol start='3'>\n<li><p>A <em>b</em>.</p></li>\n</ol>", True),
    ('<ol start="x"><li>A.</li></ol>', True),
    ('<OL><LI>A <A HREF="https://doi.org/10.1/x?a=1&amp;b=2">l</A></LI></OL>', True),
    ('<ol><li>A<br>B<br/>C<img src="x"></li><li/></ol>', True),
    ("<ol><li>A &amp; B &lt;C&gt; &#8211; &#x2013; &nbsp;&eacute;</li></ol>", True),
    ('<ol><li>A<a href="1" href="http://b.org/">x</a><a href>y</a></li></ol>', True),
    ("<ol><li>A<ul><li>note</li></ul></li><li>B</li></ol>", True),
    ("<ol><li>A</li>", False),  # never closed
    ("<ol><li>A <b>b</li></ol>", False),  # <b> not closed
    ("<ol><li>A<!-- c --></li></ol>", False),
    ("<ol><li>A<script>x</script></li></ol>", False),
    ("<ol><li>A<ruby>x<rt>y</rt></ruby></li></ol>", False),
    ("<ol><li>A &amp B</li></ol>", False),  # no semicolon
    ("<ol><li>A &foo-bar; B</li></ol>", False),
    ("<ol><li>A < B</li></ol>", False),
    ("<ol><li>A</br></li></ol>", False),
    ("<ol><li><a href=x>A</a></li></ol>", False),  # unquoted value
    ("<ol/><li>A</li></ol>", False),
]


def _stream(ol: str):
    return _plain_entries(_PIECES.split(ol))


@pytest.mark.parametrize(("ol", "plain"), LISTS)
def test_a_plain_list_reads_as_a_stream_exactly_as_parsed(ol, plain) -> None:
    entries = _stream(ol)
    assert (entries is not None) == plain
    if plain:
        assert entries == _parsed_entries(ol)


_TEXTS = st.sampled_from(
    [
        "x",
        " ",
        "\n",
        "Tittel. Mer.",
        "doi: 10.1000/a(1)b.",
        "&amp;",
        "&lt;&gt;",
        "&#8211;",
        "&#150;",
        "&#0;",
        "&#9;",
        "&nbsp;",
        "&notin;",
        "&Amp;",
        "&NotAnEntity;",
        ">",
        "\u00a0",
    ]
)
_ATTRIBUTES = st.sampled_from(
    [
        "",
        ' class="x"',
        ' href="https://doi.org/10.1/x"',
        " href='http://e.org/&amp;q'",
        " href",
        ' HREF="PMID: 12"',
        ' href="1" href="2"',
        ' start="4"',
        "\nid='a'",
    ]
)


@st.composite
def _nodes(draw, depth: int = 0) -> str:
    if depth > 2 or draw(st.booleans()):
        return draw(_TEXTS)
    name = draw(st.sampled_from(["em", "a", "A", "span", "p", "li", "ul", "code"]))
    attributes = draw(_ATTRIBUTES)
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(["<br>", "<br/>", "<img src='x'>", "<wbr>"]))
    if draw(st.integers(0, 9)) == 0:
        return f"<{name}{attributes}/>"
    inner = "".join(draw(st.lists(_nodes(depth + 1), max_size=3)))
    return f"<{name}{attributes}>{inner}</{name.lower()}>"


@settings(max_examples=300, deadline=None)
@given(
    start=_ATTRIBUTES,
    items=st.lists(st.lists(_nodes(), max_size=4), max_size=6),
    between=st.sampled_from(["", "\n", " "]),
)
def test_any_well_nested_list_reads_as_a_stream_exactly_as_parsed(
    start, items, between
) -> None:
    ol = f"<ol{start}>" + between.join(f"<li>{''.join(i)}</li>" for i in items)
    ol += "</ol>"
    assert _stream(ol) == _parsed_entries(ol)


@pytest.mark.parametrize(
    ("html", "linked"),
    [
        # Citations are linked in text, not in tags, links or code.
        ('<p><img alt="<a">(1)</p>', 1),  # "<a" in an attribute
        ("<p><a>x</a>(1)<code>(1)</code> (1)</p>", 2),
        ("<p><a/>(1)</p>", 1),
        ("<p>x</p><b (1)", 0),  # after the last tag, read as a tag
        ("<p>x</p>a <b (1)", 1),
        ("(1) <", 1),
        ("<CODE>(1)</CODE> <Code >(1)</code>(1)", 1),
    ],
)
def test_citations_are_found_in_text_only(html, linked) -> None:
    result, cited = link_citations(html, {1})
    assert result.count('<span class="citation"') == linked
    assert cited == ({1: [f"cite-{n}" for n in range(1, linked + 1)]} if linked else {})
