"""Interface strings and local dates for the theme.

Every interface string comes from one table per language in the theme,
``theme/strings/<lang>.toml``; dates are written by Babel in the page's
language ("25. januar 2024", "25 January 2024"). Both are handed to Jinja as
the global ``STRINGS`` and the filters ``localdate`` and ``isodate``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date


class MissingStrings(ValueError):
    """A language's table lacks keys that another language has."""


def load_strings(theme: str | Path) -> dict[str, dict[str, str]]:
    """Read every table; each language must have exactly the keys of the others.

    ``<lang>.toml`` holds a language's strings; ``<lang>.<part>.toml`` files
    (one per feature, e.g. ``en.feeds.toml``) are merged into it.
    """
    folder = Path(theme) / "strings"
    tables: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.toml")):
        lang = path.name.split(".", 1)[0]
        tables.setdefault(lang, {}).update(
            tomllib.loads(path.read_text(encoding="utf-8"))
        )
    keys = set().union(*(t.keys() for t in tables.values())) if tables else set()
    for lang, table in tables.items():
        missing = sorted(keys - table.keys())
        if missing:
            raise MissingStrings(
                f"{folder}: language {lang!r} lacks strings {', '.join(missing)}"
            )
    return tables


@dataclass(frozen=True)
class LocalDate:
    """The ``localdate`` filter. A class, not a closure: it lives in the
    settings, which are pickled to reach the reading workers."""

    strings: dict[str, dict[str, str]]
    default_lang: str
    # Babel takes ~0.2 ms a date and list pages show the same dates again and
    # again; one filter lives for one build, and so does what it remembers.
    _seen: dict = field(default_factory=dict, compare=False, repr=False)

    def __call__(
        self, value: date | datetime | None, lang: str | None = None, fmt="long"
    ) -> str:
        """A date as readers of ``lang`` write it."""
        if value is None:
            return ""
        key = (value, lang, fmt)
        text = self._seen.get(key)
        if text is None:
            strings = self.strings
            table = strings.get(lang or self.default_lang) or strings.get(
                self.default_lang, {}
            )
            locale = table.get("locale", "nb_NO")
            text = self._seen[key] = format_date(value, format=fmt, locale=locale)
        return text


def make_localdate(strings: dict[str, dict[str, str]], default_lang: str) -> LocalDate:
    return LocalDate(strings, default_lang)


def isodate(value: date | datetime | None) -> str:
    """A machine date for ``<time datetime>``."""
    if value is None:
        return ""
    return value.isoformat()


def todate(value: object) -> date | None:
    """An ISO ``YYYY-MM-DD`` string (Received, Accepted) as a date."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def strings_of(settings: dict) -> dict[str, dict[str, str]]:
    """The interface strings :func:`install` put in the settings (read from the
    theme only if it has not run)."""
    strings = settings.get("JINJA_GLOBALS", {}).get("STRINGS")
    return strings if strings is not None else load_strings(settings["THEME"])


def add_filters(settings: dict, **filters) -> None:
    """Add Jinja filters to the ones Pelican's template environment gets.

    A new dict, not an update: the default one is shared by every build.
    """
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), **filters}


def install(settings: dict) -> None:
    """Put the strings and filters where Pelican's template environment finds them."""
    strings = load_strings(settings["THEME"])
    settings["JINJA_GLOBALS"] = {
        **settings.get("JINJA_GLOBALS", {}),
        "STRINGS": strings,
    }
    add_filters(
        settings,
        localdate=make_localdate(strings, settings.get("DEFAULT_LANG", "nb")),
        isodate=isodate,
        todate=todate,
    )
