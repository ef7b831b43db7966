"""Problems found in content, and the one error that stops a build.

Every check in Replikk reports a :class:`Problem` naming the file, the field,
the value and what is wrong. A build collects all of them, then stops once with
:class:`ContentError` if any is an error, so an author sees every mistake in
one run. Plain Python: no Pelican here.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one field of one file."""

    source: str
    message: str
    field: str | None = None
    value: str | None = None
    hint: str | None = None
    line: int | None = None
    severity: Severity = Severity.ERROR

    def path(self, base: Path | None = None) -> str:
        """The file's path, relative to ``base`` where possible."""
        path = Path(self.source)
        if base is not None:
            with suppress(ValueError):
                path = path.resolve().relative_to(base.resolve())
        return str(path)

    def located(self, base: Path | None = None) -> str:
        """``path:line``, or the path alone when the line is unknown."""
        path = self.path(base)
        return f"{path}:{self.line}" if self.line else path

    def format(self, base: Path | None = None) -> str:
        """The one-line message an author reads: ``path:line: severity: …``."""
        where = self.located(base)
        text = f"{where}: {self.severity}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text

    def as_json(self, base: Path | None = None) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        data["source"] = self.path(base)
        return data


@dataclass
class Problems:
    """The problems of one build, in the order they were found."""

    items: list[Problem] = field(default_factory=list)
    # Files refused for their errors, with what later checks still look at
    # (an article's Reply_to, checked by the debate graph), so that a file's
    # every problem is reported in one run.
    refused: dict[str, dict[str, object]] = field(default_factory=dict)

    def refuse(self, source: str, metadata: dict[str, object]) -> None:
        self.refused[source] = {"reply_to": metadata.get("reply_to")}

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def error(self, source: str, message: str, **details: object) -> None:
        self.add(Problem(source, message, **details))  # type: ignore[arg-type]

    def warning(self, source: str, message: str, **details: object) -> None:
        self.add(Problem(source, message, severity=Severity.WARNING, **details))  # type: ignore[arg-type]

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]

    def locate(self) -> None:
        """Fill in the line of each problem's field, read from its file's header."""
        headers: dict[str, dict[str, int] | None] = {}
        for i, problem in enumerate(self.items):
            if problem.line or not problem.field:
                continue
            if problem.source not in headers:
                headers[problem.source] = _header_lines(Path(problem.source))
            lines = headers[problem.source]
            if lines is not None:  # a missing field is reported at line 1
                line = lines.get(problem.field.lower(), 1)
                self.items[i] = replace(problem, line=line)

    def sorted(self) -> list[Problem]:
        """Problems grouped by file, then by line, errors before warnings."""
        return sorted(
            self.items,
            key=lambda p: (p.source, p.line or 0, p.severity != Severity.ERROR),
        )

    def report(self, base: Path | None = None) -> str:
        return "\n".join(p.format(base) for p in self.sorted())

    def report_json(self, base: Path | None = None) -> str:
        return json.dumps(
            {
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "problems": [p.as_json(base) for p in self.sorted()],
            },
            ensure_ascii=False,
            indent=2,
        )


# Where a build keeps its collector: in the settings the runner (build.py)
# hands to Pelican, and so in every generator's context, which Pelican copies
# from the settings for each run.
PROBLEMS = "REPLIKK_PROBLEMS"
# Set by the runner, which prints the problems itself.
RUNNER_REPORTS = "REPLIKK_RUNNER_REPORTS"


def problems_of(context: dict) -> Problems:
    """This build's problems: the runner's collector if it gave one, else a
    new one in this run's context, which Pelican makes anew for every run, so a
    rebuild in the same process starts with none."""
    problems = context.get(PROBLEMS)
    if problems is None:
        problems = context[PROBLEMS] = Problems()
    return problems


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 error``, ``2 errors``: a count and its noun in agreement (the
    messages are English; ``plural`` for a noun not made with -s)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def summary(problems: Problems) -> str:
    """``1 error, 0 warnings``: the last line of a check."""
    return (
        f"{counted(len(problems.errors), 'error')},"
        f" {counted(len(problems.warnings), 'warning')}"
    )


class ContentError(Exception):
    """The content has errors: the build stops before anything is written."""

    exitcode = 1

    def __init__(self, problems: Problems, base: Path | None = None) -> None:
        self.problems = problems
        super().__init__(
            f"{counted(len(problems.errors), 'error')} in content,"
            " nothing was written:\n" + problems.report(base)
        )


def _header_lines(path: Path) -> dict[str, int] | None:
    """Line numbers of the metadata keys at the top of a Markdown file (None if
    the file cannot be read)."""
    found: dict[str, int] = {}
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    break
                key, sep, _ = line.partition(":")
                if sep and key.strip() and " " not in key.strip():
                    found.setdefault(key.strip().lower(), number)
    except OSError:
        return None
    return found


def line_of(path: str | Path, needle: str) -> int | None:
    """The first line of a file that contains ``needle``."""
    try:
        with Path(path).open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if needle in line:
                    return number
    except OSError:
        return None
    return None


def did_you_mean(
    word: str, candidates: Iterable[str], cutoff: float = 0.6
) -> str | None:
    """The candidate closest to ``word``, phrased as a hint, or None."""
    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return f"did you mean {match[0]!r}?" if match else None
