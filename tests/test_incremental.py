"""After an edit to an article's text, a build with the content cache writes only
what shows that text, and the site is byte for byte what a full build makes.
Any other change falls back to a full build, and a failure keeps the last site."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

import replikk.build
import replikk.citations.glue
from benchmarks.synth import generate
from replikk.build import build

from .conftest import ROOT, SETTINGS, _overrides, output_differences


@pytest.fixture
def archive(tmp_path) -> Path:
    content = tmp_path / "content"
    generate(content, 60, seed=21)
    return content


@pytest.fixture
def rebuild(tmp_path):
    def _rebuild(content: Path, **extra):
        cached = {
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": True,
            "CACHE_PATH": str(tmp_path / "cache"),
        }
        output = tmp_path / "output"
        return build(SETTINGS, _overrides(content, output, {**cached, **extra}))

    return _rebuild


def _fresh(content: Path, tmp_path: Path) -> Path:
    """A full build from scratch, the reference."""
    return build(SETTINGS, _overrides(content, tmp_path / "fresh", {})).output


def _articles(content: Path) -> list[Path]:
    return sorted((content / "artikler").rglob("*.md"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _reply(content: Path) -> Path:
    return next(p for p in _articles(content) if "Reply_to:" in p.read_text())


def test_an_edited_text_updates_only_what_shows_it(archive, rebuild, tmp_path):
    rebuild(archive)
    victim = _reply(archive)  # in a debate, so its debate feed changes too
    _edit(victim, "\n\n", "\n\nEn rettelse fra redaksjonen.\n\n")
    result = rebuild(archive)
    assert result.incremental
    assert output_differences(_fresh(archive, tmp_path), result.output) == []
    page = result.output.joinpath(*_page_of(victim)).read_text(encoding="utf-8")
    assert "En rettelse fra" in page  # (widont joins the last two words)


def _field(source: Path, name: str) -> str:
    return next(
        line.split(":", 1)[1].strip()
        for line in source.read_text().splitlines()
        if line.startswith(f"{name}:")
    )


def _page_of(source: Path) -> tuple[str, ...]:
    slug = _field(source, "Slug")
    year = source.parent.name
    return (year, slug, "index.html")


def test_two_edits_in_a_row_stay_identical_to_a_full_build(archive, rebuild, tmp_path):
    rebuild(archive)
    first, second = _articles(archive)[3], _articles(archive)[40]
    _edit(first, "\n\n", "\n\nFørste rettelse.\n\n")
    assert rebuild(archive).incremental
    _edit(second, "\n\n", "\n\nAndre rettelse.\n\n")
    result = rebuild(archive)
    assert result.incremental
    assert output_differences(_fresh(archive, tmp_path), result.output) == []


@pytest.mark.parametrize(
    "change", ["title", "references", "no summary", "author profile", "new file"]
)
def test_other_changes_build_everything(archive, rebuild, tmp_path, change):
    victim = _articles(archive)[10]
    if change == "no summary":  # its summary is cut from its text
        _edit(victim, "\nSummary:", "\nX-Summary:")
    rebuild(archive, REPLIKK_EXTRA_FIELDS=["X-Summary"])
    if change == "title":
        _edit(victim, "Title: ", "Title: Nytt: ")
    elif change == "references":  # now it cites another article of the archive
        other = _articles(archive)[0].read_text()
        doi = next(x for x in other.splitlines() if x.startswith("DOI:")).split()[1]
        text = victim.read_text(encoding="utf-8").rstrip("\n")
        n = len(re.findall(r"^\d+\. ", text.split("## Referanser")[1], re.M)) + 1
        text = text.replace("(1)", f"(1, {n})", 1)
        victim.write_text(f"{text}\n{n}. Ny kilde. Replikk 2025. doi: {doi}\n")
    elif change in ("no summary", "new file"):
        if change == "new file":
            (archive / "artikler" / "ny.md").write_text(
                "Title: Ny\nDate: 2030-01-01\nAuthors: Kari Nordmann\n"
                "Summary: Ny.\n\nTekst.\n",
                encoding="utf-8",
            )
        else:
            _edit(victim, "\n\n", "\n\nEn ny første setning.\n\n")
    else:
        profile = sorted((archive / "authors").glob("*.md"))[0]
        profile.write_text(profile.read_text() + "\nNy biografi.\n")
    result = rebuild(archive, REPLIKK_EXTRA_FIELDS=["X-Summary"])
    assert not result.incremental
    extra = {"REPLIKK_EXTRA_FIELDS": ["X-Summary"]}
    reference = build(SETTINGS, _overrides(archive, tmp_path / "fresh", extra)).output
    assert output_differences(reference, result.output) == []


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.blake2b(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_a_failed_update_leaves_the_last_site_as_it_was(
    archive, rebuild, tmp_path, monkeypatch
):
    output = rebuild(archive).output
    before = _digests(output)
    _edit(_reply(archive), "\n\n", "\n\nEn rettelse.\n\n")

    def search_index_fails(*args, **kwargs):
        raise RuntimeError("Pagefind failed")  # after every page was written

    monkeypatch.setattr(replikk.build, "index_site", search_index_fails)
    with pytest.raises(RuntimeError, match="Pagefind failed"):
        rebuild(archive)
    # The new pages were written as new files, never through the hard links.
    assert _digests(output) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
    monkeypatch.undo()
    assert rebuild(archive).incremental  # and the next try still may update


def test_an_update_links_only_the_references_of_the_texts_it_shows(
    archive, rebuild, tmp_path, monkeypatch
):
    rebuild(archive)
    # The oldest: in none of the feeds that hold the 50 newest.
    victim = min(_articles(archive), key=lambda p: _field(p, "Date"))
    _edit(victim, "\n\n", "\n\nEn rettelse fra redaksjonen.\n\n")
    linked = []
    link_one = replikk.citations.glue._link_one

    def counted(article, *args):
        linked.append(article.source_path)
        link_one(article, *args)

    monkeypatch.setattr(replikk.citations.glue, "_link_one", counted)
    result = rebuild(archive)
    assert result.incremental
    # The edited article, and any whose text a rewritten page or feed shows
    # (its debate's feed); not the 60 articles of the archive.
    assert str(victim) in linked
    assert len(linked) < 15
    assert output_differences(_fresh(archive, tmp_path), result.output) == []


def _spare_ready(output: Path, timeout: float = 60) -> Path:
    """The spare copy of ``output`` once its process has recorded it."""
    record = output.with_name(f".{output.name}-spare.json")
    deadline = time.monotonic() + timeout
    while not record.exists():
        assert time.monotonic() < deadline, "no spare copy of the site was made"
        time.sleep(0.05)
    return output.with_name(json.loads(record.read_text())["spare"])


def _files(folder: Path, leave_out: str = "") -> dict[str, tuple[int, int]]:
    """Each file's path and identity (device, inode): a hard link has its
    target's."""
    found = {}
    for where, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d != leave_out]
        for name in names:
            stat = os.stat(os.path.join(where, name))
            relative = os.path.relpath(os.path.join(where, name), folder)
            found[relative] = (stat.st_dev, stat.st_ino)
    return found


def test_the_site_a_build_replaced_becomes_the_next_updates_copy(
    archive, rebuild, tmp_path
):
    rebuild(archive)
    _edit(_articles(archive)[5], "\n\n", "\n\nFørste rettelse.\n\n")
    output = rebuild(archive).output  # replaces the first site
    spare = _spare_ready(output)
    # Every file of the new site (its search index apart), as hard links.
    assert _files(spare) == _files(output, leave_out="pagefind")
    _edit(_articles(archive)[40], "\n\n", "\n\nAndre rettelse.\n\n")
    result = rebuild(archive)
    assert result.incremental
    assert not spare.exists()  # taken: the update started from it
    assert output_differences(_fresh(archive, tmp_path), result.output) == []


def test_a_spare_copy_of_a_site_no_longer_in_place_is_not_used(
    archive, rebuild, tmp_path
):
    rebuild(archive)
    _edit(_articles(archive)[5], "\n\n", "\n\nFørste rettelse.\n\n")
    output = rebuild(archive).output
    spare = _spare_ready(output)
    # Someone puts another folder in the site's place (a deploy, a restore).
    shutil.copytree(output, tmp_path / "restored")
    shutil.rmtree(output)
    (tmp_path / "restored").rename(output)
    _edit(_articles(archive)[40], "\n\n", "\n\nAndre rettelse.\n\n")
    result = rebuild(archive)
    assert spare.exists()  # not taken
    assert output_differences(_fresh(archive, tmp_path), result.output) == []


def test_builds_without_the_cache_keep_no_spare_copy(archive, rebuild, tmp_path):
    rebuild(archive)
    _edit(_articles(archive)[5], "\n\n", "\n\nFørste rettelse.\n\n")
    output = rebuild(archive).output
    spare = _spare_ready(output)
    build(SETTINGS, _overrides(archive, output, {}))
    assert not output.with_name(f".{output.name}-spare.json").exists()
    deadline = time.monotonic() + 60
    while spare.exists():  # removed by a process of its own
        assert time.monotonic() < deadline, "the spare copy was kept"
        time.sleep(0.05)


def test_compiled_templates_are_kept_and_a_changed_template_is_compiled_again(
    archive, rebuild, tmp_path
):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    rebuild(archive, THEME=str(theme))
    assert list((tmp_path / "cache" / "jinja").glob("*.cache"))
    footer = theme / "templates" / "partials" / "footer.html"
    footer.write_text(footer.read_text() + "<!-- ny bunntekst -->\n")
    result = rebuild(archive, THEME=str(theme))
    assert "<!-- ny bunntekst -->" in (result.output / "index.html").read_text()
