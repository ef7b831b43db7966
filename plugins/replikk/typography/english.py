"""English typography for HTML: smartypants, plus the dashes it leaves alone.

smartypants curls quotes (“…”, ‘…’), turns ``---`` into an em dash and ``--``
into an en dash (its "old school" setting; the default would turn ``--`` into
an em dash and leave ``---`` as an em dash plus a stray hyphen) and ``...``
into an ellipsis. It leaves a spaced hyphen (``word - word``) and a number
range (``5-8 years``) as hyphens, which are never right in running text; those
get an en dash here, as in Norwegian. Plain Python: no Pelican here.
"""

from __future__ import annotations

from collections.abc import Iterable

import smartypants

from .text import apply_rules, number_ranges, spaced_hyphens

# Quotes, "---" em / "--" en, ellipses, &quot; as a quote; characters, not entities.
ATTRIBUTES = (
    smartypants.Attr.q
    | smartypants.Attr.D
    | smartypants.Attr.e
    | smartypants.Attr.w
    | smartypants.Attr.u
)
RULES = (spaced_hyphens, number_ranges)


def typeset(html: str, skip_tags: Iterable[str] = ()) -> str:
    """``html`` with English quotes, dashes and ellipses (still shielded)."""
    html = apply_rules(html, RULES, skip_tags)
    return smartypants.smartypants(html, ATTRIBUTES)
