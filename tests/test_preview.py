"""A focused preview: the given articles' pages and their debates' pages are
byte for byte those of a build of the whole archive; the front page says that
lists and feeds show only part of it."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pelican.plugins.replikk import preview as previewing
from pelican.plugins.replikk.build import build, preview
from pelican.plugins.replikk.preview import PreviewError
from pelican.plugins.replikk.problems import ContentError

from .conftest import ROOT, SETTINGS, _overrides

ARTICLES = ROOT / "content" / "artikler"

# (file, its page, its debate's page)
CASES = [
    (
        "2024/trening-er-ikke-bare-rad.md",
        "2024/trening-er-ikke-bare-rad/index.html",
        "debatt/smertebehandling-av-ryggpasienter/index.html",
    ),
    (  # a translation
        "2025/sentralisert-legevakt-gjev-betre-kvalitet-en.md",
        "2025/sentralisert-legevakt-gjev-betre-kvalitet/en/index.html",
        "debatt/lang-veg-til-legevakta/index.html",
    ),
    (  # answers a DOI outside the archive
        "2025/er-de-fleste-forskningsfunn-fortsatt-falske.md",
        "2025/er-de-fleste-forskningsfunn-fortsatt-falske/index.html",
        "debatt/er-de-fleste-forskningsfunn-fortsatt-falske/index.html",
    ),
    (  # answers two articles
        "2024/listelengde-og-papirmengde-er-samme-problem.md",
        "2024/listelengde-og-papirmengde-er-samme-problem/index.html",
        "debatt/fastlegeordningen-trenger-flere-hender/index.html",
    ),
]


def _preview(
    paths: list[Path], output: Path, cache: Path, content: Path = ROOT / "content"
):
    extra = {
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CACHE_PATH": str(cache),
    }
    return preview(SETTINGS, paths, _overrides(content, output, extra))


@pytest.mark.parametrize(("source", "page", "debate"), CASES)
def test_the_articles_page_and_its_debates_page_are_those_of_the_full_site(
    sample_site, tmp_path, source, page, debate
):
    result, chosen = _preview(
        [ARTICLES / source], tmp_path / "output", tmp_path / "cache"
    )
    assert chosen.given == [f"artikler/{source}"]
    assert len(chosen.articles) < 12  # a part of the archive, not all of it
    for url in (page, debate):
        assert filecmp.cmp(
            result.output / url, sample_site.output / url, shallow=False
        ), url


def test_the_front_page_says_lists_and_feeds_show_only_the_preview(
    sample_site, tmp_path
):
    result, chosen = _preview(
        [ARTICLES / "2024/trening-er-ikke-bare-rad.md"],
        tmp_path / "output",
        tmp_path / "cache",
    )
    front = BeautifulSoup((result.output / "index.html").read_text(), "html.parser")
    notice = front.select_one(".preview-notice")
    assert notice is not None
    assert f"Forhåndsvisning av {len(chosen.articles)} artikler" in notice.get_text()
    assert "artikler/2024/trening-er-ikke-bare-rad.md" in notice.get_text()
    full = BeautifulSoup(sample_site.text("index.html"), "html.parser")
    assert full.select_one(".preview-notice") is None
    # The archive's lists hold only the focused articles.
    listed = {
        a["href"] for a in front.select(".front-latest li.article-item .p-name a")
    }
    assert 0 < len(listed) <= len(chosen.articles)


def test_the_scan_is_kept_and_only_a_changed_file_is_read_again(tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    read: list[str] = []
    facts_of = previewing.facts_of

    def counted(text, settings):
        read.append(text.split("\n", 1)[0])
        return facts_of(text, settings)

    monkeypatch.setattr(previewing, "facts_of", counted)
    article = content / "artikler" / "2024" / "trening-er-ikke-bare-rad.md"
    _preview([article], tmp_path / "output", tmp_path / "cache", content)
    assert len(read) > 15
    read.clear()
    _preview([article], tmp_path / "output", tmp_path / "cache", content)
    assert read == []
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("\n\n", "\n\nNy setning.\n\n", 1), encoding="utf-8")
    read.clear()
    _preview([article], tmp_path / "output", tmp_path / "cache", content)
    assert len(read) == 1


def test_a_path_that_is_not_an_article_is_named(tmp_path):
    with pytest.raises(PreviewError, match=r"nope\.md: not an article"):
        _preview([ARTICLES / "nope.md"], tmp_path / "output", tmp_path / "cache")


def test_a_collision_fails_a_preview_too(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "pages" / "debatt.md").write_text(
        "Title: Debatt\nSlug: debatt\n\nTekst.\n"
    )
    with pytest.raises(ContentError, match="which the debates index writes too"):
        _preview(
            [content / "artikler" / "2024" / "trening-er-ikke-bare-rad.md"],
            tmp_path / "output",
            tmp_path / "cache",
            content,
        )


def test_previews_and_whole_builds_share_the_reading_cache(tmp_path, readings_made):
    # Which files a build reads is not part of how a file is read: a preview
    # after a whole build reads no file again, and previews keep the whole
    # build's readings for the next whole build.
    reads = readings_made
    cache = tmp_path / "cache"
    extra = {
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CACHE_PATH": str(cache),
        "REPLIKK_PROCESSES": 1,
    }
    build(SETTINGS, _overrides(ROOT / "content", tmp_path / "whole", extra))
    assert len(reads) > 20
    reads.clear()
    for source, _, _ in CASES * 2:  # more previews than whole builds are kept
        _preview([ARTICLES / source], tmp_path / "output", cache)
    assert reads == []
    build(SETTINGS, _overrides(ROOT / "content", tmp_path / "whole", extra))
    assert reads == []
