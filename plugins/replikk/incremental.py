"""Incremental builds: after an edit to an article's text, write only what shows it.

The most common edit by far is to the text of an article: a typo, a sentence,
a paragraph. The title, authors, dates, summary and replies stay as they
were, so every list, debate page, author page and summary feed that shows
the article stays byte for byte the same. Only pages that show the text
itself change: the article's page, its citation files, the feeds that carry
its full text, its debate's page, and the search index.

The runner (``replikk.build``) decides whether an incremental build may be
tried: the content cache is on, the last good site is in place, and nothing
changed but the bodies of some Markdown files (``replikk.unchanged`` keeps
one digest of everything else). It copies the last site into the new folder
as hard links (``replikk.output`` never writes through one) and builds with
``UPDATES`` naming the changed files. Everything is read and linked as in a full
build; then this part checks what the runner could not see from the files:

- each changed file is an article, draft or page with a summary of its own
  (a summary cut from the text would change every list showing it), not an
  author profile (whose text is on every article by that author);
- the citation graph (who cites whom in the archive, which a reference list
  changes) is the one recorded after the last build.

If any of that fails it raises :class:`NotIncremental` and the runner builds
everything from scratch. Otherwise it names the files this build writes
(``replikk.output.ONLY_OUTPUTS``) and the writers skip all others before they
render anything. ``tests/test_incremental.py`` checks the result against a
full build, byte for byte, for each kind of edit.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from itertools import chain

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator, StaticGenerator

from .feeds.glue import shown as held_by
from .output import ONLY_OUTPUTS

FACTS = "_REPLIKK_FACTS"  # set here, for the runner to record

# Set by the runner, for the folder an incremental build writes into (not in
# the settings: every author, tag and category Pelican keeps in its content
# cache holds the settings of the build that read it, pickled with it): the
# sources whose bodies changed and the last build's facts, and a function
# that waits until the last site's copy there is whole.
UPDATES: dict[str, tuple[set[str], dict]] = {}
COPYING: dict[str, Callable[[], None]] = {}


def update_of(settings: dict) -> tuple[set[str], dict] | None:
    """In an incremental build, the changed sources and the last build's
    facts; else None."""
    return UPDATES.get(settings["OUTPUT_PATH"])


# Generators whose output this part knows how to restrict; any other means a
# full build (it might show an article's text anywhere).
KNOWN = {
    "ArticlesGenerator",
    "PagesGenerator",
    "StaticGenerator",
    "DebatesGenerator",
    "FeedsGenerator",
    "CitationsGenerator",
    "SearchPagesGenerator",
}


class NotIncremental(Exception):
    """This change needs a full build; the runner starts one."""


def _nothing(*args, **kwargs) -> None:
    """Stands in for a generator whose files the copied site already has."""


def _contents(generators) -> tuple[list, list]:
    """Every article and draft (with translations), and every page."""
    articles, pages = [], []
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            articles += chain(
                generator.articles,
                generator.translations,
                generator.hidden_articles,
                generator.hidden_translations,
                generator.drafts,
                generator.drafts_translations,
            )
        elif isinstance(generator, PagesGenerator):
            pages += chain(
                generator.pages,
                generator.translations,
                generator.hidden_pages,
                generator.hidden_translations,
                generator.draft_pages,
                generator.draft_translations,
            )
    return articles, pages


def facts(generators) -> dict:
    """What the next incremental build compares against: which files' text is
    shown only on their own pages, and the archive's citation graph."""
    articles, pages = _contents(generators)
    content = generators[0].settings["PATH"]
    safe = sorted(
        os.path.relpath(item.source_path, content)
        for item in chain(articles, pages)
        if "summary" in item.metadata
    )
    graph = hashlib.blake2b()
    for article in sorted(articles, key=lambda a: a.source_path):
        citing = [a.source_path for a in getattr(article, "cited_in_archive", [])]
        graph.update(repr((article.source_path, citing)).encode())
    # Whom each article's references cite (slugs), for the citations part:
    # an unchanged article's need not be read again.
    cites = {
        os.path.relpath(a.source_path, content): a._replikk_cites
        for a in articles
        if getattr(a, "_replikk_cites", None)
    }
    return {"safe": safe, "citations": graph.hexdigest(), "cites": cites}


def _outputs(generators, changed: set[str]) -> set[str]:
    """The files that show the changed sources' text."""
    articles, pages = _contents(generators)
    shown = [item for item in chain(articles, pages) if item.source_path in changed]
    names = {item.save_as for item in shown}
    for item in shown:
        citation = getattr(item, "citation", None)
        if citation is not None:
            names.update(citation.save_as.values())
    ids = {id(item) for item in shown}
    sources = {item.source_path for item in shown}
    context = generators[0].context
    for debate in context.get("debates", []):
        if any(node.entry.source in sources for node in debate.articles):
            names.add(debate.save_as)
    plan = context.get("FEEDS")
    for planned in getattr(plan, "feeds", []):
        if any(id(a) in ids for a in planned.articles) and any(
            id(a) in ids for a in held_by(planned, generators[0].settings)
        ):
            names.update(p for p in (planned.links.atom, planned.links.rss) if p)
    return {os.path.normpath(name) for name in names if name}


def restrict(generators) -> None:
    """On ``all_generators_finalized``: record the facts; in an incremental
    build, check it may go on and name the files it writes."""
    settings = generators[0].settings
    settings[FACTS] = found = facts(generators)
    update = update_of(settings)
    if update is None:
        return
    changed, recorded = update
    wait = COPYING.get(settings["OUTPUT_PATH"])
    if wait is not None:
        wait()  # nothing may be written before the copy is whole
    content = settings["PATH"]
    unknown = {type(g).__name__ for g in generators} - KNOWN
    if unknown:
        raise NotIncremental(f"generators {sorted(unknown)} may show any text")
    safe = set(recorded.get("safe", ()))
    unsafe = sorted(p for p in changed if os.path.relpath(p, content) not in safe)
    if unsafe:
        raise NotIncremental(f"the text of {unsafe} is shown beyond its own page")
    if found["citations"] != recorded.get("citations"):
        raise NotIncremental("the citations between articles changed")
    settings[ONLY_OUTPUTS] = _outputs(generators, changed)
    for generator in generators:
        if isinstance(generator, StaticGenerator):
            generator.generate_output = _nothing  # the copy has every file


def register() -> None:
    signals.all_generators_finalized.connect(restrict)
