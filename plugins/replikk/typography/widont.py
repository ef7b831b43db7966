"""Widow control: typogrify's ``widont``, in one pass per paragraph.

typogrify's ``widont`` ties the last two words of every paragraph, heading,
list item, ``dt`` and ``dd`` (and of the whole text) with a no-break space,
so no word stands alone on the last line. It does so with one regular
expression (:data:`TYPOGRIFY_WIDONT`, copied from typogrify 2.1) that the
engine tries at every character of the text: most of the cost of setting an
article. Every match of it ends at a closing ``</p>``, ``</h1>``…``</h6>``,
``</li>``, ``</dt>`` or ``</dd>`` or at the end of the text, so
:func:`widont` starts from those ends and reads backwards instead, finding
the same spaces:

1. Back over whitespace and closing inline tags (``</a>``, ``</em>``,
   ``</span>``, ``</strong>``, ``</i>``, ``</b>``, exactly so written).
2. Back over the last word: characters that are not ``<``, ``>`` or
   whitespace. There must be one.
3. Back over the whitespace before it: the space to tie. There must be some.
4. Before that must stand a character of a word, or the end of an inline tag
   as typogrify knows them: one that opens with ``<a``, ``<em``, ``<span``,
   ``<strong``, ``<i``, ``<b`` or their closing forms (typogrify checks no
   more than that, so ``<br>`` and ``<abbr>`` count too).

The text before one end cannot hold a match that ends at another, so the
ends are independent, as long as no ``<`` stands inside a tag (``<b a <i>``)
where typogrify's tag pattern could reach over a ``</p>``. Such text, never
written by Markdown, goes to typogrify's own expression. Tags, attributes,
and everything but the tied spaces are never changed. Plain Python: no
Pelican here.
"""

from __future__ import annotations

import re

# typogrify.filters.widont, as published in typogrify 2.1: the reference.
TYPOGRIFY_WIDONT = re.compile(
    r"""((?:</?(?:a|em|span|strong|i|b)[^>]*>)|[^<>\s])
        \s+
        ([^<>\s]+
        \s*
        (</(a|em|span|strong|i|b)>\s*)*
        ((</(p|h[1-6]|li|dt|dd)>)|$))
    """,
    re.VERBOSE,
)
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|dt|dd)>")
_INLINE_END = ("</a>", "</em>", "</span>", "</strong>", "</i>", "</b>")
_INLINE_TAG = re.compile(r"</?(?:a|em|span|strong|i|b)")
_LT_INSIDE_TAG = re.compile(r"<[^<>]*<")
_NOT_WORD = "<>"  # and whitespace


def widont(html: str, space: str = "\u00a0") -> str:
    """``html`` with the last two words of each block tied by ``space``.

    The same spaces as typogrify's ``widont``, which writes ``&nbsp;``.
    """
    if _LT_INSIDE_TAG.search(html):
        gaps = [(m.end(1), m.start(2)) for m in TYPOGRIFY_WIDONT.finditer(html)]
    else:
        ends = [m.start() for m in _BLOCK_END.finditer(html)]
        ends.append(len(html))
        gaps = [gap for end in ends if (gap := _last_space(html, end))]
    if not gaps:
        return html
    out = []
    done = 0
    for start, end in gaps:
        out.append(html[done:start])
        out.append(space)
        done = end
    out.append(html[done:])
    return "".join(out)


def _last_space(html: str, end: int) -> tuple[int, int] | None:
    """The span of the space before the last word before ``end``, to be tied."""
    i = end
    while i > 0:  # 1. whitespace and closing inline tags
        if html[i - 1].isspace():
            i -= 1
        elif html.endswith(_INLINE_END, 0, i):
            i = html.rindex("<", 0, i)
        else:
            break
    word_end = i
    while i > 0 and not (html[i - 1] in _NOT_WORD or html[i - 1].isspace()):
        i -= 1  # 2. the last word
    if i == word_end:
        return None
    space_end = i
    while i > 0 and html[i - 1].isspace():
        i -= 1  # 3. the space before it
    if i in (0, space_end):
        return None
    before = html[i - 1]  # 4. a word, or an inline tag
    if before == "<":
        return None
    if before == ">":
        tag_from = html.rfind(">", 0, i - 1) + 1
        lt = html.find("<", tag_from, i - 1)
        if lt < 0 or not _INLINE_TAG.match(html, lt):
            return None
    return i, space_end
