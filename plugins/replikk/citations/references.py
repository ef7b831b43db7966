"""An article's reference list and its in-text citations, in rendered HTML.

Plain Python on the HTML that Python-Markdown wrote: no Pelican here.

The reference list is the ordered list after a heading named ``Referanser`` or
``References`` (the names are a setting). Each entry gets an anchor
(``#ref-3``), links made from what it contains (a DOI, a PMID, URLs), a
Crossref search when it has no DOI, a link to our own page when it cites an
article of the archive, and links back to every place it is cited. In the text
before the list, citations ``(1)``, ``(2, 5)`` and ``(3–5)`` link to their
entries when every number in them is in the list, so years like ``(2007)`` and
numbers that are not references are left alone.

The archive may hold tens of thousands of articles, so only the reference list
is parsed with beautifulsoup4; the text before it is scanned as a stream of
tags and text, and citations are looked for in text outside links and code.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

from bs4 import BeautifulSoup, Tag

_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_OL_OPEN = re.compile(r"<ol\b[^>]*>", re.IGNORECASE)
_OL_CLOSE = re.compile(r"</ol\s*>", re.IGNORECASE)

# Identifiers in a reference's text. A DOI's suffix may hold almost anything,
# parentheses included (10.1016/S0140-6736(18)30489-6); trailing punctuation
# and unbalanced closing brackets are trimmed afterwards.
_IDENTIFIER = re.compile(
    r"(?P<url>https?://[^\s<>\"]+)"
    r"|(?P<doilabel>\bdoi:\s*)?(?<![\w./-])(?P<doi>10\.\d{4,9}/[^\s<>\"]+)"
    r"|(?P<pmidlabel>\bPMID:?\s*)(?P<pmid>\d{1,9})\b",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://\S+")
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/.+)$", re.IGNORECASE)

# A citation: numbers and ranges in parentheses, e.g. (1), (2, 5), (3–5).
_DASH = r"(?:–|—|-|&ndash;|&#8211;|&mdash;)"
_ITEM = rf"\d{{1,4}}(?:\s*{_DASH}\s*\d{{1,4}})?"
_CITATION = re.compile(rf"\((?P<items>{_ITEM}(?:\s*,\s*{_ITEM})*)\)")
_RANGE = re.compile(rf"^(\d+)\s*{_DASH}\s*(\d+)$")
_SKIP_INSIDE = {"a", "code", "pre", "script", "style", "kbd", "samp"}
_LONGEST_RANGE = 100  # a "range" longer than this is not a citation

DOI_RESOLVER = "https://doi.org/"
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
CROSSREF_SEARCH = "https://search.crossref.org/search/works?q={query}&from_ui=yes"


@dataclass(slots=True)
class Reference:
    """One entry of a reference list."""

    number: int
    text: str  # plain text, whitespace collapsed
    doi: str | None = None  # as written, without a "doi:" label
    pmid: str | None = None
    urls: list[str] = field(default_factory=list)  # other than doi.org links

    @property
    def doi_url(self) -> str | None:
        return doi_url(self.doi) if self.doi else None

    @property
    def title(self) -> str:
        """The title in a Vancouver reference: the sentence after the authors."""
        parts = [p.strip() for p in re.split(r"(?<=[.?!])\s+", self.text) if p]
        if len(parts) >= 2:
            return parts[1].rstrip(".")
        return self.text

    @property
    def keys(self) -> list[str]:
        """What identifies the cited work: its DOI (lower case), its URLs."""
        keys = [self.doi.lower()] if self.doi else []
        return keys + self.urls


@dataclass(slots=True)
class Labels:
    """Words the links are made of, in the article's language."""

    back: str = "Back to the text ({n})"
    archive: str = "In this archive"
    crossref: str = "Search Crossref"


@dataclass(slots=True)
class Linked:
    """An article's HTML with its references linked, and what was found."""

    html: str
    references: list[Reference]
    cited_at: dict[int, list[str]]  # reference number -> ids of its citations
    missing: list[str] = field(default_factory=list)  # e.g. "(7)" with 6 entries


def doi_url(doi: str) -> str:
    """The resolver link for a DOI, with only unsafe characters escaped."""
    return DOI_RESOLVER + quote(doi, safe="/:;()[]-._~!$'*+,=@")


def url_key(url: str) -> str:
    """URLs compare without scheme, trailing slash or ``index.html``."""
    key = url.strip().split("://", 1)[-1]
    return key.removesuffix("index.html").rstrip("/").lower()


def _trim(text: str) -> str:
    """Drop trailing punctuation and closing brackets that do not belong."""
    while text:
        last = text[-1]
        if last in ".,;:'\"" or (
            (last == ")" and text.count("(") < text.count(")"))
            or (last == "]" and text.count("[") < text.count("]"))
        ):
            text = text[:-1]
        else:
            break
    return text


def _plain(html: str) -> str:
    return " ".join(htmllib.unescape(_TAG.sub("", html)).split())


def find_section(html: str, headings: list[str]) -> tuple[int, int, int] | None:
    """Where the reference list is: (heading start, list start, list end).

    The last heading named in ``headings`` counts, and the first ordered list
    after it before any other heading.
    """
    if not html:
        return None
    wanted = {h.strip().lower() for h in headings}
    found = None
    for match in _HEADING.finditer(html):
        if _plain(match.group(2)).lower() in wanted:
            found = match
    if found is None:
        return None
    opening = _OL_OPEN.search(html, found.end())
    if opening is None:
        return None
    between = html[found.end() : opening.start()]
    if _HEADING.search(between) or re.search(r"<h[1-6]\b", between, re.I):
        return None
    closing = _OL_CLOSE.search(html, opening.end())
    end = closing.end() if closing else len(html)
    return found.start(), opening.start(), end


def _items(soup: BeautifulSoup) -> list[tuple[int, Tag]]:
    ol = soup.find("ol")
    if ol is None:
        return []
    try:
        start = int(str(ol.get("start", "1")))
    except ValueError:
        start = 1
    items = ol.find_all("li", recursive=False)
    return [(start + i, li) for i, li in enumerate(items)]


def _reference(number: int, li: Tag) -> Reference:
    text = " ".join(li.get_text(" ").split())
    ref = Reference(number, text)
    for link in li.find_all("a", href=True):
        match = _IDENTIFIER.match(str(link["href"]))
        if match is not None:
            _note(ref, match)
    for match in _IDENTIFIER.finditer(text):
        _note(ref, match)
    return ref


def _note(ref: Reference, match: re.Match) -> None:
    if match.group("url"):
        url = _trim(match.group("url"))
        as_doi = _DOI_URL.match(url)
        if as_doi:
            ref.doi = ref.doi or as_doi.group(1)
        elif url not in ref.urls:
            ref.urls.append(url)
    elif match.group("doi"):
        ref.doi = ref.doi or _trim(match.group("doi"))
    elif match.group("pmid"):
        ref.pmid = ref.pmid or match.group("pmid")


def parse_references(html: str, headings: list[str]) -> list[Reference]:
    """The entries of the reference list, or none if there is no list."""
    section = find_section(html, headings)
    if section is None:
        return []
    _, start, end = section
    soup = BeautifulSoup(html[start:end], "html.parser")
    return [_reference(n, li) for n, li in _items(soup)]


def cited_titles(html: str, headings: list[str]) -> dict[str, str]:
    """Each reference's title by its lower-case DOI and by each of its URLs."""
    found: dict[str, str] = {}
    for ref in parse_references(html, headings):
        for key in ref.keys:
            found.setdefault(key, ref.title)
        if ref.doi_url:
            found.setdefault(ref.doi_url, ref.title)
    return found


def _years(numbers: list[int]) -> bool:
    return any(1800 <= n <= 2100 for n in numbers)


def _numbers(items: str, known: set[int] | None) -> list[int] | None:
    """The reference numbers a citation names, or None if it is not one
    (with ``known`` None: the numbers, whether in the list or not)."""
    numbers: list[int] = []
    for raw in items.split(","):
        part = raw.strip()
        span = _RANGE.match(part)
        if span:
            first, last = int(span.group(1)), int(span.group(2))
            if not first < last or last - first > _LONGEST_RANGE:
                return None
            wanted = list(range(first, last + 1))
        else:
            wanted = [int(part)]
        if known is not None and not all(n in known for n in wanted):
            return None
        numbers += wanted
    return numbers


def _is_missing(items: str, known: set[int]) -> bool:
    """A citation such as ``(7)`` naming numbers the reference list lacks.

    A group with a year in it, ``(2007)`` or ``(1999, 2004)``, is no citation.
    """
    numbers = _numbers(items, None)
    return (
        bool(numbers) and not _years(numbers) and not all(n in known for n in numbers)
    )


def _link_citation(match: re.Match, cite_id: str, page: str = "") -> str:
    """``(2, 5)`` → ``(<a href="#ref-2">2</a>, <a href="#ref-5">5</a>)``."""
    inner = re.sub(
        r"\d+",
        lambda m: f'<a href="{page}#ref-{int(m.group(0))}">{m.group(0)}</a>',
        match.group("items"),
    )
    return f'<span class="citation" id="{cite_id}">({inner})</span>'


def link_citations(
    html: str, known: set[int], page: str = "", missing: list[str] | None = None
) -> tuple[str, dict[int, list[str]]]:
    """Link every citation in ``html`` whose numbers are all in ``known``.

    ``page`` goes before each ``#ref-N`` (see :func:`link_references`).
    Citations naming numbers the list lacks are appended to ``missing``.
    """
    cited_at: dict[int, list[str]] = {}
    if not known:
        return html, cited_at
    out: list[str] = []
    skipping = 0
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        numbers = _numbers(match.group("items"), known)
        if numbers is None:
            if missing is not None and _is_missing(match.group("items"), known):
                missing.append(match.group(0))
            return match.group(0)
        count += 1
        cite_id = f"cite-{count}"
        for number in dict.fromkeys(numbers):
            cited_at.setdefault(number, []).append(cite_id)
        return _link_citation(match, cite_id, page)

    for piece in re.split(r"(<[^>]*>)", html):
        if piece.startswith("<"):
            closing, name = _tag(piece)
            if name in _SKIP_INSIDE:
                skipping = max(0, skipping + _depth_change(piece, closing))
            out.append(piece)
            continue
        if skipping or "(" not in piece:
            out.append(piece)
            continue
        out.append(_CITATION.sub(replace, piece))
    return "".join(out), cited_at


def _link(href: str, text: str, cls: str | None = None, label: str | None = None):
    attrs = f' href="{htmllib.escape(href)}"'
    if cls:
        attrs += f' class="{cls}"'
    if label:
        attrs += f' aria-label="{htmllib.escape(label)}"'
    return f"<a{attrs}>{text}</a>"


def _linkify(text: str) -> str:
    """Turn the DOI, PMID and URLs in a piece of an entry's text into links.

    ``text`` is HTML text (entities escaped): link texts keep it as written,
    hrefs are made from its unescaped value.
    """

    def replace(match: re.Match) -> str:
        if match.group("url"):
            target = _trim(match.group("url"))
            value = htmllib.unescape(target)
            as_doi = _DOI_URL.match(value)
            href = doi_url(as_doi.group(1)) if as_doi else value
            begin = match.start("url")
        elif match.group("doi"):
            target = _trim(match.group("doi"))
            href = doi_url(htmllib.unescape(target))
            begin = match.start("doi")
        else:
            target = match.group("pmid")
            href = PUBMED.format(pmid=target)
            begin = match.start("pmid")
        lead = text[match.start() : begin]
        rest = match.group(0)[begin - match.start() + len(target) :]
        return f"{lead}{_link(href, target)}{rest}"

    return _IDENTIFIER.sub(replace, text)


def _tag(piece: str) -> tuple[bool, str]:
    """Whether a tag closes, and its lower-case name."""
    match = re.match(r"<(/?)\s*([a-zA-Z0-9]+)", piece)
    if match is None:  # a comment, a doctype
        return False, ""
    return match.group(1) == "/", match.group(2).lower()


def _depth_change(piece: str, closing: bool) -> int:
    if closing:
        return -1
    return 0 if piece.endswith("/>") else 1


def _anchored(li: str, number: int) -> str:
    """``<li>`` → ``<li id="ref-3">``, unless the entry has an id already."""
    if re.search(r"\sid\s*=", li):
        return li
    return f'<li id="ref-{number}"' + li[3:]


def _rewrite_list(ol: str, extras: list[tuple[int, str]]) -> str:
    """The list with each entry anchored, its identifiers linked, and
    ``extras[i]`` (the entry's number, more links) put at the end of entry i.

    Works on the HTML as a stream of tags and text, as the citations do:
    rewriting it through a parse tree would cost more than the parse.
    """
    out: list[str] = []
    lists = 0  # depth of <ol>/<ul>: entries are the <li> at depth 1
    skipping = 0  # inside <a>, <code>, …
    index = -1
    open_item = False

    def close_item() -> None:
        nonlocal open_item
        if open_item and 0 <= index < len(extras):
            out.append(extras[index][1])
        open_item = False

    for piece in re.split(r"(<[^>]*>)", ol):
        if not piece.startswith("<"):
            out.append(piece if skipping or not open_item else _linkify(piece))
            continue
        closing, name = _tag(piece)
        tag = piece
        if name in {"ol", "ul"}:
            if closing and lists == 1:
                close_item()
            lists += -1 if closing else 1
        elif name == "li" and lists == 1:
            close_item()
            if not closing:
                index += 1
                open_item = True
                if index < len(extras):
                    tag = _anchored(piece, extras[index][0])
        elif name in _SKIP_INSIDE:
            skipping = max(0, skipping + _depth_change(piece, closing))
        out.append(tag)
    close_item()
    return "".join(out)


def link_references(
    html: str,
    headings: list[str],
    labels: Labels | None = None,
    archive: Callable[[Reference], str | None] | None = None,
    page: str = "",
) -> Linked:
    """Anchor and link the reference list, and link the citations to it.

    ``archive`` gives the href of our own page for a reference that cites an
    article of the archive, or None. ``page`` is put before every ``#ref-N``
    and ``#cite-N`` link, so that the links still lead to the right place
    when the HTML is shown elsewhere (a summary on a list page, a feed).
    """
    labels = labels or Labels()
    section = find_section(html, headings)
    if section is None:
        return Linked(html, [], {})
    heading, start, end = section
    soup = BeautifulSoup(html[start:end], "html.parser")
    items = _items(soup)
    references = [_reference(n, li) for n, li in items]
    known = {r.number for r in references}
    missing: list[str] = []
    body, cited_at = link_citations(html[:heading], known, page, missing)
    extras: list[tuple[int, str]] = []
    for ref in references:
        more = []
        own = archive(ref) if archive else None
        if own:
            more.append(_link(own, htmllib.escape(labels.archive), "ref-archive"))
        if ref.doi is None:
            query = quote_plus(" ".join(_URL.sub(" ", ref.text).split()))
            more.append(
                _link(
                    CROSSREF_SEARCH.format(query=query),
                    htmllib.escape(labels.crossref),
                    "ref-search",
                )
            )
        places = cited_at.get(ref.number, [])
        for i, cite_id in enumerate(places, start=1):
            arrow = "↑" if len(places) == 1 else f"↑{i}"
            # The arrow is seen, the words are heard (an aria-label that
            # differs from the visible text fails WCAG 2.5.3).
            label = htmllib.escape(labels.back.format(n=i))
            text = (
                f'<span aria-hidden="true">{arrow}</span>'
                f'<span class="visually-hidden">{label}</span>'
            )
            more.append(_link(f"{page}#{cite_id}", text, "ref-back"))
        extras.append((ref.number, "".join(f" {m}" for m in more)))
    ol = _rewrite_list(html[start:end], extras)
    rebuilt = body + html[heading:start] + ol + html[end:]
    return Linked(rebuilt, references, cited_at, list(dict.fromkeys(missing)))
