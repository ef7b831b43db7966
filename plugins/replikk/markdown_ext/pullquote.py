"""Pull quotes for Python-Markdown, written as pandoc-style fenced divs.

A pull quote repeats a sentence of the body in large type::

    ::: pullquote
    The most important treatment often happens in the first minutes.
    :::

It becomes ``<aside class="pullquote" aria-hidden="true"><p>…</p></aside>``.
``aside`` because HTML's own specification gives the pull quote as an example
of it (it is not a quotation from another source, so not ``blockquote``);
``aria-hidden`` because the sentence is already in the body, and a screen
reader should read it once. ``{.pullquote}`` is accepted as pandoc writes it.
A fence that is never closed is left as text, as pandoc leaves it.

Registered in settings as ``"pelican.plugins.replikk.markdown_ext.pullquote": {}``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension

_CLOSE = re.compile(r"^ {0,3}:{3,}[ \t]*$", re.MULTILINE)


class PullquoteProcessor(BlockProcessor):
    """Turns ``::: <name>`` … ``:::`` into an element hidden from screen readers."""

    def __init__(self, parser: BlockParser, config: dict) -> None:
        super().__init__(parser)
        self.config = config
        name = re.escape(config["name"])
        self.open = re.compile(
            rf"(?:^|\n) {{0,3}}:{{3,}}[ \t]*(?:{name}|\{{[ \t]*\.{name}[ \t]*\}})"
            r"[ \t]*(?:\n|$)"
        )

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(self.open.search(block))

    def run(self, parent: etree.Element, blocks: list[str]) -> bool | None:
        original = list(blocks)
        block = blocks.pop(0)
        start = self.open.search(block)
        if start is None:  # pragma: no cover - test() said yes
            blocks[:0] = [block]
            return False
        before, rest = block[: start.start()], block[start.end() :]
        inner: list[str] = []
        while True:
            end = _CLOSE.search(rest)
            if end is not None:
                inner.append(rest[: end.start()])
                after = rest[end.end() :].lstrip("\n")
                break
            inner.append(rest)
            if not blocks:
                # Never closed: not a pull quote, leave the text as it was.
                blocks[:] = original
                return False
            rest = blocks.pop(0)
        if before.strip():
            self.parser.parseBlocks(parent, [before])
        element = etree.SubElement(parent, self.config["element"])
        element.set("class", self.config["class"])
        if self.config["hide_from_screen_readers"]:
            element.set("aria-hidden", "true")
        self.parser.parseChunk(element, "\n\n".join(inner).strip("\n"))
        if after.strip():
            blocks.insert(0, after)
        return None


class PullquoteExtension(Extension):
    """Pull quotes as pandoc-style fenced divs (``::: pullquote``)."""

    def __init__(self, **kwargs) -> None:
        self.config = {
            "name": ["pullquote", "the fenced div's class that makes a pull quote"],
            "element": ["aside", "the HTML element a pull quote becomes"],
            "class": ["pullquote", "the class attribute of that element"],
            "hide_from_screen_readers": [
                True,
                "add aria-hidden, since the sentence is already in the body",
            ],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        # Before paragraphs (10) and lists, after code blocks (80), as admonition.
        md.parser.blockprocessors.register(
            PullquoteProcessor(md.parser, self.getConfigs()), "pullquote", 105
        )


def makeExtension(**kwargs) -> PullquoteExtension:
    return PullquoteExtension(**kwargs)
