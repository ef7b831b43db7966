"""Pelican glue for citations: articles in, links, metadata and files out.

Once per build, after every generator has read its content and the debates are
linked (``all_generators_finalized``) and before any template renders:

- each article's reference list is anchored and linked, and its citations are
  linked to it: as its file is read (:func:`link_on_reading`, in the reading
  worker processes too, kept by the reading cache), with marks where what only
  the whole archive knows goes; here the marks are filled in (the links to the
  archive's own pages, the page's address), once per article;
- each article gets what its templates show: ``article.references``,
  ``article.cited_in_archive``, ``article.citation`` (:class:`Citation`);
- :class:`CitationsGenerator` writes ``cite.ris`` and ``cite.bib`` beside
  each article, ``sitemap.xml`` and ``robots.txt``.

The Crossref relations deposit is not part of the site: ``invoke crossref``
writes it (:mod:`.deposit`), from :func:`lastmod` and the same debate links.
"""

from __future__ import annotations

import html as htmllib
import posixpath
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cached_property
from itertools import chain
from urllib.parse import urlsplit

from markupsafe import Markup, escape
from pelican import signals
from pelican.contents import Article
from pelican.generators import ArticlesGenerator, Generator

from ..debate.targets import strip_doi_prefix
from ..i18n import strings_of
from ..owners import claim
from ..problems import counted, line_of, problems_of
from . import cite, jsonld, sitemap
from .references import (
    ARCHIVE_MARK,
    IDENTIFIER_CLASS,
    PAGE_MARK,
    Labels,
    Reference,
    archive_mark,
    doi_url,
    fill_marks,
    link_references,
    url_key,
)
from .settings import absolute_siteurl, check, resolve

_TAG = re.compile(r"<[^>]*>")
_OG_LOCALES = {"nb": "nb_NO", "nn": "nn_NO", "en": "en_GB"}


def plain(html: str | None) -> str:
    """Text of an HTML fragment (a title, a summary), whitespace collapsed.

    Metadata reaches us as HTML (the reader escapes ``<`` and ``&`` in text
    fields; Summary is rendered Markdown); citations and machine-readable
    metadata need the text, which their writers escape for their own format.
    """
    if not html:
        return ""
    return " ".join(htmllib.unescape(_TAG.sub(" ", str(html))).split())


@dataclass(frozen=True)
class _Site:
    """What every article's citation texts need from the settings."""

    url: str | None  # absolute, or None in a preview build
    name: str
    debate_url: str
    values: dict  # the resolved CITATION_* and JOURNAL_* settings


@dataclass(eq=False)
class Citation:
    """What an article page shows and embeds to be cited and indexed.

    The work is made when a template or writer first asks for it. The texts
    are made each time they are asked for (once, by the article's page or
    file) and not kept: kept, the JSON-LD alone held 28 MB at 5,000 articles
    to the end of the build.
    """

    canonical: str | None  # absolute, or None in a preview build
    files: dict[str, str] = field(default_factory=dict)  # "ris" -> url
    save_as: dict[str, str] = field(default_factory=dict)  # "ris" -> path
    # What the texts are made from.
    article: object = field(default=None, repr=False)
    site: _Site | None = field(default=None, repr=False)

    @cached_property
    def work(self) -> cite.Work:
        return _work(self.article, self.site.values, self.site.url)

    @property
    def vancouver(self) -> str:
        return cite.vancouver(self.work)

    @property
    def vancouver_html(self) -> Markup:
        """:attr:`vancouver` as HTML: the text escaped, the DOI (or, with
        none, the address) a link."""
        work = self.work
        head = cite.vancouver_head(work)
        if work.doi:
            return Markup('{} doi: <a class="{}" href="{}">{}</a>').format(
                head, IDENTIFIER_CLASS, doi_url(work.doi), work.doi
            )
        if work.url:
            return Markup('{} <a class="{}" href="{}">{}</a>').format(
                head, IDENTIFIER_CLASS, work.url, work.url
            )
        return escape(head)

    @property
    def meta(self) -> list[tuple[str, str]]:  # Highwire Press <meta name content>
        return _highwire(self.work, getattr(self.article, "references", []))

    @property
    def opengraph(self) -> list[tuple[str, str]]:  # <meta property content>
        return _opengraph(self.work, self.site.name)

    @property
    def jsonld(self) -> str:  # safe inside <script>
        article, siteurl = self.article, self.site.url
        debate = getattr(article, "debate", None)
        debate_link = None
        if debate is not None:
            url = debate.url or self.site.debate_url.format(slug=debate.slug)
            debate_link = jsonld.Link(
                name=plain(debate.title), url=_absolute(siteurl, url)
            )
        data = jsonld.scholarly_article(
            self.work,
            answers=_answers(article, siteurl),
            replies=[_link(r, siteurl) for r in getattr(article, "replies", [])],
            debate=debate_link,
            references=[r.text for r in getattr(article, "references", [])],
        )
        return jsonld.dumps_for_script(data)


def doi_of(article) -> str | None:
    """An article's own DOI (``DOI`` metadata), without a prefix, or None."""
    raw = article.metadata.get("doi")
    return strip_doi_prefix(htmllib.unescape(str(raw))) if raw else None


def _absolute(siteurl: str | None, url: str) -> str | None:
    return f"{siteurl}/{url}" if siteurl else None


def _folder(article) -> tuple[str, str]:
    """URL and output path of the folder of an article's page, for the files
    beside it (Pelican works out ``save_as`` anew on every access: ask once)."""
    save_as = article.save_as
    url = article.url
    if posixpath.basename(save_as) == "index.html":
        folder = posixpath.dirname(save_as)
    else:
        folder = posixpath.splitext(save_as)[0]
    if url.endswith("/") or not url:
        url_folder = url.rstrip("/")
    else:
        url_folder = posixpath.splitext(url)[0]
    return url_folder, folder


def _beside(folder: tuple[str, str], name: str) -> tuple[str, str]:
    """URL and output path of a file in an article's :func:`_folder`."""
    url_folder, path_folder = folder
    path = posixpath.join(path_folder, name)
    link = f"{url_folder}/{name}" if url_folder else name
    return link, path


def _labels(strings: dict, lang: str, default: str) -> Labels:
    table = strings.get(lang) or strings.get(default) or {}
    return Labels(
        back=table.get("ref_back", Labels.back),
        archive=table.get("ref_in_archive", Labels.archive),
        crossref=table.get("ref_crossref_search", Labels.crossref),
    )


class _Archive:
    """The archive's articles by DOI and by URL, to match references against."""

    def __init__(self, articles, siteurl: str | None) -> None:
        self.by_key: dict[str, object] = {}
        # Each reference is looked up twice: to link it, and to note who
        # cites whom. By identity, with the reference kept so the id stays its.
        self.found: dict[int, tuple[Reference, object]] = {}
        for article in articles:
            doi = doi_of(article)
            if doi:
                self.by_key.setdefault(doi.lower(), article)
            self.by_key.setdefault(url_key(article.url), article)
            if siteurl:
                self.by_key.setdefault(url_key(f"{siteurl}/{article.url}"), article)

    def find(self, ref: Reference):
        known = self.found.get(id(ref))
        if known is not None and known[0] is ref:
            return known[1]
        found = None
        for key in ref.keys:
            found = self.by_key.get(key.lower()) or self.by_key.get(url_key(key))
            if found is not None:
                break
        self.found[id(ref)] = (ref, found)
        return found


def _forget_rendered(articles: list) -> None:
    """Drop Pelican's memoized content of rewritten articles, if any was made."""
    ids = {id(a) for a in articles}
    for method in (Article.get_content, Article.get_summary):
        cache = getattr(method, "cache", None)
        if not cache:
            continue
        for key in [k for k in cache if k and id(k[0]) in ids]:
            del cache[key]


def link_all_references(generator: ArticlesGenerator) -> None:
    """Anchor and link every article's references; note who cites whom."""
    settings = generator.settings
    siteurl = absolute_siteurl(settings)
    headings = headings_of(settings)
    strings = strings_of(settings)
    default_lang = settings.get("DEFAULT_LANG", "nb")
    published = list(chain(generator.articles, generator.translations))
    archive = _Archive(published, siteurl)
    originals = {a.slug: a for a in generator.articles}
    everything = list(
        chain(
            published,
            generator.drafts,
            generator.drafts_translations,
            generator.hidden_articles,
            generator.hidden_translations,
        )
    )
    cited_by: dict[str, dict[str, object]] = {}
    problems = problems_of(generator.context)
    for article in everything:
        labels = _labels(strings, article.lang, default_lang)
        if not getattr(article, "_replikk_references_linked", False):
            _link_one(article, archive, headings, labels)
        _report_missing(article, problems)
        article._replikk_cites = _cites(article, archive)
        if article.status != "published":
            continue
        citing = originals.get(article.slug, article)
        for slug in article._replikk_cites:
            cited_by.setdefault(slug, {})[citing.slug] = citing
    _forget_rendered(everything)
    for article in everything:
        # A reply is listed with the article's debate: not here again.
        citing = [
            c
            for c in cited_by.get(article.slug, {}).values()
            if not answers(c, article.slug)
        ]
        article.cited_in_archive = sorted(citing, key=lambda a: (a.date, a.slug))


def answers(article, slug: str) -> bool:
    """Whether an article replies to the archive's article ``slug`` (its
    ``Reply_to`` names it: the debate part's ``in_reply_to``)."""
    return any(
        getattr(node.article, "slug", None) == slug
        for node in getattr(article, "in_reply_to", ())
    )


def _cites(article, archive: _Archive) -> list[str]:
    """The slugs of the archive's articles that an article's references cite."""
    slugs = []
    for ref in article.references:
        found = archive.find(ref)
        if found is not None and found.slug != article.slug:
            slugs.append(found.slug)
    return slugs


def _report_missing(article, problems) -> None:
    for citation in article.references_missing:
        problems.error(
            article.source_path,
            f"the text cites {citation} but the reference list has"
            f" {counted(len(article.references), 'entry', 'entries')}",
            field="References",
            value=citation,
            line=line_of(article.source_path, citation),
            hint="add the reference, or correct the number",
        )


# The metadata an article's reader puts its references in when it linked
# them as it read the file (:func:`link_on_reading`): (references, citations
# the list lacks). Pelican makes it an attribute of the article.
LINKED = "_replikk_linked"


def linked_to_plain(linked: tuple[list[Reference], list[str]]) -> dict:
    """What :data:`LINKED` holds, as plain data for the reading cache."""
    references, missing = linked
    return {"references": [asdict(ref) for ref in references], "missing": missing}


def linked_from_plain(plain: dict) -> tuple[list[Reference], list[str]]:
    """:func:`linked_to_plain` undone."""
    references = [Reference(**ref) for ref in plain["references"]]
    return references, list(plain["missing"])


def headings_of(settings: dict) -> list[str]:
    return settings.get("DEBATE_REFERENCE_HEADINGS", ["Referanser", "References"])


def link_on_reading(html: str, metadata: dict, settings: dict) -> str:
    """What the reader can do of :func:`_link_one` with one file: link the
    references and citations of an article as it is read (in the reading
    worker processes too, and once per file with the reading cache on),
    leaving marks where the archive's links and the page's address go; adds
    :data:`LINKED` to ``metadata``. The HTML, linked."""
    if ARCHIVE_MARK in html or PAGE_MARK in html:
        return html  # linked at the end, the slow way
    default = settings.get("DEFAULT_LANG", "nb")
    labels = _labels(strings_of(settings), metadata.get("lang") or default, default)
    linked = link_references(
        html, headings_of(settings), labels, archive_mark, PAGE_MARK
    )
    metadata[LINKED] = (linked.references, linked.missing)
    return linked.html


def _link_one(article, archive: _Archive, headings: list[str], labels: Labels) -> None:
    """Rewrite one article's HTML, once: the marker guards against a second
    pass over an object that somehow outlived its build. If the reader linked
    it (:data:`LINKED`), only the archive's links and the page are filled in."""

    def own_page(ref: Reference) -> str | None:
        found = archive.find(ref)
        if found is None or found.slug == article.slug:
            return None
        return "{filename}/" + found.relative_source_path

    # Pelican turns {filename} into the article's own URL, relative or
    # absolute as the page needs; a draft has no URL others may link to.
    page = (
        "{filename}/" + article.relative_source_path
        if article.status == "published"
        else ""
    )
    early = getattr(article, LINKED, None)
    if early is not None:
        references, missing = early
        archived = {ref.number: own for ref in references if (own := own_page(ref))}
        article._content = fill_marks(article._content, archived, page)
    else:
        linked = link_references(article._content, headings, labels, own_page, page)
        article._content = linked.html
        references, missing = linked.references, linked.missing
    article._replikk_references_linked = True
    article.references = references
    article.references_missing = missing


def _work(article, values: dict, siteurl: str | None) -> cite.Work:
    people = []
    for author in getattr(article, "authors", ()):
        profile = getattr(author, "profile", None)
        people.append(
            cite.Person(
                name=plain(author.name),
                affiliations=[plain(a) for a in profile.affiliations]
                if profile
                else [],
                orcid_url=profile.orcid_url if profile else None,
            )
        )
    summary = article.metadata.get("summary")
    return cite.Work(
        title=plain(article.title),
        authors=people,
        published=article.date,
        journal_title=values["JOURNAL_TITLE"],
        journal_abbreviation=values["JOURNAL_ABBREVIATION"],
        lang=article.lang,
        volume=cite.volume_for(article.date.year, values["JOURNAL_FIRST_YEAR"]),
        issn=values["JOURNAL_ISSN"],
        publisher=values["JOURNAL_PUBLISHER"],
        doi=doi_of(article),
        url=_absolute(siteurl, article.url),
        abstract=plain(summary) or None,
        keywords=[plain(str(t)) for t in getattr(article, "tags", ())],
        modified=getattr(article, "modified", None),
    )


def _highwire(work: cite.Work, references: list[Reference]) -> list[tuple[str, str]]:
    """Google Scholar's tags (Highwire Press), in the order it documents."""
    meta = [("citation_title", work.title)]
    for person in work.authors:
        meta.append(("citation_author", f"{person.family}, {person.given}"))
        meta += [("citation_author_institution", a) for a in person.affiliations]
        if person.orcid_url:
            meta.append(("citation_author_orcid", person.orcid_url))
    meta += [
        ("citation_publication_date", cite.formatted(work.published, "%Y/%m/%d")),
        ("citation_journal_title", work.journal_title),
        ("citation_journal_abbrev", work.journal_abbreviation),
    ]
    if work.issn:
        meta.append(("citation_issn", work.issn))
    if work.volume is not None:
        meta.append(("citation_volume", str(work.volume)))
    if work.publisher:
        meta.append(("citation_publisher", work.publisher))
    if work.doi:
        meta.append(("citation_doi", work.doi))
    meta.append(("citation_language", work.lang))
    if work.keywords:
        meta.append(("citation_keywords", "; ".join(work.keywords)))
    if work.url:
        meta.append(("citation_abstract_html_url", work.url))
        meta.append(("citation_fulltext_html_url", work.url))
    meta += [("citation_reference", _scholar_reference(r)) for r in references]
    return meta


def _scholar_reference(ref: Reference) -> str:
    parts = [f"citation_title={ref.title}"]
    if ref.doi:
        parts.append(f"citation_doi={ref.doi}")
    if ref.pmid:
        parts.append(f"citation_pmid={ref.pmid}")
    return "; ".join(parts)


def _opengraph(work: cite.Work, sitename: str) -> list[tuple[str, str]]:
    og = [
        ("og:type", "article"),
        ("og:title", work.title),
        ("og:site_name", sitename),
        ("og:locale", _OG_LOCALES.get(work.lang, work.lang)),
    ]
    if work.url:
        og.append(("og:url", work.url))
    if work.abstract:
        og.append(("og:description", work.abstract))
    og.append(("article:published_time", work.published.isoformat()))
    if work.modified:
        og.append(("article:modified_time", work.modified.isoformat()))
    og += [("article:author", p.name) for p in work.authors]
    og += [("article:tag", k) for k in work.keywords]
    return og


def _link(article, siteurl: str | None) -> jsonld.Link:
    return jsonld.Link(
        name=plain(article.title),
        url=_absolute(siteurl, article.url),
        doi=doi_of(article),
        date=article.date,
        authors=tuple(plain(a.name) for a in getattr(article, "authors", ())),
    )


def _answers(article, siteurl: str | None) -> list[jsonld.Link]:
    links = []
    for node in getattr(article, "in_reply_to", []):
        if node.external:
            links.append(
                jsonld.Link(name=plain(node.label), url=node.href, doi=node.doi)
            )
        else:
            links.append(_link(node.article, siteurl))
    return links


def describe(generator: ArticlesGenerator, values: dict) -> None:
    """Give every published article (and translation) its :class:`Citation`."""
    settings = generator.settings
    site = _Site(
        url=absolute_siteurl(settings),
        name=settings.get("SITENAME", ""),
        debate_url=settings.get("DEBATE_URL", "debatt/{slug}/"),
        values=values,
    )
    for article in chain(generator.articles, generator.translations):
        url = _absolute(site.url, article.url)
        citation = Citation(url, article=article, site=site)
        folder = _folder(article)
        for kind, setting in (
            ("ris", "CITATION_RIS_NAME"),
            ("bib", "CITATION_BIBTEX_NAME"),
        ):
            name = values[setting]
            if name:
                citation.files[kind], citation.save_as[kind] = _beside(folder, name)
        article.citation = citation
    for article in chain(
        generator.drafts,
        generator.drafts_translations,
        generator.hidden_articles,
        generator.hidden_translations,
    ):
        article.citation = None  # not published: nothing to cite or index


def lastmod(article) -> datetime:
    """When an article's page last changed: its own dates, its debate's newest
    contribution (the debate box lists them all) and its newest citer."""
    dates = [article.date]
    if getattr(article, "modified", None):
        dates.append(article.modified)
    debate = getattr(article, "debate", None)
    if debate is not None:
        dates += [n.date for n in debate.articles if n.date]
    dates += [a.date for a in getattr(article, "cited_in_archive", [])]
    return max(dates)


def finalize(generators) -> None:
    """Entry point: runs once per build when every generator has read."""
    articles = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    if articles is None:
        return
    values = resolve(articles.settings)
    errors = check(values)
    if errors:
        # The build's collector (replikk.problems.problems_of): the runner reports
        # these with every other problem and refuses to write the site.
        problems = problems_of(articles.context)
        for error in errors:
            problems.error(
                "(settings)", error.reason, field=error.name, value=repr(error.value)
            )
        return
    link_all_references(articles)
    describe(articles, values)
    articles.context["citation_settings"] = values


class CitationsGenerator(Generator):
    """Writes the RIS and BibTeX files, the sitemap and robots.txt."""

    def generate_context(self) -> None:
        pass

    def _write(self, save_as: str, text: str, owner: str) -> None:
        path = claim(self.settings, save_as, owner)
        path.parent.mkdir(parents=True, exist_ok=True)
        # RIS asks for CRLF line ends: write the text exactly as made.
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)

    def generate_output(self, writer) -> None:
        values = self.context.get("citation_settings")
        if values is None:  # bad settings, already reported
            return
        articles = list(chain(self.context.get("articles", []), self._translations()))
        for article in articles:
            citation = getattr(article, "citation", None)
            if citation is None:
                continue
            for kind, text in (
                ("ris", lambda c: cite.ris(c.work)),
                ("bib", lambda c: cite.bibtex(c.work)),
            ):
                save_as = citation.save_as.get(kind)
                if save_as:
                    owner = f"the {kind} citation file of {article.source_path}"
                    self._write(save_as, text(citation), owner)
        self._write_sitemap(values, articles)

    def _translations(self):
        for article in self.context.get("articles", []):
            yield from getattr(article, "translations", [])

    def _write_sitemap(self, values: dict, articles: list) -> None:
        siteurl = absolute_siteurl(self.settings)
        sitemap_as = values["CITATION_SITEMAP_SAVE_AS"]
        robots_as = values["CITATION_ROBOTS_SAVE_AS"]
        sitemap_url = f"{siteurl}/{sitemap_as}" if siteurl and sitemap_as else None
        if sitemap_url:
            self._write(
                sitemap_as,
                sitemap.sitemap_xml(self._entries(siteurl, articles)),
                "the sitemap",
            )
        if robots_as:
            self._write(
                robots_as,
                sitemap.robots_txt(self._disallow(), sitemap_url),
                "the robots.txt file",
            )

    def _disallow(self) -> list[str]:
        base = urlsplit(absolute_siteurl(self.settings) or "").path.rstrip("/")
        paths = []
        for name in ("DRAFT_URL", "DRAFT_LANG_URL"):
            prefix = str(self.settings.get(name, "")).split("{", 1)[0]
            if prefix and f"{base}/{prefix}" not in paths:
                paths.append(f"{base}/{prefix}")
        return paths

    def _entries(self, siteurl: str, articles: list):
        newest = max((lastmod(a) for a in articles), default=None)
        yield sitemap.Entry(f"{siteurl}/", newest)
        for article in articles:
            yield sitemap.Entry(f"{siteurl}/{article.url}", lastmod(article))
        debates = self.context.get("debates", [])
        debates_url = self.context.get("DEBATES_URL")
        if debates and debates_url:
            latest = max(d.last_date for d in debates)
            yield sitemap.Entry(f"{siteurl}/{debates_url}", latest)
        for debate in debates:
            if debate.url:
                yield sitemap.Entry(f"{siteurl}/{debate.url}", debate.last_date)
        for page in self.context.get("pages", []):
            changed = getattr(page, "modified", None) or getattr(page, "date", None)
            yield sitemap.Entry(f"{siteurl}/{page.url}", changed)
        for author, written in self.context.get("authors", []):
            changed = max((a.date for a in written), default=None)
            yield sitemap.Entry(f"{siteurl}/{author.url}", changed)


def add_generator(pelican):
    return CitationsGenerator


def register() -> None:
    signals.all_generators_finalized.connect(finalize)
    signals.get_generators.connect(add_generator)
