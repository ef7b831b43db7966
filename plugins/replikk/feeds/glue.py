"""Pelican glue for the feeds: settings, feed addresses for templates, writing.

Once every article is read and linked into debates (``all_generators_finalized``)
this part decides which feeds exist, hangs their addresses on the objects
templates see (``category.feed_url``, ``debate.feed_url`` …, and the context
variable ``FEEDS``), and :class:`FeedsGenerator` writes them with the model in
:mod:`.model`. Pelican's own feeds stay off (``FEED_*_ATOM`` = None).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from itertools import chain
from pathlib import Path

from pelican.generators import ArticlesGenerator, Generator
from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import truncate_html_words

from ..debate.targets import TargetSyntaxError, normalise_doi
from ..i18n import strings_of
from ..owners import claim
from ..problems import problems_of
from . import model
from .model import Feed, Item, Person
from .threading import InReplyTo, Replies

KINDS = ("archive", "lang", "category", "tag", "author", "debate")
FORMATS = {"atom": "atom.xml", "rss": "rss.xml"}

DEFAULTS: dict[str, object] = {
    # Where each kind of feed is written; {ext} is atom.xml or rss.xml.
    # A kind set to None (or left out) is not written.
    "FEED_PATHS": {
        "archive": "feeds/all.{ext}",
        "lang": "feeds/{lang}.{ext}",
        "category": "seksjon/{slug}/feed.{ext}",
        "tag": "emne/{slug}/feed.{ext}",
        "author": "forfatter/{slug}/feed.{ext}",
        "debate": "debatt/{slug}/feed.{ext}",
    },
    # Which formats each kind of feed is written in. The many small feeds are
    # Atom only (one file each, not two: cheaper builds); a kind left out keeps
    # its default, an empty list writes none. A list applies to every kind.
    "FEED_FORMATS": {
        "archive": ["atom", "rss"],
        "lang": ["atom", "rss"],
        "category": ["atom", "rss"],
        "tag": ["atom"],
        "author": ["atom"],
        "debate": ["atom"],
    },
    # Kinds whose entries carry the whole article; the others carry summaries.
    "FEED_FULL_CONTENT": ["archive", "lang", "debate"],
    "FEED_MAX_ITEMS": 50,  # per feed; a debate feed always holds the whole debate
    "FEED_ID_DOMAIN": None,  # required: the tagging authority of every tag: id
    "FEED_ID_SINCE": "2024-01-01",  # a date FEED_ID_DOMAIN was already held
    # Absolute URLs in a local build, where SITEURL and FEED_DOMAIN are empty.
    "FEED_LOCAL_SITEURL": "http://127.0.0.1:8000",
    # The XSLT stylesheet a browser shows a feed with (site-relative; the
    # theme's static folder is filled in); "" writes no stylesheet instruction.
    "FEED_STYLESHEET": "{THEME_STATIC_DIR}/feed.xsl",
}

CONTEXT = "FEEDS"  # the Plan: templates use FEEDS.archive and FEEDS.lang
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def setting(settings: dict, name: str):
    value = settings.get(name)
    return DEFAULTS[name] if value is None else value


def check_settings(settings: dict) -> None:
    """Bad FEED_* settings fail the build with the setting and its value."""
    model.check_domain(setting(settings, "FEED_ID_DOMAIN"))
    paths = setting(settings, "FEED_PATHS")
    if not isinstance(paths, dict) or not set(paths) <= set(KINDS):
        raise ValueError(
            f"FEED_PATHS must map some of {', '.join(KINDS)} to paths, not {paths!r}"
        )
    for kind, path in paths.items():
        needs = {"lang": "{lang}", "archive": None}.get(kind, "{slug}")
        if path is None:
            continue
        if not isinstance(path, str) or "{ext}" not in path:
            raise ValueError(f"FEED_PATHS[{kind!r}] must contain '{{ext}}': {path!r}")
        if needs and needs not in path:
            raise ValueError(f"FEED_PATHS[{kind!r}] must contain {needs!r}: {path!r}")
    formats = settings.get("FEED_FORMATS")
    if isinstance(formats, dict):
        if not set(formats) <= set(KINDS):
            raise ValueError(
                f"FEED_FORMATS must map some of {', '.join(KINDS)} to lists of"
                f" formats, not {formats!r}"
            )
        for kind, value in formats.items():
            if not _is_formats(value):
                raise ValueError(
                    f"FEED_FORMATS[{kind!r}] must be a list of 'atom', 'rss': {value!r}"
                )
    elif formats is not None and not _is_formats(formats):
        raise ValueError(
            "FEED_FORMATS must be a list of 'atom', 'rss', or map kinds of feed"
            f" to such lists: {formats!r}"
        )
    _check_stylesheet(setting(settings, "FEED_STYLESHEET"))
    items = setting(settings, "FEED_MAX_ITEMS")
    if not isinstance(items, int) or isinstance(items, bool) or items < 1:
        raise ValueError(f"FEED_MAX_ITEMS must be a whole number above 0: {items!r}")
    try:
        date.fromisoformat(str(setting(settings, "FEED_ID_SINCE")))
    except ValueError:
        raise ValueError(
            "FEED_ID_SINCE must be a date YYYY-MM-DD, not"
            f" {setting(settings, 'FEED_ID_SINCE')!r}"
        ) from None


def _check_stylesheet(sheet: object) -> None:
    # Relative to the site: a browser applies only a stylesheet from the
    # feed's own origin.
    if not isinstance(sheet, str) or sheet.startswith("/") or "://" in sheet:
        raise ValueError(
            "FEED_STYLESHEET must be a path inside the site such as"
            f" 'theme/feed.xsl', or '' for none: {sheet!r}"
        )


def _is_formats(value: object) -> bool:
    return isinstance(value, list | tuple) and all(
        isinstance(name, str) and name in FORMATS for name in value
    )


def formats_of(settings: dict, kind: str) -> list[str]:
    """The formats ``kind`` of feed is written in (``FEED_FORMATS``)."""
    given = settings.get("FEED_FORMATS")
    if given is not None and not isinstance(given, dict):
        return list(given)  # one list for every kind
    found = {**DEFAULTS["FEED_FORMATS"], **(given or {})}
    return list(found[kind])


def stylesheet_of(settings: dict) -> str:
    """The feed stylesheet's path in the output folder, or "" for none."""
    sheet = setting(settings, "FEED_STYLESHEET")
    theme = settings.get("THEME_STATIC_DIR") or "theme"
    return sheet.replace("{THEME_STATIC_DIR}", theme).strip("/")


def stylesheet_href(sheet: str, feed_path: str) -> str:
    """The stylesheet's address from the feed's own folder.

    Relative, so the browser fetches it from wherever it fetched the feed: a
    browser applies a stylesheet from the feed's own origin only, and this
    holds for a preview on 127.0.0.1, a site under a path, and the published
    site alike (and the feed's bytes do not depend on SITEURL).
    """
    return posixpath.relpath(sheet, posixpath.dirname(feed_path) or ".")


def site_base(settings: dict) -> str:
    """Where absolute URLs start: FEED_DOMAIN, SITEURL, else the local server."""
    base = (
        settings.get("FEED_DOMAIN")
        or settings.get("SITEURL")
        or setting(settings, "FEED_LOCAL_SITEURL")
    )
    return str(base).rstrip("/")


@dataclass(slots=True)
class Links:
    """A feed's site-relative addresses, as templates link them."""

    atom: str | None = None
    rss: str | None = None

    def __bool__(self) -> bool:
        return bool(self.atom or self.rss)


@dataclass(slots=True)
class Planned:
    """One feed to write: its kind, key (slug or language), addresses, articles."""

    kind: str
    key: str
    name: str  # shown in the title
    lang: str
    page_url: str  # site-relative
    links: Links
    articles: list
    feed_id: str = ""


@dataclass(slots=True)
class Plan:
    """Every feed of this build, decided once the articles are linked."""

    archive: Links = field(default_factory=Links)
    lang: dict[str, Links] = field(default_factory=dict)
    feeds: list[Planned] = field(default_factory=list)
    debate_links: dict[str, Links] = field(default_factory=dict)
    translations: set[int] = field(default_factory=set)  # id() of translations
    ids: dict[int, str] = field(default_factory=dict)  # id() -> entry id


def _links(settings: dict, kind: str, **fields: str) -> Links:
    path = setting(settings, "FEED_PATHS").get(kind)
    if not path:
        return Links()
    formats = formats_of(settings, kind)
    found = {
        name: path.format(ext=ext, **fields)
        for name, ext in FORMATS.items()
        if name in formats
    }
    return Links(found.get("atom"), found.get("rss"))


def _newest_first(articles) -> list:
    return sorted(articles, key=lambda a: (a.date, a.slug), reverse=True)


def shown(planned: Planned, settings: dict) -> list:
    """The articles a feed holds, newest first: ``FEED_MAX_ITEMS`` of them,
    or the whole debate."""
    articles = _newest_first(planned.articles)
    if planned.kind != "debate":
        articles = articles[: setting(settings, "FEED_MAX_ITEMS")]
    return articles


def plan(generators) -> None:
    """Decide the feeds, and give templates their addresses."""
    articles_generator = next(
        (g for g in generators if isinstance(g, ArticlesGenerator)), None
    )
    if articles_generator is None:
        return
    gen = articles_generator
    settings = gen.settings
    check_settings(settings)
    domain = setting(settings, "FEED_ID_DOMAIN")
    since = date.fromisoformat(str(setting(settings, "FEED_ID_SINCE")))
    default_lang = settings["DEFAULT_LANG"]
    result = Plan()

    def add(feed: Planned) -> None:
        if feed.links:
            specific = "/".join(p for p in ("feed", feed.kind, feed.key) if p)
            feed.feed_id = model.tag_uri(domain, since, specific)
            result.feeds.append(feed)

    published = list(gen.articles)
    result.translations = {id(a) for a in gen.translations}
    result.ids = _entry_ids(gen, domain, result.translations, gen.context)
    result.archive = _links(settings, "archive")
    add(Planned("archive", "", "", default_lang, "", result.archive, published))

    by_lang: dict[str, list] = {}
    for article in chain(gen.articles, gen.translations):
        by_lang.setdefault(article.lang, []).append(article)
    for lang, articles in sorted(by_lang.items()):
        links = result.lang[lang] = _links(settings, "lang", lang=lang)
        add(Planned("lang", lang, lang, lang, "", links, articles))

    wrappers = {"category": {}, "tag": {}, "author": {}}
    for category, articles in gen.categories:
        wrappers["category"].setdefault(category.slug, (category, articles))
    for tag, articles in gen.tags.items():
        wrappers["tag"].setdefault(tag.slug, (tag, articles))
    for author, articles in gen.authors:
        wrappers["author"].setdefault(author.slug, (author, articles))
    for kind, found in wrappers.items():
        for slug, (wrapper, articles) in sorted(found.items()):
            links = _links(settings, kind, slug=slug)
            name = str(wrapper.name)
            add(Planned(kind, slug, name, default_lang, wrapper.url, links, articles))

    _hang_addresses(gen, settings)

    for debate in gen.context.get("debates", []):
        links = _links(settings, "debate", slug=debate.slug)
        debate.feed_url = links.atom or ""
        debate.feed_rss_url = links.rss or ""
        result.debate_links[debate.slug] = links
        # A debate that began outside the archive speaks its first article's
        # language.
        first = debate.root if not debate.root.external else debate.articles[0]
        lang = first.article.lang
        articles = [node.article for node in debate.articles]
        title = plain(debate.title)
        add(Planned("debate", debate.slug, title, lang, debate.url, links, articles))

    gen.context[CONTEXT] = result


def _hang_addresses(gen: ArticlesGenerator, settings: dict) -> None:
    """``feed_url`` and ``feed_rss_url`` on every category, tag and author.

    Every instance templates may see gets them: an article's category is not
    always the very object its category page is written with.
    """
    kinds = ((Category, "category"), (Tag, "tag"), (Author, "author"))
    instances = chain(
        (c for c, _ in gen.categories),
        gen.tags,
        (a for a, _ in gen.authors),
        (a.category for a in _all_articles(gen)),
        (t for a in _all_articles(gen) for t in getattr(a, "tags", ())),
        (w for a in _all_articles(gen) for w in getattr(a, "authors", ())),
    )
    for wrapper in instances:
        kind = next((k for cls, k in kinds if isinstance(wrapper, cls)), None)
        if kind is None:
            continue
        links = _links(settings, kind, slug=wrapper.slug)
        wrapper.feed_url = links.atom or ""
        wrapper.feed_rss_url = links.rss or ""


def entry_id(article, domain: str, translation: bool) -> str:
    """An article's permanent id: Feed_id if given, else its DOI, else a tag."""
    pinned = article.metadata.get("feed_id")
    if pinned:
        return str(pinned).strip()
    doi = None
    raw = article.metadata.get("doi")
    if raw and not translation:
        try:
            doi = normalise_doi(str(raw))
        except TargetSyntaxError:
            doi = None  # already reported by the debate part
    return model.entry_id(
        domain,
        article.date.date(),  # the date as written, where it was published
        article.slug,
        doi,
        lang=article.lang if translation else None,
    )


def _entry_ids(gen, domain: str, translations: set[int], context: dict) -> dict:
    """Every published article's id; a malformed or shared id is an error."""
    problems = problems_of(context)
    ids: dict[int, str] = {}
    owner: dict[str, object] = {}
    for article in _all_articles(gen):
        ident = entry_id(article, domain, id(article) in translations)
        pinned = "feed_id" in article.metadata
        fieldname = "Feed_id" if pinned else "Slug"
        if pinned and not _IRI.match(ident):
            problems.error(
                article.source_path,
                f"{ident!r} is not an IRI; a feed id looks like"
                " 'tag:journal.example.org,2024-02-06:slug' or 'https://…'",
                field=fieldname,
                value=ident,
            )
        other = owner.setdefault(ident, article)
        shared_doi = not pinned and ident.startswith("https://doi.org/")
        if other is not article and not shared_doi:
            # (Two articles with one DOI are already the debate graph's error.)
            problems.error(
                article.source_path,
                f"its feed id {ident!r} is already the id of"
                f" {other.source_path}; feed readers would show only one of them",
                field=fieldname,
                value=ident,
                hint="give one of them a Feed_id of its own",
            )
        ids[id(article)] = ident
    return ids


def plain(text: str) -> str:
    return model.plain_title(str(text))


def _plain_date(when: datetime) -> datetime:
    """Pelican's SafeDatetime as a plain datetime: the same instant and text.

    feedgen writes RSS dates with strftime, which SafeDatetime does one
    directive at a time (and so several times slower).
    """
    return datetime.combine(when.date(), when.timetz())


def _all_articles(gen: ArticlesGenerator):
    return chain(gen.articles, gen.translations)


class _Items:
    """Each article's entry, built once and shared by every feed it is in."""

    def __init__(self, settings: dict, plan: Plan) -> None:
        self.settings = settings
        self.base = site_base(settings)
        self.plan = plan
        self.cache: dict[int, Item] = {}
        self.people: dict[tuple[str, str], Person] = {}  # authors of many articles

    def url(self, relative: str) -> str:
        return f"{self.base}/{relative}"

    def is_translation(self, article) -> bool:
        return id(article) in self.plan.translations

    def id_of(self, article) -> str:
        return self.plan.ids[id(article)]

    def item(self, article) -> Item:
        key = id(article)
        if key not in self.cache:
            self.cache[key] = self._build(article)
        return self.cache[key]

    def forget(self, article) -> None:
        """The article is in no feed still to be written."""
        del self.cache[id(article)]

    def _build(self, article) -> Item:
        url = self.url(article.url)
        modified = getattr(article, "modified", None)
        updated = max(article.date, modified) if modified else article.date
        node = getattr(article, "debate_node", None)
        in_reply_to: list[InReplyTo] = []
        replies = None
        if node is not None:
            for parent in node.parents:
                in_reply_to.append(self._target(parent))
            if node.children and not self.is_translation(article):
                latest = max(child.date for child in node.children)
                updated = max(updated, latest)
                replies = self._replies(node, latest)
        category = getattr(article, "category", None)
        categories = [str(category)] if category else []
        categories += [str(t) for t in getattr(article, "tags", ())]
        authors = [self._person(a) for a in getattr(article, "authors", ())]
        if "summary" in article.metadata:
            summary = article.get_summary(self.base)
        else:
            # Pelican cuts its own from the content as the page it is writing
            # sees it; ours is cut from the content with the feed's siteurl.
            # Cut, then made absolute: the cut falls in text, never in a tag,
            # so it is the same summary as one cut from absolute content.
            summary = truncate_html_words(
                article.get_content(self.base),
                self.settings.get("SUMMARY_MAX_LENGTH") or 50,
                self.settings.get("SUMMARY_END_SUFFIX", "…"),
            )
        return Item(
            id=self.id_of(article),
            title=plain(article.title),
            url=url,
            published=_plain_date(article.date),
            updated=_plain_date(updated),
            lang=article.lang,
            authors=authors,
            categories=categories,
            summary=model.absolute_html(summary, url),
            in_reply_to=in_reply_to,
            replies=replies,
            # Only the few feeds that carry whole articles need the text: an
            # entry waits for the last feed that holds it, and the texts of a
            # large archive held that long were most of this process's memory.
            content_source=partial(self._content, article, url),
        )

    def _content(self, article, url: str) -> str:
        return model.absolute_html(article.get_content(self.base), url)

    def _person(self, author) -> Person:
        key = (str(author.name), author.url)
        if key not in self.people:
            self.people[key] = Person(plain(author.name), self.url(author.url))
        return self.people[key]

    def _target(self, parent) -> InReplyTo:
        if parent.external:
            ref = model.doi_iri(parent.doi) if parent.doi else parent.href
            # What lies behind a DOI or URL is not ours to type.
            return InReplyTo(ref=ref, href=parent.href, type=None)
        answered = parent.article
        return InReplyTo(ref=self.id_of(answered), href=self.url(answered.url))

    def _replies(self, node, latest: datetime) -> Replies:
        # Only a feed that is written is linked: its Atom, else its RSS.
        links = self.plan.debate_links.get(node.debate.slug) if node.debate else None
        count = len(node.children)
        if links and links.atom:
            return Replies(self.url(links.atom), count, latest)
        if links and links.rss:
            return Replies(self.url(links.rss), count, latest, "application/rss+xml")
        # No debate feed written: point at the debate's page instead.
        return Replies(self.url(node.debate.url), count, latest, "text/html")


class FeedsGenerator(Generator):
    """Writes every planned feed, in its kind's formats, into the output folder."""

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer) -> None:
        result: Plan | None = self.context.get(CONTEXT)
        if result is None:
            return
        settings = self.settings
        items = _Items(settings, result)
        strings = strings_of(settings)
        full = set(setting(settings, "FEED_FULL_CONTENT"))
        since = datetime.fromisoformat(str(setting(settings, "FEED_ID_SINCE")))
        since = since.replace(tzinfo=UTC)
        author = settings.get("JOURNAL_TITLE") or settings["SITENAME"]
        feeds = model.Writer()
        sheet = stylesheet_of(settings)
        folders: set[Path] = set()
        jobs = [(planned, shown(planned, settings)) for planned in result.feeds]
        # Each article's entry is made once and dropped after the last feed
        # that holds it: the entries of a large archive never all live at once.
        uses = Counter(id(a) for _, articles in jobs for a in articles)
        for planned, articles in jobs:
            table = strings.get(planned.lang) or strings[settings["DEFAULT_LANG"]]
            title, subtitle = _titles(planned, table, settings)
            feed = Feed(
                id=planned.feed_id,
                title=title,
                subtitle=subtitle,
                lang=planned.lang,
                page_url=items.url(planned.page_url),
                atom_url=items.url(planned.links.atom) if planned.links.atom else "",
                rss_url=items.url(planned.links.rss) if planned.links.rss else None,
                items=[items.item(a) for a in articles],
                author=author,
                full_content=planned.kind in full,
                since=since,
            )
            documents = feeds.documents(feed)
            for kind in ("atom", "rss"):
                relative = getattr(planned.links, kind)
                if relative:
                    owner = f"the {kind} feed «{title}»"
                    path = claim(settings, relative, owner)
                    document = documents[kind]
                    if sheet:
                        href = stylesheet_href(sheet, relative)
                        document = model.with_stylesheet(document, href)
                    _write(path, document, folders)
            for article, item in zip(articles, feed.items, strict=True):
                uses[id(article)] -= 1
                if not uses[id(article)]:
                    feeds.forget(item)
                    items.forget(article)


def _write(path: Path, data: bytes, folders: set[Path]) -> None:
    if path.parent not in folders:  # a feed's formats share a folder
        path.parent.mkdir(parents=True, exist_ok=True)
        folders.add(path.parent)
    path.write_bytes(data)


def _titles(planned: Planned, table: dict, settings: dict) -> tuple[str, str]:
    """The feed's title and subtitle, in the feed's language."""
    kind = planned.kind
    name = planned.name
    if kind == "lang":
        name = table.get(f"lang_name_{planned.key}", planned.key)
    key = "feed_section" if kind == "category" else f"feed_{kind}"
    title = f"{settings['SITENAME']} – {table.get(key, '{name}').format(name=name)}"
    subtitle = table.get(f"feed_{kind}_subtitle") or settings.get("SITESUBTITLE")
    return title, subtitle or title
