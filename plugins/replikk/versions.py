"""Which versions of what Replikk builds on it supports, checked at start-up.

The ranges are the package's own: ``[project.dependencies]`` in
``pyproject.toml``, read back from the installed package's metadata, so there
is one list. Pagefind is npm's, at the one version the index is made with
(:data:`search.PAGEFIND_VERSION`). Two parts rely on an exact version, and
say so here as they do where they act: the linear replacements of Pelican's
loops (:mod:`patches`, Pelican 4.12.0, else Pelican's own code runs) and the
search index (Pagefind 1.6.0, else the build refuses).

:func:`problems` compares what is installed with what is supported;
:func:`warn_once` says each mismatch once per process, plainly, at the start
of a build (``signals.initialized``). ``replikk versions`` prints the table.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import metadata

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from . import patches, search

logger = logging.getLogger(__name__)

DISTRIBUTION = "replikk"
# What the build reads and writes with: the start-up check covers these.
CHECKED = ("pelican", "markdown", "feedgen")


@dataclass(frozen=True)
class Row:
    """One thing Replikk builds on: what it supports and what is here."""

    name: str
    supported: str  # a PEP 440 specifier, or "==x" for an exact version
    installed: str | None
    exact_because: str = ""

    @property
    def ok(self) -> bool:
        if self.installed is None:
            return False
        try:
            return SpecifierSet(self.supported).contains(
                Version(self.installed), prereleases=True
            )
        except InvalidVersion:
            return False


def supported_ranges() -> dict[str, str]:
    """The ranges the installed package declares, by lower-case name."""
    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return {}
    ranges = {}
    for line in declared:
        requirement = Requirement(line)
        if requirement.marker is None:
            ranges[requirement.name.lower()] = str(requirement.specifier)
    return ranges


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def rows(settings: dict | None = None) -> list[Row]:
    """Pelican, Markdown, feedgen and Pagefind: supported and installed."""
    ranges = supported_ranges()
    found = [
        Row(name, ranges[name], _installed(name)) for name in CHECKED if name in ranges
    ]
    found.append(
        Row(
            "pagefind (npm)",
            f"=={search.PAGEFIND_VERSION}",
            search.installed_version(settings or {}),
            "the search index: the build refuses any other version",
        )
    )
    return found


def exact() -> list[str]:
    """What relies on one exact version, in a sentence each."""
    return [
        f"patches.py: the linear versions of Pelican's loops are written for"
        f" Pelican {patches.PELICAN_VERSION} exactly; with any other, Pelican's"
        " own code runs (same pages, slower at scale)",
        f"search.py: the index is made with Pagefind {search.PAGEFIND_VERSION}"
        " exactly (npm, package.json); the build refuses any other",
    ]


def problems(found: list[Row]) -> list[str]:
    """A sentence for each row outside what Replikk supports."""
    said = []
    for row in found:
        if row.ok:
            continue
        installed = (
            f"{row.installed} is installed" if row.installed else "it is not installed"
        )
        why = f" ({row.exact_because})" if row.exact_because else ""
        said.append(
            f"Replikk supports {row.name} {row.supported}, but {installed}{why}."
            " Install the pinned versions: pip install -r requirements.txt"
            " (npm ci for Pagefind)"
        )
    return said


_SAID: set[str] = set()


def warn_once(pelican) -> None:
    """At start-up: each mismatch, once per process."""
    for sentence in problems(rows(pelican.settings)):
        if sentence not in _SAID:
            _SAID.add(sentence)
            logger.warning(sentence)


def table(found: list[Row]) -> str:
    """What ``replikk versions`` prints, of :func:`rows`."""
    width = max(len(r.name) for r in found)
    lines = [
        f"{r.name:<{width}}  {r.installed or '(none)':<10}  supported {r.supported}"
        f"  {'ok' if r.ok else 'OUTSIDE'}"
        for r in found
    ]
    lines += ["", "Exact versions relied on:", *(f"- {s}" for s in exact())]
    return "\n".join(lines)
