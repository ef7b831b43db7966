"""A JATS ``ref`` as one entry of the archive's Vancouver reference list.

``element-citation`` (and NLM's ``citation``) is put together field by field
as the archive writes its references::

    Hartvigsen J, Hancock MJ, Kongsted A, et al. What low back pain is and why
    we need to pay attention. Lancet 2018; 391: 2356–67. doi: 10.1016/…

``mixed-citation`` is already written out by the journal: its text is kept
as it stands, with ``doi:`` and ``PMID:`` labels added to its ``pub-id``s
when the text has none, so the reference parser finds them. The title that
names an external reply target is the sentence after the authors, as
:class:`replikk.citations.references.Reference` reads it.
"""

from __future__ import annotations

import re

from lxml import etree

from ..citations.cite import VANCOUVER_MAX_AUTHORS, initials_of, sentence
from ..debate.targets import TargetSyntaxError, normalise_doi, strip_doi_prefix
from .markdown import escape_md, plain, safe_url, squash
from .xml import href, local

CITATIONS = ("element-citation", "citation", "mixed-citation")


def citation_of(ref: etree._Element) -> etree._Element | None:
    """The citation a ``ref`` holds: an element-citation if it has one."""
    for name in CITATIONS:
        found = ref.find(f".//{name}")
        if found is not None:
            return found
    return None


def identifiers(citation: etree._Element) -> tuple[str | None, str | None]:
    """The cited work's DOI (as written, without a prefix) and PMID, from its
    ``pub-id``s (or a doi.org link)."""
    doi = pmid = None
    for pub_id in citation.iter("pub-id"):
        kind = (pub_id.get("pub-id-type") or "").lower()
        value = plain(pub_id)
        if kind == "doi" and doi is None:
            try:
                normalise_doi(value)
            except TargetSyntaxError:
                continue
            doi = strip_doi_prefix(value)
        elif kind == "pmid" and pmid is None and value.isdigit():
            pmid = value
    if doi is None:
        for link in citation.iter("ext-link", "uri"):
            address = href(link) or plain(link)
            match = re.match(r"^https?://(?:dx\.)?doi\.org/(10\..+)$", address)
            if match:
                try:
                    normalise_doi(match.group(1))
                except TargetSyntaxError:
                    continue
                doi = match.group(1)
                break
    return doi, pmid


def initials(given: str) -> str:
    """``Mary Jane`` → ``MJ``, ``J.-P.`` → ``JP``; ``MJ`` (initials already)
    as it is."""
    if re.fullmatch(r"[A-ZÆØÅ]{1,4}", given):
        return given
    return initials_of(given)


def person(name: etree._Element) -> str:
    """``Hartvigsen J`` from a ``name`` or ``string-name``; a collab as written."""
    if local(name) == "collab":
        return plain(name)
    surname = plain(name.find("surname"))
    given = plain(name.find("given-names"))
    if not surname:
        return plain(name)
    suffix = plain(name.find("suffix"))
    return " ".join(p for p in (surname, initials(given), suffix) if p)


def _sentence(text: str) -> str:
    """The archive's Vancouver element (:func:`cite.sentence`); nothing for
    nothing."""
    return sentence(text) if text.strip() else ""


def _pages(first: str, last: str) -> str:
    """Vancouver's page range: ``2356–2367`` → ``2356–67``."""
    if not last or last == first:
        return first
    if first.isdigit() and last.isdigit() and len(first) == len(last):
        k = 0
        while k < len(first) - 1 and first[k] == last[k]:
            k += 1
        return f"{first}–{last[k:]}"
    return f"{first}–{last}"


def _people(citation: etree._Element) -> tuple[list[str], list[str]]:
    """Authors (Vancouver's six, then et al.) and editors of a citation."""
    authors: list[str] = []
    editors: list[str] = []
    names = {"name", "string-name", "collab"}
    for group in citation.findall("person-group"):
        kind = group.get("person-group-type") or "author"
        found = editors if kind == "editor" else authors
        found += [person(n) for n in group if local(n) in names]
        if group.find("etal") is not None:
            found.append("et al")
    if not authors:
        authors = [person(n) for n in citation if local(n) in names]
    if len(authors) > VANCOUVER_MAX_AUTHORS:
        authors = [*authors[:VANCOUVER_MAX_AUTHORS], "et al"]
    return list(dict.fromkeys(authors)), editors


def _published(citation: etree._Element, year: str) -> str:
    """``Oslo: Publisher; 2020``."""
    place = plain(citation.find("publisher-loc"))
    publisher = plain(citation.find("publisher-name"))
    where = ": ".join(p for p in (place, publisher) if p)
    return "; ".join(p for p in (where, year) if p)


def element_text(citation: etree._Element) -> str:
    """An element-citation in the archive's Vancouver style (plain text)."""
    authors, editors = _people(citation)
    kind = (citation.get("publication-type") or "journal").lower()
    title = plain(citation.find("article-title")) or plain(
        citation.find("chapter-title")
    )
    source = plain(citation.find("source"))
    year = plain(citation.find("year"))
    pages = _pages(plain(citation.find("fpage")), plain(citation.find("lpage")))
    pages = pages or plain(citation.find("elocation-id"))
    parts: list[str] = [_sentence(", ".join(authors))] if authors else []
    if kind in {"book", "report", "thesis"} and not title:
        parts += [_sentence(source), _sentence(_published(citation, year))]
    elif kind in {"book", "report"}:  # a chapter
        where = f"In: {', '.join(editors)}, editors. " if editors else "In: "
        tail = _published(citation, year) + (f". p. {pages}" if pages else "")
        parts += [_sentence(title), where + _sentence(source), _sentence(tail)]
    else:
        volume = plain(citation.find("volume"))
        issue = plain(citation.find("issue"))
        where = " ".join(p for p in (source, year) if p)
        if volume:
            where += f"; {volume}" + (f"({issue})" if issue else "")
        if pages:
            where += f": {pages}"
        parts += [_sentence(title), _sentence(where)]
    doi, pmid = identifiers(citation)
    if doi:
        parts.append(f"doi: {doi}" + ("." if pmid else ""))
    if pmid:
        parts.append(f"PMID: {pmid}")
    for link in citation.iter("ext-link", "uri"):
        url = safe_url(href(link) or plain(link))
        if url and not re.match(r"^https?://(?:dx\.)?doi\.org/", url):
            parts.append(url)
            break
    return " ".join(p for p in parts if p)


def mixed_text(citation: etree._Element) -> str:
    """A mixed-citation's own text; ``pub-id``s labelled for the parser."""
    pieces: list[str] = [citation.text or ""]
    for child in citation:
        name = local(child)
        if name == "pub-id":
            kind = (child.get("pub-id-type") or "").lower()
            value = plain(child)
            before = "".join(pieces).rstrip().lower()
            if kind == "doi" and not before.endswith(("doi:", "doi")):
                value = f"doi: {value}"
            elif kind == "pmid" and not before.endswith(("pmid:", "pmid")):
                value = f"PMID: {value}"
            pieces.append(value)
        elif name in {"ext-link", "uri"}:
            pieces.append(plain(child) or href(child) or "")
        elif name:
            pieces.append("".join(child.itertext()))
        pieces.append(child.tail or "")
    return squash("".join(pieces)).strip()


def reference_text(ref: etree._Element) -> str:
    """One entry of the list, as plain text (escaped for Markdown by the caller)."""
    citation = citation_of(ref)
    if citation is None:
        return plain(ref)
    if local(citation) == "mixed-citation":
        text = mixed_text(citation)
        doi, pmid = identifiers(citation)
        if doi and doi not in text.lower():
            text += f" doi: {doi}"
        if pmid and pmid not in text:
            text += f" PMID: {pmid}"
        return text
    return element_text(citation)


def title_of(ref: etree._Element) -> str:
    """The cited work's title (for an external reply target)."""
    citation = citation_of(ref)
    if citation is None:
        return ""
    return plain(citation.find("article-title")) or plain(citation.find("source"))


def markdown_entry(text: str) -> str:
    """A reference's text escaped for Markdown, its identifiers left readable
    (the reference parser finds ``doi: 10.…`` in the rendered text)."""
    return escape_md(text, 0)
