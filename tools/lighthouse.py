"""Google Lighthouse on one page of every page kind (``invoke lighthouse``).

Lighthouse (npm, pinned in package.json) drives Debian's Chromium
(``CHROME_PATH``), so nothing is downloaded, and audits a site served on
localhost by the same server as ``invoke serve``: mobile form factor,
simulated throttling (computed from one unthrottled load, so it needs no
network). ``robots-txt`` and ``is-crawlable`` read the site's own
``/robots.txt`` from that server.

package.json pins ``third-party-web`` and ``legacy-javascript`` with
``overrides``: a Lighthouse dependency asks for them as ``latest``, which
would put package-lock.json out of date (and ``npm ci`` in error) the day
either publishes a new version."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from pelican.plugins.replikk.server import served
from tools import chromium
from tools.pages import Page, pick

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = " ".join(("--headless=new", *chromium.ARGS))
TIMEOUT_S = 120  # one page; Lighthouse itself gives a load 45 s
DETAILS = 3  # the first few elements or URLs named with each failing audit


class LighthouseError(Exception):
    """Lighthouse could not be run, or could not audit a page."""


@dataclass
class Failure:
    """An audit that cost its category points."""

    category: str
    id: str
    title: str
    score: float
    display: str = ""
    details: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Lighthouse's scores (0–100) for one page, and what failed."""

    page: Page
    scores: dict[str, int | None]
    failures: list[Failure]
    error: str = ""
    raw: dict = field(default_factory=dict, repr=False)


def _detail(item: dict) -> str:
    """An element's HTML (or a URL, or a message), and the reason if given."""
    node = item.get("node") or item.get("source")
    if not isinstance(node, dict):  # errors-in-console's source is a word
        node = {}
    text = ""
    for value in (
        node.get("snippet"),
        node.get("selector"),
        item.get("url"),
        (item.get("sourceLocation") or {}).get("url"),
        item.get("description"),
    ):
        if value:
            text = " ".join(str(value).split())
            break
    reasons = [
        str(sub.get("reason"))
        for sub in (item.get("subItems") or {}).get("items") or []
        if sub.get("reason")
    ]
    if reasons:
        text += f" — {'; '.join(dict.fromkeys(reasons))}"
    return text[:200]


def _failures(result: dict) -> list[Failure]:
    found = []
    audits = result["audits"]
    for name, category in result["categories"].items():
        if category["score"] is None or category["score"] >= 1:
            continue
        for ref in category["auditRefs"]:
            audit = audits[ref["id"]]
            score = audit.get("score")
            # Weight 0: a hint that does not count towards the score.
            if not ref.get("weight") or score is None or score >= 1:
                continue
            items = (audit.get("details") or {}).get("items") or []
            details = [d for d in map(_detail, items) if d][:DETAILS]
            found.append(
                Failure(
                    name,
                    ref["id"],
                    audit["title"],
                    score,
                    audit.get("displayValue") or "",
                    details,
                )
            )
    return found


def _forgive_own_status(result: dict, url: str) -> None:
    """On the 404 page, Chromium logs the page's own 404 as a console error:
    pass ``errors-in-console`` if that is its only error, and score its
    categories again (Lighthouse's score: the weighted mean of the audits)."""
    console = result["audits"].get("errors-in-console") or {}
    items = (console.get("details") or {}).get("items") or []
    own = [i for i in items if (i.get("sourceLocation") or {}).get("url") == url]
    if not own:
        return
    if len(own) < len(items):  # other errors: show those
        console["details"]["items"] = [i for i in items if i not in own]
        return
    console["score"] = 1
    for category in result["categories"].values():
        refs = [r for r in category["auditRefs"] if r.get("weight")]
        if not any(r["id"] == "errors-in-console" for r in refs):
            continue
        scored = [
            (r["weight"], result["audits"][r["id"]]["score"])
            for r in refs
            if result["audits"][r["id"]].get("score") is not None
        ]
        total = sum(weight for weight, _ in scored)
        category["score"] = sum(w * s for w, s in scored) / total if total else None


def audit(url: str, page: Page, lighthouse: Path, chrome: str) -> Report:
    """Run Lighthouse on one URL."""
    if not page.path.endswith(("/", ".html")):
        # Lighthouse refuses a document that is not HTML (NOT_HTML).
        return Report(page, {}, [], "not audited: Lighthouse audits HTML only")
    command = [
        str(lighthouse),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--throttling-method=simulate",
    ]
    if page.kind == "404":
        # Its status is meant: load it anyway, and leave out the audit of it.
        command += ["--ignore-status-code", "--skip-audits=http-status-code"]
    env = {**os.environ, "CHROME_PATH": chrome}
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=env,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Report(page, {}, [], f"no result in {TIMEOUT_S} s")
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Report(page, {}, [], f"exit {done.returncode}: {last}")
    if page.kind == "404":
        _forgive_own_status(result, url)
    scores = {
        name: None if c["score"] is None else round(c["score"] * 100)
        for name, c in result["categories"].items()
    }
    error = (result.get("runtimeError") or {}).get("code", "")
    return Report(page, scores, _failures(result), error, result)


def run(
    site: Path, root: Path, kinds: list[str] | None = None, progress=None
) -> list[Report]:
    """Audit one page of each kind of a built site, one after the other (so
    one page's load does not slow another's)."""
    lighthouse = root / "node_modules" / ".bin" / "lighthouse"
    if not lighthouse.exists():
        raise LighthouseError(f"{lighthouse} is missing: run `npm ci`")
    chrome = os.environ.get("CHROME_PATH", chromium.DEFAULT)
    if not Path(chrome).exists():
        raise LighthouseError(f"no Chromium at {chrome} (set CHROME_PATH)")
    pages = pick(site, kinds)
    reports = []
    with served(site) as base:
        for page in pages:
            # The search page as it shows results: the query in its URL.
            query = f"?q={quote(page.query)}" if page.query else ""
            report = audit(base + page.path + query, page, lighthouse, chrome)
            if progress:
                progress(report)
            reports.append(report)
    return reports


def below(report: Report, minimum: int) -> bool:
    """Whether a page failed: a score under ``minimum``, or no result (a page
    not audited on purpose, such as a feed, does not fail)."""
    if report.error.startswith("not audited"):
        return False
    return bool(report.error) or any(
        score is None or score < minimum for score in report.scores.values()
    )


def table(reports: list[Report]) -> str:
    """The four scores per page, then every failing audit of each page."""
    short = {"performance": "perf", "accessibility": "a11y"}
    short |= {"best-practices": "best", "seo": "seo"}
    kind_width = max([len("kind"), *(len(r.page.kind) for r in reports)])
    head = f"{'kind':<{kind_width}} " + " ".join(f"{short[c]:>4}" for c in CATEGORIES)
    lines = [head + "  page", "-" * (len(head) + 6)]
    for report in reports:
        cells = []
        for name in CATEGORIES:
            score = report.scores.get(name)
            cells.append(f"{'-' if score is None else score:>4}")
        note = f"  ({report.error})" if report.error else ""
        lines.append(
            f"{report.page.kind:<{kind_width}} {' '.join(cells)}  {report.page.path}"
            + note
        )
    for report in reports:
        if not report.failures:
            continue
        lines += ["", f"{report.page.kind} {report.page.path}"]
        for failure in report.failures:
            shown = f" ({failure.display})" if failure.display else ""
            lines.append(
                f"  {failure.category}: {failure.id} — {failure.title}{shown}"
                f" [score {failure.score:.2f}]"
            )
            lines += [f"      {detail}" for detail in failure.details]
    return "\n".join(lines)


def as_json(reports: list[Report]) -> str:
    """Scores and failing audits per page, for tools (not Lighthouse's own
    whole report, which is large)."""
    return json.dumps(
        [
            {
                "kind": r.page.kind,
                "path": r.page.path,
                "scores": r.scores,
                "error": r.error,
                "failures": [f.__dict__ for f in r.failures],
            }
            for r in reports
        ],
        ensure_ascii=False,
        indent=2,
    )
