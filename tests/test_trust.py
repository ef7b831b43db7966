"""Trust: hostile and broken input, drafts, reproducible output, no broken links."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from pelican.plugins.replikk.build import build
from pelican.plugins.replikk.citations.references import link_references
from pelican.plugins.replikk.debate.targets import (
    TargetSyntaxError,
    parse_target,
    split_targets,
)
from pelican.plugins.replikk.problems import ContentError

from .conftest import ROOT, SETTINGS, _overrides, output_differences

DRAFT_SLUG = "ryggsmerter-og-arbeidsliv"


# --- fuzzing ----------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_reply_to_parser_raises_only_its_own_clear_error(text):
    for part in split_targets(text):
        try:
            parse_target(part)
        except TargetSyntaxError as exc:
            assert str(exc)


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(
        r"(doi:|https://doi\.org/)?10\.\d{4,9}/[-._;()/:A-Za-z0-9]{1,40}",
        fullmatch=True,
    )
)
def test_every_crossref_style_doi_is_accepted_in_every_spelling(doi):
    target = parse_target(doi)
    assert target.doi == target.doi.lower()  # type: ignore[union-attr]


# --- broken input ----------------------------------------------------------


def test_empty_file_is_an_error_naming_the_file(content, build_site):
    content.raw("tom.md", "")
    with pytest.raises(ContentError) as caught:
        build_site(content.root)
    assert "tom.md:1: error: Title: is required but missing" in str(caught.value)


def test_a_ten_megabyte_article_builds(content, build_site):
    paragraph = "Dette er en lang setning om ryggsmerter og samtaler. " * 20
    body = "\n\n".join(paragraph for _ in range(10_000))
    assert len(body.encode()) > 10_000_000
    content.article("lang", body=body)
    site = build_site(content.root)
    assert site.path("2024/lang/").stat().st_size > 10_000_000


def test_reply_to_with_a_thousand_targets(content, build_site):
    for i in range(20):
        content.article(f"a{i}")
    targets = ", ".join(f"a{i % 20}" for i in range(1000))
    content.article("mange", Reply_to=targets, Date="2024-02-01 10:00")
    site = build_site(content.root)
    banner = site.html("2024/mange/").select(".debate-line a.u-in-reply-to")
    assert len(banner) == 20  # each target once


def test_reply_to_with_a_thousand_unknown_targets_reports_each(content, build_site):
    content.article("a")
    targets = ", ".join(f"ukjent-{i}" for i in range(1000))
    content.article("mange", Reply_to=targets, Date="2024-02-01 10:00")
    with pytest.raises(ContentError) as caught:
        build_site(content.root)
    assert len(caught.value.problems.errors) == 1000


def test_a_debate_500_levels_deep_builds(content, build_site):
    content.article("n0", Date="2024-01-01 00:00")
    for i in range(1, 500):
        day, hour = divmod(i, 24)
        content.article(
            f"n{i}",
            Reply_to=f"n{i - 1}",
            Date=f"2024-{1 + day // 28:02d}-{1 + day % 28:02d} {hour:02d}:00",
        )
    site = build_site(content.root)
    items = site.html("debatt/n0/").select(".debate-timeline > li")
    assert len(items) == 500


def test_slug_colliding_with_another_article_is_an_error(content, build_site):
    content.article("samme", Title="Første")
    path = content.article("samme-2", Title="Andre", Date="2024-01-02 10:00")
    path.write_text(path.read_text().replace("Slug: samme-2", "Slug: samme"))
    with pytest.raises(ContentError) as caught:
        build_site(content.root)
    assert "slug 'samme' is already used by" in str(caught.value)


# --- drafts ------------------------------------------------------------------


def test_publish_writes_no_draft_anywhere(published_site):
    for path in published_site.output.rglob("*"):
        if path.is_file() and path.suffix in {
            ".html",
            ".xml",
            ".json",
            ".txt",
            ".bib",
            ".ris",
        }:
            assert DRAFT_SLUG not in path.read_text(encoding="utf-8"), path


def test_preview_writes_the_draft_page_but_links_it_from_nowhere(sample_site):
    assert sample_site.path(f"utkast/{DRAFT_SLUG}/").exists()
    for path in sample_site.output.rglob("*.html"):
        if "utkast" in path.parts:
            continue
        assert DRAFT_SLUG not in path.read_text(encoding="utf-8"), path


# --- reproducible, linked -----------------------------------------------------


def test_two_builds_of_the_same_content_are_byte_identical(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    build(SETTINGS, _overrides(ROOT / "content", first, {}))
    build(SETTINGS, _overrides(ROOT / "content", second, {}))
    assert (first / "pagefind" / "all" / "pagefind-entry.json").exists()
    assert output_differences(first, second) == []  # the search index too


def _links(page: Path, output: Path, siteurl: str) -> list[tuple[str, Path, str]]:
    """Every internal link of a page: (as written, file it names, fragment)."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    found = []
    for tag in soup.find_all(href=True) + soup.find_all(src=True):
        url = tag.get("href") or tag.get("src")
        if siteurl and url.startswith(siteurl):
            url = url[len(siteurl) :] or "/"
        if urlsplit(url).scheme or url.startswith("//"):
            continue  # another site
        # A query (?svar-til=… on the submission page) names no other file.
        parts = urlsplit(unquote(url))
        path, fragment = parts.path, parts.fragment
        if path.startswith("/"):
            target = output / path.lstrip("/")
        elif path:
            target = page.parent / path
        else:
            target = page
        target = target.resolve()
        found.append(
            (url, target / "index.html" if target.is_dir() else target, fragment)
        )
    return found


def _broken_links(output: Path, siteurl: str = "") -> list[str]:
    output = output.resolve()
    ids: dict[Path, set[str]] = {}
    broken = []
    for page in sorted(output.rglob("*.html")):
        for url, target, fragment in _links(page, output, siteurl):
            if not target.exists():
                broken.append(f"{page.relative_to(output)}: {url}")
            elif fragment and target.suffix == ".html":
                if target not in ids:
                    html = target.read_text(encoding="utf-8")
                    ids[target] = set(re.findall(r'\sid="([^"]+)"', html))
                if fragment not in ids[target]:
                    broken.append(f"{page.relative_to(output)}: {url} (no #{fragment})")
    return broken


def test_no_broken_internal_link_or_anchor_in_preview(sample_site):
    broken = _broken_links(sample_site.output)
    assert not broken, "\n".join(broken[:50])


def test_no_broken_internal_link_or_anchor_when_published(published_site):
    broken = _broken_links(published_site.output, "https://replikk.example.org")
    assert not broken, "\n".join(broken[:50])


# A reference list item is made of these, in any order and number.
_REFERENCE_PARTS = st.sampled_from(
    [
        "Hartvigsen J, Hancock MJ.",
        "What low back pain is.",
        "Lancet 2018; 391: 2356–67.",
        "doi: 10.1016/S0140-6736(18)30480-X",
        "doi:10.1136/bmj.324.7342.886.",
        "PMID: 19200918",
        "PMID 12345",
        "https://example.org/a?b=1&c=(2)",
        "<em>Tidsskr</em>",
        "(1)",
        "(2–5)",
        "(2007)",
        "&amp;",
        "&lt;",
        ")",
        "(",
        "]",
    ]
)


_TEXT = st.text(max_size=15).map(lambda t: html.escape(t, quote=False))


@settings(max_examples=300, deadline=None)
@given(
    # Random text as Markdown renders it: escaped.
    body=st.lists(st.one_of(_REFERENCE_PARTS, _TEXT), max_size=12),
    items=st.lists(
        st.lists(st.one_of(_REFERENCE_PARTS, _TEXT), max_size=6), max_size=6
    ),
)
def test_reference_parser_never_fails_and_keeps_every_entry(body, items):
    html = (
        f"<p>{' '.join(body)}</p><h2>Referanser</h2><ol>"
        + "".join(f"<li>{' '.join(parts)}</li>" for parts in items)
        + "</ol>"
    )
    linked = link_references(html, ["Referanser", "References"])
    assert len(linked.references) == len(items)
    soup = BeautifulSoup(linked.html, "html.parser")
    anchors = [li.get("id") for li in soup.select("ol > li")]
    assert anchors[: len(items)] == [f"ref-{n}" for n in range(1, len(items) + 1)]
