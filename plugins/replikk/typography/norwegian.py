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


_MARKS = re.compile(f"[{BOUNDARY}{OUTER_OPEN}{OUTER_CLOSE}'\"\u201c\u201d]")


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
    out = list(text)
    stack: list[str] = []  # the open double quotes, outer « or inner ‘
    for match in _MARKS.finditer(text):
        i, char = match.start(), match.group()
        if char == BOUNDARY:
            stack.clear()
        elif char == OUTER_OPEN:
            stack.append(OUTER_OPEN)
        elif char == OUTER_CLOSE:
            if stack:
                stack.pop()
        elif char in DOUBLE_QUOTES:
            if _opens(text, i, bool(stack)):
                mark = INNER_OPEN if stack else OUTER_OPEN
                stack.append(mark)
                out[i] = mark
            else:
                opened = stack.pop() if stack else OUTER_OPEN
                out[i] = OUTER_CLOSE if opened == OUTER_OPEN else INNER_CLOSE
        elif char == "'":
            before = text[i - 1] if i > 0 else BOUNDARY
            after = text[i + 1] if i + 1 < len(text) else BOUNDARY
            opening = (before.isspace() or before in _OPENS_AFTER) and not (
                after.isspace()
            )
            out[i] = INNER_OPEN if opening else INNER_CLOSE
    return "".join(out)


_DOUBLE_HYPHEN = re.compile(r"(?<!-)-{2,3}(?!-)")


def dashes(text: str) -> Iterable[Edit]:
    """``--`` and ``---``: an en dash, spaced between words, unspaced in ranges."""
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
