"""Reading in worker processes changes nothing a reader sees; a file a worker
could not read is read again and its problem named; workers start with the
start method that is safe everywhere, and no more of them than the CPUs this
process may use."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.synth import generate
from pelican.plugins.replikk import workers
from pelican.plugins.replikk.build import build
from pelican.plugins.replikk.problems import ContentError

from .conftest import ROOT, SETTINGS, _overrides, output_differences

# Parallel even for a small site, so that every path is exercised.
EAGER = {"REPLIKK_PROCESSES": 2, "REPLIKK_PARALLEL_MIN_FILES": 1}
SERIAL = {"REPLIKK_PROCESSES": 1}


def _build(content: Path, output: Path, **extra) -> Path:
    build(SETTINGS, _overrides(content, output, extra))
    return output


@pytest.mark.parametrize("cache", [False, True], ids=["cold", "cache"])
def test_sample_archive_is_byte_identical_in_parallel(tmp_path, cache):
    extra = {}
    if cache:
        extra = {
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": True,
            "CACHE_PATH": str(tmp_path / "cache"),
        }
    serial = _build(ROOT / "content", tmp_path / "serial", **SERIAL)
    eager = _build(ROOT / "content", tmp_path / "parallel", **EAGER, **extra)
    assert output_differences(serial, eager) == []
    if cache:  # a warm build reads nothing ahead; still the same site
        again = _build(ROOT / "content", tmp_path / "again", **EAGER, **extra)
        assert output_differences(serial, again) == []


def test_synthetic_archive_is_byte_identical_in_parallel(tmp_path):
    content = tmp_path / "content"
    generate(content, 120, seed=11)
    serial = _build(content, tmp_path / "serial", **SERIAL)
    eager = _build(content, tmp_path / "parallel", **EAGER)
    assert output_differences(serial, eager) == []


def test_a_file_read_ahead_reports_its_problem_as_a_serial_read_does(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(workers, "_OWN_SHARE", 0)  # workers read every file
    content = tmp_path / "content"
    generate(content, 40, seed=3)
    # A worker cannot read this file; the problem must still be named.
    victim = sorted((content / "artikler").rglob("*.md"))[-1]
    text = victim.read_text(encoding="utf-8")
    head, _, rest = text.partition("Date: ")
    victim.write_text(head + "Date: 2024-13-45" + rest[10:], encoding="utf-8")
    reports = []
    for name, extra in (("serial", SERIAL), ("parallel", EAGER)):
        with pytest.raises(ContentError) as raised:
            _build(content, tmp_path / name, **extra)
        reports.append([p.format(tmp_path) for p in raised.value.problems.errors])
    assert reports[0] == reports[1]
    assert any("2024-13-45" in line and "Date" in line for line in reports[1])


def test_a_failure_after_reading_stops_the_workers_and_keeps_the_site(tmp_path):
    output = _build(ROOT / "content", tmp_path / "output", **SERIAL)
    before = sorted(p.relative_to(output) for p in output.rglob("*"))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "article.html").write_text("{{ no_such_function() }}\n")
    with pytest.raises(Exception, match="no_such_function"):
        _build(
            ROOT / "content",
            output,
            THEME_TEMPLATES_OVERRIDES=[str(templates)],
            **EAGER,
        )
    assert sorted(p.relative_to(output) for p in output.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_workers_are_spawned_not_forked():
    # fork is unsafe on macOS; spawn is safe on every system the README names.
    assert workers.START_METHOD == "spawn"


def test_a_cgroup_quota_caps_the_workers(tmp_path, monkeypatch):
    quota = tmp_path / "cpu.max"
    quota.write_text("150000 100000\n")
    assert workers._cgroup_cpus(str(quota)) == 1.5
    quota.write_text("max 100000\n")
    assert workers._cgroup_cpus(str(quota)) is None
    assert workers._cgroup_cpus(str(tmp_path / "none")) is None
    monkeypatch.setattr(workers, "_cgroup_cpus", lambda: 0.5)
    assert workers.usable_cpus() == 1
    assert workers.processes({"REPLIKK_PROCESSES": 8}) == 1


def test_the_setting_caps_the_workers(monkeypatch):
    monkeypatch.setattr(workers, "usable_cpus", lambda: 4)
    assert workers.processes({}) == 4
    assert workers.processes({"REPLIKK_PROCESSES": 2}) == 2
    assert workers.processes({"REPLIKK_PROCESSES": 9}) == 4


@pytest.mark.parametrize("value", [0, -1, "2", 1.5, True])
def test_a_bad_process_count_is_named(tmp_path, value):
    with pytest.raises(ValueError, match="REPLIKK_PROCESSES"):
        _build(ROOT / "content", tmp_path / "output", REPLIKK_PROCESSES=value)
    shutil.rmtree(tmp_path / "output", ignore_errors=True)


def test_one_process_means_no_other_process(tmp_path, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a worker with REPLIKK_PROCESSES = 1")

    monkeypatch.setattr(workers.ReadAhead, "__init__", forbidden)
    content = tmp_path / "content"
    generate(content, 120, seed=5)
    _build(content, tmp_path / "output", REPLIKK_PROCESSES=1)
    assert (tmp_path / "output" / "index.html").exists()
