"""Pelican's quadratic loops replaced by linear ones only where Pelican's code
is the code they were written for; the replacements change nothing a reader
can see. The benchmark's archives are deterministic and valid. (Timings are
the benchmark's business, not tests'.)"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican.generators import ArticlesGenerator
from pelican.plugins import replikk

from benchmarks.synth import generate
from pelican.plugins.replikk import patches, speed
from pelican.plugins.replikk.build import build, check

from .conftest import ROOT, SETTINGS, _overrides, output_differences


def _build(content: Path, output: Path, **extra) -> Path:
    build(SETTINGS, _overrides(content, output, extra))
    return output


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A synthetic archive spread over two years, with a translation."""
    content = tmp_path / "content"
    generate(content, 150, seed=7)
    earlier = content / "artikler" / "2019"
    earlier.mkdir(parents=True)
    for n, lang in ((1, "nb"), (1, "en"), (2, "nb")):
        extra = "Translation: true\n" if lang == "en" else ""
        (earlier / f"gammel-{n}-{lang}.md").write_text(
            f"Title: Gammel {n} {lang}\nDate: 2019-0{n}-0{n} 10:00\n"
            f"Slug: gammel-{n}\nLang: {lang}\n{extra}Tags: metode, etikk\n"
            "Authors: Kari Nordmann; Ola Nordmann\n\nTekst «sitat».\n",
            encoding="utf-8",
        )
    for name in ("Kari Nordmann", "Ola Nordmann"):
        slug = name.lower().replace(" ", "-")
        (content / "authors" / f"{slug}.md").write_text(
            f"Name: {name}\n\nLege.\n", encoding="utf-8"
        )
    return content


def test_every_gate_opens_on_the_pinned_pelican():
    # A renamed or rewritten Pelican function leaves no dead replacement: this
    # fails on a Pelican whose code is not the code a replacement was made for.
    patches.unpatch()
    try:
        closed = [gate.name for gate in patches.GATES if not gate.opens()]
    finally:
        assert patches.patch() == []
    assert closed == []
    assert patches.patched()


def test_a_changed_pelican_function_keeps_pelicans_own_and_says_so(monkeypatch, caplog):
    patches.unpatch()
    try:

        def generate_tags(self, write):  # Pelican's, as a later version might be
            return None

        monkeypatch.setattr(ArticlesGenerator, "generate_tags", generate_tags)
        with caplog.at_level(logging.WARNING, logger="pelican.plugins.replikk.patches"):
            closed = patches.patch()
        assert closed == ["generate_tags"]
        assert ArticlesGenerator.generate_tags is generate_tags  # Pelican's runs
        (warning,) = [r.getMessage() for r in caplog.records]
        assert "generate_tags" in warning
        assert "Pelican's own runs" in warning
        assert not patches.patched()
    finally:
        patches.unpatch()
        monkeypatch.undo()
        patches.patch()
    assert patches.patched()


def test_another_pelican_version_closes_every_gate(monkeypatch):
    patches.unpatch()
    try:
        monkeypatch.setattr(patches.pelican, "__version__", "4.13.0")
        assert sorted(patches.patch()) == sorted(g.name for g in patches.GATES)
        assert not patches.patched()
    finally:
        monkeypatch.undo()
        patches.patch()
    assert patches.patched()


def test_patch_is_idempotent_and_undoable():
    patches.unpatch()
    pelicans = ArticlesGenerator.generate_tags
    patches.patch()
    patches.patch()
    assert ArticlesGenerator.generate_tags is patches.generate_tags
    patches.unpatch()
    assert ArticlesGenerator.generate_tags is pelicans
    patches.patch()
    assert patches.patched()


def test_synthetic_archive_is_identical_with_and_without_the_replacements(
    archive, tmp_path, monkeypatch: pytest.MonkeyPatch
):
    fast = _build(archive, tmp_path / "fast")
    assert patches.patched()
    # Pelican's own code paths, one process.
    patches.unpatch()
    monkeypatch.setattr(patches, "patch", lambda: [])
    reference = _build(archive, tmp_path / "reference", REPLIKK_PROCESSES=1)
    assert not patches.patched()
    monkeypatch.undo()  # the next build's register() patches again
    patches.patch()
    assert output_differences(reference, fast) == []


def test_sample_archive_is_identical_with_and_without_the_replacements(
    tmp_path, monkeypatch: pytest.MonkeyPatch
):
    fast = _build(ROOT / "content", tmp_path / "fast")
    patches.unpatch()
    monkeypatch.setattr(patches, "patch", lambda: [])
    reference = _build(ROOT / "content", tmp_path / "reference")
    monkeypatch.undo()
    patches.patch()
    assert output_differences(reference, fast) == []


def _listed(output: Path, base: str) -> list[str]:
    """The articles a list page and its following pages show, in order."""
    found: list[str] = []
    page, number = output / base / "index.html", 1
    while page.exists():
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for link in soup.select("li.article-item .p-name a.u-url"):
            found.append(link["href"].lstrip("./").rstrip("/"))
        number += 1
        page = output / base / "side" / str(number) / "index.html"
    return found


def _expected(content: Path, wanted) -> list[str]:
    """Read from the Markdown files themselves: originals, newest first."""
    found = []
    for path in content.rglob("artikler/*/*.md"):
        head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        meta = dict(line.split(": ", 1) for line in head.splitlines())
        if "Translation" in meta or not wanted(meta):
            continue
        found.append((meta["Date"], f"{meta['Date'][:4]}/{meta['Slug']}"))
    return [url for _, url in sorted(found, reverse=True)]


def test_tag_author_and_year_pages_list_the_right_articles_newest_first(archive):
    output = _build(archive, archive.parent / "out")
    tag = _expected(archive, lambda m: "metode" in m.get("Tags", "").split(", "))
    assert len(tag) > 20  # several pages
    assert _listed(output, "emne/metode") == tag
    author = _expected(archive, lambda m: "Ola Nordmann" in m["Authors"])
    assert (
        _listed(output, "forfatter/ola-nordmann")
        == author
        == [
            "2019/gammel-2",
            "2019/gammel-1",
        ]
    )
    year = _expected(archive, lambda m: m["Date"].startswith("2025"))
    assert _listed(output, "arkiv/2025") == year
    month = _expected(archive, lambda m: m["Date"].startswith("2025-03"))
    assert len(month) > 10
    assert _listed(output, "arkiv/2025/03") == month


class Item:
    """Stands in for an article: compares by identity, as Pelican's do."""


def test_positions_give_the_order_of_the_list_comprehension():
    order = [Item() for _ in range(10)]
    members = [order[7], order[2], order[7], order[9], Item()]
    expected = [a for a in order if a in members]
    assert patches._Positions(order).subset(members) == expected
    assert patches.in_order_of(order, members) == expected
    assert patches.in_order_of(order, []) == []


def test_synthetic_archive_is_deterministic(tmp_path):
    first = generate(tmp_path / "a", 80, seed=3)
    generate(tmp_path / "b", 80, seed=3)
    generate(tmp_path / "c", 80, seed=4)
    assert first.articles == 80
    assert output_differences(tmp_path / "a", tmp_path / "b") == []
    assert output_differences(tmp_path / "a", tmp_path / "c") != []


def test_synthetic_archive_is_valid_and_shaped_like_ours(tmp_path):
    content = tmp_path / "content"
    summary = generate(content, 200)
    result = check(
        SETTINGS, {"PATH": str(content), "OUTPUT_PATH": str(tmp_path / "unused")}
    )
    assert [p.format(ROOT) for p in result.problems.errors] == []
    assert 0.25 < summary.replies / summary.articles < 0.42
    graph = result.context["debate_graph"]
    assert len(graph.debates) > 10
    assert any(len(node.parents) > 1 for node in graph.nodes.values())
    texts = [p.read_text(encoding="utf-8") for p in content.rglob("artikler/*/*.md")]
    assert any("Reply_to: doi:" in t for t in texts)
    assert all("## Referanser" in t and "::: pullquote" in t for t in texts)
    assert all("«" in t for t in texts)
    words = sorted(len(t.split()) for t in texts)
    assert 700 < words[len(words) // 2] < 1100


def test_plugin_registers_the_speed_part():
    assert speed in replikk.PARTS
