"""Schema.org JSON-LD for an article page, safe to embed in ``<script>``.

Plain Python: the glue hands in a :class:`~replikk.citations.cite.Work` and
the debate's links as :class:`Link` values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from .cite import Work

# Characters that could end or confuse a <script> element, or a JavaScript
# parser reading JSON, written as JSON escapes: the data stay the same.
_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


@dataclass(frozen=True, slots=True)
class Link:
    """Another work: an answered article, a reply, the debate."""

    name: str
    url: str | None = None
    doi: str | None = None
    date: datetime | None = None
    authors: tuple[str, ...] = ()


def dumps_for_script(data: object) -> str:
    """JSON that can sit inside ``<script type="application/ld+json">``."""
    try:
        text = _dumps(data, "\n")
    except _Unusual:
        text = json.dumps(data, ensure_ascii=False, indent=2)
    for char, escape in _UNSAFE.items():
        if char in text:
            text = text.replace(char, escape)
    return text


class _Unusual(Exception):
    """A value :func:`_dumps` leaves to :func:`json.dumps`."""


_STRING = json.encoder.encode_basestring  # as json.dumps(ensure_ascii=False)


def _dumps(value: object, newline: str) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` for the strings,
    whole numbers, lists and dicts with text keys a ScholarlyArticle is made
    of. Python's json module writes indented JSON with its slow pure-Python
    encoder; this writes the same text faster."""
    if isinstance(value, str):
        return _STRING(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = newline + "  "
        items = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Unusual
            text = _STRING(item) if type(item) is str else _dumps(item, inner)
            items.append(f"{_STRING(key)}: {text}")
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = newline + "  "
        items = [_STRING(v) if type(v) is str else _dumps(v, inner) for v in value]
        return "[" + inner + ("," + inner).join(items) + newline + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    raise _Unusual  # a float, or something json.dumps will reject


def _work(link: Link, kind: str) -> dict:
    node: dict = {"@type": kind, "name": link.name}
    if link.doi:
        node["identifier"] = _doi_identifier(link.doi)
        node["sameAs"] = f"https://doi.org/{link.doi}"
    if link.url:
        node["url"] = link.url
    elif link.doi:
        node["url"] = f"https://doi.org/{link.doi}"
    if link.date:
        node["datePublished"] = link.date.isoformat()
    if link.authors:
        node["author"] = [{"@type": "Person", "name": a} for a in link.authors]
    return node


def _doi_identifier(doi: str) -> dict:
    return {"@type": "PropertyValue", "propertyID": "DOI", "value": doi}


def scholarly_article(
    work: Work,
    *,
    answers: list[Link],
    replies: list[Link],
    debate: Link | None,
    references: list[str],
) -> dict:
    """A ``ScholarlyArticle`` with its authors, its debate and its replies."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": work.title,
        "name": work.title,
        "inLanguage": work.lang,
        "datePublished": work.published.isoformat(),
        "author": [
            {
                "@type": "Person",
                "name": p.name,
                "givenName": p.given,
                "familyName": p.family,
                **({"sameAs": p.orcid_url} if p.orcid_url else {}),
                **(
                    {
                        "affiliation": [
                            {"@type": "Organization", "name": a} for a in p.affiliations
                        ]
                    }
                    if p.affiliations
                    else {}
                ),
            }
            for p in work.authors
        ],
    }
    if work.modified:
        data["dateModified"] = work.modified.isoformat()
    if work.abstract:
        data["description"] = work.abstract
        data["abstract"] = work.abstract
    if work.keywords:
        data["keywords"] = work.keywords
    if work.url:
        data["url"] = work.url
        data["mainEntityOfPage"] = work.url
    if work.doi:
        data["identifier"] = _doi_identifier(work.doi)
        data["sameAs"] = f"https://doi.org/{work.doi}"
    periodical: dict = {"@type": "Periodical", "name": work.journal_title}
    if work.issn:
        periodical["issn"] = work.issn
    part_of: list[dict] = [periodical]
    if debate is not None:
        part_of.insert(0, _work(debate, "CreativeWorkSeries"))
    data["isPartOf"] = part_of
    if work.volume is not None:
        data["volumeNumber"] = str(work.volume)
    if work.publisher:
        data["publisher"] = {"@type": "Organization", "name": work.publisher}
    if answers:
        answered = [_work(a, "ScholarlyArticle") for a in answers]
        data["isBasedOn"] = answered
        data["citation"] = answered + references  # type: ignore[operator]
    elif references:
        data["citation"] = references
    data["commentCount"] = len(replies)
    if replies:
        data["comment"] = [_work(r, "Comment") for r in replies]
    return data
