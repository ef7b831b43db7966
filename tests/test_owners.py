"""Every output path has one owner: two sources that would write the same file
stop the build with one error naming both, in every mode, and leave the last
good site where it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pelican.plugins.replikk.build import build
from pelican.plugins.replikk.owners import OutputCollision, Owner, Owners
from pelican.plugins.replikk.problems import ContentError

from .conftest import ROOT, SETTINGS, _overrides, output_differences

PAGE = """Title: Debatt
Slug: debatt

En side som vil stå der debattene står.
"""

MODES = {
    "serial": {"REPLIKK_PROCESSES": 1},
    "workers": {"REPLIKK_PROCESSES": 2, "REPLIKK_PARALLEL_MIN_FILES": 1},
    "cached": {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True},
}


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_page_with_the_debates_index_slug_fails_naming_both(sample, tmp_path, mode):
    extra = dict(MODES[mode])
    if "CACHE_CONTENT" in extra:
        extra["CACHE_PATH"] = str(tmp_path / "cache")
    output = tmp_path / "output"
    build(SETTINGS, _overrides(sample, output, extra))  # the last good site
    good = tmp_path / "good"
    shutil.copytree(output, good)

    page = sample / "pages" / "debatt.md"
    page.write_text(PAGE, encoding="utf-8")
    with pytest.raises(ContentError) as error:
        build(SETTINGS, _overrides(sample, output, extra))
    message = str(error.value)
    assert "1 error" in message
    assert (
        "pages/debatt.md:2: error: Slug: writes debatt/index.html,"
        " which the debates index writes too" in message
    )
    assert "Traceback" not in message
    assert output_differences(good, output) == []  # untouched
    assert not list(tmp_path.glob(".output-*"))  # no half-written folder left


def test_two_articles_with_one_slug_and_year_are_named_both(content, build_site):
    content.article("samme", "Første.", Date="2024-02-01 10:00")
    content.article("samme", "Andre.", Date="2024-03-01 10:00", folder="annen")
    with pytest.raises(Exception) as error:
        build_site(content.root)
    message = str(error.value)
    assert "samme.md" in message
    assert "annen/samme.md" in message or "annen" in message


def test_a_static_file_and_a_page_are_named_both(content, build_site):
    content.article("en-artikkel")
    (content.root / "images").mkdir()
    (content.root / "images" / "robots.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        build_site(
            content.root,
            STATIC_PATHS=["images"],
            EXTRA_PATH_METADATA={"images/robots.txt": {"path": "robots.txt"}},
        )
    message = str(error.value)
    assert "images/robots.txt: error: writes robots.txt" in message
    assert "which the robots.txt file writes too" in message


def test_owners_record_one_owner_per_path_and_per_folder():
    owners = Owners()
    page = Owner("the page of a.md", "content/a.md")
    owners.claim("a/index.html", page)
    owners.claim("a/index.html", page)  # the same owner again: fine
    with pytest.raises(OutputCollision, match="the debates index"):
        owners.claim("a/index.html", Owner("the debates index"))
    owners.claim_tree("pagefind", Owner("the search index"))
    with pytest.raises(OutputCollision, match="search index"):
        owners.claim("pagefind/index.html", Owner("the page of p.md", "content/p.md"))
    with pytest.raises(OutputCollision):
        owners.claim_tree("a", Owner("the search index"))
