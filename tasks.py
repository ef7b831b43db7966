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
    from replikk.policy import PolicyError
    from replikk.problems import ContentError, summary
    from replikk.search import SearchIndexError

    try:
        result = build(settings, override)
    except (ContentError, SearchIndexError, PolicyError) as exc:
        print(exc, file=sys.stderr)
        return False
    if result.problems.warnings:
        print(result.problems.report(ROOT), file=sys.stderr)
        print(summary(result.problems), file=sys.stderr)
    print(f"Site written to {result.output}")
    return True


@task
def build(c):
    """Build the site for local preview into output/ (pelicanconf.py)."""
    if not _build(CONFIG["settings"]):
        sys.exit(1)


@task
def publish(c):
    """Build the site for publishing into output/ (publishconf.py): the publish
    policy (PUBLISH_REQUIRES, placeholders) is applied, any gap stops it."""
    if not _build(CONFIG["publish_settings"]):
        sys.exit(1)


@task(
    name="check",
    help={
        "format": "text (default) or json",
        "for": "publish: check every article, drafts too, the way publishing"
        " will (publishconf.py: what PUBLISH_REQUIRES names and scaffold"
        " placeholders are errors)",
    },
)
def check(c, format="text", for_=""):
    """Validate all content without writing a site; exit 1 on any error."""
    from replikk.build import check as check_content
    from replikk.policy import PolicyError
    from replikk.problems import summary

    if for_ not in ("", "publish"):
        print(f"check: --for {for_!r}: the one choice is 'publish'", file=sys.stderr)
        sys.exit(2)
    for_publish = for_ == "publish"
    settings = CONFIG["publish_settings" if for_publish else "settings"]
    try:
        result = check_content(settings, for_publish=for_publish)
    except PolicyError as exc:
        print(f"check: {exc}", file=sys.stderr)
        sys.exit(1)
    problems = result.problems
    context = result.context or {}
    drafts = sorted(
        str(Path(a.source_path).resolve().relative_to(ROOT))
        for a in context.get("drafts", [])
    )
    if format == "json":
        print(_check_json(problems, for_publish, drafts, context))
    else:
        if problems.items:
            print(problems.report(ROOT))
        if for_publish and drafts:
            print(f"Drafts, checked as they will be published: {', '.join(drafts)}")
        print(summary(problems))
    if problems.errors:
        sys.exit(1)


def _check_json(problems, for_publish: bool, drafts: list[str], context) -> str:
    """The check's report as JSON, with the publish policy it applied."""
    import json

    from replikk.policy import policy_of

    report = json.loads(problems.report_json(ROOT))
    applied = policy_of(context)
    report["policy"] = {
        "for": "publish" if for_publish else None,
        "requires": list(applied.requires),
        "severity": str(applied.severity or "ignore"),
        "drafts_checked": drafts if for_publish else [],
    }
    return json.dumps(report, ensure_ascii=False, indent=2)


@task(
    help={
        "port": "port on 127.0.0.1 (default 8000)",
        "site": "the built site to serve (default output/)",
    }
)
def serve(c, port=CONFIG["port"], site=""):
    """Serve output/ on http://127.0.0.1:8000, with its 404 page (build first)."""
    from tools.server import SiteServer

    server = SiteServer(
        Path(site) if site else CONFIG["output"], (CONFIG["host"], int(port))
    )
    print(f"Serving {server.root} at {server.url}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
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
    from tools.server import LivereloadHandler

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
    server.SFH = LivereloadHandler  # the site's 404.html for a missing path
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
    from replikk.problems import ContentError, counted
    from replikk.search import SearchIndexError

    try:
        result, chosen = preview(settings, paths, override)
    except (ContentError, SearchIndexError, PreviewError) as exc:
        print(exc, file=sys.stderr)
        return False
    if result.problems.warnings:
        print(result.problems.report(ROOT), file=sys.stderr)
    print(
        f"Preview written to {result.output}:"
        f" {counted(len(chosen.articles), 'article')}"
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
        "title": "the title (a reply without one gets a placeholder to replace)",
        "author": "an author's name, repeat for several (a reply without one"
        " gets a placeholder)",
        "reply_to": "slug, DOI or URL of what this answers (omit for a new article)",
        "lang": "nb, nn or en (default: the answered article's, else DEFAULT_LANG)",
    },
)
def new(c, title="", author=None, reply_to=None, lang=None):
    """Scaffold a reply (--reply-to; a draft) or a new article; print its path."""
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
            lang=lang,
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
    from replikk.problems import counted

    try:
        written = write_deposit(CONFIG["publish_settings"], out, since)
    except DepositError as exc:
        print(f"crossref: {exc}", file=sys.stderr)
        sys.exit(1)
    if written.problems.warnings:
        print(written.problems.report(ROOT), file=sys.stderr)
    print(
        f"Wrote {counted(written.relations, 'relation')} of"
        f" {counted(written.articles, 'article')}"
        f" to {written.path} (batch {written.batch_id})"
    )


def _site(site: str, rebuild: bool) -> Path:
    """The built site a tool looks at: ``site``, or output/ (built if missing)."""
    if site:
        return Path(site)
    output = CONFIG["output"]
    if (rebuild or not (output / "index.html").exists()) and not _build(
        CONFIG["settings"]
    ):
        sys.exit(1)
    return output


@task(
    help={
        "out": "the folder to write into (default build/screenshots)",
        "width": "viewport widths, comma-separated (default 1280,390)",
        "scheme": "colour schemes, comma-separated (default light,dark)",
        "kinds": "page kinds, comma-separated (default all; a wrong one lists them)",
        "site": "a built site to use (default output/, built if missing)",
        "rebuild": "build output/ first even if it exists",
    }
)
def screenshots(
    c,
    out="",
    width="1280,390",
    scheme="light,dark",
    kinds="",
    site="",
    rebuild=False,
):
    """Screenshot one page of every page kind at each width and colour scheme."""
    from tools.pages import NoPageError, kinds_from
    from tools.screenshots import take

    folder = Path(out) if out else ROOT / "build" / "screenshots"
    try:
        chosen = kinds_from(kinds)
        written = take(
            _site(site, rebuild),
            folder,
            widths=[int(w) for w in _paths(width)],
            schemes=_paths(scheme),
            kinds=chosen,
        )
    except NoPageError as exc:
        print(f"screenshots: {exc}", file=sys.stderr)
        sys.exit(1)
    print(f"Wrote {len(written)} screenshots to {folder}")


@task(
    help={
        "kinds": "page kinds, comma-separated (default all; a wrong one lists them)",
        "json": "also write the scores and failing audits as JSON to this file",
        "min": "the lowest score that passes (default 100)",
        "site": "a built site to use (default output/, built if missing)",
        "rebuild": "build output/ first even if it exists",
    }
)
def lighthouse(c, kinds="", json="", min=100, site="", rebuild=False):
    """Run Lighthouse on one page of every page kind; exit 1 on a score under --min."""
    from tools.lighthouse import LighthouseError, as_json, below, run, table
    from tools.pages import NoPageError, kinds_from

    def progress(report):
        scores = " ".join(f"{k} {v}" for k, v in report.scores.items())
        print(f"{report.page.kind}: {scores or report.error}", file=sys.stderr)

    try:
        reports = run(_site(site, rebuild), ROOT, kinds_from(kinds), progress)
    except (NoPageError, LighthouseError) as exc:
        print(f"lighthouse: {exc}", file=sys.stderr)
        sys.exit(1)
    print(table(reports))
    if json:
        Path(json).write_text(as_json(reports) + "\n", encoding="utf-8")
    failed = [r.page.kind for r in reports if below(r, int(min))]
    if failed:
        print(f"\nUnder {min}: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)
