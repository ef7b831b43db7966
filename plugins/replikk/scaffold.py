"""``invoke new``: scaffold an article, or a reply to one.

The target is resolved against the archive before anything is written; an
unknown one is refused with a suggestion, and an existing file is never
overwritten.

A reply (:func:`reply_scaffold`) depends on nothing but the archive and the
settings, never on the clock: it is a draft without Date, Received, Accepted
or DOI (the editors set them when they accept it), in the folder
``NEW_REPLY_PATH``. So the build can write the same file into every article's
"Reply to this article" link (:mod:`.reply`), and the link and ``invoke new
--reply-to`` give the same text at the same path.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.utils import slugify

from .debate.graph import Graph, Node
from .debate.targets import DoiTarget, SlugTarget, TargetSyntaxError, parse_target
from .problems import did_you_mean

NEW_ARTICLE_PATH = "artikler/{date:%Y}"
# Replies wait here, whatever the year, until the editors accept them: the
# folder cannot depend on the clock (the build writes the same path into every
# article's reply link), and a file's folder changes nothing on the site.
NEW_REPLY_PATH = "artikler/innsendt"

# Placeholders in the new file's language.
PLACEHOLDERS = {
    "nb": {
        "title": "Tittel på svaret",
        "author": "Fornavn Etternavn",
        "summary": "Ingress: hva svaret sier, i én eller to setninger.",
        "competing": "Forfatteren har fylt ut ICMJE-skjemaet og oppgir ingen"
        " interessekonflikter.",
        "body": "Skriv teksten her.",
        "references": "Referanser",
        "editors": "Redaksjonen fyller inn Date, Received, Accepted og DOI når"
        " svaret er godtatt.",
        "reply_slug": "svar-til-{slug}",
    },
    "nn": {
        "title": "Tittel på svaret",
        "author": "Førenamn Etternamn",
        "summary": "Ingress: kva svaret seier, i éi eller to setningar.",
        "competing": "Forfattaren har fylt ut ICMJE-skjemaet og oppgjev ingen"
        " interessekonfliktar.",
        "body": "Skriv teksten her.",
        "references": "Referanser",
        "editors": "Redaksjonen fyller inn Date, Received, Accepted og DOI når"
        " svaret er godteke.",
        "reply_slug": "svar-til-{slug}",
    },
    "en": {
        "title": "Title of the reply",
        "author": "First-name Last-name",
        "summary": "Standfirst: what the reply says, in one or two sentences.",
        "competing": "The author has completed the ICMJE form and declares no"
        " competing interests.",
        "body": "Write the text here.",
        "references": "References",
        "editors": "The editors fill in Date, Received, Accepted and DOI once the"
        " reply is accepted.",
        "reply_slug": "reply-to-{slug}",
    },
}


def placeholder_texts() -> frozenset[str]:
    """Every text the scaffold writes for the author to replace, in every
    language: the publish policy refuses anything but a draft that still holds
    one (section headings such as "Referanser" are not placeholders)."""
    return frozenset(
        text
        for table in PLACEHOLDERS.values()
        for key, text in table.items()
        if key in {"summary", "body", "title", "author"}
    )


class ScaffoldError(Exception):
    """Why no file was written."""


@dataclass(frozen=True)
class Answered:
    """What a new reply answers, as resolved in the archive."""

    target: str  # as it will be written in Reply_to
    node: Node | None  # the answered article's node, when it is in the archive


def resolve(text: str, graph: Graph) -> Answered:
    """Resolve ``--reply-to`` like the build will; refuse what the build would."""
    try:
        target = parse_target(text)
    except TargetSyntaxError as exc:
        hint = did_you_mean(text.strip().lower(), graph.nodes)
        raise ScaffoldError(
            f"--reply-to: {exc}" + (f" ({hint})" if hint else "")
        ) from None
    if isinstance(target, SlugTarget):
        node = graph.nodes.get(target.slug)
        if node is None:
            hint = did_you_mean(target.slug, graph.nodes)
            raise ScaffoldError(
                f"--reply-to: {target.slug!r} is not the slug of any published"
                " article" + (f" ({hint})" if hint else "")
            )
        return Answered(target.slug, node)
    if isinstance(target, DoiTarget):
        for node in graph.nodes.values():
            if node.doi == target.doi:
                return Answered(node.key, node)
        return Answered(f"doi:{target.doi}", None)
    return Answered(target.url, None)


@dataclass(frozen=True)
class Scaffold:
    """A new file: where it goes in the content folder, and what it says."""

    path: str  # relative to the content folder, with "/"
    text: str

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.path)

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)


def reply_lang(answered: Answered, settings: dict, lang: str | None = None) -> str:
    """``--lang``, else the answered article's language, else DEFAULT_LANG."""
    article = answered.node.article if answered.node else None
    chosen = lang or getattr(article, "lang", None) or settings.get("DEFAULT_LANG")
    if chosen not in PLACEHOLDERS:
        raise ScaffoldError(
            f"--lang: {chosen!r} is not one of {', '.join(PLACEHOLDERS)}"
        )
    return chosen


def reply_slug(answered: Answered, graph: Graph, lang: str, settings: dict) -> str:
    """``svar-til-<slug>`` (``reply-to-`` in English), numbered on if the
    archive has it already: the same for the build and for ``invoke new``."""
    base = answered.node.key if answered.node else slug_of(answered.target, settings)
    slug = PLACEHOLDERS[lang]["reply_slug"].format(slug=base)
    number = 2
    chosen = slug
    while chosen in graph.nodes:
        chosen = f"{slug}-{number}"
        number += 1
    return chosen


def reference_to(article) -> str:
    """The answered article as the archive cites it ("cite this": the
    citations part's Vancouver text, journal name included), on one line;
    empty if the citations part gave it none."""
    citation = getattr(article, "citation", None)
    if citation is None:
        return ""
    return " ".join(citation.vancouver.split())


def reply_scaffold(
    answered: Answered,
    settings: dict,
    graph: Graph,
    *,
    lang: str | None = None,
    title: str = "",
    authors: list[str] | None = None,
) -> Scaffold:
    """The new reply to ``answered``: a draft, in REPLY_CATEGORY, without
    Date, Received, Accepted or DOI. Without a title or authors it holds
    placeholders (the publish policy refuses them) and a slug made from the
    answered article's."""
    lang = reply_lang(answered, settings, lang)
    text = PLACEHOLDERS[lang]
    title = title.strip()
    if title:
        slug = slug_of(title, settings)
        if slug in graph.nodes:
            raise ScaffoldError(
                f"--title: the slug {slug!r} is already used by"
                f" {graph.nodes[slug].entry.source}; choose another title"
            )
    else:
        slug = reply_slug(answered, graph, lang, settings)
    article = answered.node.article if answered.node else None
    fields = {
        "Title": title or text["title"],
        "Slug": slug,
        "Status": "draft",
        "Category": settings.get(
            "REPLY_CATEGORY", settings.get("DEFAULT_CATEGORY", "Debatt")
        ),
        "Tags": ", ".join(t.name for t in getattr(article, "tags", ())),
        "Lang": lang,
        "Authors": "; ".join(authors or [text["author"]]),
        "Reply_to": answered.target,
        "Summary": text["summary"],
        "Competing_interests": text["competing"],
    }
    body = f"<!-- {text['editors']} -->\n\n{text['body']}"
    reference = reference_to(article) if article is not None else ""
    if reference:
        body += f" (1)\n\n## {text['references']}\n\n1. {reference}"
    folder = settings.get("NEW_REPLY_PATH", NEW_REPLY_PATH).strip("/")
    return Scaffold(f"{folder}/{slug}.md", file_text(fields, body))


def slug_of(text: str, settings: dict) -> str:
    """A slug as Pelican makes one with the site's SLUG_REGEX_SUBSTITUTIONS
    (used for new articles here and by the JATS importer)."""
    return slugify(
        text,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=False,
    )


def file_text(fields: dict[str, str], body: str) -> str:
    """An article's file: its metadata, in the order given, then its body."""
    header = "\n".join(f"{key}: {value}" for key, value in fields.items() if value)
    return f"{header}\n\n{body}\n"


def article_scaffold(
    settings: dict,
    graph: Graph,
    *,
    title: str,
    authors: list[str],
    now: datetime,
    lang: str | None = None,
) -> Scaffold:
    """A new article that answers nothing (an editorial, a feature): dated
    now, in NEW_ARTICLE_PATH (by default the year's folder)."""
    lang = lang or settings.get("DEFAULT_LANG", "nb")
    if lang not in PLACEHOLDERS:
        raise ScaffoldError(f"--lang: {lang!r} is not one of {', '.join(PLACEHOLDERS)}")
    if not title.strip():
        raise ScaffoldError("--title: a title is required")
    if not authors:
        raise ScaffoldError("--author: at least one author is required")
    text = PLACEHOLDERS[lang]
    slug = slug_of(title, settings)
    if slug in graph.nodes:
        raise ScaffoldError(
            f"--title: the slug {slug!r} is already used by"
            f" {graph.nodes[slug].entry.source}; choose another title"
        )
    fields = {
        "Title": title.strip(),
        "Date": f"{now:%Y-%m-%d %H:%M}",
        "Slug": slug,
        "Category": settings.get("DEFAULT_CATEGORY", "Debatt"),
        "Lang": lang,
        "Authors": "; ".join(authors),
        "Summary": text["summary"],
        "Received": f"{now:%Y-%m-%d}",
        "Competing_interests": text["competing"],
    }
    folder = settings.get("NEW_ARTICLE_PATH", NEW_ARTICLE_PATH).format(date=now)
    return Scaffold(f"{folder.strip('/')}/{slug}.md", file_text(fields, text["body"]))


def scaffold(
    *,
    content: Path,
    settings: dict,
    graph: Graph,
    title: str = "",
    authors: list[str] | None = None,
    reply_to: str | None = None,
    lang: str | None = None,
    now: datetime | None = None,
) -> Path:
    """Write the new file and return its path; raise ScaffoldError instead."""
    if reply_to:
        made = reply_scaffold(
            resolve(reply_to, graph),
            settings,
            graph,
            lang=lang,
            title=title,
            authors=list(authors or []),
        )
    else:
        now = now or datetime.now(ZoneInfo(settings.get("TIMEZONE", "UTC")))
        made = article_scaffold(
            settings,
            graph,
            title=title,
            authors=list(authors or []),
            now=now,
            lang=lang,
        )
    path = content / made.path
    if path.exists():
        hint = "; give it another --title" if reply_to and not title else ""
        raise ScaffoldError(f"{path} already exists; it was left as it is{hint}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # never overwrite
        handle.write(made.text)
    return path
