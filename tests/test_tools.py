"""The developer tools: page picking, `invoke screenshots`, `invoke lighthouse`."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tools.lighthouse import Report, _failures, below
from tools.pages import KINDS, NoPageError, Page, kinds_from, pick

from .conftest import CHROMIUM, ROOT, invoke

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"


def png_size(path: Path) -> tuple[int, int]:
    """A PNG's width and height, from its header."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_one_page_of_every_kind_is_picked_from_the_sample_site(sample_site):
    pages = {page.kind: page for page in pick(sample_site.output)}
    assert list(pages) == list(KINDS)
    for page in pages.values():
        exists = sample_site.path(page.path).exists()
        assert exists == (page.kind != "404"), page
    reply = sample_site.html(pages["reply"].path)
    assert reply.select(".u-in-reply-to")
    assert sample_site.html(pages["article-en"].path).html["lang"] == "en"
    answered = pages["article-with-replies"].path
    answering = [
        urljoin("/" + page.relative_to(sample_site.output).as_posix(), a["href"])
        for page in sample_site.output.glob("20*/*/index.html")
        for a in sample_site.html(
            "/" + page.relative_to(sample_site.output).as_posix()
        ).select("a.u-in-reply-to")
    ]
    assert answered in answering
    assert pages["article-no-replies"].path not in answering


def test_an_unknown_page_kind_is_refused_with_the_known_ones():
    with pytest.raises(NoPageError, match="known: front, article-with-replies"):
        kinds_from("front,artikkel")


def test_a_failing_audit_is_listed_and_a_hint_that_costs_nothing_is_not():
    result = {
        "categories": {
            "seo": {
                "score": 0.91,
                "auditRefs": [
                    {"id": "meta-description", "weight": 1},
                    {"id": "hint", "weight": 0},
                ],
            },
            "accessibility": {
                "score": 1,
                "auditRefs": [{"id": "color-contrast", "weight": 7}],
            },
        },
        "audits": {
            "meta-description": {
                "title": "Document does not have a meta description",
                "score": 0,
                "details": {"items": [{"node": {"selector": "head"}}]},
            },
            "hint": {"title": "A hint", "score": 0},
            "color-contrast": {"title": "Contrast", "score": 1},
        },
    }
    (failure,) = _failures(result)
    assert (failure.category, failure.id, failure.details) == (
        "seo",
        "meta-description",
        ["head"],
    )


@pytest.mark.browser
def test_screenshots_writes_a_png_of_the_asked_width(sample_site, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    out = tmp_path / "shots"
    done = invoke(
        ROOT,
        "screenshots",
        *("--kinds", "article-with-replies", "--width", "390", "--scheme", "dark"),
        *("--site", str(sample_site.output), "--out", str(out)),
    )
    assert done.returncode == 0, done.stderr
    assert [p.name for p in out.iterdir()] == ["article-with-replies-390-dark.png"]
    width, height = png_size(out / "article-with-replies-390-dark.png")
    assert width == 390
    assert height > 800  # the whole page, not the first screen


@pytest.mark.browser
def test_lighthouse_scores_a_page_offline(sample_site, tmp_path):
    if not (CHROMIUM.exists() and LIGHTHOUSE.exists()):
        pytest.skip("needs Debian's chromium and `npm ci` (Lighthouse)")
    report = tmp_path / "lighthouse.json"
    done = invoke(
        ROOT,
        "lighthouse",
        *("--kinds", "page", "--min", "0", "--json", str(report)),
        *("--site", str(sample_site.output)),
    )
    assert done.returncode == 0, done.stderr
    (page,) = json.loads(report.read_text(encoding="utf-8"))
    assert page["error"] == ""
    assert set(page["scores"]) == {
        "performance",
        "accessibility",
        "best-practices",
        "seo",
    }
    assert all(0 <= score <= 100 for score in page["scores"].values())
    assert "perf" in done.stdout  # the table


def test_a_page_lighthouse_could_not_audit_fails_at_any_minimum():
    page = Page("feed", "/feed.atom.xml")
    assert below(Report(page, {}, [], "NOT_HTML"), 0)
    assert not below(Report(page, {"seo": 90}, []), 90)
    assert below(Report(page, {"seo": 89}, []), 90)
