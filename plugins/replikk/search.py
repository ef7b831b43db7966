"""Search with no server: Pagefind indexes the built site, the theme searches it.

Only article pages carry ``data-pagefind-body``, so each article is indexed
once, whatever lists show it. The whole archive is one index with Norwegian
stemming (it is mostly Norwegian, and one index lets a reader find an English
article from the Norwegian search page); each article's language is a filter.

Pagefind holds all it indexes in memory (about 0.3 MB per article), so it
runs over ``SEARCH_BATCH`` articles at a time and the batches' bundles are
merged into one (pagefind_merge.py): the same index, with the memory of one
batch.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import cache
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
    # Pages per Pagefind run: its peak memory is about 0.3 MB per article.
    "SEARCH_BATCH": 400,
}

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


def index_site(output: Path, settings: dict) -> None:
    """Index a built site with Pagefind (the last step of build and publish),
    SEARCH_BATCH pages per run, into ``output/pagefind/``."""
    if not setting(settings, "SEARCH_INDEX"):
        return
    pages = [p.relative_to(output).as_posix() for p in _pages_to_index(output)]
    work = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=output))
    try:
        # No pages: one run over the site, to fail with Pagefind's own words.
        globs = list(_globs(pages, setting(settings, "SEARCH_BATCH"))) or [None]
        bundles = [work / str(n) for n in range(len(globs))]
        # As many batches at once as the build may use processes: each
        # Pagefind run keeps about one core busy.
        with ThreadPoolExecutor(min(len(globs), processes(settings))) as pool:
            runs = [
                pool.submit(_run_pagefind, output, glob, bundle, settings)
                for glob, bundle in zip(globs, bundles, strict=True)
            ]
            for run in runs:
                run.result()  # the first failure, in batch order
        try:
            merge_bundles(bundles, output / "pagefind")
        except BundleFormatError as error:
            raise SearchIndexError(f"Pagefind's index of {output}: {error}") from error
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _pages_to_index(output: Path) -> list[Path]:
    """What one Pagefind run over the site would index: the pages with
    ``data-pagefind-body`` if there are any, else every page."""
    pages = sorted(
        Path(folder, name)
        for folder, _, names in os.walk(output)
        for name in names
        if name.endswith(".html")
    )
    return [p for p in pages if _has_body(p.read_bytes())] or pages


def _has_body(html: bytes) -> bool:
    found = html.find(BODY_ATTRIBUTE)
    while found >= 0:
        # Only inside a tag: from the last "<" before it.
        if BODY.match(html, max(html.rfind(b"<", 0, found), 0)):
            return True
        found = html.find(BODY_ATTRIBUTE, found + 1)
    return False


# Pagefind's globs (wax) need these escaped; a backslash cannot be, so it
# matches any one character instead.
GLOB_SPECIAL = re.compile(r"[?*$:,()\[\]{}<>\\]")
GLOB_LENGTH = 100_000  # one command-line argument may be at most 128 KiB


def _glob_escape(special: re.Match) -> str:
    return "?" if special[0] == "\\" else "\\" + special[0]


def _globs(pages: list[str], batch: int) -> Iterator[str]:
    """A glob naming each batch's pages, for Pagefind's --glob."""
    names: list[str] = []
    length = 0
    for page in pages:
        name = GLOB_SPECIAL.sub(_glob_escape, page)
        if names and (len(names) == batch or length + len(name) > GLOB_LENGTH):
            yield "{" + ",".join(names) + "}"
            names, length = [], 0
        names.append(name)
        length += len(name) + 1
    if names:
        yield "{" + ",".join(names) + "}"


@cache
def _pagefind() -> list[str]:
    """The Pagefind binary, as ``python -m pagefind`` finds it, so that each
    batch does not start a Python first; the module if that ever fails."""
    try:
        from pagefind.service import _must_get_executable  # noqa: PLC0415

        return [str(_must_get_executable().resolve())]
    except Exception:  # a private helper of the package: never rely on it
        return [sys.executable, "-m", "pagefind"]


def _run_pagefind(site: Path, glob: str | None, bundle: Path, settings: dict) -> None:
    command = [*_pagefind(), "--site", str(site)]
    if glob:
        command += ["--glob", glob]
    command += [
        "--output-path",
        str(bundle),
        "--force-language",
        str(setting(settings, "SEARCH_LANGUAGE")),
        "--silent",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SearchIndexError(
            f"Pagefind could not index {site}: {done.stderr.strip() or done.stdout}"
        )


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
