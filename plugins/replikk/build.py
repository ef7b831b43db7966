"""Run a build or a check the way authors and CI need it.

- :func:`build` writes the site into a fresh folder beside the output folder
  and swaps it in only when the whole build succeeded: a failed build leaves
  the last good site untouched.
- :func:`check` reads and links all content, runs every check, and writes
  nothing; ``for_publish`` judges drafts too as they will be published (the
  publish policy, ``policy.py``).

Both turn every problem into one clear report and never show a traceback for
bad content. Used by ``tasks.py`` and by the tests.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from pelican import Pelican, signals
from pelican.settings import read_settings

from .policy import FOR_PUBLISH, policy_of
from .preview import Focus, focus
from .problems import PROBLEMS, RUNNER_REPORTS, ContentError, Problem, Problems
from .search import index_site, stop_early
from .speed import archive_apart
from .workers import abandon

logger = logging.getLogger(__name__)


@dataclass
class Result:
    """What a build or check found, and where a build wrote."""

    problems: Problems
    output: Path | None = None
    context: dict | None = None  # check only: what templates would see


class _ErrorLog(logging.Handler):
    """Collects what Pelican logs as an error (e.g. 'Could not process …')."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _pelican_errors() -> Iterator[_ErrorLog]:
    handler = _ErrorLog()
    logger = logging.getLogger("pelican")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def _merge_logged(problems: Problems, handler: _ErrorLog, content: str) -> None:
    """Pelican's own errors become problems, unless we already explained the file."""
    explained = {os.path.abspath(p.source) for p in problems.errors}
    for record in handler.records:
        source = next(
            (str(a) for a in (record.args or ()) if isinstance(a, str | os.PathLike)),
            "",
        )
        if source:
            source = os.path.abspath(os.path.join(content, source))
        if source in explained:
            continue
        problems.add(Problem(source or "(pelican)", record.getMessage()))


def _collector(settings: dict) -> Problems:
    """Hand the plugin this build's collector; we print it, so it need not log."""
    problems = settings[PROBLEMS] = Problems()
    settings[RUNNER_REPORTS] = True
    return problems


def settings_for(
    settings_file: str | os.PathLike, override: Mapping[str, object] | None = None
) -> dict:
    """The settings a build runs with; a bad PUBLISH_* value raises
    ``policy.PolicyError`` here, once, before anything is read."""
    settings = read_settings(str(settings_file), override=dict(override or {}))
    policy_of(settings)
    return settings


def build(
    settings_file: str | os.PathLike, override: Mapping[str, object] | None = None
) -> Result:
    """Build the site into a fresh folder; swap it into OUTPUT_PATH only if
    nothing went wrong.

    Every build is a whole build: with the cache on (``CACHE_CONTENT``) files
    whose reading the cache holds are not read again (``reader``,
    ``readcache``), and everything else, from the debates to the search
    index, is made anew from what was read.

    Raises ContentError (with every problem) when the content has errors.
    """
    settings = settings_for(settings_file, override)
    final = Path(settings["OUTPUT_PATH"])
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
    settings["OUTPUT_PATH"] = str(staging)
    base = Path(settings_file).resolve().parent
    problems = _collector(settings)
    try:
        # The plugin's ContentError carries these same problems; they are
        # reported below together with Pelican's own errors.
        with _pelican_errors() as logged, suppress(ContentError), archive_apart():
            Pelican(settings).run()
        _merge_logged(problems, logged, settings["PATH"])
        if problems.errors:
            problems.locate()
            raise ContentError(problems, base)
        index_site(staging, settings)  # last: it reads the finished pages
    except BaseException:
        abandon(settings)  # workers still reading are stopped first
        stop_early(settings)  # and Pagefind runs indexing early
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, final)
    return Result(problems, final)


def preview(
    settings_file: str | os.PathLike,
    paths: list[str | os.PathLike],
    override: Mapping[str, object] | None = None,
) -> tuple[Result, Focus]:
    """A focused build (``replikk.preview``): the given articles and what
    their pages and their debates' pages show, into OUTPUT_PATH as
    :func:`build` writes it. Raises PreviewError for a path that is not an
    article, ContentError as :func:`build` does."""
    settings = settings_for(settings_file, override)
    chosen = focus(settings, paths)
    focused = {
        **dict(override or {}),
        "ARTICLE_PATHS": chosen.articles,
        "REPLIKK_PREVIEW": {
            "given": chosen.given,
            "articles": chosen.articles,
            "profiles": chosen.profiles,
        },
    }
    return build(settings_file, focused), chosen


def check(
    settings_file: str | os.PathLike,
    override: Mapping[str, object] | None = None,
    *,
    for_publish: bool = False,
) -> Result:
    """Read, link and check all content; write nothing.

    ``for_publish``: every article, drafts included, is judged by the publish
    policy as it will be when published (give the publishing settings, so
    the policy is applied as ``invoke publish`` applies it)."""
    settings = settings_for(settings_file, override)
    settings[FOR_PUBLISH] = for_publish
    settings["CACHE_CONTENT"] = False
    settings["LOAD_CONTENT_CACHE"] = False
    problems = _collector(settings)
    with _pelican_errors() as logged:
        context = _read_everything(Pelican(settings))
    _merge_logged(problems, logged, settings["PATH"])
    problems.locate()
    return Result(problems, context=context)


def _read_everything(pelican: Pelican) -> dict:
    """The reading half of ``Pelican.run``: every generator's context, no output."""
    context = pelican.settings.copy()
    context["generated_content"] = {}
    context["static_links"] = set()
    context["static_content"] = {}
    context["localsiteurl"] = pelican.settings["SITEURL"]
    generators = [
        cls(
            context=context,
            settings=pelican.settings,
            path=pelican.path,
            theme=pelican.theme,
            output_path=pelican.output_path,
        )
        for cls in pelican._get_generator_classes()
    ]
    for generator in generators:
        if hasattr(generator, "generate_context"):
            generator.generate_context()
    with suppress(ContentError):  # check reports errors; it does not stop
        signals.all_generators_finalized.send(generators)
    return context


def _swap(staging: Path, final: Path) -> None:
    """Put the new site in place with two renames; the old one is removed
    after, in a process of its own."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}-old-{uuid.uuid4().hex[:12]}")
        final.rename(old)
    staging.rename(final)
    final.chmod(0o755)
    # The old site, and any an interrupted build left behind.
    _remove_later(sorted(final.parent.glob(f".{final.name}-old-*")))


def _remove_later(folders: list[Path]) -> None:
    """Remove folders in a process of their own, so the build is done now.

    The new site is already in place; deleting the thousands of files of the
    old one can take longer than the build itself on some file systems.
    """
    if not folders:
        return
    if not _in_background(["-c", _REMOVE, *map(str, folders)]):
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def _in_background(arguments: list[str]) -> bool:
    """Run Python with these arguments in a process that outlives this one."""
    try:
        subprocess.Popen(
            [sys.executable, *arguments],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # outlives this process, never its signals
        )
    except OSError:
        return False
    return True


_REMOVE = (
    "import shutil, sys\nfor f in sys.argv[1:]: shutil.rmtree(f, ignore_errors=True)"
)
