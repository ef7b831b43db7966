"""Feeds as plain data, and their Atom and RSS 2.0 documents.

No Pelican here: the glue turns articles into :class:`Item` values and
:class:`Feed` values, and :func:`atom` / :func:`rss` write them with feedgen.

Ids are permanent (RFC 4287 §4.2.6): an article's id is its DOI as an
``https://doi.org/`` IRI, else a ``tag:`` URI (RFC 4151) made from a fixed
domain, the article's first publication date and its slug. Neither depends
on SITEURL, the theme or the article's text, so rebuilding, moving the site or
editing an article never makes a reader see an entry twice.

Nothing in a feed depends on when it was built: every date comes from the
content, so two builds of the same archive write the same bytes.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote, urljoin

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.ext.dc import DcEntryExtension, DcExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from . import threading
from .threading import InReplyTo, Replies

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_DOMAIN = re.compile(
    r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"
)
# Attributes holding URLs that a feed reader must be able to follow on its own.
_URL_ATTRIBUTES = {
    "a": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "link": ("href",),
    "iframe": ("src",),
    "object": ("data",),
    "q": ("cite",),
    "blockquote": ("cite",),
    "ins": ("cite",),
    "del": ("cite",),
}


def doi_iri(doi: str) -> str:
    """A DOI as the IRI the DOI Foundation recommends for display and linking."""
    return f"https://doi.org/{quote(doi.strip().lower(), safe='/:;()._-<>[]')}"


def check_domain(domain: object) -> str:
    """A tagging authority must be a plain DNS name (RFC 4151 §2.1)."""
    if not isinstance(domain, str) or not _DOMAIN.match(domain):
        raise ValueError(
            f"FEED_ID_DOMAIN must be a domain name such as 'journal.example.org',"
            f" not {domain!r}"
        )
    return domain


def tag_uri(domain: str, when: date, specific: str) -> str:
    """``tag:domain,YYYY-MM-DD:specific`` (RFC 4151)."""
    return f"tag:{domain},{when:%Y-%m-%d}:{quote(specific, safe='/-._~')}"


def entry_id(
    domain: str, published: date, slug: str, doi: str | None, lang: str | None = None
) -> str:
    """The permanent id of an article (``lang`` only for a translation).

    A translation is an entry of its own, so it gets the original's tag with
    its language appended; it has no DOI of its own.
    """
    if doi and not lang:
        return doi_iri(doi)
    specific = f"{slug}/{lang}" if lang else slug
    return tag_uri(domain, published, specific)


def plain_title(html: str) -> str:
    """A title as text: markup gone, typography (’ – « ») kept."""
    text = html or ""
    if "<" in text or "&" in text:  # else there is nothing for a parser to do
        from bs4 import BeautifulSoup  # noqa: PLC0415 -- rarely needed: 0.1 s

        text = BeautifulSoup(text, "html.parser").get_text()
    return " ".join(text.split())


def absolute_html(html: str, base: str) -> str:
    """The HTML with every link, image and source resolved against ``base``.

    A feed is read away from the site, so a relative URL there points nowhere.
    Only attribute values inside tags are rewritten, so text (a code sample
    showing ``href="x"``) is left as written. A tokenizer rather than a full
    parse, as this runs on every article's content and summary.
    """
    if not html:
        return ""
    pieces = _TAG.split(html)
    done: dict[str, str] = {}  # an article repeats tags: each citation of a source
    for i in range(1, len(pieces), 2):
        tag = pieces[i]
        if tag not in done:
            done[tag] = _absolute_tag(tag, base)
        pieces[i] = done[tag]
    return "".join(pieces)


def _absolute_tag(tag: str, base: str) -> str:
    name = _TAG_NAME.match(tag)
    attributes = _URL_ATTRIBUTES.get(name.group(1).lower()) if name else None
    if not attributes:
        return tag
    return _ATTRIBUTE.sub(lambda m: _rewrite(m, attributes, base), tag)


_TAG = re.compile(r"(<[a-zA-Z][^>]*>)")
_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")
_ATTRIBUTE = re.compile(r"(\s)([a-zA-Z-]+)(\s*=\s*)(\"[^\"]*\"|'[^']*')")


def _rewrite(match: re.Match, wanted: tuple[str, ...], base: str) -> str:
    space, name, equals, quoted = match.groups()
    if name.lower() not in wanted:
        return match.group(0)
    value = htmllib.unescape(quoted[1:-1])
    if not value.strip():
        return match.group(0)
    if name.lower() == "srcset":
        value = ", ".join(_absolute_candidate(c, base) for c in value.split(","))
    else:
        value = _absolute(value, base)
    return f'{space}{name}{equals}"{htmllib.escape(value, quote=True)}"'


# URLs urljoin hands back unchanged, whatever the base: lower-case http(s)
# with a plain host, no ';' parameters, no empty query or fragment, nothing it
# strips. Most links in an article are such (Pelican has already made its own
# links absolute), and urljoin is the costly part of a feed's content.
_ABSOLUTE = re.compile(
    r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[^?#;\s]*)?(\?[^#\s]+)?(#\S+)?"
)


def _absolute(url: str, base: str) -> str:
    url = url.strip()
    if url.startswith("#"):
        return base.split("#", 1)[0] + url
    if _ABSOLUTE.fullmatch(url):
        return url
    return urljoin(base, url)


def _absolute_candidate(candidate: str, base: str) -> str:
    parts = candidate.split()
    if not parts:
        return candidate
    return " ".join([_absolute(parts[0], base), *parts[1:]])


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    uri: str | None = None


@dataclass(slots=True)
class Item:
    """One article as a feed entry; the same in every feed it appears in."""

    id: str
    title: str  # plain text
    url: str  # absolute
    published: datetime
    updated: datetime  # its own last change, or the date of its latest reply
    lang: str
    authors: list[Person] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    summary: str = ""  # HTML, absolute URLs
    content: str = ""  # HTML, absolute URLs; see full_text
    in_reply_to: list[InReplyTo] = field(default_factory=list)
    replies: Replies | None = None
    # Makes the content each time a feed entry that carries the whole article
    # is made (once per build: the entry is kept): most entries are only ever
    # shown as summaries, and the text is not held twice.
    content_source: Callable[[], str] | None = field(default=None, repr=False)

    def full_text(self) -> str:
        """The whole article (HTML, absolute URLs)."""
        if self.content_source is not None:
            return self.content_source()
        return self.content


@dataclass(slots=True)
class Feed:
    """One feed, written as Atom and (when ``rss_url`` is set) RSS 2.0."""

    id: str
    title: str
    subtitle: str
    lang: str
    page_url: str  # the HTML page this feed follows, absolute
    atom_url: str  # absolute
    rss_url: str | None  # absolute
    items: list[Item]
    author: str
    full_content: bool = True
    since: datetime | None = None  # `updated` of a feed with no entries

    @property
    def updated(self) -> datetime:
        """The latest change to any entry: moves when anything in it moves."""
        dates = [item.updated for item in self.items]
        if dates:
            return max(dates)
        if self.since is None:
            raise ValueError(f"feed {self.id!r} has no entries and no date")
        return self.since


class Writer:
    """Writes feeds as Atom and RSS 2.0, making each entry once per build.

    An article is in many feeds (the archive, its language, section, tags,
    authors and debate), in each as the same entry but for carrying the whole
    article or its summary. So each entry is made, and its XML built, once per
    kind and format, and kept (as bytes, see :class:`_Entry`) for every
    document that holds it; and a feed's Atom and RSS documents are written
    from one feedgen generator.
    """

    def __init__(self) -> None:
        # (id(item), full) -> (item, entry); the item is kept so its id stays its own.
        self._entries: dict[tuple[int, bool], tuple[Item, _Entry]] = {}

    def documents(self, feed: Feed) -> dict[str, bytes]:
        """``{"atom": …, "rss": …}``: the feed in each format it has an address for.

        Atom 1.0 (RFC 4287) and RSS 2.0, both with RFC 4685 threading.
        """
        fg = self._generator(feed)
        found = {}
        if feed.atom_url:
            _links(fg, feed, feed.atom_url, "application/atom+xml")
            found["atom"] = fg.atom_str(pretty=True)
        if feed.rss_url:
            _links(fg, feed, feed.rss_url, "application/rss+xml")
            found["rss"] = fg.rss_str(pretty=True)
        return found

    def _generator(self, feed: Feed) -> FeedGenerator:
        fg = FeedGenerator()
        _register_extensions(fg)
        fg.id(feed.id)
        fg.title(feed.title)
        fg.subtitle(feed.subtitle or feed.title)
        fg.language(feed.lang)
        fg.author(name=feed.author)
        # feedgen stamps both with the build time unless told otherwise.
        fg.updated(feed.updated)
        fg.lastBuildDate(feed.updated)
        fg.generator("Replikk (python-feedgen)")
        for item in feed.items:  # newest first, in the order given
            fg.add_entry(self._entry(item, feed.full_content), order="append")
        return fg

    def forget(self, item: Item) -> None:
        """The item is in no feed still to be written: drop its entries."""
        for full in (True, False):
            self._entries.pop((id(item), full), None)

    def _entry(self, item: Item, full: bool) -> _Entry:
        key = (id(item), full)
        if key not in self._entries:
            self._entries[key] = (item, _Entry(item, full))
        return self._entries[key][1]


# What feedgen (lxml) writes first; the stylesheet instruction goes after it.
XML_DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>\n"


def with_stylesheet(document: bytes, href: str) -> bytes:
    """The document with an ``xml-stylesheet`` processing instruction.

    A browser that opens the feed shows it through the XSLT stylesheet at
    ``href`` (a readable page, with how to subscribe) instead of raw XML; feed
    readers ignore the instruction. It follows the XML declaration, as the
    W3C "Associating Style Sheets with XML documents" recommendation requires
    (before the root element), and nothing else in the document changes.
    """
    if not document.startswith(XML_DECLARATION):
        raise ValueError("a feed document must begin with feedgen's XML declaration")
    # A pseudo-attribute value is escaped as an attribute value is.
    value = htmllib.escape(href, quote=True).encode("utf-8")
    instruction = b'<?xml-stylesheet type="text/xsl" href="' + value + b'"?>\n'
    return XML_DECLARATION + instruction + document[len(XML_DECLARATION) :]


def atom(feed: Feed) -> bytes:
    """One feed as an Atom 1.0 document (see :class:`Writer` for many)."""
    return Writer().documents(feed)["atom"]


def rss(feed: Feed) -> bytes:
    """One feed as an RSS 2.0 document (see :class:`Writer` for many)."""
    if feed.rss_url is None:
        raise ValueError(f"feed {feed.id!r} has no RSS address")
    return Writer().documents(feed)["rss"]


def _links(fg: FeedGenerator, feed: Feed, self_url: str, self_type: str) -> None:
    """The document's own address (self), then the page it follows."""
    fg.link(href=self_url, rel="self", type=self_type, replace=True)
    # feedgen takes the last link as RSS's channel <link>: the page, not self.
    fg.link(href=feed.page_url, rel="alternate", type="text/html")


def _register_extensions(fg: FeedGenerator) -> None:
    # As fg.load_extension("dc") would, without its failed import of dc_entry.
    fg.register_extension("dc", DcExtension, DcEntryExtension, atom=False, rss=True)
    threading.register(fg)
    fg.register_extension("page", _PageFeed, _Page, atom=True, rss=False)


def _register_entry_extensions(fe: FeedEntry) -> None:
    """The entry halves of :func:`_register_extensions`, in the same order.

    An entry gets them once, here, whatever feeds it will be in.
    """
    fe.register_extension("dc", DcEntryExtension, atom=False, rss=True)
    threading.register_entry(fe)
    fe.register_extension("page", _Page, atom=True, rss=False)


class _Entry:
    """One item's entry as feedgen takes it, built once for every feed.

    An item waits in :class:`Writer` for the last feed that holds it. Kept as
    feedgen's ``FeedEntry`` with its XML elements (each element a libxml2
    document of its own), an entry took ~16 KB: 70 MB of the process writing
    the feeds of a 5,000-article archive. So the ``FeedEntry`` is made once,
    its Atom and RSS elements are kept serialised (~2.6 KB), and each feed gets
    the same element parsed from those bytes.
    """

    __slots__ = ("_atom", "_full", "_item", "_rss")

    def __init__(self, item: Item, full: bool) -> None:
        self._item: Item | None = item
        self._full = full
        self._atom = b""
        self._rss = b""

    def register_extension(self, *args, **kwargs) -> None:
        # feedgen's add_entry loads the feed's extensions into each entry and
        # takes ImportError as "already loaded": _make_entry loads them.
        raise ImportError("Extension already loaded")

    def atom_entry(self, extensions=True):
        self._make()
        return etree.fromstring(self._atom, _PARSER)

    def rss_entry(self, extensions=True):
        self._make()
        return etree.fromstring(self._rss, _PARSER)

    def _make(self) -> None:
        if self._item is None:
            return
        made = _make_entry(self._item, self._full)
        self._atom = etree.tostring(made.atom_entry())
        self._rss = etree.tostring(made.rss_entry())
        self._item = None


# What feedgen wrote is parsed back as written: an article's text may be large,
# and its whitespace is part of it.
_PARSER = etree.XMLParser(huge_tree=True, remove_blank_text=False)


def _make_entry(item: Item, full: bool) -> FeedEntry:
    fe = FeedEntry()
    _register_entry_extensions(fe)
    fe.id(item.id)  # also the RSS guid, isPermaLink="false"
    fe.title(item.title)
    fe.updated(item.updated)
    fe.published(item.published)
    fe.link(href=item.url, rel="alternate", type="text/html", hreflang=item.lang)
    for person in item.authors:
        fe.author({"name": person.name, **({"uri": person.uri} if person.uri else {})})
        fe.dc.dc_creator(person.name, replace=False)
    for term in item.categories:
        fe.category(term=term)
    text = item.full_text() if full else ""
    if text:
        fe.content(text, type="html")
    if item.summary:
        fe.summary(item.summary, type="html")
    fe.thr.in_reply_to(*item.in_reply_to)
    fe.thr.replies(item.replies)
    fe.page.set(item.url, item.lang)
    return fe


class _PageFeed(BaseExtension):
    pass


class _Page(BaseEntryExtension):
    """The entry's language, and the type and language of its page's link.

    A feed may mix nb, nn and en articles, so each entry says its own
    ``xml:lang``. feedgen 1.0 drops ``rel``, ``type`` and ``hreflang`` from
    entry links (it reads them back from the element it has just made), so
    they are put back here.
    """

    def __init__(self) -> None:
        self.url: str | None = None
        self.lang: str | None = None

    def set(self, url: str, lang: str) -> None:
        self.url = url
        self.lang = lang

    def extend_atom(self, entry):
        if self.lang:
            entry.attrib[XML_LANG] = self.lang
        for link in entry.findall("link"):
            if link.get("href") == self.url and link.get("rel") is None:
                link.attrib["rel"] = "alternate"
                link.attrib["type"] = "text/html"
                if self.lang:
                    link.attrib["hreflang"] = self.lang
        return entry
