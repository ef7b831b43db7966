"""``invoke new``: scaffold an article, or a reply to one, with every field filled.

The target is resolved against the archive before anything is written; an
unknown one is refused with a suggestion, and an existing file is never
overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.utils import slugify

from .debate.graph import Graph, Node
from .debate.targets import DoiTarget, SlugTarget, TargetSyntaxError, parse_target
from .problems import did_you_mean

NEW_ARTICLE_PATH = "artikler/{date:%Y}"

# Placeholders in the answered article's language.
PLACEHOLDERS = {
    "nb": {
        "summary": "Ingress: hva svaret sier, i én eller to setninger.",
        "competing": "Forfatteren har fylt ut ICMJE-skjemaet og oppgir ingen"
        " interessekonflikter.",
        "body": "Skriv teksten her.",
        "references": "Referanser",
    },
    "nn": {
        "summary": "Ingress: kva svaret seier, i éi eller to setningar.",
        "competing": "Forfattaren har fylt ut ICMJE-skjemaet og oppgjev ingen"
        " interessekonfliktar.",
        "body": "Skriv teksten her.",
        "references": "Referanser",
    },
    "en": {
        "summary": "Standfirst: what the reply says, in one or two sentences.",
        "competing": "The author has completed the ICMJE form and declares no"
        " competing interests.",
        "body": "Write the text here.",
        "references": "References",
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


def render(
    *,
    title: str,
    authors: list[str],
    now: datetime,
    slug: str,
    answered: Answered | None,
    lang: str,
    category: str,
) -> str:
    """The Markdown text of a new article or reply."""
    text = PLACEHOLDERS.get(lang, PLACEHOLDERS["en"])
    tags = ""
    fields = {
        "Title": title,
        "Date": f"{now:%Y-%m-%d %H:%M}",
        "Slug": slug,
        "Category": category,
        "Tags": tags,
        "Lang": lang,
        "Authors": "; ".join(authors),
    }
    reference = ""
    if answered is not None:
        fields["Reply_to"] = answered.target
        article = answered.node.article if answered.node else None
        if article is not None:
            fields["Tags"] = ", ".join(t.name for t in getattr(article, "tags", ()))
            reference = _reference(article)
    fields |= {
        "Summary": text["summary"],
        "Received": f"{now:%Y-%m-%d}",
        "Competing_interests": text["competing"],
    }
    header = "\n".join(f"{key}: {value}" for key, value in fields.items() if value)
    body = text["body"]
    if reference:
        body += f" (1)\n\n## {text['references']}\n\n1. {reference}"
    return f"{header}\n\n{body}\n"


def _reference(article) -> str:
    """A Vancouver reference to an article of the archive."""
    names = []
    for author in getattr(article, "authors", ()):
        parts = author.name.split()
        initials = "".join(p[0] for p in parts[:-1])
        names.append(f"{parts[-1]} {initials}".strip())
    doi = article.metadata.get("doi")
    text = f"{', '.join(names)}. {article.title}. {article.date:%Y}."
    return f"{text} doi: {doi}" if doi else text


def scaffold(
    *,
    content: Path,
    settings: dict,
    graph: Graph,
    title: str,
    authors: list[str],
    reply_to: str | None = None,
    now: datetime | None = None,
) -> Path:
    """Write the new file and return its path; raise ScaffoldError instead."""
    if not title.strip():
        raise ScaffoldError("--title: a title is required")
    if not authors:
        raise ScaffoldError("--author: at least one author is required")
    answered = resolve(reply_to, graph) if reply_to else None
    now = now or datetime.now(ZoneInfo(settings.get("TIMEZONE", "UTC")))
    article = answered.node.article if answered and answered.node else None
    lang = getattr(article, "lang", None) or settings.get("DEFAULT_LANG", "nb")
    category = (
        str(article.category) if article else settings.get("DEFAULT_CATEGORY", "Debatt")
    )
    slug = slugify(
        title,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=False,
    )
    if slug in graph.nodes:
        raise ScaffoldError(
            f"--title: the slug {slug!r} is already used by"
            f" {graph.nodes[slug].entry.source}; choose another title"
        )
    folder = content / settings.get("NEW_ARTICLE_PATH", NEW_ARTICLE_PATH).format(
        date=now
    )
    path = folder / f"{slug}.md"
    if path.exists():
        raise ScaffoldError(f"{path} already exists; it was left as it is")
    text = render(
        title=title.strip(),
        authors=authors,
        now=now,
        slug=slug,
        answered=answered,
        lang=lang,
        category=category,
    )
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # never overwrite
        handle.write(text)
    return path
