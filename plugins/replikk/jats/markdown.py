"""A JATS body as Markdown in Replikk's content format.

- ``sec`` → headings, ``##`` for the body's top level, one more ``#`` per
  level (at most ``######``); paragraphs one line each;
- ``italic``/``bold`` → ``*…*``/``**…**``, ``sup``/``sub`` kept as HTML,
  ``monospace`` → code; ``ext-link``, ``uri`` and ``email`` → links
  (http, https, ftp and mailto only);
- ``list`` → Markdown lists, nested by four spaces;
- ``disp-quote`` → the pull quote syntax (``::: pullquote``) when it repeats
  a sentence of the text, as a pull quote does; any other quotation stays a
  block quotation (``>``), because a pull quote is hidden from screen
  readers and its words would be lost to them;
- ``table-wrap`` → a Markdown table when every row has the same cells and no
  cell spans or holds blocks, HTML otherwise; the caption above it;
- ``fig`` → ``<figure>`` with its caption, the image linked, copied when it
  lies beside the XML (nothing is ever fetched);
- ``inline-formula``/``disp-formula`` → MathML as HTML (browsers draw it;
  the content format renders no TeX, so ``tex-math`` alone stays TeX source
  in code, and the report says so);
- ``xref ref-type="bibr"`` → ``(1)``, ``(1, 2)``, ``(1–3)``, numbered in the
  order the text first cites each reference, as the reference parser
  (``citations/references.py``) links them.

Text from the XML is escaped so it means in Markdown what it meant in JATS,
including a number in parentheses that is not a citation (``&#40;3)``).
Whatever has no place in the content format keeps its text where it can,
and gets a :class:`~.model.Note` with its XPath.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from lxml import etree

from .model import Image, Kind, Note
from .xml import MATHML, href, local

IMAGE_MARK = "\ue100"  # stands for the figures' folder until the slug is known
WEB_IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif")
OTHER_IMAGES = (".tif", ".tiff", ".eps", ".pdf")
LINK_SCHEMES = ("http", "https", "ftp", "mailto")
REVIEW_LABELS = {"figure": ("Figur", "Figure"), "table": ("Tabell", "Table")}

_SPACE = re.compile(r"\s+")
_SEPARATOR = re.compile(r"^\s*(?:[,;]|(?P<dash>[-–—]))?\s*$")
_NUMERIC = re.compile(r"^[\[(]?\s*\d+(?:\s*[-–—,;]\s*\d+)*\s*[\])]?$")
_CITATION_LIKE = re.compile(
    r"\((?P<items>\d{1,4}(?:\s*[-–—]\s*\d{1,4})?(?:\s*,\s*\d{1,4}(?:\s*[-–—]\s*\d{1,4})?)*)\)"
)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
_LINE_START = re.compile(r"^(#|>|[-+*](?=\s|$)|\d+(?=[.)](?:\s|$))|=+\s*$)")

INLINE_STYLES = {
    "italic": ("*", "*", "em"),
    "bold": ("**", "**", "strong"),
}
PLAIN_INLINE = {
    "sc",
    "roman",
    "sans-serif",
    "named-content",
    "styled-content",
    "abbrev",
    "x",
    "label",
    "overline",
    "underline",
    "related-article",
    "related-object",
    "string-name",
    "institution",
    "city",
    "country",
    "target",
}
BLOCKS = {
    "p",
    "sec",
    "list",
    "def-list",
    "disp-quote",
    "table-wrap",
    "table-wrap-group",
    "fig",
    "fig-group",
    "disp-formula",
    "disp-formula-group",
    "boxed-text",
    "preformat",
    "code",
    "statement",
    "graphic",
    "media",
    "supplementary-material",
    "alternatives",
    "array",
    "speech",
    "verse-group",
}


@dataclass(slots=True)
class Cite:
    """An ``xref ref-type="bibr"`` before it is numbered."""

    rids: tuple[str, ...]
    text: str


@dataclass(slots=True)
class Raw:
    """Text from the XML, not yet escaped."""

    text: str


Token = str | Cite | Raw


@dataclass
class Context:
    """What converting one article's body needs to know and collects."""

    tree: etree._ElementTree
    source: str
    folder: Path  # where the XML lies: figures are looked for there
    lang: str
    ref_order: list[str]  # ids of every reference, in document order
    numbers: dict[str, int] = field(default_factory=dict)  # id → number
    notes: list[Note] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    quoted_text: str = ""  # the body's words, for "is this a pull quote?"
    pullquotes: int = 0
    cite: bool = True  # False: citations are left out (a summary)

    def xpath(self, element: etree._Element) -> str:
        return self.tree.getpath(element)

    def note(self, element: etree._Element | None, message: str, kind=Kind.UNMAPPED):
        where = self.xpath(element) if element is not None else None
        self.notes.append(Note(self.source, where, message, kind))

    def number(self, rid: str) -> int | None:
        """A reference's number, given the first time the text cites it."""
        if rid not in self.ref_order:
            return None
        if rid not in self.numbers:
            self.numbers[rid] = len(self.numbers) + 1
        return self.numbers[rid]


# -- text ---------------------------------------------------------------------


def squash(text: str) -> str:
    return _SPACE.sub(" ", text)


def plain(element: etree._Element | None) -> str:
    """An element's text, whitespace collapsed."""
    if element is None:
        return ""
    return squash("".join(element.itertext())).strip()


def escape_md(text: str, references: int) -> str:
    """Text as Markdown that shows it as written: Markdown's own characters
    escaped, HTML's too, and a parenthesised number that the reference parser
    would take for a citation written ``&#40;…)``."""
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _protect_numbers(text, references)


def escape_html(text: str, references: int) -> str:
    return _protect_numbers(html.escape(text, quote=False), references)


def _protect_numbers(text: str, references: int) -> str:
    if "(" not in text:
        return text

    def protect(match: re.Match) -> str:
        numbers = [int(n) for n in re.findall(r"\d+", match.group("items"))]
        if all(1 <= n <= references for n in numbers):
            return "&#40;" + match.group(0)[1:]
        return match.group(0)

    return _CITATION_LIKE.sub(protect, text)


def block_start(text: str) -> str:
    """A paragraph that would start a heading, list, quote or fence, escaped."""
    if text.startswith(":::"):
        return "&#58;" + text[1:]
    if text.startswith("|"):
        return "\\" + text
    match = _LINE_START.match(text)
    if match is None:
        return text
    if match.group(0)[0].isdigit():
        end = match.end()
        return text[:end] + "\\" + text[end:]
    return "\\" + text


def indent(text: str, spaces: int = 4) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line else line for line in text.split("\n"))


def safe_url(url: str) -> str | None:
    """A link's address if its scheme is one a page may link to."""
    url = url.strip()
    scheme = urlsplit(url).scheme.lower()
    if scheme in LINK_SCHEMES:
        return url
    if not scheme and re.match(r"^www\.", url):
        return f"https://{url}"
    return None


# -- inline -------------------------------------------------------------------


class Inline:
    """Inline content as Markdown (``html=False``) or HTML (``html=True``,
    for a table cell or a figure caption that Markdown does not look into)."""

    def __init__(self, ctx: Context, *, html_mode: bool = False) -> None:
        self.ctx = ctx
        self.html = html_mode

    def render(self, element: etree._Element, *, skip: tuple[str, ...] = ()) -> str:
        """The element's content (not its own tag), on one line."""
        return self.join(self.tokens(element, skip=skip)).strip()

    def tokens(self, element: etree._Element, *, skip: tuple[str, ...] = ()):
        out: list[Token] = []
        if element.text:
            out.append(Raw(element.text))
        for child in element:
            if local(child) not in skip:
                out += self.element(child)
            if child.tail:
                out.append(Raw(child.tail))
        return out

    def escape(self, text: str) -> str:
        references = len(self.ctx.ref_order)
        text = squash(text)
        return (
            escape_html(text, references) if self.html else escape_md(text, references)
        )

    def element(self, child: etree._Element) -> list[Token]:
        name = local(child)
        if not name:
            return []
        special = {
            "sup": self.script,
            "sub": self.script,
            "xref": self.xref,
            "monospace": lambda c: [self.code(plain(c))],
            "strike": lambda c: [f"<del>{self.join(self.tokens(c))}</del>"],
            "ext-link": lambda c: [self.link(c, href(c) or plain(c))],
            "uri": lambda c: [self.link(c, href(c) or plain(c))],
            "email": lambda c: [self.link(c, f"mailto:{plain(c)}", text=plain(c))],
            "inline-formula": lambda c: [self.formula(c, block=False)],
            "break": lambda c: ["<br>"],
        }.get(name)
        if special is not None:
            return special(child)
        if name in INLINE_STYLES:
            return [self.styled(child, *INLINE_STYLES[name])]
        if name in PLAIN_INLINE:
            return self.tokens(child)
        if name in BLOCKS:  # handled by the block writer; here only as text
            return [Raw(" " + plain(child) + " ")]
        self.ctx.note(child, f"<{name}> is not mapped; its text is kept")
        return self.tokens(child)

    def script(self, child: etree._Element) -> list[Token]:
        """``sup``/``sub``; a superscript citation becomes ``(n)`` instead."""
        name = local(child)
        inner = self.tokens(child)
        if (
            inner
            and all(_citation_part(t) for t in inner)
            and any(isinstance(t, Cite) for t in inner)
        ):
            return inner
        text = self.join(inner)
        return [f"<{name}>{text}</{name}>"] if text.strip() else [text]

    def styled(self, child: etree._Element, left: str, right: str, tag: str) -> str:
        text = self.join(self.tokens(child))
        if not text.strip():
            return text
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        core = text.strip()
        if self.html:
            return f"{lead}<{tag}>{core}</{tag}>{trail}"
        return f"{lead}{left}{core}{right}{trail}"

    def code(self, text: str) -> str:
        if self.html:
            return f"<code>{html.escape(text, quote=False)}</code>"
        fence = "``" if "`" in text else "`"
        pad = " " if text.startswith("`") or text.endswith("`") else ""
        return f"{fence}{pad}{text}{pad}{fence}"

    def link(self, child: etree._Element, url: str, text: str | None = None) -> str:
        shown = self.join(self.tokens(child)).strip() if text is None else text
        target = safe_url(url)
        if target is None:
            self.ctx.note(
                child,
                f"link to {url!r} left out (not http, https, ftp or mailto); its text "
                "is kept",
            )
            return self.escape(shown) if text is not None else shown
        if self.html:
            label = shown if text is None else html.escape(shown, quote=False)
            return f'<a href="{html.escape(target)}">{label or html.escape(target)}</a>'
        if text is not None:
            shown = escape_md(shown, len(self.ctx.ref_order))
        if not shown or squash(plain(child)) == url:
            return f"<{target}>"
        return f"[{shown}]({_md_url(target)})"

    def xref(self, child: etree._Element) -> list[Token]:
        kind = child.get("ref-type", "")
        if kind == "bibr":
            rids = tuple(r for r in (child.get("rid") or "").split() if r)
            if not rids or not any(r in self.ctx.ref_order for r in rids):
                self.ctx.note(
                    child,
                    f"citation of {child.get('rid')!r}, which is not in the reference "
                    "list; its text is kept",
                )
                return self.tokens(child)
            return [Cite(rids, plain(child))]
        return self.tokens(child)

    def formula(self, child: etree._Element, *, block: bool) -> str:
        return formula(self.ctx, child, block=block, html_mode=self.html)

    # -- citations --------------------------------------------------------

    def join(self, tokens: list[Token]) -> str:
        """Tokens as text, each run of citations as one ``(n, m)``."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if isinstance(token, Raw):
                out.append(self.escape(token.text))
                i += 1
                continue
            if isinstance(token, str):
                out.append(token)
                i += 1
                continue
            group, ranges, i = _citation_run(tokens, i)
            self.cite(out, group, ranges, tokens, i)
        return "".join(out)

    def cite(self, out: list[str], group: list[Cite], ranges: set[int], tokens, after):
        if not self.ctx.cite:  # a summary: the citation goes, and its brackets
            self._unbracket(out, tokens, after)
            if out:
                out[-1] = out[-1].rstrip()
            return
        numbers: list[int] = []
        authored = [c.text for c in group if c.text and not _NUMERIC.match(c.text)]
        for k, item in enumerate(group):
            if k in ranges and k + 1 < len(group):
                continue  # the start of a range: numbered with its end
            if k - 1 in ranges:
                start = self.ctx.ref_order.index(group[k - 1].rids[0])
                end = self.ctx.ref_order.index(item.rids[-1])
                span = self.ctx.ref_order[start : end + 1] or list(
                    group[k - 1].rids + item.rids
                )
            else:
                span = list(item.rids)
            numbers += [n for r in span if (n := self.ctx.number(r)) is not None]
        text = _numbers(numbers)
        if not authored:
            self._unbracket(out, tokens, after)
        previous = out[-1] if out else ""
        if authored:
            text = "; ".join(self.escape(a) for a in authored) + " " + text
        # The citation goes before the punctuation it follows: "pain (1)."
        moved = ""
        if previous and previous[-1] in ".,;:" and not previous.endswith("\\."):
            moved = previous[-1]
            out[-1] = previous = previous[:-1]
        space = "" if not previous or previous[-1].isspace() else " "
        out.append(f"{space}{text}{moved}")

    @staticmethod
    def _unbracket(out: list[str], tokens: list[Token], after: int) -> None:
        """Brackets around a run of citations go: "[1, 2]" becomes "(1, 2)"."""
        stripped = out[-1].rstrip() if out else ""
        following = tokens[after] if after < len(tokens) else None
        if (
            isinstance(following, Raw)
            and stripped.endswith(("(", "["))
            and following.text.lstrip().startswith((")", "]"))
        ):
            opener = "\\[" if stripped.endswith("\\[") else stripped[-1]
            out[-1] = stripped[: -len(opener)]
            following.text = following.text.lstrip()[1:]


def _citation_part(token: Token) -> bool:
    return isinstance(token, Cite) or (
        isinstance(token, Raw) and bool(_SEPARATOR.match(token.text.strip("[]()")))
    )


def _citation_run(tokens: list[Token], i: int) -> tuple[list[Cite], set[int], int]:
    """The citations from ``tokens[i]`` on that only commas, semicolons and
    dashes separate; which of them start a range; the index after them."""
    group = [tokens[i]]
    ranges: set[int] = set()
    j = i + 1
    while j + 1 < len(tokens) + 1:
        if j < len(tokens) and isinstance(tokens[j], Cite):
            group.append(tokens[j])  # adjacent, no separator
            j += 1
            continue
        if (
            j + 1 < len(tokens)
            and isinstance(tokens[j], Raw)
            and isinstance(tokens[j + 1], Cite)
        ):
            separator = _SEPARATOR.match(tokens[j].text)
            if separator is None:
                break
            if separator.group("dash"):
                ranges.add(len(group) - 1)
            group.append(tokens[j + 1])
            j += 2
            continue
        break
    return group, ranges, j  # type: ignore[return-value]


def _numbers(numbers: list[int]) -> str:
    """``[3, 1, 2, 5]`` → ``(1–3, 5)``: runs of three or more as ranges."""
    unique = sorted(set(numbers))
    parts: list[str] = []
    k = 0
    while k < len(unique):
        end = k
        while end + 1 < len(unique) and unique[end + 1] == unique[end] + 1:
            end += 1
        if end - k >= 2:
            parts.append(f"{unique[k]}–{unique[end]}")
        else:
            parts += [str(n) for n in unique[k : end + 1]]
        k = end + 1
    return f"({', '.join(parts)})"


def _md_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


# -- formulas -------------------------------------------------------------------


def mathml(
    ctx: Context, element: etree._Element, *, block: bool, html_mode: bool
) -> str:
    """A MathML element as HTML, without namespace prefixes (HTML knows it)."""

    def text(value: str | None) -> str:
        if not value:
            return ""
        value = squash(value)
        if html_mode or block:
            return html.escape(value, quote=False)
        return escape_md(value, 0)

    def walk(node: etree._Element, top: bool) -> str:
        name = local(node)
        attributes = {k.rsplit("}", 1)[-1]: v for k, v in node.attrib.items()}
        if top:
            attributes.pop("display", None)
            if block:
                attributes["display"] = "block"
        attrs = "".join(
            f' {k}="{html.escape(v)}"' for k, v in sorted(attributes.items())
        )
        inner = text(node.text)
        for child in node:
            if isinstance(child.tag, str):
                inner += walk(child, False)
            inner += text(child.tail)
        return f"<{name}{attrs}>{inner}</{name}>"

    return walk(element, True)


def formula(
    ctx: Context, element: etree._Element, *, block: bool, html_mode: bool
) -> str:
    """An inline or display formula: MathML if it has one, else its TeX as code."""
    math = element.find(f".//{{{MATHML}}}math")
    if math is not None:
        return mathml(ctx, math, block=block, html_mode=html_mode)
    tex = element.find(".//tex-math")
    if tex is not None:
        source = plain(tex)
        ctx.note(
            tex,
            "TeX kept as its source, in code: the content format renders MathML, not "
            "TeX",
        )
        if block:
            return f"```latex\n{source}\n```"
        return Inline(ctx, html_mode=html_mode).code(source)
    ctx.note(
        element,
        "formula with neither MathML nor TeX (an image?) is not mapped; its text is "
        "kept",
    )
    return html.escape(plain(element), quote=False)


# -- blocks -------------------------------------------------------------------


class Blocks:
    """Block content as Markdown blocks (joined by blank lines)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.inline = Inline(ctx)
        self.html = Inline(ctx, html_mode=True)

    def of(self, container: etree._Element, depth: int) -> list[str]:
        """The blocks of a container (body, sec, list-item, …); ``depth`` is
        the heading level of a ``sec`` inside it."""
        blocks: list[str] = []
        for child in container:
            blocks += self.block(child, depth)
        return [b for b in blocks if b.strip()]

    def block(self, child: etree._Element, depth: int) -> list[str]:
        name = local(child)
        handler: Callable | None = {
            "p": self.paragraph,
            "sec": self.section,
            "list": self.list,
            "def-list": self.def_list,
            "disp-quote": self.quote,
            "table-wrap": self.table_wrap,
            "fig": self.figure,
            "disp-formula": self.display_formula,
            "preformat": self.preformat,
            "code": self.preformat,
            "boxed-text": self.boxed,
            "statement": self.statement,
            "graphic": self.figure,
        }.get(name)
        if handler is not None:
            return handler(child, depth)
        if name in {
            "table-wrap-group",
            "fig-group",
            "disp-formula-group",
            "alternatives",
        }:
            if name == "alternatives":
                first = next((c for c in child if isinstance(c.tag, str)), None)
                return self.block(first, depth) if first is not None else []
            return self.of(child, depth)
        if name in {
            "title",
            "label",
            "caption",
            "attrib",
            "sec-meta",
            "object-id",
            "ref-list",
            "fn-group",
        }:
            return []  # read by whoever owns them
        if not name:
            return []
        text = plain(child)
        self.ctx.note(
            child, f"<{name}> is not mapped" + ("; its text is kept" if text else "")
        )
        return [block_start(escape_md(text, len(self.ctx.ref_order)))] if text else []

    def paragraph(self, p: etree._Element, depth: int) -> list[str]:
        """A paragraph; blocks inside it (a list, a quote) become blocks of
        their own between its parts."""
        blocks: list[str] = []
        run: list[Token] = [Raw(p.text)] if p.text else []
        for child in p:
            if local(child) in BLOCKS - {"graphic"} or (
                local(child) == "graphic" and child.get("position") != "inline"
            ):
                blocks.append(self._flush(run))
                run = []
                blocks += self.block(child, depth)
            else:
                run += self.inline.element(child)
            if child.tail:
                run.append(Raw(child.tail))
        blocks.append(self._flush(run))
        return [b for b in blocks if b]

    def _flush(self, run: list[Token]) -> str:
        return block_start(self.inline.join(run).strip()) if run else ""

    def section(self, sec: etree._Element, depth: int) -> list[str]:
        title = sec.find("title")
        blocks: list[str] = []
        if title is not None and plain(title):
            level = min(depth, 6)
            if depth > 6:
                self.ctx.note(
                    sec,
                    f"section at depth {depth - 1} written as a level-6 heading "
                    "(Markdown has six)",
                    Kind.WARNING,
                )
            label = plain(sec.find("label"))
            text = self.inline.render(title)
            blocks.append(
                f"{'#' * level} {escape_md(label, 0) + ' ' if label else ''}{text}"
            )
        return blocks + self.of(sec, depth + 1)

    def list(self, element: etree._Element, depth: int) -> list[str]:
        kind = element.get("list-type", "bullet")
        ordered = kind in {
            "order",
            "alpha-lower",
            "alpha-upper",
            "roman-lower",
            "roman-upper",
        }
        if kind not in {"order", "bullet", "simple", ""} and ordered:
            self.ctx.note(
                element,
                f"list-type {kind!r} written as a numbered list (Markdown numbers "
                "with digits)",
            )
        items: list[str] = []
        loose = False
        for number, item in enumerate(element.findall("list-item"), start=1):
            blocks = self.of(item, depth) or [""]
            loose = loose or len(blocks) > 1
            marker = f"{number}. " if ordered else "- "
            first = indent(blocks[0], 4)[4:] if blocks[0] else ""
            text = marker + first
            for more in blocks[1:]:
                text += "\n\n" + indent(more, 4)
            items.append(text)
        return ["\n\n".join(items) if loose else "\n".join(items)]

    def def_list(self, element: etree._Element, depth: int) -> list[str]:
        items = []
        for item in element.findall("def-item"):
            term = (
                self.inline.render(item.find("term"))
                if item.find("term") is not None
                else ""
            )
            definitions = [
                ": " + " ".join(self.of(d, depth)).replace("\n", " ")
                for d in item.findall("def")
            ]
            items.append("\n".join([block_start(term), *definitions]))
        return ["\n\n".join(items)]

    def quote(self, element: etree._Element, depth: int) -> list[str]:
        blocks = [b for b in self.of(element, depth)]
        attribution = element.find("attrib")
        said = " ".join(plain(p) for p in element if local(p) != "attrib")
        kind = " ".join(element.get(a, "") for a in ("specific-use", "content-type"))
        kind = kind.lower()
        repeats = _normal(said) and _normal(said) in self.ctx.quoted_text
        if (
            (repeats or "pull" in kind)
            and self.ctx.pullquotes == 0
            and len(blocks) == 1
        ):
            self.ctx.pullquotes += 1
            return [f"::: pullquote\n{blocks[0]}\n:::"]
        why = (
            "a second pull quote (the content format allows one)"
            if self.ctx.pullquotes
            else "it does not repeat the text, and a pull quote is hidden from"
            " screen readers"
        )
        self.ctx.note(
            element, f"disp-quote kept as a block quotation (>): {why}", Kind.MAPPED
        )
        if attribution is not None and plain(attribution):
            blocks.append("— " + self.inline.render(attribution))
        return ["\n>\n".join(indent_quote(b) for b in blocks)]

    def boxed(self, element: etree._Element, depth: int) -> list[str]:
        self.ctx.note(
            element, "boxed-text written as a block quotation (>)", Kind.MAPPED
        )
        blocks: list[str] = []
        caption = element.find("caption/title")
        if caption is None:
            caption = element.find("title")
        if caption is not None:
            blocks.append(f"**{self.inline.render(caption)}**")
        blocks += self.of(element, depth)
        return ["\n>\n".join(indent_quote(b) for b in blocks)]

    def statement(self, element: etree._Element, depth: int) -> list[str]:
        blocks: list[str] = []
        label = " ".join(
            t for t in (plain(element.find("label")), plain(element.find("title"))) if t
        )
        if label:
            blocks.append(f"**{escape_md(label, 0)}**")
        return blocks + self.of(element, depth)

    def preformat(self, element: etree._Element, depth: int) -> list[str]:
        text = "".join(element.itertext()).strip("\n")
        fence = "~~~~" if "```" in text else "```"
        return [f"{fence}\n{text}\n{fence}"]

    def display_formula(self, element: etree._Element, depth: int) -> list[str]:
        label = plain(element.find("label"))
        math = formula(self.ctx, element, block=True, html_mode=True)
        if math.startswith("```"):
            return [math]
        ident = f' id="{html.escape(element.get("id"))}"' if element.get("id") else ""
        suffix = (
            f' <span class="formula-label">{html.escape(label)}</span>' if label else ""
        )
        return [f'<div class="formula"{ident}>{math}{suffix}</div>']

    # -- tables ---------------------------------------------------------------

    def table_wrap(self, element: etree._Element, depth: int) -> list[str]:
        blocks: list[str] = []
        caption = self._caption(element, "table", self.inline)
        if caption:
            blocks.append(block_start(caption))
        table = element.find(".//table")
        if table is None:
            graphic = element.find(".//graphic")
            if graphic is not None:
                return blocks + self.figure(graphic, depth, caption_done=True)
            self.ctx.note(element, "table-wrap without a table is not mapped")
            return blocks
        rows = _rows(table)
        markdown = self._markdown_table(rows)
        if markdown is None:
            self.ctx.note(
                table,
                "table kept as HTML (cells span rows or columns, hold blocks, or it "
                "has no single header row)",
                Kind.MAPPED,
            )
            blocks.append(self._html_table(table))
        else:
            blocks.append(markdown)
        foot = element.find("table-wrap-foot")
        if foot is not None:
            blocks += self.of(foot, depth) or [block_start(escape_md(plain(foot), 0))]
        return blocks

    def _caption(self, element: etree._Element, kind: str, inline: Inline) -> str:
        label = plain(element.find("label"))
        caption = element.find("caption")
        parts: list[str] = []
        if caption is not None:
            title = caption.find("title")
            if title is not None:
                text = inline.render(title)
                parts.append(text if text.endswith((".", "?", "!")) else f"{text}.")
            parts += [inline.render(p) for p in caption.findall("p")]
        text = " ".join(p for p in parts if p)
        if not label and not text:
            return ""
        if label and not label.endswith((".", ":")):
            label += "."
        if inline.html:
            head = f"<strong>{html.escape(label)}</strong> " if label else ""
        else:
            head = f"**{escape_md(label, 0)}** " if label else ""
        return (head + text).strip()

    def _markdown_table(
        self, rows: list[tuple[bool, list[etree._Element]]]
    ) -> str | None:
        if not rows or not rows[0][0] or any(head for head, _ in rows[1:]):
            return None
        width = len(rows[0][1])
        for _, cells in rows:
            if len(cells) != width:
                return None
            for cell in cells:
                if cell.get("colspan", "1") != "1" or cell.get("rowspan", "1") != "1":
                    return None
                if (
                    any(local(c) in BLOCKS and local(c) != "p" for c in cell)
                    or len(cell.findall("p")) > 1
                ):
                    return None
        lines = []
        for k, (_, cells) in enumerate(rows):
            texts = [self._cell_md(c) for c in cells]
            lines.append("| " + " | ".join(texts) + " |")
            if k == 0:
                lines.append("| " + " | ".join(_align(c) for c in cells) + " |")
        return "\n".join(lines)

    def _cell_md(self, cell: etree._Element) -> str:
        p = cell.find("p")
        text = self.inline.render(p if p is not None else cell)
        return text.replace("|", "\\|") or " "

    def _html_table(self, table: etree._Element) -> str:
        out = ["<table>"]
        for group in ("thead", "tbody", "tfoot"):
            sections = table.findall(group)
            for section in sections:
                out.append(f"<{group}>")
                out += [self._html_row(tr) for tr in section.findall("tr")]
                out.append(f"</{group}>")
        loose = table.findall("tr")
        if loose:
            out.append("<tbody>")
            out += [self._html_row(tr) for tr in loose]
            out.append("</tbody>")
        out.append("</table>")
        return "\n".join(out)

    def _html_row(self, tr: etree._Element) -> str:
        cells = []
        for cell in tr:
            name = local(cell)
            if name not in {"th", "td"}:
                continue
            attrs = "".join(
                f' {a}="{html.escape(cell.get(a))}"'
                for a in ("colspan", "rowspan", "align")
                if cell.get(a)
            )
            cells.append(f"<{name}{attrs}>{self._html_cell(cell)}</{name}>")
        return "<tr>" + "".join(cells) + "</tr>"

    def _html_cell(self, cell: etree._Element) -> str:
        parts: list[str] = []
        if cell.text and cell.text.strip():
            parts.append(self.html.escape(cell.text))
        inline: list[Token] = []
        for child in cell:
            name = local(child)
            if name == "p":
                parts.append(self.html.join(inline))
                inline = []
                parts.append(self.html.render(child))
            elif name == "list":
                tag = "ol" if child.get("list-type") == "order" else "ul"
                items = "".join(
                    f"<li>{self._html_cell(i)}</li>" for i in child.findall("list-item")
                )
                parts.append(f"<{tag}>{items}</{tag}>")
            else:
                inline += self.html.element(child)
            if child.tail and child.tail.strip():
                inline.append(Raw(child.tail))
        parts.append(self.html.join(inline))
        return "<br>".join(p.strip() for p in parts if p.strip())

    # -- figures ---------------------------------------------------------------

    def figure(
        self, element: etree._Element, depth: int, *, caption_done: bool = False
    ) -> list[str]:
        graphic = element if local(element) == "graphic" else element.find(".//graphic")
        caption = "" if caption_done else self._caption(element, "figure", self.html)
        alt = (
            plain(element.find(".//alt-text"))
            or plain(element.find("caption/title"))
            or plain(element.find("label"))
            or "Figure"
        )
        ident = f' id="{html.escape(element.get("id"))}"' if element.get("id") else ""
        picture = ""
        if graphic is None:
            self.ctx.note(element, "figure without a graphic: its caption is kept")
        else:
            picture = self._picture(graphic, alt)
        inner = picture + (f"<figcaption>{caption}</figcaption>" if caption else "")
        if not inner:
            return []
        return [f"<figure{ident}>{inner}</figure>"]

    def _picture(self, graphic: etree._Element, alt: str) -> str:
        link = href(graphic)
        if not link:
            self.ctx.note(graphic, "graphic without xlink:href is not mapped")
            return ""
        if urlsplit(link).scheme:
            url = safe_url(link)
            self.ctx.note(
                graphic,
                f"image {link!r} not fetched (the importer never fetches): linked "
                "from the caption",
                Kind.WARNING,
            )
            if url is None:
                return ""
            return f'<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>'
        found = _beside(self.ctx.folder, link)
        if found is None:
            self.ctx.note(
                graphic,
                f"image {link!r} is not beside the XML: only its caption is kept",
                Kind.WARNING,
            )
            return ""
        if found.suffix.lower() in OTHER_IMAGES:
            self.ctx.note(
                graphic,
                f"image {found.name!r} copied, but browsers cannot show "
                f"{found.suffix} files: convert it",
                Kind.WARNING,
            )
        name = found.name
        if all(image.name != name for image in self.ctx.images):
            self.ctx.images.append(Image(found, name))
        src = html.escape(f"{IMAGE_MARK}{name}")
        return f'<a href="{src}"><img src="{src}" alt="{html.escape(alt)}"></a>'


def indent_quote(block: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in block.split("\n"))


def _normal(text: str) -> str:
    return squash(re.sub(r"[«»“”\"'‘’]", "", text)).strip(" .").lower()


def _rows(table: etree._Element) -> list[tuple[bool, list[etree._Element]]]:
    """Every row, with whether it is a header row (in thead, or all th)."""
    rows: list[tuple[bool, list[etree._Element]]] = []
    for tr in table.iter("tr"):
        cells = [c for c in tr if local(c) in {"th", "td"}]
        parent = local(tr.getparent())
        header = parent == "thead" or (
            parent != "tbody" and cells and all(local(c) == "th" for c in cells)
        )
        rows.append((bool(header), cells))
    return rows


def _align(cell: etree._Element) -> str:
    return {"left": ":---", "right": "---:", "center": ":---:"}.get(
        cell.get("align", ""), "---"
    )


def _beside(folder: Path, link: str) -> Path | None:
    """The figure's file in the XML's folder (or below it), by its name or,
    as JATS often names it, by its name without the extension."""
    relative = PurePosixPath(link.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts:
        return None
    base = folder.resolve()
    candidate = (base / relative).resolve()
    if not candidate.is_relative_to(base):
        return None
    if candidate.is_file():
        return candidate
    for suffix in WEB_IMAGES + OTHER_IMAGES:
        for variant in (suffix, suffix.upper()):
            other = candidate.with_name(candidate.name + variant)
            if other.is_file():
                return other
    return None


def body_words(element: etree._Element | None) -> str:
    """The text of a body without its quotations: what a pull quote repeats."""
    if element is None:
        return ""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if local(node) == "disp-quote":
            if node.tail:
                parts.append(node.tail)
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if node.tail and node is not element:
            parts.append(node.tail)

    walk(element)
    return _normal(" ".join(parts))
