"""Fixtures that build real sites with the real settings into temporary folders."""

from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pelican.plugins.replikk.build import Result, build, check
from tools.chromium import ARGS as CHROMIUM_ARGS
from tools.chromium import DEFAULT as CHROMIUM_PATH

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SETTINGS = ROOT / "pelicanconf.py"
PUBLISH_SETTINGS = ROOT / "publishconf.py"


class Site:
    """A built site, read back as a reader's browser or feed reader would."""

    def __init__(self, output: Path, result: Result) -> None:
        self.output = output
        self.result = result

    def path(self, url: str) -> Path:
        path = self.output / url.lstrip("/")
        return path / "index.html" if url.endswith("/") or path.is_dir() else path

    def html(self, url: str) -> BeautifulSoup:
        return BeautifulSoup(self.path(url).read_text(encoding="utf-8"), "html.parser")

    def text(self, url: str) -> str:
        return self.path(url).read_text(encoding="utf-8")


def _overrides(content: Path, output: Path, extra: dict) -> dict:
    return {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        **extra,
    }


@pytest.fixture
def build_site(tmp_path: Path) -> Callable[..., Site]:
    """Build a content folder (a path, or a scenario name under tests/data)."""

    def _build(content: Path | str, settings: Path = SETTINGS, **extra) -> Site:
        folder = content if isinstance(content, Path) else DATA / content
        output = tmp_path / "output"
        result = build(settings, _overrides(folder, output, extra))
        return Site(output, result)

    return _build


@pytest.fixture
def check_content(tmp_path: Path) -> Callable[..., Result]:
    def _check(content: Path, settings: Path = SETTINGS, **extra) -> Result:
        return check(settings, _overrides(content, tmp_path / "unused", extra))

    return _check


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The bundled archive, built once with the preview settings."""
    output = tmp_path_factory.mktemp("sample") / "output"
    result = build(SETTINGS, _overrides(ROOT / "content", output, {}))
    return Site(output, result)


@pytest.fixture(scope="session")
def published_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The bundled archive, built once with the production settings."""
    output = tmp_path_factory.mktemp("published") / "output"
    result = build(PUBLISH_SETTINGS, _overrides(ROOT / "content", output, {}))
    return Site(output, result)


def output_differences(left: Path, right: Path) -> list[str]:
    """Every file of two built sites missing on one side or differing in a byte
    (Pagefind's index included: the build writes it in a fixed page order)."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str = "") -> None:
        found.extend(f"{prefix}{n} (only one side)" for n in cmp.left_only)
        found.extend(f"{prefix}{n} (only one side)" for n in cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(
            cmp.left, cmp.right, cmp.common_files, shallow=False
        )
        found.extend(f"{prefix}{n}" for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right, ignore=[]))
    return found


class ContentFolder:
    """A content folder written by a test, one Markdown file at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "authors").mkdir(parents=True, exist_ok=True)

    def article(self, slug: str, body: str = "Tekst.", **meta: str) -> Path:
        """Write ``<slug>.md``; metadata keys are written as given (Reply_to …)."""
        folder = meta.pop("folder", "")
        fields = {"Title": slug.replace("-", " ").capitalize(), "Slug": slug}
        fields.setdefault("Authors", "Kari Nordmann")
        fields.update(meta)
        if "Date" not in fields:
            fields["Date"] = "2024-01-01 10:00"
        header = "\n".join(f"{k}: {v}" for k, v in fields.items() if v is not None)
        path = self.root / folder / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{header}\n\n{textwrap.dedent(body)}\n", encoding="utf-8")
        return path

    def author(self, name: str, **meta: str) -> Path:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        header = "\n".join(f"{k}: {v}" for k, v in {"Name": name, **meta}.items())
        path = self.root / "authors" / f"{slug}.md"
        path.write_text(f"{header}\n\nBiografi.\n", encoding="utf-8")
        return path

    def raw(self, name: str, data: bytes | str) -> Path:
        path = self.root / name
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        return path


@pytest.fixture
def content(tmp_path: Path) -> ContentFolder:
    folder = ContentFolder(tmp_path / "content")
    folder.author("Kari Nordmann")
    return folder


PROJECT_FILES = ("pelicanconf.py", "publishconf.py", "tasks.py", "pyproject.toml")
PROJECT_DIRS = ("content", "theme", "plugins", "tools")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project with the sample archive, as an author's or an
    editor's clone."""
    root = tmp_path / "replikk"
    root.mkdir()
    for name in PROJECT_FILES:
        shutil.copy(ROOT / name, root / name)
    for name in PROJECT_DIRS:
        shutil.copytree(
            ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    # What `npm ci` installed (Pagefind), shared rather than copied.
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    return root


def invoke(project: Path, *args: str) -> subprocess.CompletedProcess:
    """An invoke task run in a project copy, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def readings_made(monkeypatch) -> list[str]:
    """The names of the files whose reading a build makes (not takes from
    the reading cache), in one process (``REPLIKK_PROCESSES = 1``)."""
    from pelican.plugins.replikk import reader  # noqa: PLC0415 -- patched here only

    made: list[str] = []
    reading = reader.ReplikkMarkdownReader.reading

    def counted(self, source_path, text):
        made.append(Path(source_path).name)
        return reading(self, source_path, text)

    monkeypatch.setattr(reader.ReplikkMarkdownReader, "reading", counted)
    return made


@pytest.fixture
def scenario(tmp_path: Path) -> Callable[[str], Path]:
    """A writable copy of a scenario under tests/data."""

    def _copy(name: str) -> Path:
        target = tmp_path / "content"
        shutil.copytree(DATA / name, target)
        return target

    return _copy


# --- a browser on a served site -------------------------------------------

CHROMIUM = Path(CHROMIUM_PATH)


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 on a free port; yield its base URL."""
    handler = partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture(scope="session")
def sample_url(sample_site: Site) -> Iterator[str]:
    with serve(sample_site.output) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (which downloads no browser here)."""
    if not CHROMIUM.exists():
        pytest.skip(
            "needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()
