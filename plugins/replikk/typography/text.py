"""HTML as a stream of readable text: the ground every typography rule stands on.

Rules about quotes and dashes need the characters on both sides of a mark,
and in HTML those may sit in another text node (``"<a href=…>sitat</a>"``).
:class:`Stream` tokenizes HTML as smartypants does, joins the text a
reader sees into one string (inline tags take no room; block tags become a
paragraph separator; skipped elements such as ``code`` become one opaque
character) and writes changes back into the text nodes they belong to.
Tags, attributes and skipped elements are never changed.

:func:`shield` hides characters inside URLs, DOIs, e-mail addresses and ISSNs
behind private-use stand-ins so no rule sees them; :func:`unshield` restores
them. Plain Python: no Pelican here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# What smartypants itself never touches, plus ``var``.
SKIP_TAGS = ("pre", "samp", "code", "tt", "kbd", "script", "style", "math", "var")
# Tags that end a run of text: a quote never continues across them.
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
BOUNDARY = "\u2029"  # paragraph separator: whitespace to every rule, never in text
OPAQUE = "\ufffc"  # object replacement: a skipped element seen from outside
_TAG_NAME = re.compile(r"<\s*(/)?\s*([a-zA-Z][a-zA-Z0-9]*)")
# smartypants' tokenizer (``_tokenize``) as one split: a tag runs from a "<" to
# the next ">", a comment to its "-->"; what lies between is text. The split
# leaves text at the even indices (empty between two tags) and tags at the
# odd ones, and costs a fraction of smartypants' loop.
_TAG = re.compile(r"(<!--.*?--\s*>|<[^>]*>)", re.DOTALL)

# Straight and curly quotes written as entities become characters, so the
# rules see one character per mark. Other entities are left as written.
_QUOTE_ENTITIES = {
    "&quot;": '"',
    "&#34;": '"',
    "&#x22;": '"',
    "&ldquo;": "\u201c",
    "&#8220;": "\u201c",
    "&#x201c;": "\u201c",
    "&rdquo;": "\u201d",
    "&#8221;": "\u201d",
    "&#x201d;": "\u201d",
    "&apos;": "'",
    "&#39;": "'",
    "&#x27;": "'",
    "&lsquo;": "\u2018",
    "&#8216;": "\u2018",
    "&rsquo;": "\u2019",
    "&#8217;": "\u2019",
    "&laquo;": "\u00ab",
    "&#171;": "\u00ab",
    "&raquo;": "\u00bb",
    "&#187;": "\u00bb",
}
_QUOTE_ENTITY = re.compile(
    "|".join(re.escape(e) for e in _QUOTE_ENTITIES), re.IGNORECASE
)

# Text that must reach the reader exactly as written. Quotes and guillemets
# end a match, so "see https://example.org" keeps its closing quote.
_STOP = "\\s<>\"'«»\u201c\u201d\u2018\u2019"
PROTECTED = re.compile(
    rf"(?:https?|ftp)://[^{_STOP}]+"  # URLs
    rf"|\bwww\.[^{_STOP}]+"
    rf"|\b10\.\d{{4,9}}/[^{_STOP}]+"  # DOIs, hyphens and all
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|\b(?:e-?)?IS[SB]N:?\s*[\dXx][\dXx-]*"  # ISSN, ISBN
    r"|\b(?:LOV|FOR)-\d{4}-\d{2}-\d{2}-\d+"  # Norwegian laws and regulations
    r"|\b\d{4}-\d{2}-\d{2}\b",  # ISO dates
    re.IGNORECASE,
)
# Every protected run has one of these; far cheaper to look for first. The
# lookahead, the first characters of the alternatives, lets the engine pass
# over most characters without trying each alternative.
_MAYBE_PROTECTED = re.compile(
    r"(?=[:@\dwi])(?:://|www\.|10\.\d|@|IS[SB]N|\d{4}-\d)", re.IGNORECASE
)
# The characters any rule could change, and their private-use stand-ins.
_SHIELD = {c: chr(0xE000 + ord(c)) for c in "\"'-.`"}
_UNSHIELD = {v: k for k, v in _SHIELD.items()}
_SHIELD_TABLE = str.maketrans(_SHIELD)
_SHIELDED = re.compile(f"[{''.join(_UNSHIELD)}]")


def shield_text(text: str) -> str:
    """``text`` with its protected runs hidden from every rule."""
    if not _MAYBE_PROTECTED.search(text):  # most text: skip the slow search
        return text
    return PROTECTED.sub(lambda m: m.group().translate(_SHIELD_TABLE), text)


def unshield(html: str) -> str:
    """Undo :func:`shield_text` (stand-ins are never typed by authors)."""
    # A search, then a sub of the few stand-ins: str.translate on a whole
    # article costs more than all the rules together.
    return _SHIELDED.sub(lambda m: _UNSHIELD[m.group()], html)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``stream[start:end]`` with ``text``."""

    start: int
    end: int
    text: str


@dataclass
class Stream:
    """The readable text of an HTML fragment, and the way back to the HTML."""

    tokens: list[str]  # text at even indices, tags at odd ones
    text: str
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def parse(cls, html: str, skip_tags: Iterable[str] = ()) -> Stream:
        """Tokenize ``html``; text inside ``skip_tags`` (and SKIP_TAGS) is opaque."""
        skip = {t.lower() for t in (*SKIP_TAGS, *skip_tags)}
        tokens = _TAG.split(html)
        parts: list[str] = []
        spans: dict[int, tuple[int, int]] = {}
        length = 0
        skipping: list[str] = []
        for index, value in enumerate(tokens):
            if not value or value.startswith("<!--"):  # also an unclosed comment
                continue
            if index % 2:  # a tag
                name = _TAG_NAME.match(value)
                if not name:  # a comment or a doctype
                    continue
                closing, tag = name.group(1), name.group(2).lower()
                if tag in skip and not value.rstrip().endswith("/>"):
                    if not closing:
                        skipping.append(tag)
                    elif tag in skipping:
                        del skipping[len(skipping) - 1 - skipping[::-1].index(tag) :]
                piece = BOUNDARY if tag in BLOCK_TAGS else ""
            elif skipping:
                # Hidden from later steps too (smartypants knows only its own
                # list of tags to skip); unshield() restores it.
                tokens[index] = value.translate(_SHIELD_TABLE)
                piece = OPAQUE
            else:
                piece = value
                if "&" in piece:
                    piece = _QUOTE_ENTITY.sub(
                        lambda m: _QUOTE_ENTITIES[m.group().lower()], piece
                    )
                piece = shield_text(piece)
                tokens[index] = piece
                spans[index] = (length, length + len(piece))
            parts.append(piece)
            length += len(piece)
        return cls(tokens, "".join(parts), spans)

    def render(self, text: str | None = None, edits: Iterable[Edit] = ()) -> str:
        """The HTML with ``text`` (same length as the stream) and ``edits`` applied.

        An edit that would cross from one text node into another is dropped:
        the markup between them belongs to the author.
        """
        text = self.text if text is None else text
        out = list(self.tokens)
        if text is not self.text:
            for index, (start, end) in self.spans.items():
                out[index] = text[start:end]
        for index, edits_here in self._by_token(edits).items():
            start = self.spans[index][0]
            piece = out[index]
            for edit in sorted(edits_here, key=lambda e: -e.start):
                piece = (
                    piece[: edit.start - start] + edit.text + piece[edit.end - start :]
                )
            out[index] = piece
        return "".join(out)

    def _by_token(self, edits: Iterable[Edit]) -> dict[int, list[Edit]]:
        """``edits`` by the token they fall in; one that crosses tokens is dropped."""
        edits = list(edits)
        if not edits:
            return {}
        by_token: dict[int, list[Edit]] = {}
        order = sorted(self.spans, key=lambda i: self.spans[i])
        starts = [self.spans[i][0] for i in order]
        for edit in edits:
            at = bisect_right(starts, edit.start) - 1
            if at < 0:
                continue
            _start, end = self.spans[order[at]]
            if edit.end <= end:
                by_token.setdefault(order[at], []).append(edit)
        return by_token


Rule = Callable[[str], Iterable[Edit]]


def spaced(text: str, start: int, end: int, dash: str) -> Edit:
    """``dash`` in place of ``text[start:end]``, with a space on each side."""
    before = "" if start == 0 or text[start - 1].isspace() else " "
    after = "" if end >= len(text) or text[end].isspace() else " "
    return Edit(start, end, f"{before}{dash}{after}")


# A hyphen after whitespace (or at the start) and before whitespace. Each
# pattern that can opens with its "-", so the engine skips from hyphen to
# hyphen instead of trying every character.
_SPACED_HYPHEN = re.compile(r"-(?<!\S-)(?=\s)")
_DIGIT_HYPHEN = re.compile(r"-(?<=\d-)(?=\d)")  # in every number range
# Not next to a hyphen, a letter or a shielded character: those are chains.
_NUMBER_RANGE = re.compile(
    r"(?<![\w.,/\-\u2013\ue000-\ue0ff])\d+(?:[.,]\d+)?(-)\d+(?:[.,]\d+)?"
    r"(?![\w/\-\u2013\ue000-\ue0ff]|[.,]\d)"
)


def spaced_hyphens(text: str) -> Iterable[Edit]:
    """A hyphen with a space on each side is a dash: ``ord - ord`` → ``ord – ord``."""
    for match in _SPACED_HYPHEN.finditer(text):
        yield Edit(match.start(), match.end(), "\u2013")


def number_ranges(text: str) -> Iterable[Edit]:
    """``1-3`` → ``1–3``; chains such as ``2024-02-20`` or ISBNs stay as written."""
    if not _DIGIT_HYPHEN.search(text):
        return
    for match in _NUMBER_RANGE.finditer(text):
        yield Edit(match.start(1), match.end(1), "\u2013")


_ELLIPSIS = re.compile(r"\.\.\.|\. \. \.")


def ellipses(text: str) -> Iterable[Edit]:
    """``...`` → ``…``."""
    for match in _ELLIPSIS.finditer(text):
        yield Edit(match.start(), match.end(), "\u2026")


def apply_rules(
    html: str,
    rules: Iterable[Rule],
    skip_tags: Iterable[str] = (),
    quotes: Callable[[str], str] | None = None,
) -> str:
    """``html`` with ``quotes`` (a same-length rewrite) and ``rules`` applied.

    The result is still shielded; :func:`unshield` it once every step is done.
    """
    stream = Stream.parse(html, skip_tags)
    text = quotes(stream.text) if quotes else stream.text
    edits = [edit for rule in rules for edit in rule(text)]
    return stream.render(text, edits)
