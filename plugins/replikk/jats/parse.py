"""A JATS article, and each of its sub-articles, as the content format's fields.

:func:`parse_file` reads one file (safely: :mod:`.xml`) and returns one
:class:`~.model.Imported` per ``<article>``, ``<sub-article>`` and
``<response>``, in document order, each with the notes of what was mapped
and what was not. Plain functions: no Pelican, nothing written.

==========================================================  =====================
JATS                                                        content format
==========================================================  =====================
``title-group/article-title`` (``: subtitle``)              ``Title``
``pub-date`` (electronic publication first)                 ``Date``
``history/date[@date-type=received|accepted]``              ``Received``/``Accepted``
``article-id[@pub-id-type=doi]``                            ``DOI``
``kwd-group/kwd``                                           ``Tags``
``subj-group/subject``, else ``@article-type``              ``Category`` (setting)
``@xml:lang`` (JATS's default: ``en``)                      ``Lang``
``abstract`` (its only or first paragraph)                  ``Summary``
``fn[@fn-type=conflict|COI-statement]``                     ``Competing_interests``
``contrib[@contrib-type=author]``                           ``Authors``, profiles
``related-article`` (this answers/corrects that)            ``Reply_to``
==========================================================  =====================
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from lxml import etree

from ..debate.targets import TargetSyntaxError, normalise_doi, strip_doi_prefix
from ..metadata import LANGUAGE_ALIASES, LANGUAGES
from . import references as refs
from .authors import contributors
from .markdown import Blocks, Context, Inline, body_words, plain, safe_url
from .model import Imported, Kind, Relation
from .xml import JATS_VERSIONS, XML_LANG, href, local, read

# Section (Category) by subject heading or article-type, lower case. A site
# names its own in the setting JATS_SECTIONS; what neither names goes to
# DEFAULT_CATEGORY, and the report says so.
JATS_SECTIONS: dict[str, str] = {
    "debate": "Debatt",
    "debatt": "Debatt",
    "letter": "Debatt",
    "letters": "Debatt",
    "correspondence": "Debatt",
    "reply": "Debatt",
    "response": "Debatt",
    "author-comment": "Debatt",
    "author-response": "Debatt",
    "commentary": "Kommentar",
    "comment": "Kommentar",
    "kommentar": "Kommentar",
    "article-commentary": "Kommentar",
    "decision-letter": "Kommentar",
    "editor-report": "Kommentar",
    "referee-report": "Kommentar",
    "reviewer-report": "Kommentar",
    "correction": "Kommentar",
    "retraction": "Kommentar",
    "editorial": "Leder",
    "leder": "Leder",
    "essay": "Kronikk",
    "kronikk": "Kronikk",
    "feature": "Kronikk",
    "research-article": "Kronikk",
    "review-article": "Kronikk",
    "discussion": "Kronikk",
}
DEFAULT_CATEGORY = "Debatt"

# related-article-type: this article answers, comments on or corrects that.
ANSWERS = frozenset({"commentary-article", "letter", "reply", "response", "reply-to"})
CORRECTS = frozenset({"corrected-article"})
RETRACTS = frozenset({"retracted-article", "partial-retraction"})
# That article comments on this one; companions go both ways.
CONVERSE = frozenset(
    {"commentary", "companion", "correction-forward", "retraction-forward"}
)

# A sub-article that reviews its parent, and one that answers a review.
REVIEWS = frozenset(
    {
        "decision-letter",
        "editor-report",
        "referee-report",
        "reviewer-report",
        "aggregated-review-documents",
        "evaluation-summary",
    }
)
RESPONSES = frozenset({"reply", "author-comment", "author-response", "response"})
SUB_TITLES = {
    "decision-letter": ("Vedtaksbrev", "Decision letter"),
    "reply": ("Forfatternes svar", "Author response"),
    "author-comment": ("Forfatternes svar", "Author response"),
}
COMPETING = frozenset({"conflict", "coi-statement"})


def parse_file(
    path: Path,
    sections: Mapping[str, str] | None = None,
    default_category: str = DEFAULT_CATEGORY,
) -> list[Imported]:
    """Every article of one JATS file; raises :class:`~.xml.JatsError` if the
    file cannot be read as JATS at all."""
    tree = read(path)
    root = tree.getroot()
    table = {
        k.lower(): v
        for k, v in (JATS_SECTIONS if sections is None else sections).items()
    }
    reader = _Reader(tree, str(path), path.parent, table, default_category)
    version = root.get("dtd-version")
    first = reader.article(root, root.find("front/article-meta"), None, [])
    if version and version not in JATS_VERSIONS:
        first.note(
            "/article",
            f"dtd-version {version!r} is not JATS 1.0–1.3: read as JATS 1.3",
            Kind.WARNING,
        )
    return reader.found


class _Reader:
    def __init__(
        self, tree, source: str, folder: Path, sections: dict[str, str], default: str
    ):
        self.tree = tree
        self.root = tree.getroot()
        self.source = source
        self.folder = folder
        self.sections = sections
        self.default = default
        self.found: list[Imported] = []

    def xpath(self, element: etree._Element) -> str:
        return self.tree.getpath(element)

    def article(
        self, element, meta, parent: Imported | None, siblings: list[Imported]
    ) -> Imported:
        """One article (or sub-article), then its sub-articles, in order."""
        xpath = self.xpath(element)
        article_type = (element.get("article-type") or "").lower()
        item = Imported(self.source, xpath, article_type, title="", lang="en")
        self.found.append(item)
        if meta is None:  # nothing to read: every field is reported missing
            meta = etree.Element("front-stub")
            item.note(xpath, "no article-meta (or front-stub)", Kind.WARNING)
        item.lang = self._lang(item, element.get(XML_LANG), parent, xpath)
        item.fields["Lang"] = item.lang
        self._title(item, meta, parent)
        self._doi(item, meta)
        self._dates(item, meta, parent)
        self._authors(item, meta, element, parent)
        self._category(item, meta, parent)
        self._tags(item, meta, parent)
        self._summary(item, meta, element)
        self._competing(item, meta, element)
        self._relations(item, meta)
        if parent is not None:
            item.parent = self._answered(item, parent, siblings)
        self._body(item, element)
        # Sub-articles: a decision letter answers this; a reply, the letter.
        children: list[Imported] = []
        for child in element:
            if local(child) not in {"sub-article", "response"}:
                continue
            stub = next(
                (
                    found
                    for path in ("front-stub", "front/article-meta", "front")
                    if (found := child.find(path)) is not None
                ),
                None,
            )
            sub = self.article(child, stub, item, children)
            if local(child) == "response" and not sub.article_type:
                sub.article_type = "reply"
            children.append(sub)
        return item

    def _where(self, meta, item: Imported) -> str:
        return self.xpath(meta) if meta.getparent() is not None else item.xpath

    def _title(self, item: Imported, meta, parent: Imported | None) -> None:
        title = meta.find("title-group/article-title")
        text = plain(title)
        subtitle = plain(meta.find("title-group/subtitle"))
        if subtitle:
            text = f"{text}: {subtitle}" if text else subtitle
        if not text and parent is not None:
            names = SUB_TITLES.get(item.article_type, ("", ""))
            text = names[0 if item.lang != "en" else 1]
            if text:
                item.note(item.xpath, f"no title: {text!r}", Kind.MAPPED)
        if not text:
            item.note(self._where(meta, item), "no article-title", Kind.ERROR)
        item.title = text
        self._field(item, "Title", text, title)

    def _doi(self, item: Imported, meta) -> None:
        for article_id in meta.findall("article-id"):
            if (article_id.get("pub-id-type") or "").lower() != "doi":
                continue
            written = plain(article_id)
            try:
                item.doi = normalise_doi(written)
            except TargetSyntaxError as exc:
                where = self.xpath(article_id)
                item.note(where, f"{exc}: DOI left out", Kind.WARNING)
                continue
            # As the journal writes it (DOIs ignore case; item.doi is lower).
            bare = strip_doi_prefix(written) or written
            self._field(item, "DOI", bare, article_id)
            return

    def _dates(self, item: Imported, meta, parent: Imported | None) -> None:
        item.date = self._pub_date(item, meta)
        if item.date is None and parent is not None and parent.date:
            item.date = parent.date
            item.note(
                item.xpath,
                f"Date {item.date.isoformat()}: the parent article's",
                Kind.MAPPED,
            )
        if item.date is None:
            item.note(self._where(meta, item), "no pub-date", Kind.ERROR)
        else:
            item.fields["Date"] = item.date.isoformat()
        for kind in ("received", "accepted"):
            found = [
                d
                for d in meta.findall("history/date")
                if (d.get("date-type") or "").lower() == kind
            ]
            if not found:
                continue
            value, exact = _date(found[0])
            if value is None or not exact:
                item.note(
                    self.xpath(found[0]),
                    f"{kind} date is not a whole date (year, month, day)",
                )
                continue
            self._field(item, kind.capitalize(), value.isoformat(), found[0])

    def _authors(self, item: Imported, meta, element, parent: Imported | None):
        ctx = self._context(element, item)
        people = contributors(meta, ctx, self.root, any_type=parent is not None)
        item.notes += ctx.notes
        inherited = False
        if not people and parent is not None and item.article_type in RESPONSES:
            people, inherited = list(parent.authors), True
            item.note(item.xpath, "Authors: the parent article's", Kind.MAPPED)
        if not people:
            item.note(self._where(meta, item), "no contributor", Kind.ERROR)
            return
        item.authors = people
        item.fields["Authors"] = "; ".join(p.name for p in people)
        for person in [] if inherited else people:
            item.note(person.xpath, f"Authors: {person.name}", Kind.MAPPED)

    # -- fields ---------------------------------------------------------------

    def _field(self, item: Imported, name: str, value: str, element) -> None:
        if not value:
            return
        item.fields[name] = value
        where = (
            self.xpath(element)
            if element is not None and element.getparent() is not None
            else item.xpath
        )
        shown = value if len(value) <= 60 else value[:57] + "…"
        item.note(where, f"{name}: {shown}", Kind.MAPPED)

    def _lang(
        self, item: Imported, raw: str | None, parent: Imported | None, xpath: str
    ) -> str:
        if raw is None:
            return parent.lang if parent is not None else "en"  # JATS's default
        code = raw.strip().lower()
        lang = code if code in LANGUAGES else LANGUAGE_ALIASES.get(code)
        if lang is None and "-" in code:
            lang = LANGUAGE_ALIASES.get(code.split("-")[0], code.split("-")[0])
        if lang not in LANGUAGES:
            item.note(
                xpath,
                f"xml:lang {raw!r} is not a language of the archive "
                f"({', '.join(LANGUAGES)})",
                Kind.ERROR,
            )
            return "en"
        item.note(
            xpath,
            f"Lang: {lang}" + (f" (from xml:lang {raw!r})" if lang != raw else ""),
            Kind.MAPPED,
        )
        return lang

    def _pub_date(self, item: Imported, meta) -> date | None:
        dates = meta.findall("pub-date")
        if not dates:
            return None
        best = min(dates, key=_date_rank)
        value, exact = _date(best)
        if value is None:
            item.note(self.xpath(best), "pub-date has no year: not mapped", Kind.ERROR)
            return None
        if not exact:
            item.note(
                self.xpath(best),
                f"pub-date has no day (or month): Date {value.isoformat()}",
                Kind.WARNING,
            )
        self._field(item, "Date", value.isoformat(), best)
        return value

    def _category(self, item: Imported, meta, parent: Imported | None) -> None:
        subjects = [
            s
            for group in meta.iter("subj-group")
            if (group.get("subj-group-type") or "heading").lower()
            in {"heading", "display-channel", "section"}
            for s in group.findall("subject")
        ]
        candidates = [(plain(s), s) for s in subjects]
        if item.article_type:
            pair = (item.article_type, None)
            candidates = (
                [pair, *candidates] if parent is not None else [*candidates, pair]
            )
        for key, element in candidates:
            section = self.sections.get(key.lower())
            if section:
                where = (
                    self.xpath(element)
                    if element is not None
                    else f"{item.xpath}/@article-type"
                )
                item.fields["Category"] = section
                item.note(where, f"Category: {section} (from {key!r})", Kind.MAPPED)
                return
        item.fields["Category"] = self.default
        named = (
            ", ".join(repr(k) for k, _ in candidates) or "no subject or article-type"
        )
        item.note(
            item.xpath,
            f"Category: {self.default} ({named} not in JATS_SECTIONS)",
            Kind.WARNING,
        )

    def _tags(self, item: Imported, meta, parent: Imported | None) -> None:
        groups = meta.findall("kwd-group")
        chosen = [
            g
            for g in groups
            if (g.get(XML_LANG) or item.lang) in {item.lang, ""}
            or g.get(XML_LANG) is None
        ]
        for group in groups:
            if group not in chosen:
                item.note(
                    self.xpath(group),
                    f"kwd-group in {group.get(XML_LANG)!r}, not the article's "
                    "language: not mapped",
                )
        tags: list[str] = []
        for group in chosen:
            for kwd in group.iter("kwd"):
                text = plain(kwd).replace(",", " ")
                if text:
                    tags.append(text)
        tags = list(dict.fromkeys(tags))
        if tags:
            self._field(item, "Tags", ", ".join(tags), chosen[0])
        elif parent is not None and parent.fields.get("Tags"):
            item.fields["Tags"] = parent.fields["Tags"]
            item.note(
                item.xpath,
                "Tags: the parent article's (no kwd-group of its own)",
                Kind.MAPPED,
            )

    def _summary(self, item: Imported, meta, element) -> None:
        abstracts = [
            a
            for a in meta.findall("abstract")
            if (a.get("abstract-type") or "").lower()
            not in {"graphical", "toc", "teaser-image"}
        ]
        abstracts.sort(key=lambda a: a.get("abstract-type") is not None)
        for other in meta.findall("trans-abstract"):
            item.note(
                self.xpath(other),
                "trans-abstract is not mapped (one Summary per article)",
            )
        if not abstracts:
            item.note(
                item.xpath,
                "no abstract: Summary left out (the editors write one)",
                Kind.WARNING,
            )
            return
        abstract = abstracts[0]
        for other in abstracts[1:]:
            item.note(self.xpath(other), "a second abstract is not mapped")
        paragraphs = abstract.findall(".//p") or [abstract]
        ctx = self._context(element, item, cite=False)
        text = Inline(ctx).render(paragraphs[0])
        item.notes += ctx.notes
        if len(paragraphs) > 1:
            item.note(
                self.xpath(abstract),
                f"Summary is the abstract's first paragraph (of {len(paragraphs)}); "
                "the rest is not mapped",
                Kind.WARNING,
            )
        self._field(item, "Summary", text, paragraphs[0])

    def _competing(self, item: Imported, meta, element) -> None:
        found = []
        scopes = [meta, element.find("back")]
        for scope in scopes:
            if scope is None:
                continue
            for fn in scope.iter("fn"):
                if (fn.get("fn-type") or "").lower() in COMPETING and fn not in found:
                    found.append(fn)
        texts = []
        for fn in found:
            parts = [plain(p) for p in fn.findall("p")] or [plain(fn)]
            texts.append(" ".join(p for p in parts if p))
        if found:
            self._field(item, "Competing_interests", " ".join(texts), found[0])

    def _relations(self, item: Imported, meta) -> None:
        for related in meta.iter("related-article"):
            kind = (related.get("related-article-type") or "").lower()
            xpath = self.xpath(related)
            relation = _relation(related, kind, xpath)
            if relation is None:
                item.note(
                    xpath,
                    f"related-article ({kind or 'no type'}) names no DOI or http(s) "
                    "URL: not mapped",
                    Kind.WARNING,
                )
                continue
            if kind in ANSWERS or kind in CORRECTS or kind in RETRACTS:
                item.relations.append(relation)
                if kind in CORRECTS or kind in RETRACTS:
                    item.corrects.append(relation)
            elif kind in CONVERSE:
                item.converse.append(relation)
            else:
                item.note(
                    xpath,
                    f"related-article type {kind!r} is not a reply relation: not "
                    "mapped",
                )

    def _answered(
        self, item: Imported, parent: Imported, siblings: list[Imported]
    ) -> Imported:
        if item.article_type in RESPONSES:
            for sibling in reversed(siblings):
                if sibling.article_type in REVIEWS:
                    return sibling
        return parent

    # -- body ---------------------------------------------------------------

    def _context(self, element, item: Imported, *, cite: bool = True) -> Context:
        own = element.findall("back//ref")
        if not own and element is not self.root:
            own = self.root.findall("back//ref")
        return Context(
            tree=self.tree,
            source=self.source,
            folder=self.folder,
            lang=item.lang,
            ref_order=[r.get("id") or f"#{n}" for n, r in enumerate(own)],
            cite=cite,
        )

    def _body(self, item: Imported, element) -> None:
        ctx = self._context(element, item)
        body = element.find("body")
        blocks: list[str] = []
        if body is not None:
            ctx.quoted_text = body_words(body)
            blocks += Blocks(ctx).of(body, 2)
        else:
            item.note(item.xpath, "no body", Kind.WARNING)
        back = element.find("back")
        if back is not None:
            blocks += self._back(back, ctx, item)
        item.body = "\n\n".join(blocks)
        # Correction or retraction notice: its text, for the corrected article.
        if item.corrects and body is not None:
            item.notice = " ".join(plain(p) for p in body.iter("p"))
        # References, numbered as the text first cites them.
        own = element.findall("back//ref")
        pool = own or self.root.findall("back//ref")
        by_id = {(r.get("id") or f"#{n}"): r for n, r in enumerate(pool)}
        for rid in [r for r in by_id if r not in ctx.numbers and own]:
            ctx.number(rid)
            item.note(
                self.xpath(by_id[rid]),
                f"reference {rid!r} is not cited in the text: numbered "
                f"{ctx.numbers[rid]}, after those that are",
                Kind.WARNING,
            )
        for rid, _number in sorted(ctx.numbers.items(), key=lambda kv: kv[1]):
            ref = by_id[rid]
            text = refs.reference_text(ref)
            item.references.append(refs.markdown_entry(text))
            citation = refs.citation_of(ref)
            if citation is not None:
                doi, _ = refs.identifiers(citation)
                if doi:
                    item.reference_titles.setdefault(
                        normalise_doi(doi), refs.title_of(ref)
                    )
        item.notes += ctx.notes
        item.images = ctx.images

    def _back(self, back, ctx: Context, item: Imported) -> list[str]:
        blocks: list[str] = []
        writer = Blocks(ctx)
        for child in back:
            name = local(child)
            if name in {"ack", "app-group", "app", "notes", "sec", "bio"}:
                title = child.find("title")
                heading = (
                    plain(title)
                    if title is not None
                    else {
                        "ack": "Takk" if item.lang != "en" else "Acknowledgements",
                    }.get(name, "")
                )
                if name == "app-group":
                    blocks += writer.of(child, 2)
                    continue
                if heading:
                    blocks.append(f"## {heading}")
                blocks += writer.of(child, 3)
                item.note(
                    self.xpath(child),
                    f"<{name}> written as a section of the text",
                    Kind.MAPPED,
                )
            elif name == "ref-list":
                continue
            elif name == "fn-group":
                for fn in child.iter("fn"):
                    if (fn.get("fn-type") or "").lower() not in COMPETING:
                        item.note(
                            self.xpath(fn),
                            f"footnote ({fn.get('fn-type') or 'no type'}) is not "
                            f"mapped: {plain(fn)[:60]!r}",
                        )
            elif name in {"glossary", "def-list"}:
                item.note(self.xpath(child), f"<{name}> is not mapped")
            elif name:
                item.note(self.xpath(child), f"<{name}> in back is not mapped")
        return blocks


def _relation(related, kind: str, xpath: str) -> Relation | None:
    link = href(related) or ""
    link_type = (related.get("ext-link-type") or "").lower()
    title = plain(related) or None
    candidates = [link] if link else []
    candidates += [
        plain(p)
        for p in related.iter("pub-id")
        if (p.get("pub-id-type") or "").lower() == "doi"
    ]
    for value in candidates:
        bare = value.strip()
        if link_type == "doi" or re.match(
            r"^(?:doi:|https?://(?:dx\.)?doi\.org/)?10\.", bare, re.I
        ):
            try:
                return Relation(kind, normalise_doi(bare), True, xpath, title)
            except TargetSyntaxError:
                continue
        url = safe_url(bare)
        if url and url.startswith("http"):
            return Relation(kind, url, False, xpath, title)
    return None


def _date_rank(element) -> int:
    kind = (element.get("pub-type") or element.get("date-type") or "").lower()
    form = (element.get("publication-format") or "").lower()
    if kind == "epub" or (kind == "pub" and form == "electronic"):
        return 0
    return {"pub": 1, "epub-ppub": 2, "ppub": 3, "collection": 4}.get(kind, 5)


def _date(element) -> tuple[date | None, bool]:
    """A JATS date, and whether it had a day and a month."""
    iso = (element.get("iso-8601-date") or "").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        try:
            return date.fromisoformat(iso), True
        except ValueError:
            pass
    year = plain(element.find("year"))
    if not year.isdigit():
        return None, False
    month = plain(element.find("month"))
    day = plain(element.find("day"))
    try:
        value = date(
            int(year),
            int(month) if month.isdigit() else 1,
            int(day) if day.isdigit() else 1,
        )
    except ValueError:
        return None, False
    return value, month.isdigit() and day.isdigit()
