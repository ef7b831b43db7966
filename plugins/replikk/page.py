"""Template filters for the article page and the interface's words.

``split_references`` lets the article page put the debate between the text
and its references (the reference list is found the way the citations part
finds it). ``category_name`` names a section in the page's language
(``CATEGORY_NAMES``), since sections are named once, in the default language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from .citations.glue import headings_of
from .citations.references import find_section


@dataclass(frozen=True)
class SplitReferences:
    """The ``split_references`` filter: an article's HTML as (text, the
    reference section and anything after it). A class, not a closure: it lives
    in the settings, which are pickled to reach the reading workers."""

    headings: tuple[str, ...]

    def __call__(self, html: str) -> tuple[Markup, Markup]:
        html = html or ""
        section = find_section(html, list(self.headings))
        if section is None:
            return Markup(html), Markup("")
        start = section[0]
        return Markup(html[:start]), Markup(html[start:])


@dataclass(frozen=True)
class CategoryName:
    """The ``category_name`` filter: a section's name in ``lang``, from
    ``CATEGORY_NAMES`` (``{"en": {"Debatt": "Debate"}}``), else as written."""

    names: dict[str, dict[str, str]]

    def __call__(self, category: object, lang: str | None = None) -> str:
        name = str(category)
        return self.names.get(lang or "", {}).get(name, name)


_ID = re.compile(r'(<[a-zA-Z][^<>]*?)\s+id="[^"]*"')


def without_ids(html: str) -> Markup:
    """An article's HTML shown again elsewhere (a cut-down summary in a list):
    its anchors' ids belong to the article's own page, and two summaries on one
    page would repeat them."""
    return Markup(_ID.sub(r"\1", str(html or "")))


def filters(settings: dict) -> dict[str, object]:
    return {
        "split_references": SplitReferences(tuple(headings_of(settings))),
        "category_name": CategoryName(dict(settings.get("CATEGORY_NAMES", {}))),
        "without_ids": without_ids,
    }
