"""The build benchmark: ``invoke bench`` (or ``python benchmarks/run.py``).

For each size it writes a synthetic archive (``synth.py``) and builds it, each
configuration in a fresh Python subprocess so that no state leaks between
them and the peak memory is that process's own and its children's
(``ru_maxrss`` from ``os.wait4``: Pagefind's process is one of them):

- ``plain``: plain Pelican 4.12, no plugins, its default theme
  (``notmyidea``), every kind of feed on (Atom and RSS for the site, each
  category, tag, author and translation), typogrify off;
- ``publish``: ``invoke publish`` (``replikk.build.build`` with
  publishconf.py, only PATH/OUTPUT_PATH overridden), cold, no cache, with the
  reading workers it chooses; ``publish-1core``: the same in one process;
- ``cold+cache``: ``invoke build`` with the reading cache on, from empty;
- ``warm``: again with nothing changed (every reading from the cache; the
  rest of the site is made anew, as always);
- ``edit``: again after one article's body was edited;
- ``preview``: ``invoke preview`` of that article, with the scan kept;
  its page and its debate's page are compared, byte for byte, with the
  ``edit`` build's.

``--repeat N`` runs ``plain`` and ``publish`` N times, paired (one after the
other), and the table shows the median of each. It prints one table per size
and can write all results as JSON. Profiles (``--profile DIR``) are written
per configuration with cProfile; profiled runs are slower, so their times are
not the table's.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PLAIN = HERE / "plain_pelicanconf.py"
FULL = ROOT / "pelicanconf.py"
PUBLISH = ROOT / "publishconf.py"


@dataclass
class Run:
    size: int
    config: str
    seconds: float
    cpu_seconds: float
    debate_seconds: float | None
    peak_mb: float
    output_mb: float
    files: int
    ok: bool
    identical: bool | None = None  # preview only: pages as the full build's

    @property
    def ms_per_article(self) -> float:
        return 1000 * self.seconds / self.size


def _worker(config: str, content: str, output: str, cache: str) -> None:
    """Build once in this process (the parent times it and reads its rusage).

    Imports are made here, not at the top: the parent process never imports
    Pelican, and each configuration pays for its own imports.
    """
    override = {"PATH": content, "OUTPUT_PATH": output}
    if config == "plain":
        from pelican import Pelican  # noqa: PLC0415
        from pelican.settings import read_settings  # noqa: PLC0415

        Pelican(read_settings(str(PLAIN), override=override)).run()
        return
    from pelican.plugins.replikk.build import build, preview  # noqa: PLC0415
    from pelican.plugins.replikk.debate import glue  # noqa: PLC0415

    # The debate plugin's own work (graph, validation, context), timed apart.
    spent = [0.0]
    linking = glue.build

    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return linking(*args, **kwargs)
        finally:
            spent[0] += time.process_time() - start

    glue.build = timed
    if config == "publish-1core":
        override["REPLIKK_PROCESSES"] = 1
    cached = not config.startswith("publish")
    override |= {
        "CACHE_CONTENT": cached,
        "LOAD_CONTENT_CACHE": cached,
        "CACHE_PATH": cache,
    }
    try:
        if config == "preview":
            preview(FULL, [_edited(Path(content))], override)
        else:
            build(PUBLISH if config.startswith("publish") else FULL, override)
    finally:
        Path(output).with_suffix(".debate").write_text(str(spent[0]))


def _profiled(args: list[str], target: Path) -> None:
    """Profile in CPU time, not wall time: the machine is shared, and time
    spent waiting for a core is not the build's."""
    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(_worker, *args)
    profiler.dump_stats(target)


def _measure(
    config: str, size: int, folders: tuple[Path, Path, Path], profile: Path | None
) -> Run:
    content, output, cache = folders
    command = [sys.executable, __file__, "--worker", config]
    command += [str(content), str(output), str(cache)]
    if profile is not None:
        profile.mkdir(parents=True, exist_ok=True)
        command.append(str(profile / f"{size}-{config}.prof"))
    log = output.parent / f"{size}-{config}.log"
    # Python keeps its bytecode between runs, as on an author's machine,
    # even where the environment turns that off (a container's default).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with log.open("w") as sink:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=sink, env=env)
        # wait4, not wait: the rusage of this one child, not of all children
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    # The build removes the site it replaced in a process of its own, after it
    # is done; let that finish so it does not slow the next measurement.
    deadline = time.monotonic() + 600
    while list(output.parent.glob(f".{output.name}-old-*")):
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    if process.returncode:
        errors = log.read_text(encoding="utf-8", errors="replace")
        print(f"{config} failed:\n{errors[-3000:]}", file=sys.stderr)
    sizes = [p.stat().st_size for p in output.rglob("*") if p.is_file()]
    debate = output.with_suffix(".debate")
    debate_seconds = float(debate.read_text()) if debate.exists() else None
    debate.unlink(missing_ok=True)
    return Run(
        size=size,
        config=config,
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        debate_seconds=debate_seconds,
        peak_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        output_mb=sum(sizes) / 1e6,
        files=len(sizes),
        ok=process.returncode == 0,
    )


def _edited(content: Path) -> Path:
    """The article the ``edit`` configuration changes (one with a debate)."""
    articles = sorted((content / "artikler").rglob("*.md"))
    middle = len(articles) // 2
    return next(
        path
        for path in articles[middle:] + articles[:middle]
        if "Reply_to:" in path.read_text(encoding="utf-8")
    )


def _edit_one(content: Path) -> Path:
    """Change one article's text the way an editor would, deterministically."""
    victim = _edited(content)
    text = victim.read_text(encoding="utf-8")
    victim.write_text(
        text.replace("\n\n", "\n\nEn rettelse fra redaksjonen.\n\n", 1),
        encoding="utf-8",
    )
    return victim


def _same_pages(preview: Path, full: Path, edited: Path) -> bool:
    """The previewed article's page and its debate's page, as the full build's."""
    head = edited.read_text(encoding="utf-8").split("\n\n", 1)[0]
    slug = next(line for line in head.splitlines() if line.startswith("Slug:"))
    slug = slug.split(":", 1)[1].strip()
    pages = [p for p in preview.glob(f"*/{slug}/index.html")]
    pages += [
        p
        for p in preview.glob("debatt/*/index.html")
        if f"/{slug}/" in p.read_text(encoding="utf-8")
    ]
    return len(pages) >= 2 and all(
        (full / p.relative_to(preview)).read_bytes() == p.read_bytes() for p in pages
    )


def bench_size(
    size: int,
    work: Path,
    profile: Path | None = None,
    only: set[str] | None = None,
    repeat: int = 1,
) -> list[Run]:
    sys.path.insert(0, str(HERE))
    from synth import generate  # noqa: PLC0415 -- benchmarks/ is not a package

    content = work / f"content-{size}"
    start = time.perf_counter()
    summary = generate(content, size)
    print(
        f"\n{size} articles ({summary.replies} replies, {summary.two_targets} to"
        f" two articles, {summary.authors} authors), written in"
        f" {time.perf_counter() - start:.1f} s",
        flush=True,
    )
    runs: list[Run] = []
    cache = work / f"cache-{size}"
    plan = [("plain", "out-plain"), ("publish", "out-publish")] * repeat + [
        ("publish-1core", "out-publish"),
        ("cold+cache", "out-full"),
        ("warm", "out-full"),
        ("edit", "out-full"),
        ("preview", "out-preview"),
        ("preview", "out-preview"),  # the scan kept: what an author waits
    ]
    for config, output in plan:
        if only and config not in only:
            continue
        if config == "edit":
            _edit_one(content)
        run = _measure(config, size, (content, work / output, cache), profile)
        if config == "preview":
            run.identical = _same_pages(
                work / output, work / "out-full", _edited(content)
            )
        runs.append(run)
        print(
            f"  {config:<16} {run.seconds:7.1f} s wall {run.cpu_seconds:7.1f} s CPU"
            f" {run.peak_mb:7.0f} MB",
            flush=True,
        )
    shutil.rmtree(content, ignore_errors=True)
    return runs


LABELS = {
    "plain": "(a) plain Pelican, all feeds",
    "publish": "(c) invoke publish, cold",
    "publish-1core": "(c) invoke publish, cold, one core",
    "cold+cache": "(c) invoke build, writing the cache",
    "warm": "(c) invoke build, nothing changed",
    "edit": "(c) invoke build, one article edited",
    "preview": "(c) invoke preview of that article",
}


def _median(runs: list[Run]) -> Run:
    """The run with the median wall time (the lower middle of an even count)."""
    ordered = sorted(runs, key=lambda r: r.seconds)
    return ordered[(len(ordered) - 1) // 2]


def table(runs: list[Run]) -> str:
    """A Markdown table, one row per configuration (the median where it ran
    several times), ratios to (a)."""
    grouped: dict[tuple[int, str], list[Run]] = {}
    for r in runs:
        grouped.setdefault((r.size, r.config), []).append(r)
    base = {size: _median(rs) for (size, c), rs in grouped.items() if c == "plain"}
    lines = [
        "| N | configuration | runs | wall s | ms/article | × (a) | CPU s"
        " | CPU × (a) | debate % | peak MB | peak × (a) | output MB | files |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (size, config), rs in grouped.items():
        r = _median(rs) if config != "preview" else rs[-1]
        a = base.get(size)
        # Without (a) in this run (--only), there is nothing to compare with.
        ratio = f"{r.seconds / a.seconds:.2f}" if a else "–"
        cpu_ratio = f"{r.cpu_seconds / a.cpu_seconds:.2f}" if a else "–"
        peak_ratio = f"{r.peak_mb / a.peak_mb:.2f}" if a else "–"
        debate = (
            f"{100 * r.debate_seconds / r.cpu_seconds:.1f}"
            if r.debate_seconds is not None
            else "–"
        )
        note = "" if r.ok else " FAILED"
        if r.identical is not None:
            note += " (pages identical)" if r.identical else " (pages DIFFER)"
        lines.append(
            f"| {size:,} | {LABELS[config]}{note} | {len(rs)}"
            f" | {r.seconds:.1f} | {r.ms_per_article:.2f} | {ratio}"
            f" | {r.cpu_seconds:.1f} | {cpu_ratio} | {debate}"
            f" | {r.peak_mb:.0f} | {peak_ratio} | {r.output_mb:.0f} | {r.files:,} |"
        )
    return "\n".join(lines)


def machine() -> dict:
    load = os.getloadavg()
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_before": [round(x, 2) for x in load],
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0]
        info["memory"] = mem.split(":", 1)[1].strip()
    except OSError:
        pass
    return info


def run(
    sizes: list[int],
    json_path: Path | None,
    profile: Path | None,
    only: set[str] | None = None,
    repeat: int = 1,
) -> list[Run]:
    info = machine()
    print("machine:", ", ".join(f"{k} {v}" for k, v in info.items()))
    work = Path(tempfile.mkdtemp(prefix="replikk-bench-"))
    runs: list[Run] = []
    try:
        for size in sizes:  # one at a time: the machine has two cores
            runs += bench_size(size, work, profile, only, repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    info["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print()
    print(table(runs))
    if json_path:
        json_path.write_text(
            json.dumps(
                {
                    "machine": info,
                    "runs": [
                        asdict(r) | {"ms_per_article": r.ms_per_article} for r in runs
                    ],
                },
                indent=2,
            ),
            encoding="utf-8",
        )
        print(f"\nresults written to {json_path}")
    return runs


def parse_sizes(values: list[str]) -> list[int]:
    sizes = [int(v) for value in values for v in value.split(",") if v.strip()]
    return sizes or [1000]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        if len(sys.argv) > 6:
            _profiled(sys.argv[2:6], Path(sys.argv[6]))
        else:
            _worker(*sys.argv[2:6])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", action="append", default=[])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--profile", type=Path, help="write cProfile files here")
    parser.add_argument(
        "--repeat", type=int, default=1, help="paired runs of plain and publish"
    )
    parser.add_argument(
        "--only", help=f"comma list of configurations to run: {','.join(LABELS)}"
    )
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    run(parse_sizes(args.articles), args.json, args.profile, only, args.repeat)


if __name__ == "__main__":
    main()
