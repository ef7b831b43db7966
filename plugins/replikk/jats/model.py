"""What the importer makes of a JATS file: plain data, no XML and no Pelican.

One :class:`Imported` per ``<article>`` and per ``<sub-article>``: the content
format's fields, the Markdown body, the reference list, the authors, the
relations to other works and every :class:`Note` for the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path


class Kind(StrEnum):
    """What a line of the report says."""

    ERROR = "error"  # the file cannot be imported
    WARNING = "warning"  # imported, but an editor should look
    UNMAPPED = "not mapped"  # left out of the Markdown, or kept only as text
    MAPPED = "mapped"  # JATS → a field of the content format


@dataclass(frozen=True, slots=True)
class Note:
    """One line of the report: a file, where in it (XPath), and what."""

    source: str
    xpath: str | None
    message: str
    kind: Kind = Kind.UNMAPPED

    def format(self) -> str:
        where = f"{self.source} {self.xpath}" if self.xpath else self.source
        return f"{where}: {self.kind}: {self.message}"


@dataclass(slots=True)
class Person:
    """A contributor as the article names them, with what a profile holds."""

    name: str
    xpath: str
    affiliations: list[str] = field(default_factory=list)
    orcid: str | None = None
    email: str | None = None
    bio: str = ""  # Markdown


@dataclass(frozen=True, slots=True)
class Relation:
    """A ``related-article``: its type, the DOI or URL it names, where."""

    type: str  # related-article-type, lower case
    target: str  # a normalised DOI, or a URL
    is_doi: bool
    xpath: str
    title: str | None = None  # the element's own text, when it has some


@dataclass(frozen=True, slots=True)
class Image:
    """A figure's file beside the XML, copied under the article's folder."""

    source: Path
    name: str  # the file name it is given


@dataclass(slots=True)
class Imported:
    """One article (or sub-article) of a JATS file, in the content format."""

    source: str  # the JATS file, for the report
    xpath: str  # "/article" or "/article/sub-article[1]"
    article_type: str
    title: str
    lang: str
    date: date | None = None
    doi: str | None = None  # normalised (lower case)
    fields: dict[str, str] = field(default_factory=dict)
    authors: list[Person] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)  # this answers that
    converse: list[Relation] = field(default_factory=list)  # that answers this
    corrects: list[Relation] = field(default_factory=list)  # notices
    body: str = ""  # Markdown, without the reference list
    references: list[str] = field(default_factory=list)  # in number order
    reference_titles: dict[str, str] = field(default_factory=dict)  # DOI → title
    images: list[Image] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    parent: Imported | None = None  # what a sub-article replies to
    notice: str = ""  # a correction or retraction notice's text, one line
    slug: str = ""

    @property
    def is_sub_article(self) -> bool:
        return self.xpath != "/article"

    @property
    def label(self) -> str:
        """How the report names it."""
        return self.source if not self.is_sub_article else f"{self.source} {self.xpath}"

    def note(self, xpath: str | None, message: str, kind: Kind = Kind.UNMAPPED):
        self.notes.append(Note(self.source, xpath, message, kind))
