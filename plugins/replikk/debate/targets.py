"""Parse the targets an article names in ``Reply_to``.

A target is the slug of an article in the archive, a DOI in any of its three
spellings (``10.…``, ``doi:10.…``, ``https://doi.org/10.…``) or an http(s) URL.
This module knows nothing of Pelican: it turns text into typed values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Crossref's recommended pattern for modern DOIs, which match 74.4M of 74.9M
# registered DOIs: https://www.crossref.org/blog/dois-and-matching-regular-expressions/
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/[-._;()/:a-z0-9<>\[\]]+$", re.IGNORECASE)
_DOI_PREFIXES = (
    "https://doi.org/",
    "http://doi.org/",
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "doi:",
)
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class TargetSyntaxError(ValueError):
    """A target's text is none of slug, DOI or URL, or a malformed DOI."""


@dataclass(frozen=True, slots=True)
class SlugTarget:
    slug: str

    def __str__(self) -> str:
        return self.slug


@dataclass(frozen=True, slots=True)
class DoiTarget:
    doi: str  # normalised: lower case, no prefix

    @property
    def url(self) -> str:
        return f"https://doi.org/{self.doi}"

    def __str__(self) -> str:
        return self.doi


@dataclass(frozen=True, slots=True)
class UrlTarget:
    url: str

    def __str__(self) -> str:
        return self.url


Target = SlugTarget | DoiTarget | UrlTarget


def strip_doi_prefix(text: str) -> str | None:
    """Return the bare DOI in ``text`` if it is spelt as a DOI, else None.

    The result is not yet checked against the DOI syntax.
    """
    stripped = text.strip()
    lowered = stripped.lower()
    for prefix in _DOI_PREFIXES:
        if lowered.startswith(prefix):
            return stripped[len(prefix) :].strip()
    if lowered.startswith("10."):
        return stripped
    return None


def normalise_doi(text: str) -> str:
    """Return the canonical (lower-case, unprefixed) form of a DOI.

    Raises TargetSyntaxError when ``text`` is spelt as a DOI but is malformed.
    DOIs are case-insensitive (DOI Handbook 2.4), so lower case is canonical here.
    """
    bare = strip_doi_prefix(text)
    if bare is None or not DOI_PATTERN.match(bare):
        raise TargetSyntaxError(
            f"malformed DOI {text.strip()!r}: a DOI is '10.<registrant>/<suffix>',"
            " e.g. '10.4045/tidsskr.23.0737'"
        )
    return bare.lower()


def parse_target(text: str) -> Target:
    """Classify one ``Reply_to`` target."""
    raw = text.strip()
    if not raw:
        raise TargetSyntaxError("empty target")
    if strip_doi_prefix(raw) is not None:
        return DoiTarget(normalise_doi(raw))
    parts = urlsplit(raw)
    if parts.scheme in {"http", "https"}:
        if not parts.netloc:
            raise TargetSyntaxError(f"malformed URL {raw!r}: it names no host")
        return UrlTarget(raw)
    if SLUG_PATTERN.match(raw):
        return SlugTarget(raw)
    raise TargetSyntaxError(
        f"{raw!r} is not a slug, a DOI (10.…, doi:10.…, https://doi.org/10.…)"
        " or an http(s) URL"
    )


def split_targets(value: str) -> list[str]:
    """Split a ``Reply_to`` value on commas into its stripped, non-empty parts."""
    return [part.strip() for part in value.split(",") if part.strip()]
