"""Run a build or a check the way authors and CI need it.

- :func:`build` writes the site into a fresh folder beside the output folder
  and swaps it in only when the whole build succeeded: a failed build leaves
  the last good site untouched.
- :func:`check` reads and links all content, runs every check, and writes
  nothing.

Both turn every problem into one clear report and never show a traceback for
bad content. Used by ``tasks.py`` and by the tests.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from concurrent import futures
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from pelican import Pelican, signals
from pelican.settings import read_settings

from . import incremental, spare, unchanged
from .incremental import NotIncremental
from .parallel import abandon
from .problems import PROBLEMS, RUNNER_REPORTS, ContentError, Problem, Problems
from .search import index_site
from .speed import archive_apart

logger = logging.getLogger(__name__)

# Not copied from the last site by an incremental build: written anew.
NOT_COPIED = ["pagefind"]


@dataclass
class Result:
    """What a build or check found, and where a build wrote."""

    problems: Problems
    output: Path | None = None
    context: dict | None = None  # check only: what templates would see
    unchanged: bool = False  # nothing changed since the last build: skipped
    incremental: bool = False  # only what shows the changed texts was written


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
    return read_settings(str(settings_file), override=dict(override or {}))


def build(
    settings_file: str | os.PathLike, override: Mapping[str, object] | None = None
) -> Result:
    """Build the site; swap it into OUTPUT_PATH only if nothing went wrong.

    With the content cache on, a build whose inputs are unchanged is skipped
    (``replikk.unchanged``) and one where only articles' texts changed writes
    only what shows them (``replikk.incremental``), falling back to a full
    build whenever that is not enough.

    Raises ContentError (with every problem) when the content has errors.
    """
    settings = settings_for(settings_file, override)
    final = Path(settings["OUTPUT_PATH"])
    inputs = None
    if unchanged.enabled(settings):
        record = unchanged.recorded(settings, final)
        inputs = unchanged.read_inputs(settings_file, settings, record)
        skipped = unchanged.up_to_date(record, inputs)
        if skipped is not None:
            return Result(skipped, final, unchanged=True)
        changed = _changed_texts(settings, inputs, record)
        if changed:
            try:
                return _build_once(settings_file, override, inputs, (changed, record))
            except (NotIncremental, OSError) as exc:
                logger.info("building everything: %s", exc)
    return _build_once(settings_file, override, inputs)


def _changed_texts(settings: dict, inputs, record: dict | None) -> set[str]:
    """The files whose text alone changed since the recorded build, if that is
    the only change (absolute paths, as Pelican names sources)."""
    if not record or record.get("frame") != inputs.frame or "facts" not in record:
        return set()
    content = settings["PATH"]
    changed = inputs.changed_bodies(record.get("bodies", {}))
    return {os.path.join(content, name) for name in changed}


def _build_once(
    settings_file: str | os.PathLike,
    override: Mapping[str, object] | None,
    inputs,
    update: tuple[set[str], dict] | None = None,
) -> Result:
    """One build into a fresh folder, swapped in if it succeeds. ``update``
    (changed files, the last build's record) starts from the last site."""
    settings = settings_for(settings_file, override)
    final = Path(settings["OUTPUT_PATH"])
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
    settings["OUTPUT_PATH"] = str(staging)
    base = Path(settings_file).resolve().parent
    problems = _collector(settings)
    copy = None
    try:
        if update is not None:
            changed, record = update
            # The last build's spare copy if it is ready; else the copy is
            # made while Pelican reads, and incremental.restrict waits for it
            # before anything is written.
            if not spare.take(final, staging):
                copy = _LinkCopy(final, staging, leave_out=NOT_COPIED)
                incremental.COPYING[str(staging)] = copy.wait
            settings["DELETE_OUTPUT_DIRECTORY"] = False  # it holds the copy
            incremental.UPDATES[str(staging)] = (changed, record["facts"] or {})
        # The plugin's ContentError carries these same problems; they are
        # reported below together with Pelican's own errors.
        with _pelican_errors() as logged, suppress(ContentError), archive_apart():
            Pelican(settings).run()
        _merge_logged(problems, logged, settings["PATH"])
        if problems.errors:
            problems.locate()
            raise ContentError(problems, base)
        if copy is not None:
            copy.wait()  # done already, unless the build never got to write
        index_site(staging, settings, final)  # last: it reads the finished pages
    except BaseException:
        abandon(settings)  # a child still writing into staging is stopped first
        if copy is not None:
            copy.stop()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        incremental.COPYING.pop(str(staging), None)
        incremental.UPDATES.pop(str(staging), None)
    _swap(staging, final, keep_spare=inputs is not None)
    if inputs is not None:
        facts = settings.get(incremental.FACTS)
        unchanged.remember(settings, final, inputs, problems, facts)
    return Result(problems, final, incremental=update is not None)


class _LinkCopy:
    """:func:`replikk.spare.mirror` of the last site into an empty folder
    while the build goes on: in a process of its own where the system can
    fork (at 5,000 articles it makes ~33,000 links; in a thread its Python
    loop took turns with Pelican's reading for the interpreter's lock, and the
    build waited 0.8-1.5 s for it), else in a thread. :meth:`wait` returns
    when it is done and raises what it raised."""

    def __init__(self, source: Path, target: Path, leave_out: list[str]) -> None:
        if "fork" in multiprocessing.get_all_start_methods():
            fork = multiprocessing.get_context("fork")
            pool: Executor = ProcessPoolExecutor(1, mp_context=fork)
        else:
            pool = ThreadPoolExecutor(1)
        self.future = pool.submit(spare.mirror, target, source, leave_out)
        pool.shutdown(wait=False)  # the copy goes on; the pool ends after it

    def wait(self) -> None:
        self.future.result()

    def stop(self) -> None:
        """Wait for the copy, whatever became of it (the build failed)."""
        futures.wait([self.future])


def check(
    settings_file: str | os.PathLike, override: Mapping[str, object] | None = None
) -> Result:
    """Read, link and check all content; write nothing."""
    settings = settings_for(settings_file, override)
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


def _swap(staging: Path, final: Path, keep_spare: bool = False) -> None:
    """Put the new site in place with two renames; after, the old one becomes
    a spare copy of the new one for the next incremental build
    (``keep_spare``, see ``replikk.spare``) or is removed."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}-old-{uuid.uuid4().hex[:12]}")
        final.rename(old)
    staging.rename(final)
    final.chmod(0o755)
    # The old site, and any an interrupted build left behind.
    leftovers = sorted(final.parent.glob(f".{final.name}-old-*"))
    if keep_spare and old is not None:
        leftovers.remove(old)
        # -P: not the plugin's folder first on the path; the script needs
        # nothing but the standard library.
        _in_background(["-P", spare.__file__, str(old), str(final), *NOT_COPIED])
    elif not keep_spare:
        leftovers += spare.discard(final)
    _remove_later(leftovers)


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
