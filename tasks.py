"""Tasks for authors, editors and CI: ``invoke --list`` shows them all."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

CONFIG = {
    "settings": ROOT / "pelicanconf.py",
    "publish_settings": ROOT / "publishconf.py",
    "output": ROOT / "output",
    "cache": ROOT / "cache",
    "host": "127.0.0.1",
    "port": 8000,
}


def _build(settings: Path, **override) -> bool:
    """Build; print every problem. False (and the last good site kept) on errors."""
    from replikk.build import build
    from replikk.problems import ContentError
    from replikk.search import SearchIndexError

    try:
        result = build(settings, override)
    except (ContentError, SearchIndexError) as exc:
        print(exc, file=sys.stderr)
        return False
    if result.problems.warnings:
        print(result.problems.report(ROOT), file=sys.stderr)
    print(f"Site written to {result.output}")
    return True


@task
def build(c):
    """Build the site for local preview into output/ (pelicanconf.py)."""
    if not _build(CONFIG["settings"]):
        sys.exit(1)


@task
def publish(c):
    """Build the site for publishing into output/ (publishconf.py)."""
    if not _build(CONFIG["publish_settings"]):
        sys.exit(1)


@task(help={"format": "text (default) or json"})
def check(c, format="text"):
    """Validate all content without writing a site; exit 1 on any error."""
    from replikk.build import check as check_content

    result = check_content(CONFIG["settings"])
    problems = result.problems
    if format == "json":
        print(problems.report_json(ROOT))
    elif problems.items:
        print(problems.report(ROOT))
    if format != "json":
        print(f"{len(problems.errors)} errors, {len(problems.warnings)} warnings")
    if problems.errors:
        sys.exit(1)


@task(help={"port": "port on 127.0.0.1 (default 8000)"})
def serve(c, port=CONFIG["port"]):
    """Serve output/ on http://127.0.0.1:8000 (build first)."""
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

    server = RootedHTTPServer(
        str(CONFIG["output"]),
        (CONFIG["host"], int(port)),
        ComplexHTTPRequestHandler,
    )
    print(f"Serving {CONFIG['output']} at http://{CONFIG['host']}:{port}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


@task(
    help={
        "port": "port on 127.0.0.1 (default 8000)",
        "path": "preview only these articles (comma-separated), fast at any size",
    }
)
def livereload(c, port=CONFIG["port"], path=""):
    """Serve output/, rebuild on every change to content or theme, reload the page.

    The first build is the whole site (or a preview of --path); after it,
    every rebuild is a preview of the articles changed since livereload
    started (and --path): fast at any archive size."""
    from livereload import Server

    from replikk.build import settings_for
    from replikk.preview import changed_articles

    focused = _paths(path)
    settings = settings_for(CONFIG["settings"])
    seen: dict[str, str] = {}
    changed_articles(settings, seen)  # what the files are at the start

    def rebuild():
        # A build with errors prints them and keeps the last good site served.
        cached = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
        content = Path(settings["PATH"])
        for relative in changed_articles(settings, seen):
            if str(content / relative) not in focused:
                focused.append(str(content / relative))
        if focused:
            _preview(CONFIG["settings"], focused, **cached)
        else:
            _build(CONFIG["settings"], **cached)

    rebuild()
    server = Server()
    # Plugin code is imported once: restart livereload after changing it.
    for pattern in ("content/**/*", "theme/**/*"):
        server.watch(str(ROOT / pattern), rebuild)
    server.serve(host=CONFIG["host"], port=int(port), root=str(CONFIG["output"]))


def _paths(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _preview(settings: Path, paths: list[str], **override) -> bool:
    """A focused build of the articles; print what it holds."""
    from replikk.build import preview
    from replikk.preview import PreviewError
    from replikk.problems import ContentError
    from replikk.search import SearchIndexError

    try:
        result, chosen = preview(settings, paths, override)
    except (ContentError, SearchIndexError, PreviewError) as exc:
        print(exc, file=sys.stderr)
        return False
    if result.problems.warnings:
        print(result.problems.report(ROOT), file=sys.stderr)
    print(
        f"Preview written to {result.output}: {len(chosen.articles)} articles"
        " (those given, their debates, what they cite and who cites them)."
        " Their pages and their debates' pages are as the full site will show"
        " them; lists, feeds and search show only these articles."
    )
    return True


@task(help={"path": "the article(s) to preview, comma-separated"})
def preview(c, path):
    """Build a focused preview of articles into output/: fast at any archive size."""
    paths = _paths(path)
    if not paths:
        print("preview: name at least one article file", file=sys.stderr)
        sys.exit(1)
    if not _preview(
        CONFIG["settings"], paths, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True
    ):
        sys.exit(1)


@task
def clean(c):
    """Remove output/, the content cache, and what builds keep beside output/."""
    output = CONFIG["output"]
    # folders an interrupted build left (.output-*, .pagefind-*)
    left = [
        *output.parent.glob(f".{output.name}-*"),
        *output.parent.glob(".pagefind-*"),
    ]
    for path in (output, CONFIG["cache"], *left):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


@task(
    iterable=["author"],
    help={
        "title": "the article's title",
        "author": "an author's name (repeat for several)",
        "reply_to": "slug, DOI or URL of what this answers (omit for a new article)",
    },
)
def new(c, title="", author=None, reply_to=None):
    """Scaffold a new article, or a reply with --reply-to; print its path."""
    from replikk.build import check as check_content
    from replikk.scaffold import ScaffoldError, scaffold

    result = check_content(CONFIG["settings"])
    context = result.context or {}
    try:
        path = scaffold(
            content=Path(context["PATH"]),
            settings=context,
            graph=context["debate_graph"],
            title=title,
            authors=list(author or []),
            reply_to=reply_to,
        )
    except ScaffoldError as exc:
        print(f"new: {exc}; nothing was written", file=sys.stderr)
        sys.exit(1)
    print(path.relative_to(ROOT))


@task(
    iterable=["articles"],
    help={
        "articles": "archive size, repeatable or a comma list (default 1000)",
        "json": "also write the results as JSON to this file",
        "profile": "write a cProfile file per configuration into this folder",
        "repeat": "paired runs of plain Pelican and publish (median shown)",
        "only": "comma list of configurations (plain,publish,preview,...)",
    },
)
def bench(c, articles=None, json=None, profile=None, repeat=1, only=None):
    """Benchmark plain Pelican against publish, build, edit and preview."""
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py")]
    for value in articles or ["1000"]:
        command += ["--articles", str(value)]
    command += ["--repeat", str(repeat)]
    if only:
        command += ["--only", str(only)]
    if json:
        command += ["--json", str(json)]
    if profile:
        command += ["--profile", str(profile)]
    c.run(" ".join(shlex.quote(part) for part in command), pty=False)


@task(
    help={
        "out": "the file to write, in a folder that exists",
        "since": "only articles published or changed on or after this day, YYYY-MM-DD",
    }
)
def crossref(c, out=None, since=None):
    """Write the debates' relations as one Crossref deposit file (publishconf.py)."""
    from replikk.citations.deposit import DepositError, write_deposit

    try:
        written = write_deposit(CONFIG["publish_settings"], out, since)
    except DepositError as exc:
        print(f"crossref: {exc}", file=sys.stderr)
        sys.exit(1)
    if written.problems.warnings:
        print(written.problems.report(ROOT), file=sys.stderr)
    print(
        f"Wrote {written.relations} relations of {written.articles} articles"
        f" to {written.path} (batch {written.batch_id})"
    )
