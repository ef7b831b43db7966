"""Use every core: read files ahead in worker processes, write in two at once.

Pelican reads and writes one file at a time in one process; a debate archive
of thousands of articles leaves every other core idle. Two steps are
independent per file and need nothing from the rest of the build:

- **Reading ahead.** Turning a file's Markdown into HTML and setting its
  typography is most of the reading time and depends on that file alone.
  When the article generator starts, worker processes (forked, so they share
  the reader, its settings and its ``Markdown``) read the second part of the
  file list ahead while this process reads the first part the usual way. When
  the loop reaches a file read ahead, the reader takes the worker's HTML and
  the file's raw metadata and does the rest here: metadata processing, checks,
  typography of the text fields. Pelican, its cache and its signals see exactly
  what a serial read gives. A file a worker could not read (a broken date, bad
  UTF-8) is simply read again here, so its problem is reported as usual.
- **Writing in two.** Once every file is read, linked and checked, the site is
  fixed; what is left is rendering and writing files that don't depend on each
  other. A forked child writes some parts (lists, feeds, citations, debates,
  search pages) while this process writes the rest (article pages, pages,
  static files). The child reports failure through a pipe; the build waits
  for it before it is done, and a failure in either fails the build.

Only on systems with ``fork`` (Linux, macOS via the POSIX API), and only for
archives of at least ``REPLIKK_PARALLEL_MIN_FILES`` files: for a small site a
process costs more than it saves. ``REPLIKK_PROCESSES = 1`` turns it all off.
The output is byte-identical either way (``tests/test_parallel.py``).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import partial

from pelican import signals
from pelican.generators import ArticlesGenerator

from .authors import profile_files
from .output import ReplikkWriter
from .speed import has_cached

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, object] = {
    "REPLIKK_PROCESSES": None,  # None: every core this process may use
    "REPLIKK_PARALLEL_MIN_FILES": 100,
}

# What the child writes while this process writes the rest: ArticlesGenerator
# methods called by its generate_pages, and whole generators by class name.
# Chosen by measurement (docs/performance.md) so both halves take about as long:
# since the citation files are written only when wanted and the feed entries
# kept small, the child's share was the longer by ~3.8 s at 5,000 articles, so
# the author pages (2-2.8 s) are written here again.
CHILD_LISTS: tuple[str, ...] = ()
CHILD_GENERATORS = (
    "FeedsGenerator",
    "CitationsGenerator",
    "DebatesGenerator",
    "SearchPagesGenerator",
)


class OutputProcessError(RuntimeError):
    """The process writing part of the site failed; the build fails with it."""


def setting(settings: dict, name: str):
    value = settings.get(name)
    return DEFAULTS[name] if value is None else value


def processes(settings: dict) -> int:
    """How many processes may work at once (1: no parallel work at all)."""
    wanted = settings.get("REPLIKK_PROCESSES")
    if wanted is None:
        usable = getattr(os, "sched_getaffinity", None)
        wanted = len(usable(0)) if usable else (os.cpu_count() or 1)
    if not isinstance(wanted, int) or isinstance(wanted, bool) or wanted < 1:
        raise ValueError(
            f"REPLIKK_PROCESSES must be a whole number of at least 1, not {wanted!r}"
        )
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return wanted


def _worth_it(settings: dict, files: int) -> bool:
    return processes(settings) > 1 and files >= setting(
        settings, "REPLIKK_PARALLEL_MIN_FILES"
    )


# --- Reading ahead ----------------------------------------------------------

# The reader whose read_ahead the workers call: set before the pool forks, so
# each worker inherits it (a bound method of a reader does not pickle).
_reader = None

# This process's share of the files, by number of processes: it also does the
# metadata, checks and content objects of every file, so it takes less.
_OWN_SHARE = 0.7
_CHUNK = 16  # files per task: big enough to amortise, small to balance


def _read_chunk(paths: list[str]) -> list[tuple[str, object]]:
    """In a worker: read each file ahead; None for a file it could not read."""
    results = []
    for path in paths:
        try:
            results.append((path, _reader.read_ahead(path)))
        except Exception:  # read here again, where its problem is reported
            results.append((path, None))
    return results


class ReadAhead:
    """Files being read by worker processes, handed out as the reader asks."""

    def __init__(self, reader, paths: list[str], workers: int) -> None:
        global _reader  # noqa: PLW0603 -- inherited by the forked workers
        _reader = reader
        chunks = [paths[i : i + _CHUNK] for i in range(0, len(paths), _CHUNK)]
        self.pending = set(paths)
        self.done: dict[str, object] = {}
        self.waited = 0.0  # seconds this process waited for a worker
        self.pool = multiprocessing.get_context("fork").Pool(workers)
        self.results = self.pool.imap(_read_chunk, chunks)
        self.pool.close()  # no more tasks; workers exit when these are done

    def take(self, path: str):
        """The worker's result for ``path``; None if it was not read ahead."""
        if path not in self.pending:
            return None
        self.pending.discard(path)
        start = time.perf_counter()
        while path not in self.done:
            try:
                self.done.update(next(self.results))
            except StopIteration:
                break
        self.waited += time.perf_counter() - start
        if not self.pending:
            self.close()
        return self.done.pop(path, None)

    def close(self) -> None:
        """Stop the workers (early, if reading was cut short)."""
        if self.pool is None:
            return
        if self.pending:
            self.pool.terminate()
        self.pool.join()
        logger.debug("read ahead: waited %.2f s for the workers", self.waited)
        self.pool = None
        self.done.clear()


_reading: dict[int, ReadAhead] = {}  # id(settings) -> this build's workers


def _files_to_read(generator) -> list[str]:
    """Absolute paths of the files the article generator will read, in order:
    its articles and the author profiles, minus those the cache has."""
    settings = generator.settings
    relative = list(
        generator.get_files(
            settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"]
        )
    )
    relative += [str(p.relative_to(generator.path)) for p in profile_files(generator)]
    paths = []
    for name in relative:
        if not name.endswith(".md") or generator.get_cached_data(name, None):
            continue
        path = os.path.abspath(os.path.join(generator.path, name))
        if not has_cached(generator.readers, path):
            paths.append(path)
    return paths


def read_ahead(generator: ArticlesGenerator) -> None:
    """Start workers reading the later part of the article files."""
    reader = generator.readers.readers.get("md")
    if reader is None or not hasattr(reader, "read_ahead"):
        return
    paths = _files_to_read(generator)
    if not _worth_it(generator.settings, len(paths)):
        return
    workers = processes(generator.settings) - 1
    own = round(len(paths) * _OWN_SHARE / (workers + 1))
    reader.ahead = _reading[id(generator.settings)] = ReadAhead(
        reader, paths[own:], workers
    )


def stop_reading_ahead(generator: ArticlesGenerator) -> None:
    reader = generator.readers.readers.get("md")
    ahead = getattr(reader, "ahead", None)
    if ahead is not None:
        ahead.close()
        reader.ahead = None
    _reading.pop(id(generator.settings), None)


# --- Writing in two ---------------------------------------------------------

_generators: dict[int, list] = {}  # id(settings) -> this build's generators
_children: dict[int, tuple[int, int]] = {}  # id(settings) -> (pid, pipe)


def remember_generators(generators) -> None:
    if generators:
        _generators[id(generators[0].settings)] = list(generators)


def _nothing(*args, **kwargs) -> None:
    """Stands in for what the other process writes."""


def _child_units(generators: list) -> list:
    """What the child writes: (callable, generator) pairs, in Pelican's order."""
    units = []
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            units += [(getattr(generator, name), generator) for name in CHILD_LISTS]
        elif type(generator).__name__ in CHILD_GENERATORS:
            units.append((generator.generate_output, generator))
    return units


@contextmanager
def _errors_logged() -> Iterator[list[str]]:
    """Collect what is logged as an error in the child, for the parent to log."""
    found: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            found.append(record.getMessage())

    handler = Collect(level=logging.ERROR)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield found
    finally:
        root.removeHandler(handler)


def _write_in_child(pelican, units: list, pipe: int) -> None:
    """In the forked child: write the units, report, and exit without cleanup."""
    status, message = 0, ""
    try:
        writer = ReplikkWriter(pelican.output_path, settings=pelican.settings)
        with _errors_logged() as errors:
            for unit, generator in units:
                if isinstance(generator, ArticlesGenerator):
                    relative = generator.settings["RELATIVE_URLS"]
                    unit(partial(writer.write_file, relative_urls=relative))
                else:
                    unit(writer)
        if errors:
            status, message = 1, "\n".join(errors)
    except BaseException:
        status, message = 1, traceback.format_exc()
    with suppress(Exception):
        data = message.encode("utf-8", "replace")
        while data:
            data = data[os.write(pipe, data) :]
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(status)


def write_in_two(pelican) -> None:
    """Right before Pelican writes: fork a child that writes its share."""
    generators = _generators.pop(id(pelican.settings), None)
    if not generators:
        return
    articles = sum(
        len(g.articles) for g in generators if isinstance(g, ArticlesGenerator)
    )
    if not _worth_it(pelican.settings, articles):
        return
    units = _child_units(generators)
    if not units:
        return
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or both processes print what was buffered
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover -- the child; its work is checked by output
        os.close(read_end)
        _write_in_child(pelican, units, write_end)
    os.close(write_end)
    for unit, generator in units:
        setattr(generator, unit.__name__, _nothing)
    _children[id(pelican.settings)] = (pid, read_end)


def _reap(settings: dict, kill: bool) -> tuple[int, str] | None:
    child = _children.pop(id(settings), None)
    if child is None:
        return None
    pid, pipe = child
    if kill:
        with suppress(ProcessLookupError):
            os.kill(pid, 9)
    chunks = []
    with os.fdopen(pipe, "rb") as stream:
        chunks.append(stream.read())
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8")


def wait_for_child(pelican) -> None:
    """After Pelican wrote its share: the build is done when the child is."""
    start = time.perf_counter()
    done = _reap(pelican.settings, kill=False)
    if done is None:
        return
    logger.debug("waited %.2f s for the child's writing", time.perf_counter() - start)
    code, message = done
    if code != 0:
        raise OutputProcessError(
            f"writing part of the site failed (exit {code}):\n{message}".rstrip()
        )


def abandon(settings: dict) -> None:
    """The build failed: stop the workers and the child before the folder
    they write to is removed."""
    _generators.pop(id(settings), None)
    ahead = _reading.pop(id(settings), None)
    if ahead is not None:
        ahead.close()
    _reap(settings, kill=True)


def register() -> None:
    signals.article_generator_init.connect(read_ahead)
    signals.article_generator_finalized.connect(stop_reading_ahead)
    signals.all_generators_finalized.connect(remember_generators)
    signals.get_writer.connect(write_in_two)
    signals.finalized.connect(wait_for_child)
