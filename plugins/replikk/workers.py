"""Read files in other processes while this one reads its share.

A file's *reading* (``reader.ReplikkMarkdownReader.reading``: Markdown,
typography, the reference list) depends on that file alone and is plain data.
When the article generator starts, worker processes make the readings of the
later part of the files the cache lacks, while this process reads the first
part the usual way; when Pelican's loop reaches a file a worker read, the
reader takes the worker's reading. Metadata, checks and everything that
links files together happen here, in Pelican's order, whoever made the
reading: the output is the same with any number of workers
(``tests/test_workers.py``).

A worker reads the file itself and hands its reading back under the key of
the bytes it read; the reader looks it up under the key of the bytes *it*
read, so a file changed in between is simply read again here.

Workers are started with ``spawn`` (a new interpreter that imports the
plugin), the one start method that is safe on every system the README names
(``fork`` is not on macOS), and only when there are at least
``REPLIKK_PARALLEL_MIN_FILES`` files to read: a process costs more than it
saves on a small site. How many: the CPUs this process may use (its affinity
and a cgroup CPU quota), capped by ``REPLIKK_PROCESSES``.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import pickle
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from pelican import signals
from pelican.generators import ArticlesGenerator

from . import fingerprint, readcache
from .authors import profile_files
from .reader import ReplikkMarkdownReader, build_digest, cache_of, text_of

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, object] = {
    "REPLIKK_PROCESSES": None,  # None: every CPU this process may use
    "REPLIKK_PARALLEL_MIN_FILES": 100,
}

START_METHOD = "spawn"
AHEAD = "_REPLIKK_READ_AHEAD"  # this build's workers, in its settings
# This process's share of the files, by number of processes: it also does the
# metadata, checks and content objects of every file, so it takes less.
_OWN_SHARE = 0.7
_CHUNK = 16  # files per task: big enough to amortise, small to balance


def setting(settings: dict, name: str):
    value = settings.get(name)
    return DEFAULTS[name] if value is None else value


def _cgroup_cpus(path: str = "/sys/fs/cgroup/cpu.max") -> float | None:
    """The CPUs a cgroup v2 quota allows ("max" or none: no limit)."""
    try:
        quota, period = Path(path).read_text().split()[:2]
    except (OSError, ValueError):
        return None
    if quota == "max":
        return None
    try:
        return int(quota) / int(period)
    except (ValueError, ZeroDivisionError):
        return None


def usable_cpus() -> int:
    """CPUs this process may use: ``os.process_cpu_count()`` (Python 3.13+),
    else its affinity, else all; never more than a cgroup quota allows."""
    counter = getattr(os, "process_cpu_count", None)
    if counter is not None:
        count = counter() or 1
    elif hasattr(os, "sched_getaffinity"):
        count = len(os.sched_getaffinity(0))
    else:
        count = os.cpu_count() or 1
    quota = _cgroup_cpus()
    if quota is not None:
        count = min(count, max(1, math.ceil(quota)))
    return max(1, count)


def processes(settings: dict) -> int:
    """How many processes may read at once (1: no worker at all)."""
    wanted = settings.get("REPLIKK_PROCESSES")
    if wanted is not None and (
        not isinstance(wanted, int) or isinstance(wanted, bool) or wanted < 1
    ):
        raise ValueError(
            f"REPLIKK_PROCESSES must be a whole number of at least 1, not {wanted!r}"
        )
    usable = usable_cpus()
    return usable if wanted is None else min(wanted, usable)


# --- In a worker ------------------------------------------------------------

_reader = None
_build = ""


def _start_worker(settings: dict, build: str) -> None:
    """A worker's reader, made from the build's settings."""
    global _reader, _build  # one per worker process
    _reader, _build = ReplikkMarkdownReader(settings), build


def _read_chunk(paths: list[tuple[str, str]]) -> list[tuple[str, dict | None]]:
    """Each file's reading under the key of the bytes read; None for a file
    that could not be read (read again by the build, which reports why)."""
    results = []
    for path, relative in paths:
        try:
            data = Path(path).read_bytes()
            key = readcache.key_of(data, relative, _build)
            results.append((key, _reader.reading(path, text_of(data))))
        except Exception:  # read again by the build, where its problem is reported
            continue
    return results


# --- In the build -------------------------------------------------------------


class ReadAhead:
    """Readings being made by worker processes, handed out as asked."""

    def __init__(self, settings: dict, build: str, paths: list[tuple[str, str]]):
        workers = processes(settings) - 1
        chunks = [paths[i : i + _CHUNK] for i in range(0, len(paths), _CHUNK)]
        self.done: dict[str, dict] = {}
        self.waited = 0.0  # seconds this process waited for a worker
        context = multiprocessing.get_context(START_METHOD)
        self.pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(settings, build),
        )
        self.futures: list[Future] = [self.pool.submit(_read_chunk, c) for c in chunks]

    def take(self, key: str) -> dict | None:
        """A worker's reading for ``key``; None if no worker made it."""
        start = time.perf_counter()
        while key not in self.done and self.futures:
            future = self.futures.pop(0)
            try:
                self.done.update(future.result())
            except Exception as error:  # a worker that died: read here instead
                logger.debug("a reading worker failed: %s", error)
        self.waited += time.perf_counter() - start
        return self.done.pop(key, None)

    def close(self) -> None:
        """Stop the workers (early, if reading was cut short)."""
        if self.pool is None:
            return
        for future in self.futures:
            future.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)
        logger.debug("read ahead: waited %.2f s for the workers", self.waited)
        self.pool = None
        self.futures = []
        self.done.clear()


def _picklable(settings: dict) -> dict | None:
    """The settings a worker needs, if they can be sent to it (a setting that
    cannot be pickled: no workers, every file is read here)."""
    sendable = {k: v for k, v in settings.items() if fingerprint.is_input(k)}
    try:
        pickle.dumps(sendable)
    except Exception as error:  # what pickle raises depends on the object
        logger.debug("reading in one process: a setting cannot be sent (%s)", error)
        return None
    return sendable


def _files_to_read(generator: ArticlesGenerator, build: str) -> list[tuple[str, str]]:
    """The Markdown files the article generator will read, in order, that
    the reading cache lacks: (absolute path, path relative to the content)."""
    settings = generator.settings
    relative = list(
        generator.get_files(
            settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"]
        )
    )
    relative += [str(p.relative_to(generator.path)) for p in profile_files(generator)]
    cache = cache_of(settings)
    found = []
    for name in relative:
        if not name.endswith(".md"):
            continue
        path = os.path.abspath(os.path.join(generator.path, name))
        posix = Path(name).as_posix()
        if cache is not None:
            try:
                data = Path(path).read_bytes()
            except OSError:
                continue
            if cache.has(readcache.key_of(data, posix, build)):
                continue
        found.append((path, posix))
    return found


def read_ahead(generator: ArticlesGenerator) -> None:
    """Start workers reading the later part of the article files
    (``article_generator_init``)."""
    reader = generator.readers.readers.get("md")
    if not isinstance(reader, ReplikkMarkdownReader):
        return
    settings = generator.settings
    count = processes(settings)
    if count < 2:
        return
    build = build_digest(settings)
    paths = _files_to_read(generator, build)
    if len(paths) < setting(settings, "REPLIKK_PARALLEL_MIN_FILES"):
        return
    sendable = _picklable(settings)
    if sendable is None:
        return
    own = round(len(paths) * _OWN_SHARE / count)
    reader.ahead = settings[AHEAD] = ReadAhead(sendable, build, paths[own:])


def stop_reading_ahead(generator: ArticlesGenerator) -> None:
    """Reading is done (``article_generator_finalized``)."""
    reader = generator.readers.readers.get("md")
    if getattr(reader, "ahead", None) is not None:
        reader.ahead = None
    abandon(generator.settings)


def abandon(settings: dict) -> None:
    """Stop this build's workers, if any (the build is done, or failed)."""
    ahead = settings.pop(AHEAD, None)
    if isinstance(ahead, ReadAhead):
        ahead.close()


def register() -> None:
    signals.article_generator_init.connect(read_ahead)
    signals.article_generator_finalized.connect(stop_reading_ahead)
