"""Every article citable by people and readable by machines.

Built sites are read back with independent parsers: mf2py (microformats),
extruct (JSON-LD, Open Graph), rispy (RIS), bibtexparser (BibTeX), lxml (XML).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import bibtexparser
import extruct
import mf2py
import pytest
import rispy
from bibtexparser import middlewares
from bs4 import BeautifulSoup
from lxml import etree

from pelican.plugins.replikk.citations import cite, crossref, glue, jsonld, sitemap
from pelican.plugins.replikk.citations.settings import check, issn_ok, resolve
from pelican.plugins.replikk.problems import ContentError

PUBLISH_SETTINGS = Path(__file__).resolve().parent.parent / "publishconf.py"
# These articles are about citations: the publish policy (PUBLISH_REQUIRES,
# tests/test_publish_policy.py) would ask them for Accepted dates and
# statements they need not have here ("Trening også" has no Summary on purpose).
NO_POLICY = {"PUBLISH_POLICY": "ignore"}
SITE = "https://replikk.example.org"
OSLO = ZoneInfo("Europe/Oslo")
SCHOLAR_TAGS = (
    "citation_title",
    "citation_author",
    "citation_publication_date",
    "citation_journal_title",
)


def work(**changes) -> cite.Work:
    values = {
        "title": "Smertebehandling av ryggpasienter",
        "authors": [cite.Person("Erik L. Werner"), cite.Person("Jens Ivar Brox")],
        "published": datetime(2024, 2, 6, 9, 0, tzinfo=OSLO),
        "journal_title": "Tidsskrift for Den norske legeforening",
        "journal_abbreviation": "Tidsskr Nor Legeforen",
        "lang": "nb",
        "volume": cite.volume_for(2024, 1881),
        "doi": "10.4045/tidsskr.24.0031",
    }
    values.update(changes)
    return cite.Work(**values)


# -- the citation text and files, on plain data ------------------------------


def test_vancouver_citation_names_authors_title_journal_year_volume_doi() -> None:
    assert cite.vancouver(work()) == (
        "Werner EL, Brox JI. Smertebehandling av ryggpasienter."
        " Tidsskr Nor Legeforen 2024; 144. doi: 10.4045/tidsskr.24.0031"
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": "Er funnene falske?"}, "Werner EL, Brox JI. Er funnene falske? T"),
        ({"volume": None}, "Tidsskr Nor Legeforen 2024. doi:"),
        ({"doi": None, "url": f"{SITE}/a/"}, f"Legeforen 2024; 144. {SITE}/a/"),
        ({"doi": None}, "Tidsskr Nor Legeforen 2024; 144."),
        ({"authors": [cite.Person("Kari Nordmann-Hansen")]}, "Nordmann-Hansen K. "),
        ({"authors": [cite.Person("Jan-Erik Li")]}, "Li JE. "),
        ({"authors": [cite.Person("Øystein Brenna")]}, "Brenna Ø. "),
        (
            {"authors": [cite.Person(f"Aa B{i}") for i in range(8)]},
            "B0 A, B1 A, B2 A, B3 A, B4 A, B5 A, et al. ",
        ),
    ],
)
def test_vancouver_citation_variants(changes: dict, expected: str) -> None:
    assert expected in cite.vancouver(work(**changes))


@pytest.mark.parametrize(
    ("changes", "link"),
    [
        ({}, ("10.4045/tidsskr.24.0031", "https://doi.org/10.4045/tidsskr.24.0031")),
        ({"doi": None, "url": f"{SITE}/a/"}, (f"{SITE}/a/", f"{SITE}/a/")),
        ({"doi": None}, None),
    ],
)
def test_the_citation_on_the_page_links_its_doi_and_escapes_its_text(
    changes: dict, link: tuple | None
) -> None:
    cited = work(title='<script>alert("x")</script> & <b>co</b>', **changes)
    citation = glue.Citation(None)
    citation.__dict__["work"] = cited  # what the article's metadata would give
    soup = BeautifulSoup(str(citation.vancouver_html), "html.parser")
    assert soup.get_text() == cite.vancouver(cited)  # the RIS/BibTeX text, as is
    assert soup.find_all(["script", "b"]) == []
    assert [(a.get_text(), a["href"]) for a in soup.find_all("a")] == (
        [link] if link else []
    )


def test_volume_follows_the_journals_first_year() -> None:
    assert cite.volume_for(2024, 1881) == 144
    assert cite.volume_for(2024, 2024) == 1
    assert cite.volume_for(2024, None) is None


def test_ris_file_parses_with_rispy() -> None:
    text = cite.ris(
        work(
            title="Råd er\nbehandling",
            abstract="Første linje.\nAndre linje.",
            keywords=["rygg", "smerte"],
            issn="0029-2001",
            url=f"{SITE}/2024/rad/",
        )
    )
    assert text.endswith("ER  - \r\n")
    [entry] = rispy.loads(text)
    assert entry["type_of_reference"] == "JOUR"
    assert entry["title"] == "Råd er behandling"
    assert entry["authors"] == ["Werner, Erik L.", "Brox, Jens Ivar"]
    assert entry["year"] == "2024"
    assert entry["date"] == "2024/02/06/"
    assert entry["secondary_title"] == "Tidsskrift for Den norske legeforening"
    assert entry["alternate_title1"] == "Tidsskr Nor Legeforen"
    assert entry["volume"] == "144"
    assert entry["issn"] == "0029-2001"
    assert entry["doi"] == "10.4045/tidsskr.24.0031"
    assert entry["urls"] == [f"{SITE}/2024/rad/"]
    assert entry["abstract"] == "Første linje. Andre linje."
    assert entry["keywords"] == ["rygg", "smerte"]
    assert entry["language"] == "nb"


def parse_bibtex(text: str):
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            middlewares.LatexDecodingMiddleware(),
            middlewares.SeparateCoAuthors(),
        ],
    )
    assert library.failed_blocks == []
    [entry] = library.entries
    return entry


def test_bibtex_file_parses_with_bibtexparser() -> None:
    entry = parse_bibtex(cite.bibtex(work(keywords=["rygg"], issn="0029-2001")))
    assert entry.entry_type == "article"
    assert entry.key == "werner2024smertebehandling"
    fields = {f.key: f.value for f in entry.fields}
    assert fields["author"] == ["Werner, Erik L.", "Brox, Jens Ivar"]
    assert fields["title"] == "Smertebehandling av ryggpasienter"
    assert fields["journal"] == "Tidsskrift for Den norske legeforening"
    assert fields["year"] == "2024"
    assert fields["volume"] == "144"
    assert fields["doi"] == "10.4045/tidsskr.24.0031"
    assert fields["issn"] == "0029-2001"


def test_bibtex_escapes_special_characters_and_norwegian_letters() -> None:
    title = "Æ, ø og å: 50 % & $5 #1 a_b {x} ~ ^ \\ – ferdig"
    text = cite.bibtex(work(title=title, authors=[cite.Person("Øystein Brænne-Åsen")]))
    raw = text.split("title = ", 1)[1].split("\n", 1)[0]
    assert raw == (
        r"{{{\AE}, {\o} og {\aa}: 50 \% \& \$5 \#1 a\_b \{x\} \textasciitilde{}"
        r" \textasciicircum{} \textbackslash{} -- ferdig}},"
    )
    assert text.isascii()
    entry = parse_bibtex(text)
    fields = {f.key: f.value for f in entry.fields}
    assert fields["author"] == ["Brænne-Åsen, Øystein"]
    assert fields["title"].startswith("Æ, ø og å: 50 % & $5 #1 a_b {x}")
    assert entry.key == "braenneasen2024ferdig"


def test_bibtex_keeps_a_name_with_and_in_one_piece() -> None:
    text = cite.bibtex(work(authors=[cite.Person("Sand and Stein, Kari")]))
    assert "author = {{Sand and Stein}, Kari}" in text
    library = bibtexparser.parse_string(
        text, append_middleware=[middlewares.SeparateCoAuthors()]
    )
    assert library.entries[0].fields_dict["author"].value == ["{Sand and Stein}, Kari"]


def test_jsonld_is_valid_and_safe_for_any_title() -> None:
    title = '</script><script>alert("x")</script> & <!-- \u2028'
    data = jsonld.scholarly_article(
        work(title=title), answers=[], replies=[], debate=None, references=[]
    )
    text = jsonld.dumps_for_script(data)
    assert "</" not in text
    assert "<" not in text
    assert "<!--" not in text
    assert json.loads(text)["headline"] == title


def test_crossref_batch_states_every_articles_relations_in_one_body() -> None:
    deposits = [
        crossref.Deposit(
            "10.5555/b",
            (
                crossref.Relation(crossref.IS_REPLY_TO, "10.5555/a", "Første & <b>"),
                crossref.Relation(
                    crossref.IS_REPLY_TO, "10.1016/S0140-6736(18)30489-6"
                ),
            ),
        ),
        crossref.Deposit(
            "10.5555/a", (crossref.Relation(crossref.HAS_REPLY, "10.5555/b"),)
        ),
    ]
    made = crossref.batch(
        deposits, depositor="Replikk", email="red@example.org", stamp="20240101000000"
    )
    root = etree.fromstring(made.xml.encode())
    ns = {"c": crossref.RESOURCES_NS, "rel": crossref.RELATIONS_NS}
    [body] = root.findall("c:body", ns)
    stated = {
        item.findtext("c:doi", namespaces=ns): [
            (r.get("relationship-type"), r.text)
            for r in item.findall(".//rel:inter_work_relation", ns)
        ]
        for item in body.findall("c:doi_relations", ns)
    }
    assert stated == {
        "10.5555/b": [
            ("isReplyTo", "10.5555/a"),
            ("isReplyTo", "10.1016/S0140-6736(18)30489-6"),
        ],
        "10.5555/a": [("hasReply", "10.5555/b")],
    }
    assert root.findtext(".//rel:description", namespaces=ns) == "Første & <b>"
    assert root.findtext(".//c:email_address", namespaces=ns) == "red@example.org"
    assert root.findtext(".//c:depositor_name", namespaces=ns) == "Replikk"
    assert root.findtext(".//c:doi_batch_id", namespaces=ns) == made.batch_id
    assert made.batch_id.startswith("20240101000000-")
    again = crossref.batch(
        deposits, depositor="Replikk", email="red@example.org", stamp="20240101000000"
    )
    assert again == made
    fewer = crossref.batch(
        deposits[:1],
        depositor="Replikk",
        email="red@example.org",
        stamp="20240101000000",
    )
    assert fewer.batch_id != made.batch_id


@pytest.mark.parametrize(("depositor", "email"), [("Replikk", ""), ("", "a@b.org")])
def test_crossref_batch_is_never_made_without_depositor_and_email(
    depositor: str, email: str
) -> None:
    with pytest.raises(ValueError, match="depositor"):
        crossref.batch([], depositor=depositor, email=email, stamp="20240101000000")


def test_sitemap_and_robots() -> None:
    when = datetime(2024, 2, 6, 9, 0, tzinfo=OSLO)
    xml = sitemap.sitemap_xml(
        [sitemap.Entry(f"{SITE}/a/", when), sitemap.Entry(f"{SITE}/a/")]
    )
    root = etree.fromstring(xml.encode())
    ns = {"s": sitemap.SITEMAP_NS}
    assert root.xpath("//s:loc/text()", namespaces=ns) == [f"{SITE}/a/"]
    assert root.xpath("//s:lastmod/text()", namespaces=ns) == [when.isoformat()]
    robots = sitemap.robots_txt(["/utkast/"], f"{SITE}/sitemap.xml")
    assert robots == (
        f"User-agent: *\nDisallow: /utkast/\n\nSitemap: {SITE}/sitemap.xml\n"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("JOURNAL_ISSN", "1234-5678"),  # wrong check digit
        ("JOURNAL_ISSN", "12345678"),
        ("JOURNAL_FIRST_YEAR", "1881"),
        ("JOURNAL_FIRST_YEAR", True),
        ("JOURNAL_TITLE", 5),
        ("JOURNAL_PUBLISHER", ["Legeforeningen"]),
        ("CITATION_RIS_NAME", "../cite.ris"),
        ("CITATION_CROSSREF_EMAIL", 5),
        ("CITATION_CROSSREF_EMAIL", "redaksjonen"),
        ("CITATION_CROSSREF_EMAIL", "doi@replikk.no2"),
        ("CITATION_CROSSREF_DEPOSITOR", "R" * 131),
    ],
)
def test_bad_settings_are_named_with_their_value(name: str, value) -> None:
    errors = check(resolve({"SITENAME": "Replikk", name: value}))
    assert [e.name for e in errors] == [name]
    assert repr(value) in str(errors[0])


def test_good_settings_pass() -> None:
    assert issn_ok("0029-2001")
    assert issn_ok("2049-3630")
    assert check(resolve({"SITENAME": "R", "JOURNAL_ISSN": "0029-2001"})) == []
    depositor = {
        "CITATION_CROSSREF_DEPOSITOR": "Den norske legeforening",
        "CITATION_CROSSREF_EMAIL": "doi@tidsskriftet.no",
    }
    assert check(resolve({"SITENAME": "R", **depositor})) == []


def test_the_removed_crossref_file_setting_points_to_invoke_crossref() -> None:
    [error] = check(resolve({"SITENAME": "R", "CITATION_CROSSREF_NAME": None}))
    assert error.name == "CITATION_CROSSREF_NAME"
    assert "invoke crossref" in error.reason


# -- whole sites ---------------------------------------------------------------


@pytest.fixture
def debate(scenario):
    """An article, a reply to it, and a reply to an article outside the archive
    (tests/data/citations-debate)."""
    return scenario("citations-debate")


@pytest.fixture
def published(debate, build_site):
    return build_site(debate, PUBLISH_SETTINGS, SITEURL=SITE, **NO_POLICY)


def meta(soup, name: str) -> list[str]:
    return [m["content"] for m in soup.find_all("meta", attrs={"name": name})]


def test_scholar_tags_carry_the_right_values(published) -> None:
    soup = published.html("2024/trening-ogsa/")
    assert meta(soup, "citation_title") == ["Trening også"]
    assert meta(soup, "citation_author") == ["Hansen, Ola", "Nordmann, Kari"]
    assert meta(soup, "citation_author_institution") == [
        "Institutt for helse og samfunn, Universitetet i Oslo",
        "Sykehuset",
    ]
    assert meta(soup, "citation_publication_date") == ["2024/02/20"]
    assert meta(soup, "citation_journal_title") == ["Replikk"]
    assert meta(soup, "citation_doi") == ["10.5555/test.002"]
    assert meta(soup, "citation_language") == ["nb"]
    assert meta(soup, "citation_abstract_html_url") == [f"{SITE}/2024/trening-ogsa/"]
    assert meta(soup, "citation_reference") == [
        "citation_title=Samtalen først; citation_doi=10.5555/test.001",
        "citation_title=Prevention and treatment;"
        " citation_doi=10.1016/S0140-6736(18)30489-6",
    ]
    canonical = soup.find("link", rel="canonical")
    assert canonical["href"] == f"{SITE}/2024/trening-ogsa/"


def test_microformats_give_the_entry_and_what_it_answers(published) -> None:
    url = f"{SITE}/2024/trening-ogsa/"
    parsed = mf2py.parse(doc=published.text("2024/trening-ogsa/"), url=url)
    [entry] = [i for i in parsed["items"] if "h-entry" in i["type"]]
    props = entry["properties"]
    # (the typography part may tie the last two words with a no-break space)
    assert [" ".join(n.split()) for n in props["name"]] == ["Trening også"]
    assert [a["properties"]["name"] for a in props["author"]] == [
        ["Ola Hansen"],
        ["Kari Nordmann"],
    ]
    assert props["published"][0].startswith("2024-02-20T09:00:00")
    assert props["in-reply-to"] == [f"{SITE}/2024/samtalen-forst/"]
    assert props["url"] == [url]
    assert "Vi er uenige" in props["content"][0]["value"]

    external = mf2py.parse(doc=published.text("2024/lancet-svar/"), url=SITE)
    [entry] = [i for i in external["items"] if "h-entry" in i["type"]]
    assert entry["properties"]["in-reply-to"] == [
        "https://doi.org/10.1016/s0140-6736(18)30480-x"
    ]


def test_replies_listed_on_a_page_are_not_its_authors(published) -> None:
    parsed = mf2py.parse(doc=published.text("2024/samtalen-forst/"), url=SITE)
    [entry] = [i for i in parsed["items"] if "h-entry" in i["type"]]
    names = [a["properties"]["name"] for a in entry["properties"]["author"]]
    assert names == [["Kari Nordmann"]]


def extract(site, url: str) -> dict:
    return extruct.extract(
        site.text(url),
        base_url=f"{SITE}/{url}",
        syntaxes=["json-ld", "opengraph"],
        uniform=True,
    )


def test_jsonld_describes_the_article_its_debate_and_what_it_answers(published):
    [data] = extract(published, "2024/trening-ogsa/")["json-ld"]
    assert data["@type"] == "ScholarlyArticle"
    assert data["headline"] == "Trening også"
    assert data["inLanguage"] == "nb"
    assert data["datePublished"].startswith("2024-02-20T09:00:00")
    assert data["identifier"]["value"] == "10.5555/test.002"
    assert data["sameAs"] == "https://doi.org/10.5555/test.002"
    first, second = data["author"]
    assert first["name"] == "Ola Hansen"
    assert first["affiliation"][0]["name"].startswith("Institutt for helse")
    assert first["sameAs"] == "https://orcid.org/0000-0002-8301-6619"
    assert second["name"] == "Kari Nordmann"
    debate, journal = data["isPartOf"]
    assert debate["url"] == f"{SITE}/debatt/samtalen-forst/"
    assert journal["@type"] == "Periodical"
    [answered] = data["isBasedOn"]
    assert answered["url"] == f"{SITE}/2024/samtalen-forst/"
    assert answered["sameAs"] == "https://doi.org/10.5555/test.001"
    assert answered in data["citation"]
    assert data["commentCount"] == 0

    [original] = extract(published, "2024/samtalen-forst/")["json-ld"]
    assert original["commentCount"] == 1
    assert [c["url"] for c in original["comment"]] == [f"{SITE}/2024/trening-ogsa/"]


def test_open_graph_names_the_article(published) -> None:
    [og] = extract(published, "2024/trening-ogsa/")["opengraph"]
    assert og["og:title"] == "Trening også"
    assert og["og:url"] == f"{SITE}/2024/trening-ogsa/"
    assert og["@type"] == "article"
    assert og["og:site_name"] == "Replikk"


def test_references_link_dois_with_parentheses_pmids_and_urls(published) -> None:
    soup = published.html("2024/samtalen-forst/")
    body = soup.find(class_="e-content")
    # The list may be shown in the text or after it: found by its anchors.
    items = soup.select("li[id^='ref-']")
    assert [li["id"] for li in items] == ["ref-1", "ref-2", "ref-3", "ref-4"]
    hrefs = [[a["href"] for a in li.find_all("a")] for li in items]
    assert hrefs[0][0] == "https://doi.org/10.1016/S0140-6736(18)30480-X"
    assert hrefs[2][:2] == [
        "https://doi.org/10.1016/S0140-6736(09)60172-0",
        "https://pubmed.ncbi.nlm.nih.gov/19200918/",
    ]
    assert hrefs[3][0] == "https://www.helsedirektoratet.no/retningslinjer/rygg"
    assert hrefs[3][1].startswith("https://search.crossref.org/")
    here = f"{SITE}/2024/samtalen-forst/"
    citations = [
        (s.get_text(), [a["href"].removeprefix(here) for a in s.find_all("a")])
        for s in body.find_all("span", class_="citation")
    ]
    assert citations == [
        ("(1, 2)", ["#ref-1", "#ref-2"]),
        ("(3–4)", ["#ref-3", "#ref-4"]),
        ("(1)", ["#ref-1"]),
    ]
    text = body.get_text()
    assert "Lancet-serien (2018) sa" in text
    assert "Tallet (7 pasienter) er" in text
    assert [a["href"] for a in items[0].find_all("a", class_="ref-back")] == [
        f"{here}#cite-1",
        f"{here}#cite-3",
    ]


OVERVIEW = """\
Title: Ryggdebatten så langt
Slug: oversikt
Authors: Kari Nordmann
Date: 2024-04-02 09:00

Debatten begynte med Samtalen først (1).

## Referanser

1. Nordmann K. Samtalen først. Replikk 2024. doi: 10.5555/test.001
"""


@pytest.fixture
def cited_by_others(debate, build_site):
    """The debate, and an article citing "Samtalen først" without answering it."""
    (debate / "oversikt.md").write_text(OVERVIEW, encoding="utf-8")
    return build_site(debate, PUBLISH_SETTINGS, SITEURL=SITE, **NO_POLICY)


def cited_in_archive(site, url: str) -> list[str] | None:
    """The links under "Cited in this archive", or None without the section."""
    section = site.html(url).find(class_="cited-in-archive")
    return None if section is None else [a["href"] for a in section.find_all("a")]


def test_a_reference_to_the_archive_links_both_ways(cited_by_others) -> None:
    citing = cited_by_others.html("2024/oversikt/")
    own = citing.find(id="ref-1").find("a", class_="ref-archive")
    assert own["href"] == f"{SITE}/2024/samtalen-forst/"
    page = cited_by_others.html("2024/samtalen-forst/")
    assert page.find(class_="cited-in-archive").h2.get_text() == "Sitert i arkivet"
    assert cited_in_archive(cited_by_others, "2024/samtalen-forst/") == [
        f"{SITE}/2024/oversikt/"
    ]


def test_cited_in_the_archive_leaves_out_the_articles_replies(cited_by_others):
    # "Trening også" answers and cites "Samtalen først": it is listed with
    # the debate, not again under "Cited in this archive".
    reply = cited_by_others.html("2024/trening-ogsa/")
    assert reply.find(id="ref-1").find("a", class_="ref-archive")
    listed = cited_in_archive(cited_by_others, "2024/samtalen-forst/")
    assert f"{SITE}/2024/trening-ogsa/" not in listed


def test_an_article_cited_only_by_its_replies_has_no_cited_in_archive(published):
    assert cited_in_archive(published, "2024/samtalen-forst/") is None


def test_cited_in_the_archive_is_the_same_from_the_reading_cache(
    debate, build_site, tmp_path
) -> None:
    (debate / "oversikt.md").write_text(OVERVIEW, encoding="utf-8")
    cache = {
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CACHE_PATH": str(tmp_path / "cache"),
    }
    cold = cited_in_archive(build_site(debate, **cache), "2024/samtalen-forst/")
    warm = cited_in_archive(build_site(debate, **cache), "2024/samtalen-forst/")
    assert cold == warm
    assert [h.rstrip("/").rsplit("/", 1)[-1] for h in warm] == ["oversikt"]


def test_cite_this_block_links_files_that_parse(published) -> None:
    soup = published.html("2024/trening-ogsa/")
    block = soup.find(class_="cite-this")
    assert block.h2.get_text() == "Siter artikkelen"
    text = block.find(class_="citation-text")
    assert text.get_text() == (
        "Hansen O, Nordmann K. Trening også. Replikk 2024; 1. doi: 10.5555/test.002"
    )
    [doi] = text.find_all("a")
    assert (doi.get_text(), doi["href"]) == (
        "10.5555/test.002",
        "https://doi.org/10.5555/test.002",
    )
    links = {a.get_text(): a["href"] for a in block.find_all("a", download=True)}
    ris_url = links["RIS (EndNote, Zotero, Mendeley)"]
    bib_url = links["BibTeX"]
    assert ris_url == f"{SITE}/2024/trening-ogsa/cite.ris"
    [entry] = rispy.loads(published.text(ris_url.removeprefix(SITE)))
    assert entry["title"] == "Trening også"
    assert entry["authors"] == ["Hansen, Ola", "Nordmann, Kari"]
    assert entry["doi"] == "10.5555/test.002"
    bib = parse_bibtex(published.text(bib_url.removeprefix(SITE)))
    assert bib.fields_dict["title"].value == "Trening også"
    assert bib.fields_dict["author"].value == ["Hansen, Ola", "Nordmann, Kari"]


def test_the_site_holds_no_crossref_deposit(published) -> None:
    assert list(published.output.rglob("crossref.xml")) == []
    for path in published.output.rglob("*.xml"):  # the sitemap and feeds
        assert b"doi_resources_schema" not in path.read_bytes(), path


def test_a_site_still_setting_the_crossref_file_name_stops_with_a_hint(
    debate, build_site
) -> None:
    with pytest.raises(
        ContentError, match=r"CITATION_CROSSREF_NAME: .*`invoke crossref --out FILE`"
    ):
        build_site(debate, CITATION_CROSSREF_NAME="crossref.xml")


def lastmods(site) -> dict[str, str]:
    root = etree.fromstring(site.path("sitemap.xml").read_bytes())
    ns = {"s": sitemap.SITEMAP_NS}
    return {
        url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns)
        for url in root.findall("s:url", ns)
    }


def test_sitemap_lastmod_moves_forward_when_an_article_gets_a_reply(
    debate, build_site
) -> None:
    before = lastmods(build_site(debate, PUBLISH_SETTINGS, SITEURL=SITE, **NO_POLICY))
    page = f"{SITE}/2024/samtalen-forst/"
    assert before[page].startswith("2024-02-20T09:00:00")
    assert f"{SITE}/debatt/samtalen-forst/" in before
    (debate / "enda-et-svar.md").write_text(
        "Title: Enda et svar\nSlug: enda-et-svar\nAuthors: Kari Nordmann\n"
        "Date: 2024-05-02 12:00\nReply_to: trening-ogsa\n\nSvar.\n",
        encoding="utf-8",
    )
    after = lastmods(build_site(debate, PUBLISH_SETTINGS, SITEURL=SITE, **NO_POLICY))
    assert after[page].startswith("2024-05-02T12:00:00")
    assert f"{SITE}/2024/enda-et-svar/" in after


def test_robots_txt_names_the_sitemap_and_keeps_drafts_out(published) -> None:
    assert published.text("robots.txt") == (
        f"User-agent: *\nDisallow: /utkast/\n\nSitemap: {SITE}/sitemap.xml\n"
    )


def test_preview_build_leaves_out_what_needs_an_absolute_url(debate, build_site):
    site = build_site(debate)
    soup = site.html("2024/trening-ogsa/")
    assert soup.find("link", rel="canonical") is None
    assert soup.find("meta", property="og:url") is None
    assert meta(soup, "citation_abstract_html_url") == []
    assert meta(soup, "citation_title") == ["Trening også"]
    assert not site.path("sitemap.xml").exists()
    assert site.text("robots.txt") == "User-agent: *\nDisallow: /utkast/\n"
    ris = soup.find("a", type="application/x-research-info-systems")["href"]
    assert (site.path("2024/trening-ogsa/") / ".." / ris).resolve().is_file()


def test_a_bad_setting_stops_the_build_with_its_name_and_value(debate, build_site):
    with pytest.raises(ContentError, match=r"JOURNAL_ISSN.*'1234-5678'"):
        build_site(debate, JOURNAL_ISSN="1234-5678")


def test_journal_settings_reach_every_citation(debate, build_site) -> None:
    site = build_site(
        debate,
        PUBLISH_SETTINGS,
        SITEURL=SITE,
        **NO_POLICY,
        JOURNAL_TITLE="Tidsskrift for Den norske legeforening",
        JOURNAL_ABBREVIATION="Tidsskr Nor Legeforen",
        JOURNAL_ISSN="0029-2001",
        JOURNAL_FIRST_YEAR=1881,
    )
    soup = site.html("2024/samtalen-forst/")
    assert meta(soup, "citation_issn") == ["0029-2001"]
    assert meta(soup, "citation_volume") == ["144"]
    assert soup.find(class_="citation-text").get_text() == (
        "Nordmann K. Samtalen først. Tidsskr Nor Legeforen 2024; 144."
        " doi: 10.5555/test.001"
    )
    [entry] = rispy.loads(site.text("2024/samtalen-forst/cite.ris"))
    assert entry["issn"] == "0029-2001"
    assert entry["volume"] == "144"


# -- the bundled archive ---------------------------------------------------------


def article_pages(site) -> list:
    """``<year>/<slug>/`` and its translations (not ``arkiv/<year>/<month>/``)."""
    return [
        p
        for p in site.output.rglob("index.html")
        if p.relative_to(site.output).parts[0].isdigit()
    ]


def test_the_published_archive_holds_no_crossref_deposit(published_site) -> None:
    assert list(published_site.output.rglob("crossref.xml")) == []


def test_every_article_page_has_the_scholar_tags(published_site) -> None:
    pages = [p for p in article_pages(published_site) if "utkast" not in p.parts]
    assert len(pages) >= 18
    for path in pages:
        html = path.read_text(encoding="utf-8")
        for tag in SCHOLAR_TAGS:
            assert f'<meta name="{tag}"' in html, (path, tag)
        data = extruct.extract(html, syntaxes=["json-ld"], uniform=True)["json-ld"]
        assert [d["@type"] for d in data] == ["ScholarlyArticle"], path


def test_every_reference_list_in_the_archive_is_anchored(published_site) -> None:
    seen = 0
    for path in article_pages(published_site):
        html = path.read_text(encoding="utf-8")
        if 'id="referanser"' not in html and 'id="references"' not in html:
            continue
        seen += 1
        soup = BeautifulSoup(html, "html.parser")
        heading = soup.find(id=["referanser", "references"])
        items = heading.find_next("ol").find_all("li", recursive=False)
        assert items, path
        assert [li.get("id") for li in items] == [
            f"ref-{n}" for n in range(1, len(items) + 1)
        ], path
        here = f"{SITE}/{path.parent.relative_to(published_site.output)}/"
        for link in soup.select(".e-content span.citation a"):
            page, fragment = link["href"].split("#")
            assert page == here, (path, link)
            assert soup.find(id=fragment) is not None, (path, link)
    assert seen >= 15


def test_a_build_from_the_content_cache_links_references_once(
    debate, build_site, tmp_path
) -> None:
    cache = {
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CACHE_PATH": str(tmp_path / "cache"),
    }
    first = build_site(debate, **cache).text("2024/samtalen-forst/")
    assert any((tmp_path / "cache").iterdir())
    second = build_site(debate, **cache).text("2024/samtalen-forst/")
    assert second == first
    soup = BeautifulSoup(second, "html.parser")
    body = soup.select_one(".e-content")  # replies below show their own
    assert len(body.select("span.citation")) == 3
    assert body.select("span.citation span.citation") == []
    assert len(soup.select("#ref-1 a.ref-back")) == 2


def test_citations_in_a_summary_shown_elsewhere_lead_to_their_own_article(
    published,
) -> None:
    # "Trening også" has no Summary: Pelican cuts one from its text, citations
    # and all, and shows it on its author's page.
    author = published.html("forfatter/ola-hansen/")
    links = [a["href"] for a in author.select("span.citation a")]
    assert links
    assert all(h.startswith(f"{SITE}/2024/trening-ogsa/#ref-") for h in links)
