"""Tasks for authors, editors and CI: ``invoke --list`` shows them all.

The site's tasks (build, publish, check, serve, new, …) are Replikk's own,
from the package, as every site made by ``replikk init`` has them; the rest
are this repository's: benchmarks, screenshots and Lighthouse.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from invoke import task

from pelican.plugins.replikk.tasks import collection, comma_list, site_or_build

ROOT = Path(__file__).resolve().parent


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
            site_or_build(c, site, rebuild),
            folder,
            widths=[int(w) for w in comma_list(width)],
            schemes=comma_list(scheme),
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
        reports = run(
            site_or_build(c, site, rebuild), ROOT, kinds_from(kinds), progress
        )
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


ns = collection(ROOT)
for extra in (bench, screenshots, lighthouse):
    ns.add_task(extra)
