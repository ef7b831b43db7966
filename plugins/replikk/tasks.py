"""The tasks every Replikk site runs: ``invoke --list`` shows them.

A site's ``tasks.py`` is two lines (``replikk init`` writes them)::

    from pathlib import Path
    from pelican.plugins.replikk.tasks import collection

    ns = collection(Path(__file__).resolve().parent)

so an upgrade of Replikk brings its tasks to every site. The site's folder
(where ``pelicanconf.py``, ``publishconf.py``, ``content/`` and ``output/``
are) is the collection's configuration, ``replikk.root``. Imports are made in
the tasks, so ``invoke --list`` stays fast.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from invoke import Collection, task

HOST = "127.0.0.1"
PORT = 8000


@dataclass(frozen=True)
class Site:
    """Where a site's files are."""

    root: Path

    @property
    def settings(self) -> Path:
        return self.root / "pelicanconf.py"

    @property
    def publish_settings(self) -> Path:
        return self.root / "publishconf.py"

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def cache(self) -> Path:
        return self.root / "cache"


def _site_of(c) -> Site:
    return Site(Path(c.config.replikk.root))


def collection(root: Path) -> Collection:
    """This module's tasks for the site in ``root``."""
    tasks = Collection.from_module(sys.modules[__name__])
    tasks.configure({"replikk": {"root": str(Path(root).resolve())}})
    return tasks


def ensure_pagefind(root: Path) -> None:
    """Install the Pagefind the site pins (``npm ci``) if it is not there.

    Search is made by npm's Pagefind at the one version the plugin accepts;
    ``replikk init`` writes the ``package.json`` and ``package-lock.json``
    that pin it. A site that has them but no ``node_modules/`` yet (a fresh
    clone) gets it here, once, as ``npm ci`` would; without npm it is left
    to the build, which says what is missing.
    """
    from .search import installed_path

    if installed_path({"PATH": str(root)}) is not None:  # where the build looks
        return
    if not (root / "package-lock.json").is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        return
    print(
        "Pagefind is not installed here: running `npm ci` (package-lock.json pins it)"
    )
    subprocess.run(
        [npm, "ci", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=root,
        check=False,
    )


def _build(site: Site, settings: Path, **override) -> bool:
    """Build; print every problem. False (and the last good site kept) on errors."""
    from .build import build
    from .policy import PolicyError
    from .problems import ContentError, summary
    from .search import SearchIndexError

    try:
        result = build(settings, override)
    except (ContentError, SearchIndexError, PolicyError) as exc:
        print(exc, file=sys.stderr)
        return False
    if result.problems.warnings:
        print(result.problems.report(site.root), file=sys.stderr)
        print(summary(result.problems), file=sys.stderr)
    print(f"Site written to {result.output}")
    return True


@task
def build(c):
    """Build the site for local preview into output/ (pelicanconf.py)."""
    site = _site_of(c)
    ensure_pagefind(site.root)
    if not _build(site, site.settings):
        sys.exit(1)


@task
def publish(c):
    """Build the site for publishing into output/ (publishconf.py): the publish
    policy (PUBLISH_REQUIRES, placeholders) is applied, any gap stops it."""
    site = _site_of(c)
    ensure_pagefind(site.root)
    if not _build(site, site.publish_settings):
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
    site = _site_of(c)
    from .build import check as check_content
    from .policy import PolicyError
    from .problems import summary

    if for_ not in ("", "publish"):
        print(f"check: --for {for_!r}: the one choice is 'publish'", file=sys.stderr)
        sys.exit(2)
    for_publish = for_ == "publish"
    settings = site.publish_settings if for_publish else site.settings
    try:
        result = check_content(settings, for_publish=for_publish)
    except PolicyError as exc:
        print(f"check: {exc}", file=sys.stderr)
        sys.exit(1)
    problems = result.problems
    context = result.context or {}
    drafts = sorted(
        str(Path(a.source_path).resolve().relative_to(site.root))
        for a in context.get("drafts", [])
    )
    if format == "json":
        print(_check_json(site.root, problems, for_publish, drafts, context))
    else:
        if problems.items:
            print(problems.report(site.root))
        if for_publish and drafts:
            print(f"Drafts, checked as they will be published: {', '.join(drafts)}")
        print(summary(problems))
    if problems.errors:
        sys.exit(1)


def _check_json(
    root: Path, problems, for_publish: bool, drafts: list[str], context
) -> str:
    """The check's report as JSON, with the publish policy it applied."""
    import json

    from .policy import policy_of

    report = json.loads(problems.report_json(root))
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
def serve(c, port=PORT, site=""):
    """Serve output/ on http://127.0.0.1:8000, with its 404 page (build first)."""
    from .server import SiteServer

    server = SiteServer(Path(site) if site else _site_of(c).output, (HOST, int(port)))
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
def livereload(c, port=PORT, path=""):
    """Serve output/, rebuild on every change to content or theme, reload the page.

    The first build is the whole site (or a preview of --path); after it,
    every rebuild is a preview of the articles changed since livereload
    started (and --path): fast at any archive size."""
    site = _site_of(c)
    from livereload import Server

    from .build import settings_for
    from .preview import changed_articles
    from .server import LivereloadHandler

    focused = comma_list(path)
    settings = settings_for(site.settings)
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
            _preview(site, site.settings, focused, **cached)
        else:
            _build(site, site.settings, **cached)

    rebuild()
    server = Server()
    server.SFH = LivereloadHandler  # the site's 404.html for a missing path
    # Plugin code is imported once: restart livereload after changing it.
    # templates/ holds a site's own templates (THEME_TEMPLATES_OVERRIDES).
    for pattern in ("content/**/*", "theme/**/*", "templates/**/*"):
        server.watch(str(site.root / pattern), rebuild)
    server.serve(host=HOST, port=int(port), root=str(site.output))


def comma_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _preview(site: Site, settings: Path, paths: list[str], **override) -> bool:
    """A focused build of the articles; print what it holds."""
    from .build import preview
    from .preview import PreviewError
    from .problems import ContentError, counted
    from .search import SearchIndexError

    try:
        result, chosen = preview(settings, paths, override)
    except (ContentError, SearchIndexError, PreviewError) as exc:
        print(exc, file=sys.stderr)
        return False
    if result.problems.warnings:
        print(result.problems.report(site.root), file=sys.stderr)
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
    site = _site_of(c)
    paths = comma_list(path)
    if not paths:
        print("preview: name at least one article file", file=sys.stderr)
        sys.exit(1)
    if not _preview(
        site, site.settings, paths, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True
    ):
        sys.exit(1)


@task
def clean(c):
    """Remove output/, the content cache, and what builds keep beside output/."""
    site = _site_of(c)
    output = site.output
    # folders an interrupted build left (.output-*, .pagefind-*)
    left = [
        *output.parent.glob(f".{output.name}-*"),
        *output.parent.glob(".pagefind-*"),
    ]
    for path in (output, site.cache, *left):
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
    site = _site_of(c)
    from .build import check as check_content
    from .scaffold import ScaffoldError, scaffold

    result = check_content(site.settings)
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
    print(path.relative_to(site.root))


@task(
    help={
        "out": "the file to write, in a folder that exists",
        "since": "only articles published or changed on or after this day, YYYY-MM-DD",
    }
)
def crossref(c, out=None, since=None):
    """Write the debates' relations as one Crossref deposit file (publishconf.py)."""
    site = _site_of(c)
    from .citations.deposit import DepositError, write_deposit
    from .problems import counted

    try:
        written = write_deposit(site.publish_settings, out, since)
    except DepositError as exc:
        print(f"crossref: {exc}", file=sys.stderr)
        sys.exit(1)
    if written.problems.warnings:
        print(written.problems.report(site.root), file=sys.stderr)
    print(
        f"Wrote {counted(written.relations, 'relation')} of"
        f" {counted(written.articles, 'article')}"
        f" to {written.path} (batch {written.batch_id})"
    )


def site_or_build(c, site: str, rebuild: bool) -> Path:
    """The built site a tool looks at: ``site``, or output/ (built if missing)."""
    if site:
        return Path(site)
    here = _site_of(c)
    if (rebuild or not (here.output / "index.html").exists()) and not _build(
        here, here.settings
    ):
        sys.exit(1)
    return here.output


@task(
    name="import-jats",
    help={
        "paths": "JATS XML files or folders of them, comma-separated",
        "into": "the folder to write the articles into (default content/imported)",
        "dry_run": "show what would be written, write nothing",
        "skip_bad": "write the files that import, list the ones that do not",
        "force": "overwrite articles edited since their last import",
    },
)
def import_jats(c, paths, into="", dry_run=False, skip_bad=False, force=False):
    """Import JATS XML articles (and their sub-articles) as Markdown, replies linked."""
    site = _site_of(c)
    from .build import settings_for
    from .jats import run

    settings = settings_for(site.settings)
    content = Path(settings["PATH"])
    status = run(
        [Path(p) for p in comma_list(paths)],
        Path(into) if into else content / "imported",
        content=content,
        settings=settings,
        dry_run=dry_run,
        skip_bad=skip_bad,
        force=force,
    )
    if status:
        sys.exit(status)
