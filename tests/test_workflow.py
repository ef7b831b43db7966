"""The authors' and editors' commands, run as a user runs them, in a project copy."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bs4 import BeautifulSoup

from .conftest import invoke

ROOT = Path(__file__).resolve().parent.parent


def test_new_reply_once_accepted_builds_and_joins_the_right_debate(project):
    made = invoke(
        project,
        "new",
        "--reply-to",
        "smertebehandling-av-ryggpasienter",
        "--title",
        "Samtalen må følges opp",
        "--author",
        "Ingrid Solvang",
    )
    assert made.returncode == 0, made.stderr
    path = project / made.stdout.strip()
    text = path.read_text(encoding="utf-8")
    assert "Reply_to: smertebehandling-av-ryggpasienter" in text
    assert "Lang: nb" in text
    assert "Status: draft" in text
    assert "Category: Debatt" in text  # the debate section, not the Kronikk's
    assert path.name == "samtalen-ma-folges-opp.md"

    # The editors accept it: the text written, dated, given a DOI, published.
    text = (
        text.replace("Status: draft\n", "")
        .replace(
            "Summary: Ingress: hva svaret sier, i én eller to setninger.",
            "Summary: Samtalen virker bare når den følges opp.\n"
            "Date: 2026-02-02 09:00\nReceived: 2026-01-20\n"
            "Accepted: 2026-01-28\nDOI: 10.5555/replikk.2026.901",
        )
        .replace("Skriv teksten her.", "Samtalen må følges opp.")
    )
    path.write_text(text, encoding="utf-8")
    checked = invoke(project, "check")
    assert checked.returncode == 0, checked.stdout
    built = invoke(project, "build")
    assert built.returncode == 0, built.stderr
    debate = BeautifulSoup(
        (
            project / "output/debatt/smertebehandling-av-ryggpasienter/index.html"
        ).read_text(),
        "html.parser",
    )
    # Typography keeps the last two words of a title together (U+00A0).
    titles = [
        a.get_text().replace("\xa0", " ") for a in debate.select(".contribution h3 a")
    ]
    assert "Samtalen må følges opp" in titles


def test_new_refuses_an_unknown_target_before_writing_anything(project):
    before = sorted(project.rglob("*.md"))
    made = invoke(
        project,
        "new",
        "--reply-to",
        "smertebehandling-av-ryggpasiente",
        "--title",
        "Svar",
        "--author",
        "Kari Nordmann",
    )
    assert made.returncode == 1
    assert "did you mean 'smertebehandling-av-ryggpasienter'?" in made.stderr
    assert sorted(project.rglob("*.md")) == before


def test_new_never_overwrites_an_existing_file(project):
    args = ("new", "--title", "Et nytt innlegg", "--author", "Kari Nordmann")
    first = invoke(project, *args)
    assert first.returncode == 0, first.stderr
    path = project / first.stdout.strip()
    path.write_text(path.read_text() + "\nMin tekst.\n")
    kept = path.read_text()
    second = invoke(project, *args)
    assert second.returncode == 1
    assert path.read_text() == kept


def test_new_article_without_reply_to_is_standalone(project):
    made = invoke(
        project, "new", "--title", "Leder om åpenhet", "--author", "Astrid Helland"
    )
    assert made.returncode == 0, made.stderr
    text = (project / made.stdout.strip()).read_text()
    assert "Reply_to" not in text
    assert "Slug: leder-om-apenhet" in text


def test_check_passes_on_the_sample_archive(project):
    checked = invoke(project, "check")
    assert checked.returncode == 0, checked.stdout
    assert "0 errors, 0 warnings" in checked.stdout


BROKEN = {
    "no-title.md": "Date: 2024-05-01 10:00\nAuthors: Ingrid Solvang\n\nTekst.\n",
    "bad-date.md": "Title: A\nDate: 2024-13-45\nAuthors: Ingrid Solvang\n\nTekst.\n",
    "bad-doi.md": (
        "Title: B\nDate: 2024-05-01 10:00\nAuthors: Ingrid Solvang\n"
        "DOI: 10.12/x\n\nT.\n"
    ),
    "bad-lang.md": (
        "Title: C\nDate: 2024-05-01 10:00\nAuthors: Ingrid Solvang\nLang: no\n\nT.\n"
    ),
    "typo.md": (
        "Title: D\nDate: 2024-05-01 10:00\nAuthors: Ingrid Solvang\n"
        "Recieved: 2024-04-01\n\nT.\n"
    ),
    "unknown-target.md": (
        "Title: E\nDate: 2024-05-01 10:00\nAuthors: Ingrid Solvang\n"
        "Reply_to: rad-er-behandlng\n\nT.\n"
    ),
    "external-author.md": (
        "Title: F\nDate: 2024-05-01 10:00\nAuthors: Ukjent Person\n\nT.\n"
    ),
}
EXPECTED = [
    ("bad-date.md", 2, "error", "Date"),
    ("bad-doi.md", 4, "error", "DOI"),
    ("bad-lang.md", 4, "error", "Lang"),
    ("external-author.md", 3, "warning", "Authors"),
    ("no-title.md", 1, "error", "Title"),
    ("typo.md", 4, "error", "recieved"),
    ("unknown-target.md", 4, "error", "Reply_to"),
]


def test_check_names_each_problem_with_file_and_line(project):
    folder = project / "content" / "artikler" / "broken"
    folder.mkdir()
    for name, text in BROKEN.items():
        (folder / name).write_text(text, encoding="utf-8")
    checked = invoke(project, "check")
    assert checked.returncode == 1
    lines = checked.stdout.splitlines()
    for name, line, severity, field in EXPECTED:
        prefix = f"content/artikler/broken/{name}:{line}: {severity}: {field}:"
        assert any(x.startswith(prefix) for x in lines), (prefix, checked.stdout)
    assert "did you mean 'Received'?" in checked.stdout
    assert "did you mean 'rad-er-behandling'?" in checked.stdout

    as_json = invoke(project, "check", "--format", "json")
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["errors"] == 6
    assert report["warnings"] == 1
    found = {
        (p["source"].rsplit("/", 1)[-1], p["line"], p["severity"])
        for p in report["problems"]
    }
    assert {(n, line, s) for n, line, s, _ in EXPECTED} <= found


def test_warnings_alone_do_not_fail_check_or_build(project):
    (project / "content/artikler/gjest.md").write_text(
        "Title: Gjest\nDate: 2024-05-01 10:00\nAuthors: Gjest Gjestesen\n\nT.\n"
    )
    checked = invoke(project, "check")
    assert checked.returncode == 0
    assert "warning: Authors: no author profile for 'Gjest Gjestesen'" in checked.stdout
    assert invoke(project, "build").returncode == 0


def test_failed_publish_leaves_the_previous_output_untouched(project):
    assert invoke(project, "publish").returncode == 0
    marker = project / "output" / "index.html"
    before = marker.read_bytes()
    (project / "content/artikler/bad.md").write_text(
        "Title: Bad\nDate: 2024-13-45\nAuthors: Ingrid Solvang\n\nT.\n"
    )
    failed = invoke(project, "publish")
    assert failed.returncode == 1
    assert "bad.md:2: error: Date:" in failed.stderr
    assert marker.read_bytes() == before
    assert not [p for p in project.iterdir() if p.name.startswith(".output")]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_livereload_rebuilds_on_change_and_keeps_the_last_good_site(project):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", "livereload", "--port", str(port)],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    page = f"http://127.0.0.1:{port}/2024/rad-er-behandling/"
    source = project / "content/artikler/2024/rad-er-behandling.md"
    try:
        assert _wait_for(lambda: _get(page) is not None), "livereload did not start"
        # The browser is told to reload: livereload's script is on the page.
        assert "livereload.js" in _get(page)
        source.write_text(
            source.read_text().replace(
                "Title: Råd er behandling", "Title: Endret tittel"
            )
        )
        assert _wait_for(lambda: "Endret" in (_get(page) or ""))
        # After the first build, a change is built as a preview of the
        # changed article: the front page says so.
        front = _get(f"http://127.0.0.1:{port}/") or ""
        assert "preview-notice" in front
        assert "artikler/2024/rad-er-behandling.md" in front
        # A broken edit keeps the last good page served.
        source.write_text(
            source.read_text().replace("Date: 2024", "Date: 2024-13-45 x")
        )
        time.sleep(5)
        assert "Endret" in (_get(page) or "")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_clean_removes_the_site_the_cache_and_what_builds_keep_beside_them(project):
    (project / "output" / "2024").mkdir(parents=True)
    (project / "cache" / "jinja").mkdir(parents=True)
    (project / ".output-spare-0123456789ab" / "2024").mkdir(parents=True)
    (project / ".output-spare.json").write_text("{}")
    (project / ".output-old-0123456789ab").mkdir()
    done = invoke(project, "clean")
    assert done.returncode == 0, done.stderr
    left = {p.name for p in project.iterdir()}
    assert not left & {"output", "cache", ".output-spare-0123456789ab"}
    assert not left & {".output-spare.json", ".output-old-0123456789ab"}
    assert {"content", "theme", "plugins"} <= left  # the project itself stays
