"""`replikk init PATH`: a journal's own site, built the way its README says.

One site goes the whole way a journal goes: `replikk init` (the installed
command), then, in the new folder, the documented line — a fresh venv,
`pip install -r requirements.txt` (which installs Replikk from this checkout),
`invoke build` — then `invoke check`, `invoke check --for publish` and
`invoke publish` in that venv, a template of the site's own, and the written
pages and feeds read back. The other languages are built in this process.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from pelican.plugins.replikk import init as site_init
from pelican.plugins.replikk.build import build, check

REPLIKK = Path(sys.executable).with_name("replikk")
SITEURL = "https://debatt.example.org"


def _run(command: str, cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    # The new site's own venv, not this one: nothing of ours leaks in.
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)}
    env["PATH"] = os.pathsep.join(
        p for p in env["PATH"].split(os.pathsep) if not p.startswith(sys.prefix)
    )
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _example_pair(content: Path) -> tuple[str, str]:
    """The slugs of the example article and of the reply to it."""
    articles = [
        p for p in content.rglob("*.md") if not {"pages", "authors"} & set(p.parts)
    ]
    reply = next(p for p in articles if re.search(r"^Reply_to:", p.read_text(), re.M))
    text = reply.read_text(encoding="utf-8")
    target = re.search(r"^Reply_to:\s*(\S+)", text, re.M).group(1)
    slug = re.search(r"^Slug:\s*(\S+)", text, re.M)
    return target, slug.group(1) if slug else reply.stem


def _page_of(output: Path, slug: str) -> BeautifulSoup:
    found = list(output.glob(f"[0-9][0-9][0-9][0-9]/{slug}/index.html"))  # its year
    assert len(found) == 1, f"{slug}: {found}"
    return BeautifulSoup(found[0].read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def journal(tmp_path_factory) -> Path:
    """A site made by `replikk init` and built by its own README's line."""
    root = tmp_path_factory.mktemp("init") / "tidsskrift"
    made = subprocess.run(
        [
            str(REPLIKK),
            "init",
            str(root),
            "--name",
            "Testtidsskrift",
            "--siteurl",
            SITEURL,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    python = Path(sys.base_prefix) / "bin" / "python3"
    built = _run(
        f"{python} -m venv .venv && .venv/bin/pip install -q -r requirements.txt"
        " && .venv/bin/invoke build",
        root,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return root


def test_init_writes_a_whole_site(journal: Path) -> None:
    for name in (
        "pelicanconf.py",
        "publishconf.py",
        "tasks.py",
        "requirements.txt",
        "package.json",
        "package-lock.json",
        ".gitignore",
        ".github/workflows/site.yml",
        "templates/README.md",
        "content/pages",
        "content/authors",
    ):
        assert (journal / name).exists(), name
    # The tasks come from the package: the site's tasks.py defines none.
    assert "collection(" in (journal / "tasks.py").read_text()
    assert "@task" not in (journal / "tasks.py").read_text()
    # requirements.txt pins Replikk, here to the checkout it came from.
    pinned = (journal / "requirements.txt").read_text()
    assert re.search(r"^replikk( @ file:|==)", pinned, re.M)


def test_the_example_reply_answers_the_example_article(journal: Path) -> None:
    article, reply = _example_pair(journal / "content")
    output = journal / "output"
    reply_page = _page_of(output, reply)
    answered = reply_page.select_one("a.u-in-reply-to")
    assert answered is not None
    assert f"/{article}/" in answered["href"]
    # ... and the article knows its reply, both ways.
    article_page = _page_of(output, article)
    assert article_page.find("a", href=re.compile(rf"/{reply}/"))


def test_the_site_venv_runs_the_tasks(journal: Path) -> None:
    checked = _run(".venv/bin/invoke check", journal)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 errors" in checked.stdout or "no problems" in checked.stdout.lower()
    for_publish = _run(".venv/bin/invoke check --for publish", journal)
    assert for_publish.returncode == 0, for_publish.stdout + for_publish.stderr
    versions = _run(".venv/bin/replikk versions", journal)
    assert versions.returncode == 0, versions.stdout + versions.stderr


def test_the_published_feeds_are_valid(journal: Path) -> None:
    published = _run(".venv/bin/invoke publish", journal)
    assert published.returncode == 0, published.stdout + published.stderr
    feeds = [
        *journal.glob("output/**/*.atom.xml"),
        *journal.glob("output/**/*.rss.xml"),
    ]
    assert feeds
    for feed in feeds:
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, f"{feed}: {parsed.get('bozo_exception')}"
        assert parsed.entries, feed
        for entry in parsed.entries:
            assert entry.link.startswith(SITEURL + "/"), entry.link
    # The site's own build again, so the tests after this see a preview build.
    assert _run(".venv/bin/invoke build", journal).returncode == 0


def test_a_template_of_the_sites_own_replaces_the_themes(journal: Path) -> None:
    override = journal / "templates" / "partials" / "footer.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(
        '<footer class="site-footer"><p>Utgitt av Testforeningen.</p></footer>\n',
        encoding="utf-8",
    )
    try:
        built = _run(".venv/bin/invoke build", journal)
        assert built.returncode == 0, built.stdout + built.stderr
        front = BeautifulSoup(
            (journal / "output" / "index.html").read_text(encoding="utf-8"),
            "html.parser",
        )
        footers = [f.get_text(strip=True) for f in front.find_all("footer")]
        assert footers[-1] == "Utgitt av Testforeningen."
        # Only that one file: the rest is still Replikk's theme.
        assert front.select_one("header") is not None
        assert front.find("link", rel="stylesheet")
    finally:
        override.unlink()


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_every_language_builds_clean(lang: str, tmp_path: Path) -> None:
    root = tmp_path / "site"
    site_init.init(root, lang=lang, name="Journal", siteurl=SITEURL)
    output = tmp_path / "output"
    result = build(root / "pelicanconf.py", {"OUTPUT_PATH": str(output)})
    assert not result.problems.items, result.problems.report(root)
    article, reply = _example_pair(root / "content")
    page = _page_of(output, reply)
    assert page.html["lang"] == lang
    assert f"/{article}/" in page.select_one("a.u-in-reply-to")["href"]
    # The submission page the articles' "Reply" leads to exists.
    submit = re.search(
        r"^SUBMIT_PAGE = ['\"](.+)['\"]", (root / "pelicanconf.py").read_text(), re.M
    )
    assert (output / submit.group(1) / "index.html").is_file()
    published = check(root / "publishconf.py", for_publish=True)
    assert not published.problems.errors, published.problems.report(root)


def test_init_refuses_a_folder_with_files_and_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(site_init.InitError, match="not empty"):
        site_init.init(root)
    assert sorted(p.name for p in root.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_init_says_what_is_wrong_with_an_option(tmp_path: Path) -> None:
    with pytest.raises(site_init.InitError, match=r"--siteurl 'debatt\.example\.org'"):
        site_init.init(tmp_path / "a", siteurl="debatt.example.org")
    wrong = subprocess.run(
        [str(REPLIKK), "init", str(tmp_path / "b"), "--lang", "sv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert wrong.returncode == 2
    assert "invalid choice: 'sv'" in wrong.stderr
    assert not (tmp_path / "a").exists()
    assert not (tmp_path / "b").exists()


def test_the_example_dates_follow_the_day_of_init(tmp_path: Path) -> None:
    day = datetime.date(2027, 3, 10)
    site_init.init(tmp_path / "site", today=day)
    texts = [p.read_text() for p in (tmp_path / "site" / "content").rglob("*.md")]
    dates = sorted(
        d
        for t in texts
        for d in re.findall(r"^(?:Date|Received|Accepted): (\S+)", t, re.M)
    )
    assert dates and dates[-1] == "2027-03-10"
    assert all(d <= "2027-03-10" for d in dates)
    shutil.rmtree(tmp_path / "site")
