"""The terminal path an author and then an editor walk, in a copy of the
project, with the real tasks: scaffold a reply, check it (every problem at
once), write it, check it for publishing as the editor, fill in what the
editors own, check again, publish, and find it on the site beside what it
answers.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from .conftest import invoke

TARGET = "smertebehandling-av-ryggpasienter"


def _set(text: str, field: str, value: str | None) -> str:
    """The file with one header field set (or removed, with None)."""
    header, body = text.split("\n\n", 1)
    lines = [line for line in header.splitlines() if not line.startswith(f"{field}:")]
    if value is not None:
        lines.append(f"{field}: {value}")
    return "\n".join(lines) + "\n\n" + body


def test_an_author_and_an_editor_take_a_reply_from_scaffold_to_the_site(project):
    # 1. The author scaffolds a reply.
    made = invoke(project, "new", "--reply-to", TARGET)
    assert made.returncode == 0, made.stderr
    path = project / made.stdout.strip().splitlines()[-1]
    assert path.is_file(), made.stdout
    text = path.read_text(encoding="utf-8")
    assert "Status: draft" in text
    assert not re.search(r"^(Date|Received|Accepted|DOI):", text, re.M)
    assert f"Reply_to: {TARGET}" in text

    # 2. A first go with two slips: both are named in one check.
    slipped = _set(text, "Reply_to", "smertebehandling-av-rygpasienter")
    slipped = _set(slipped, "Lang", "nx")
    path.write_text(slipped, encoding="utf-8")
    checked = invoke(project, "check")
    assert checked.returncode == 1
    out = checked.stdout + checked.stderr
    assert "Reply_to" in out and "did you mean" in out
    assert "Lang" in out
    assert re.search(r"\b2 errors\b", out), out

    # 3. Slips fixed: a draft with the scaffold's placeholders passes check…
    path.write_text(text, encoding="utf-8")
    checked = invoke(project, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # …but not the editors' check: the placeholders must go.
    for_publish = invoke(project, "check", "--for", "publish")
    assert for_publish.returncode == 1
    assert "placeholder" in for_publish.stdout + for_publish.stderr

    # 4. The author writes the reply.
    header, _ = text.split("\n\n", 1)
    reference = re.search(r"^1\. .*$", text, re.M)[0]
    written = header + (
        "\n\nSamtalen er viktig, men den trenger tid som fastlegen sjelden har"
        " (1).\n\n## Referanser\n\n" + reference + "\n"
    )
    for field, value in {
        "Title": "Samtalen trenger tid",
        "Authors": "Halvard Brekke",
        "Summary": "Samtalen virker bare når legen har tid til den.",
    }.items():
        written = _set(written, field, value)
    path.write_text(written, encoding="utf-8")
    assert invoke(project, "check").returncode == 0
    for_publish = invoke(project, "check", "--for", "publish")
    report = for_publish.stdout + for_publish.stderr
    assert for_publish.returncode == 0, report
    assert "placeholder" not in report
    assert "DOI" in report and "Accepted" in report  # the editors' part, as warnings

    # 5. The editor accepts it: dates, DOI, no longer a draft.
    accepted = written
    for field, value in {
        "Date": "2024-03-20 09:00",
        "Received": "2024-03-12",
        "Accepted": "2024-03-18",
        "DOI": "10.5555/replikk.2024.099",
        "Status": None,
    }.items():
        accepted = _set(accepted, field, value)
    path.write_text(accepted, encoding="utf-8")
    for_publish = invoke(project, "check", "--for", "publish")
    report = for_publish.stdout + for_publish.stderr
    assert for_publish.returncode == 0, report
    assert "0 errors" in report
    assert path.name not in report  # nothing left to say about it

    # 6. Published, it stands in the debate beside what it answers.
    published = invoke(project, "publish")
    assert published.returncode == 0, published.stdout + published.stderr
    slug = re.search(r"^Slug: (.+)$", accepted, re.M)[1]
    page = _html(project / "output" / "2024" / slug / "index.html")
    line = page.select_one(".debate-line a.u-in-reply-to")
    assert line["href"].rstrip("/").endswith(TARGET)
    answered = _html(project / "output" / "2024" / TARGET / "index.html")
    tree = [a["href"] for a in answered.select(".debate-aside .debate-tree a")]
    assert any(h.rstrip("/").endswith(slug) for h in tree)
    assert page.find("a", href="https://doi.org/10.5555/replikk.2024.099")


def _html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
