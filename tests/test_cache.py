"""A cached build is a cold build: every file of the site, after any edit.

The reading cache (``CACHE_CONTENT``, and so ``invoke livereload``) keeps each
file's reading under a digest of its bytes, its path, every setting, the
plugin's and theme's files and the packages' versions; everything else is
made anew in every build. The differential test edits the sample archive at
random (Hypothesis' stateful testing: the rules are edits) and after each
edit compares the cached build with a cold build of the same inputs, byte
for byte, the search index included.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from pelican.plugins.replikk import fingerprint, readcache
from pelican.plugins.replikk.build import build
from pelican.plugins.replikk.problems import ContentError

from .conftest import ROOT, SETTINGS, _overrides, output_differences

ARTICLES = "artikler"


class Project:
    """A copy of the sample project (settings, content, theme) to edit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(ROOT / "content", root / "content")
        shutil.copytree(ROOT / "theme", root / "theme")
        # The real settings file, with the copy's theme and any setting a
        # test changes. (Not a copy of the file: Pelican imports settings
        # files as modules, and publishconf.py imports "pelicanconf".)
        self.settings = SETTINGS
        self.extra: dict[str, object] = {"THEME": str(root / "theme")}
        self.cold_runs = 0

    @property
    def content(self) -> Path:
        return self.root / "content"

    def articles(self) -> list[Path]:
        return sorted((self.content / ARTICLES).rglob("*.md"))

    def cached(self, **extra) -> Path:
        output = self.root / "output"
        cache = {
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": True,
            "CACHE_PATH": str(self.root / "cache"),
        }
        build(
            self.settings,
            _overrides(self.content, output, {**self.extra, **cache, **extra}),
        )
        return output

    def cold(self, **extra) -> Path:
        self.cold_runs += 1
        output = self.root / f"cold-{self.cold_runs}"
        build(self.settings, _overrides(self.content, output, {**self.extra, **extra}))
        return output

    def same_as_cold(self, **extra) -> list[str]:
        """What differs between the cached build and a cold one; a build
        that fails must fail the same way both times."""
        try:
            cached = self.cached(**extra)
        except ContentError as error:
            with pytest.raises(ContentError) as cold_error:
                self.cold(**extra)
            assert str(cold_error.value) == str(error)
            return []
        cold = self.cold(**extra)
        differences = output_differences(cold, cached)
        shutil.rmtree(cold)
        return differences


def edit(path: Path, old: str, new: str, keep_time: bool = False) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    stat = path.stat()
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if keep_time:  # cp -p, rsync -t, a file system with coarse times
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "project")


# --- the three cases the issue found, as regression tests --------------------


def test_editing_the_reference_that_titles_an_external_target(project):
    # The debate of an article that answers a DOI is titled by the answering
    # article's reference to it: a body-only edit of that reference changes
    # the debate's title on every page that names it.
    path = (
        project.content
        / ARTICLES
        / "2025"
        / "er-de-fleste-forskningsfunn-fortsatt-falske.md"
    )
    assert project.same_as_cold() == []
    text = path.read_text(encoding="utf-8")
    title = "Why most published research findings are false"
    assert title in text
    edit(path, title, "Why most published research findings are still false")
    assert project.same_as_cold() == []
    debates = (project.root / "output" / "debatt" / "index.html").read_text()
    assert "still false" in debates


def test_a_markdown_setting_reads_every_file_again(project):
    assert project.same_as_cold() == []
    toc = {
        "MARKDOWN": {
            "extension_configs": {
                "markdown.extensions.extra": {},
                "markdown.extensions.toc": {"permalink": True},
                "markdown.extensions.meta": {},
                "pelican.plugins.replikk.markdown_ext.pullquote": {},
            },
            "output_format": "html5",
        }
    }
    assert project.same_as_cold(**toc) == []
    page = project.root / "output" / "2024" / "smertebehandling-av-ryggpasienter"
    html = (page / "index.html").read_text(encoding="utf-8")
    assert "headerlink" in html  # the setting took effect
    # The reference list's heading has a permalink and is still found.
    assert 'name="citation_reference"' in html
    assert 'class="ref-back"' in html


def test_an_edit_that_keeps_the_files_time_is_seen(project):
    path = project.content / ARTICLES / "2024" / "smertebehandling-av-ryggpasienter.md"
    project.cached()
    text = path.read_text(encoding="utf-8")
    body = text.split("\n\n", 2)[1]
    word = body.split()[0]
    edit(path, word, "Endret", keep_time=True)
    assert project.same_as_cold() == []
    page = project.root / "output" / "2024" / "smertebehandling-av-ryggpasienter"
    assert "Endret" in (page / "index.html").read_text(encoding="utf-8")


# --- checks never depend on the cache -----------------------------------------


def test_a_cached_build_fails_where_a_cold_build_fails(project):
    path = project.articles()[0]
    # A field close to a known one ("Recieved") is an error unless allowed.
    edit(path, "Title:", "Recieved: 2024-01-01\nTitle:")
    project.cached(REPLIKK_EXTRA_FIELDS=["Recieved"])
    with pytest.raises(ContentError, match=r"(?i)recieved"):
        project.cached()
    with pytest.raises(ContentError, match=r"(?i)recieved"):
        project.cold()


# --- what the cache holds, and what it does when it cannot be read -------------


def test_the_cache_holds_plain_json_and_no_pickle(project):
    project.cached()
    database = project.root / "cache" / readcache.NAME
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT key, body, rest FROM readings").fetchall()
    assert len(rows) >= len(project.articles())
    for _, body, rest in rows:
        assert isinstance(body, str)
        assert set(json.loads(rest)) == {"meta", "rendered", "fields", "linked"}
    assert not list((project.root / "cache").rglob("*.pickle"))


def test_an_unreadable_cache_is_removed_with_one_line_and_the_build_goes_on(
    project, caplog
):
    project.cached()
    database = project.root / "cache" / readcache.NAME
    database.write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="pelican.plugins.replikk.readcache"):
        assert project.same_as_cold() == []
    warnings = [
        r for r in caplog.records if r.name == "pelican.plugins.replikk.readcache"
    ]
    assert len(warnings) == 1
    assert "cannot be read" in warnings[0].getMessage()


def test_a_cache_entry_is_used_only_for_the_same_bytes_settings_and_code(
    project, readings_made, monkeypatch
):
    reads = readings_made
    extra = {"REPLIKK_PROCESSES": 1}
    project.cached(**extra)
    everything = len(reads)
    assert everything > len(project.articles())

    reads.clear()
    project.cached(**extra)
    assert reads == []  # nothing changed: nothing read

    path = project.articles()[3]
    edit(path, "\n\n", "\n\nNy første setning.\n\n")
    reads.clear()
    project.cached(**extra)
    assert reads == [path.name]

    reads.clear()
    project.cached(TYPOGRAPHY_WIDONT=False, **extra)  # any setting
    assert len(reads) == everything

    # The plugin's code: a copy of it with one line changed.
    plugin = project.root / "plugin"
    shutil.copytree(
        fingerprint.PLUGIN, plugin, ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.setattr(fingerprint, "PLUGIN", plugin)
    reads.clear()
    project.cached(**extra)
    assert reads == []  # the same code
    with (plugin / "reader.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# changed\n")
    reads.clear()
    project.cached(**extra)
    assert len(reads) == everything

    # The theme (its strings are part of what a reading holds).
    with (project.root / "theme" / "strings" / "nb.toml").open("a") as handle:
        handle.write("\n# endret\n")
    reads.clear()
    project.cached(**extra)
    assert len(reads) == everything


def test_the_cache_does_not_grow_with_every_edit(project):
    path = project.articles()[0]
    project.cached()
    database = project.root / "cache" / readcache.NAME

    def entries() -> int:
        with sqlite3.connect(database) as db:
            return db.execute("SELECT count(*) FROM readings").fetchone()[0]

    first = entries()
    for n in range(readcache.KEEP_BUILDS * 2):
        edit(path, "\n\n", f"\n\nEndring {n}.\n\n")
        project.cached()
    assert entries() <= first + readcache.KEEP_BUILDS


# --- the differential test -----------------------------------------------------


class CachedEqualsCold(RuleBasedStateMachine):
    """Random edits of the sample project; after each, cached == cold."""

    def __init__(self) -> None:
        super().__init__()
        self.base = Path(_TMP.mkdtemp(prefix="differential-"))
        self.project = Project(self.base / "project")
        self.project.cached()
        self.renamed = 0

    def teardown(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)

    def _article(self, data) -> Path:
        return data.draw(st.sampled_from(self.project.articles()))

    @rule(data=st.data(), keep_time=st.booleans())
    def edit_a_body(self, data, keep_time):
        path = self._article(data)
        sentence = data.draw(
            st.sampled_from(["Ny setning.", "«Sitat» -- her.", "A 1-2."])
        )
        edit(path, "\n\n", f"\n\n{sentence}\n\n", keep_time=keep_time)

    @rule(data=st.data())
    def edit_a_title(self, data):
        path = self._article(data)
        edit(path, "Title: ", "Title: Endret: ")

    @rule(data=st.data())
    def edit_a_reference(self, data):
        candidates = [
            p
            for p in self.project.articles()
            if "## Referanser" in p.read_text() or "## References" in p.read_text()
        ]
        path = data.draw(st.sampled_from(candidates))
        text = path.read_text(encoding="utf-8")
        heading = "## Referanser" if "## Referanser" in text else "## References"
        tail = text.split(heading, 1)[1]
        first = next(line for line in tail.splitlines() if line.strip()[:2] == "1.")
        edit(path, first, first.replace("1.", "1. Endret,", 1))

    @rule(data=st.data())
    def toggle_a_draft(self, data):
        path = self._article(data)
        text = path.read_text(encoding="utf-8")
        if "Status: draft\n" in text:
            edit(path, "Status: draft\n", "")
        else:
            edit(path, "Title:", "Status: draft\nTitle:")

    @rule(data=st.data())
    def add_a_translation(self, data):
        path = self._article(data)
        text = path.read_text(encoding="utf-8")
        if "Translation:" in text or "Lang: en" in text:
            return
        head, body = text.split("\n\n", 1)
        head = "\n".join(
            line for line in head.splitlines() if not line.startswith("Lang:")
        )
        target = path.with_name(f"{path.stem}-tr{self.renamed}.md")
        self.renamed += 1
        target.write_text(
            f"{head}\nLang: en\nTranslation: true\n\nTranslated. {body}",
            encoding="utf-8",
        )

    @rule(data=st.data())
    def rename_an_article(self, data):
        path = self._article(data)
        path.rename(path.with_name(f"flyttet-{self.renamed}-{path.name}"))
        self.renamed += 1

    @rule(data=st.data())
    def delete_an_unanswered_article(self, data):
        answered = "\n".join(p.read_text() for p in self.project.articles())
        alone = [
            p
            for p in self.project.articles()
            if p.stem not in answered.replace(p.read_text(), "")
        ]
        if alone:
            data.draw(st.sampled_from(alone)).unlink()

    @rule(data=st.data())
    def edit_an_author_profile(self, data):
        profiles = sorted((self.project.content / "authors").glob("*.md"))
        path = data.draw(st.sampled_from(profiles))
        edit(path, "\n\n", "\n\nOgså redaktør.\n\n")

    @rule()
    def edit_a_template(self):
        path = self.project.root / "theme" / "templates" / "partials" / "footer.html"
        if not path.exists():
            path = self.project.root / "theme" / "templates" / "base.html"
        edit(path, "</footer>", "<p>Endret.</p></footer>")

    @rule(value=st.booleans())
    def change_a_setting(self, value):
        self.project.extra["TYPOGRAPHY_WIDONT"] = value

    @invariant()
    def cached_equals_cold(self):
        assert self.project.same_as_cold() == []


class _TMP:
    """A folder for the state machine's projects (Hypothesis makes the
    machine itself, so it cannot take pytest's tmp_path)."""

    root: Path | None = None

    @classmethod
    def mkdtemp(cls, prefix: str) -> str:
        import tempfile  # noqa: PLC0415 -- only the state machine needs it

        return tempfile.mkdtemp(prefix=prefix, dir=cls.root)


@pytest.fixture
def differential_root(tmp_path):
    _TMP.root = tmp_path
    yield tmp_path
    _TMP.root = None


def test_cached_build_equals_cold_build_after_random_edits(differential_root):
    machine = CachedEqualsCold.TestCase
    machine.settings = settings(
        max_examples=int(os.environ.get("REPLIKK_DIFFERENTIAL_EXAMPLES", "4")),
        stateful_step_count=6,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # a failure is shown as found
        suppress_health_check=list(HealthCheck),
    )
    machine().runTest()
