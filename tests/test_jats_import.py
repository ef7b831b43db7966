"""Importing JATS XML: fields, body, references, relations, hostile input,
re-imports, and an imported exchange built as a site.

The JATS files are our own (tests/data/jats/exchange/, and the small ones
written below); the works they cite are real, their texts are not.
"""

from __future__ import annotations

import io
import shutil
import socket
from pathlib import Path

import markdown
import pytest

from pelican.plugins.replikk.citations.references import link_references
from pelican.plugins.replikk.jats import run
from pelican.plugins.replikk.jats.model import Kind
from pelican.plugins.replikk.jats.parse import parse_file

from .conftest import DATA

EXCHANGE = DATA / "jats" / "exchange"
ORIGINAL_SLUG = "waiting-lists-are-a-clinical-problem-what-a-queue-does-to-a-patient"
META = """
<article-id pub-id-type="doi">10.5555/test.{n}</article-id>
<title-group><article-title>Test article {n}</article-title></title-group>
<contrib-group><contrib contrib-type="author">
  <name><surname>Nordmann</surname><given-names>Kari</given-names></name>
</contrib></contrib-group>
<pub-date pub-type="epub"><day>01</day><month>02</month><year>2024</year></pub-date>
"""


def jats(
    body: str = "<p>Text.</p>",
    *,
    n: int = 1,
    meta: str | None = None,
    back: str = "",
    lang: str = "en",
    after: str = "",
    article_type: str = "research-article",
) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' xmlns:mml="http://www.w3.org/1998/Math/MathML"'
        f' article-type="{article_type}" xml:lang="{lang}">'
        f"<front><article-meta>{META.format(n=n) if meta is None else meta}"
        f"</article-meta></front><body>{body}</body><back>{back}</back>{after}"
        "</article>"
    )


def write(folder: Path, name: str, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def parsed(tmp_path: Path, text: str, **options):
    return parse_file(write(tmp_path / "in", "a.xml", text), **options)


def body_of(tmp_path: Path, body: str, back: str = "") -> str:
    return parsed(tmp_path, jats(body, back=back))[0].body


def header(text: str) -> dict[str, str]:
    head = text.split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in head.splitlines())


def importing(paths, content: Path, **options) -> tuple[int, str]:
    out = io.StringIO()
    status = run(
        [Path(p) for p in paths],
        content / "imported",
        content=content,
        out=out,
        **options,
    )
    return status, out.getvalue()


def imported(content: Path) -> dict[str, str]:
    """Every imported article by slug."""
    return {
        p.stem: p.read_text(encoding="utf-8")
        for p in sorted((content / "imported").rglob("*.md"))
    }


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


REFS = """<ref-list>
<ref id="a"><element-citation><person-group><name><surname>Alpha</surname>
<given-names>A</given-names></name></person-group><article-title>First</article-title>
<source>J A</source><year>2001</year><volume>1</volume><fpage>10</fpage>
<lpage>19</lpage></element-citation></ref>
<ref id="b"><element-citation><person-group><name><surname>Beta</surname>
<given-names>B</given-names></name></person-group><article-title>Second</article-title>
<source>J B</source><year>2002</year></element-citation></ref>
<ref id="c"><element-citation><person-group><name><surname>Gamma</surname>
<given-names>C</given-names></name></person-group><article-title>Third</article-title>
<source>J C</source><year>2003</year></element-citation></ref>
</ref-list>"""


# -- the fields ---------------------------------------------------------------


def test_article_meta_becomes_the_content_formats_fields():
    article, letter, response = parse_file(EXCHANGE / "original.xml")
    assert article.fields == {
        "Lang": "en",
        "Title": "Waiting lists are a clinical problem: what a queue does to a patient",
        "DOI": "10.5555/TDJ.2023.0101",
        "Date": "2023-03-14",  # the electronic pub-date, not the print one
        "Received": "2023-01-02",
        "Accepted": "2023-02-20",
        "Authors": "Oda Fjellheim; Kari Nordmann",  # the editor is no author
        "Category": "Kronikk",  # subject "Essay" through JATS_SECTIONS
        "Tags": "waiting lists, access to care, general practice",
        # The abstract's first paragraph, its citation left out.
        "Summary": "Long waits for specialist care are usually treated as a matter"
        " of logistics. We argue that waiting is itself a clinical exposure.",
        "Competing_interests": "The authors declare no competing interests.",
    }
    assert article.doi == "10.5555/tdj.2023.0101"
    warned = [n.message for n in article.notes if n.kind is Kind.WARNING]
    assert any("first paragraph (of 2)" in m for m in warned)
    # Each field names where in the XML it came from.
    mapped = {
        n.message.split(":")[0]: n.xpath for n in article.notes if n.kind is Kind.MAPPED
    }
    assert mapped["Date"] == "/article/front/article-meta/pub-date[2]"
    assert (
        mapped["Competing_interests"] == "/article/front/article-meta/author-notes/fn"
    )
    assert letter.fields["Category"] == "Kommentar"  # article-type decision-letter
    assert response.fields["Category"] == "Debatt"  # article-type reply


def test_category_goes_through_the_setting_with_the_default_for_the_rest(tmp_path):
    meta = META.format(n=1) + (
        '<article-categories><subj-group subj-group-type="heading">'
        "<subject>Opinion</subject></subj-group></article-categories>"
    )
    text = jats(meta=meta, article_type="other")
    assert (
        parsed(tmp_path, text, sections={"opinion": "Leder"})[0].fields["Category"]
        == "Leder"
    )
    fallback = parsed(tmp_path, text)[0]
    assert fallback.fields["Category"] == "Debatt"
    assert any(
        "not in JATS_SECTIONS" in n.message and n.kind is Kind.WARNING
        for n in fallback.notes
    )


def test_language_of_the_archive_only(tmp_path):
    assert parsed(tmp_path, jats(lang="no"))[0].fields["Lang"] == "nb"
    assert parsed(tmp_path, jats(lang="nn-NO"))[0].fields["Lang"] == "nn"
    german = parsed(tmp_path, jats(lang="de"))[0]
    assert any(n.kind is Kind.ERROR and "'de'" in n.message for n in german.notes)


def test_authors_bring_affiliation_orcid_email_and_bio():
    article = parse_file(EXCHANGE / "original.xml")[0]
    oda, kari = article.authors
    assert oda.name == "Oda Fjellheim"
    assert oda.affiliations == [
        "Department of General Practice, Northbay University, Norway"
    ]
    assert oda.orcid == "0000-0002-1825-0097"
    assert oda.email == "oda.fjellheim@example.org"  # through xref corresp
    assert oda.bio == (
        "Oda Fjellheim is a general practitioner who writes about *access* to care."
    )
    assert kari.affiliations == ["Harbour Health Centre"]
    assert kari.orcid is None


# -- the body -----------------------------------------------------------------


BODIES = [
    (
        "<sec><title>One</title><p>a</p><sec><title>Two</title><p>b</p>"
        "<sec><title>Three</title><p>c</p></sec></sec></sec>",
        "## One\n\na\n\n### Two\n\nb\n\n#### Three\n\nc",
    ),
    (
        "<p><italic>i</italic> <bold>b</bold> x<sup>2</sup> H<sub>2</sub>O</p>",
        "*i* **b** x<sup>2</sup> H<sub>2</sub>O",
    ),
    (
        '<list list-type="order"><list-item><p>one</p></list-item>'
        '<list-item><p>two</p><list list-type="bullet"><list-item><p>a</p>'
        "</list-item><list-item><p>b</p></list-item></list></list-item></list>",
        "1. one\n\n2. two\n\n    - a\n    - b",
    ),
    (
        '<p>See <ext-link xlink:href="https://example.org/a">the page</ext-link>'
        " and <uri>https://example.org/b</uri>.</p>",
        "See [the page](https://example.org/a) and <https://example.org/b>.",
    ),
    (
        '<p>Bad <ext-link xlink:href="javascript:alert(1)">link</ext-link>.</p>',
        "Bad link.",
    ),
    (
        "<p>*stars*, _under_, [square], a &lt;tag&gt; &amp; more</p>",
        "\\*stars\\*, \\_under\\_, \\[square\\], a &lt;tag&gt; &amp; more",
    ),
    (
        "<p># not a heading</p><p>1. not a list</p>",
        "\\# not a heading\n\n1\\. not a list",
    ),
    (
        "<p>A repeated sentence.</p><disp-quote><p>A repeated sentence.</p>"
        "</disp-quote>",
        "A repeated sentence.\n\n::: pullquote\nA repeated sentence.\n:::",
    ),
    (
        "<p>Text.</p><disp-quote><p>Someone else's words.</p>"
        "<attrib>Someone</attrib></disp-quote>",
        "Text.\n\n> Someone else's words.\n>\n> — Someone",
    ),
    (
        "<table-wrap><label>Table 1</label><caption><title>T</title></caption>"
        '<table><thead><tr><th>a</th><th align="right">b|c</th></tr></thead>'
        "<tbody><tr><td><italic>1</italic></td><td>2</td></tr></tbody></table>"
        "</table-wrap>",
        "**Table 1.** T.\n\n| a | b\\|c |\n| --- | ---: |\n| *1* | 2 |",
    ),
    (
        '<table-wrap><table><tr><th>a</th><th>b</th></tr><tr><td rowspan="2">'
        "x</td><td>y</td></tr><tr><td>z</td></tr></table></table-wrap>",
        '<table>\n<tbody>\n<tr><th>a</th><th>b</th></tr>\n<tr><td rowspan="2">x'
        "</td><td>y</td></tr>\n<tr><td>z</td></tr>\n</tbody>\n</table>",
    ),
    (
        "<p>Rate <inline-formula><mml:math><mml:mi>r</mml:mi><mml:mo>=</mml:mo>"
        "<mml:mi>n</mml:mi></mml:math></inline-formula>.</p>",
        "Rate <math><mi>r</mi><mo>=</mo><mi>n</mi></math>.",
    ),
    (
        "<p>Rate <inline-formula><tex-math>r = n_1</tex-math></inline-formula>.</p>",
        "Rate `r = n_1`.",
    ),
    (
        '<disp-formula id="e1"><label>(1)</label><mml:math><mml:mi>x</mml:mi>'
        "</mml:math></disp-formula>",
        '<div class="formula" id="e1"><math display="block"><mi>x</mi></math>'
        ' <span class="formula-label">(1)</span></div>',
    ),
]


@pytest.mark.parametrize(("body", "expected"), BODIES)
def test_body_elements_become_markdown(tmp_path, body, expected):
    assert body_of(tmp_path, body) == expected


CITATIONS = [
    # Numbered in the order the text first cites them, whatever the labels.
    (
        '<p>x <xref ref-type="bibr" rid="c">3</xref> y'
        ' <xref ref-type="bibr" rid="a">1</xref>.</p>',
        "x (1) y (2).",
        ["Gamma", "Alpha", "Beta"],
    ),
    # Superscript and bracketed groups; a dash between two makes a range.
    (
        '<p>pain<sup><xref ref-type="bibr" rid="a">1</xref>,'
        '<xref ref-type="bibr" rid="b">2</xref></sup>. More'
        ' [<xref ref-type="bibr" rid="a">1</xref>–<xref ref-type="bibr"'
        ' rid="c">3</xref>].</p>',
        "pain (1, 2). More (1–3).",
        ["Alpha", "Beta", "Gamma"],
    ),
    # One xref naming several references.
    (
        '<p>Both <xref ref-type="bibr" rid="b c">2,3</xref>.</p>',
        "Both (1, 2).",
        ["Beta", "Gamma", "Alpha"],
    ),
    # A year and a number that are no citations stay what they are.
    (
        "<p>In (2001) and note (2).</p>",
        "In (2001) and note &#40;2).",
        ["Alpha", "Beta", "Gamma"],
    ),
]


@pytest.mark.parametrize(("body", "expected", "order"), CITATIONS)
def test_citations_are_numbered_as_the_text_first_cites(
    tmp_path, body, expected, order
):
    article = parsed(tmp_path, jats(body, back=REFS))[0]
    assert article.body == expected
    assert [r.split()[0] for r in article.references] == order


def test_figure_image_is_copied_from_beside_the_xml_and_urls_are_never_fetched(
    tmp_path, monkeypatch
):
    def no_network(*args, **kwargs):
        raise AssertionError("the importer opened a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    content = tmp_path / "content"
    status, report = importing([EXCHANGE / "original.xml"], content)
    assert status == 0, report
    text = imported(content)[ORIGINAL_SLUG]
    url = f"{{static}}/images/jats/{ORIGINAL_SLUG}/fig1.png"
    assert (
        f'<figure id="f1"><a href="{url}"><img src="{url}" alt="Days waited by'
        ' month"></a><figcaption><strong>Figure 1.</strong> Days waited by month.'
        " Median with quartiles.</figcaption></figure>"
    ) in text
    copied = content / "images" / "jats" / ORIGINAL_SLUG / "fig1.png"
    assert copied.read_bytes() == (EXCHANGE / "fig1.png").read_bytes()
    # The image on the web is linked, not fetched.
    assert '<a href="https://example.org/figure2.png">' in text
    assert "figure2.png' not fetched" in report


def test_references_are_vancouver_with_doi_and_pmid_from_pub_id():
    article = parse_file(EXCHANGE / "original.xml")[0]
    assert article.references == [
        "Hartvigsen J, Hancock MJ, Kongsted A. What low back pain is and why we"
        " need to pay attention. Lancet 2018; 391: 2356–67."
        " doi: 10.1016/S0140-6736(18)30480-X. PMID: 29573870",
        # mixed-citation: the journal's own text, its pub-id labelled.
        "Starfield B, Shi L, Macinko J. Contribution of primary care to health"
        " systems and health. Milbank Q 2005; 83: 457–502."
        " doi: 10.1111/j.1468-0009.2005.00409.x",
        "Ås PK. Queues and care. Oslo: Example Press; 2020.",
        "Example Health Directorate. Waiting times in specialist care. Example"
        " Health Directorate 2022. https://example.org/waiting-times",
        "Uncited U. A reference nobody cites. J Example 2021; 1: 1–9.",
    ]
    uncited = [n for n in article.notes if "'r5' is not cited" in n.message]
    assert uncited[0].xpath == "/article/back/ref-list/ref[5]"


def test_the_reference_parser_links_every_imported_citation(tmp_path):
    content = tmp_path / "content"
    importing([EXCHANGE / "original.xml"], content)
    text = imported(content)[ORIGINAL_SLUG]
    body = text.split("\n\n", 1)[1]
    rendered = markdown.markdown(body, extensions=["extra"])
    linked = link_references(rendered, ["Referanser", "References"])
    assert [r.number for r in linked.references] == [1, 2, 3, 4, 5]
    assert linked.references[0].doi == "10.1016/S0140-6736(18)30480-X"
    assert linked.references[0].pmid == "29573870"
    assert linked.references[1].doi == "10.1111/j.1468-0009.2005.00409.x"
    assert linked.references[3].urls == ["https://example.org/waiting-times"]
    assert sorted(linked.cited_at) == [1, 2, 3, 4]
    assert linked.missing == []  # "(3)" in the text is no citation
    assert "(2019)" in linked.html


# -- relations ----------------------------------------------------------------


def test_a_reply_answers_by_doi_and_the_converse_relation_agrees(tmp_path):
    content = tmp_path / "content"
    status, report = importing([EXCHANGE], content)
    assert status == 0, report
    articles = imported(content)
    reply = header(articles["ventetid-er-ogsa-en-fordelingssak"])
    assert reply["Reply_to"] == "doi:10.5555/tdj.2023.0101"
    assert "Reply_to_title" not in reply  # it is in the archive now
    assert "(commentary-article) → the imported" in report
    assert "commentary 10.5555/tdj.2023.0107: " in report
    assert "answers this article, as it says" in report


def test_a_converse_relation_the_other_side_denies_is_reported(tmp_path):
    content = tmp_path / "content"
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(EXCHANGE / "original.xml", source / "original.xml")
    silent = (EXCHANGE / "reply.xml").read_text(encoding="utf-8")
    start = silent.index("<related-article")
    end = silent.index("</related-article>") + len("</related-article>")
    write(source, "reply.xml", silent[:start] + silent[end:])
    status, report = importing([source], content)
    assert status == 0, report
    assert (
        "/article/front/article-meta/related-article: commentary"
        " 10.5555/tdj.2023.0107: says "
    ) in report
    assert "but that file does not say so" in report


def test_a_decision_letter_answers_the_article_and_the_author_response_the_letter(
    tmp_path,
):
    content = tmp_path / "content"
    importing([EXCHANGE / "original.xml"], content)
    articles = imported(content)
    letter = header(articles[f"{ORIGINAL_SLUG}-decision-letter"])
    response = header(articles[f"{ORIGINAL_SLUG}-author-response"])
    assert letter["Reply_to"] == "doi:10.5555/tdj.2023.0101"
    assert letter["Authors"] == "Sunniva Berge"  # the editor, as no author is named
    assert letter["Date"] == "2023-03-14"  # the article's
    assert letter["DOI"] == "10.5555/tdj.2023.0101.sa1"
    assert response["Reply_to"] == "doi:10.5555/tdj.2023.0101.sa1"
    assert response["Authors"] == "Oda Fjellheim; Kari Nordmann"
    # The letter cites the article's reference list: its own list holds it.
    assert articles[f"{ORIGINAL_SLUG}-decision-letter"].endswith(
        "wait longest (1).\n\n## References\n\n"
        "1. Ås PK. Queues and care. Oslo: Example Press; 2020.\n"
    )


def test_an_external_target_is_titled_from_the_reference_list(tmp_path):
    content = tmp_path / "content"
    status, report = importing([EXCHANGE / "external-reply.xml"], content)
    assert status == 0, report
    fields = header(imported(content)["back-pain-deserves-a-longer-conversation"])
    assert fields["Reply_to"] == "doi:10.1016/s0140-6736(18)30480-x"
    assert fields["Reply_to_title"] == (
        "What low back pain is and why we need to pay attention"
    )
    assert "an external work, titled" in report


def test_a_reply_to_an_article_of_the_archive_resolves_to_it(tmp_path, content):
    content.article("ventelister", DOI="10.5555/tdj.2023.0101", Date="2023-03-01")
    status, report = importing([EXCHANGE / "reply.xml"], content.root)
    assert status == 0, report
    fields = header(imported(content.root)["ventetid-er-ogsa-en-fordelingssak"])
    assert fields["Reply_to"] == "doi:10.5555/tdj.2023.0101"
    assert "the archive's" in report and "ventelister.md" in report


def test_a_correction_fills_the_corrected_articles_correction_fields(tmp_path):
    content = tmp_path / "content"
    importing([EXCHANGE / "original.xml", EXCHANGE / "correction.xml"], content)
    articles = imported(content)
    original = header(articles[ORIGINAL_SLUG])
    assert original["Modified"] == "2023-06-10 00:00"
    assert original["Correction"] == (
        "In Table 1 of this essay, the mean for patients who waited over 90 days"
        " was 4.4, not 4.1 as first printed."
    )
    notice = header(articles["correction-to-waiting-lists-are-a-clinical-problem"])
    assert notice["Reply_to"] == "doi:10.5555/tdj.2023.0101"


def test_a_correction_of_an_article_written_by_hand_says_what_to_add(tmp_path, content):
    before = content.article(
        "ventelister", DOI="10.5555/tdj.2023.0101", Date="2023-03-01"
    ).read_bytes()
    status, report = importing([EXCHANGE / "correction.xml"], content.root)
    assert status == 0, report
    assert (content.root / "ventelister.md").read_bytes() == before
    assert "is not changed by an import; add to it by hand: 'Modified:" in report
    assert "'Correction: In Table 1" in report


# -- hostile and broken input ---------------------------------------------------

XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE article [\n'
    '<!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'
    "<article><front><article-meta><title-group><article-title>&secret;"
    "</article-title></title-group></article-meta></front></article>"
)
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE article [\n<!ENTITY a "haha">\n'
    + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n'
        for i in range(8)
    )
    + "]>\n<article><body><p>&i;</p></body></article>"
)
PARAMETER = (
    '<?xml version="1.0"?>\n<!DOCTYPE article [\n'
    '<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">\n%remote;\n]>\n'
    "<article/>"
)
DTD_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96)'
    ' Journal Publishing DTD v1.3 20210610//EN" "JATS-journalpublishing1-3.dtd">\n'
    "<article><body><p>a&nbsp;b</p></body></article>"
)
HOSTILE = {
    "xxe.xml": "declares an external entity ('secret' → 'file:///etc/passwd')",
    "laughs.xml": "declares entities in its DOCTYPE",
    "parameter.xml": "declares an external entity ('remote'",
    "dtd-entity.xml": "uses the entity &nbsp; that only JATS-journalpublishing1-3.dtd"
    " defines",
    "html.xml": "is not a JATS article: its root element is <html>, not <article>",
    "broken.xml": "is not well-formed XML",
    "text.xml": "is not well-formed XML",
}


def hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    write(folder, "xxe.xml", XXE)
    write(folder, "laughs.xml", LAUGHS)
    write(folder, "parameter.xml", PARAMETER)
    write(folder, "dtd-entity.xml", DTD_ENTITY)
    write(folder, "html.xml", "<html><body><p>Not JATS</p></body></html>")
    write(folder, "broken.xml", "<article><body><p>unclosed</body></article>")
    write(folder, "text.xml", b"Title: not XML at all\n\xff\xfe")
    return folder


def test_hostile_and_broken_files_are_refused_each_named_and_nothing_written(
    tmp_path,
):
    folder = hostile_folder(tmp_path)
    shutil.copy(EXCHANGE / "reply.xml", folder / "good.xml")
    content = tmp_path / "content"
    status, report = importing([folder], content)
    assert status == 1
    for name, message in HOSTILE.items():
        lines = [line for line in report.splitlines() if f"{name}:" in line]
        assert lines, f"{name} is not reported:\n{report}"
        assert message in lines[0], lines[0]
    assert "root:" not in report  # /etc/passwd was never read into anything
    assert not content.exists()  # all or nothing
    assert "Nothing written" in report
    assert "12 articles" not in report


def test_skip_bad_writes_the_good_files_and_lists_the_bad(tmp_path):
    folder = hostile_folder(tmp_path)
    shutil.copy(EXCHANGE / "external-reply.xml", folder / "good.xml")
    content = tmp_path / "content"
    status, report = importing([folder], content, skip_bad=True)
    assert status == 1  # there were errors, though the good file is written
    assert list(imported(content)) == ["back-pain-deserves-a-longer-conversation"]
    assert "Skipped (7, --skip-bad)" in report


def test_a_missing_path_is_an_error(tmp_path):
    status, report = importing([tmp_path / "nowhere.xml"], tmp_path / "content")
    assert status == 1
    assert "nowhere.xml: no such file or folder" in report


def test_two_files_with_one_doi_are_errors_before_anything_is_written(tmp_path):
    source = tmp_path / "in"
    write(source, "one.xml", jats(n=7))
    write(source, "two.xml", jats(n=7).replace("Test article 7", "Another"))
    content = tmp_path / "content"
    status, report = importing([source], content)
    assert status == 1
    assert not content.exists()
    assert "one.xml /article: DOI 10.5555/test.7 is also the DOI of" in report
    assert "DOI 10.5555/test.7 is also the DOI of" in report
    assert report.count("is also the DOI of") == 2  # both files named


def test_slugs_that_collide_are_errors(tmp_path, content):
    content.article("test-article-1", DOI="10.5555/other")
    source = write(tmp_path / "in", "a.xml", jats())
    status, report = importing([source], content.root)
    assert status == 1
    assert "slug 'test-article-1' is already used by" in report
    assert not (content.root / "imported").exists()


def test_dry_run_shows_the_plan_and_writes_nothing(tmp_path):
    content = tmp_path / "content"
    status, report = importing([EXCHANGE], content, dry_run=True)
    assert status == 0
    assert not content.exists()
    assert report.startswith("Dry run: nothing is written.")
    assert f"{ORIGINAL_SLUG}.md  (article, from" in report
    assert "fig1.png  (image, from" in report
    assert "oda-fjellheim.md  (profile, from" in report


# -- profiles -----------------------------------------------------------------


def test_profiles_are_made_for_new_authors_and_existing_ones_are_never_changed(
    tmp_path, content
):
    kari = content.author("Kari Nordmann", Affiliation="Elsewhere")
    before = kari.read_bytes()
    status, report = importing([EXCHANGE / "original.xml"], content.root)
    assert status == 0, report
    assert kari.read_bytes() == before
    assert report.count("kari-nordmann.md is kept as it is") == 1
    assert (
        "the profile" in report
        and "kari-nordmann.md is kept as it is; the article says Affiliation"
        " 'Harbour Health Centre' (the profile has 'Elsewhere')"
        in report
    )
    oda = (content.root / "authors" / "oda-fjellheim.md").read_text(encoding="utf-8")
    assert oda == (
        "Name: Oda Fjellheim\nEmail: oda.fjellheim@example.org\n"
        "Affiliation: Department of General Practice, Northbay University, Norway\n"
        "ORCID: 0000-0002-1825-0097\n\n"
        "Oda Fjellheim is a general practitioner who writes about *access* to"
        " care.\n"
    )


# -- re-imports ---------------------------------------------------------------


def test_importing_the_same_files_twice_changes_no_byte(tmp_path):
    content = tmp_path / "content"
    importing([EXCHANGE], content)
    first = snapshot(content)
    status, report = importing([EXCHANGE], content)
    assert status == 0
    assert snapshot(content) == first
    assert "  new " not in report and "  updated " not in report


def corrected_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "v2"
    shutil.copytree(EXCHANGE, folder, dirs_exist_ok=True)
    original = folder / "original.xml"
    text = original.read_text(encoding="utf-8")
    text = text.replace(
        "Waiting lists are a <italic>clinical</italic> problem",
        "Waiting lists are a medical problem",
    )
    text = text.replace(
        "A queue is not a neutral place to stand.</p>\n",
        "A queue is not a neutral place to stand, nor a fair one.</p>\n",
        1,
    )
    original.write_text(text, encoding="utf-8")
    return folder


def test_a_corrected_version_updates_the_file_and_keeps_its_address(tmp_path):
    content = tmp_path / "content"
    importing([EXCHANGE], content)
    status, report = importing([corrected_copy(tmp_path)], content)
    assert status == 0, report
    text = imported(content)[ORIGINAL_SLUG]  # same slug, so the same URL
    assert header(text)["Title"].startswith("Waiting lists are a medical problem")
    assert "nor a fair one." in text
    assert "updated    " in report


def test_a_locally_edited_file_is_kept_unless_forced(tmp_path):
    content = tmp_path / "content"
    importing([EXCHANGE], content)
    path = next((content / "imported").rglob(f"{ORIGINAL_SLUG}.md"))
    edited = path.read_text(encoding="utf-8").replace("## Findings", "## What we found")
    path.write_text(edited, encoding="utf-8")
    status, report = importing([corrected_copy(tmp_path)], content)
    assert status == 0
    assert path.read_text(encoding="utf-8") == edited
    assert "kept (edited since the last import; --force replaces it)" in report
    status, report = importing([corrected_copy(tmp_path)], content, force=True)
    assert status == 0
    text = path.read_text(encoding="utf-8")
    assert "## What we found" not in text and "nor a fair one." in text
    assert "replaced (edited since the last import; --force)" in report


# -- the imported exchange as a site ---------------------------------------------


def test_an_imported_exchange_builds_passes_check_and_its_debate_page_is_whole(
    content, build_site, check_content
):
    status, report = importing([EXCHANGE], content.root)
    assert status == 0, report
    checked = check_content(content.root)
    assert not checked.problems.errors, [p.format() for p in checked.problems.errors]
    site = build_site(content.root)
    assert not site.result.problems.errors
    page = site.html(f"debatt/{ORIGINAL_SLUG}/")
    titles = [
        (item["style"], item.h3.get_text(" ", strip=True).replace("\xa0", " "))
        for item in page.select(".debate-timeline .contribution")
    ]
    assert titles == [
        (
            "--depth: 0",
            "Waiting lists are a clinical problem: what a queue does to a patient",
        ),
        ("--depth: 1", "Decision letter"),
        ("--depth: 2", "Author response"),
        ("--depth: 1", "Ventetid er også en fordelingssak"),
        ("--depth: 1", "Correction to: Waiting lists are a clinical problem"),
    ]
    article = site.html(f"2023/{ORIGINAL_SLUG}/")
    assert "4.4, not 4.1" in article.select_one(".notice-correction").get_text()
    assert len(article.select("span.citation")) == 3  # (1, 2), (2–4), (3)
    pullquote = article.select_one("aside.pullquote").get_text(strip=True)
    assert pullquote.replace("\xa0", " ") == "A queue is not a neutral place to stand."
    assert article.select_one("figure img")["src"].endswith(
        f"images/jats/{ORIGINAL_SLUG}/fig1.png"
    )
    assert site.path(f"images/jats/{ORIGINAL_SLUG}/fig1.png").exists()
    external = site.html("debatt/back-pain-deserves-a-longer-conversation/")
    assert external.select_one(".external-root a").get_text() == (
        "What low back pain is and why we need to pay attention"
    )
