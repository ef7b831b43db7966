"""Import JATS XML (NISO Z39.96, JATS 1.0–1.3) into the content format.

``.venv/bin/invoke import-jats PATH…`` calls :func:`run`. The modules:

- :mod:`.xml`: the safe parser (no network, no DTD, no entities);
- :mod:`.parse`: an article and its sub-articles → fields (:mod:`.model`);
- :mod:`.markdown`: a body → Markdown; :mod:`.references`: Vancouver;
- :mod:`.authors`: contributors and profiles;
- :mod:`.plan`: the run: slugs, collisions, reply relations, corrections,
  local edits, and the writes, all or none.

docs/importing.md is the editors' guide.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from .model import Imported, Kind, Note
from .parse import JATS_SECTIONS, parse_file
from .plan import Plan, carry_out, make_plan

__all__ = ["JATS_SECTIONS", "Imported", "Note", "parse_file", "run"]

STATUS_WORDS = {
    "new": "new",
    "updated": "updated",
    "unchanged": "unchanged",
    "kept": "kept (edited since the last import; --force replaces it)",
    "replaced": "replaced (edited since the last import; --force)",
}


def run(
    paths: list[Path],
    into: Path,
    *,
    content: Path,
    dry_run: bool = False,
    skip_bad: bool = False,
    force: bool = False,
    out: TextIO = sys.stdout,
    settings: Mapping | None = None,
) -> int:
    """Import the JATS files (or folders of them) in ``paths`` into ``into``.

    Prints the report to ``out``; returns 0 when every file imported, 1 when
    any file had an error (then nothing is written, unless ``skip_bad``: the
    other files are). ``settings`` (the site's, optional) may give
    ``JATS_SECTIONS``, ``DEFAULT_CATEGORY``, ``SLUG_REGEX_SUBSTITUTIONS``,
    ``REPLIKK_AUTHORS_PATH``, ``STATIC_PATHS`` and ``ARTICLE_EXCLUDES``.
    """
    plan = make_plan(
        [Path(p) for p in paths],
        Path(into),
        Path(content),
        dict(settings or {}),
        skip_bad=skip_bad,
        force=force,
    )
    failed = bool(plan.bad) or any(n.kind is Kind.ERROR for n in plan.notes)
    write = not dry_run and (not failed or skip_bad)
    if write:
        carry_out(plan)
    report(plan, out, dry_run=dry_run, wrote=write, skip_bad=skip_bad)
    return 1 if failed else 0


def _shown(path: Path | str) -> str:
    """A path from the working folder when it is under it, else as it is."""
    path = Path(path).absolute()
    here = Path.cwd()
    return os.path.relpath(path, here) if path.is_relative_to(here) else str(path)


def report(
    plan: Plan, out: TextIO, *, dry_run: bool, wrote: bool, skip_bad: bool
) -> None:
    """What was (or would be) written, mapped and not mapped, and why not."""
    failed = bool(plan.bad) or any(n.kind is Kind.ERROR for n in plan.notes)

    def line(text: str = "") -> None:
        out.write(text + "\n")

    if dry_run:
        line("Dry run: nothing is written. The import would write:")
    elif wrote:
        line("Written:")
    else:
        line(
            "Nothing written: every file must import (or give --skip-bad). It would "
            "write:"
        )
    for item in plan.writes:
        status = STATUS_WORDS.get(item.status, item.status)
        line(
            f"  {status:<10} {_shown(item.path)}  ({item.what}, from "
            f"{_shown(item.source)})"
        )
    if not plan.writes:
        line("  (nothing)")
    good = [i for i in plan.items if i.source not in plan.bad]
    mapped = [n for i in good for n in i.notes if n.kind is Kind.MAPPED]
    unmapped = [n for i in good for n in i.notes if n.kind is Kind.UNMAPPED]
    warnings = [n for i in good for n in i.notes if n.kind is Kind.WARNING]
    warnings += [n for n in plan.notes if n.kind is Kind.WARNING]
    for title, notes in (
        ("Mapped", mapped),
        ("Not mapped", unmapped),
        ("Warnings", warnings),
    ):
        if notes:
            line()
            line(f"{title}:")
            for note in notes:
                line("  " + _note(note))
    errors = [n for n in plan.notes if n.kind is Kind.ERROR]
    errors += [n for notes in plan.bad.values() for n in notes]
    if errors:
        line()
        line("Errors:")
        for note in dict.fromkeys(errors):
            line("  " + _note(note))
    if skip_bad and plan.bad:
        line()
        line(
            f"Skipped ({len(plan.bad)}, --skip-bad): "
            + ", ".join(_shown(s) for s in sorted(plan.bad))
        )
    counts: dict[str, int] = {}
    for item in plan.writes:
        counts[item.status] = counts.get(item.status, 0) + 1
    articles = sum(1 for w in plan.writes if w.what in {"article", "sub-article"})
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    line()
    line(
        f"{len(plan.files)} {'file' if len(plan.files) == 1 else 'files'},"
        f" {articles} {'article' if articles == 1 else 'articles'}"
        + (f" ({summary})" if summary else "")
        + f"; {len(errors)} {'error' if len(errors) == 1 else 'errors'},"
        f" {len(warnings)} {'warning' if len(warnings) == 1 else 'warnings'}"
        + ("" if not failed or wrote else "; nothing written")
    )


def _note(note: Note) -> str:
    where = _shown(note.source) + (f" {note.xpath}" if note.xpath else "")
    return f"{where}: {note.message}"
