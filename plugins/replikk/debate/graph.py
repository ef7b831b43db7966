"""The debate graph: who answers whom, and which articles form one debate.

Plain Python on plain data, with no Pelican in it. The Pelican glue turns each
published article into an :class:`Entry`, calls :func:`build_graph`, and gets
back a :class:`Graph` of :class:`Node` and :class:`Debate` objects plus every
:class:`~replikk.problems.Problem` found on the way.

Everything here is linear in the number of articles and replies: indexes are
dicts, components come from union-find, cycles from an iterative Tarjan, and
trees from explicit stacks (a debate may be hundreds of levels deep).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime

from ..problems import Problems, Severity, did_you_mean
from .targets import (
    DoiTarget,
    SlugTarget,
    Target,
    TargetSyntaxError,
    normalise_doi,
    parse_target,
    split_targets,
)

REPLY_TO = "Reply_to"


@dataclass(slots=True)
class Entry:
    """What the graph needs to know of one published article."""

    key: str  # the slug
    source: str  # the file, for messages
    title: str
    date: datetime
    authors: tuple[str, ...] = ()
    doi: str | None = None  # as written in the DOI field
    urls: tuple[str, ...] = ()  # URLs at which this article is published
    reply_to: str | None = None  # as written; None when the field is absent
    reply_to_title: str | None = None
    cited: dict[str, str] = field(default_factory=dict)  # DOI or URL -> reference
    payload: object = None  # the caller's own object, handed back untouched


@dataclass(frozen=True, slots=True)
class Withheld:
    """An article that exists but is not published (a draft or hidden)."""

    key: str
    source: str
    status: str
    doi: str | None = None


@dataclass(eq=False, slots=True)
class Node:
    """An article of the archive, or an external article something answers."""

    key: str
    title: str | None
    entry: Entry | None = None
    doi: str | None = None  # normalised
    href: str | None = None  # where an external node links to
    parents: list[Node] = field(default_factory=list)  # what this answers
    children: list[Node] = field(default_factory=list)  # replies, oldest first
    debate: Debate | None = None

    @property
    def external(self) -> bool:
        return self.entry is None

    @property
    def date(self) -> datetime | None:
        return self.entry.date if self.entry else None

    @property
    def payload(self) -> object:
        return self.entry.payload if self.entry else None

    @property
    def article(self) -> object:
        """The caller's object for an article of the archive (None if external)."""
        return self.payload

    @property
    def label(self) -> str:
        """The title, or for an external node with none known, its DOI or URL."""
        return self.title or self.href or self.key

    def __repr__(self) -> str:
        return f"Node({self.key!r})"


@dataclass(frozen=True, slots=True)
class TreeItem:
    """One contribution in a debate's display order."""

    node: Node
    depth: int
    also_answers: tuple[Node, ...] = ()  # parents other than the one it sits under


@dataclass(eq=False, slots=True)
class Debate:
    """Articles connected by replies."""

    slug: str
    root: Node
    articles: list[Node]  # articles of the archive, oldest first
    tree: list[TreeItem]  # pre-order: each reply under what it answers first
    externals: list[Node] = field(default_factory=list)
    url: str = ""  # set by whoever publishes the debate
    save_as: str = ""
    feed_url: str = ""  # set by the feeds part: the debate's Atom feed
    feed_rss_url: str = ""

    @property
    def title(self) -> str:
        return self.root.label

    @property
    def count(self) -> int:
        return len(self.articles)

    @property
    def first_date(self) -> datetime:
        return self.articles[0].date  # type: ignore[return-value]

    @property
    def last_date(self) -> datetime:
        return self.articles[-1].date  # type: ignore[return-value]

    @property
    def participants(self) -> list[str]:
        """Authors in the order they joined the debate."""
        seen: dict[str, None] = {}
        for node in self.articles:
            for author in node.entry.authors:  # type: ignore[union-attr]
                seen.setdefault(author, None)
        return list(seen)

    @property
    def depth(self) -> int:
        return max((item.depth for item in self.tree), default=0) + 1


@dataclass
class Graph:
    nodes: dict[str, Node]  # articles by slug
    externals: dict[str, Node]  # external nodes by DOI or URL
    debates: list[Debate]  # most recently active first
    problems: Problems


def _date_key(node: Node) -> tuple:
    return (node.date is None, node.date or datetime.min, node.key)


class _Builder:
    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.nodes: dict[str, Node] = {}
        self.by_doi: dict[str, Node] = {}
        self.by_url: dict[str, Node] = {}
        self.withheld: dict[str, Withheld] = {}
        self.withheld_doi: dict[str, Withheld] = {}
        self.externals: dict[str, Node] = {}
        self.wanted_titles: dict[str, list[str]] = {}

    # -- indexes ---------------------------------------------------------
    def index(self, entries: Iterable[Entry], withheld: Iterable[Withheld]) -> None:
        # Oldest first, so that of two articles with one slug or DOI, the
        # later one is reported, whatever order the caller keeps.
        for entry in sorted(entries, key=lambda e: (e.date, e.source)):
            other = self.nodes.get(entry.key)
            if other is not None:
                self.problems.error(
                    entry.source,
                    f"slug {entry.key!r} is already used by {other.entry.source}"  # type: ignore[union-attr]
                    "; every article needs its own slug",
                    field="Slug",
                    value=entry.key,
                )
                continue
            node = Node(entry.key, entry.title, entry)
            self.nodes[entry.key] = node
            for url in entry.urls:
                self.by_url[_url_key(url)] = node
            if entry.doi is not None:
                self._index_doi(node, entry)
        for item in withheld:
            self.withheld.setdefault(item.key, item)
            if item.doi:
                with suppress(TargetSyntaxError):
                    self.withheld_doi.setdefault(normalise_doi(item.doi), item)

    def _index_doi(self, node: Node, entry: Entry) -> None:
        try:
            doi = normalise_doi(entry.doi or "")
        except TargetSyntaxError as exc:
            self.problems.error(entry.source, str(exc), field="DOI", value=entry.doi)
            return
        other = self.by_doi.get(doi)
        if other is not None:
            self.problems.error(
                entry.source,
                f"DOI {doi!r} is already the DOI of {other.entry.source}"  # type: ignore[union-attr]
                "; a DOI names one article",
                field="DOI",
                value=entry.doi,
            )
            return
        node.doi = doi
        self.by_doi[doi] = node

    # -- edges -----------------------------------------------------------
    def link(self) -> None:
        for node in self.nodes.values():
            entry = node.entry
            if entry is None or entry.reply_to is None:
                continue
            raws = split_targets(entry.reply_to)
            if not raws:
                self.problems.error(
                    entry.source,
                    "is given but empty; name the slug, DOI or URL this answers,"
                    " or remove the line",
                    field=REPLY_TO,
                    value=entry.reply_to,
                )
                continue
            self._link_entry(node, entry, raws)

    def _link_entry(self, node: Node, entry: Entry, raws: list[str]) -> None:
        parents: dict[int, Node] = {}
        drafts: list[tuple[str, Withheld]] = []
        failed = False
        # Reply_to_title names the first external target.
        title = (entry.reply_to_title or "").strip() or None
        for raw in raws:
            target = self._parse(entry.source, raw)
            if target is None:
                failed = True
                continue
            resolved = self._resolve(entry, raw, target, title)
            if isinstance(resolved, Node) and resolved.external:
                title = None
            if isinstance(resolved, Withheld):
                drafts.append((raw, resolved))
            elif resolved is None:
                failed = True
            elif resolved is node:
                self.problems.error(
                    entry.source,
                    f"{raw!r} is this article itself; an article cannot answer itself",
                    field=REPLY_TO,
                    value=raw,
                )
                failed = True
            else:
                parents.setdefault(id(resolved), resolved)
        for raw, item in drafts:
            if parents or failed:
                self.problems.warning(
                    entry.source,
                    f"{raw!r} is a {item.status} article ({item.source}) and is"
                    " left out of the debate until it is published",
                    field=REPLY_TO,
                    value=raw,
                )
            else:
                self.problems.error(
                    entry.source,
                    f"{raw!r} is a {item.status} article ({item.source}); a"
                    " published article cannot answer only unpublished ones",
                    field=REPLY_TO,
                    value=raw,
                    hint="publish the answered article first",
                )
        for parent in parents.values():
            self._check_dates(node, parent)
            node.parents.append(parent)
            parent.children.append(node)

    def _resolve(
        self, entry: Entry, raw: str, target: Target, title: str | None
    ) -> Node | Withheld | None:
        if isinstance(target, SlugTarget):
            found = self.nodes.get(target.slug)
            if found is not None:
                return found
            if target.slug in self.withheld:
                return self.withheld[target.slug]
            self._unknown_slug(entry.source, raw, target.slug)
            return None
        if isinstance(target, DoiTarget):
            found = self.by_doi.get(target.doi)
            if found is not None:
                return found
            if target.doi in self.withheld_doi:
                return self.withheld_doi[target.doi]
            return self._external(
                entry, target.doi, title, doi=target.doi, href=target.url
            )
        found = self.by_url.get(_url_key(target.url))
        if found is not None:
            return found
        return self._external(entry, target.url, title, href=target.url)

    def _external(
        self,
        entry: Entry,
        key: str,
        title: str | None,
        *,
        href: str,
        doi: str | None = None,
    ) -> Node:
        node = self.externals.get(key)
        if node is None:
            node = Node(key, None, None, doi=doi, href=href)
            self.externals[key] = node
        if node.title is None:
            node.title = title or entry.cited.get(key)
            if node.title is None:
                self.wanted_titles.setdefault(key, []).append(entry.source)
        return node

    def _check_dates(self, node: Node, parent: Node) -> None:
        if parent.external or node.date is None or parent.date is None:
            return
        if node.date < parent.date:
            entry = node.entry
            self.problems.error(
                entry.source,  # type: ignore[union-attr]
                f"this article is dated {node.date:%Y-%m-%d %H:%M}, before"
                f" {parent.key!r} ({parent.entry.source}, dated"  # type: ignore[union-attr]
                f" {parent.date:%Y-%m-%d %H:%M}) which it answers",
                field="Date",
                value=f"{node.date:%Y-%m-%d %H:%M}",
            )

    def _parse(self, source: str, raw: str) -> Target | None:
        """One written target, or None with its problem reported."""
        try:
            return parse_target(raw)
        except TargetSyntaxError as exc:
            self.problems.error(
                source,
                str(exc),
                field=REPLY_TO,
                value=raw,
                hint=did_you_mean(raw.lower(), self.nodes),
            )
            return None

    def _unknown_slug(self, source: str, raw: str, slug: str) -> None:
        self.problems.error(
            source,
            f"{raw!r} is not the slug of any article in the archive, nor a DOI or URL",
            field=REPLY_TO,
            value=raw,
            hint=did_you_mean(slug, self.nodes),
        )

    def check_unseen(self, unseen: Iterable[tuple[str, str | None]]) -> None:
        """The targets of articles that are not in the graph (a file refused
        for another error, a draft checked for publishing): each must name an
        article of the archive, or be a DOI or URL. Nothing is linked."""
        for source, reply_to in unseen:
            if reply_to is None:
                continue
            for raw in split_targets(reply_to):
                target = self._parse(source, raw)
                if isinstance(target, SlugTarget) and not (
                    target.slug in self.nodes or target.slug in self.withheld
                ):
                    self._unknown_slug(source, raw, target.slug)

    # -- whole-graph checks ----------------------------------------------
    def warn_untitled(self) -> None:
        for key, sources in self.wanted_titles.items():
            if self.externals[key].title is None:
                self.problems.warning(
                    sources[0],
                    f"no title is known for the external article {key!r}; it is"
                    " shown by its DOI or URL",
                    field=REPLY_TO,
                    value=key,
                    hint="add Reply_to_title, or cite it in the references",
                )

    def find_cycles(self) -> list[list[Node]]:
        """Strongly connected components of more than one article (Tarjan)."""
        index: dict[int, int] = {}
        low: dict[int, int] = {}
        on_stack: set[int] = set()
        stack: list[Node] = []
        cycles: list[list[Node]] = []
        counter = 0
        for start in self.nodes.values():
            if id(start) in index:
                continue
            work: list[tuple[Node, int]] = [(start, 0)]
            while work:
                node, i = work.pop()
                nid = id(node)
                if i == 0:
                    index[nid] = low[nid] = counter
                    counter += 1
                    stack.append(node)
                    on_stack.add(nid)
                parents = [p for p in node.parents if not p.external]
                if i < len(parents):
                    work.append((node, i + 1))
                    nxt = parents[i]
                    if id(nxt) not in index:
                        work.append((nxt, 0))
                    elif id(nxt) in on_stack:
                        low[nid] = min(low[nid], index[id(nxt)])
                    continue
                if low[nid] == index[nid]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(id(member))
                        component.append(member)
                        if member is node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component, key=lambda n: n.key))
                if work:
                    caller = work[-1][0]
                    low[id(caller)] = min(low[id(caller)], low[nid])
        return cycles

    def report_cycles(self) -> set[int]:
        in_cycle: set[int] = set()
        for cycle in self.find_cycles():
            files = ", ".join(n.entry.source for n in cycle)  # type: ignore[union-attr]
            first = cycle[0]
            self.problems.error(
                first.entry.source,  # type: ignore[union-attr]
                f"replies form a cycle through {len(cycle)} articles: {files};"
                " a debate must start somewhere",
                field=REPLY_TO,
                value=first.entry.reply_to,  # type: ignore[union-attr]
            )
            in_cycle.update(id(n) for n in cycle)
        return in_cycle

    # -- debates ---------------------------------------------------------
    def debates(self) -> list[Debate]:
        for node in self.nodes.values():
            node.children.sort(key=_date_key)
        parent_of: dict[int, Node] = {}

        def find(node: Node) -> Node:
            root = node
            while id(root) in parent_of:
                root = parent_of[id(root)]
            while id(node) in parent_of:  # path compression
                nxt = parent_of[id(node)]
                parent_of[id(node)] = root
                node = nxt
            return root

        for node in self.nodes.values():
            for parent in node.parents:
                a, b = find(node), find(parent)
                if a is not b:
                    parent_of[id(a)] = b

        groups: dict[int, list[Node]] = {}
        for node in self.nodes.values():
            if node.parents or node.children:
                groups.setdefault(id(find(node)), []).append(node)
        debates = [self._debate(members) for members in groups.values()]
        debates.sort(key=lambda d: (d.last_date, d.slug), reverse=True)
        return debates

    def _debate(self, articles: list[Node]) -> Debate:
        articles.sort(key=_date_key)
        externals: dict[int, Node] = {}
        for node in articles:
            for parent in node.parents:
                if parent.external:
                    externals.setdefault(id(parent), parent)
        starters = [n for n in articles if not n.parents]
        if starters:
            root = starters[0]
        else:
            # Every article answers something: the debate began outside the
            # archive, with what its earliest article answers. (With none
            # outside, the articles form a cycle, already reported.)
            outside = (p for n in articles for p in n.parents if p.external)
            root = next(outside, articles[0])
        slug = root.key if not root.external else articles[0].key
        tree = _tree(root, articles, list(externals.values()))
        debate = Debate(slug, root, articles, tree, list(externals.values()))
        for node in articles:
            node.debate = debate
        for node in externals.values():
            node.debate = debate
        return debate


def _tree(root: Node, articles: list[Node], externals: list[Node]) -> list[TreeItem]:
    """Pre-order walk: each article under the first thing it answers."""
    tops = [root]
    tops += [n for n in externals if n is not root]
    tops += [n for n in articles if not n.parents and n is not root]
    tops[1:] = sorted(tops[1:], key=_first_seen)
    items: list[TreeItem] = []
    placed: set[int] = set()
    for top in tops:
        stack: list[tuple[Node, int]] = [(top, 0)]
        while stack:
            node, depth = stack.pop()
            if id(node) in placed:
                continue
            placed.add(id(node))
            primary = node.parents[0] if node.parents else None
            also = tuple(p for p in node.parents if p is not primary)
            items.append(TreeItem(node, depth, also))
            children = [c for c in node.children if c.parents[0] is node]
            stack.extend((c, depth + 1) for c in reversed(children))
    # Anything left (only possible inside a cycle) is listed flat, not lost.
    items.extend(TreeItem(n, 0) for n in articles if id(n) not in placed)
    return items


def _first_seen(node: Node) -> tuple:
    if not node.external:
        return _date_key(node)
    return min((_date_key(c) for c in node.children), default=(True, datetime.min, ""))


def _url_key(url: str) -> str:
    """URLs compare without scheme, trailing slash or ``index.html``."""
    key = url.strip().split("://", 1)[-1]
    key = key.removesuffix("index.html").rstrip("/")
    return key.lower()


def build_graph(
    entries: Sequence[Entry],
    withheld: Iterable[Withheld] = (),
    problems: Problems | None = None,
    unseen: Iterable[tuple[str, str | None]] = (),
) -> Graph:
    """Resolve every ``Reply_to``, check the whole graph, and find the debates.

    ``unseen``: (source, Reply_to) of articles left out of the graph whose
    targets are still checked (:meth:`_Builder.check_unseen`)."""
    problems = problems if problems is not None else Problems()
    builder = _Builder(problems)
    builder.index(entries, withheld)
    builder.link()
    builder.check_unseen(unseen)
    builder.report_cycles()
    builder.warn_untitled()
    for external in builder.externals.values():
        external.children.sort(key=_date_key)
    debates = builder.debates()
    return Graph(builder.nodes, builder.externals, debates, problems)


__all__ = [
    "Debate",
    "Entry",
    "Graph",
    "Node",
    "Severity",
    "TreeItem",
    "Withheld",
    "build_graph",
]
