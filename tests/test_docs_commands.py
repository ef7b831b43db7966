"""Every command the README, the docs and the site's pages quote works as written.

The README installs into `.venv` and never activates it, so a quoted command
is written `.venv/bin/invoke TASK …` or `.venv/bin/python -m MODULE …`; a bare
`invoke …` or `python -m …` is only right where the text has just said to
activate the environment (`. .venv/bin/activate`). Each quoted `invoke`
command must name a task that exists, with options that task has, as the real
`.venv/bin/invoke --help TASK` lists them (run once per task; nothing is run
for real). Quoted commands are those in shell code blocks (```sh, ```console,
```bash or no language) and in inline code spans. `invoke --help TASK`'s own
text is held to the same rules.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INVOKE = ROOT / ".venv" / "bin" / "invoke"
PYTHON = ROOT / ".venv" / "bin" / "python"

# Texts a reader follows to run something. docs/performance-history.md is left
# out on purpose: it is the dated log of what was measured, with the commands
# as they were run then (some with options since renamed); rewriting them would
# falsify the record, and docs/performance.md holds the current commands.
DOCS = sorted(
    {
        ROOT / "README.md",
        *(ROOT / "docs").glob("*.md"),
        ROOT / "theme" / "README.md",
        *(ROOT / "plugins" / "replikk").glob("**/README.md"),
        *(ROOT / "content" / "pages").glob("*.md"),
    }
    - {ROOT / "docs" / "performance-history.md"}
)

SHELL_LANGUAGES = {"", "sh", "shell", "bash", "zsh", "console", "shell-session"}
# Fences inside list items are indented, so any indent opens one.
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})\s*(?P<lang>[^\s`{]*)")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
# A paragraph ends at a blank line; a heading, a list item and a table row
# each start a block of their own.
BLOCK_START = re.compile(r"^\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s|\|)")
ONE_LINE = re.compile(r"^\s*(#{1,6}\s|\|)")  # a heading, a table row
ACTIVATE = ".venv/bin/activate"
PLACEHOLDER = re.compile(r"<[^<>\s]+>")  # <slug|DOI|URL>, <fil.md>
ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
SEPARATORS = {";", "&&", "||", "|", "&", "(", ")"}
REDIRECTS = {"<", ">", ">>", "<<", ">&", "<&", ">|", "&>"}
INVOKES = {"invoke", "inv"}
ELLIPSES = {"…", "..."}
PYTHONS = re.compile(r"^python3?(\.\d+)?$")
# The one module run with the system's Python: the one that makes .venv.
OUTSIDE_THE_VENV = {"venv"}


@dataclass(frozen=True)
class Command:
    """One quoted command: what runs it, its words after that, where it stands."""

    path: str
    line: int
    program: str  # "invoke" or "python -m"
    head: str  # as written: `.venv/bin/invoke`, `python3`
    args: tuple[str, ...]  # after the program (after `-m` for python)
    in_venv: bool  # written .venv/bin/…
    activated: bool  # the text has just said to activate .venv

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def text(self) -> str:
        head = self.head if self.program == "invoke" else f"{self.head} -m"
        return " ".join([head, *self.args])


def _words(text: str) -> list[str]:
    """Shell words and operators of `text`, comments dropped."""
    text = PLACEHOLDER.sub("PLACEHOLDER", text.replace("\\|", "|"))
    text = text.replace("[", " ").replace("]", " ")  # [--since DAY]: optional
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:  # an unbalanced quote in prose: words as written
        return text.split()


def commands_in(text: str) -> list[tuple[str, str, tuple[str, ...], bool]]:
    """(program, head, args, in_venv) of each `invoke` or `python -m` command in a
    line of shell, including those after `&&`, `;` or a pipe."""
    found = []
    segment: list[str] = []
    skip = False
    for word in [*_words(text), ";"]:
        if skip:
            skip = False
        elif word in REDIRECTS:
            skip = True
        elif word in SEPARATORS:
            while segment and ENV_ASSIGNMENT.match(segment[0]):
                segment.pop(0)
            if segment:
                found.extend(_classify(segment))
            segment = []
        else:
            segment.append(word)
    return found


def _classify(words: list[str]) -> list[tuple[str, str, tuple[str, ...], bool]]:
    head, args = words[0], tuple(words[1:])
    in_venv = head.startswith(".venv/bin/")
    name = head.removeprefix(".venv/bin/")
    if name in INVOKES and (in_venv or args):  # a bare `invoke` names the tool
        return [("invoke", head, args, in_venv)]
    if PYTHONS.match(name) and args[:1] == ("-m",) and len(args) > 1:
        return [("python -m", head, args[1:], in_venv)]
    return []


def _activates(text: str) -> bool:
    """Whether a line of shell activates .venv (`. .venv/bin/activate`)."""
    words = _words(text)
    return any(
        word in {".", "source"} and after == ACTIVATE for word, after in pairwise(words)
    )


def quoted_commands(markdown: str, path: str = "") -> list[Command]:
    """Every command quoted in `markdown`, with its line number."""
    commands: list[Command] = []
    lines = markdown.splitlines()
    block: list[tuple[int, str]] = []

    def prose_block() -> None:
        if not block:
            return
        start, text = block[0][0], "\n".join(line for _, line in block)
        activated = ACTIVATE in text
        for span in CODE_SPAN.finditer(text):
            line = start + text.count("\n", 0, span.start())
            code = " ".join(span.group(2).split())
            commands.extend(
                Command(path, line, *command, activated)
                for command in commands_in(code)
            )
        block.clear()

    index = 0
    while index < len(lines):
        number, line = index + 1, lines[index]
        fence = FENCE.match(line)
        if fence:
            prose_block()
            marker, lang = fence["fence"], fence["lang"].lower()
            closing = re.compile(rf"^\s*{marker[0]}{{{len(marker)},}}\s*$")
            index += 1
            activated = False
            while index < len(lines) and not closing.match(lines[index]):
                number, code = index + 1, lines[index]
                while code.endswith("\\") and index + 1 < len(lines):
                    index += 1
                    code = code[:-1] + " " + lines[index]
                index += 1
                if lang not in SHELL_LANGUAGES:
                    continue
                code = re.sub(r"^\s*[$%] ", "", code)  # a console prompt
                if _activates(code):
                    activated = True
                commands.extend(
                    Command(path, number, *command, activated)
                    for command in commands_in(code)
                )
            index += 1  # the closing fence
            continue
        if not line.strip():
            prose_block()
        else:
            if BLOCK_START.match(line) or (block and ONE_LINE.match(block[-1][1])):
                prose_block()
            block.append((number, line))
        index += 1
    prose_block()
    return commands


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _doc_commands(path: Path) -> list[Command]:
    return quoted_commands(path.read_text(encoding="utf-8"), _relative(path))


# --- What the real invoke says ------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def _option_names(help_text: str, section: str) -> set[str]:
    """The option names (`--format`, `-f`, `--no-x`) a help text lists under
    `section`: only its two-space-indented signature column, so an option
    named in a description does not count."""
    names: set[str] = set()
    lines = help_text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == section)
    except StopIteration:
        return names
    for line in lines[start + 1 :]:
        if line and not line.startswith(" "):
            break
        signature = re.match(r"^  (-\S.*?)(?:\s{2,}|$)", line)
        if not signature:
            continue
        for part in signature.group(1).split(", "):
            name = re.match(r"^(--?)(\[no-\])?([\w-]+)", part)
            if name:
                dashes, negated, word = name.groups()
                names.add(dashes + word)
                if negated:
                    names.add(f"--no-{word}")
    return names


@cache
def task_names() -> frozenset[str]:
    """The tasks `invoke --list` lists (and the list runs at all)."""
    listed = _run(str(INVOKE), "--list", "--list-format=json")
    assert listed.returncode == 0, listed.stderr
    return frozenset(task["name"] for task in json.loads(listed.stdout)["tasks"])


@cache
def task_help(task: str) -> str:
    """What `.venv/bin/invoke --help TASK` prints."""
    shown = _run(str(INVOKE), "--help", task)
    assert shown.returncode == 0, f"invoke --help {task}: {shown.stderr}"
    return shown.stdout


def task_options(task: str) -> frozenset[str]:
    """The options `.venv/bin/invoke --help TASK` lists for `task`."""
    return frozenset(_option_names(task_help(task), "Options:"))


@cache
def core_options() -> frozenset[str]:
    shown = _run(str(INVOKE), "--help")
    assert shown.returncode == 0, shown.stderr
    return frozenset(_option_names(shown.stdout, "Core options:"))


_ARITY = """
import json
from invoke import Collection
from invoke.loader import FilesystemLoader
module, _ = FilesystemLoader(start=".").load("tasks")
tasks = Collection.from_module(module)
print(json.dumps({
    name: {
        "positional": sum(a.positional for a in tasks[name].get_arguments()),
        "values": [
            ("-" if len(n) == 1 else "--") + n
            for a in tasks[name].get_arguments() if a.takes_value for n in a.names
        ],
    }
    for name in tasks.task_names
}))
"""


@cache
def task_arity() -> dict[str, dict]:
    """Which options take a value and how many positional arguments each task
    takes: what `--help` does not show (an iterable option such as `new
    --author` is listed without a value), read from invoke's own task objects."""
    shown = _run(str(PYTHON), "-c", _ARITY)
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


def invoke_problems(args: tuple[str, ...]) -> list[str]:
    """What is wrong with `invoke ARGS`: an unknown task, an option its task
    does not have, an argument no task takes. Empty when invoke would accept it."""
    problems = []
    words = list(args)
    task: str | None = None
    positional_left = 0
    while words:
        word = words.pop(0)
        if word in ELLIPSES:  # `.venv/bin/invoke …`: any task, any options
            break
        if word.startswith("-") and word != "-":
            name, has_value = word.split("=", 1)[0], "=" in word
            if task is None:
                if name not in core_options():
                    problems.append(f"invoke has no core option {name}")
                elif name in {"-h", "--help"} and words and words[0] in task_names():
                    task_options(words.pop(0))  # the help it asks for exists
                continue
            if name not in task_options(task):
                known = ", ".join(sorted(o for o in task_options(task) if "--" in o))
                problems.append(
                    f"`invoke {task}` has no option {name} (it has: {known or 'none'})"
                )
            elif name in task_arity()[task]["values"] and not has_value and words:
                words.pop(0)
        elif task is not None and positional_left:
            positional_left -= 1
        elif word in task_names():
            task = word
            positional_left = task_arity()[task]["positional"]
            task_options(task)
        elif task is None:
            problems.append(f"invoke has no task {word!r}")
            break
        else:
            problems.append(f"`invoke {task}` takes no argument {word!r}")
    return problems


@cache
def modules_found(modules: tuple[str, ...]) -> dict[str, bool]:
    code = (
        "import importlib.util, json, sys;"
        "print(json.dumps({m: importlib.util.find_spec(m) is not None"
        " for m in sys.argv[1:]}))"
    )
    shown = _run(str(PYTHON), "-c", code, *modules)
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


# --- The extractor, on examples -----------------------------------------------

EXAMPLES = [
    # (markdown, [(line, command text, activated)])
    (
        "```sh\n.venv/bin/invoke serve   # serve output/; --format json\n```\n",
        [(2, ".venv/bin/invoke serve", False)],
    ),
    (
        "```console\n$ invoke check --format json\n0 errors\n```\n",
        [(2, "invoke check --format json", False)],
    ),
    (
        "```python\ninvoke = 1\n```\n```markdown\ninvoke check\n```\n",
        [],
    ),
    (
        "```\npython3 -m venv .venv && .venv/bin/pip install x && "
        ".venv/bin/python -m pytest\n```\n",
        [
            (2, "python3 -m venv .venv", False),
            (2, ".venv/bin/python -m pytest", False),
        ],
    ),
    (
        "Then run `.venv/bin/invoke\ncheck` and `REPLIKK_SITEURL=https://x"
        " .venv/bin/invoke publish`.\n",
        [(1, ".venv/bin/invoke check", False), (2, ".venv/bin/invoke publish", False)],
    ),
    (
        '| `invoke new --reply-to <slug\\|DOI\\|URL> --title "…"` | Lager |\n',
        [(1, "invoke new --reply-to PLACEHOLDER --title …", False)],
    ),
    (
        "`invoke crossref --out x.xml [--since ÅÅÅÅ-MM-DD]`, `invoke`, `--path`\n",
        [(1, "invoke crossref --out x.xml --since ÅÅÅÅ-MM-DD", False)],
    ),
    (
        "Activate it once (`. .venv/bin/activate`) and write `invoke check`.\n\n"
        "`invoke build`\n",
        [(1, "invoke check", True), (3, "invoke build", False)],
    ),
    (
        "```sh\ninvoke build\n. .venv/bin/activate\n"
        "invoke check \\\n  --format json\n```\n",
        [(2, "invoke build", False), (4, "invoke check --format json", True)],
    ),
    (
        "1. Build:\n\n   ```sh\n   . .venv/bin/activate && invoke build\n   ```\n",
        [(4, "invoke build", True)],
    ),
    (
        "- `invoke check`\n- Activate (`. .venv/bin/activate`)\n",
        [(1, "invoke check", False)],
    ),
]


@pytest.mark.parametrize(("markdown", "expected"), EXAMPLES)
def test_quoted_commands_are_found_in_code_blocks_and_spans(markdown, expected):
    found = [(c.line, c.text, c.activated) for c in quoted_commands(markdown)]
    assert found == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("check", "--format", "json"), []),
        (("preview", "content/a.md"), []),
        (("new", "--author", "A", "--author", "B", "--title", "T"), []),
        (("--list",), []),
        (("build", "serve", "--port", "8001"), []),
        (("chekc",), ["invoke has no task 'chekc'"]),
        (("check", "--strict"), ["`invoke check` has no option --strict"]),
        (("check", "content/a.md"), ["`invoke check` takes no argument"]),
    ],
)
def test_invoke_problems_follow_invokes_parser(args, expected):
    problems = invoke_problems(args)
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start)


# --- The texts ----------------------------------------------------------------


def test_invoke_list_runs():
    listed = _run(str(INVOKE), "--list")
    assert listed.returncode == 0, listed.stderr
    assert {"build", "check", "new", "preview", "publish"} <= task_names()


def test_the_quick_start_is_found():
    # If the extractor stopped finding commands, every test below would pass.
    texts = {c.text for c in _doc_commands(ROOT / "README.md")}
    assert ".venv/bin/invoke build" in texts
    assert ".venv/bin/python -m pytest" in texts


@pytest.mark.parametrize("path", DOCS, ids=_relative)
def test_commands_are_written_for_the_venv(path):
    """`invoke check` after the README's install is "command not found"."""
    bare = [
        f"{c.where}: `{c.text}`"
        for c in _doc_commands(path)
        if not c.in_venv
        and not c.activated
        and not (c.program == "python -m" and c.args[0] in OUTSIDE_THE_VENV)
    ]
    assert not bare, (
        "write these with .venv/bin/, or say in the same paragraph that"
        f" `. {ACTIVATE}` lets you drop it:\n" + "\n".join(bare)
    )


@pytest.mark.parametrize("path", DOCS, ids=_relative)
def test_quoted_invoke_tasks_and_options_exist(path):
    problems = [
        f"{c.where}: `{c.text}`: {problem}"
        for c in _doc_commands(path)
        if c.program == "invoke"
        for problem in invoke_problems(c.args)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", DOCS, ids=_relative)
def test_quoted_python_modules_exist(path):
    commands = [
        c
        for c in _doc_commands(path)
        if c.program == "python -m" and c.args[0] not in OUTSIDE_THE_VENV
    ]
    if not commands:
        return
    found = modules_found(tuple(sorted({c.args[0] for c in commands})))
    missing = [
        f"{c.where}: `{c.text}`: no module {c.args[0]!r} in .venv"
        for c in commands
        if not found[c.args[0]]
    ]
    assert not missing, "\n".join(missing)


def test_task_help_writes_commands_for_the_venv():
    """`invoke --help TASK` is a text a reader follows too."""
    problems = [
        f"{c.where}: `{c.text}`: {problem}"
        for task in sorted(task_names())
        for c in quoted_commands(task_help(task), f"invoke --help {task}")
        for problem in [
            *([] if c.in_venv or c.activated else ["write it with .venv/bin/"]),
            *(invoke_problems(c.args) if c.program == "invoke" else []),
        ]
    ]
    assert not problems, "\n".join(problems)
