"""Following the archive: the feed links a reader sees on a page and in its
footer, and each feed opened in a browser as a readable page.

Every page kind with a feed links it visibly, in the formats written and in the
page's language; the footer holds the site's feeds, contact and ISSN. Every
feed names the theme's XSLT stylesheet (``xml-stylesheet``), is otherwise the
same bytes, still parses cleanly in feedparser, and Chromium shows it as an
HTML page in the feed's language.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
from lxml import etree

from pelican.plugins.replikk.feeds import model
from pelican.plugins.replikk.feeds.glue import check_settings, stylesheet_href

ROOT = Path(__file__).resolve().parent.parent
STRINGS = {
    lang: tomllib.loads((ROOT / f"theme/strings/{lang}.feeds.toml").read_text("utf-8"))
    for lang in ("nb", "nn", "en")
}
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
XSLT = "{http://www.w3.org/1999/XSL/Transform}stylesheet"
ATOM = "{http://www.w3.org/2005/Atom}feed"
TYPES = {"application/atom+xml": ATOM, "application/rss+xml": "rss"}
ISSN = "0029-2001"  # a well-formed ISSN (check digit included)


# -- reading pages and feeds back
def first(site, pattern: str) -> str:
    """The address of the first page that matches (e.g. ``emne/*/``)."""
    found = sorted(site.output.glob(f"{pattern}index.html"))
    assert found, pattern
    return str(found[0].parent.relative_to(site.output)) + "/"


def resolve(page: str, href: str) -> str:
    """A link on ``page`` (site-relative) as a path in the output folder."""
    return urlsplit(urljoin(f"http://site/{page}", href)).path.lstrip("/")


def root_tag(path: Path) -> str:
    return etree.parse(str(path)).getroot().tag


def every_feed(site) -> list[Path]:
    return sorted([*site.output.rglob("*.atom.xml"), *site.output.rglob("*.rss.xml")])


def stylesheet_instruction(path: Path):
    tree = etree.parse(str(path))
    found = tree.xpath("/processing-instruction('xml-stylesheet')")
    return found[0] if len(found) == 1 else None


def page_kinds(site) -> dict[str, str]:
    return {
        "front page": "",
        "archive": "arkiv/",
        "debates": "debatt/",
        "section": first(site, "seksjon/*/"),
        "topic": first(site, "emne/*/"),
        "author": first(site, "forfatter/*/"),
        "debate": first(site, "debatt/*/"),
    }


KINDS = ["front page", "archive", "debates", "section", "topic", "author", "debate"]
# Which feed a page follows, and in what formats (FEED_FORMATS' defaults).
OWN = {
    "front page": ("feeds/all.", ["rss", "atom"]),
    "archive": ("feeds/all.", ["rss", "atom"]),
    "debates": ("feeds/all.", ["rss", "atom"]),
    "section": ("seksjon/", ["rss", "atom"]),
    "topic": ("emne/", ["atom"]),
    "author": ("forfatter/", ["atom"]),
    "debate": ("debatt/", ["atom"]),
}


# -- visible feed links
@pytest.mark.parametrize("kind", KINDS)
def test_every_page_kind_shows_a_link_to_its_own_written_feed(sample_site, kind):
    page = page_kinds(sample_site)[kind]
    html = sample_site.html(page)
    lang = html.html["lang"]
    links = html.select("main .follow > .follow-link")
    prefix, formats = OWN[kind]
    assert [a["href"].rsplit(".", 2)[-2] for a in links] == formats
    for a in links:
        target = resolve(page, a["href"])
        assert target.startswith(prefix), (page, target)
        path = sample_site.output / target
        assert path.is_file(), (page, target)
        # the type says which kind of feed it is, and the file is one
        assert root_tag(path) == TYPES[a["type"]]
    # the first link says what it does, in the page's language, naming the
    # format it leads to; the next names its format
    name = "RSS" if formats[0] == "rss" else "Atom"
    assert links[0].get_text() == STRINGS[lang]["follow_feed"].format(format=name)
    assert [a.get_text() for a in links[1:]] == ["Atom"] * (len(links) - 1)


def test_the_debate_page_links_its_feed_once_near_its_heading(sample_site):
    page = first(sample_site, "debatt/*/")
    html = sample_site.html(page)
    assert not html.select(".debate-feed")
    links = html.select("main .follow-link")
    assert len(links) == 1
    assert links[0].find_parent("header").find("h1")
    assert links[0]["href"].endswith(f"{page}feed.atom.xml")


def test_the_archive_lists_each_languages_feed(sample_site):
    html = sample_site.html("arkiv/")
    found = {}
    for a in html.select("main .follow-langs a"):
        target = resolve("arkiv/", a["href"])
        assert (sample_site.output / target).is_file(), target
        assert root_tag(sample_site.output / target) == TYPES[a["type"]]
        found.setdefault(a["hreflang"], []).append(target)
    assert found == {
        lang: [f"feeds/{lang}.rss.xml", f"feeds/{lang}.atom.xml"]
        for lang in ("en", "nb", "nn")
    }


def test_a_kind_whose_feed_is_not_written_shows_no_feed_link(build_site):
    site = build_site(ROOT / "content", FEED_FORMATS={"tag": [], "category": ["rss"]})
    assert not site.html(first(site, "emne/*/")).select("main .follow")
    section = first(site, "seksjon/*/")
    links = site.html(section).select("main .follow-link")
    assert [(a.get_text(), a["type"]) for a in links] == [
        ("Abonner (RSS)", "application/rss+xml")
    ]


# -- the footer
def test_the_footer_holds_the_feeds_contact_and_issn(build_site):
    site = build_site(ROOT / "content", JOURNAL_ISSN=ISSN)
    for page, lang in [
        ("", "nb"),
        ("2024/norwegian-general-practice-is-not-a-special-case/", "en"),
    ]:
        footer = site.html(page).find("footer")
        feeds = {resolve(page, a["href"]): a for a in footer.select(".footer-feeds a")}
        assert set(feeds) == {
            "feeds/all.rss.xml",
            "feeds/all.atom.xml",
            f"feeds/{lang}.rss.xml",
            f"feeds/{lang}.atom.xml",
        }
        for target, a in feeds.items():
            assert root_tag(site.output / target) == TYPES[a["type"]]
        contact = footer.select_one(".footer-contact")
        assert contact.find("a", href="mailto:redaksjonen@replikk.example.org")
        about = [a for a in contact.find_all("a") if "mailto:" not in a["href"]]
        assert resolve(page, about[0]["href"]) == "om/"
        assert (site.output / "om" / "index.html").is_file()
        assert footer.select_one(".footer-issn").get_text() == f"ISSN {ISSN}"
        assert footer.find(string=lambda s: "Replikk" in s)
        text = footer.get_text(" ")
        assert STRINGS[lang]["footer_feeds"] in text
        assert STRINGS[lang]["footer_contact"] in text


def test_the_footer_shows_no_issn_until_the_journal_has_one(sample_site):
    assert not sample_site.html("").select(".footer-issn")


# -- the stylesheet instruction in every feed
@pytest.mark.parametrize("site", ["sample_site", "published_site"])
def test_every_feed_names_a_stylesheet_that_is_written(request, site):
    built = request.getfixturevalue(site)
    feeds = every_feed(built)
    assert len(feeds) > 20
    for path in feeds:
        pi = stylesheet_instruction(path)
        assert pi is not None, path
        assert pi.get("type") == "text/xsl"
        href = pi.get("href")
        assert not urlsplit(href).scheme, href  # fetched from the feed's origin
        sheet = (path.parent / href).resolve()
        assert sheet == built.output.resolve() / "theme" / "feed.xsl", path
        assert etree.parse(str(sheet)).getroot().tag == XSLT


@pytest.mark.parametrize("site", ["sample_site", "published_site"])
def test_every_feed_still_parses_cleanly(request, site):
    for path in every_feed(request.getfixturevalue(site)):
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.version in {"atom10", "rss20"}, path


def test_the_stylesheet_instruction_is_the_only_change_to_a_feed(
    build_site, sample_site
):
    plain = build_site(ROOT / "content", FEED_STYLESHEET="")
    feeds = every_feed(sample_site)
    for path in feeds:
        relative = path.relative_to(sample_site.output)
        without = (plain.output / relative).read_bytes()
        assert b"xml-stylesheet" not in without
        href = stylesheet_href("theme/feed.xsl", str(relative))
        assert path.read_bytes() == model.with_stylesheet(without, href)
        assert (
            path.read_bytes().replace(
                f'<?xml-stylesheet type="text/xsl" href="{href}"?>\n'.encode(), b""
            )
            == without
        )


@pytest.mark.parametrize(
    ("feed", "href"),
    [
        ("feeds/all.atom.xml", "../theme/feed.xsl"),
        ("seksjon/kronikk/feed.rss.xml", "../../theme/feed.xsl"),
        ("all.atom.xml", "theme/feed.xsl"),
    ],
)
def test_the_stylesheet_is_found_from_the_feeds_own_folder(feed, href):
    assert stylesheet_href("theme/feed.xsl", feed) == href


def test_the_instruction_follows_the_xml_declaration():
    document = b"<?xml version='1.0' encoding='UTF-8'?>\n<feed/>\n"
    assert model.with_stylesheet(document, "../a&b.xsl") == (
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        b'<?xml-stylesheet type="text/xsl" href="../a&amp;b.xsl"?>\n<feed/>\n'
    )
    with pytest.raises(ValueError, match="XML declaration"):
        model.with_stylesheet(b"<feed/>", "x.xsl")


@pytest.mark.parametrize("value", ["/theme/feed.xsl", "https://x.org/f.xsl", 3])
def test_a_bad_feed_stylesheet_is_reported_with_name_and_value(value):
    settings = {"FEED_ID_DOMAIN": "replikk.example.org", "FEED_STYLESHEET": value}
    with pytest.raises(ValueError, match=r"FEED_STYLESHEET.*" + repr(value)[:5]):
        check_settings(settings)


# -- a feed in a browser
def _vnu() -> list[str]:
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        pytest.skip("needs java and node_modules/vnu-jar (npm ci)")
    return [java, "-jar", str(VNU)]


def _open_feed(page, sample_url, feed: str):
    response = page.goto(f"{sample_url}/{feed}")
    assert response.status == 200
    # The browser replaces the XML document with the stylesheet's result.
    page.wait_for_selector("main h1")
    page.wait_for_load_state("load")
    return page


@pytest.mark.browser
@pytest.mark.parametrize(
    ("feed", "lang", "how"),
    [
        ("feeds/nb.atom.xml", "nb", "Kopier denne adressen inn i feedleseren din:"),
        ("feeds/en.rss.xml", "en", "Copy this address into your feed reader:"),
        ("feeds/nn.rss.xml", "nn", "Kopier denne adressa inn i feedlesaren din:"),
    ],
)
def test_a_feed_opens_in_a_browser_as_a_page_in_its_language(
    page, sample_site, sample_url, feed, lang, how
):
    parsed = feedparser.parse(sample_site.path(feed).read_bytes())
    _open_feed(page, sample_url, feed)
    assert page.evaluate("document.contentType") == "text/html"  # transformed
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").all_inner_texts() == [parsed.feed.title]
    assert page.locator("main").count() == 1
    assert how in page.locator("main").inner_text()
    own = next(link.href for link in parsed.feed.links if link.rel == "self")
    assert page.locator("code.address").inner_text() == own
    entries = page.locator("main .entry h3 a")
    assert entries.all_inner_texts() == [e.title for e in parsed.entries]
    assert [entries.nth(i).get_attribute("href") for i in range(entries.count())] == [
        e.link for e in parsed.entries
    ]
    dates = page.locator("main .entry time")
    assert dates.count() == len(parsed.entries)


@pytest.mark.browser
def test_a_feed_page_is_valid_html(page, sample_url, tmp_path):
    vnu = _vnu()
    pages = []
    for feed in ("feeds/nb.atom.xml", "feeds/en.rss.xml", "emne/rygg/feed.atom.xml"):
        _open_feed(page, sample_url, feed)
        pages.append(tmp_path / (feed.replace("/", "_") + ".html"))
        pages[-1].write_text(page.content(), encoding="utf-8")
    run = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    assert [m["message"] for m in messages] == []


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_feed_page_has_no_wcag_aa_violations(browser, sample_url, scheme):
    if not AXE.is_file():
        pytest.skip("needs node_modules/axe-core (npm ci)")
    context = browser.new_context(color_scheme=scheme)
    tab = context.new_page()
    try:
        _open_feed(tab, sample_url, "feeds/all.rss.xml")
        tab.add_script_tag(path=str(AXE))
        result = tab.evaluate(
            # Chromium's own banner about XSLT going away is not our page.
            "() => axe.run({exclude: [['xslt-warning-banner']]},"
            " {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
        )
    finally:
        context.close()
    assert result["passes"]
    assert [v["id"] for v in result["violations"]] == []


@pytest.mark.browser
@pytest.mark.parametrize("where", ["/", "/emne/rygg/", "/arkiv/"])
def test_feed_and_footer_links_are_at_least_24_px_targets(page, sample_url, where):
    page.goto(f"{sample_url}{where}")
    links = page.locator("main .follow a, footer a")
    assert links.count() >= 5
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box["height"] >= 24, (where, links.nth(i).inner_text(), box)
        assert box["width"] >= 24, (where, links.nth(i).inner_text(), box)
