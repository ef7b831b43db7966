"""Norwegian typography (bokmål and nynorsk) for HTML.

- Straight double quotes become «…», and quotes inside quotes ‘…’. English
  curly double quotes typed or pasted by an author are read as straight ones,
  so none reach a Norwegian page. Guillemets already written are kept and
  count for the nesting.
- Apostrophes become ’; straight single quotes become ‘…’.
- ``--``, ``---`` and a hyphen with spaces around it become a spaced en dash
  (tankestrek), `` – ``; a dash that opens a paragraph (replikkstrek) too.
- A number range gets an en dash without spaces: ``1-3`` → ``1–3``.
- ``...`` becomes an ellipsis, ``…``.

Whether a quote opens or closes is read from its neighbours in the text a
reader sees, across inline tags such as links and emphasis (see
:mod:`.text`); where the neighbours do not tell, the quotes already open do.
Plain Python: no Pelican here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .text import (
    BOUNDARY,
    Edit,
    apply_rules,
    ellipses,
    number_ranges,
    spaced,
    spaced_hyphens,
)

OUTER_OPEN, OUTER_CLOSE = "\u00ab", "\u00bb"  # « »
INNER_OPEN, INNER_CLOSE = "\u2018", "\u2019"  # ‘ ’
DOUBLE_QUOTES = frozenset('"\u201c\u201d')
# After these a quote opens; before these it closes.
_OPENS_AFTER = frozenset("([{/\u00ab\u2018\u201c\u2013\u2014-")
_CLOSES_BEFORE = frozenset(".,;:!?)]}\u00bb\u2019\u2026\u2013\u2014-")


_QUOTES = re.compile("['\"\u201c\u201d]")  # the marks quotes() may change
_MARKS = re.compile(f"[{OUTER_OPEN}{OUTER_CLOSE}'\"\u201c\u201d]")  # and nesting


def _opens(text: str, i: int, doubles_open: bool) -> bool:
    before = text[i - 1] if i > 0 else BOUNDARY
    after = text[i + 1] if i + 1 < len(text) else BOUNDARY
    space_before = before.isspace() or before in _OPENS_AFTER
    space_after = after.isspace() or after in _CLOSES_BEFORE
    if space_before and not space_after:
        return True
    if space_after and not space_before:
        return False
    return not doubles_open  # ambiguous: close what is open, else open


def quotes(text: str) -> str:
    """``text`` with Norwegian quotes; the result has the same length."""
    changed: dict[int, str] = {}
    # A quote never stays open into the next paragraph, so each paragraph
    # starts with none open, and one without a mark to change is passed by.
    start = 0
    while found := _QUOTES.search(text, start):
        start = text.rfind(BOUNDARY, 0, found.start()) + 1
        end = text.find(BOUNDARY, found.start())
        end = len(text) if end < 0 else end
        _paragraph_quotes(text, start, end, changed)
        start = end
    if not changed:
        return text
    out = []
    done = 0
    for i, mark in changed.items():  # in order of position
        out += (text[done:i], mark)
        done = i + 1
    out.append(text[done:])
    return "".join(out)


def _paragraph_quotes(text: str, start: int, end: int, changed: dict) -> None:
    """Into ``changed``: the quotes of ``text[start:end]``, one paragraph."""
    stack: list[str] = []  # the open double quotes, outer « or inner ‘
    for match in _MARKS.finditer(text, start, end):
        i, char = match.start(), match.group()
        if char == OUTER_OPEN:
            stack.append(OUTER_OPEN)
        elif char == OUTER_CLOSE:
            if stack:
                stack.pop()
        elif char in DOUBLE_QUOTES:
            if _opens(text, i, bool(stack)):
                mark = INNER_OPEN if stack else OUTER_OPEN
                stack.append(mark)
                changed[i] = mark
            else:
                opened = stack.pop() if stack else OUTER_OPEN
                changed[i] = OUTER_CLOSE if opened == OUTER_OPEN else INNER_CLOSE
        else:  # "'"
            before = text[i - 1] if i > 0 else BOUNDARY
            after = text[i + 1] if i + 1 < len(text) else BOUNDARY
            opening = (before.isspace() or before in _OPENS_AFTER) and not (
                after.isspace()
            )
            changed[i] = INNER_OPEN if opening else INNER_CLOSE


_DOUBLE_HYPHEN = re.compile(r"(?<!-)-{2,3}(?!-)")


def dashes(text: str) -> Iterable[Edit]:
    """``--`` and ``---``: an en dash, spaced between words, unspaced in ranges."""
    if "--" not in text:  # most text: no need to run the pattern
        return
    for match in _DOUBLE_HYPHEN.finditer(text):
        start, end = match.span()
        if start > 0 and text[start - 1].isdigit() and text[end : end + 1].isdigit():
            yield Edit(start, end, "\u2013")
        else:
            yield spaced(text, start, end, "\u2013")


RULES = (dashes, spaced_hyphens, number_ranges, ellipses)


def typeset(html: str, skip_tags: Iterable[str] = ()) -> str:
    """``html`` with Norwegian quotes, dashes and ellipses (still shielded)."""
    return apply_rules(html, RULES, skip_tags, quotes=quotes)
