"""The citation settings: their defaults, in one place, and their checks.

``JOURNAL_*`` describe the journal (what a citation of its articles names);
``CITATION_*`` say which files are written where. Plain Python.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

DEFAULTS: dict[str, object] = {
    "JOURNAL_TITLE": None,  # None: SITENAME
    "JOURNAL_ABBREVIATION": None,  # None: JOURNAL_TITLE
    "JOURNAL_ISSN": None,  # e.g. "0029-2001"
    "JOURNAL_FIRST_YEAR": None,  # the year of volume 1; None: no volume
    "JOURNAL_PUBLISHER": None,
    "CITATION_RIS_NAME": "cite.ris",  # beside each article's page
    "CITATION_BIBTEX_NAME": "cite.bib",
    "CITATION_CROSSREF_NAME": "crossref.xml",  # only for articles with a DOI
    "CITATION_CROSSREF_DEPOSITOR": None,  # None: JOURNAL_PUBLISHER or TITLE
    "CITATION_CROSSREF_EMAIL": "",
    "CITATION_SITEMAP_SAVE_AS": "sitemap.xml",  # None: no sitemap
    "CITATION_ROBOTS_SAVE_AS": "robots.txt",  # None: no robots.txt
}
_ISSN = re.compile(r"^(\d{4})-(\d{3})([\dX])$")
_FILE_NAME = re.compile(r"^[\w.-]+$")


class SettingError(ValueError):
    """A setting has a value we cannot use: names the setting and the value."""

    def __init__(self, name: str, value: object, expected: str) -> None:
        self.name = name
        self.value = value
        self.reason = f"must be {expected}, not {value!r}"
        super().__init__(f"{name} {self.reason}")


def issn_ok(value: str) -> bool:
    """ISSN syntax and its check digit (ISO 3297, modulus 11)."""
    match = _ISSN.match(value)
    if not match:
        return False
    digits = match.group(1) + match.group(2)
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return match.group(3) == ("X" if check == 10 else str(check))


def resolve(settings: dict) -> dict[str, object]:
    """Every citation setting with its default filled in."""
    values = {name: settings.get(name, default) for name, default in DEFAULTS.items()}
    sitename = settings.get("SITENAME", "")

    def first_text(*candidates: object) -> object:
        # A bad value is reported under its own name only, not again under
        # the settings that would have copied it.
        return next((c for c in candidates if isinstance(c, str) and c), sitename)

    title = values["JOURNAL_TITLE"] = values["JOURNAL_TITLE"] or sitename
    values["JOURNAL_ABBREVIATION"] = values["JOURNAL_ABBREVIATION"] or first_text(title)
    values["CITATION_CROSSREF_DEPOSITOR"] = values[
        "CITATION_CROSSREF_DEPOSITOR"
    ] or first_text(values["JOURNAL_PUBLISHER"], title)
    return values


def check(values: dict[str, object]) -> list[SettingError]:
    """Every bad value in ``values`` (as :func:`resolve` returns them)."""
    errors: list[SettingError] = []
    for name in ("JOURNAL_TITLE", "JOURNAL_ABBREVIATION"):
        value = values[name]
        if not isinstance(value, str) or not value.strip():
            errors.append(SettingError(name, value, "a non-empty string"))
    issn = values["JOURNAL_ISSN"]
    if issn is not None and not (isinstance(issn, str) and issn_ok(issn)):
        errors.append(
            SettingError(
                "JOURNAL_ISSN",
                issn,
                "an ISSN such as '0029-2001' with a correct check digit, or None",
            )
        )
    first = values["JOURNAL_FIRST_YEAR"]
    if first is not None and (
        isinstance(first, bool) or not isinstance(first, int) or not 1600 < first < 3000
    ):
        errors.append(
            SettingError("JOURNAL_FIRST_YEAR", first, "a year such as 1881, or None")
        )
    for name in ("JOURNAL_PUBLISHER",):
        value = values[name]
        if value is not None and not isinstance(value, str):
            errors.append(SettingError(name, value, "a string or None"))
    for name in ("CITATION_RIS_NAME", "CITATION_BIBTEX_NAME", "CITATION_CROSSREF_NAME"):
        value = values[name]
        if value is not None and not (
            isinstance(value, str) and _FILE_NAME.match(value)
        ):
            errors.append(
                SettingError(name, value, "a file name such as 'cite.ris', or None")
            )
    for name in ("CITATION_SITEMAP_SAVE_AS", "CITATION_ROBOTS_SAVE_AS"):
        value = values[name]
        if value is not None and not (isinstance(value, str) and value.strip()):
            errors.append(SettingError(name, value, "a path in the output, or None"))
    for name in ("CITATION_CROSSREF_DEPOSITOR", "CITATION_CROSSREF_EMAIL"):
        if not isinstance(values[name], str):
            errors.append(SettingError(name, values[name], "a string"))
    return errors


def absolute_siteurl(settings: dict) -> str | None:
    """SITEURL when it is an absolute http(s) address, else None (a preview)."""
    siteurl = str(settings.get("SITEURL") or "").rstrip("/")
    parts = urlsplit(siteurl)
    if parts.scheme in {"http", "https"} and parts.netloc:
        return siteurl
    return None
