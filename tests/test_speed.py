"""The speed-ups change nothing a reader can see; the benchmark's archives are
deterministic and valid. (Timings are the benchmark's business, not tests'.)"""

from __future__ import annotations

import copy
import gc
import os
import pickle
import shutil
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican.contents import Article
from pelican.generators import ArticlesGenerator
from pelican.settings import DEFAULT_CONFIG

import replikk
from benchmarks.synth import generate
from replikk import speed
from replikk.build import build, check
from replikk.citations.references import ARCHIVE_MARK, PAGE_MARK
from replikk.problems import ContentError

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


def test_synthetic_archive_is_identical_with_and_without_speedups(
    archive, tmp_path, monkeypatch: pytest.MonkeyPatch
):
    fast = _build(archive, tmp_path / "fast")
    assert speed.patched()
    # Pelican's own code paths: no patches, a new Markdown for every file.
    speed.unpatch()
    monkeypatch.setattr(speed, "register", lambda: None)
    reference = _build(
        archive,
        tmp_path / "reference",
        REPLIKK_REUSE_MARKDOWN=False,
        REPLIKK_PROCESSES=1,
    )
    assert not speed.patched()
    monkeypatch.undo()  # the next build's register() patches again
    assert output_differences(reference, fast) == []


def test_sample_archive_is_identical_with_and_without_speedups(
    tmp_path, monkeypatch: pytest.MonkeyPatch
):
    fast = _build(ROOT / "content", tmp_path / "fast")
    speed.unpatch()
    monkeypatch.setattr(speed, "register", lambda: None)
    reference = _build(
        ROOT / "content", tmp_path / "reference", REPLIKK_REUSE_MARKDOWN=False
    )
    monkeypatch.undo()
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


def test_patch_is_idempotent_and_undoable():
    original = ArticlesGenerator.generate_tags
    speed.unpatch()
    pelicans = ArticlesGenerator.generate_tags
    speed.patch()
    speed.patch()
    assert ArticlesGenerator.generate_tags is speed.generate_tags
    speed.unpatch()
    assert ArticlesGenerator.generate_tags is pelicans
    speed.patch()
    assert speed.patched()
    assert original in (pelicans, speed.generate_tags)


class Item:
    """Stands in for an article: compares by identity, as Pelican's do."""


def test_positions_give_the_order_of_the_list_comprehension():
    order = [Item() for _ in range(10)]
    members = [order[7], order[2], order[7], order[9], Item()]
    expected = [a for a in order if a in members]
    assert speed._Positions(order).subset(members) == expected
    assert speed.in_order_of(order, members) == expected
    assert speed.in_order_of(order, []) == []


def test_cached_rebuilds_are_byte_identical_to_cold_builds(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    cache["CACHE_PATH"] = str(tmp_path / "cache")
    first = _build(content, tmp_path / "first", **cache)
    assert any((tmp_path / "cache").iterdir()), "the content cache was written"
    warm = _build(content, tmp_path / "warm", **cache)
    assert output_differences(first, warm) == []
    # The reader cache holds each text apart (speed.cache_data); saved, the
    # texts are in a file of their own and the cache says where each lies.
    texts = _saved_texts(tmp_path / "cache")
    assert texts and all(type(t) is str for t in texts.values())
    assert any(len(t) >= speed.SPILL_AT for t in texts.values())
    first_texts = _texts_files(tmp_path / "cache")
    assert len(first_texts) == 1

    article = next(content.glob("artikler/2024/rad-er-behandling.md"))
    text = article.read_text(encoding="utf-8")
    article.write_text(text + "\nEn rettelse fra redaksjonen.\n", encoding="utf-8")
    edited = _build(content, tmp_path / "edited", **cache)
    cold = _build(content, tmp_path / "cold")
    assert output_differences(cold, edited) == []
    # Each save writes a new texts' file and removes the last; nothing half
    # written is left behind.
    after = _texts_files(tmp_path / "cache")
    assert len(after) == 1 and after != first_texts
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")]
    assert _saved_texts(tmp_path / "cache") != texts
    page = edited / "2024" / "rad-er-behandling" / "index.html"
    # Typography ties the last two words of the paragraph (U+00A0).
    text = page.read_text(encoding="utf-8").replace("\xa0", " ")
    assert "En rettelse fra redaksjonen." in text


def test_the_content_cache_reads_again_what_other_settings_would_read_otherwise(
    tmp_path,
):
    """The reader's text depends on settings (typography, the reference
    lists' links): the cache is no shortcut once they change. Articles' reference
    lists are linked as they are read; what only the archive knows is filled
    in later, and no mark of it is left in the site."""
    cache = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    cache["CACHE_PATH"] = str(tmp_path / "cache")
    first = _build(ROOT / "content", tmp_path / "first", **cache)
    linked = _saved_texts(tmp_path / "cache", linked=True).values()
    assert any(ARCHIVE_MARK in text for text in linked)
    marks = (ARCHIVE_MARK.encode(), PAGE_MARK.encode())
    for page in first.rglob("*"):
        if page.suffix in (".html", ".xml", ".bib", ".ris", ".json"):
            assert not any(mark in page.read_bytes() for mark in marks), page

    caps = _build(ROOT / "content", tmp_path / "caps", TYPOGRAPHY_CAPS=True, **cache)
    cold = _build(ROOT / "content", tmp_path / "cold", TYPOGRAPHY_CAPS=True)
    assert output_differences(cold, caps) == []
    assert '<span class="caps">' in (
        caps / "2024" / "rad-er-behandling" / "index.html"
    ).read_text(encoding="utf-8")


def test_a_content_cache_whose_texts_are_gone_is_read_again(tmp_path):
    cache = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    cache["CACHE_PATH"] = str(tmp_path / "cache")
    _build(ROOT / "content", tmp_path / "first", **cache)
    (texts,) = _texts_files(tmp_path / "cache")
    texts.unlink()
    again = _build(ROOT / "content", tmp_path / "again", **cache)
    cold = _build(ROOT / "content", tmp_path / "cold")
    assert output_differences(cold, again) == []
    assert len(_texts_files(tmp_path / "cache")) == 1


def test_an_article_put_back_unchanged_is_given_its_own_text_by_the_cache(tmp_path):
    """Pelican keeps a removed file's entry; put back with its old time, the
    file is not read again, and its text must be the one the cache kept (it
    was another article's, or bytes cut in the middle of a character)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    cache["CACHE_PATH"] = str(tmp_path / "cache")
    _build(content, tmp_path / "first", **cache)
    name = "listelengde-og-papirmengde-er-samme-problem.md"
    article, aside = content / "artikler" / "2024" / name, tmp_path / name
    shutil.move(article, aside)  # a rename: the file keeps its time
    _build(content, tmp_path / "without", **cache)
    shutil.move(aside, article)
    back = _build(content, tmp_path / "back", **cache)
    cold = _build(content, tmp_path / "cold")
    assert output_differences(cold, back) == []


def test_a_cache_saved_after_each_edit_does_not_grow(tmp_path):
    """Authors, tags and categories read by an earlier build are given this
    build's settings: the cache held one copy of the settings per build that
    read a file (with the last build's facts, which are no longer settings)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    cache["CACHE_PATH"] = str(tmp_path / "cache")
    _build(content, tmp_path / "output", **cache)
    saved = tmp_path / "cache" / "ArticlesGenerator-Readers"
    sizes = []
    for name in (
        "rad-er-behandling",
        "trening-er-ikke-bare-rad",
        "flere-hender-er-ikke-nok",
    ):
        article = content / "artikler" / "2024" / f"{name}.md"
        text = article.read_text(encoding="utf-8")
        article.write_text(text + "\nEn rettelse.\n", encoding="utf-8")
        assert _build(content, tmp_path / "output", **cache)
        sizes.append(saved.stat().st_size)
    assert max(sizes) - min(sizes) < 1000, sizes
    with saved.open("rb") as file:
        cached = pickle.load(file)
    del cached[speed.READ_WITH], cached[speed.TEXTS]
    held = {
        id(wrapper.settings)
        for _, (_, metadata) in cached.values()
        for wrapper in [metadata.get("category"), *metadata.get("authors", [])]
        if wrapper is not None
    }
    assert len(held) == 1


def _texts_files(cache: Path) -> list[Path]:
    return sorted(cache.glob(f"ArticlesGenerator-Readers{speed._TextsFile.SUFFIX}*"))


def _saved_texts(cache: Path, linked: bool = False) -> dict[str, str]:
    """The articles' texts as the saved reader cache holds them, by file."""
    with (cache / "ArticlesGenerator-Readers").open("rb") as saved:
        cached = pickle.load(saved)
    assert cached.pop(speed.READ_WITH)  # what the files were read with
    name = cached.pop(speed.TEXTS)
    data = (cache / name).read_bytes()
    texts = {}
    for path, (_, (held, metadata)) in cached.items():
        if linked and not metadata.get("_replikk_linked"):
            continue
        if type(held) is tuple:  # (offset, size) in the texts' file
            offset, size = held
            texts[path] = data[offset : offset + size].decode("utf-8")
        else:
            texts[path] = held
    return texts


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


def test_an_articles_html_is_kept_in_a_file_and_read_back_the_same(tmp_path):
    sentence = "<p>Pasientene venter lenge på behandling – og «ventetiden» øker.</p>"
    html = sentence * 300 + '<a href="#c1">↑</a>'
    speed.patch()  # as the plugin's register() does
    speed.new_spill_file()  # as each build starts
    settings = {**DEFAULT_CONFIG, "OUTPUT_PATH": str(tmp_path / "output")}
    article = Article(html, metadata={"title": "T"}, settings=settings)
    assert article._content == html
    held = article.__dict__["_replikk_content_held"]
    assert isinstance(held, speed._Spilled)
    assert sys.getsizeof(held) < 100
    assert list(tmp_path.iterdir()) == []  # the file has no name: nothing is left
    assert copy.deepcopy(held) == html.encode("utf-8")  # a copy is the bytes
    assert pickle.loads(pickle.dumps(held)) == html.encode("utf-8")
    article._content = "<p>kort</p>"  # a short text is kept as it is
    assert article.__dict__["_replikk_content_held"] == "<p>kort</p>"
    article._content = html

    # A forked child (the process that writes feeds) reads the parent's texts
    # and writes its own into a file of its own, never into the parent's.
    spill = held.file
    size = os.fstat(spill.file.fileno()).st_size
    pid = os.fork()
    if pid == 0:  # pragma: no cover -- checked by its exit status
        other = Article("<p>barn – " + "x" * 2000 + "</p>", settings=settings)
        good = article._content == html and other._content.startswith("<p>barn")
        os._exit(0 if good else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert os.fstat(spill.file.fileno()).st_size == size == spill.end
    assert article._content == html


def test_a_build_lets_go_of_its_archive_and_unfreezes_the_collector(archive, tmp_path):
    """The read archive is frozen out of the garbage collector's way during
    the run and let go after it (``speed.archive_apart``): under livereload a
    build must leave nothing frozen and none of its articles alive."""

    def alive() -> list[Article]:
        gc.collect()
        return [
            o
            for o in gc.get_objects()
            if isinstance(o, Article) and str(archive) in (o.source_path or "")
        ]

    _build(archive, tmp_path / "out")
    assert (tmp_path / "out" / "index.html").exists()
    assert gc.get_freeze_count() == 0
    assert alive() == []
    broken = archive / "artikler" / "2019" / "broken.md"
    broken.write_text("Title: Brutt\nDate: 2019-13-45\n\nTekst.\n", encoding="utf-8")
    with pytest.raises(ContentError):
        _build(archive, tmp_path / "out")
    assert gc.get_freeze_count() == 0
