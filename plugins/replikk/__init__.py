"""Replikk: a Pelican plugin for debate-article archives.

Connects the parts to Pelican's signals; each part lives in its own module.
See README.md beside this file for the metadata it reads, the template
variables it exposes and its settings.
"""

from __future__ import annotations

import logging
from operator import attrgetter
from pathlib import Path

from pelican import signals
from pelican.generators import ArticlesGenerator
from pelican.utils import order_content

from . import (
    feeds,
    i18n,
    owners,
    page,
    policy,
    reply,
    search,
    speed,
    versions,
    workers,
)
from .authors import attach_profiles, read_profiles, warn_missing_profiles
from .citations import glue as citations_glue
from .debate import diagram_glue
from .debate import glue as debate_glue
from .problems import RUNNER_REPORTS, ContentError, problems_of
from .reader import ReplikkMarkdownReader, open_cache, reading_settings, save_cache
from .typography import glue as typography_glue

logger = logging.getLogger(__name__)


def prepare(pelican) -> None:
    i18n.install(pelican.settings)
    i18n.add_filters(pelican.settings, **page.filters(pelican.settings))
    diagram_glue.install(pelican.settings)
    debate_glue.install(pelican.settings)


def use_our_reader(readers) -> None:
    for ext in ReplikkMarkdownReader.file_extensions:
        readers.reader_classes[ext] = ReplikkMarkdownReader
        readers.readers[ext] = ReplikkMarkdownReader(reading_settings(readers.settings))


def share_problems(generator) -> None:
    problems = problems_of(generator.context)
    readers = getattr(generator, "readers", None)
    if readers is None:
        return
    for reader in readers.readers.values():
        if isinstance(reader, ReplikkMarkdownReader):
            reader.problems = problems


def plain_urls_for_originals(generator: ArticlesGenerator) -> None:
    """An original in nn or en lives at the plain article URL; only
    translations get the language in their URL."""
    settings = generator.settings
    for article in generator.articles:
        if not article.in_default_lang:
            fields = article.url_format
            article.override_url = settings["ARTICLE_URL"].format(**fields)
            article.override_save_as = settings["ARTICLE_SAVE_AS"].format(**fields)


def in_stable_order(generator) -> None:
    """Put what Pelican read in an order that does not depend on the process.

    Pelican collects the files it reads in a set (``Generator.get_files``), so
    the order they are read in follows the process's string hashing: two
    articles of the same date, or the translations of one page, came out in
    a different order from one run to the next. Here each list is first put in
    the order of the files' paths, then sorted again by the setting that
    orders it (a stable sort: ties keep the paths' order), and each item's
    translations are ordered by language, then path.
    """
    is_pages = not isinstance(generator, ArticlesGenerator)
    order_by = generator.settings["PAGE_ORDER_BY" if is_pages else "ARTICLE_ORDER_BY"]
    originals, translations = (
        (
            ("pages", "hidden_pages", "draft_pages"),
            ("translations", "hidden_translations", "draft_translations"),
        )
        if is_pages
        else (
            ("articles", "hidden_articles", "drafts"),
            ("translations", "hidden_translations", "drafts_translations"),
        )
    )
    for name in (*originals, *translations):
        items = getattr(generator, name, None)
        if not items:
            continue
        items.sort(key=attrgetter("source_path"))
        if name in originals:
            items[:] = order_content(items, order_by)
        for item in items:
            item.translations.sort(key=attrgetter("lang", "source_path"))


def mark_pages(generator: ArticlesGenerator) -> None:
    """Only authors and tags of published articles get a page: a draft's own
    author or tag has ``has_page`` False, so templates do not link to nothing."""
    published = [*generator.articles, *generator.translations]
    authors = {a.name for art in published for a in getattr(art, "authors", ())}
    tags = {t.name for art in published for t in getattr(art, "tags", ())}
    for article in [*published, *generator.drafts, *generator.drafts_translations]:
        for author in getattr(article, "authors", ()):
            author.has_page = author.name in authors
        for tag in getattr(article, "tags", ()):
            tag.has_page = tag.name in tags


def read_author_profiles(generator: ArticlesGenerator) -> None:
    """Read the profiles while the articles are read
    (``article_generator_pretaxonomy``), before the reading cache is saved,
    so their readings are kept with the articles'."""
    problems = problems_of(generator.context)
    generator.replikk_profiles = read_profiles(generator, problems)


def link_debates(generator: ArticlesGenerator) -> None:
    problems = problems_of(generator.context)
    plain_urls_for_originals(generator)
    mark_pages(generator)
    profiles = getattr(generator, "replikk_profiles", None)
    if profiles is None:  # a generator that never sent pretaxonomy
        profiles = read_profiles(generator, problems)
    missing = attach_profiles(generator, profiles)
    # The publish policy's author_profile rule (its per-file rules run in the
    # reader) judges some of them; the rest get the plain warning.
    judged = policy.check_profiles(generator, problems)
    warn_missing_profiles(missing, problems, judged)
    debate_glue.build(generator, problems)


def stop_on_errors(generators) -> None:
    """After every file is read and linked: report, and stop if anything is wrong."""
    context = generators[0].context
    problems = problems_of(context)
    problems.locate()
    base = Path(context["PATH"]).parent
    if not context.get(RUNNER_REPORTS):  # plain `pelican` runs
        for problem in problems.warnings:
            logger.warning(problem.format(base))
    if problems.errors:
        raise ContentError(problems, base)


def add_generators(pelican):
    return debate_glue.DebatesGenerator


# Feature parts with their own ``register()``, connected after the core.
PARTS: list = [speed, typography_glue, feeds, search, citations_glue, reply]


def register() -> None:
    signals.initialized.connect(versions.warn_once)
    signals.initialized.connect(open_cache)
    signals.initialized.connect(prepare)
    signals.readers_init.connect(use_our_reader)
    signals.generator_init.connect(share_problems)
    signals.article_generator_pretaxonomy.connect(in_stable_order)
    signals.page_generator_finalized.connect(in_stable_order)
    signals.article_generator_pretaxonomy.connect(read_author_profiles)
    signals.article_generator_finalized.connect(link_debates)
    signals.get_generators.connect(add_generators)
    for part in PARTS:
        part.register()
    workers.register()
    owners.register()
    signals.all_generators_finalized.connect(save_cache)
    # Last, so the parts' own checks on this signal are in before it decides.
    signals.all_generators_finalized.connect(stop_on_errors)
