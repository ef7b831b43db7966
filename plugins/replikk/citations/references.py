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

The archive may hold tens of thousands of articles, so nothing here builds a
parse tree of a whole article. The reference list is read as a stream of tags
and text when its HTML is plain and well nested, as Python-Markdown writes it,
and gives there exactly what beautifulsoup4 would; anything else (a comment,
an unclosed tag, a ``<script>``) is parsed with beautifulsoup4. In the text
before the list only the citations and the tags that matter are looked at:
citations are linked in text outside links and code.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote, quote_plus

_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
# A link to an anchor inside a heading (Markdown's toc ``permalink``: "¶"):
# a way to the heading, not a word of its name.
_SELF_LINK = re.compile(r"<a\b[^>]*\bhref=[\"']#[^>]*>.*?</a\s*>", re.I | re.DOTALL)
_OL_OPEN = re.compile(r"<ol\b[^>]*>", re.IGNORECASE)
_OL_CLOSE = re.compile(r"</ol\s*>", re.IGNORECASE)
_PIECES = re.compile(r"(<[^>]*>)")  # HTML as a stream: text, tag, text, …
_TAG_NAME = re.compile(r"<(/?)\s*([a-zA-Z0-9]+)")
_HAS_ID = re.compile(r"\sid\s*=")
_HTML_SPECIAL = re.compile("[&<>\"']")  # what html.escape replaces
_SENTENCES = re.compile(r"(?<=[.?!])\s+")

# A tag as Python-Markdown writes one: a name, attributes with quoted values.
# A list made only of such tags, well nested, reads the same as a stream as
# it does through beautifulsoup4's html.parser (see _entries).
_SPACE = "[ \t\n\r\f]"
_ATTRIBUTE = (
    rf"{_SPACE}+([a-zA-Z_:][-a-zA-Z0-9_:.]*)"
    rf"(?:{_SPACE}*={_SPACE}*(?:\"([^\"<]*)\"|'([^'<]*)'))?"
)
_PLAIN_TAG = re.compile(
    rf"<(?:(?P<name>[a-zA-Z][a-zA-Z0-9]*)(?P<attrs>(?:{_ATTRIBUTE})*){_SPACE}*"
    rf"(?P<empty>/?)|/(?P<end>[a-zA-Z][a-zA-Z0-9]*){_SPACE}*)>"
)
_PLAIN_ATTRIBUTE = re.compile(_ATTRIBUTE)
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);")
_VOID = frozenset({"br", "hr", "img", "wbr"})  # void in beautifulsoup4 too
# Elements whose content an HTML parser reads as raw text, or whose strings
# beautifulsoup4 keeps apart from the text: a list with one goes to it.
_RAW = frozenset(
    {"script", "style", "template", "textarea", "title", "xmp", "iframe"}
    | {"noembed", "noframes", "noscript", "plaintext", "rt", "rp"}
)

# Identifiers in a reference's text. A DOI's suffix may hold almost anything,
# parentheses included (10.1016/S0140-6736(18)30489-6); trailing punctuation
# and unbalanced closing brackets are trimmed afterwards. The lookahead names
# the letters a match can start with: it finds the same matches, four times as
# fast, as the regex engine then skips every other letter at once.
_IDENTIFIER = re.compile(
    r"(?=[hHdD1pP])"
    r"(?:(?P<url>https?://[^\s<>\"]+)"
    r"|(?P<doilabel>\bdoi:\s*)?(?<![\w./-])(?P<doi>10\.\d{4,9}/[^\s<>\"]+)"
    r"|(?P<pmidlabel>\bPMID:?\s*)(?P<pmid>\d{1,9})\b)",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://\S+")
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/.+)$", re.IGNORECASE)

# A citation: numbers and ranges in parentheses, e.g. (1), (2, 5), (3–5).
_DASH = r"(?:–|—|-|&ndash;|&#8211;|&mdash;)"
_ITEM = rf"\d{{1,4}}(?:\s*{_DASH}\s*\d{{1,4}})?"
_CITATION = re.compile(rf"\((?P<items>{_ITEM}(?:\s*,\s*{_ITEM})*)\)")
_NUMBER = re.compile(r"\d+")
_RANGE = re.compile(rf"^(\d+)\s*{_DASH}\s*(\d+)$")
_SKIP_INSIDE = {"a", "code", "pre", "script", "style", "kbd", "samp"}
_LISTS = {"ol", "ul"}
# Where such an element may start or end: "<a", "</CODE" (see _skip_depths).
_SKIP_TAG = re.compile(
    r"<(/?)\s*(?:"
    + "|".join("".join(f"[{c}{c.upper()}]" for c in name) for name in _SKIP_INSIDE)
    + r")(?![a-zA-Z0-9])"
)
_LONGEST_RANGE = 100  # a "range" longer than this is not a citation

# The class of the links made of a reference's DOI, PMID or URL: their text
# is the identifier, so a printed page needs no address after them.
IDENTIFIER_CLASS = "ref-id"
# A part of a URL shown as text that must not break (see _breakable).
KEEP_CLASS = "keep"
# Where a URL shown as text may break (see _breakable).
_URL_BREAK = re.compile(r"(?<=//)(?=.)|(?<=[^/:])(?=[/.\-_?#&=~%])")

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
        parts = [p.strip() for p in _SENTENCES.split(self.text) if p]
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
        if _plain(_SELF_LINK.sub("", match.group(2))).lower() in wanted:
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


def _entries(ol: str) -> list[tuple[int, str, list[str]]]:
    """Each entry of the list as (number, its text with whitespace collapsed,
    the hrefs of its links)."""
    entries = _plain_entries(_PIECES.split(ol))
    return _parsed_entries(ol) if entries is None else entries


def _parsed_entries(ol: str) -> list[tuple[int, str, list[str]]]:
    """:func:`_entries` for any HTML, through beautifulsoup4's parse tree."""
    from bs4 import BeautifulSoup  # noqa: PLC0415 -- rarely needed: 0.1 s

    tree = BeautifulSoup(ol, "html.parser").find("ol")
    if tree is None:
        return []
    try:
        start = int(str(tree.get("start", "1")))
    except ValueError:
        start = 1
    return [
        (
            start + i,
            " ".join(li.get_text(" ").split()),
            [str(a["href"]) for a in li.find_all("a", href=True)],
        )
        for i, li in enumerate(tree.find_all("li", recursive=False))
    ]


@lru_cache(maxsize=1024)
def _entity(reference: str) -> str:
    """The text beautifulsoup4 makes of a character reference such as ``&amp;``."""
    from bs4 import BeautifulSoup  # noqa: PLC0415 -- rarely needed: 0.1 s

    return BeautifulSoup(f"<b>x{reference}x</b>", "html.parser").b.get_text()[1:-1]


def _plain_text(piece: str) -> str | None:
    """A run of text as beautifulsoup4 reads it; None if it holds a ``<`` or
    an ``&`` that does not start a character reference."""
    if "<" in piece:
        return None
    if "&" not in piece:
        return piece
    if piece.count("&") != len(_ENTITY.findall(piece)):
        return None
    return _ENTITY.sub(lambda m: _entity(m.group(0)), piece)


def _attributes(tag: re.Match) -> dict[str, str]:
    """A plain tag's attributes as html.parser gives them (last one wins)."""
    found = {}
    for attr in _PLAIN_ATTRIBUTE.finditer(tag.group("attrs")):
        value = attr.group(2) if attr.group(2) is not None else attr.group(3)
        found[attr.group(1).lower()] = htmllib.unescape(value) if value else ""
    return found


class _PlainList:
    """The state of :func:`_plain_entries` as it reads the stream."""

    def __init__(self) -> None:
        self.open: list[str] = []  # open elements, the list's <ol> first
        self.entries: list[tuple[int, str, list[str]]] = []
        self.texts: list[str] | None = None  # the open entry's text, if any
        self.hrefs: list[str] = []  # … and its links
        self.start = 1

    def add_entry(self) -> None:
        text = " ".join(" ".join(self.texts or ()).split())
        self.entries.append((self.start + len(self.entries), text, self.hrefs))
        self.texts = None

    def start_tag(self, tag: re.Match, first: bool) -> bool:
        """Read a start tag; False if the list is not plain."""
        name = tag.group("name").lower()
        empty = bool(tag.group("empty")) or name in _VOID
        if name in _RAW or (not self.open and not (first and name == "ol")):
            return False
        if not self.open:  # the list itself
            if empty:
                return False
            try:
                self.start = int(_attributes(tag).get("start", "1"))
            except ValueError:
                self.start = 1
        elif name == "li" and len(self.open) == 1:
            self.texts, self.hrefs = [], []
            if empty:
                self.add_entry()
        elif name == "a" and self.texts is not None:
            attributes = _attributes(tag)
            if "href" in attributes:
                self.hrefs.append(attributes["href"])
        if not empty:
            self.open.append(name)
        return True

    def end_tag(self, tag: re.Match, last: bool) -> bool:
        """Read an end tag; False if the list is not plain."""
        name = tag.group("end").lower()
        if not self.open or self.open[-1] != name or name in _VOID:
            return False
        self.open.pop()
        if not self.open and not last:
            return False  # more after the list's end
        if self.texts is not None and len(self.open) == 1:
            self.add_entry()
        return True


def _plain_entries(pieces: list[str]) -> list[tuple[int, str, list[str]]] | None:
    """:func:`_parsed_entries` for a list of plain, well-nested tags read as a
    stream (``pieces``: text, tag, text, …, from ``<ol>`` to ``</ol>``); None
    for any other list.

    beautifulsoup4 makes a text node of each run of text between two tags and
    gives an element everything up to its end tag; with only plain tags, each
    closed in order, the stream has the same nodes in the same places.
    """
    state = _PlainList()
    for i, piece in enumerate(pieces):
        if not i % 2:  # text
            text = _plain_text(piece)
            if text is None:
                return None
            if state.texts is not None and text:
                state.texts.append(text)
            continue
        tag = _PLAIN_TAG.fullmatch(piece)
        if tag is None:
            return None
        if tag.group("end") is None:
            plain = state.start_tag(tag, first=i == 1)
        else:
            plain = state.end_tag(tag, last=i == len(pieces) - 2)
        if not plain:
            return None
    return None if state.open else state.entries


def _reference(number: int, text: str, hrefs: list[str]) -> Reference:
    ref = Reference(number, text)
    for href in hrefs:
        match = _IDENTIFIER.match(href)
        if match is not None:
            _note(ref, match)
    for match in _IDENTIFIER.finditer(ref.text):
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
    return [_reference(*entry) for entry in _entries(html[start:end])]


def cited_titles(html: str, headings: list[str]) -> dict[str, str]:
    """Each reference's title by its lower-case DOI and by each of its URLs."""
    return titles_by_key(parse_references(html, headings))


def titles_by_key(references: list[Reference]) -> dict[str, str]:
    """:func:`cited_titles` of references already parsed."""
    found: dict[str, str] = {}
    for ref in references:
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
        if known is not None and not known.issuperset(wanted):
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
    inner = _NUMBER.sub(
        lambda m: f'<a href="{page}#ref-{int(m.group(0))}">{m.group(0)}</a>',
        match.group("items"),
    )
    return f'<span class="citation" id="{cite_id}">({inner})</span>'


def _in_tag(html: str, at: int) -> bool:
    """Whether ``at`` is in a tag of ``html`` read as a stream of tags ``<…>``
    and text: a tag runs from the first ``<`` after a ``>`` (or after the
    start) to the next ``>``; what follows the last ``>`` is text, or read as
    a tag if it starts with ``<``."""
    closed = html.rfind(">", 0, at)
    if html.find(">", at) < 0:
        return html.startswith("<", closed + 1)
    return html.rfind("<", 0, at) > closed


def _skip_depths(html: str) -> list[tuple[int, int]]:
    """Where the elements citations are not looked for in (``<a>``,
    ``<code>``, …) open and close: (position of the tag, depth after it)."""
    depths = []
    depth = 0
    for match in _SKIP_TAG.finditer(html):
        at = match.start()
        end = html.find(">", at)
        if end < 0:
            break  # no tag from here on, only text
        if html.rfind("<", 0, at) > html.rfind(">", 0, at):
            continue  # "<a" inside another tag: an attribute's value
        if match.group(1):
            depth = max(0, depth - 1)
        elif html[end - 1] != "/":  # not <a/>
            depth += 1
        depths.append((at, depth))
    return depths


def link_citations(
    html: str, known: set[int], page: str = "", missing: list[str] | None = None
) -> tuple[str, dict[int, list[str]]]:
    """Link every citation in ``html`` whose numbers are all in ``known``.

    ``page`` goes before each ``#ref-N`` (see :func:`link_references`).
    Citations naming numbers the list lacks are appended to ``missing``.
    Citations in tags (an attribute's value) and inside links and code are
    left alone.
    """
    cited_at: dict[int, list[str]] = {}
    if not known:
        return html, cited_at
    # A citation holds no "<" or ">", so each one found in the whole text lies
    # in one tag or in one stretch of text between tags: looking at the few
    # citations, not at every tag, is enough.
    found = list(_CITATION.finditer(html))
    if not found:
        return html, cited_at
    depths = _skip_depths(html) if "<" in html else []
    out: list[str] = []
    done = 0  # html[:done] is in out
    count = 0
    step = 0  # depths[:step] lie before the citation at hand
    for match in found:
        at = match.start()
        while step < len(depths) and depths[step][0] < at:
            step += 1
        if (step and depths[step - 1][1]) or _in_tag(html, at):
            continue
        items = match.group("items")
        numbers = _numbers(items, known)
        if numbers is None:
            if missing is not None and _is_missing(items, known):
                missing.append(match.group(0))
            continue
        count += 1
        cite_id = f"cite-{count}"
        for number in dict.fromkeys(numbers):
            cited_at.setdefault(number, []).append(cite_id)
        out += (html[done:at], _link_citation(match, cite_id, page))
        done = match.end()
    out.append(html[done:])
    return "".join(out), cited_at


def _escape(text: str) -> str:
    """``html.escape``, which most hrefs and labels need nothing of."""
    return htmllib.escape(text) if _HTML_SPECIAL.search(text) else text


def _link(href: str, text: str, cls: str | None = None, label: str | None = None):
    attrs = f' href="{_escape(href)}"'
    if cls:
        attrs += f' class="{cls}"'
    if label:
        attrs += f' aria-label="{_escape(label)}"'
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
        shown = _breakable(target) if match.group("url") else target
        return f"{lead}{_link(href, shown, IDENTIFIER_CLASS)}{rest}"

    return _IDENTIFIER.sub(replace, text)


def _breakable(url: str) -> str:
    """A URL's HTML text with ``<wbr>`` where a line may break (after ``//``,
    before ``/ . - _ ? # & = ~ %``), so a long address wraps between its parts
    on a narrow screen and on paper, never inside a word.

    Browsers also break after a hyphen, which on paper reads as a word split
    in two (and text extraction joins it up without the hyphen): a part that
    starts with one is kept whole (``<span class="keep">``)."""
    value = htmllib.unescape(url)
    parts = _URL_BREAK.split(value)
    if len(parts) == 1:
        return url
    shown = []
    for part in parts:
        text = htmllib.escape(part, quote=False)
        kept = part.startswith("-")
        shown.append(f'<span class="{KEEP_CLASS}">{text}</span>' if kept else text)
    return "<wbr>".join(shown)


def _tag(piece: str) -> tuple[bool, str]:
    """Whether a tag closes, and its lower-case name."""
    match = _TAG_NAME.match(piece)
    if match is None:  # a comment, a doctype
        return False, ""
    return match.group(1) == "/", match.group(2).lower()


def _anchored(li: str, number: int) -> str:
    """``<li>`` → ``<li id="ref-3">``, unless the entry has an id already."""
    if _HAS_ID.search(li):
        return li
    return f'<li id="ref-{number}"' + li[3:]


def _rewrite_list(pieces: list[str], extras: list[tuple[int, str]]) -> str:
    """The list (``pieces``: its text and tags) with each entry anchored, its
    identifiers linked, and ``extras[i]`` (the entry's number, more links) put
    at the end of entry i.

    Works on the HTML as a stream of tags and text, as the citations do:
    rewriting it through a parse tree would cost more than the parse.
    """
    out: list[str] = []
    lists = 0  # depth of <ol>/<ul>: entries are the <li> at depth 1
    skipping = 0  # inside <a>, <code>, …
    index = -1
    open_item = False
    for piece in pieces:
        if not piece.startswith("<"):
            out.append(piece if skipping or not open_item else _linkify(piece))
            continue
        closing, name = _tag(piece)
        tag = piece
        if open_item and lists == 1 and (name == "li" or (closing and name in _LISTS)):
            if index < len(extras):
                out.append(extras[index][1])  # the end of the entry
            open_item = False
        if name in _LISTS:
            lists += -1 if closing else 1
        elif name == "li" and lists == 1 and not closing:
            index += 1
            open_item = True
            if index < len(extras):
                tag = _anchored(piece, extras[index][0])
        elif name in _SKIP_INSIDE:
            skipping = max(0, skipping - 1) if closing else skipping + _opens(piece)
        out.append(tag)
    if open_item and index < len(extras):
        out.append(extras[index][1])
    return "".join(out)


def _opens(tag: str) -> int:
    """1 for a start tag, 0 for an empty one (``<a/>``)."""
    return 0 if tag.endswith("/>") else 1


# Where what only the whole archive knows goes, when the references are
# linked as the file is read (see :func:`link_references`); filled in by
# :func:`fill_marks`. Characters of Unicode's private use area: no text holds
# them (a text that does is linked the slow way).
ARCHIVE_MARK = "\ue000"
PAGE_MARK = "\ue001"
_ARCHIVE_LINK = re.compile(
    f' <a href="{ARCHIVE_MARK}(\\d+){ARCHIVE_MARK}" class="ref-archive">[^<]*</a>'
)


def archive_mark(ref: Reference) -> str | None:
    """The ``archive`` of :func:`link_references` when the archive is not yet
    known: a mark for each reference that may cite an article of it."""
    return f"{ARCHIVE_MARK}{ref.number}{ARCHIVE_MARK}" if ref.keys else None


def fill_marks(html: str, archive: dict[int, str], page: str) -> str:
    """HTML linked with :func:`archive_mark` and :data:`PAGE_MARK` as what
    :func:`link_references` makes with ``archive`` (our page for each
    reference number that cites an article of the archive) and ``page``."""
    if ARCHIVE_MARK in html:

        def archived(match: re.Match) -> str:
            own = archive.get(int(match.group(1)))
            if own is None:
                return ""
            whole = match.group(0)
            start, end = match.span(1)
            start, end = start - match.start() - 1, end - match.start() + 1
            return whole[:start] + _escape(own) + whole[end:]

        html = _ARCHIVE_LINK.sub(archived, html)
    if PAGE_MARK in html:
        html = html.replace(f'"{PAGE_MARK}#ref-', f'"{page}#ref-')
        html = html.replace(f'"{PAGE_MARK}#cite-', f'"{_escape(page)}#cite-')
    return html


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
    ol = html[start:end]
    pieces = _PIECES.split(ol)
    entries = _plain_entries(pieces)
    if entries is None:
        entries = _parsed_entries(ol)
    references = [_reference(*entry) for entry in entries]
    known = {r.number for r in references}
    missing: list[str] = []
    body, cited_at = link_citations(html[:heading], known, page, missing)
    extras: list[tuple[int, str]] = []
    for ref in references:
        more = []
        own = archive(ref) if archive else None
        if own:
            more.append(_link(own, _escape(labels.archive), "ref-archive"))
        if ref.doi is None:
            query = quote_plus(" ".join(_URL.sub(" ", ref.text).split()))
            more.append(
                _link(
                    CROSSREF_SEARCH.format(query=query),
                    _escape(labels.crossref),
                    "ref-search",
                )
            )
        places = cited_at.get(ref.number, [])
        for i, cite_id in enumerate(places, start=1):
            arrow = "↑" if len(places) == 1 else f"↑{i}"
            # The arrow is seen, the words are heard (an aria-label that
            # differs from the visible text fails WCAG 2.5.3).
            label = _escape(labels.back.format(n=i))
            text = (
                f'<span aria-hidden="true">{arrow}</span>'
                f'<span class="visually-hidden">{label}</span>'
            )
            more.append(_link(f"{page}#{cite_id}", text, "ref-back"))
        extras.append((ref.number, "".join(f" {m}" for m in more)))
    rebuilt = body + html[heading:start] + _rewrite_list(pieces, extras) + html[end:]
    return Linked(rebuilt, references, cited_at, list(dict.fromkeys(missing)))
