"""What Replikk builds on is checked at start-up against what it supports."""

from __future__ import annotations

import logging
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

from pelican.plugins.replikk import versions

from .conftest import ROOT

CHECKER = "pelican.plugins.replikk.versions"


def test_the_supported_ranges_are_the_packages_own() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {
        Requirement(r).name.lower(): str(Requirement(r).specifier)
        for r in declared["dependencies"]
    }
    assert versions.supported_ranges() == wanted
    assert {"pelican", "markdown", "feedgen"} <= set(wanted)


def test_what_is_installed_here_is_supported() -> None:
    rows = versions.rows()
    assert [r.name for r in rows] == [
        "pelican",
        "markdown",
        "feedgen",
        "pagefind (npm)",
    ]
    assert versions.problems(rows) == []


def test_a_version_outside_is_named_plainly() -> None:
    rows = [
        versions.Row("pelican", "<4.13,>=4.12", "4.13.1"),
        versions.Row("feedgen", "<1.1,>=1.0", None),
        versions.Row("pagefind (npm)", "==1.6.0", "1.5.2", "the search index"),
    ]
    said = versions.problems(rows)
    assert said[0].startswith(
        "Replikk supports pelican <4.13,>=4.12, but 4.13.1 is installed."
    )
    assert "feedgen <1.1,>=1.0, but it is not installed" in said[1]
    assert (
        "pagefind (npm) ==1.6.0, but 1.5.2 is installed (the search index)" in said[2]
    )


def test_a_build_says_it_once(content, build_site, monkeypatch, caplog) -> None:
    content.article("innlegg")
    real = versions._installed
    monkeypatch.setattr(
        versions,
        "_installed",
        lambda name: "3.12.0" if name == "markdown" else real(name),
    )
    monkeypatch.setattr(versions, "_SAID", set())
    with caplog.at_level(logging.WARNING, logger=CHECKER):
        build_site(content.root)
        build_site(content.root)
    said = [r.getMessage() for r in caplog.records if r.name == CHECKER]
    assert said == [
        "Replikk supports markdown <3.12,>=3.11, but 3.12.0 is installed."
        " Install the pinned versions: pip install -r requirements.txt"
        " (npm ci for Pagefind)"
    ]


def test_replikk_versions_lists_them_and_what_is_exact() -> None:
    command = Path(sys.executable).with_name("replikk")
    done = subprocess.run(
        [str(command), "versions"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    for name in ("pelican", "markdown", "feedgen", "pagefind (npm)"):
        assert name in done.stdout
    assert "Pelican 4.12.0 exactly" in done.stdout
    assert "Pagefind 1.6.0 exactly" in done.stdout
