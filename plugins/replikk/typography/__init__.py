"""Typography per language: quotes, dashes, ellipses, widows and ampersands.

:func:`typeset` takes HTML (an article body, a standfirst, a title) and the
text's language and returns the HTML set the way that language sets type:
Norwegian (``nb``, ``nn``) by :mod:`.norwegian`, English by :mod:`.english`.
Then typogrify's filters that suit both languages: ``widont`` (no single word
on the last line) everywhere, in our faster copy (:mod:`.widont`), ``amp``
(a styleable ``<span class="amp">``) in bodies only.

Not used, on purpose: typogrify's ``caps`` wraps runs of capitals in
``<span class="caps">`` but knows only A–Z, so ``NAV`` is wrapped and
``NÆRINGSLIV`` is not, and the theme styles neither (``TYPOGRAPHY_CAPS``
turns it on for a theme that does). ``initial_quotes`` knows only English
quotes, and the theme has no hanging punctuation to use its spans.

Code, ``pre``, ``kbd`` and the like, tags and their attributes, and URLs,
DOIs, e-mail addresses and ISSN/ISBNs in text are never changed. Output uses
characters, never entities, so a title keeps its typography when a feed
strips its tags. Plain Python: no Pelican here; the reader calls
:func:`.glue.typeset_document`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from typogrify.filters import typogrify as typogrify_filters

from . import english, norwegian
from .text import SKIP_TAGS, unshield
from .widont import widont

NORWEGIAN = frozenset({"nb", "nn", "no"})
ENGLISH = frozenset({"en"})
# typogrify's own pattern for an ampersand to wrap: where it finds none, its
# ``amp`` returns the text unchanged, and the call can be skipped.
_AMP = re.compile(r"(\s|&nbsp;)(&|&amp;|&\#38;)(\s|&nbsp;)")

# Every setting of this part, with its default.
DEFAULTS: dict[str, object] = {
    "TYPOGRAPHY": True,
    "TYPOGRAPHY_IGNORE_TAGS": [],
    "TYPOGRAPHY_FIELDS": ["title", "summary"],
    "TYPOGRAPHY_CAPS": False,
}


class TypographySettingError(ValueError):
    """A TYPOGRAPHY_* setting with a value of the wrong kind."""


@dataclass(frozen=True, slots=True)
class Options:
    """The TYPOGRAPHY_* settings, checked."""

    enabled: bool = True
    ignore_tags: tuple[str, ...] = ()
    fields: tuple[str, ...] = ("title", "summary")
    caps: bool = False

    @classmethod
    def from_settings(cls, settings: dict) -> Options:
        """Read and check the settings; a bad value names the setting and value."""

        def get(name: str):
            return settings.get(name, DEFAULTS[name])

        for name in ("TYPOGRAPHY", "TYPOGRAPHY_CAPS"):
            if not isinstance(get(name), bool):
                raise TypographySettingError(
                    f"{name} must be True or False, not {get(name)!r}"
                )
        for name in ("TYPOGRAPHY_IGNORE_TAGS", "TYPOGRAPHY_FIELDS"):
            value = get(name)
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise TypographySettingError(
                    f"{name} must be a list of strings, not {value!r}"
                )
        for tag in get("TYPOGRAPHY_IGNORE_TAGS"):
            if not tag.isalnum():
                raise TypographySettingError(
                    f"TYPOGRAPHY_IGNORE_TAGS must name HTML elements, not {tag!r}"
                )
        return cls(
            enabled=get("TYPOGRAPHY"),
            ignore_tags=tuple(t.lower() for t in get("TYPOGRAPHY_IGNORE_TAGS")),
            fields=tuple(f.lower() for f in get("TYPOGRAPHY_FIELDS")),
            caps=get("TYPOGRAPHY_CAPS"),
        )


def base_language(lang: str) -> str:
    """``nb`` for ``nb``, ``nb-NO`` or ``nb_NO``."""
    return lang.replace("_", "-").split("-", 1)[0].lower()


def typeset(
    html: str,
    lang: str,
    *,
    markup: bool = True,
    caps: bool = False,
    ignore_tags: Iterable[str] = (),
) -> str:
    """``html`` set for readers of ``lang``.

    ``markup=False`` (titles) adds no elements, only characters, so the text
    reads the same with its tags stripped. A language other than Norwegian
    or English keeps its quotes and dashes as written.
    """
    ignore = tuple(ignore_tags)
    language = base_language(lang)
    if language in NORWEGIAN:
        html = norwegian.typeset(html, ignore)
    elif language in ENGLISH:
        html = english.typeset(html, ignore)
    if markup and (caps or ("&" in html and _AMP.search(html))):
        html = typogrify_filters(
            html,
            ignore_tags=[*SKIP_TAGS, *ignore],
            amp=markup,
            smartypants=False,
            caps=markup and caps,
            initial_quotes=False,
            widont=False,
        )
    # On the whole fragment: typogrify's own call would also glue the words
    # before every inline <code>, which ends one of its sections. A character,
    # not typogrify's "&nbsp;": it survives a feed's tag stripping and XML,
    # where the entity is undefined. An author's own "&nbsp;" stays.
    return unshield(widont(html))
