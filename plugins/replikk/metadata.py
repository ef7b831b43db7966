"""The content format's metadata fields, and the rules each field follows.

Plain Python: given a file's metadata as Pelican parsed it, return the
problems. Used by the reader on every build and by ``invoke check``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum

from .problems import Problem, Severity, did_you_mean


class Kind(StrEnum):
    ARTICLE = "article"
    PAGE = "page"
    AUTHOR = "author"


# Canonical spelling of every field, by Pelican's lower-cased key.
ARTICLE_FIELDS = {
    name.lower(): name
    for name in (
        "Title",
        "Date",
        "Modified",
        "Slug",
        "Category",
        "Tags",
        "Lang",
        "Summary",
        "Status",
        "Authors",
        "Author",
        "Reply_to",
        "Reply_to_title",
        "DOI",
        "Received",
        "Accepted",
        "Competing_interests",
        "Correction",
        "Retracted",
        "Translation",
        "Template",
        "Save_as",
        "Url",
    )
}
PAGE_FIELDS = {
    name.lower(): name
    for name in (
        "Title",
        "Slug",
        "Lang",
        "Summary",
        "Status",
        "Date",
        "Modified",
        "Translation",
        "Template",
        "Save_as",
        "Url",
    )
}
AUTHOR_FIELDS = {
    name.lower(): name for name in ("Name", "Email", "Affiliation", "ORCID", "Slug")
}
FIELDS = {
    Kind.ARTICLE: ARTICLE_FIELDS,
    Kind.PAGE: PAGE_FIELDS,
    Kind.AUTHOR: AUTHOR_FIELDS,
}
REQUIRED = {
    Kind.ARTICLE: ("title", "date", "authors"),
    Kind.PAGE: ("title",),
    Kind.AUTHOR: ("name",),
}
# A draft may leave these out: the editors set them when they accept it, and a
# file that does not hold the day it was made is the same whatever the day.
DATED_WHEN_ACCEPTED = frozenset({"date"})
LANGUAGES = ("nb", "nn", "en")
# Codes authors write for our languages, for "did you mean".
LANGUAGE_ALIASES = {
    "no": "nb",
    "nob": "nb",
    "nor": "nb",
    "nb-no": "nb",
    "nb_no": "nb",
    "nno": "nn",
    "nn-no": "nn",
    "nn_no": "nn",
    "eng": "en",
    "en-gb": "en",
    "en-us": "en",
    "en_gb": "en",
    "en_us": "en",
}
STATUSES = ("published", "draft", "hidden")
ORCID_PATTERN = re.compile(r"^(?:https://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")


def field_name(key: str, kind: Kind = Kind.ARTICLE) -> str:
    """The canonical spelling of a (lower-cased) metadata key."""
    return FIELDS[kind].get(key.lower(), key)


def _squash(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def suggest_field(key: str, kind: Kind = Kind.ARTICLE) -> str | None:
    """The known field an unknown key most likely meant, e.g. Replyto → Reply_to."""
    fields = FIELDS[kind]
    squashed = {_squash(k): v for k, v in fields.items()}
    if _squash(key) in squashed:
        return squashed[_squash(key)]
    match = difflib.get_close_matches(_squash(key), list(squashed), n=1, cutoff=0.75)
    return squashed[match[0]] if match else None


def iso_date(value: object) -> date | None:
    """``YYYY-MM-DD`` as a date, or None if the value is not one."""
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def orcid_ok(value: str) -> bool:
    """ORCID iD syntax and its ISO 7064 MOD 11-2 check digit."""
    match = ORCID_PATTERN.match(value.strip())
    if not match:
        return False
    digits = match.group(1).replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def check_metadata(
    source: str,
    metadata: Mapping[str, object],
    kind: Kind,
    extra_fields: tuple[str, ...] = (),
) -> list[Problem]:
    """Every problem with one file's metadata (keys lower-cased, as in Pelican)."""
    problems: list[Problem] = []
    known = FIELDS[kind]
    extra = {f.lower() for f in extra_fields}

    def error(key: str, message: str, value: object = None, hint: str | None = None):
        problems.append(
            Problem(
                source,
                message,
                field=field_name(key, kind),
                value=None if value is None else str(value),
                hint=hint,
            )
        )

    for key, value in metadata.items():
        if key in known or key in extra:
            continue
        meant = suggest_field(key, kind)
        if meant:
            error(key, f"unknown field {key!r}", value, hint=f"did you mean {meant!r}?")
        else:
            problems.append(
                Problem(
                    source,
                    f"unknown field {key!r} is ignored",
                    field=key,
                    value=str(value),
                    severity=Severity.WARNING,
                )
            )

    draft = str(metadata.get("status", "")).strip() == "draft"
    for key in REQUIRED[kind]:
        if key in DATED_WHEN_ACCEPTED and draft:
            continue
        value = metadata.get(key)
        if value is None or (isinstance(value, str | list) and not value):
            error(
                key,
                "is required but missing",
                hint="only a draft (Status: draft) may leave it out"
                if key in DATED_WHEN_ACCEPTED
                else None,
            )

    lang = metadata.get("lang")
    if lang is not None and str(lang) not in LANGUAGES:
        error(
            "lang",
            f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}",
            lang,
            hint=(
                f"did you mean {LANGUAGE_ALIASES[str(lang).lower()]!r}?"
                if str(lang).lower() in LANGUAGE_ALIASES
                else did_you_mean(str(lang).lower(), LANGUAGES, cutoff=0.5)
            ),
        )
    status = metadata.get("status")
    if status is not None and str(status) not in STATUSES:
        error(
            "status",
            f"unknown status {status!r}; use one of {', '.join(STATUSES)}",
            status,
            hint=did_you_mean(str(status).lower(), STATUSES, cutoff=0.5),
        )
    if kind is Kind.ARTICLE:
        problems += _check_manuscript_dates(source, metadata)
        problems += _check_corrections(source, metadata)
    if kind is Kind.AUTHOR:
        orcid = metadata.get("orcid")
        if orcid and not orcid_ok(str(orcid)):
            error(
                "orcid",
                f"{orcid!r} is not a valid ORCID iD (16 digits as"
                " 0000-0000-0000-000X, with a correct check digit)",
                orcid,
            )
    return problems


def _check_manuscript_dates(
    source: str, metadata: Mapping[str, object]
) -> list[Problem]:
    problems: list[Problem] = []
    found: dict[str, date] = {}
    for key in ("received", "accepted"):
        value = metadata.get(key)
        if value is None:
            continue
        parsed = iso_date(value)
        if parsed is None:
            problems.append(
                Problem(
                    source,
                    f"{str(value)!r} is not a date in the form YYYY-MM-DD",
                    field=field_name(key),
                    value=str(value),
                )
            )
        else:
            found[key] = parsed
    published = metadata.get("date")
    if isinstance(published, datetime):
        for key, value in found.items():
            if value > published.date():
                problems.append(
                    Problem(
                        source,
                        f"{value.isoformat()} is after the publication date"
                        f" {published:%Y-%m-%d}",
                        field=field_name(key),
                        value=value.isoformat(),
                    )
                )
    if (
        "received" in found
        and "accepted" in found
        and (found["accepted"] < found["received"])
    ):
        problems.append(
            Problem(
                source,
                f"{found['accepted'].isoformat()} is before Received"
                f" ({found['received'].isoformat()})",
                field="Accepted",
                value=found["accepted"].isoformat(),
            )
        )
    return problems


def _check_corrections(source: str, metadata: Mapping[str, object]) -> list[Problem]:
    """A correction or retraction is dated by Modified, after publication."""
    problems: list[Problem] = []
    modified = metadata.get("modified")
    for key in ("correction", "retracted"):
        if metadata.get(key) and modified is None:
            problems.append(
                Problem(
                    source,
                    "needs a Modified date: the day of the "
                    + ("correction" if key == "correction" else "retraction"),
                    field=field_name(key),
                    value=str(metadata[key]),
                )
            )
    published = metadata.get("date")
    dated = isinstance(modified, datetime) and isinstance(published, datetime)
    if dated and modified < published:  # type: ignore[operator]
        problems.append(
            Problem(
                source,
                f"{modified:%Y-%m-%d %H:%M} is before the publication date"
                f" {published:%Y-%m-%d %H:%M}",
                field="Modified",
                value=f"{modified:%Y-%m-%d %H:%M}",
            )
        )
    return problems
