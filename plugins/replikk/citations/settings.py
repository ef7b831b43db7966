"""The citation settings: their defaults, in one place, and their checks.

``JOURNAL_*`` describe the journal (what a citation of its articles names);
``CITATION_*`` say which files are written where, and who deposits the
archive's relations with Crossref (``invoke crossref``). Plain Python.
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
    # Who deposits (``invoke crossref``): as registered with Crossref. None:
    # not set, and ``invoke crossref`` refuses to write a deposit.
    "CITATION_CROSSREF_DEPOSITOR": None,
    "CITATION_CROSSREF_EMAIL": None,  # Crossref mails the deposit's result here
    "CITATION_SITEMAP_SAVE_AS": "sitemap.xml",  # None: no sitemap
    "CITATION_ROBOTS_SAVE_AS": "robots.txt",  # None: no robots.txt
}
# Settings a site may still set that no longer do anything, and what to do.
REMOVED: dict[str, str] = {
    "CITATION_CROSSREF_NAME": (
        "is no longer used: the Crossref deposit is not written into the site"
        " any more but by `invoke crossref --out FILE`; remove the setting"
    ),
}
# Crossref's limits (common4.4.2.xsd: depositor_name, email_address; in
# the address, its \p{L}\p{N} are \w less "_", and a domain's last parts
# letters, "_" and "-" only).
DEPOSITOR_MAX = 130
EMAIL_MAX = 200
_EMAIL = re.compile(r"[\w!/+-]+(?:\.[\w!/+-]+)*@[\w!/+-]+(?:\.(?:[^\W\d]|-)+)+")
_ISSN = re.compile(r"^(\d{4})-(\d{3})([\dX])$")
_FILE_NAME = re.compile(r"^[\w.-]+$")


class SettingError(ValueError):
    """A setting has a value we cannot use: names the setting and the value."""

    def __init__(
        self, name: str, value: object, expected: str, reason: str | None = None
    ) -> None:
        self.name = name
        self.value = value
        self.reason = reason or f"must be {expected}, not {value!r}"
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


def email_ok(value: str) -> bool:
    """An address Crossref's schema takes as ``email_address``."""
    return 6 <= len(value) <= EMAIL_MAX and _EMAIL.fullmatch(value) is not None


def resolve(settings: dict) -> dict[str, object]:
    """Every citation setting with its default filled in, and any
    :data:`REMOVED` setting the site still sets (for :func:`check`)."""
    values = {name: settings.get(name, default) for name, default in DEFAULTS.items()}
    values.update({name: settings[name] for name in REMOVED if name in settings})
    sitename = settings.get("SITENAME", "")

    def first_text(*candidates: object) -> object:
        # A bad value is reported under its own name only, not again under
        # the settings that would have copied it.
        return next((c for c in candidates if isinstance(c, str) and c), sitename)

    title = values["JOURNAL_TITLE"] = values["JOURNAL_TITLE"] or sitename
    values["JOURNAL_ABBREVIATION"] = values["JOURNAL_ABBREVIATION"] or first_text(title)
    return values


def check(values: dict[str, object]) -> list[SettingError]:
    """Every bad value in ``values`` (as :func:`resolve` returns them)."""
    errors: list[SettingError] = [
        SettingError(name, values[name], "", reason=reason)
        for name, reason in REMOVED.items()
        if name in values
    ]
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
    for name in ("CITATION_RIS_NAME", "CITATION_BIBTEX_NAME"):
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
    depositor = values["CITATION_CROSSREF_DEPOSITOR"]
    if depositor is not None and not (
        isinstance(depositor, str) and len(depositor.strip()) <= DEPOSITOR_MAX
    ):
        errors.append(
            SettingError(
                "CITATION_CROSSREF_DEPOSITOR",
                depositor,
                f"a name of at most {DEPOSITOR_MAX} characters"
                " (as registered with Crossref), or None",
            )
        )
    email = values["CITATION_CROSSREF_EMAIL"]
    if email is not None and not (
        isinstance(email, str) and (not email.strip() or email_ok(email.strip()))
    ):
        errors.append(
            SettingError(
                "CITATION_CROSSREF_EMAIL",
                email,
                "an e-mail address such as 'doi@example.org', or None",
            )
        )
    return errors


def absolute_siteurl(settings: dict) -> str | None:
    """SITEURL when it is an absolute http(s) address, else None (a preview)."""
    siteurl = str(settings.get("SITEURL") or "").rstrip("/")
    parts = urlsplit(siteurl)
    if parts.scheme in {"http", "https"} and parts.netloc:
        return siteurl
    return None
