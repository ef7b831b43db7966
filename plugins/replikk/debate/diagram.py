"""A picture of a debate: who answered whom, as a tree of links.

Plain Python on a :class:`~replikk.debate.graph.Debate`, with no Pelican in it.
The diagram is HTML, not SVG: nested ordered lists in the order of the thread
(``debate.tree``: each reply under the first thing it answers), which the
theme's stylesheet (``site.css``, section "diagram") draws as a tree, a dot
for each contribution and lines
from each article to its replies. HTML because a title then wraps at whatever
width the screen has, in whatever font and size the reader uses, and keeps its
size on a phone; an SVG must guess where a line of text ends and shrinks with
its viewBox. The list is also what assistive technology reads, with its levels.

Each contribution's title (and its dot, drawn by the CSS on the link) is a link
to the article, or for an external article to its address; under it, the
authors and the date. A reply to several articles sits under the first and
names the others ("also answers"). Below :data:`MAX_NESTING` levels the lists
stop nesting (a line of text needs room) and a reply names what it answers.

A visually hidden paragraph before the list tells the exchange in sentences.
No script; every text is escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape

from .graph import Debate, Node

MAX_NESTING = 6  # deeper replies are listed at this depth, naming their target


@dataclass(frozen=True, slots=True)
class Words:
    """The diagram's words in the page's language."""

    starts: str = "{node} starts the debate."
    answers: str = "{reply} answers {target}."
    external: str = "external article"
    by: str = "{title} ({authors}, {date})"
    also_answers: str = "also answers"
    in_reply_to: str = "In reply to"


def _default_date(value: datetime) -> str:
    return value.date().isoformat()


def _default_href(node: Node) -> str:
    if node.entry is None:
        return node.href or ""
    return node.entry.urls[0] if node.entry.urls else f"{node.key}/"


def _names(node: Node) -> str:
    return ", ".join(node.entry.authors) if node.entry else ""


def describe(
    debate: Debate,
    words: Words = Words(),
    date_format: Callable[[datetime], str] = _default_date,
) -> str:
    """The exchange in sentences, in the thread's order."""

    def full(node: Node) -> str:
        if node.external:
            return f"{node.label} ({words.external})"
        return words.by.format(
            title=node.label, authors=_names(node), date=date_format(node.date)
        )

    sentences = []
    for item in debate.tree:
        node = item.node
        if not node.parents:
            if node is debate.root:
                sentences.append(words.starts.format(node=full(node)))
            continue
        targets = "; ".join(p.label for p in node.parents)
        sentences.append(words.answers.format(reply=full(node), target=targets))
    return " ".join(sentences)


def render_html(
    debate: Debate,
    *,
    title: str,
    ident: str = "debate-diagram",
    words: Words = Words(),
    date_format: Callable[[datetime], str] = _default_date,
    href: Callable[[Node], str] = _default_href,
    lang_of: Callable[[Node], str | None] = lambda node: None,
) -> str:
    """The debate as a tree of links (a string of HTML, every text escaped).

    ``href`` gives each contribution's address; ``lang_of`` the language of a
    title written in another language than the page's (else None).
    """
    e = escape

    def link(node: Node, kind: str) -> str:
        lang = lang_of(node)
        attr = f' lang="{e(lang)}"' if lang else ""
        return f'<a class="{kind}" href="{e(href(node))}"{attr}>{e(node.label)}</a>'

    def targets(label: str, nodes: tuple[Node, ...] | list[Node]) -> str:
        links = "; ".join(link(p, "diagram-target") for p in nodes)
        return f"{e(label)}: {links}"

    out = [
        f'<div class="debate-diagram" id="{e(ident)}">',
        f'<p class="diagram-summary">{e(describe(debate, words, date_format))}</p>',
        f'<ol class="diagram-tree" aria-label="{e(title)}">',
    ]
    items = debate.tree
    level = 0  # how many lists are open inside the outer one
    for i, item in enumerate(items):
        node = item.node
        depth = min(item.depth, MAX_NESTING, level + 1)
        nxt = min(items[i + 1].depth, MAX_NESTING) if i + 1 < len(items) else 0
        while level > depth:
            out.append("</li></ol>")
            level -= 1
        if i and level == depth:
            out.append("</li>")
        level = depth
        kind = ["diagram-node"]
        if node.external:
            kind.append("node-external")
        if node is debate.root:
            kind.append("node-root")
        if nxt > depth:
            kind.append("has-replies")
        if node.external:
            meta = e(words.external)
        else:
            when = f'<time datetime="{node.date.isoformat()}">'
            when += f"{e(date_format(node.date))}</time>"
            meta = f"{e(_names(node))} · {when}" if _names(node) else when
        out.append(
            f'<li class="{" ".join(kind)}"><div class="diagram-label">'
            f"{link(node, 'diagram-title')}"
            f'<span class="diagram-meta">{meta}</span>'
        )
        if item.depth > depth and node.parents:  # nested too deep to show
            out.append(
                f'<span class="diagram-answers">'
                f"{targets(words.in_reply_to, node.parents[:1])}</span>"
            )
        if item.also_answers:
            out.append(
                f'<span class="diagram-also">'
                f"{targets(words.also_answers, item.also_answers)}</span>"
            )
        out.append("</div>")
        if nxt > depth:
            out.append("<ol>")
    if items:
        out.append("</li>" + "</ol></li>" * level)
    out.append("</ol></div>")
    return "".join(out)
