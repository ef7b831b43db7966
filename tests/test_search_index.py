"""The Pagefind index: written by Pagefind alone, one run or one run per part,
the same bytes from the same pages, kept between builds only under a digest of
what it was made from."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

from pelican.plugins.replikk import search
from pelican.plugins.replikk.build import build
from pelican.plugins.replikk.search import SearchIndexError, check_settings, index_site

from .conftest import ROOT, SETTINGS, _overrides, output_differences

PAGEFIND = ROOT / "node_modules" / ".bin" / "pagefind"


def fragments(bundle: Path) -> dict[str, dict]:
    """Each indexed page's fragment (its text, metadata and filters) by URL.
    A fragment is gzipped JSON behind Pagefind's "pagefind_dcd" signature."""
    found = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        fragment = json.loads(data)
        found[fragment["url"]] = fragment
    return found


def pagefind_run(site: Path, bundle: Path, *options: str) -> None:
    """Pagefind run by hand over a site, as a user would."""
    excluded = ", ".join(search.DEFAULTS["SEARCH_EXCLUDE"])
    command = [str(PAGEFIND), "--site", str(site), "--output-path", str(bundle)]
    command += ["--force-language", "nb", "--exclude-selectors", excluded]
    subprocess.run([*command, *options, "--silent"], check=True, capture_output=True)


def without_index(output: Path, into: Path) -> Path:
    shutil.copytree(output, into, ignore=shutil.ignore_patterns("pagefind"))
    return into


def test_the_index_is_the_index_one_pagefind_run_writes(sample_site, tmp_path):
    site = without_index(sample_site.output, tmp_path / "site")
    pagefind_run(site, tmp_path / "by-hand")
    assert (
        output_differences(
            tmp_path / "by-hand", sample_site.output / "pagefind" / "all"
        )
        == []
    )
    parts = json.loads(sample_site.text("pagefind/parts.json"))
    assert parts == {"parts": ["all"]}


def test_each_part_is_the_index_pagefind_writes_for_its_pages(tmp_path):
    output = tmp_path / "output"
    build(SETTINGS, _overrides(ROOT / "content", output, {"SEARCH_PART_PAGES": 3}))
    parts = json.loads((output / "pagefind" / "parts.json").read_text())["parts"]
    assert parts == ["2024", "2025"]
    site = without_index(output, tmp_path / "site")
    for part in parts:
        pagefind_run(site, tmp_path / part, "--glob", f"{part}/**/*.html")
        assert output_differences(tmp_path / part, output / "pagefind" / part) == []
    assert not list(tmp_path.glob(".pagefind-*"))  # no work folder left


def test_an_article_is_indexed_as_its_standfirst_and_body_only(sample_site):
    # Excerpts are made of the indexed text: the header's lines (section,
    # title, authors, dates, DOI, topics) and what follows the body (the
    # reference list, competing interests, biographies, the debate) ran into
    # them ("Debatt. Listelengde og …", "Godkjent30. april 2024").
    url = "/2024/listelengde-og-papirmengde-er-samme-problem/"
    page = fragments(sample_site.output / "pagefind" / "all")[url]
    html = sample_site.html(url)
    standfirst = " ".join(html.select_one(".standfirst").get_text(" ").split())
    text = page["content"]
    assert text.startswith(standfirst)  # not with the section and title
    for line in html.select(
        ".article-header h1, .authors li, .dates, .tags, .competing-interests,"
        " .author-bios"
    ):
        assert " ".join(line.get_text(" ").split()) not in text, line.name
    for words in ("Publisert", "Godkjent", "30. april 2024", "DOI", "Emner:"):
        assert words not in text


def test_title_doi_topics_and_date_are_metadata_and_topics_a_filter(sample_site):
    # Pagefind searches metadata too: the title, the DOI and a topic still
    # find the article (tests/test_search.py searches them in Chromium).
    page = fragments(sample_site.output / "pagefind" / "all")[
        "/2024/listelengde-og-papirmengde-er-samme-problem/"
    ]
    assert page["meta"]["title"] == "Listelengde og papirmengde er samme problem"
    assert page["meta"]["doi"] == "10.5555/replikk.2024.010"
    assert page["meta"]["topics"].startswith("fastlege")
    assert page["meta"]["date"] == "7. mai 2024"
    assert "fastlege" in page["filters"]["topic"]
    assert page["filters"]["year"] == ["2024"]


def test_reference_lists_and_their_links_about_are_not_indexed(sample_site):
    texts = [
        p["content"]
        for p in fragments(sample_site.output / "pagefind" / "all").values()
    ]
    for words in (
        "What low back pain is and why we need to pay attention. Lancet 2018",
        "Tilbake til teksten",
        "Back to the text",
        "Søk i Crossref",
        "Search Crossref",
        "↑1",
    ):
        assert not [text for text in texts if words in text], words
    # The body's own mention of the source stays.
    assert [text for text in texts if "Lancet-serien" in text]


def test_the_default_exclusions_are_valid_selectors_for_pagefind(tmp_path):
    # Pagefind (lol_html) reads the selectors; one it cannot parse fails the
    # run, and one it reads differently leaves text in.
    write_page(
        tmp_path,
        "a/index.html",
        '<article class="article" data-pagefind-body>'
        '<div class="search-meta"><span data-pagefind-meta="title:Tittel">'
        '</span><span data-pagefind-filter="year:2024"></span></div>'
        '<header class="article-header"><p class="section-label">seksjonsord</p>'
        '<h1>tittelord</h1><div class="standfirst">ingressord</div>'
        '<p class="tags">emneord</p></header>'
        '<div class="e-content article-body"><p>brødtekstord</p>'
        '<ol><li id="ref-1">kildeord</li></ol></div>'
        '<section class="competing-interests">interesseord</section>'
        '<aside class="debate-aside">debattord</aside></article>',
    )
    index_site(tmp_path, {"OUTPUT_PATH": str(tmp_path)})
    (page,) = fragments(tmp_path / "pagefind" / "all").values()
    assert page["content"].split() == ["ingressord.", "brødtekstord."]
    assert page["meta"]["title"] == "Tittel"
    assert page["filters"] == {"year": ["2024"]}


def write_page(site: Path, path: str, body: str) -> None:
    page = site / path
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f'<html lang="nb"><body>{body}</body></html>', encoding="utf-8")


def test_pages_with_glob_characters_in_their_paths_are_indexed_once(tmp_path):
    site = tmp_path / "site"
    names = ["a(b)", "c{d}", "e[1]", "f,g", "h?i", "j*k", "l:m", "n<o>", "p$q", "ø å"]
    for n, name in enumerate(names):
        write_page(
            site,
            f"2024/{name}/index.html",
            f"<article data-pagefind-body>ord{n}</article>",
        )
    write_page(site, "liste/index.html", "<p>Bare en liste: ord1 ord2</p>")
    index_site(site, {"OUTPUT_PATH": str(site)})
    # Pagefind percent-encodes what a URL may not hold as it is.
    pages = {
        unquote(url): page for url, page in fragments(site / "pagefind" / "all").items()
    }
    assert sorted(pages) == sorted(f"/2024/{name}/" for name in names)
    for n, name in enumerate(names):
        assert f"ord{n}" in pages[f"/2024/{name}/"]["content"]


def test_without_data_pagefind_body_every_page_is_indexed(tmp_path):
    for n in range(5):
        write_page(tmp_path, f"side-{n}/index.html", f"<p>ord{n}</p>")
    index_site(tmp_path, {"OUTPUT_PATH": str(tmp_path), "SEARCH_PART_PAGES": 2})
    parts = json.loads((tmp_path / "pagefind" / "parts.json").read_text())["parts"]
    assert parts == [f"side-{n}" for n in range(5)]


def test_pagefind_failing_fails_the_build_with_what_it_said(tmp_path):
    with pytest.raises(SearchIndexError, match="Pagefind could not index"):
        index_site(tmp_path, {"OUTPUT_PATH": str(tmp_path)})  # nothing to index


def test_another_pagefind_version_is_refused_by_name(tmp_path):
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'pagefind 1.5.2'\n")
    fake.chmod(0o755)
    settings = {"OUTPUT_PATH": str(tmp_path), "SEARCH_PAGEFIND": str(fake)}
    write_page(tmp_path, "a/index.html", "<p>ord</p>")
    with pytest.raises(
        SearchIndexError, match=r"Pagefind 1\.5\.2.*needs Pagefind 1\.6\.0"
    ):
        index_site(tmp_path, settings)


def test_no_pagefind_is_named_with_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "installed_path", lambda settings: None)
    write_page(tmp_path, "a/index.html", "<p>ord</p>")
    with pytest.raises(SearchIndexError, match="npm ci"):
        index_site(tmp_path, {"OUTPUT_PATH": str(tmp_path)})


@pytest.mark.parametrize("exclude", [".ref-back", [".ref-back", ""], [3]])
def test_a_bad_search_exclude_is_reported_with_its_value(exclude):
    with pytest.raises(
        ValueError, match=f"SEARCH_EXCLUDE .*{re.escape(repr(exclude))}"
    ):
        check_settings({"SEARCH_EXCLUDE": exclude})


@pytest.mark.parametrize("most", [0, -3, "400", 2.5, True])
def test_a_bad_part_size_is_reported_with_its_value(most):
    with pytest.raises(ValueError, match=f"SEARCH_PART_PAGES .*{most!r}"):
        check_settings({"SEARCH_PART_PAGES": most})


def test_with_the_cache_only_parts_whose_pages_changed_are_indexed_again(
    tmp_path, monkeypatch
):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    runs: list[str] = []
    run = search._run_pagefind

    def counted(site, pages, bundle, settings, work=None, copy=False):
        runs.append(pages[0].split("/", 1)[0])  # the part: its pages' year
        return run(site, pages, bundle, settings, work, copy)

    monkeypatch.setattr(search, "_run_pagefind", counted)
    cache = {
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CACHE_PATH": str(tmp_path / "cache"),
        "SEARCH_PART_PAGES": 3,
    }
    output = tmp_path / "output"
    build(SETTINGS, _overrides(content, output, cache))
    assert sorted(runs) == ["2024", "2025"]

    runs.clear()
    build(SETTINGS, _overrides(content, output, cache))
    assert runs == []  # both parts' pages as they were: kept bundles

    article = content / "artikler" / "2025" / "lang-veg-til-legevakta.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace("\n\n", "\n\nEn ny setning.\n\n", 1), encoding="utf-8"
    )
    runs.clear()
    build(SETTINGS, _overrides(content, output, cache))
    assert runs == ["2025"]
    cold = tmp_path / "cold"
    build(SETTINGS, _overrides(content, cold, {"SEARCH_PART_PAGES": 3}))
    assert output_differences(cold, output) == []


def test_a_part_indexed_early_is_used_only_if_its_pages_did_not_change(
    tmp_path, monkeypatch
):
    # Article pages are indexed while the rest of the site is written; a
    # page written again after that makes its part be indexed again.
    runs: list[str] = []
    run = search._run_pagefind

    def counted(site, pages, bundle, settings, work=None, copy=False):
        runs.append("early" if copy else "final")
        return run(site, pages, bundle, settings, work, copy)

    started = search.Early.__init__

    def then_changed(self, output, settings):
        started(self, output, settings)
        page = output / "2024" / "trening-er-ikke-bare-rad" / "index.html"
        page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    monkeypatch.setattr(search, "_run_pagefind", counted)
    output = tmp_path / "output"
    build(SETTINGS, _overrides(ROOT / "content", output, {}))
    assert runs == ["early"]  # its bundle was used
    monkeypatch.setattr(search.Early, "__init__", then_changed)
    runs.clear()
    build(SETTINGS, _overrides(ROOT / "content", output, {}))
    assert runs == ["early", "final"]
    site = without_index(output, tmp_path / "site")
    pagefind_run(site, tmp_path / "by-hand")
    assert output_differences(tmp_path / "by-hand", output / "pagefind" / "all") == []
