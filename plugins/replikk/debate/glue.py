"""Pelican glue for the debate graph: articles in, template context out.

Turns Pelican's articles into :class:`~replikk.debate.graph.Entry` values,
builds the graph once per build, hangs the result on the articles and in the
shared context, and writes one page per debate plus the debates index.
"""

from __future__ import annotations

from itertools import chain

from pelican.generators import Generator

from .. import policy
from ..citations.glue import LINKED
from ..citations.references import cited_titles, titles_by_key
from ..i18n import add_filters
from ..problems import Problems
from .graph import Debate, Entry, Graph, Node, Withheld, build_graph
from .targets import split_targets, strip_doi_prefix

DEFAULTS = {
    "DEBATE_URL": "debatt/{slug}/",
    "DEBATE_SAVE_AS": "debatt/{slug}/index.html",
    "DEBATES_URL": "debatt/",
    "DEBATES_SAVE_AS": "debatt/index.html",
    "DEBATE_REFERENCE_HEADINGS": ["Referanser", "References"],
}


def setting(settings: dict, name: str):
    return settings.get(name, DEFAULTS[name])


def check_settings(settings: dict) -> None:
    """Bad DEBATE_* settings fail the build with the setting and its value."""
    for name in ("DEBATE_URL", "DEBATE_SAVE_AS"):
        value = setting(settings, name)
        if not isinstance(value, str) or "{slug}" not in value:
            raise ValueError(
                f"{name} must be a string containing '{{slug}}', not {value!r}"
            )
    headings = setting(settings, "DEBATE_REFERENCE_HEADINGS")
    if isinstance(headings, str) or not all(isinstance(h, str) for h in headings):
        raise ValueError(
            f"DEBATE_REFERENCE_HEADINGS must be a list of strings, not {headings!r}"
        )


def _wants_citations(reply_to: str | None) -> bool:
    if not reply_to:
        return False
    return any(
        strip_doi_prefix(t) is not None or "://" in t for t in split_targets(reply_to)
    )


def entry_for(article, settings: dict) -> Entry:
    meta = article.metadata
    reply_to = meta.get("reply_to")
    if isinstance(reply_to, list):  # the field written twice
        reply_to = ", ".join(reply_to)
    siteurl = settings.get("SITEURL", "")
    urls = (article.url,)
    if siteurl:
        urls += (f"{siteurl.rstrip('/')}/{article.url}",)
    cited = {}
    if _wants_citations(reply_to):
        early = getattr(article, LINKED, None)  # linked as read: parsed then
        cited = (
            titles_by_key(early[0])
            if early is not None
            else cited_titles(
                article._content, setting(settings, "DEBATE_REFERENCE_HEADINGS")
            )
        )
    return Entry(
        key=article.slug,
        source=article.source_path,
        title=article.title,
        date=article.date,
        authors=tuple(a.name for a in getattr(article, "authors", ())),
        doi=meta.get("doi"),
        urls=urls,
        reply_to=reply_to,
        reply_to_title=meta.get("reply_to_title"),
        cited=cited,
        payload=article,
    )


def _text(reply_to: object) -> str | None:
    """Reply_to as one text (the field written twice is a list)."""
    if isinstance(reply_to, list):
        return ", ".join(map(str, reply_to))
    return None if reply_to is None else str(reply_to)


def build(generator, problems: Problems) -> Graph:
    """Build the graph for this run and expose it to templates."""
    settings = generator.settings
    check_settings(settings)
    withheld = [
        Withheld(a.slug, a.source_path, a.status, a.metadata.get("doi"))
        for a in chain(generator.drafts, generator.hidden_articles)
    ]
    entries = [entry_for(a, settings) for a in generator.articles]
    # Targets of files refused for another error, and of drafts when checked
    # for publishing, are checked too: every problem of a file in one run.
    unseen = [(source, _text(m["reply_to"])) for source, m in problems.refused.items()]
    if policy.policy_of(settings).drafts:
        unseen += [
            (a.source_path, _text(a.metadata.get("reply_to"))) for a in generator.drafts
        ]
    graph = build_graph(entries, withheld, problems, unseen)

    for debate in graph.debates:
        debate.url = setting(settings, "DEBATE_URL").format(slug=debate.slug)
        debate.save_as = setting(settings, "DEBATE_SAVE_AS").format(slug=debate.slug)

    for article in chain(generator.articles, generator.translations):
        # A translation shares its original's slug, and so its node.
        _expose(article, graph.nodes.get(article.slug))
    for article in chain(
        generator.drafts,
        generator.drafts_translations,
        generator.hidden_articles,
        generator.hidden_translations,
    ):
        _expose(article, None)

    generator.context["debates"] = graph.debates
    generator.context["DEBATES_URL"] = setting(settings, "DEBATES_URL")
    generator.context["debate_graph"] = graph
    return graph


def _expose(article, node: Node | None) -> None:
    """Hang the debate on an article (or a translation of it)."""
    article.debate_node = node
    article.debate = node.debate if node else None
    article.in_reply_to = list(node.parents) if node else []
    article.replies = [c.payload for c in node.children] if node else []


def by_debate(articles) -> dict[str, list]:
    """The ``by_debate`` filter: ``groups`` [(debate, its articles oldest first)],
    most recently active debate first, and ``alone`` (articles in no debate).

    One pass over the articles, so an author page costs what it lists, not
    what the whole archive holds.
    """
    groups: dict[int, tuple[Debate, list]] = {}
    alone = []
    for article in articles:
        debate = getattr(article, "debate", None)
        if debate is None:
            alone.append(article)
        else:
            groups.setdefault(id(debate), (debate, []))[1].append(article)
    ordered = sorted(groups.values(), key=lambda g: (g[0].last_date, g[0].slug))
    ordered.reverse()
    for _, items in ordered:
        items.sort(key=lambda a: (a.date, a.slug))
    return {"groups": ordered, "alone": alone}


def install(settings: dict) -> None:
    """Add the ``by_debate`` filter to Pelican's template environment."""
    add_filters(settings, by_debate=by_debate)


class DebatesGenerator(Generator):
    """Writes a page for each debate and the index of all debates."""

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer) -> None:
        debates: list[Debate] = self.context.get("debates", [])
        relative = self.settings["RELATIVE_URLS"]
        template = self.get_template("debate")
        for debate in debates:
            writer.write_file(
                debate.save_as,
                template,
                self.context,
                relative_urls=relative,
                debate=debate,
                url=debate.url,
                page_name=debate.url.rstrip("/"),
            )
        # Paginated like Pelican's own lists (PAGINATED_TEMPLATES["debates"]).
        writer.write_file(
            setting(self.settings, "DEBATES_SAVE_AS"),
            self.get_template("debates"),
            self.context,
            relative_urls=relative,
            paginated={"debates": debates},
            template_name="debates",
            debates=debates,
            url=setting(self.settings, "DEBATES_URL"),
            page_name=setting(self.settings, "DEBATES_URL").rstrip("/"),
        )
