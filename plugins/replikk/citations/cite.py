"""How to cite an article: a Vancouver string, a RIS file and a BibTeX file.

Plain Python: the glue fills a :class:`Work` from a Pelican article and the
site settings; everything here turns that into text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from unidecode import unidecode

VANCOUVER_MAX_AUTHORS = 6  # ICMJE: list six, then "et al."


@dataclass(slots=True)
class Person:
    """An author as a citation needs them."""

    name: str  # as written: "Ingrid Solvang"
    affiliations: list[str] = field(default_factory=list)
    orcid_url: str | None = None

    @property
    def family(self) -> str:
        return _split(self.name)[1]

    @property
    def given(self) -> str:
        return _split(self.name)[0]

    @property
    def initials(self) -> str:
        return initials_of(self.given)


def initials_of(given: str) -> str:
    """``Jan-Erik`` → ``JE``: one capital per given name and part."""
    parts = re.split(r"[\s\-.]+", given)
    return "".join(p[0].upper() for p in parts if p)


def _split(name: str) -> tuple[str, str]:
    """Given names and family name; "Family, Given" is honoured as written."""
    if "," in name:
        family, given = (p.strip() for p in name.split(",", 1))
        return given, family
    words = name.split()
    if len(words) < 2:
        return "", name.strip()
    return " ".join(words[:-1]), words[-1]


@dataclass(slots=True)
class Work:
    """One article of the archive, as it is cited."""

    title: str
    authors: list[Person]
    published: datetime
    journal_title: str
    journal_abbreviation: str
    lang: str
    volume: int | None = None
    issn: str | None = None
    publisher: str | None = None
    doi: str | None = None
    url: str | None = None  # absolute, when the site's address is known
    abstract: str | None = None  # plain text
    keywords: list[str] = field(default_factory=list)
    modified: datetime | None = None

    @property
    def year(self) -> int:
        return self.published.year


def volume_for(year: int, first_year: int | None) -> int | None:
    """Volume of a yearly journal: ``first_year`` is volume 1."""
    if first_year is None:
        return None
    return year - first_year + 1


def sentence(text: str) -> str:
    """A Vancouver element ends in a full stop, unless it ends in ? or !."""
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else f"{text}."


def vancouver(work: Work) -> str:
    """``Solvang I, Brox JI. Title. Abbrev 2024; 144. doi: 10.…``"""
    head = vancouver_head(work)
    if work.doi:
        return f"{head} doi: {work.doi}"
    if work.url:
        return f"{head} {work.url}"
    return head


def vancouver_head(work: Work) -> str:
    """:func:`vancouver` up to the DOI or address: ``Solvang I. Title. Abbrev
    2024; 144.`` (a page shows the identifier that follows as a link)."""
    names = [f"{p.family} {p.initials}".strip() for p in work.authors]
    if len(names) > VANCOUVER_MAX_AUTHORS:
        names = [*names[:VANCOUVER_MAX_AUTHORS], "et al"]
    parts = []
    if names:
        parts.append(sentence(", ".join(names)))
    parts.append(sentence(work.title))
    source = f"{work.journal_abbreviation} {work.year}"
    if work.volume is not None:
        source += f"; {work.volume}"
    parts.append(f"{source}.")
    return " ".join(parts)


# -- RIS ---------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def formatted(value: date, pattern: str) -> str:
    """``value.strftime(pattern)`` by the standard library's own strftime.

    Pelican's dates (``SafeDatetime``) format through Pelican's strftime,
    which formats each directive on its own; for numeric directives the text
    is the same, at a tenth of the cost.
    """
    return date.strftime(value, pattern)


def _ris_date(value: date) -> str:
    return formatted(value, "%Y/%m/%d/")


def ris(work: Work) -> str:
    """A RIS record (one tag a line, CRLF, as the format's spec asks)."""
    lines: list[tuple[str, str]] = [("TY", "JOUR"), ("TI", work.title)]
    lines += [("AU", f"{p.family}, {p.given}".strip(", ")) for p in work.authors]
    lines += [
        ("PY", str(work.year)),
        ("DA", _ris_date(work.published)),
        ("T2", work.journal_title),
        ("J2", work.journal_abbreviation),
    ]
    if work.volume is not None:
        lines.append(("VL", str(work.volume)))
    if work.issn:
        lines.append(("SN", work.issn))
    if work.publisher:
        lines.append(("PB", work.publisher))
    if work.doi:
        lines.append(("DO", work.doi))
    if work.url:
        lines.append(("UR", work.url))
    if work.abstract:
        lines.append(("AB", work.abstract))
    lines += [("KW", k) for k in work.keywords]
    lines.append(("LA", work.lang))
    body = "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines)
    return body + "ER  - \r\n"


# -- BibTeX ------------------------------------------------------------------

# Classic BibTeX reads bytes, not Unicode: letters outside ASCII are written as
# LaTeX commands so that every BibTeX, biber and reference manager reads them.
_LATEX_LETTERS = {
    "æ": r"{\ae}",
    "Æ": r"{\AE}",
    "ø": r"{\o}",
    "Ø": r"{\O}",
    "å": r"{\aa}",
    "Å": r"{\AA}",
    "ß": r"{\ss}",
    "œ": r"{\oe}",
    "Œ": r"{\OE}",
    "ł": r"{\l}",
    "Ł": r"{\L}",
    "ı": r"{\i}",
}
_LATEX_ACCENTS = {
    "\u0301": "'",
    "\u0300": "`",
    "\u0302": "^",
    "\u0308": '"',
    "\u0303": "~",
    "\u0304": "=",
    "\u0307": ".",
    "\u030a": "r",
    "\u030c": "v",
    "\u0306": "u",
    "\u0327": "c",
    "\u030b": "H",
    "\u0328": "k",
}
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "–": "--",
    "—": "---",
    "\u00a0": "~",
}


def _latex_char(char: str) -> str:
    if char in _LATEX_SPECIALS:
        return _LATEX_SPECIALS[char]
    if char in _LATEX_LETTERS:
        return _LATEX_LETTERS[char]
    if ord(char) < 128:
        return char
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if len(marks) == 1 and marks in _LATEX_ACCENTS and ord(base) < 128:
        accent = _LATEX_ACCENTS[marks]
        sep = " " if accent.isalpha() else ""
        return f"{{\\{accent}{sep}{base}}}"
    return char  # the file is UTF-8; biber and modern BibTeX read the rest


class _LatexTable(dict):
    """``str.translate`` table of :func:`_latex_char`, filled as characters
    are met: a title is translated at C speed, not a character at a time."""

    def __missing__(self, code: int) -> str:
        latex = _latex_char(chr(code))
        if len(self) < 4096:  # the characters an archive uses, not all Unicode
            self[code] = latex
        return latex


_LATEX = _LatexTable()


def bibtex_escape(text: str) -> str:
    """Text as a BibTeX field value: specials escaped, letters as LaTeX."""
    return _one_line(text).translate(_LATEX)


def bibtex_key(work: Work) -> str:
    """``solvang2024smertebehandling``: ASCII, stable for the same article."""
    family = work.authors[0].family if work.authors else work.journal_abbreviation
    words = re.findall(r"[a-z0-9]+", unidecode(work.title).lower())
    first = next((w for w in words if len(w) > 3), words[0] if words else "")
    name = re.sub(r"[^a-z0-9]", "", unidecode(family).lower())
    return f"{name}{work.year}{first}" or f"article{work.year}"


def _bib_name(person: Person) -> str:
    # Braces keep a part that contains " and " from being read as two names.
    family, given = (
        f"{{{p}}}" if " and " in f" {p} " else p
        for p in (bibtex_escape(person.family), bibtex_escape(person.given))
    )
    return f"{family}, {given}" if given else f"{{{family}}}"


def bibtex(work: Work) -> str:
    """A BibTeX ``@article`` entry."""
    fields: list[tuple[str, str]] = [
        ("author", " and ".join(_bib_name(p) for p in work.authors)),
        # Double braces keep the title's capitals as written.
        ("title", f"{{{bibtex_escape(work.title)}}}"),
        ("journal", bibtex_escape(work.journal_title)),
        ("shortjournal", bibtex_escape(work.journal_abbreviation)),
        ("year", str(work.year)),
        ("month", f"{work.published.month}"),
        ("date", formatted(work.published, "%Y-%m-%d")),
    ]
    if work.volume is not None:
        fields.append(("volume", str(work.volume)))
    if work.issn:
        fields.append(("issn", work.issn))
    if work.publisher:
        fields.append(("publisher", bibtex_escape(work.publisher)))
    if work.doi:
        # A DOI is an identifier, not prose: only braces and backslashes could
        # break the value, and BibTeX styles print it verbatim.
        fields.append(("doi", re.sub(r"([{}\\])", r"\\\1", work.doi)))
    if work.url:
        fields.append(("url", work.url.replace("{", "%7B").replace("}", "%7D")))
    if work.abstract:
        fields.append(("abstract", bibtex_escape(work.abstract)))
    if work.keywords:
        fields.append(("keywords", bibtex_escape(", ".join(work.keywords))))
    fields.append(("language", work.lang))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@article{{{bibtex_key(work)},\n{body}\n}}\n"
