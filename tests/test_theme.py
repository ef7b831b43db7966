"""The theme, read back from built sites as a reader's browser would see it.

Every page kind of the issue on the sample archive, the interface language
following the article, pagination, and metadata escaped on every page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pelican.plugins.replikk.build import build
from pelican.plugins.replikk.i18n import load_strings

from .conftest import ROOT, SETTINGS, Site, _overrides

THEME = Path(__file__).resolve().parent.parent / "theme"
ARTICLE = "2024/smertebehandling-av-ryggpasienter/"
REPLY = "2024/rad-er-behandling/"
EXTERNAL_REPLY = "2024/korsryggsmerter-i-norsk-allmennpraksis/"
TWO_TARGETS = "2024/listelengde-og-papirmengde-er-samme-problem/"
ENGLISH = "2025/replication-is-not-the-whole-answer/"
ORIGINAL_NN = "2025/sentralisert-legevakt-gjev-betre-kvalitet/"
TRANSLATION_EN = "2025/sentralisert-legevakt-gjev-betre-kvalitet/en/"
DEBATE = "debatt/smertebehandling-av-ryggpasienter/"


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


# -- the article page -----------------------------------------------------------


def test_article_header_has_section_title_standfirst_authors_dates_and_doi(
    sample_site,
):
    page = sample_site.html(REPLY)
    header = page.select_one("article .article-header")
    assert text(header.select_one(".section-label")) == "Debatt"
    assert header.select_one(".section-label a")["href"].endswith("seksjon/debatt/")
    assert text(header.h1) == "Råd er behandling"
    assert text(header.select_one(".standfirst")).startswith("Eikeland og Lunde")
    author = header.select_one(".authors li")
    assert author.a["href"].endswith("forfatter/ingrid-solvang/")
    assert "Sykehuset Innlandet" in text(author.select_one(".affiliation"))
    dates = {text(d.dt): d.dd for d in header.select(".dates div")}
    assert text(dates["Publisert"]) == "5. mars 2024"
    assert dates["Publisert"].time["datetime"].startswith("2024-03-05")
    assert text(dates["Mottatt"]) == "26. februar 2024"
    assert dates["Mottatt"].time["datetime"] == "2024-02-26"
    assert text(dates["Godkjent"]) == "1. mars 2024"
    assert dates["DOI"].a["href"] == "https://doi.org/10.5555/replikk.2024.005"
    assert page.title.get_text().replace("\xa0", " ") == "Råd er behandling – Replikk"
    tags = header.select(".tags a[rel=tag]")
    assert [text(a) for a in tags] == ["rygg", "smerte", "pasientkommunikasjon"]
    assert tags[0]["href"].endswith("emne/rygg/")


def test_article_without_manuscript_dates_shows_only_published(content, build_site):
    content.article("bare-publisert", Date="2024-01-25 10:00")
    page = build_site(content.root).html("2024/bare-publisert/")
    labels = [text(dt) for dt in page.select(".dates dt")]
    assert labels == ["Publisert"]
    assert text(page.select_one(".dates dd")) == "25. januar 2024"


def test_debate_line_links_every_target(sample_site):
    line = sample_site.html(TWO_TARGETS).select_one(".article-header .debate-line")
    assert text(line).startswith("Svar på")
    links = [a["href"] for a in line.select("a.u-in-reply-to")]
    assert [h.split("/")[-2] for h in links] == [
        "fastlegeordningen-trenger-flere-hender",
        "fastlegen-ma-slippe-papirarbeidet",
    ]
    # Two targets are joined the way the language does.
    assert " og " in text(line.select_one(".answers-to"))


def test_external_target_links_to_doi_org_with_its_title(sample_site):
    line = sample_site.html(EXTERNAL_REPLY).select_one(".debate-line")
    link = line.select_one("a.u-in-reply-to")
    # doi.org resolves DOIs case-insensitively; the graph normalises them.
    assert link["href"].lower() == "https://doi.org/10.1016/s0140-6736(18)30480-x"
    assert text(link) == "What low back pain is and why we need to pay attention"
    assert "utenfor arkivet" in text(line)


def test_debate_line_counts_the_replies_and_links_the_debate(sample_site):
    line = sample_site.html(ARTICLE).select_one(".debate-line")
    assert line.select_one(".answers-to") is None  # it answers nothing
    count = line.select_one("a.reply-count")
    assert text(count) == "2 svar"
    assert count["href"] == "#debate-aside-title"
    whole = line.select("a")[-1]
    assert whole["href"].endswith(DEBATE)
    assert text(whole) == "Hele debatten (5 artikler)"


def test_article_outside_any_debate_has_no_debate_line(content, build_site):
    content.article("alene", Date="2024-01-25 10:00")
    pages = content.root / "pages"
    pages.mkdir()
    (pages / "svar.md").write_text(
        "Title: Send inn et svar\nSlug: send-inn-et-svar\n\nSlik svarer du.\n",
        encoding="utf-8",
    )
    page = build_site(content.root).html("2024/alene/")
    assert page.select_one(".debate-line") is None
    aside = page.select_one("aside.debate-aside")
    assert "Ingen har svart" in text(aside)
    assert aside.select_one(".reply-action a")["href"].endswith(
        "send-inn-et-svar/?svar-til=alene#lag-filen"
    )


def test_article_body_has_headings_pull_quote_and_references(sample_site):
    page = sample_site.html(ARTICLE)
    body = page.select_one(".e-content")
    headings = [text(h) for h in body.find_all("h2")]
    assert "Vi behandler bildene, ikke pasienten" in headings
    assert body.select_one("aside.pullquote[aria-hidden=true]")
    # The references follow the debate, in their own block.
    references = page.select_one(".article-references")
    assert text(references.h2) == "Referanser"
    assert (
        len(references.find("h2", id="referanser").find_next_sibling("ol")("li")) == 3
    )


def test_the_debate_stands_between_the_text_and_its_references(sample_site):
    page = sample_site.html(REPLY)
    parts = [(s.get("class") or [s.name])[0] for s in page.article(recursive=False)]
    body = parts.index("e-content")
    assert body < parts.index("debate-aside") < parts.index("article-references")
    assert parts.index("article-references") < parts.index("competing-interests")
    assert parts.index("competing-interests") < parts.index("author-bios")
    ci = page.select_one(".competing-interests")
    assert text(ci.h2) == "Interessekonflikter"
    assert "ICMJE" in text(ci)
    bio = page.select_one(".author-bios .author-bio")
    assert bio.h3.a["href"].endswith("forfatter/ingrid-solvang/")
    assert "overlege" in text(bio)


def test_each_reply_is_listed_once(sample_site):
    page = sample_site.html(ARTICLE)
    for reply in (
        "ryggpasienter-trenger-mer-enn-gode-rad",
        "bildediagnostikk-er-ikke-fienden",
    ):
        links = [a for a in page.article.select("a[href]") if f"/{reply}/" in a["href"]]
        assert len(links) == 1, reply
        assert links[0].find_parent("aside", class_="debate-aside")


def test_a_leaf_of_the_debate_says_nobody_has_answered_yet(sample_site):
    page = sample_site.html("2024/trening-er-ikke-bare-rad/")
    assert text(page.select_one(".debate-line .reply-count")) == "Ingen svar ennå"
    action = page.select_one(".debate-aside .reply-action a")
    assert text(action) == "Svar på denne artikkelen"
    assert action["href"].endswith(
        "send-inn-et-svar/?svar-til=trening-er-ikke-bare-rad#lag-filen"
    )


def test_debate_aside_shows_the_whole_exchange_with_this_article_marked(sample_site):
    box = sample_site.html(REPLY).select_one("aside.debate-aside")
    assert text(box.h2) == "Debatten"
    items = box.select(".debate-tree li")
    assert len(items) == 5
    current = box.select("[aria-current=page]")
    assert len(current) == 1
    assert text(current[0]) == "Råd er behandling"
    assert current[0].find_parent("li")["class"] == ["current"]
    depths = [int(re.search(r"--depth: (\d+)", li["style"])[1]) for li in items]
    assert depths == [0, 1, 2, 3, 1]
    links = [a["href"] for a in box.select(".debate-links a")]
    assert links[0].endswith(DEBATE)
    # One date format on the page: the tree's dates are written as the header's.
    assert text(items[0].time) == "6. februar 2024"


def test_dates_read_in_the_order_they_happened(sample_site):
    labels = [text(dt) for dt in sample_site.html(REPLY).select(".dates dt")]
    assert labels == ["Mottatt", "Godkjent", "Publisert", "DOI"]


def test_heading_anchors_keep_norwegian_letters_as_the_slugs_do(content, build_site):
    content.article(
        "overskrifter",
        Date="2024-01-25 10:00",
        body="## Samtalen og bildet hører sammen\n\nTekst.\n\n## Æ på Ålesund\n\nSlutt",
    )
    page = build_site(content.root).html("2024/overskrifter/")
    ids = [h["id"] for h in page.select(".e-content h2")]
    assert ids == ["samtalen-og-bildet-horer-sammen", "ae-pa-alesund"]


def test_a_draft_has_a_banner_and_no_publication_date(content, build_site):
    content.article("et-utkast", Date="2024-01-25 10:00", Status="draft")
    page = build_site(content.root).html("utkast/et-utkast/")
    banner = page.select_one(".article-header .notice-draft")
    assert "Utkast" in text(banner)
    assert "Publisert" not in [text(dt) for dt in page.select(".dates dt")]


def test_every_page_has_a_meta_description(sample_site):
    for path in sample_site.output.rglob("*.html"):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        meta = page.find("meta", attrs={"name": "description"})
        assert meta and 20 <= len(meta["content"]) <= 160, path
        assert "<" not in meta["content"], path


def test_every_page_has_a_favicon(sample_site):
    for path in sample_site.output.rglob("*.html"):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        icon = page.find("link", rel="icon")
        assert icon, path
        href = icon["href"]  # the 404 page's is root-absolute (it is served anywhere)
        found = (
            sample_site.output / href[1:]
            if href.startswith("/")
            else path.parent / href
        )
        assert found.resolve().is_file(), path


def test_article_and_debate_page_link_the_debate_feed(sample_site):
    for url in (REPLY, DEBATE):
        page = sample_site.html(url)
        feeds = [
            a["href"]
            for a in page.select(".debate-links a, .debate-feed a, .follow a")
            if "feed" in a["href"]
        ]
        assert feeds, url
        for href in feeds:
            assert (sample_site.path(url).parent / href).resolve().exists(), href


# -- language ---------------------------------------------------------------


def test_english_article_has_english_interface_and_dates(sample_site):
    page = sample_site.html(ENGLISH)
    assert page.html["lang"] == "en"
    assert text(page.select_one(".skip-link")) == "Skip to content"
    assert text(page.select_one(".debate-line")).startswith("In reply to")
    assert text(page.select_one(".debate-aside h2")) == "The debate"
    assert text(page.select_one(".section-label")) == "Debate"
    dates = {text(d.dt): text(d.dd) for d in page.select(".dates div")}
    assert dates["Published"] == "28 January 2025"
    assert dates["Received"] == "17 January 2025"
    nav = [text(a) for a in page.select("header nav a")][:5]
    assert nav == ["Debates", "Archive", "Sections", "Topics", "Authors"]
    # Norwegian words that belong to the interface never reach an English page.
    interface = text(page.select_one(".site-header")) + text(page.article)
    for word in ("Publisert", "Svar på", "Debatten", "Interessekonflikter"):
        assert word not in interface


def test_nynorsk_article_has_nynorsk_interface(sample_site):
    page = sample_site.html(ORIGINAL_NN)
    assert page.html["lang"] == "nn"
    assert text(page.select_one(".skip-link")) == "Hopp til innhaldet"


def test_translations_point_at_each_other_with_hreflang(sample_site, published_site):
    # Search engines take hreflang addresses only whole: a published site has
    # them, a preview (no SITEURL) links its translations only visibly.
    assert not sample_site.html(ORIGINAL_NN).select("head link[hreflang]")
    original = published_site.html(ORIGINAL_NN)
    translation = published_site.html(TRANSLATION_EN)
    assert translation.html["lang"] == "en"

    def alternates(page):
        return {
            link["hreflang"]: link["href"]
            for link in page.select("head link[rel=alternate][hreflang]")
        }

    assert set(alternates(original)) == {"nn", "en"}
    assert alternates(original)["en"] == f"https://replikk.example.org/{TRANSLATION_EN}"
    assert set(alternates(translation)) == {"nn", "en"}
    assert alternates(translation)["nn"].endswith(ORIGINAL_NN)
    visible = original.select_one(".translations a")
    assert visible["hreflang"] == visible["lang"] == "en"
    assert text(visible) == "English"


def test_every_language_has_every_interface_string():
    tables = load_strings(THEME)
    assert set(tables) >= {"nb", "nn", "en"}
    keys = {lang: set(table) for lang, table in tables.items()}
    assert keys["nb"] == keys["nn"] == keys["en"]


def test_templates_hard_code_no_interface_words():
    # Words of the interface come from STRINGS, never from a template.
    words = re.compile(r">\s*(Svar|Publisert|Debatt|Forfatter|Arkiv|Side)\b")
    for path in (THEME / "templates").rglob("*.html"):
        assert not words.search(path.read_text(encoding="utf-8")), path


# -- the debate page and lists ------------------------------------------------


def test_debate_page_shows_the_exchange_as_a_tree(sample_site):
    page = sample_site.html(DEBATE)
    assert page.html["lang"] == "nb"
    assert text(page.h1) == "Smertebehandling av ryggpasienter må begynne med samtalen"
    items = page.select(".debate-timeline > li")
    titles = [text(li.h3) for li in items]
    assert titles[0] == text(page.h1)
    assert len(titles) == 5
    reply = items[2]
    assert "Svar på: Ryggpasienter trenger mer enn gode råd" in text(reply)
    assert "Ingrid Solvang" in text(page.select_one(".participants"))


def test_debate_that_starts_outside_the_archive(sample_site):
    page = sample_site.html("debatt/korsryggsmerter-i-norsk-allmennpraksis/")
    first = page.select_one(".debate-timeline > li")
    assert first.a["href"].startswith("https://doi.org/10.1016/")
    assert "ekstern artikkel" in text(first)


def test_front_page_has_latest_articles_and_most_active_debates(sample_site):
    page = sample_site.html("")
    assert text(page.h1) == "Replikk"
    debates = page.select(".front-debates .debate-item")
    assert 1 <= len(debates) <= 5
    assert debates[0].a["href"].endswith("debatt/lang-veg-til-legevakta/")
    latest = page.select(".front-latest .article-item")
    dates = [a.time["datetime"] for a in latest]
    assert dates == sorted(dates, reverse=True)
    assert len(latest) == 17  # every published original, translations aside


def test_debates_index_lists_every_debate(sample_site):
    items = sample_site.html("debatt/").select(".debate-list .debate-item")
    assert len(items) == 5
    assert all(item.h2.a for item in items)


def test_archive_by_year_and_month(sample_site):
    # The archive names years and months with their counts, not every
    # article: its size does not grow with the archive.
    archive = sample_site.html("arkiv/")
    years = [text(h.a) for h in archive.select("h2")]
    assert years == ["2025", "2024"]
    assert not archive.select(".article-item")
    months = archive.select("#year-2024 + .archive-months li")
    assert [text(li.a) for li in months][:3] == ["september", "mai", "april"]
    assert text(months[2]) == "april (3)"
    assert months[2].a["href"] == "../arkiv/2024/04/"
    counts = [int(text(li.span).strip("()")) for li in months]
    assert sum(counts) == int(text(archive.select_one("#year-2024 .count"))[1:3])

    year = sample_site.html("arkiv/2024/")
    assert text(year.h1) == "Arkiv 2024"
    assert len(year.select(".archive-months li")) == len(months)
    assert all(
        a.time["datetime"].startswith("2024") for a in year.select(".article-item")
    )
    month = sample_site.html("arkiv/2024/04/")
    assert text(month.h1) == "Arkiv april 2024"
    assert month.title.string.startswith("Arkiv april 2024")
    assert [text(a) for a in month.select(".section-label a")] == ["Arkiv", "2024"]
    dates = [a.time["datetime"][:7] for a in month.select(".article-item")]
    assert dates == ["2024-04"] * 3


def test_a_site_without_month_pages_names_only_years(tmp_path):
    output = tmp_path / "output"
    extra = {"MONTH_ARCHIVE_SAVE_AS": "", "MONTH_ARCHIVE_URL": ""}
    site = Site(output, build(SETTINGS, _overrides(ROOT / "content", output, extra)))
    archive = site.html("arkiv/")
    assert [text(h.a) for h in archive.select("h2")] == ["2025", "2024"]
    assert not archive.select(".archive-months")
    assert not site.html("arkiv/2024/").select(".archive-months")
    assert not (output / "arkiv" / "2024" / "04").exists()


def test_section_and_tag_pages_list_their_articles(sample_site):
    section = sample_site.html("seksjon/kronikk/")
    assert text(section.h1) == "Kronikk"
    assert ARTICLE in [a["href"].removeprefix("../../") for a in section.select("h2 a")]
    tag = sample_site.html("emne/rygg/")
    assert text(tag.h1) == "rygg"
    assert len(tag.select(".article-item")) >= 3
    assert sample_site.html("seksjon/").select("li a")
    assert sample_site.html("emne/").select(".tag-cloud a")


def test_author_page_has_profile_and_contributions_grouped_by_debate(sample_site):
    page = sample_site.html("forfatter/ingrid-solvang/")
    assert text(page.h1) == "Ingrid Solvang"
    facts = {text(d.dt): d.dd for d in page.select(".profile-facts div")}
    assert "Sykehuset Innlandet" in text(facts["Tilknytning"])
    assert facts["ORCID"].a["href"] == "https://orcid.org/0000-0002-8301-6619"
    assert "overlege" in text(page.select_one(".bio"))
    groups = page.select(".contribution-group")
    assert len(groups) == 1
    assert groups[0].h3.a["href"].endswith(DEBATE)
    titles = [text(h) for h in groups[0].select("h4")]
    # Read in the order the exchange happened.
    assert titles == [
        "Smertebehandling av ryggpasienter må begynne med samtalen",
        "Råd er behandling",
    ]


def test_author_page_puts_standalone_articles_apart(sample_site):
    page = sample_site.html("forfatter/astrid-helland/")
    headings = [text(g.h3) for g in page.select(".contribution-group")]
    assert headings == ["Enkeltstående artikler"]
    # A profile without ORCID shows none.
    page = sample_site.html("forfatter/eirik-nygard/")
    assert not page.select(".profile-facts a.orcid")
    headings = [text(g.h3) for g in page.select(".contribution-group")]
    assert headings[0].startswith("Debatten:")


def test_authors_index_links_every_author(sample_site):
    # Every author with a published article (a profile alone makes no page).
    links = sample_site.html("forfatter/").select(".author-list a")
    assert len(links) == 16
    assert all(sample_site.path(a["href"].removeprefix("../")).is_file() for a in links)


def test_404_page(sample_site):
    page = sample_site.html("404.html")
    assert text(page.h1) == "Fant ikke siden"
    assert page.select("main a")


def test_long_lists_are_paginated(content, build_site):
    for day in range(1, 6):
        content.article(f"innlegg-{day}", Date=f"2024-01-0{day} 10:00", Tags="rygg")
    site = build_site(content.root, DEFAULT_PAGINATION=2)
    first = site.html("")
    assert len(first.select(".article-item")) == 2
    nav = first.select_one("nav.pagination")
    assert text(nav.select_one("[aria-current=page]")) == "Side 1 av 3"
    following = nav.select_one("a[rel=next]")["href"]
    assert following.endswith("side/2/")
    second = site.html("side/2/")
    assert second.select_one("a[rel=prev]")
    assert second.select_one("a[rel=next]")
    assert site.html("emne/rygg/side/3/").select(".article-item")
    assert "Side 2 av 3" in site.html("side/2/").title.get_text()


# -- quality of every page ----------------------------------------------------


def test_every_page_has_one_h1_a_main_landmark_and_a_skip_link(sample_site):
    for path in sample_site.output.rglob("*.html"):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert len(page.find_all("h1")) == 1, path
        assert len(page.find_all("main")) == 1, path
        skip = page.body.find("a")
        assert skip["href"] == "#main" and page.find(id="main"), path
        assert page.html.get("lang") in {"nb", "nn", "en"}, path
        assert page.title.get_text().strip(), path


def test_no_scripts_no_web_fonts_and_little_css(sample_site):
    for path in sample_site.output.rglob("*.html"):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for script in page.find_all("script"):
            # Machine-readable data is allowed; the only programs are search's
            # and the citation's copy button, and pages work without them
            # (tests/test_search.py, tests/test_cite_print.py).
            src = script.get("src", "")
            assert (
                script.get("type") == "application/ld+json"
                or (src.endswith("js/search-field.js") and script.has_attr("defer"))
                or (src.endswith("js/copy.js") and script.has_attr("defer"))
                or (src.endswith("js/reply-to.js") and script.has_attr("defer"))
                or (src.endswith("js/search.js") and script.get("type") == "module")
            ), path
    css = list((sample_site.output / "theme" / "css").glob("*.css"))
    source = "".join(p.read_text(encoding="utf-8") for p in css)
    assert "@font-face" not in source
    assert "@import" not in source
    assert sum(p.stat().st_size for p in css) < 32_000


def test_css_follows_the_readers_colour_scheme_and_prints_cleanly():
    css = THEME / "static" / "css"
    tokens = (css / "site.css").read_text(encoding="utf-8")
    assert "prefers-color-scheme: dark" in tokens
    assert "color-scheme: light dark" in tokens
    printed = (css / "print.css").read_text(encoding="utf-8")
    assert ".site-header nav" in printed
    assert "attr(href)" in printed


def test_print_stylesheet_and_address_on_published_article(published_site):
    page = published_site.html(ARTICLE)
    assert page.select_one('link[rel=stylesheet][media=print][href$="print.css"]')
    address = text(page.select_one(".print-address"))
    assert "https://doi.org/10.5555/replikk.2024.002" in address
    assert f"/{ARTICLE}" in address and address.count("https://") == 2


# -- escaping -----------------------------------------------------------------

NASTY = 'A < B & "C" </script>'


@pytest.fixture
def nasty_site(content, build_site):
    content.author("Kari Nordmann")
    content.article(
        "farlig-tittel",
        Title=NASTY,
        Tags="farlig",
        Category="Debatt",
        Summary="Trygt sammendrag.",
        Competing_interests='Ingen <b>konflikter</b> & "andre"',
    )
    content.article(
        "svar-pa-farlig",
        Title="Svar",
        Date="2024-01-02 10:00",
        Reply_to="farlig-tittel",
    )
    return build_site(content.root)


def test_metadata_renders_as_text_on_every_page(nasty_site):
    pages = list(nasty_site.output.rglob("*.html"))
    seen = 0
    for path in pages:
        source = path.read_text(encoding="utf-8")
        page = BeautifulSoup(source, "html.parser")
        # Only the theme's own scripts and JSON-LD end in </script>.
        ours = re.sub(
            r'<script src="[^"]*"[^>]*></script>'
            r'|<script type="application/ld\+json">[^<]*</script>',
            "",
            source,
        )
        assert "</script>" not in ours.replace("&lt;/script&gt;", ""), path
        assert all(
            s.get("type") == "application/ld+json" or s.get("src")
            for s in page.find_all("script")
        ), path
        assert not page.find("b", string="konflikter"), path
        if NASTY in page.get_text():
            seen += 1
    # The article, its reply, its debate, front page, archives, section, tag,
    # author page: the title is shown, as text, on each.
    assert seen >= 8
    article = nasty_site.html("2024/farlig-tittel/")
    assert article.h1.get_text() == NASTY
    assert article.title.get_text() == f"{NASTY} – Replikk"
    assert text(article.select_one(".competing-interests p")) == (
        'Ingen <b>konflikter</b> & "andre"'
    )
    reply = nasty_site.html("2024/svar-pa-farlig/")
    assert reply.select_one(".debate-line a.u-in-reply-to").get_text() == NASTY
    diagram = nasty_site.html("debatt/farlig-tittel/").select_one(".debate-diagram")
    assert NASTY in [a.get_text() for a in diagram.select("a.diagram-title")]
