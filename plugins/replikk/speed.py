"""Linear replacements for the quadratic spots in Pelican 4.12's article pipeline.

Pelican finds which articles belong to a tag, category, author, year or
translation group by testing list membership (``a in some_list``) inside a loop
over all articles. Each test is linear, so each of these steps is quadratic in
the number of articles: at 20,000 articles they cost tens of seconds. The
replacements below compute exactly the same lists, in the same order, with
dictionaries keyed by object identity (Pelican's content objects compare by
identity: they define no ``__eq__``).

Why a patch: these loops sit inside ``ArticlesGenerator`` methods and in
``pelican.utils.process_translations`` as Pelican's generator module imports
it. A plugin cannot replace the built-in ArticlesGenerator (``get_generators``
only adds generators), so the methods are replaced on the class. The patch is
applied once by ``register()`` (idempotent: it checks a marker), changes no
output, and ``tests/test_speed.py`` compares every page built with and without
it. ``unpatch()`` restores Pelican's originals.

Also here: :class:`ReusingMarkdownReader`, which parses every file with one
``Markdown`` instance (reset between files) instead of building a new one per
file, as Pelican's ``MarkdownReader.read`` does; :class:`HeldApart`, which
keeps each article's HTML in a temporary file between the few times it is
read; :func:`archive_apart`, which keeps the read archive out of the garbage
collector's way and lets it go after the run.
"""

from __future__ import annotations

import calendar
import gc
import logging
import os
import pickle
import re
import secrets
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager, suppress
from itertools import chain, groupby
from operator import attrgetter
from pathlib import Path

import pelican.generators
from jinja2 import FileSystemBytecodeCache
from markdown import Markdown
from pelican import signals
from pelican.cache import FileStampDataCacher
from pelican.contents import Content
from pelican.generators import ArticlesGenerator
from pelican.readers import MarkdownReader, Readers
from pelican.urlwrappers import URLWrapper
from pelican.utils import get_original_items, pelican_open

logger = logging.getLogger(__name__)

_MARK = "_replikk_linear"


def in_order_of(order: Iterable[Content], members: Iterable[Content]) -> list:
    """``[a for a in order if a in members]``, in linear time.

    Each member once, in the order of ``order``; members not in ``order`` are
    left out, as the list comprehension leaves them out.
    """
    wanted = {id(a) for a in members}
    if not wanted:
        return []
    return [a for a in order if id(a) in wanted]


class _Positions:
    """Where each article stands in one ordered list, to sort subsets by it."""

    def __init__(self, order: list[Content]) -> None:
        self.order = order
        self.index = {id(a): i for i, a in enumerate(order)}

    def subset(self, members: Iterable[Content]) -> list[Content]:
        """Same result as ``[a for a in order if a in members]``, in
        O(k log k) for k members instead of O(len(order))."""
        found = {id(a): a for a in members if id(a) in self.index}
        return sorted(found.values(), key=lambda a: self.index[id(a)])


def _write_pages(
    generator: ArticlesGenerator,
    write: Callable,
    kind: str,
    groups: Iterable[tuple[object, list[Content]]],
) -> None:
    """Pelican's generate_tags/_categories/_authors, with linear ``dates``."""
    template = generator.get_template(kind)
    positions = _Positions(generator.dates)
    for item, articles in groups:
        try:
            write(
                item.save_as,
                template,
                generator.context,
                url=item.url,
                **{kind: item},
                articles=articles,
                dates=positions.subset(articles),
                template_name=kind,
                blog=True,
                page_name=item.page_name,
                all_articles=generator.articles,
            )
        except pelican.generators.FileOverwriteFailedError:
            if not item.slug:
                logger.info(
                    '%s "%s" has an invalid slug; skipping writing its page...',
                    kind.capitalize(),
                    item,
                )
                continue
            logger.error('Failed to write %s page for "%s".', kind.capitalize(), item)
            raise


def generate_tags(self: ArticlesGenerator, write: Callable) -> None:
    """Generate tag pages (linear ``dates``)."""
    _write_pages(self, write, "tag", self.tags.items())


def generate_categories(self: ArticlesGenerator, write: Callable) -> None:
    """Generate category pages (linear ``dates``)."""
    _write_pages(self, write, "category", self.categories)


def generate_authors(self: ArticlesGenerator, write: Callable) -> None:
    """Generate author pages (linear ``dates``)."""
    _write_pages(self, write, "author", self.authors)


_GRANULARITY = {
    "year": attrgetter("date.year"),
    "month": attrgetter("date.year", "date.month"),
    "day": attrgetter("date.year", "date.month", "date.day"),
}


def _build_period_archives(self, sorted_articles, articles, settings):
    """Pelican's period archives; each period's ``articles`` found by
    bucketing once instead of testing every article against every period."""
    period_archives = defaultdict(list)
    for granularity, key_func in _GRANULARITY.items():
        save_as_fmt = settings[f"{granularity.upper()}_ARCHIVE_SAVE_AS"]
        url_fmt = settings[f"{granularity.upper()}_ARCHIVE_URL"]
        if not save_as_fmt:
            continue
        by_period: dict[object, list] = defaultdict(list)
        for article in articles:
            by_period[key_func(article)].append(article)
        for period, group in groupby(sorted_articles, key=key_func):
            dates = list(group)
            archive = {
                "dates": dates,
                "articles": in_order_of(by_period.get(period, ()), dates),
            }
            d = dates[0].date
            archive["save_as"] = save_as_fmt.format(date=d)
            archive["url"] = url_fmt.format(date=d)
            if granularity == "year":
                archive["period"] = (period,)
                archive["period_num"] = (period,)
            else:
                month_name = calendar.month_name[period[1]]
                if granularity == "month":
                    archive["period"] = (period[0], month_name)
                else:
                    archive["period"] = (period[0], month_name, period[2])
                archive["period_num"] = tuple(period)
            period_archives[granularity].append(archive)
    return period_archives


def process_translations(
    content_list: list[Content],
    translation_id: str | Collection[str] | None = None,
) -> tuple[list[Content], list[Content]]:
    """Pelican's ``process_translations`` with a linear last step."""
    if not translation_id:
        return content_list, []
    if isinstance(translation_id, str):
        translation_id = {translation_id}
    index: list[Content] = []
    try:
        content_list.sort(key=attrgetter(*translation_id))
    except TypeError:
        raise TypeError(
            f"Cannot unpack {translation_id}, 'translation_id' must be falsy, a"
            " string or a collection of strings"
        ) from None
    except AttributeError:
        raise AttributeError(
            f"Cannot use {translation_id} as 'translation_id', there "
            "appear to be items without these metadata "
            "attributes"
        ) from None
    for key, group in groupby(content_list, attrgetter(*translation_id)):
        id_vals = (key,) if len(translation_id) == 1 else key
        with_str = "with" + ", ".join([' {} "{{}}"'] * len(translation_id)).format(
            *translation_id
        ).format(*id_vals)
        items = list(group)
        index.extend(get_original_items(items, with_str))
        for a in items:
            a.translations = [x for x in items if x is not a]
    originals = {id(x) for x in index}
    translations = [x for x in content_list if id(x) not in originals]
    return index, translations


def _update_content(self, content: str, siteurl: str) -> str:
    """Pelican's ``Content._update_content``, resolving each linked file once.

    Pelican resolves every ``{filename}`` link on its own (parse the URL, find
    the content it names, join it to the page's siteurl: ~35 µs), and does it
    again for every page depth a text is shown at. An article's in-text
    citations and back-links all point at the article itself with different
    fragments (``{filename}/a.md#ref-1``, ``…#ref-2``, …): here the first such
    link is resolved by Pelican and the others reuse its result, with their own
    fragment. ``{attach}`` links (which move files) are always left to Pelican.
    """
    if not content:
        return content
    resolved: dict[tuple[str, str], str] = {}

    def replace(m: re.Match) -> str:
        what, value = m.group("what"), m.group("value")
        if what == "attach" or "#" not in value:
            return self._link_replacer(siteurl, m)
        target, fragment = value.split("#", 1)
        markup, quote = m.group("markup"), m.group("quote")
        known = resolved.get((what, target))
        if known is not None:
            return f"{markup}{quote}{known}#{fragment}{quote}"
        result = self._link_replacer(siteurl, m)
        head, tail = f"{markup}{quote}", f"#{fragment}{quote}"
        if result.startswith(head) and result.endswith(tail):
            resolved[(what, target)] = result[len(head) : -len(tail)]
        return result

    return self._get_intrasite_link_regex().sub(replace, content)


# A callable a content object may hold, called once before its content is
# first read: an incremental build links an unchanged article's references
# only if it shows the article's text (replikk.citations).
BEFORE_CONTENT = "_replikk_before_content"


def before_content(content: Content) -> None:
    """Run what ``BEFORE_CONTENT`` holds, if anything, once."""
    before = content.__dict__.pop(BEFORE_CONTENT, None)
    if before is not None:
        before()


def get_content(self, siteurl: str) -> str:
    """Pelican's ``Content.get_content``, without its memo.

    Pelican memoizes it in one dictionary on the class, keyed by content
    object and page depth, for the life of the process: at the end of a build
    every article's text is held a second (and third) time, and under
    ``invoke livereload`` every build's articles stay in memory for good. Each
    text is asked for once per page that shows it (its own page; its entry,
    made once, in the feeds), so the memo saved nothing.
    """
    before_content(self)
    content = self._get_content() if hasattr(self, "_get_content") else self._content
    return self._update_content(content, siteurl)


class HeldApart:
    """``Content._content`` kept in a temporary file, read back when asked.

    An article's HTML is asked for a few times in a build (its page, its feed
    entry, the search page), and held the rest of the time: at 20,000
    articles ~200 MB of the process that writes and of the one forked from it
    (as text, twice that: CPython keeps a string with a dash or an arrow at
    two bytes per character). So each text of :data:`SPILL_AT` bytes or more
    is written once, as UTF-8, to a file of the build's own and the object
    keeps where it lies (:class:`_Spilled`); shorter texts are kept as they
    are. Reading one back is a ``pread`` and a decode, some microseconds.
    """

    def __get__(self, content: Content | None, owner: type | None = None):
        if content is None:
            return self
        held = content.__dict__.get(_HELD, _HELD)
        if held is _HELD:  # made before the patch, or never set
            try:
                return content.__dict__["_content"]
            except KeyError:
                raise AttributeError("_content") from None
        return _text(held)

    def __set__(self, content: Content, value) -> None:
        content.__dict__[_HELD] = _apart(value, getattr(content, "settings", {}))


def _apart(value, settings: dict):
    """A text of :data:`SPILL_AT` characters or more, or bytes, written to
    this build's spill file (kept as bytes if there is no file to write to);
    anything else as it is."""
    if type(value) is str and len(value) >= SPILL_AT:
        value = value.encode("utf-8")
    if type(value) is not bytes:
        return value
    folder = settings.get("OUTPUT_PATH") or "."
    try:
        return _spill(os.path.dirname(os.path.abspath(folder))).keep(value)
    except OSError:
        return value


def _text(held):
    """What :func:`_apart` held, as text again."""
    if type(held) is _Spilled:
        held = held.read()
    return held.decode("utf-8") if type(held) is bytes else held


def cache_data(self: Readers, filename: str, data) -> None:
    """Pelican's reader cache, each text held apart as by :class:`HeldApart`.

    With the content cache on, Pelican keeps what each file read to until the
    build saves it: Markdown's HTML of the whole archive a second time, at
    20,000 articles most of the 827 MB the build took. Saved, the texts are in
    a file of their own (:func:`save_cache`)."""
    content, metadata = data
    FileStampDataCacher.cache_data(
        self, filename, (_apart(content, self.settings), metadata)
    )


# Where the reader cache keeps what its files were read with and the name of
# its texts' file (not files' names: no file is looked up by them).
READ_WITH = "\0replikk: read with"
TEXTS = "\0replikk: texts"


def _checked(self: Readers) -> None:
    """Once per reader cache, before its first file is looked up: a cache
    read with other settings, or whose texts' file is gone, is emptied.

    Pelican keeps a file's reading until the file changes; what the reader
    does with it depends on settings too (typography, the reference lists'
    headings and links' words: ``reader.read_with``)."""
    if self.__dict__.get("_replikk_checked"):
        return
    from .reader import read_with  # noqa: PLC0415 -- reader imports this

    self._replikk_checked = True
    now = read_with(self.settings)
    try:
        texts = _TextsFile.open(self._cache_path, self._cache.get(TEXTS))
        fresh = self._cache.get(READ_WITH) == now
    except OSError:
        texts, fresh = None, False
    if not fresh:
        self._cache.clear()
    self._replikk_texts = texts
    self._cache[READ_WITH] = now
    self._cache[TEXTS] = texts.name if texts and fresh else None


def has_cached(self: Readers, filename: str) -> bool:
    """Whether the cache has the file as it is now, without reading its text."""
    _checked(self)
    return FileStampDataCacher.get_cached_data(self, filename, None) is not None


def get_cached_data(self: Readers, filename: str, default=None):
    """Pelican's, giving back the text a :func:`cache_data` held apart, or
    one the last build saved (read from the texts' file only when asked)."""
    _checked(self)
    data = FileStampDataCacher.get_cached_data(self, filename, default)
    if type(data) is not tuple or len(data) != 2:
        return data
    content, metadata = data
    if type(content) is tuple:  # where in the texts' file (save_cache)
        content = _Spilled(self._replikk_texts, *content)
        self._cache[filename] = (self._cache[filename][0], (content, metadata))
        _given_settings(metadata, self.settings)
    return _text(content), metadata


def _given_settings(metadata: dict, settings: dict) -> None:
    """The authors, tags and category of a file read by an earlier build
    given this build's settings. Each holds the settings it was made with,
    and the cache pickles them with it: one copy for every build that read
    a file, so a cache saved after each edit grew without end (at 5,000
    articles by 0.46 MB an edit while the settings held the last build's
    facts, by 15 KB without). Fresh settings also give their URLs."""
    for value in metadata.values():
        for item in value if type(value) is list else (value,):
            if isinstance(item, URLWrapper):
                item.settings = settings


def save_cache(self: Readers) -> None:
    """Pelican's, with the texts in a file of their own beside the cache
    (``<cache>-texts-<random>``), the cache keeping where each lies.

    Pickled with the cache, every text read back from where it was held apart
    would stay in memory until the whole cache was written (pickle remembers
    each object it wrote): at 20,000 articles ~280 MB more at the end of
    reading. Here each is read and written in turn, and the next build reads
    only the texts it is asked for. Both files are written under temporary
    names and renamed into place (the cache last), so a build stopped halfway
    leaves the last cache whole; ``GZIP_CACHE`` applies to the cache alone."""
    if not self._cache_data_policy:
        return
    _checked(self)
    folder = self.settings["CACHE_PATH"]
    saved, texts, old = {}, self._cache.get(TEXTS), self._replikk_texts
    temporary = f"{self._cache_path}.{os.getpid()}.tmp"
    try:
        os.makedirs(folder, exist_ok=True)
        with _TextsFile.create(self._cache_path) as (out, name):
            for key, value in self._cache.items():
                own = key in (READ_WITH, TEXTS)
                saved[key] = value if own else _text_written(value, out, old)
            saved[TEXTS] = name if out.tell() else None
        with self._cache_open(temporary, "wb") as file:
            pickle.dump(saved, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self._cache_path)
        texts = saved[TEXTS]
    except (OSError, pickle.PicklingError, TypeError) as err:
        logger.warning("Could not save cache %s\n ... %s", self._cache_path, err)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
    _TextsFile.remove_others(self._cache_path, texts)


def _text_written(value: tuple, out, old: _TextsFile | None) -> tuple:
    """A cache entry with its text, if held apart, written to ``out`` and
    replaced by where it lies there: ``(offset, size)``. An entry no build
    asked for since it was loaded (a file removed, which Pelican keeps) is
    still only where it lies in ``old``, the texts' file it was loaded from."""
    stamp, (content, metadata) = value
    if type(content) is tuple:
        content = _Spilled(old, *content)
    if type(content) is _Spilled:
        content = content.read()
    if type(content) is bytes:
        content = (out.tell(), out.write(content))
    return stamp, (content, metadata)


class _TextsFile:
    """The reader cache's texts, one after another as UTF-8, read with
    ``pread`` by this process and its forked children."""

    SUFFIX = "-texts-"

    def __init__(self, path: str) -> None:
        self.name = os.path.basename(path)
        # Open while the cache's texts may be asked for: no context can say how long.
        self.file = open(path, "rb")  # noqa: SIM115

    @classmethod
    def open(cls, cache_path: str, name: str | None) -> _TextsFile | None:
        if name is None:
            return None
        if os.path.basename(name) != name or cls.SUFFIX not in name:
            raise OSError(f"not a texts' file: {name!r}")
        return cls(os.path.join(os.path.dirname(cache_path), name))

    @staticmethod
    @contextmanager
    def create(cache_path: str) -> Iterator[tuple]:
        """A new texts' file and its final name, renamed into place if all
        went well (removed if nothing was written to it)."""
        folder, base = os.path.split(cache_path)
        name = base + _TextsFile.SUFFIX + secrets.token_hex(8)
        final, temporary = os.path.join(folder, name), os.path.join(folder, "." + name)
        try:
            with open(temporary, "xb") as out:
                yield out, name
                written = out.tell()
            if written:
                os.replace(temporary, final)
        finally:
            with suppress(FileNotFoundError):
                os.unlink(temporary)

    @staticmethod
    def remove_others(cache_path: str, keep: str | None) -> None:
        """The texts' files of caches before this one (one still open here
        stays readable until it is closed)."""
        folder, base = os.path.split(cache_path)
        for path in Path(folder or ".").glob(f"{base}{_TextsFile.SUFFIX}*"):
            if path.name != keep:
                with suppress(OSError):
                    path.unlink()


_HELD = "_replikk_content_held"

# Shorter texts are kept in memory: a spilled one costs ~100 bytes of its own.
SPILL_AT = 1024


class _SpillFile:
    """A temporary file of texts, written by one process and read by it and
    its forked children (``pread``/``pwrite`` share no file position).

    It has no name (``tempfile.TemporaryFile``): the system frees it when the
    last :class:`_Spilled` that points into it is gone, or when the process
    ends, whatever the build did. It lies beside the output folder, on the disk
    the site is written to (``/tmp`` may be memory).
    """

    def __init__(self, folder: str) -> None:
        self.pid = os.getpid()
        self.folder = folder
        # Closed when the last text in it is gone: no context manager can say when.
        self.file = tempfile.TemporaryFile(  # noqa: SIM115
            dir=folder, prefix=".replikk-texts-"
        )
        self.end = 0
        self.lock = threading.Lock()

    def keep(self, data: bytes) -> _Spilled:
        with self.lock:
            offset, self.end = self.end, self.end + len(data)
        written = 0
        while written < len(data):
            written += os.pwrite(
                self.file.fileno(), memoryview(data)[written:], offset + written
            )
        return _Spilled(self, offset, len(data))


class _Spilled:
    """Where one text lies in a :class:`_SpillFile`; pickled (or copied) as
    the text's bytes, so it never outlives its file."""

    __slots__ = ("file", "offset", "size")

    def __init__(self, file: _SpillFile, offset: int, size: int) -> None:
        self.file, self.offset, self.size = file, offset, size

    def read(self) -> bytes:
        data = os.pread(self.file.file.fileno(), self.size, self.offset)
        while len(data) < self.size:  # a regular file gives it all at once
            more = os.pread(
                self.file.file.fileno(), self.size - len(data), self.offset + len(data)
            )
            if not more:
                raise OSError(f"the build's text file ended early at {self.offset}")
            data += more
        return data

    def __reduce__(self):
        return (bytes, (self.read(),))


_spill_file: _SpillFile | None = None


def _spill(folder: str) -> _SpillFile:
    """This process's spill file for this build: a forked child writes its
    own, never into its parent's."""
    global _spill_file  # noqa: PLW0603 -- one per process and build
    current = _spill_file
    if current is None or current.pid != os.getpid() or current.folder != folder:
        current = _spill_file = _SpillFile(folder)
    return current


def new_spill_file(pelican_object=None) -> None:
    """Each build starts a file of its own; the last one's is freed when its
    texts are (``initialized``)."""
    global _spill_file  # noqa: PLW0603
    _spill_file = None


def forget_summaries(pelican_object) -> None:
    """Pelican's memo of summaries lives on the class for the life of the
    process; a build starts with it empty, so a rebuild does not keep the
    last build's articles alive."""
    cache = getattr(Content.__dict__.get("get_summary"), "cache", None)
    if cache is not None:
        cache.clear()


@contextmanager
def archive_apart() -> Iterator[None]:
    """Around Pelican's run (``replikk.build``): the archive kept out of the
    garbage collector's way while it is needed, and let go after.

    Once every file is read, the archive lives to the end of the run; each
    full collection walked all of it again (seven of them, 1.4 s of a build
    of 5,000 articles). Frozen (``gc.freeze``) when reading is done, it is
    passed over by every later collection, here and in the forked process
    that writes. After the run it is unfrozen, Pelican's summary memo (the
    last thing holding the articles) emptied and its cycles (translations,
    debates) collected once, so the search index's merge, which comes next,
    reuses the archive's memory instead of growing the process: at 5,000
    articles the end of the build peaked at 259 MB, now 208 MB.
    """
    signals.article_generator_finalized.connect(_freeze)
    try:
        yield
    finally:
        signals.article_generator_finalized.disconnect(_freeze)
        gc.unfreeze()
        forget_summaries(None)
        gc.collect()


def _freeze(generator) -> None:
    gc.freeze()


_PATCHES = {
    (Content, "_content"): HeldApart(),
    (Content, "_update_content"): _update_content,
    (Content, "get_content"): get_content,
    (Readers, "cache_data"): cache_data,
    (Readers, "get_cached_data"): get_cached_data,
    (Readers, "save_cache"): save_cache,
    (ArticlesGenerator, "generate_tags"): generate_tags,
    (ArticlesGenerator, "generate_categories"): generate_categories,
    (ArticlesGenerator, "generate_authors"): generate_authors,
    (ArticlesGenerator, "_build_period_archives"): _build_period_archives,
    (pelican.generators, "process_translations"): process_translations,
}
_ORIGINALS: dict[tuple[object, str], object] = {}


def patch() -> None:
    """Install the linear versions; calling it again changes nothing."""
    for (owner, name), replacement in _PATCHES.items():
        # As stored on the owner itself, not as looked up: a descriptor
        # (Pelican's memoized) looked up on its class is bound to nothing, and
        # an inherited method (Readers.cache_data) is put back by deleting ours.
        current = vars(owner).get(name)
        if getattr(current, _MARK, False):
            continue
        _ORIGINALS[(owner, name)] = current
        setattr(replacement, _MARK, True)
        setattr(owner, name, replacement)


def unpatch() -> None:
    """Put Pelican's own versions back (for tests that compare the two)."""
    for (owner, name), original in _ORIGINALS.items():
        if original is None:  # not the owner's own: inherited, or none at all
            delattr(owner, name)
        else:
            setattr(owner, name, original)
    _ORIGINALS.clear()


def patched() -> bool:
    return all(
        getattr(getattr(owner, name, None), _MARK, False) for owner, name in _PATCHES
    )


class ReusingMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader with one ``Markdown`` per reader, reset
    between files: building one costs ~0.7 ms (loading and configuring every
    extension), a tenth of a plain Pelican build's time per article.

    ``Markdown.reset()`` clears the document state of Markdown and of every
    extension that keeps any; an extension of ours that keeps state per
    document must implement ``reset()`` (Python-Markdown's own contract).
    Set ``REPLIKK_REUSE_MARKDOWN = False`` to build a new one per file.
    """

    _markdown: Markdown | None = None
    _meta: object = None
    _meta_priority: float = 0

    def markdown(self) -> Markdown:
        """The reader's Markdown, reset and with its ``meta`` preprocessor back
        (Pelican removes it before rendering formatted fields like Summary)."""
        if not self.settings.get("REPLIKK_REUSE_MARKDOWN", True):
            return Markdown(**self.settings["MARKDOWN"])
        md = self._markdown
        if md is None:
            md = self._markdown = Markdown(**self.settings["MARKDOWN"])
            self._meta = md.preprocessors["meta"]
            # Registry keeps priorities private; this is the only way to read one.
            self._meta_priority = next(
                item.priority
                for item in md.preprocessors._priority
                if item.name == "meta"
            )
        else:
            md.reset()
            if "meta" not in md.preprocessors:
                md.preprocessors.register(self._meta, "meta", self._meta_priority)
        return md

    def convert(self, source_path) -> tuple[str, dict | None]:
        """The file's body as HTML and its raw metadata (lists of strings)."""
        self._source_path = source_path
        self._md = self.markdown()
        with pelican_open(source_path) as text:
            content = self._md.convert(text)
        # Taken before _parse_metadata: rendering a formatted field resets it.
        return content, getattr(self._md, "Meta", None)

    def read(self, source_path):
        """Pelican's ``MarkdownReader.read``, with :meth:`markdown`."""
        content, meta = self.convert(source_path)
        metadata = {} if meta is None else self._parse_metadata(meta)
        return content, metadata


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

    With the content cache on, compiled templates are kept in
    ``CACHE_PATH/jinja/`` (Jinja's own bytecode cache, which compiles a
    template again when its source changes): every build compiled the theme
    again, 0.2 s of a 1,000-article edit's 1.9 s."""
    settings = pelican_object.settings
    environment = dict(settings.get("JINJA_ENVIRONMENT", {}))
    environment.setdefault("auto_reload", False)
    if settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE"):
        folder = Path(settings.get("CACHE_PATH") or "cache") / "jinja"
        with suppress(OSError):  # no cache is only slower
            folder.mkdir(parents=True, exist_ok=True)
            environment.setdefault("bytecode_cache", FileSystemBytecodeCache(folder))
    settings["JINJA_ENVIRONMENT"] = environment


def register() -> None:
    patch()
    signals.initialized.connect(static_templates)
    signals.initialized.connect(forget_summaries)
    signals.initialized.connect(new_spill_file)
    signals.article_generator_pretaxonomy.connect(freeze_urls)
