"""The Pagefind index: built in batches, it is the index one Pagefind run writes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import replikk.search
from replikk import pagefind_merge
from replikk.build import build
from replikk.pagefind_merge import PARSED, decode, read_file
from replikk.search import Page, SearchIndexError, _batches, check_settings, index_site

from .conftest import ROOT, SETTINGS, Site, _overrides, output_differences


def index_contents(bundle: Path) -> dict:
    """What a Pagefind bundle holds, by page URL rather than page number
    (Pagefind numbers pages in no fixed order)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    held = {"version": entry["version"], "languages": {}}
    for language, info in entry["languages"].items():
        meta, _ = decode(read_file(bundle / f"pagefind.{info['hash']}.pf_meta"))
        urls, pages = [], {}
        for fragment, word_count in meta[1]:
            data = json.loads(
                read_file(bundle / "fragment" / f"{fragment}.pf_fragment")
            )
            urls.append(data["url"])
            pages[data["url"]] = {"words": word_count, "fragment": data, "index": {}}
        for _, _, chunk in meta[2]:
            (words,), _ = decode(read_file(bundle / "index" / f"{chunk}.pf_index"))
            for word, word_pages, variants in words:
                forms = [(word, word_pages)] + [(f"{word}/{v}", p) for v, p in variants]
                for form, entries in forms:
                    number = 0
                    for delta, locations, meta_locations in entries:
                        number += delta  # page numbers are delta-encoded
                        pages[urls[number]]["index"][form] = (locations, meta_locations)
        filters = {}
        for name, file_name in meta[3]:
            (_, values), _ = decode(
                read_file(bundle / "filter" / f"{file_name}.pf_filter")
            )
            filters[name] = {
                v: sorted(urls[n] for n in numbers) for v, numbers in values
            }
        held["languages"][language] = {
            "page_count": info["page_count"],
            "wasm": info["wasm"],
            "pages": pages,
            # Word index chunks: [from, to], as Pagefind chunks the words.
            "chunks": [bounds[:2] for bounds in meta[2]],
            "filters": filters,
            "sorts": meta[4],
            "meta_fields": meta[5],
        }
    return held


def one_pagefind_run(site: Path, bundle: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site)]
    command += ["--output-path", str(bundle), "--force-language", "nb", "--silent"]
    for selector in replikk.search.DEFAULTS["SEARCH_EXCLUDE"]:
        command += ["--exclude-selectors", selector]
    subprocess.run(command, check=True, capture_output=True)


@pytest.fixture(scope="module")
def batched_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The bundled archive with Pagefind run over four articles at a time."""
    output = tmp_path_factory.mktemp("batched") / "output"
    result = build(SETTINGS, _overrides(ROOT / "content", output, {"SEARCH_BATCH": 4}))
    return Site(output, result)


def test_an_index_built_in_batches_is_the_index_of_one_pagefind_run(
    batched_site, tmp_path
):
    one_pagefind_run(batched_site.output, tmp_path / "one-run")
    batched = index_contents(batched_site.output / "pagefind")
    assert batched == index_contents(tmp_path / "one-run")
    (language,) = batched["languages"].values()
    assert language["page_count"] > 4  # so there were several batches
    assert language["filters"]["author"]  # and filters were merged


def test_the_index_is_written_in_one_piece_with_no_work_files_left(batched_site):
    assert not list(batched_site.output.glob(".pagefind-*"))
    assert (batched_site.output / "pagefind" / "pagefind.js").exists()
    assert len(list((batched_site.output / "pagefind").glob("*.pf_meta"))) == 1


def test_words_merged_in_ranges_by_two_processes_make_the_same_index(
    batched_site, tmp_path, monkeypatch
):
    """A large index's words are merged in ranges, by two processes where
    there are two: the index is the same, byte for byte, as one process
    makes, and holds what one Pagefind run's does, chunks and all."""
    monkeypatch.setattr(pagefind_merge, "RANGE_LEAST", 1)  # ranges even here
    built = {}
    for processes in (1, 2):
        site = tmp_path / str(processes)
        shutil.copytree(
            batched_site.output, site, ignore=shutil.ignore_patterns("pagefind")
        )
        index_site(site, {"SEARCH_BATCH": 4, "REPLIKK_PROCESSES": processes})
        built[processes] = site / "pagefind"
    assert output_differences(built[1], built[2]) == []
    assert not list((built[2] / "index").glob(".*"))  # no work file left
    one_pagefind_run(batched_site.output, tmp_path / "one-run")
    assert index_contents(built[2]) == index_contents(tmp_path / "one-run")


def write_page(site: Path, path: str, body: str) -> None:
    page = site / path
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f'<html lang="nb"><body>{body}</body></html>', encoding="utf-8")


def test_an_article_is_indexed_with_its_doi_and_topics_but_not_its_dates(
    sample_site,
):
    (language,) = index_contents(sample_site.output / "pagefind")["languages"].values()
    page = language["pages"]["/2024/listelengde-og-papirmengde-er-samme-problem/"]
    text = page["fragment"]["content"]
    # Dates are the index's metadata and year filter; in an excerpt they were
    # noise, run together with their labels ("Godkjent30. april 2024").
    for label in ("Publisert", "Mottatt", "Godkjent", "30. april 2024"):
        assert label not in text
    assert "DOI 10.5555/replikk.2024.010. Emner: fastlege" in text
    assert page["fragment"]["meta"]["date"] == "7. mai 2024"
    assert "2024" in language["filters"]["year"]


def test_reference_lists_are_indexed_without_their_links_about(sample_site):
    (language,) = index_contents(sample_site.output / "pagefind")["languages"].values()
    texts = [page["fragment"]["content"] for page in language["pages"].values()]
    source = "What low back pain is and why we need to pay attention. Lancet 2018"
    assert any(source in text for text in texts)
    for link in (
        "Tilbake til teksten",
        "Back to the text",
        "Søk i Crossref",
        "Search Crossref",
        "↑1",
    ):
        assert not [text for text in texts if link in text], link


def test_pages_with_glob_characters_in_their_paths_are_indexed_once(tmp_path):
    names = ["a(b)", "c{d}", "e[1]", "f,g", "h?i", "j*k", "l:m", "n<o>", "p$q", "ø å"]
    for n, name in enumerate(names):
        write_page(
            tmp_path,
            f"2024/{name}/index.html",
            f"<article data-pagefind-body>ord{n}</article>",
        )
    write_page(tmp_path, "liste/index.html", "<p>Bare en liste: ord1 ord2</p>")
    index_site(tmp_path, {"SEARCH_BATCH": 3})
    (language,) = index_contents(tmp_path / "pagefind")["languages"].values()
    assert sorted(language["pages"]) == sorted(f"/2024/{name}/" for name in names)
    for n, name in enumerate(names):
        assert f"ord{n}" in language["pages"][f"/2024/{name}/"]["index"]


def test_without_data_pagefind_body_every_page_is_indexed(tmp_path):
    for n in range(5):
        write_page(tmp_path, f"side-{n}/index.html", f"<p>ord{n}</p>")
    index_site(tmp_path, {"SEARCH_BATCH": 2})
    (language,) = index_contents(tmp_path / "pagefind")["languages"].values()
    assert len(language["pages"]) == 5


def test_pagefind_failing_fails_the_build_with_what_it_said(tmp_path):
    with pytest.raises(SearchIndexError, match="Pagefind could not index"):
        index_site(tmp_path, {})  # nothing to index


@pytest.mark.parametrize("exclude", [".ref-back", [".ref-back", ""], [3]])
def test_a_bad_search_exclude_is_reported_with_its_value(exclude):
    with pytest.raises(
        ValueError, match=f"SEARCH_EXCLUDE .*{re.escape(repr(exclude))}"
    ):
        check_settings({"SEARCH_EXCLUDE": exclude})


@pytest.mark.parametrize("batch", [0, -3, "400", 2.5, True])
def test_a_bad_search_batch_is_reported_with_its_value(batch):
    with pytest.raises(ValueError, match=f"SEARCH_BATCH .*{batch!r}"):
        check_settings({"SEARCH_BATCH": batch})


def test_batches_are_cut_where_the_paths_say_so_an_added_page_changes_one():
    def page(path: str) -> Page:
        return Page(path, b"")

    paths = [f"{2020 + n % 5}/artikkel-{n:05}/index.html" for n in range(3000)]
    before = list(_batches([page(p) for p in sorted(paths)], 200))
    assert all(50 <= len(batch) <= 400 for batch in before[:-1])
    assert 10 <= len(before) <= 20  # about 3,000 / 200
    added = sorted([*paths, "2022/en-ny-artikkel/index.html"])
    after = list(_batches([page(p) for p in added], 200))
    assert len([b for b in after if b not in before]) == 1


@pytest.fixture
def cached_settings(tmp_path) -> dict:
    return {
        "SEARCH_BATCH": 4,
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CACHE_PATH": str(tmp_path / "cache"),
    }


def test_with_the_cache_only_batches_with_a_changed_page_are_indexed_again(
    tmp_path, cached_settings, monkeypatch
):
    site = tmp_path / "site"
    for n in range(24):
        write_page(
            site, f"a{n:02}/index.html", f"<main data-pagefind-body>ord{n}</main>"
        )
    runs = []
    run_pagefind = replikk.search._run_pagefind

    def counted(*args):
        runs.append([page.path for page in args[1]])
        run_pagefind(*args)

    monkeypatch.setattr(replikk.search, "_run_pagefind", counted)
    index_site(site, cached_settings)
    first = len(runs)
    assert first > 2
    shutil.rmtree(site / "pagefind")
    write_page(site, "a07/index.html", "<main data-pagefind-body>ord777</main>")
    index_site(site, cached_settings)
    assert len(runs) == first + 1  # the batch of a07/ only
    assert "a07/index.html" in runs[-1]

    # The same index, byte for byte, as one made with no cache at all.
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("pagefind"))
    index_site(fresh, {"SEARCH_BATCH": 4})
    assert output_differences(site / "pagefind", fresh / "pagefind") == []
    (language,) = index_contents(site / "pagefind")["languages"].values()
    assert "ord777" in language["pages"]["/a07/"]["index"]
    # The cache holds the bundles of the batches in use, no others.
    kept = [p for p in (tmp_path / "cache" / "pagefind").iterdir() if p.name != "sites"]
    assert len(kept) == first
    # Each keeps its words as read, which the second merge read instead.
    assert all((bundle / PARSED).is_dir() for bundle in kept)


def test_with_the_cache_only_pages_that_are_new_files_are_read_again(
    tmp_path, cached_settings, monkeypatch
):
    site = tmp_path / "site"
    for n in range(8):
        write_page(site, f"a{n}/index.html", f"<main data-pagefind-body>ord{n}</main>")
    write_page(site, "liste/index.html", "<p>Ikke en artikkel</p>")
    read = []
    read_bytes = Path.read_bytes

    def counted(path: Path) -> bytes:
        if path.suffix == ".html":
            read.append(path.relative_to(site).as_posix())
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    index_site(site, cached_settings)
    assert len(read) == 9  # the first time, every page

    read.clear()
    shutil.rmtree(site / "pagefind")
    index_site(site, cached_settings)
    assert read == []  # the same files: none is read

    # A build writes a page as a new file (output.py): it is read again.
    read.clear()
    shutil.rmtree(site / "pagefind")
    (site / "a3/index.html").unlink()
    write_page(site, "a3/index.html", "<main data-pagefind-body>ord333</main>")
    index_site(site, cached_settings)
    assert read == ["a3/index.html"]
    (language,) = index_contents(site / "pagefind")["languages"].values()
    assert "ord333" in language["pages"]["/a3/"]["index"]
