"""Search with no server: Pagefind indexes the built site, the theme searches it.

Only article pages carry ``data-pagefind-body``, so each article is indexed
once, whatever lists show it. The archive is indexed with Norwegian stemming
(it is mostly Norwegian, and one language lets a reader find an English
article from the Norwegian search page); each article's language is a filter.

The index is one Pagefind run over the whole site, written by Pagefind into
``pagefind/all/``. Pagefind holds all it indexes in memory, so above
``SEARCH_PART_PAGES`` pages the index is made in **parts**, one per top
folder of the pages it indexes (with the default URLs, one per year), each a
plain Pagefind run into ``pagefind/<part>/``. ``pagefind/parts.json`` lists
them; the search page loads the first and adds the others with Pagefind's
documented ``mergeIndex`` ("Searching additional sites"). Nothing in an index
file is written by us.

With the cache on, each part's bundle is kept in ``CACHE_PATH/pagefind/``
under a digest of what it is made from (Pagefind's version and options, the
part's pages' paths and bytes) and copied into the next build whose part is
the same.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from .owners import claim_tree
from .reader import CACHE
from .workers import processes

DEFAULTS: dict[str, object] = {
    "SEARCH_INDEX": True,
    "SEARCH_LANGUAGE": "nb",
    # The search page, per interface language.
    "SEARCH_PAGES": {"nb": "sok/", "en": "en/search/"},
    # What Pagefind leaves out of the indexed article (CSS selectors): all
    # but its text, so excerpts come from the standfirst and the body.
    # Title, section, authors, DOI, topics and date are the page's metadata
    # (partials/search_meta.html), which Pagefind searches too; indexed as
    # text, the section's "Debatt" began every excerpt of a search for
    # "debatter". The header's other lines (section, title, authors, dates,
    # topics, translations) and every block after the body (competing
    # interests, biographies, replies, debate boxes, whatever is added
    # there) are apparatus; so are the reference list's entries and their
    # links back to the text, into the archive and to a Crossref search.
    "SEARCH_EXCLUDE": [
        ".article-header > :not(.standfirst)",
        ".article > :not(.search-meta):not(.article-header):not(.article-body)",
        ".article-body li[id^='ref-']",
        ".ref-back",
        ".ref-archive",
        ".ref-search",
    ],
    # Above this many pages to index, the index is made in parts, one per
    # top folder (year); up to it, in one Pagefind run over the whole site.
    # Pagefind holds what it indexes in memory (~0.3 MB a page).
    "SEARCH_PART_PAGES": 10_000,
}

logger = logging.getLogger(__name__)

FOLDER = "pagefind"
PARTS = f"{FOLDER}/parts.json"
# Part of every kept bundle's key: raise it when what goes into a bundle
# changes in a way the key does not show.
BUNDLE_FORMAT = 4
KEEP_BUILDS = 4  # kept bundles not used by the last builds are removed

# Pagefind indexes only pages with this attribute when any page has it.
BODY_ATTRIBUTE = b"data-pagefind-body"
BODY = re.compile(rb"<[a-zA-Z][^>]*\s" + BODY_ATTRIBUTE + rb"[\s=/>]")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


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
    most = setting(settings, "SEARCH_PART_PAGES")
    if not isinstance(most, int) or isinstance(most, bool) or most < 1:
        raise ValueError(
            f"SEARCH_PART_PAGES must be a whole number above 0, not {most!r}"
        )
    exclude = setting(settings, "SEARCH_EXCLUDE")
    if isinstance(exclude, str) or not all(
        isinstance(selector, str) and selector.strip() for selector in exclude
    ):
        raise ValueError(
            f"SEARCH_EXCLUDE must be a list of CSS selectors, not {exclude!r}"
        )


def index_site(output: Path, settings: dict) -> None:
    """Index a built site with Pagefind, part by part, into
    ``output/pagefind/`` (the last step of build and publish).

    A part indexed early (:func:`start_early`) is used if its key, the digest
    of its pages as they are now, is the key it was indexed under; any other
    part is indexed now."""
    early = settings.pop(EARLY, None)
    try:
        if setting(settings, "SEARCH_INDEX"):
            _index(output, settings, early)
    finally:
        if early is not None:
            early.close()


def _index(output: Path, settings: dict, early: Early | None) -> None:
    claim_tree(settings, FOLDER, "the search index")
    parts = parts_of(pages_to_index(output), setting(settings, "SEARCH_PART_PAGES"))
    kept = Kept.of(settings)
    work = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=output.parent))
    try:
        with ThreadPoolExecutor(processes(settings)) as pool:
            runs = [
                pool.submit(
                    _index_part, output, name, pages, settings, kept, work, early
                )
                for name, pages in parts.items()
            ]
            keys = [run.result() for run in runs]  # the first failure, in order
        if not parts:  # one run over the site, to fail in Pagefind's words
            _run_pagefind(output, [], output / FOLDER / "all", settings)
            parts = {"all": []}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (output / PARTS).write_text(json.dumps({"parts": list(parts)}) + "\n")
    if kept is not None:
        kept.keep(keys)


def _index_part(
    output: Path,
    name: str,
    pages: list[tuple[str, bytes]],
    settings: dict,
    kept: Kept | None,
    work: Path,
    early: Early | None = None,
) -> str:
    """One part's bundle at ``output/pagefind/<name>/``: kept, indexed
    early from the same pages, or made now."""
    key = _key(name, pages, settings)
    bundle = output / FOLDER / name
    if kept is not None and kept.copy(key, bundle):
        return key
    made = early.take(key) if early is not None else None
    if made is not None:
        bundle.parent.mkdir(parents=True, exist_ok=True)
        made.rename(bundle)
    else:
        _run_pagefind(output, [path for path, _ in pages], bundle, settings, work)
    if kept is not None:
        kept.put(key, bundle)
    return key


EARLY = "_REPLIKK_SEARCH_EARLY"  # this build's early runs, in its settings


class Early:
    """Parts indexed while the rest of the site is still written.

    Pelican writes every article page first (the pages Pagefind indexes,
    with the theme's ``data-pagefind-body``); Pagefind needs about one core
    and the rest of the writing another. Each part found then is indexed
    into a folder of its own under the key of its pages as they were; the
    index of the finished site uses such a bundle only for a part whose key
    is the same (:func:`_index_part`), so the index is the one a run over
    the finished site writes."""

    def __init__(self, output: Path, settings: dict) -> None:
        self.work = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=output.parent))
        self.pool = ThreadPoolExecutor(processes(settings))
        self.runs: dict[str, Future] = {}
        kept = Kept.of(settings)
        parts = parts_of(pages_to_index(output), setting(settings, "SEARCH_PART_PAGES"))
        for name, pages in parts.items():
            key = _key(name, pages, settings)
            if kept is not None and kept.has(key):
                continue  # copied from the cache at the end
            bundle = self.work / key
            # Copies, not links: a page written again while Pagefind reads
            # it could not then be read half-written.
            self.runs[key] = self.pool.submit(
                _run_pagefind,
                output,
                [path for path, _ in pages],
                bundle,
                settings,
                self.work,
                True,
            )

    def take(self, key: str) -> Path | None:
        """The bundle indexed early under ``key``, if it was, and succeeded."""
        run = self.runs.pop(key, None)
        if run is None:
            return None
        try:
            run.result()
        except (SearchIndexError, OSError):
            return None  # indexed again now, which reports what went wrong
        return self.work / key

    def close(self) -> None:
        """Wait for what still runs (a failed build), then remove the folder."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.work, ignore_errors=True)


def start_early(generator, writer=None) -> None:
    """Every article page is written (``article_writer_finalized``): index
    them while the rest of the site is written."""
    settings = generator.settings
    if not setting(settings, "SEARCH_INDEX") or settings.get(EARLY) is not None:
        return
    output = Path(generator.output_path)
    try:
        settings[EARLY] = Early(output, settings)
    except OSError as error:  # the site is indexed at the end instead
        logger.debug("could not index the articles early: %s", error)


def stop_early(settings: dict) -> None:
    """A failed build: stop waiting for early runs and remove their folder."""
    early = settings.pop(EARLY, None)
    if early is not None:
        early.close()


def pages_to_index(output: Path) -> list[tuple[str, bytes]]:
    """What one Pagefind run over the site would index, in path order, with
    a digest of each page: the pages with ``data-pagefind-body`` if there are
    any, else every page."""
    found = sorted(_html_files(str(output), ""))
    pages, every = [], []
    for path in found:
        html = (output / path).read_bytes()
        digest = hashlib.blake2b(html, digest_size=16).digest()
        every.append((path, digest))
        if _has_body(html):
            pages.append((path, digest))
    return pages or every


def parts_of(
    pages: list[tuple[str, bytes]], most: int
) -> dict[str, list[tuple[str, bytes]]]:
    """All pages in one part, or, above ``most`` pages, pages by the top
    folder they are in (``site`` for the top's own)."""
    if len(pages) <= most:
        return {"all": pages} if pages else {}
    parts: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for path, digest in pages:
        top, sep, _ = path.partition("/")
        parts[_UNSAFE.sub("_", top) if sep else "site"].append((path, digest))
    return dict(sorted(parts.items()))


def _html_files(folder: str, prefix: str) -> Iterator[str]:
    """Every ``.html`` file under ``folder``, as a path below it with ``/``."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not (prefix == "" and entry.name == FOLDER):
                    yield from _html_files(entry.path, f"{prefix}{entry.name}/")
            elif entry.name.endswith(".html"):
                yield f"{prefix}{entry.name}"


def _has_body(html: bytes) -> bool:
    found = html.find(BODY_ATTRIBUTE)
    while found >= 0:
        # Only inside a tag: from the last "<" before it.
        if BODY.match(html, max(html.rfind(b"<", 0, found), 0)):
            return True
        found = html.find(BODY_ATTRIBUTE, found + 1)
    return False


def _key(name: str, pages: list[tuple[str, bytes]], settings: dict) -> str:
    """What a part's bundle is made from: Pagefind, its options, the pages."""
    digest = hashlib.blake2b(digest_size=20)
    options = (
        BUNDLE_FORMAT,
        _version(),
        name,
        setting(settings, "SEARCH_LANGUAGE"),
        list(setting(settings, "SEARCH_EXCLUDE")),
    )
    digest.update(repr(options).encode())
    for path, page in pages:
        digest.update(path.encode() + b"\0" + page)
    return digest.hexdigest()


# The Pagefind the index is made with: npm's ``pagefind``, pinned in
# package.json (``npm ci``). 1.6.0 writes the same bytes from the same pages
# (1.5 named a file after a hash map's random order).
PAGEFIND_VERSION = "1.6.0"


def _version() -> str:
    return PAGEFIND_VERSION


def pagefind_command(settings: dict) -> list[str]:
    """Pagefind as npm installs it (``node_modules/.bin/pagefind``, found
    from the content folder up, or from the working folder up), or
    ``SEARCH_PAGEFIND``; refused unless it is :data:`PAGEFIND_VERSION`."""
    configured = settings.get("SEARCH_PAGEFIND")
    found = Path(configured) if configured else installed_path(settings)
    if found is None:
        raise SearchIndexError(
            f"Pagefind {PAGEFIND_VERSION} was not found: run `npm ci` in the"
            " project (package.json pins it), or set SEARCH_PAGEFIND to its path"
        )
    version = _version_of(str(found))
    if version != PAGEFIND_VERSION:
        raise SearchIndexError(
            f"SEARCH_PAGEFIND: {found} is Pagefind {version or '(unknown)'}; the"
            f" index needs Pagefind {PAGEFIND_VERSION} (run `npm ci`)"
        )
    return [str(found)]


def installed_path(settings: dict) -> Path | None:
    """npm's ``node_modules/.bin/pagefind``, from the content folder up, then
    from the working folder up; None if there is none."""
    starts = [Path(settings.get("PATH") or ".").resolve(), Path.cwd()]
    for start in starts:
        for folder in (start, *start.parents):
            candidate = folder / "node_modules" / ".bin" / "pagefind"
            if candidate.is_file():
                return candidate
    return None


def installed_version(settings: dict) -> str | None:
    """The version of the Pagefind a build would use, or None if none is found."""
    configured = settings.get("SEARCH_PAGEFIND")
    found = Path(configured) if configured else installed_path(settings)
    return _version_of(str(found)) if found else None


@cache
def _version_of(command: str) -> str | None:
    try:
        done = subprocess.run(
            [command, "--version"], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    words = done.stdout.split()
    return words[-1] if done.returncode == 0 and words else None


class Kept:
    """Parts' bundles kept between builds, in ``CACHE_PATH/pagefind/<key>/``.

    A bundle is named by the digest of what it was made from and never
    changes once there. ``used.json`` lists the bundles each of the last
    :data:`KEEP_BUILDS` builds used; others are removed. Only ever a
    shortcut: a bundle that cannot be kept or copied is made again.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def of(cls, settings: dict) -> Kept | None:
        if settings.get(CACHE) is None:
            return None
        return cls(Path(settings.get("CACHE_PATH") or "cache") / FOLDER)

    def has(self, key: str) -> bool:
        return (self.folder / key / "pagefind-entry.json").is_file()

    def copy(self, key: str, bundle: Path) -> bool:
        kept = self.folder / key
        if not (kept / "pagefind-entry.json").is_file():
            return False
        try:
            shutil.copytree(kept, bundle)
        except OSError as error:
            logger.debug("could not use Pagefind's kept bundle %s: %s", key, error)
            shutil.rmtree(bundle, ignore_errors=True)
            return False
        return True

    def put(self, key: str, bundle: Path) -> None:
        target = self.folder / key
        if target.exists():
            return
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = Path(tempfile.mkdtemp(prefix=".new-", dir=self.folder))
            shutil.copytree(bundle, temporary, dirs_exist_ok=True)
            temporary.rename(target)
        except OSError as error:
            logger.debug("could not keep Pagefind's bundle %s: %s", key, error)
            if temporary is not None:
                shutil.rmtree(temporary, ignore_errors=True)

    def keep(self, keys: list[str]) -> None:
        """Record this build's bundles; remove those no recent build used."""
        record = self.folder / "used.json"
        try:
            builds = json.loads(record.read_text(encoding="utf-8"))
            builds = [b for b in builds if isinstance(b, list)]
        except (OSError, ValueError, TypeError):
            builds = []
        builds = [*builds, sorted(set(keys))][-KEEP_BUILDS:]
        used = {key for b in builds for key in b}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = record.with_name("used.json.tmp")
            temporary.write_text(json.dumps(builds), encoding="utf-8")
            temporary.replace(record)
            for bundle in self.folder.iterdir():
                if bundle.is_dir() and bundle.name not in used:
                    shutil.rmtree(bundle, ignore_errors=True)
        except OSError as error:
            logger.debug("could not tidy Pagefind's bundles: %s", error)


def _run_pagefind(
    site: Path,
    pages: list[str],
    bundle: Path,
    settings: dict,
    work: Path | None = None,
    copy: bool = False,
) -> None:
    """Pagefind over ``pages`` of the site (the whole site if none), its
    bundle written to ``bundle``.

    Pagefind gets a folder holding only the part's pages, hard links at the
    same paths (so the same URLs): given the whole site and a ``--glob``, it
    walks every folder of the site to match it."""
    folder = Path(tempfile.mkdtemp(dir=work)) if pages and work else None
    try:
        if folder is not None:
            _link_pages(site, pages, folder, copy)
        command = [
            *pagefind_command(settings),
            "--site",
            str(folder or site),
            "--output-path",
            str(bundle),
            "--force-language",
            str(setting(settings, "SEARCH_LANGUAGE")),
            "--silent",
        ]
        excluded = list(setting(settings, "SEARCH_EXCLUDE"))
        if excluded:
            command += ["--exclude-selectors", ", ".join(excluded)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    if done.returncode != 0:
        raise SearchIndexError(
            f"Pagefind could not index {site}: {done.stderr.strip() or done.stdout}"
        )


def _link_pages(site: Path, pages: list[str], into: Path, copy: bool = False) -> None:
    """The pages at their paths in ``into``: hard links (copies across file
    systems, or if asked)."""
    folders: set[str] = set()
    for page in pages:
        folder = os.path.dirname(page)
        if folder not in folders:
            os.makedirs(os.path.join(into, folder), exist_ok=True)
            folders.add(folder)
        source, target = os.path.join(site, page), os.path.join(into, page)
        if copy:
            shutil.copyfile(source, target)
            continue
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
    signals.article_writer_finalized.connect(start_early)
