"""Every page of the sample archive is valid HTML5 (and its CSS valid CSS),
by the Nu Html Checker (``npm ci`` installs it as vnu-jar; it needs Java)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _vnu() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed (.ci/run installs default-jre-headless)")
    if not VNU.is_file():
        pytest.skip(f"{VNU.relative_to(ROOT)} is missing; run `npm ci`")
    return [java, "-jar", str(VNU)]


def test_every_page_of_the_sample_archive_is_valid_html(sample_site):
    pages = list(sample_site.output.rglob("*.html"))
    assert len(pages) > 50, "the sample archive should build every kind of page"
    run = subprocess.run(
        [
            *_vnu(),
            "--errors-only",
            "--format",
            "json",
            "--also-check-css",
            "--skip-non-html",
            str(sample_site.output),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(run.stderr or run.stdout)
    problems = [
        f"{m.get('url', '?').removeprefix('file:')}:{m.get('lastLine', '?')}:"
        f" {m.get('type')}: {m.get('message')}"
        for m in report["messages"]
    ]
    assert problems == [], "\n".join(problems)
