"""A build whose inputs have not changed since the last one is skipped, and any
changed input byte means a full build."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import replikk.unchanged
from replikk.build import build, settings_for

from .conftest import SETTINGS, _overrides, output_differences


@pytest.fixture
def rebuild(tmp_path):
    """Build ``content`` into one output with the content cache on, as
    ``invoke livereload`` does."""

    def _rebuild(content: Path, output: Path | None = None, **extra):
        output = output or tmp_path / "output"
        cached = {
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": True,
            "CACHE_PATH": str(tmp_path / "cache"),
        }
        return build(SETTINGS, _overrides(content, output, {**cached, **extra}))

    return _rebuild


def _snapshot(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_nothing_changed_means_nothing_written(content, rebuild, tmp_path):
    content.article("forste", "Første tekst.")
    first = rebuild(content.root)
    assert not first.unchanged
    before = _snapshot(first.output)
    again = rebuild(content.root)
    assert again.unchanged
    assert again.output == first.output
    assert _snapshot(again.output) == before


def test_saving_a_file_without_changing_it_skips_the_build(content, rebuild):
    path = content.article("forste", "Første tekst.")
    rebuild(content.root)
    os.utime(path, ns=(1, 1))  # a new modification time, the same bytes
    assert rebuild(content.root).unchanged


@pytest.mark.parametrize("change", ["body", "new file", "theme", "setting"])
def test_any_changed_input_means_a_full_build(content, rebuild, tmp_path, change):
    path = content.article("forste", "Første tekst.")
    theme = tmp_path / "templates"
    theme.mkdir()
    extra = {"THEME_TEMPLATES_OVERRIDES": [str(theme)]}
    rebuild(content.root, **extra)
    if change == "body":
        path.write_text(path.read_text() + "\nEn ny setning.\n")
    elif change == "new file":
        content.article("andre", "Andre tekst.", Date="2024-02-01 10:00")
    elif change == "theme":
        (theme / "unused.html").write_text("{# not used by any page #}\n")
    else:
        extra["SITENAME"] = "Et annet navn"
    result = rebuild(content.root, **extra)
    assert not result.unchanged
    fresh = build(
        SETTINGS, _overrides(content.root, content.root.parent / "fresh", extra)
    )
    assert output_differences(fresh.output, result.output) == []


def test_a_replaced_or_removed_site_is_built_again(content, rebuild, tmp_path):
    content.article("forste", "Første tekst.")
    output = rebuild(content.root).output
    (output / "index.html").unlink()
    os.utime(output, ns=(1, 1))  # as if the folder was tampered with
    assert not rebuild(content.root).unchanged
    assert (output / "index.html").exists()


def test_warnings_are_reported_again_when_the_build_is_skipped(content, rebuild):
    content.article("gjest", "Tekst.", Authors="Gjest Gjestesen")
    first = rebuild(content.root)
    again = rebuild(content.root)
    assert again.unchanged
    assert [p.format() for p in again.problems.warnings] == [
        p.format() for p in first.problems.warnings
    ]
    assert any("Gjest Gjestesen" in p.message for p in again.problems.warnings)


def test_without_the_cache_a_build_is_never_skipped(content, tmp_path):
    content.article("forste", "Første tekst.")
    for _ in range(2):
        result = build(SETTINGS, _overrides(content.root, tmp_path / "output", {}))
        assert not result.unchanged


def test_a_failed_build_is_not_recorded(content, rebuild):
    path = content.article("forste", "Første tekst.")
    rebuild(content.root)
    good = path.read_text()
    path.write_text(good.replace("Date: 2024-01-01", "Date: 2024-13-45"))
    with pytest.raises(Exception, match="2024-13-45"):
        rebuild(content.root)
    path.write_text(good)  # back to the recorded inputs: nothing to do
    assert rebuild(content.root).unchanged


def test_the_replaced_site_is_removed_after_the_swap(content, tmp_path):
    content.article("forste", "Første tekst.")
    output = tmp_path / "output"
    for _ in range(3):
        build(SETTINGS, _overrides(content.root, output, {}))
    assert (output / "index.html").exists()
    # Removed by a process of its own, so the build need not wait for it.
    deadline = time.monotonic() + 30
    while list(tmp_path.glob(".output-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob(".output-*")) == []


def test_the_skip_can_be_turned_off(content, rebuild):
    content.article("forste", "Første tekst.")
    rebuild(content.root)
    assert not rebuild(content.root, REPLIKK_SKIP_UNCHANGED=False).unchanged


def test_a_file_whose_stat_is_unchanged_is_not_read_again(
    content, rebuild, monkeypatch
):
    monkeypatch.setattr(replikk.unchanged, "SETTLED_NS", 0)  # trust at once
    content.article("forste", "Første tekst.")
    content.article("andre", "Andre tekst.")
    rebuild(content.root)
    read = []
    split = replikk.unchanged._split

    def counted(data: bytes):
        read.append(data)
        return split(data)

    monkeypatch.setattr(replikk.unchanged, "_split", counted)
    assert rebuild(content.root).unchanged
    assert read == []


def test_a_changed_file_is_read_again_with_its_old_size_and_time(
    content, tmp_path, monkeypatch
):
    monkeypatch.setattr(replikk.unchanged, "SETTLED_NS", 0)
    path = content.article("forste", "Første tekst.")
    settings = settings_for(SETTINGS, _overrides(content.root, tmp_path / "out", {}))
    first = replikk.unchanged.read_inputs(SETTINGS, settings)
    before = path.stat()
    time.sleep(0.05)  # past the file system's clock tick
    path.write_text(path.read_text().replace("Første", "Sjuende"))
    # Size and modification time as they were: only the ctime tells.
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    again = replikk.unchanged.read_inputs(SETTINGS, settings, {"stats": first.stats})
    assert again.bodies["forste.md"] != first.bodies["forste.md"]
    assert again.digest != first.digest
