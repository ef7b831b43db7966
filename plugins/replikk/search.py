"""Search with no server: Pagefind indexes the built site, the theme searches it.

Only article pages carry ``data-pagefind-body``, so each article is indexed
once, whatever lists show it. The whole archive is one index with Norwegian
stemming (it is mostly Norwegian, and one index lets a reader find an English
article from the Norwegian search page); each article's language is a filter.

Pagefind holds all it indexes in memory (about 0.3 MB per article), so it
runs over about ``SEARCH_BATCH`` articles at a time and the batches' bundles
are merged into one (pagefind_merge.py): the same index, with the memory of
one batch. With the content cache on (``invoke livereload``) the bundles are
kept, and a rebuild indexes only the batches whose pages changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from .pagefind_merge import BundleFormatError, merge_bundles
from .parallel import processes

DEFAULTS: dict[str, object] = {
    "SEARCH_INDEX": True,
    "SEARCH_LANGUAGE": "nb",
    # The search page, per interface language.
    "SEARCH_PAGES": {"nb": "sok/", "en": "en/search/"},
    # Pages per Pagefind run on average: its peak memory is about 0.3 MB per
    # article, and an edit runs it again over its page's batch (100: 0.1-0.3 s
    # at 1,000 articles, against up to 0.8 s with 200).
    "SEARCH_BATCH": 100,
    # Links inside the indexed part that are ways about, not text: CSS
    # selectors Pagefind leaves out (the theme's reference lists link back to
    # the text, into the archive and to a Crossref search; indexed, "Tilbake
    # til teksten" stood in excerpts beside every reference).
    "SEARCH_EXCLUDE": [".ref-back", ".ref-archive", ".ref-search"],
}

logger = logging.getLogger(__name__)

# Part of every cached bundle's key: raise it when what goes into a bundle
# changes in a way the key does not show.
BUNDLE_FORMAT = 3

# Pagefind indexes only pages with this attribute when any page has it.
BODY_ATTRIBUTE = b"data-pagefind-body"
BODY = re.compile(rb"<[a-zA-Z][^>]*\s" + BODY_ATTRIBUTE + rb"[\s=/>]")


class SearchIndexError(RuntimeError):
    """Pagefind failed; the build fails with what it said."""


def setting(settings: dict, name: str):
    return settings.get(name, DEFAULTS[name])


def check_settings(settings: dict) -> None:
    pages = setting(settings, "SEARCH_PAGES")
    if not isinstance(pages, dict) or not all(
        isinstance(url, str) and url.endswith("/") for url in pages.values()
    ):
        raise ValueError(
            f"SEARCH_PAGES must map a language to a URL ending in '/', not {pages!r}"
        )
    batch = setting(settings, "SEARCH_BATCH")
    if not isinstance(batch, int) or isinstance(batch, bool) or batch < 1:
        raise ValueError(f"SEARCH_BATCH must be a whole number above 0, not {batch!r}")
    exclude = setting(settings, "SEARCH_EXCLUDE")
    if isinstance(exclude, str) or not all(
        isinstance(selector, str) and selector.strip() for selector in exclude
    ):
        raise ValueError(
            f"SEARCH_EXCLUDE must be a list of CSS selectors, not {exclude!r}"
        )


def index_site(output: Path, settings: dict, site: Path | None = None) -> None:
    """Index a built site with Pagefind (the last step of build and publish),
    about SEARCH_BATCH pages per run, into ``output/pagefind/``.

    With the content cache on, each batch's bundle is kept in
    ``CACHE_PATH/pagefind/`` under a digest of its pages, and the next build
    of ``site`` (the folder ``output`` becomes) indexes only the batches
    whose pages changed.
    """
    if not setting(settings, "SEARCH_INDEX"):
        return
    cache = BundleCache.of(settings, site or output)
    known = cache.pages() if cache else None
    work = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=output))
    try:
        batches: list[list[Page]] = []
        keys: list[str] = []
        bundles: list[Path] = []
        runs: list[tuple[int, Future]] = []  # the batches indexed in this build
        # As many batches at once as the build may use processes: each
        # Pagefind run keeps about one core busy. A batch is indexed as soon
        # as its pages are found, while the rest of the site is still read
        # (at 5,000 articles, reading and hashing the pages took 2-3 s).
        with ThreadPoolExecutor(processes(settings)) as pool:

            def add(batch: list[Page]) -> None:
                key = _key(batch, settings)
                bundle = cache.get(key) if cache and batch else None
                if bundle is None:
                    bundle = work / str(len(batches))
                    run = pool.submit(_run_pagefind, output, batch, bundle, settings)
                    runs.append((len(batches), run))
                batches.append(batch)
                keys.append(key)
                bundles.append(bundle)

            pages = _pages_to_index(output, known)
            for batch in _batches(pages, setting(settings, "SEARCH_BATCH")):
                add(batch)
            if not batches:  # one run over the site, to fail in Pagefind's words
                add([])
            logger.debug("Pagefind: %d of %d batches to index", len(runs), len(batches))
            for _, run in runs:
                run.result()  # the first failure, in batch order
        try:
            merge_bundles(
                bundles,
                output / "pagefind",
                keep=cache is not None,
                processes=processes(settings),
            )
        except BundleFormatError as error:
            raise SearchIndexError(f"Pagefind's index of {output}: {error}") from error
        if cache:
            for n, _ in runs:
                if batches[n]:
                    cache.put(keys[n], bundles[n])
            cache.keep(keys, known)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@dataclass(frozen=True)
class Page:
    """A page to index: its path in the site and a digest of its bytes."""

    path: str
    digest: bytes


def _pages_to_index(output: Path, known: PageRecord | None = None) -> Iterator[Page]:
    """What one Pagefind run over the site would index, in path order, as
    each is read: the pages with ``data-pagefind-body`` if there are any,
    else every page. ``known`` (the last build's pages) spares reading pages
    it has seen."""
    known = known or PageRecord({})
    found = sorted(_html_files(str(output), ""))
    some = False
    for path, stat in found:
        digest = known.look(output, path, stat)
        if digest is not None:
            some = True
            yield Page(path, digest)
    if not some:
        for path, _ in found:
            yield Page(path, _digest((output / path).read_bytes()))


def _digest(html: bytes) -> bytes:
    return hashlib.blake2b(html, digest_size=16).digest()


def _html_files(folder: str, prefix: str) -> Iterator[tuple[str, os.stat_result]]:
    """Every ``.html`` file under ``folder``: its path (``prefix`` + the path
    below ``folder``, with ``/``) and its stat."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _html_files(entry.path, f"{prefix}{entry.name}/")
            elif entry.name.endswith(".html"):
                yield f"{prefix}{entry.name}", entry.stat()


class PageRecord:
    """Each page's digest and whether Pagefind indexes it, kept with its
    file's identity (device, inode, size, modification time), as the inputs
    record keeps content files' (``unchanged.py``). An incremental build's
    site is a copy of the last one made of hard links and every write makes a
    new file (``output.py``), so a page whose identity is as recorded holds
    the bytes it held: it is not read again (at 20,000 articles, reading and
    hashing every page took 3.9 s of an edit)."""

    def __init__(self, recorded: dict[str, list]) -> None:
        self.recorded = recorded
        self.seen: dict[str, list] = {}

    def look(self, output: Path, path: str, stat: os.stat_result) -> bytes | None:
        """The page's digest if it has ``data-pagefind-body``, else None."""
        identity = [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns]
        known = self.recorded.get(path)
        if known is None or known[:4] != identity:
            html = (output / path).read_bytes()
            known = [*identity, _digest(html).hex() if _has_body(html) else None]
        self.seen[path] = known
        return None if known[4] is None else bytes.fromhex(known[4])


def _has_body(html: bytes) -> bool:
    found = html.find(BODY_ATTRIBUTE)
    while found >= 0:
        # Only inside a tag: from the last "<" before it.
        if BODY.match(html, max(html.rfind(b"<", 0, found), 0)):
            return True
        found = html.find(BODY_ATTRIBUTE, found + 1)
    return False


def _batches(pages: Iterable[Page], batch: int) -> Iterator[list[Page]]:
    """The pages in batches of ``batch`` on average, cut where the pages'
    paths say (content-defined chunking, as rsync and restic cut files): a
    batch ends after a page whose path's checksum is a multiple of a number,
    so adding or removing a page changes its own batch only, and every other
    batch's bundle can be used again. A batch holds at least a quarter of
    ``batch`` pages and at most twice as many."""
    least = max(1, batch // 4)
    spread = max(1, batch - least)  # a cut every `spread` pages on average
    names: list[Page] = []
    for page in pages:
        if len(names) == 2 * batch:
            yield names
            names = []
        names.append(page)
        if len(names) >= least and zlib.crc32(page.path.encode()) % spread == 0:
            yield names
            names = []
    if names:
        yield names


def _key(batch: list[Page], settings: dict) -> str:
    """What a batch's bundle is made from: Pagefind, its options, the pages."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(
        repr(
            (
                BUNDLE_FORMAT,
                _version(),
                setting(settings, "SEARCH_LANGUAGE"),
                list(setting(settings, "SEARCH_EXCLUDE")),
            )
        ).encode()
    )
    for page in batch:
        digest.update(page.path.encode() + b"\0" + page.digest)
    return digest.hexdigest()


@cache
def _version() -> str:
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return " ".join(_pagefind())


class BundleCache:
    """Batches' bundles kept between builds, in ``CACHE_PATH/pagefind/``.

    A bundle is named by the digest of what it was made from and never
    changes once there (the merged index holds hard links to its files).
    Each site records the bundles its last build used (``sites/``); bundles
    no site uses are removed. The cache is only ever a shortcut: a bundle
    that cannot be stored or read is made again.
    """

    def __init__(self, folder: Path, site: Path) -> None:
        self.folder = folder
        site_id = hashlib.blake2b(str(site.resolve()).encode(), digest_size=8)
        self.record = folder / "sites" / f"{site_id.hexdigest()}.json"
        self.pages_record = self.record.with_suffix(".pages")

    @classmethod
    def of(cls, settings: dict, site: Path) -> BundleCache | None:
        if not (settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE")):
            return None
        return cls(Path(settings.get("CACHE_PATH") or "cache") / "pagefind", site)

    def get(self, key: str) -> Path | None:
        bundle = self.folder / key
        return bundle if (bundle / "pagefind-entry.json").is_file() else None

    def put(self, key: str, bundle: Path) -> None:
        """Keep a new bundle: moved, or copied from another file system."""
        target = self.folder / key
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if target.exists():
                return
            try:
                bundle.rename(target)
            except OSError:
                temporary = Path(tempfile.mkdtemp(prefix=".new-", dir=self.folder))
                shutil.copytree(bundle, temporary, dirs_exist_ok=True)
                temporary.rename(target)
        except OSError as error:
            logger.debug("could not keep Pagefind's bundle %s: %s", key, error)
            if temporary is not None:
                shutil.rmtree(temporary, ignore_errors=True)

    def pages(self) -> PageRecord:
        """The pages of this site's last build (``PageRecord``)."""
        try:
            recorded = json.loads(self.pages_record.read_bytes())
        except (OSError, ValueError):
            recorded = {}
        return PageRecord(recorded if isinstance(recorded, dict) else {})

    def keep(self, keys: list[str], pages: PageRecord | None = None) -> None:
        """Record the bundles this site uses (and its pages); remove those no
        site uses."""
        try:
            self.record.parent.mkdir(parents=True, exist_ok=True)
            if pages is not None:
                _replace(self.pages_record, json.dumps(pages.seen))
            _replace(self.record, json.dumps(sorted(set(keys))))
            used = set()
            for record in self.record.parent.glob("*.json"):
                used.update(json.loads(record.read_text(encoding="utf-8")))
            for bundle in self.folder.iterdir():
                if bundle.name != "sites" and bundle.name not in used:
                    shutil.rmtree(bundle, ignore_errors=True)
        except (OSError, ValueError) as error:
            logger.debug("could not tidy Pagefind's bundles: %s", error)


def _replace(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


@cache
def _pagefind() -> list[str]:
    """The Pagefind binary, as ``python -m pagefind`` finds it, so that each
    batch does not start a Python first; the module if that ever fails."""
    try:
        from pagefind.service import _must_get_executable  # noqa: PLC0415

        return [str(_must_get_executable().resolve())]
    except Exception:  # a private helper of the package: never rely on it
        return [sys.executable, "-m", "pagefind"]


def _run_pagefind(site: Path, batch: list[Page], bundle: Path, settings: dict) -> None:
    """Pagefind over the batch's pages (the whole site if none), its bundle
    written to ``bundle``.

    Pagefind gets a folder of its own holding only the batch's pages, hard
    links at the same paths (so the same URLs): given the whole site and a
    ``--glob``, it walked every folder of the site to match it, 0.1 s at 5,000
    articles and 0.5-2.4 s at 20,000, for every batch.
    """
    pages = bundle.with_name(f"{bundle.name}-pages") if batch else None
    try:
        if pages is not None:
            _link_pages(site, batch, pages)
        command = [
            *_pagefind(),
            "--site",
            str(pages or site),
            "--output-path",
            str(bundle),
            "--force-language",
            str(setting(settings, "SEARCH_LANGUAGE")),
            "--silent",
        ]
        for selector in setting(settings, "SEARCH_EXCLUDE"):
            command += ["--exclude-selectors", selector]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    finally:
        if pages is not None:
            shutil.rmtree(pages, ignore_errors=True)
    if done.returncode != 0:
        raise SearchIndexError(
            f"Pagefind could not index {site}: {done.stderr.strip() or done.stdout}"
        )


def _link_pages(site: Path, batch: list[Page], into: Path) -> None:
    """The batch's pages at their paths in ``into``: hard links, or copies
    across file systems."""
    folders: set[str] = set()
    for page in batch:
        folder = os.path.dirname(page.path)
        if folder not in folders:
            os.makedirs(os.path.join(into, folder), exist_ok=True)
            folders.add(folder)
        source, target = os.path.join(site, page.path), os.path.join(into, page.path)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)


class SearchPagesGenerator(Generator):
    """Writes the search page in each interface language."""

    def generate_context(self) -> None:
        check_settings(self.settings)
        self.context["SEARCH_PAGES"] = setting(self.settings, "SEARCH_PAGES")

    def generate_output(self, writer) -> None:
        if not setting(self.settings, "SEARCH_INDEX"):
            return
        template = self.get_template("search")
        for lang, url in setting(self.settings, "SEARCH_PAGES").items():
            writer.write_file(
                f"{url}index.html",
                template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                lang=lang,
                url=url,
                page_name=url.rstrip("/"),
            )


def add_generator(pelican):
    return SearchPagesGenerator


def register() -> None:
    signals.get_generators.connect(add_generator)
