"""A picture of a debate: an SVG diagram of who answered whom, and when.

Plain Python on a :class:`~replikk.debate.graph.Debate`, with no Pelican in it.
Time runs down the page (each contribution is a row, later ones lower, with
more space after longer pauses); depth in the exchange runs across (a reply
sits one column to the right of what it answers). Lines join each reply to
everything it answers; a reply to several articles gets a dashed line to the
others. Titles, authors and dates are written in a column to the right.

The SVG is meant to be written inline in the page: it is ``role="img"`` with a
``<title>`` and a ``<desc>`` (the exchange in sentences) named by
``aria-labelledby``/``aria-describedby``, needs no script, and takes its
colours from the page's CSS classes so it follows the light or dark scheme.
Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape

from .graph import Debate, Node

# Geometry, in SVG user units (CSS pixels at full size).
COLUMN = 26  # between depths
ROW = 50  # the least space between two contributions
PAUSE = 24  # extra space for a long pause between contributions
PAUSE_DAYS = 14  # what counts as a long pause
MARGIN = 14
RADIUS = 6
LABEL_GAP = 14  # between the last column and the labels
LABEL_WIDTH = 370
TITLE_CHARS = 40  # longer titles are cut with "…" (the full title is in <desc>)


@dataclass(frozen=True, slots=True)
class Words:
    """The sentences of ``<desc>``, in the page's language."""

    starts: str = "{node} starts the debate."
    answers: str = "{reply} answers {target}."
    external: str = "external article"
    by: str = "{title} ({authors}, {date})"


@dataclass(frozen=True, slots=True)
class Placed:
    node: Node
    depth: int
    x: float
    y: float


def _default_date(value: datetime) -> str:
    return value.date().isoformat()


def _short(text: str, limit: int = TITLE_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:  # end on a whole word when one is near
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:–-") + "…"


def _order(debate: Debate) -> list[tuple[Node, int]]:
    """Contributions oldest first, each external article just before its first
    reply; the depth of each is its depth in the debate's tree."""
    depth = {id(item.node): item.depth for item in debate.tree}
    seen: dict[int, Node] = {id(item.node): item.node for item in debate.tree}
    position = {id(item.node): i for i, item in enumerate(debate.tree)}

    def when(node: Node) -> tuple:
        if node.date is not None:
            return (node.date, 1, position[id(node)])
        replies = [c.date for c in node.children if c.date is not None]
        return (min(replies) if replies else datetime.min, 0, position[id(node)])

    nodes = sorted(seen.values(), key=when)
    return [(n, depth[id(n)]) for n in nodes]


def layout(debate: Debate) -> list[Placed]:
    """Where each contribution goes: x by depth, y by time."""
    placed: list[Placed] = []
    previous: datetime | None = None
    y = MARGIN + RADIUS + 4
    for i, (node, depth) in enumerate(_order(debate)):
        if i:
            y += ROW
            when = node.date
            if previous and when and (when - previous).days >= PAUSE_DAYS:
                y += PAUSE
        previous = node.date or previous
        placed.append(Placed(node, depth, MARGIN + RADIUS + depth * COLUMN, y))
    return placed


def _names(node: Node) -> str:
    return ", ".join(node.entry.authors) if node.entry else ""


def describe(
    debate: Debate,
    words: Words = Words(),
    date_format: Callable[[datetime], str] = _default_date,
) -> str:
    """The exchange in sentences, for ``<desc>`` (and anyone who reads it)."""

    def full(node: Node) -> str:
        if node.external:
            return f"{node.label} ({words.external})"
        return words.by.format(
            title=node.label, authors=_names(node), date=date_format(node.date)
        )

    sentences = []
    for node, _depth in _order(debate):
        if not node.parents:
            if node is debate.root:
                sentences.append(words.starts.format(node=full(node)))
            continue
        targets = "; ".join(p.label for p in node.parents)
        sentences.append(words.answers.format(reply=full(node), target=targets))
    return " ".join(sentences)


def render_svg(
    debate: Debate,
    *,
    title: str,
    ident: str = "debate-diagram",
    words: Words = Words(),
    date_format: Callable[[datetime], str] = _default_date,
) -> str:
    """The debate as an inline SVG element (a string of markup, text escaped)."""
    placed = layout(debate)
    where = {id(p.node): p for p in placed}
    depth = max((p.depth for p in placed), default=0)
    label_x = MARGIN + 2 * RADIUS + depth * COLUMN + LABEL_GAP
    width = label_x + LABEL_WIDTH + MARGIN
    height = (placed[-1].y if placed else 0) + ROW / 2 + MARGIN
    e = escape
    out = [
        f'<svg class="debate-diagram" xmlns="http://www.w3.org/2000/svg"'
        f' role="img" viewBox="0 0 {width:g} {height:g}"'
        f' width="{width:g}" height="{height:g}"'
        f' aria-labelledby="{e(ident)}-title" aria-describedby="{e(ident)}-desc">',
        f'<title id="{e(ident)}-title">{e(title)}</title>',
        f'<desc id="{e(ident)}-desc">{e(describe(debate, words, date_format))}</desc>',
        '<g class="edges">',
    ]
    for p in placed:
        for k, parent in enumerate(p.node.parents):
            q = where.get(id(parent))
            if q is None:
                continue
            kind = "edge" if k == 0 else "edge edge-also"
            if p.x > q.x:
                # Out of what is answered, down a lane between two columns
                # (no circle ever sits there), and across to the reply.
                lane = q.x + COLUMN / 2 + (5 if k else 0)  # a second lane: seen
                d = f"M{q.x:g} {q.y:g}H{lane:g}V{p.y:g}H{p.x:g}"
            else:  # a second target as far right as the reply: straight
                d = f"M{q.x:g} {q.y:g}L{p.x:g} {p.y:g}"
            out.append(f'<path class="{kind}" d="{d}"/>')
    out.append("</g>")
    for p in placed:
        node = p.node
        kind = "node node-external" if node.external else "node"
        if not node.parents and node is debate.root:
            kind += " node-root"
        out.append(f'<g class="{kind}">')
        out.append(f'<circle cx="{p.x:g}" cy="{p.y:g}" r="{RADIUS}"/>')
        if node.external:
            second = words.external
        else:
            second = f"{_names(node)} · {date_format(node.date)}"
        out.append(
            f'<text x="{label_x:g}" y="{p.y - 4:g}" class="label-title">'
            f"{e(_short(node.label))}</text>"
        )
        out.append(
            f'<text x="{label_x:g}" y="{p.y + 14:g}" class="label-meta">'
            f"{e(_short(second, 48))}</text>"
        )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
