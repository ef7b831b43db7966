"""Feeds: what a feed reader gets from the archive.

Every feed is read back with feedparser (as a reader would) and with lxml
against the RFC 4287 / RFC 4685 rules named in each check.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from pelican.plugins.replikk.feeds import model
from pelican.plugins.replikk.feeds.glue import DEFAULTS, check_settings
from pelican.plugins.replikk.feeds.threading import InReplyTo, Replies
from pelican.plugins.replikk.problems import ContentError

ROOT = Path(__file__).resolve().parent.parent
PUBLISH = ROOT / "publishconf.py"
ATOM = "http://www.w3.org/2005/Atom"
THR = "http://purl.org/syndication/thread/1.0"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
NS = {"a": ATOM, "thr": THR}
RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)
SITE = "https://replikk.example.org"
LOCAL = "http://127.0.0.1:8000"
DRAFT = "ryggsmerter-og-arbeidsliv"
# Written as Atom only by default; the archive, language and section feeds
# are Atom and RSS.
ATOM_ONLY = ("emne", "forfatter", "debatt")


# -- reading feeds back
def feeds_of(site, kind: str = "atom") -> dict[str, Path]:
    return {
        str(p.relative_to(site.output)): p
        for p in sorted(site.output.rglob(f"*.{kind}.xml"))
    }


def parse(path: Path):
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    return parsed


def entries(site, url: str) -> dict[str, dict]:
    """A feed's entries by id, as feedparser sees them."""
    return {e.id: e for e in parse(site.path(url)).entries}


def xml(path: Path):
    return etree.parse(str(path)).getroot()


def one(parent, tag: str, where: str) -> etree._Element:
    found = parent.findall(f"a:{tag}", NS)
    assert len(found) == 1, f"{where}: {len(found)} atom:{tag}, RFC 4287 wants one"
    return found[0]


def check_atom(path: Path) -> list[etree._Element]:
    """RFC 4287 §4.1.1-4.1.2 and RFC 4685 §3-5, element by element."""
    root = xml(path)
    where = str(path)
    assert root.tag == f"{{{ATOM}}}feed"
    for tag in ("id", "title", "updated"):
        one(root, tag, where)
    assert len(root.findall("a:subtitle", NS)) <= 1
    assert RFC3339.match(one(root, "updated", where).text)
    assert ":" in one(root, "id", where).text  # an IRI, with a scheme (§4.2.6)
    self_links = root.findall("a:link[@rel='self']", NS)
    assert len(self_links) == 1 and self_links[0].get("href").startswith("http")
    feed_author = bool(root.findall("a:author/a:name", NS))
    items = root.findall("a:entry", NS)
    for entry in items:
        where = f"{path} entry {entry.findtext('a:id', namespaces=NS)}"
        for tag in ("id", "title", "updated"):
            one(entry, tag, where)
        for tag in ("published", "content", "summary"):
            assert len(entry.findall(f"a:{tag}", NS)) <= 1, where
        for tag in ("updated", "published"):
            for node in entry.findall(f"a:{tag}", NS):
                assert RFC3339.match(node.text), (where, node.text)
        assert feed_author or entry.findall("a:author/a:name", NS), where
        alternates = entry.findall("a:link[@rel='alternate']", NS)
        assert len(alternates) == 1, where
        assert alternates[0].get("href").startswith("http"), where
        assert one(entry, "title", where).text.strip(), where
        for reply in entry.findall("thr:in-reply-to", NS):
            assert reply.get("ref"), where  # §3: ref is required
        for link in entry.findall("a:link[@rel='replies']", NS):
            assert int(link.get(f"{{{THR}}}count")) >= 0, where
            assert RFC3339.match(link.get(f"{{{THR}}}updated")), where
        for total in entry.findall("thr:total", NS):
            assert int(total.text) >= 0, where
    return items


# -- the bundled archive, published
def test_every_feed_of_the_archive_parses_without_errors(published_site):
    atom, rss = feeds_of(published_site), feeds_of(published_site, "rss")
    assert "feeds/all.atom.xml" in atom and "feeds/all.rss.xml" in rss
    assert {"feeds/nb.atom.xml", "feeds/nn.atom.xml", "feeds/en.atom.xml"} <= set(atom)
    for kind in ("seksjon/debatt", "emne/rygg", "forfatter/ingrid-solvang"):
        assert f"{kind}/feed.atom.xml" in atom
    for path in [*atom.values(), *rss.values()]:
        parsed = parse(path)
        assert parsed.entries, path


@pytest.mark.parametrize("folder", ATOM_ONLY)
def test_tag_author_and_debate_feeds_are_atom_only(published_site, folder):
    pages = sorted(published_site.output.glob(f"{folder}/*/index.html"))
    assert len(pages) >= 2, folder
    for page in pages:
        assert parse(page.parent / "feed.atom.xml").entries, page.parent
        assert not (page.parent / "feed.rss.xml").exists(), page.parent
    assert not list((published_site.output / folder).rglob("*.rss.xml"))


def test_site_language_and_section_feeds_are_atom_and_rss(published_site):
    out = published_site.output
    sections = sorted(p.parent for p in out.glob("seksjon/*/index.html"))
    assert len(sections) >= 2
    written = [
        out / "feeds/all",
        *(out / f"feeds/{lang}" for lang in ("nb", "nn", "en")),
        *(folder / "feed" for folder in sections),
    ]
    for stem in written:
        atom = parse(stem.with_name(f"{stem.name}.atom.xml"))
        rss = parse(stem.with_name(f"{stem.name}.rss.xml"))
        assert [e.id for e in atom.entries] == [e.id for e in rss.entries], stem
        assert atom.entries, stem
    # and no other RSS
    assert len(feeds_of(published_site, "rss")) == len(written)


def test_every_atom_feed_keeps_the_rfc_4287_rules(published_site):
    for path in feeds_of(published_site).values():
        check_atom(path)


def test_rss_items_have_a_guid_that_is_not_a_permalink(published_site):
    for path in feeds_of(published_site, "rss").values():
        channel = xml(path).find("channel")
        for tag in ("title", "link", "description"):  # required by RSS 2.0
            assert channel.findtext(tag), (path, tag)
        parsedate_to_datetime(channel.findtext("lastBuildDate"))
        for item in channel.findall("item"):
            guid = item.find("guid")
            assert guid is not None and guid.get("isPermaLink") == "false"
            assert item.findtext("link").startswith(SITE)
            parsedate_to_datetime(item.findtext("pubDate"))


def test_entry_ids_are_unique_in_every_feed_and_the_same_in_all(published_site):
    id_of: dict[str, str] = {}
    for path in feeds_of(published_site).values():
        ids = [
            e.findtext("a:id", namespaces=NS) for e in xml(path).iterfind("a:entry", NS)
        ]
        assert len(ids) == len(set(ids)), path
        for entry in parse(path).entries:
            assert id_of.setdefault(entry.link, entry.id) == entry.id, entry.link


def test_an_article_is_the_same_entry_in_every_feed_that_holds_it(published_site):
    """Only the whole text differs: full in the large feeds, absent in the small."""
    whole = {"atom": f"{{{ATOM}}}content", "rss": f"{{{CONTENT}}}encoded"}
    for kind, text in whole.items():
        seen: dict[str, bytes] = {}
        for path in feeds_of(published_site, kind).values():
            root = xml(path)
            found = root.findall("a:entry", NS) or root.findall("channel/item")
            for entry in found:
                ident = entry.findtext("a:id", namespaces=NS) or entry.findtext("guid")
                for element in entry.findall(text):
                    entry.remove(element)
                written = etree.tostring(entry, with_tail=False)
                assert seen.setdefault(ident, written) == written, (path, ident)
        assert len(seen) > 10


def test_a_feeds_atom_and_rss_name_themselves_and_hold_the_same_entries(
    published_site,
):
    for twin, path in feeds_of(published_site, "rss").items():
        name = twin.replace(".rss.xml", ".atom.xml")
        atom, channel = xml(published_site.path(name)), xml(path).find("channel")
        assert atom.find("a:link[@rel='self']", NS).get("href") == f"{SITE}/{name}"
        rss_self = channel.find(f"{{{ATOM}}}link[@rel='self']")
        assert rss_self.get("href") == f"{SITE}/{twin}"
        page = atom.find("a:link[@rel='alternate']", NS).get("href")
        assert channel.findtext("link") == page
        ids = [e.findtext("a:id", namespaces=NS) for e in atom.findall("a:entry", NS)]
        assert ids == [item.findtext("guid") for item in channel.findall("item")]


def test_entry_ids_are_dois_or_tag_uris(published_site):
    found = entries(published_site, "feeds/all.atom.xml")
    assert "https://doi.org/10.5555/replikk.2024.002" in found
    translation = entries(published_site, "feeds/en.atom.xml")
    tags = [i for i in translation if i.startswith("tag:")]
    # The English translation has no DOI of its own: a tag with its language.
    assert tags == [
        "tag:replikk.example.org,2025-02-25:sentralisert-legevakt-gjev-betre-kvalitet/en"
    ]


def test_every_debate_has_a_feed_with_the_whole_debate(published_site):
    out = published_site.output
    debates = sorted(p.parent for p in out.glob("debatt/*/index.html"))
    assert len(debates) == 5  # the sample archive's debates
    # Which debate feed each published article page announces.
    announced: dict[str, set[str]] = {}
    for page in out.glob("20*/*/index.html"):
        url = f"{SITE}/{page.parent.relative_to(out)}/"
        for href in discovered(published_site, str(page.relative_to(out))):
            if href.endswith("feed.atom.xml") and "/debatt/" in href:
                announced.setdefault(href, set()).add(url)
    for folder in debates:
        url = f"{SITE}/{folder.relative_to(out)}/feed.atom.xml"
        feed = parse(folder / "feed.atom.xml")
        assert {e.link for e in feed.entries} == announced[url], url
        dates = [e.published_parsed for e in feed.entries]
        assert dates == sorted(dates, reverse=True), "newest first"
        assert feed.feed.updated_parsed == max(e.updated_parsed for e in feed.entries)
        assert not (folder / "feed.rss.xml").exists()
        assert discovered(published_site, f"{folder.relative_to(out)}/")[url]


def test_each_reply_in_a_debate_feed_points_to_what_it_answers(published_site):
    feed = entries(
        published_site, "debatt/smertebehandling-av-ryggpasienter/feed.atom.xml"
    )
    ids = set(feed)
    replies = {
        e.title: e["thr_in-reply-to"] for e in feed.values() if "thr_in-reply-to" in e
    }
    assert replies["Bildediagnostikk er ikke fienden"] == {
        "ref": "https://doi.org/10.5555/replikk.2024.002",
        "href": f"{SITE}/2024/smertebehandling-av-ryggpasienter/",
        "type": "text/html",
    }
    assert replies["Trening er heller ikke bare råd"]["ref"] == (
        "https://doi.org/10.5555/replikk.2024.005"
    )
    # Every answered article of this debate is itself an entry of the feed.
    assert {r["ref"] for r in replies.values()} <= ids
    assert len(replies) == len(feed) - 1  # all but the opening article answer


def test_a_reply_to_an_outside_article_points_to_its_doi(published_site):
    feed = entries(
        published_site, "debatt/korsryggsmerter-i-norsk-allmennpraksis/feed.atom.xml"
    )
    opener = feed["https://doi.org/10.5555/replikk.2024.011"]
    target = opener["thr_in-reply-to"]
    assert target["ref"] == "https://doi.org/10.1016/s0140-6736(18)30480-x"
    assert target["href"] == target["ref"]


def test_a_reply_to_two_articles_names_both(published_site):
    path = published_site.path(
        "debatt/fastlegeordningen-trenger-flere-hender/feed.atom.xml"
    )
    entry = next(
        e
        for e in xml(path).iterfind("a:entry", NS)
        if e.findtext("a:id", namespaces=NS).endswith("2024.010")
    )
    refs = [r.get("ref") for r in entry.findall("thr:in-reply-to", NS)]
    assert refs == [
        "https://doi.org/10.5555/replikk.2024.007",
        "https://doi.org/10.5555/replikk.2024.008",
    ]
    related = [link.get("href") for link in entry.findall("a:link[@rel='related']", NS)]
    assert related == [
        f"{SITE}/2024/fastlegeordningen-trenger-flere-hender/",
        f"{SITE}/2024/fastlegen-ma-slippe-papirarbeidet/",
    ]


def test_an_answered_entry_links_its_replies_with_their_count(published_site):
    for url in ("feeds/all.atom.xml", "emne/rygg/feed.atom.xml"):
        entry = entries(published_site, url)["https://doi.org/10.5555/replikk.2024.002"]
        (replies,) = [link for link in entry.links if link.rel == "replies"]
        assert replies.href == (
            f"{SITE}/debatt/smertebehandling-av-ryggpasienter/feed.atom.xml"
        )
        assert replies.type == "application/atom+xml"
        assert published_site.path(replies.href.removeprefix(f"{SITE}/")).is_file()
        assert replies["thr:count"] == "2"
        assert entry.thr_total == "2"
        # Moved to the latest reply, so a reader sees the new count.
        assert entry.updated == "2024-02-20T14:30:00+01:00"
        assert entry.published == "2024-02-06T09:00:00+01:00"


def test_drafts_never_appear_in_any_feed(published_site):
    for path in [
        *feeds_of(published_site).values(),
        *feeds_of(published_site, "rss").values(),
    ]:
        text = path.read_text(encoding="utf-8")
        assert DRAFT not in text, path
        assert "det glemte perspektivet" not in text, path


def test_archive_and_debate_feeds_carry_full_content_small_feeds_summaries(
    published_site,
):
    for url in (
        "feeds/all.atom.xml",
        "debatt/smertebehandling-av-ryggpasienter/feed.atom.xml",
    ):
        for entry in parse(published_site.path(url)).entries:
            assert entry.content[0].type == "text/html"
            assert len(entry.content[0].value) > len(entry.summary)
    for entry in parse(published_site.path("emne/rygg/feed.atom.xml")).entries:
        assert "content" not in entry
        assert entry.summary


def test_entries_carry_authors_and_categories(published_site):
    entry = entries(published_site, "feeds/all.atom.xml")[
        "https://doi.org/10.5555/replikk.2024.010"
    ]
    assert [a.name for a in entry.authors] == ["Kjersti Bakke", "Anders Moen"]
    assert entry.authors[0].href == f"{SITE}/forfatter/kjersti-bakke/"
    assert [t.term for t in entry.tags] == [
        "Debatt",
        "fastlege",
        "arbeidsbelastning",
        "helsepolitikk",
    ]
    assert entry.title == "Listelengde og papirmengde er samme problem"


def test_two_builds_write_the_same_feeds_byte_for_byte(build_site, published_site):
    """No build time anywhere: feedgen's default `updated` is now."""
    again = build_site(ROOT / "content", PUBLISH)
    first, second = feeds_of(published_site), feeds_of(again)
    assert set(first) == set(second)
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes(), name
    for name, path in feeds_of(published_site, "rss").items():
        assert path.read_bytes() == again.path(name).read_bytes(), name


# -- autodiscovery
def discovered(site, url: str) -> dict[str, str]:
    links = site.html(url).select(
        'head link[rel="alternate"][type="application/atom+xml"]'
    )
    return {link["href"]: link["title"] for link in links}


@pytest.mark.parametrize(
    ("page", "own"),
    [
        ("", None),
        ("om/", None),
        ("seksjon/debatt/", "seksjon/debatt/feed.atom.xml"),
        ("emne/rygg/", "emne/rygg/feed.atom.xml"),
        ("forfatter/ingrid-solvang/", "forfatter/ingrid-solvang/feed.atom.xml"),
        (
            "2024/rad-er-behandling/",
            "debatt/smertebehandling-av-ryggpasienter/feed.atom.xml",
        ),
        (
            "debatt/smertebehandling-av-ryggpasienter/",
            "debatt/smertebehandling-av-ryggpasienter/feed.atom.xml",
        ),
    ],
)
def test_pages_link_their_feeds_for_autodiscovery(published_site, page, own):
    found = discovered(published_site, page)
    assert f"{SITE}/feeds/all.atom.xml" in found
    if own:
        assert f"{SITE}/{own}" in found
    for href in found:
        assert published_site.path(href.removeprefix(SITE + "/")).is_file(), href
    rss = published_site.html(page).select('head link[type="application/rss+xml"]')
    # the RSS twin of each linked feed, but of no tag, author or debate feed
    assert {link["href"] for link in rss} == {
        href.replace(".atom.xml", ".rss.xml")
        for href in found
        if not href.startswith(tuple(f"{SITE}/{f}/" for f in ATOM_ONLY))
    }
    assert f"{SITE}/feeds/all.rss.xml" in {link["href"] for link in rss}


def linked_xml(site, base: str) -> dict[str, set[str]]:
    """Every .xml address in the site's <link> and <a> elements, resolved, with
    the pages that link it."""
    found: dict[str, set[str]] = {}
    for page in site.output.rglob("*.html"):
        name = str(page.relative_to(site.output))
        tree = lxml_html.fromstring(page.read_bytes())
        for href in tree.xpath("//link/@href | //a/@href"):
            url = urljoin(f"{base}/{name}", href.strip()).split("#")[0].split("?")[0]
            if url.endswith(".xml"):
                found.setdefault(url, set()).add(name)
    return found


@pytest.mark.parametrize(
    ("site", "base"), [("published_site", SITE), ("sample_site", LOCAL)]
)
def test_no_page_links_a_feed_that_is_not_written(request, site, base):
    built = request.getfixturevalue(site)
    found = linked_xml(built, base)
    ours = {url for url in found if url.startswith(f"{base}/")}
    missing = {
        url: sorted(found[url])[:3]
        for url in ours
        if not built.path(url.removeprefix(f"{base}/")).is_file()
    }
    assert not missing
    assert any(url.endswith(".rss.xml") for url in ours)
    assert any(url.endswith(".atom.xml") for url in ours)
    for url in ours:
        assert not (
            url.endswith(".rss.xml")
            and url.removeprefix(f"{base}/").startswith(ATOM_ONLY)
        ), url


def test_no_feed_links_a_feed_that_is_not_written(published_site):
    """Self links, and RFC 4685 replies links to debate feeds, in both formats."""
    seen = set()
    for path in [
        *feeds_of(published_site).values(),
        *feeds_of(published_site, "rss").values(),
    ]:
        for link in xml(path).iter(f"{{{ATOM}}}link"):
            href = link.get("href")
            if href.endswith(".xml"):
                seen.add(link.get("rel"))
                relative = href.removeprefix(f"{SITE}/")
                assert published_site.path(relative).is_file(), (path, href)
    assert seen == {"self", "replies"}


def test_an_article_outside_any_debate_links_no_debate_feed(published_site):
    found = discovered(published_site, "2024/debatten-er-en-del-av-vitenskapen/")
    assert not [href for href in found if "/debatt/" in href]


def test_an_english_article_links_the_english_feed(published_site):
    found = discovered(
        published_site, "2024/norwegian-general-practice-is-not-a-special-case/"
    )
    assert found[f"{SITE}/feeds/en.atom.xml"] == "Replikk – Articles in English (Atom)"


# -- preview builds and other addresses
def test_a_local_build_writes_valid_feeds_with_absolute_urls(
    sample_site, published_site
):
    atom = feeds_of(sample_site)
    assert set(atom) == set(feeds_of(published_site))
    for path in atom.values():
        for entry in check_atom(path):
            for link in entry.findall("a:link[@rel='alternate']", NS):
                assert link.get("href").startswith("http://127.0.0.1:8000/"), path
        parse(path)
    # ids do not depend on where the site is served
    local = entries(sample_site, "feeds/all.atom.xml")
    assert set(local) == set(entries(published_site, "feeds/all.atom.xml"))
    # the page links the feed relative to itself, as it links everything else
    page = sample_site.html("2024/rad-er-behandling/")
    hrefs = [link["href"] for link in page.select('link[type="application/atom+xml"]')]
    assert "../../feeds/all.atom.xml" in hrefs


def test_entry_ids_do_not_change_with_the_siteurl(build_site, published_site):
    other = "https://debatt.journal.example"
    site = build_site(ROOT / "content", PUBLISH, SITEURL=other, FEED_DOMAIN=other)
    moved = entries(site, "feeds/all.atom.xml")
    assert set(moved) == set(entries(published_site, "feeds/all.atom.xml"))
    assert all(e.link.startswith(other) for e in moved.values())


# -- changes over time
def test_editing_an_article_keeps_every_id_and_moves_its_updated(build_site, content):
    content.article("opening", "Første versjon.", DOI="10.5555/test.1")
    content.article("answer", "Svar.", Reply_to="opening", Date="2024-02-01 10:00")
    content.article("plain", "Uten DOI.", Date="2024-03-01 10:00")
    before = entries(build_site(content.root), "feeds/all.atom.xml")

    content.article(
        "plain",
        "Rettet tekst, ny tittel.",
        Title="Ny tittel – «rettet»",
        Date="2024-03-01 10:00",
        Modified="2024-05-02 12:00",
    )
    content.article("opening", "Andre versjon.", DOI="10.5555/TEST.1")
    site = build_site(content.root)
    after = entries(site, "feeds/all.atom.xml")

    assert set(before) == set(after)
    plain = after["tag:replikk.example.org,2024-03-01:plain"]
    assert plain.title == "Ny tittel – «rettet»"
    assert plain.updated == "2024-05-02T12:00:00+02:00"
    assert plain.published == "2024-03-01T10:00:00+01:00"
    assert parse(site.path("feeds/all.atom.xml")).feed.updated == plain.updated


def test_a_new_reply_moves_the_debate_feed_and_the_reply_count(build_site, content):
    content.article("opening", DOI="10.5555/test.1")
    content.article("first-answer", Reply_to="opening", Date="2024-02-01 10:00")
    site = build_site(content.root)
    feed_url = "debatt/opening/feed.atom.xml"
    before = parse(site.path(feed_url))
    opening = "https://doi.org/10.5555/test.1"

    content.article("second-answer", Reply_to="opening", Date="2024-03-01 10:00")
    site = build_site(content.root)
    after = parse(site.path(feed_url))

    assert before.feed.updated == "2024-02-01T10:00:00+01:00"
    assert after.feed.updated == "2024-03-01T10:00:00+01:00"
    old = {e.id: e for e in before.entries}[opening]
    new = {e.id: e for e in after.entries}[opening]
    assert (old.thr_total, new.thr_total) == ("1", "2")
    assert new.updated == "2024-03-01T10:00:00+01:00"
    assert after.entries[0].title == "Second answer"
    assert after.entries[0]["thr_in-reply-to"]["ref"] == opening
    # the entries already delivered keep their ids
    assert {e.id for e in before.entries} < {e.id for e in after.entries}


def test_feed_id_pins_an_entry_id_when_a_doi_comes_later(build_site, content):
    content.article("early", "Tekst.")
    before = set(entries(build_site(content.root), "feeds/all.atom.xml"))
    content.article(
        "early",
        "Tekst.",
        DOI="10.5555/late.1",
        Feed_id="tag:replikk.example.org,2024-01-01:early",
    )
    after = set(entries(build_site(content.root), "feeds/all.atom.xml"))
    assert before == after == {"tag:replikk.example.org,2024-01-01:early"}


def test_two_articles_with_one_feed_id_stop_the_build(build_site, content):
    content.article("first", Feed_id="tag:replikk.example.org,2024-01-01:x")
    content.article("second", Feed_id="tag:replikk.example.org,2024-01-01:x")
    content.article("third", Feed_id="not an id")
    with pytest.raises(ContentError) as error:
        build_site(content.root)
    message = str(error.value)
    assert "already the id of" in message and "first.md" in message
    assert "'not an id' is not an IRI" in message
    assert "Feed_id" in message


def test_hidden_articles_never_appear_in_any_feed(build_site, content):
    content.article("visible", Tags="rygg")
    content.article("secret", Tags="rygg", Status="hidden", Reply_to="visible")
    content.article("unfinished", Tags="rygg", Status="draft")
    site = build_site(content.root)
    for path in [*feeds_of(site).values(), *feeds_of(site, "rss").values()]:
        text = path.read_text(encoding="utf-8")
        assert "secret" not in text and "unfinished" not in text, path
    assert (
        "thr_total"
        not in entries(site, "feeds/all.atom.xml")[
            "tag:replikk.example.org,2024-01-01:visible"
        ]
    )


def test_content_has_absolute_links_and_images_and_plain_titles(build_site, content):
    content.article("other", Date="2023-12-01 10:00")
    content.article(
        "linked",
        """
        Se [den andre]({filename}other.md), [arkivet](/arkiv/),
        [et avsnitt](#del), [nabo](../../2023/other/) og <mailto:red@example.org>.

        ![Figur](/images/figur.png)
        <img src="bilde.png" alt="Bilde">
        """,
        Title="Hva er evidens & “kvalitet”?",  # metadata is text, & included
        Summary="Se [her](/om/).",
    )
    site = build_site(content.root)
    entry = entries(site, "feeds/all.atom.xml")[
        "tag:replikk.example.org,2024-01-01:linked"
    ]
    assert entry.title == "Hva er evidens & «kvalitet»?"
    base = "http://127.0.0.1:8000"
    html = entry.content[0].value
    for url in (
        f"{base}/2023/other/",
        f"{base}/arkiv/",
        f"{base}/2024/linked/#del",
        f"{base}/images/figur.png",
        f"{base}/2024/linked/bilde.png",
        "mailto:",
    ):
        assert url in html, url
    assert not re.search(r'(href|src)="(?!http|mailto)', html)
    assert f'href="{base}/om/"' in entry.summary
    rss = parse(site.path("feeds/all.rss.xml"))
    assert rss.entries[0].title == "Hva er evidens & «kvalitet»?"


def test_feed_length_is_limited_except_for_debates(build_site, content):
    content.article("start")
    for day in range(2, 6):
        content.article(f"svar-{day}", Reply_to="start", Date=f"2024-01-0{day} 10:00")
    site = build_site(content.root, FEED_MAX_ITEMS=2)
    archive = parse(site.path("feeds/all.atom.xml")).entries
    assert [e.title for e in archive] == ["Svar 5", "Svar 4"]
    assert len(parse(site.path("debatt/start/feed.atom.xml")).entries) == 5


def feed_links(site, page: str) -> set[str]:
    """The feeds a page links, in <head> and in its text, resolved."""
    html = site.html(page)
    found = html.select('head link[rel="alternate"][type$="+xml"], a[href$=".xml"]')
    return {urljoin(f"{LOCAL}/{page}", link["href"]) for link in found}


def test_each_kind_of_feed_gets_the_formats_set_for_it(build_site, content):
    content.article("start", Tags="rygg")
    content.article("svar", Tags="rygg", Reply_to="start", Date="2024-02-01 10:00")
    formats = {"debate": ["atom", "rss"], "tag": [], "archive": ["rss"]}
    site = build_site(content.root, FEED_FORMATS=formats)
    written = {str(p.relative_to(site.output)) for p in site.output.rglob("*.xml")}
    assert {w for w in written if "feed" in w} == {
        "feeds/all.rss.xml",
        "feeds/nb.atom.xml",  # the default for a kind left out
        "feeds/nb.rss.xml",
        "seksjon/debatt/feed.atom.xml",
        "seksjon/debatt/feed.rss.xml",
        "forfatter/kari-nordmann/feed.atom.xml",
        "debatt/start/feed.atom.xml",
        "debatt/start/feed.rss.xml",
    }
    for name in written:
        if "feed" in name:
            parse(site.path(name))
    assert feed_links(site, "2024/svar/") == {
        f"{LOCAL}/{name}"
        for name in (
            "feeds/all.rss.xml",
            "feeds/nb.atom.xml",
            "feeds/nb.rss.xml",
            "debatt/start/feed.atom.xml",
            "debatt/start/feed.rss.xml",
        )
    }
    assert not [url for url in feed_links(site, "emne/rygg/") if "/emne/" in url]


@pytest.mark.parametrize(
    ("formats", "replies", "kind"),
    [
        (["rss"], "debatt/start/feed.rss.xml", "application/rss+xml"),
        ([], "debatt/start/", "text/html"),
    ],
)
def test_replies_link_only_a_debate_feed_that_is_written(
    build_site, content, formats, replies, kind
):
    content.article("start")
    content.article("svar", Reply_to="start", Date="2024-02-01 10:00")
    site = build_site(content.root, FEED_FORMATS={"debate": formats})
    entry = entries(site, "feeds/all.atom.xml")[
        "tag:replikk.example.org,2024-01-01:start"
    ]
    (link,) = [link for link in entry.links if link.rel == "replies"]
    assert (link.href, link.type) == (f"{LOCAL}/{replies}", kind)
    assert entry.thr_total == "1"
    written = {f"{LOCAL}/{p.relative_to(site.output)}" for p in site.output.rglob("*")}
    for page in ("2024/svar/", "2024/start/", "debatt/start/"):
        debate_feeds = {url for url in feed_links(site, page) if "/debatt/" in url}
        assert debate_feeds <= written, page
        assert debate_feeds == ({f"{LOCAL}/{replies}"} if formats else set()), page


def test_pages_link_the_debate_feed_where_feed_paths_put_it(build_site, content):
    content.article("start")
    content.article("svar", Reply_to="start", Date="2024-02-01 10:00")
    paths = {**DEFAULTS["FEED_PATHS"], "debate": "feeds/debatt/{slug}.{ext}"}
    site = build_site(content.root, FEED_PATHS=paths)
    assert parse(site.path("feeds/debatt/start.atom.xml")).entries
    for page in ("2024/svar/", "debatt/start/"):
        # (the footer links the archive's and the language's feeds on every page)
        visible = site.html(page).select('main a[type="application/atom+xml"]')
        assert [urljoin(f"{LOCAL}/{page}", a["href"]) for a in visible] == [
            f"{LOCAL}/feeds/debatt/start.atom.xml"
        ], page


def test_a_kind_of_feed_can_be_switched_off(build_site, content):
    content.article("start", Tags="rygg")
    paths = {"archive": "feeds/all.{ext}", "tag": None}
    site = build_site(content.root, FEED_PATHS=paths, FEED_FORMATS=["atom"])
    assert sorted(feeds_of(site)) == ["feeds/all.atom.xml"]
    assert not feeds_of(site, "rss")
    assert not site.html("emne/rygg/").select('link[href$="feed.atom.xml"]')


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"FEED_ID_DOMAIN": "https://replikk.example.org"}, "FEED_ID_DOMAIN"),
        ({"FEED_ID_SINCE": "2024"}, "FEED_ID_SINCE"),
        ({"FEED_MAX_ITEMS": 0}, "FEED_MAX_ITEMS"),
        ({"FEED_PATHS": {"tag": "emne/feed.{ext}"}}, "FEED_PATHS"),
        ({"FEED_FORMATS": ["json"]}, "FEED_FORMATS"),
    ],
)
def test_bad_feed_settings_name_the_setting(override, message):
    settings = {"FEED_ID_DOMAIN": "replikk.example.org", **override}
    with pytest.raises(ValueError, match=message):
        check_settings(settings)


@pytest.mark.parametrize(
    ("formats", "named", "value"),
    [
        ({"tag": ["json"]}, "FEED_FORMATS['tag']", "['json']"),
        ({"debate": "atom"}, "FEED_FORMATS['debate']", "'atom'"),
        ({"topic": ["atom"]}, "FEED_FORMATS", "{'topic': ['atom']}"),
        ("atom", "FEED_FORMATS", "'atom'"),
        (["atom", "RSS"], "FEED_FORMATS", "['atom', 'RSS']"),
        (3, "FEED_FORMATS", "3"),
    ],
)
def test_a_bad_feed_formats_value_is_reported_with_name_and_value(
    formats, named, value
):
    settings = {"FEED_ID_DOMAIN": "replikk.example.org", "FEED_FORMATS": formats}
    with pytest.raises(ValueError) as error:
        check_settings(settings)
    message = str(error.value)
    assert message.startswith(named) and message.endswith(value), message


def test_a_bad_feed_formats_value_stops_the_build(build_site, content):
    content.article("start")
    with pytest.raises(ValueError, match=re.escape("FEED_FORMATS['tag']")) as error:
        build_site(content.root, FEED_FORMATS={"tag": ["atom", "json"]})
    assert "['atom', 'json']" in str(error.value)


# -- the model, without Pelican
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("j.example", datetime(2024, 2, 6), "slug", None),
            "tag:j.example,2024-02-06:slug",
        ),
        (
            ("j.example", datetime(2024, 2, 6), "slug", "10.5555/ABC.1"),
            "https://doi.org/10.5555/abc.1",
        ),
        (
            ("j.example", datetime(2024, 2, 6), "slug", None, "en"),
            "tag:j.example,2024-02-06:slug/en",
        ),
        (
            ("j.example", datetime(2024, 2, 6), "slug", "10.5555/x", "en"),
            "tag:j.example,2024-02-06:slug/en",
        ),
    ],
)
def test_entry_id(args, expected):
    assert model.entry_id(*args) == expected


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("Råd er behandling", "Råd er behandling"),
        ("<em>Evidens</em> – «kvalitet»", "Evidens – «kvalitet»"),
        ('Fastlegen&nbsp;<span class="caps">NHS</span>', "Fastlegen NHS"),
        ("Tom &amp; Jerry’s", "Tom & Jerry’s"),
    ],
)
def test_plain_title(html, text):
    assert model.plain_title(html) == text


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="/om/">x</a>', '<a href="https://s.example/om/">x</a>'),
        ('<a href="../b/">x</a>', '<a href="https://s.example/2024/b/">x</a>'),
        ('<a href="#n1">1</a>', '<a href="https://s.example/2024/a/#n1">1</a>'),
        (
            '<a href="https://doi.org/10.1/x">d</a>',
            '<a href="https://doi.org/10.1/x">d</a>',
        ),
        ('<img src="f.png"/>', '<img src="https://s.example/2024/a/f.png"/>'),
        (
            '<img srcset="a.png 1x, /b.png 2x"/>',
            '<img srcset="https://s.example/2024/a/a.png 1x,'
            ' https://s.example/b.png 2x"/>',
        ),
    ],
)
def test_absolute_html(html, expected):
    assert model.absolute_html(html, "https://s.example/2024/a/") == expected


@pytest.mark.parametrize("base", ["https://s.example/2024/a/", "http://127.0.0.1/a/"])
@pytest.mark.parametrize(
    "url",
    [
        "https://doi.org/10.1/ABC(x)",
        "http://127.0.0.1:8000/2024/a/#ref-1",
        "https://h.example?q=1&r#f?g#h",
        "https://h.example",
        "https://h.example/a/../b/./c//d",
        "https://h.example/ø?æ#å",
        "HTTPS://h.example/a",
        "https://h.example/a?",
        "https://h.example/a#",
        "https://h.example/a?#f",
        "https://h.example/a;p",
        "https://h.example/a;",
        "https://[::1]/a",
        "https://user@h.example/",
        "https:///a",
        "https:h.example/a",
        "//h.example/a",
    ],
)
def test_absolute_html_resolves_every_url_as_urljoin_does(url, base):
    """Already absolute URLs skip urljoin; whatever urljoin would change does not."""
    written = model.absolute_html(f'<a href="{url}">x</a>', base)
    assert written == f'<a href="{html.escape(urljoin(base, url))}">x</a>'


def test_threading_extension_writes_rfc_4685_elements():
    when = datetime.fromisoformat("2024-02-06T09:00:00+01:00")
    later = datetime.fromisoformat("2024-03-01T09:00:00+01:00")
    opening = model.Item(
        id="tag:j.example,2024-02-06:a",
        title="A",
        url="https://s.example/a/",
        published=when,
        updated=later,
        lang="nb",
        authors=[model.Person("Kari")],
        content="<p>A</p>",
        replies=Replies("https://s.example/feed.atom.xml", 1, later),
    )
    reply = model.Item(
        id="tag:j.example,2024-03-01:b",
        title="B",
        url="https://s.example/b/",
        published=later,
        updated=later,
        lang="en",
        authors=[model.Person("Ola")],
        content="<p>B</p>",
        in_reply_to=[InReplyTo(opening.id, opening.url)],
    )
    feed = model.Feed(
        id="tag:j.example,2024-01-01:feed",
        title="F",
        subtitle="",
        lang="nb",
        page_url="https://s.example/",
        atom_url="https://s.example/feed.atom.xml",
        rss_url="https://s.example/feed.rss.xml",
        items=[reply, opening],
        author="J",
    )
    root = etree.fromstring(model.atom(feed))
    assert root.findtext("a:updated", namespaces=NS) == later.isoformat()
    first, second = root.findall("a:entry", NS)
    assert first.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    (target,) = first.findall("thr:in-reply-to", NS)
    assert target.attrib == {
        "ref": opening.id,
        "href": opening.url,
        "type": "text/html",
    }
    (related,) = first.findall("a:link[@rel='related']", NS)
    assert related.get("href") == opening.url
    (replies,) = second.findall("a:link[@rel='replies']", NS)
    assert replies.get(f"{{{THR}}}count") == "1"
    assert second.findtext("thr:total", namespaces=NS) == "1"
    rss = etree.fromstring(model.rss(feed))
    item = rss.find("channel/item")
    assert item.find(f"{{{THR}}}in-reply-to").get("ref") == opening.id
    assert rss.findtext("channel/lastBuildDate") == "Fri, 01 Mar 2024 09:00:00 +0100"
