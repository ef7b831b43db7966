"""One representative page of every page kind, picked from a built site.

The URL layout is pelicanconf.py's (``2024/<slug>/``, ``debatt/<slug>/``,
``emne/<slug>/`` …); which article is a reply, and to what, is read from the
pages' microformats (``u-in-reply-to``), and the language from ``<html lang>``,
with beautifulsoup4. Where a kind
has many pages, the largest (the fullest list) is taken, so a picture shows
the most the page can hold."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup


class NoPageError(Exception):
    """A page kind of which the built site has no page."""


@dataclass(frozen=True)
class Page:
    """A page to look at: its kind, its path on the site, and what to type
    into its search field (the search page only)."""

    kind: str
    path: str
    query: str = ""


SEARCH_QUERY = "rygg"
MISSING_PATH = "/2024/denne-siden-finnes-ikke/"  # a broken link to an article
ARTICLE = re.compile(r"^\d{4}/[^/]+/index\.html$")
# Top-level folders that are not fixed pages (Pelican's PAGE_URL is "{slug}/").
NOT_PAGES = {"arkiv", "debatt", "emne", "en", "feeds", "forfatter", "pagefind"}
NOT_PAGES |= {"seksjon", "sok", "theme", "utkast"}


def _url(site: Path, file: Path) -> str:
    relative = file.relative_to(site).as_posix()
    return "/" + relative.removesuffix("index.html")


def _largest(site: Path, pattern: str) -> str:
    files = sorted(site.glob(pattern), key=lambda f: (-f.stat().st_size, f))
    if not files:
        raise NoPageError(f"no {pattern} in {site}")
    return _url(site, files[0])


@dataclass
class _Article:
    path: str
    lang: str
    replies: int = 0
    is_reply: bool = False


def _targets(soup: BeautifulSoup, url: str) -> list[str]:
    """What an article answers: its microformats ``u-in-reply-to`` links."""
    found = []
    for element in soup.select(".u-in-reply-to"):
        link = element if element.get("href") else element.find("a", href=True)
        if link is not None:
            found.append(urlsplit(urljoin(url, str(link["href"]))).path)
    return found


def _articles(site: Path) -> list[_Article]:
    articles: dict[str, _Article] = {}
    answered: list[str] = []
    for file in sorted(site.glob("*/*/index.html")):
        if not ARTICLE.match(file.relative_to(site).as_posix()):
            continue
        url = _url(site, file)
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "lxml")
        targets = _targets(soup, url)
        lang = str(soup.html.get("lang", "")) if soup.html else ""
        articles[url] = _Article(url, lang, is_reply=bool(targets))
        answered += targets
    for target in answered:
        if target in articles:
            articles[target].replies += 1
    return list(articles.values())


def _article(site: Path, kind: str, test: Callable[[_Article], bool]) -> str:
    chosen = [a for a in _articles(site) if test(a)]
    if not chosen:
        raise NoPageError(f"no article for {kind!r} in {site}")
    return max(chosen, key=lambda a: a.replies).path


def _fixed_page(site: Path) -> str:
    for file in sorted(site.glob("*/index.html")):
        name = file.parent.name
        if name not in NOT_PAGES and not name.isdigit():
            return _url(site, file)
    raise NoPageError(f"no fixed page in {site}")


FINDERS: dict[str, Callable[[Path], str]] = {
    "front": lambda site: _largest(site, "index.html"),
    "article-with-replies": lambda site: _article(
        site, "article-with-replies", lambda a: a.replies > 0 and not a.is_reply
    ),
    "reply": lambda site: _article(site, "reply", lambda a: a.is_reply),
    "article-no-replies": lambda site: _article(
        site, "article-no-replies", lambda a: a.replies == 0 and not a.is_reply
    ),
    "debate": lambda site: _largest(site, "debatt/*/index.html"),
    "debates": lambda site: _largest(site, "debatt/index.html"),
    "archive": lambda site: _largest(site, "arkiv/index.html"),
    "period-archive": lambda site: _largest(site, "arkiv/[0-9]*/index.html"),
    "section": lambda site: _largest(site, "seksjon/*/index.html"),
    "sections": lambda site: _largest(site, "seksjon/index.html"),
    "topic": lambda site: _largest(site, "emne/*/index.html"),
    "topics": lambda site: _largest(site, "emne/index.html"),
    "author": lambda site: _largest(site, "forfatter/*/index.html"),
    "authors": lambda site: _largest(site, "forfatter/index.html"),
    "page": _fixed_page,
    "search": lambda site: _largest(site, "sok/index.html"),
    "404": lambda site: MISSING_PATH,
    "article-en": lambda site: _article(site, "article-en", lambda a: a.lang == "en"),
    "feed": lambda site: _largest(site, "debatt/*/feed.atom.xml"),
}
KINDS = tuple(FINDERS)


def kinds_from(text: str) -> list[str]:
    """The kinds named in a comma list (all if empty); unknown names refused."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in FINDERS]
    if unknown:
        raise NoPageError(
            f"unknown page kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}"
        )
    return names or list(KINDS)


def pick(site: Path, kinds: list[str] | None = None) -> list[Page]:
    """One page of each kind (all kinds if none are named), in KINDS' order."""
    if not (site / "index.html").exists():
        raise NoPageError(f"{site} holds no built site: run `invoke build` first")
    pages = []
    for kind in kinds or KINDS:
        query = SEARCH_QUERY if kind == "search" else ""
        pages.append(Page(kind, FINDERS[kind](site), query))
    return pages
