"""Search with no server: Pagefind indexes the built site, the theme searches it.

Only article pages carry ``data-pagefind-body``, so each article is indexed
once, whatever lists show it. The whole archive is one index with Norwegian
stemming (it is mostly Norwegian, and one index lets a reader find an English
article from the Norwegian search page); each article's language is a filter.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

DEFAULTS: dict[str, object] = {
    "SEARCH_INDEX": True,
    "SEARCH_LANGUAGE": "nb",
    # The search page, per interface language.
    "SEARCH_PAGES": {"nb": "sok/", "en": "en/search/"},
}


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


def index_site(output: Path, settings: dict) -> None:
    """Run Pagefind over a built site (the last step of build and publish)."""
    if not setting(settings, "SEARCH_INDEX"):
        return
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(output),
        "--force-language",
        str(setting(settings, "SEARCH_LANGUAGE")),
        "--silent",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SearchIndexError(
            f"Pagefind could not index {output}: {done.stderr.strip() or done.stdout}"
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
