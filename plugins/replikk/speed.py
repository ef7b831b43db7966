"""Small, sound speed-ups through Pelican's and Jinja's public means.

- :func:`freeze_urls`: each article's URL and output path computed once,
  through Pelican's own ``override_url``/``override_save_as``;
- :func:`static_templates`: Jinja told templates do not change during a
  build, and (with the cache on) its own bytecode cache, which Jinja keys by
  each template's source;
- :func:`archive_apart`: the read archive kept out of the garbage
  collector's way while it is needed, and let go after.

None of them changes a byte of output. The linear loops that replace
Pelican's quadratic ones are in ``patches.py``, gated on Pelican's code.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from itertools import chain
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.contents import Content
from pelican.generators import ArticlesGenerator

from . import patches
from .reader import CACHE


def freeze_urls(generator: ArticlesGenerator) -> None:
    """Compute each article's URL and output path once. Pelican recomputes
    them on every access (formatting the setting with all metadata and
    resolving the source path: ~0.1 ms each), and templates ask for the URL a
    dozen times an article. ``override_url`` and ``override_save_as`` are
    Pelican's own way to fix them; the debate glue sets them again where it
    moves an article."""
    for article in chain(
        generator.articles,
        generator.translations,
        generator.drafts,
        generator.drafts_translations,
        generator.hidden_articles,
        generator.hidden_translations,
    ):
        if not hasattr(article, "override_url"):
            article.override_url = article.url
        if not hasattr(article, "override_save_as"):
            article.override_save_as = article.save_as


def static_templates(pelican_object) -> None:
    """Templates do not change during a build: Jinja need not check the
    file's modification time at every ``{% include %}`` (it does by default).
    A rebuild makes a new Pelican and so a new template environment.

    With the cache on, compiled templates are kept in ``CACHE_PATH/jinja/``:
    Jinja's own bytecode cache, which compiles a template again when its
    source (or Jinja's version) changes."""
    settings = pelican_object.settings
    environment = dict(settings.get("JINJA_ENVIRONMENT", {}))
    environment.setdefault("auto_reload", False)
    if settings.get(CACHE) is not None:  # reader.open_cache ran first
        folder = Path(settings.get("CACHE_PATH") or "cache") / "jinja"
        with suppress(OSError):  # no cache is only slower
            folder.mkdir(parents=True, exist_ok=True)
            environment.setdefault("bytecode_cache", FileSystemBytecodeCache(folder))
    settings["JINJA_ENVIRONMENT"] = environment


def forget_summaries(pelican_object=None) -> None:
    """Pelican's memo of summaries lives on the class for the life of the
    process; a build starts with it empty, so a rebuild does not keep the
    last build's articles alive."""
    cache = getattr(Content.__dict__.get("get_summary"), "cache", None)
    if cache is not None:
        cache.clear()


@contextmanager
def archive_apart() -> Iterator[None]:
    """Around Pelican's run (``replikk.build``): once every file is read, the
    archive lives to the end of the run, and each full collection walked all
    of it again (1.4 s of a build of 5,000 articles). Frozen (``gc.freeze``)
    when reading is done, it is passed over by every later collection. After
    the run it is unfrozen, Pelican's summary memo emptied and its cycles
    collected once, so the search index, which comes next, reuses its memory.
    """
    signals.article_generator_finalized.connect(_freeze)
    try:
        yield
    finally:
        signals.article_generator_finalized.disconnect(_freeze)
        gc.unfreeze()
        forget_summaries()
        gc.collect()


def _freeze(generator) -> None:
    gc.freeze()


def register() -> None:
    patches.patch()
    signals.initialized.connect(static_templates)
    signals.initialized.connect(forget_summaries)
    signals.article_generator_pretaxonomy.connect(freeze_urls)
