"""Skip a build whose inputs have not changed since the last one, as make does.

A build is a function of its inputs alone: the content folder, the theme, the
settings, the code (the plugin, the settings files, the installed libraries).
It reads no clock and draws no random number, so the same inputs give the
same site byte for byte (``tests/test_trust.py`` checks it). When the content
cache is on (``invoke livereload``, or a build with ``LOAD_CONTENT_CACHE``),
the runner records a digest of all the inputs in the cache folder after each
good build. A build whose digest matches the record, with that same site still
in place, is finished at once: it reports the warnings recorded with it and
writes nothing. An editor who saves a file without changing it, or runs
``invoke build`` twice, waits for nothing.

Any change to any input byte means a full build: the digest is of contents,
not of modification times, and covers every file under the content, theme and
plugin folders. A build without the cache (CI, ``invoke publish`` on a fresh
machine) never skips.

Reading every content file again costs seconds in a large archive (2.2 s at
20,000 articles; 22 s when the files have left the page cache). So the record
keeps each content file's stat with its digests, as git's index does, and a
file whose size, modification time, inode and ctime are all as recorded is
not read again. The ctime moves on every change and no program can set it;
a stat is recorded only if the file's ctime was already two seconds old when
it was read, so a change in the same clock tick is never missed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from importlib import metadata
from pathlib import Path

from .problems import PROBLEMS, RUNNER_REPORTS, Problem, Problems, Severity
from .spare import site_id

RECORD = "replikk-inputs.json"
# Not inputs: where the site goes, and the build's own bookkeeping.
_NOT_INPUTS = {"OUTPUT_PATH", "CACHE_PATH", PROBLEMS, RUNNER_REPORTS}


def enabled(settings: dict) -> bool:
    """With the content cache on, unless ``REPLIKK_SKIP_UNCHANGED`` is False."""
    return bool(
        settings.get("REPLIKK_SKIP_UNCHANGED", True)
        and settings.get("CACHE_CONTENT")
        and settings.get("LOAD_CONTENT_CACHE")
    )


def _plain(value: object) -> object:
    """A setting as JSON-able data; code is covered by the code's own digest."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=str)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, date | datetime | Path):
        return str(value)
    return f"<{type(value).__module__}.{type(value).__qualname__}>"


@dataclass
class Inputs:
    """Digests of everything a site is built from.

    ``frame`` covers every input except the bodies of the Markdown files in
    the content folder (the text after the metadata block); ``bodies`` has one
    digest per Markdown file. Together they are the whole input, ``digest``.
    """

    frame: str
    bodies: dict[str, str] = field(default_factory=dict)
    # Per content file: [size, mtime, ctime, inode, head digest, body digest],
    # so that the next build need not read a file whose stat is the same.
    stats: dict[str, list] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        whole = hashlib.blake2b(self.frame.encode())
        for name, body in sorted(self.bodies.items()):
            whole.update(f"{name}\0{body}\n".encode())
        return whole.hexdigest()

    def changed_bodies(self, before: dict[str, str]) -> set[str]:
        """Files whose body differs from ``before`` (same files on both sides)."""
        return {name for name, body in self.bodies.items() if before.get(name) != body}


def _split(data: bytes) -> tuple[bytes, bytes]:
    """A Markdown file's metadata block and body. The block ends at the first
    blank line at the latest, so everything before it counts as metadata: a
    change there is never mistaken for a change of the body alone."""
    head, blank, body = data.partition(b"\n\n")
    return (head, body) if blank else (data, b"")


# A file's stat is trusted only if it changed this long before it was read:
# a later change always moves its ctime (which no program can set) past it.
SETTLED_NS = 2_000_000_000


class _Content:
    """The content folder's Markdown files as metadata block and body, each
    file read only if its stat differs from the last build's."""

    def __init__(self, known: dict[str, list] | None) -> None:
        self.known = known or {}
        self.bodies: dict[str, str] = {}
        self.stats: dict[str, list] = {}
        self.now = time.time_ns()

    def head(self, path: Path, relative: str) -> bytes:
        """The digest of the metadata block; the body's goes to ``bodies``."""
        stat = path.stat()
        key = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
        known = self.known.get(relative)
        if known and known[:4] == key:
            head, body = known[4], known[5]
        else:
            data, rest = _split(path.read_bytes())
            head = hashlib.blake2b(data).hexdigest()
            body = hashlib.blake2b(rest).hexdigest()
        self.bodies[relative] = body
        if self.now - stat.st_ctime_ns > SETTLED_NS:
            self.stats[relative] = [*key, head, body]
        return bytes.fromhex(head)


def _add_tree(
    digest, root: Path, skip: set[Path], content: _Content | None = None
) -> None:
    """Every file under ``root``: its path and its bytes, in a fixed order.
    With ``content``, a Markdown file's metadata block and body are digested
    apart (the body into ``content.bodies``)."""
    if not root.exists():
        digest.update(f"missing {root}\n".encode())
        return
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(
            d for d in dirs if d != "__pycache__" and (here / d).resolve() not in skip
        )
        for name in sorted(files):
            path = here / name
            relative = str(path.relative_to(root))
            digest.update(f"{relative}\0".encode())
            if content is not None and name.endswith(".md"):
                digest.update(content.head(path, relative))
            else:
                digest.update(hashlib.blake2b(path.read_bytes()).digest())


def read_inputs(
    settings_file: str | os.PathLike, settings: dict, record: dict | None = None
) -> Inputs:
    """The digests of everything the site is built from. With the last
    build's ``record``, content files whose stat is unchanged are not read."""
    digest = hashlib.blake2b()
    plain = {k: v for k, v in settings.items() if k not in _NOT_INPUTS}
    digest.update(json.dumps(_plain(plain), sort_keys=True).encode())
    digest.update(sys.version.encode())
    for dist in sorted(
        (d.metadata["Name"] or "", d.version) for d in metadata.distributions()
    ):
        digest.update(f"{dist}\n".encode())
    skip = {
        Path(settings[k]).resolve()
        for k in ("OUTPUT_PATH", "CACHE_PATH")
        if settings.get(k)
    }
    content = _Content((record or {}).get("stats"))
    digest.update(f"content {settings['PATH']}\n".encode())
    _add_tree(digest, Path(settings["PATH"]), skip, content)
    folders = [settings["THEME"]]
    folders += settings.get("THEME_TEMPLATES_OVERRIDES", [])
    folders += settings.get("PLUGIN_PATHS", [])
    for folder in folders:
        digest.update(f"tree {folder}\n".encode())
        _add_tree(digest, Path(folder), skip)
    # The settings files (publishconf.py imports pelicanconf.py): every *.py
    # beside the one given.
    for path in sorted(Path(settings_file).resolve().parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return Inputs(digest.hexdigest(), content.bodies, content.stats)


def _record_path(settings: dict) -> Path:
    return Path(settings.get("CACHE_PATH") or "cache") / RECORD


def _records(settings: dict) -> dict:
    try:
        return json.loads(_record_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def recorded(settings: dict, output: Path) -> dict | None:
    """What the last good build into ``output`` recorded, if that site is
    still the one in place."""
    record = _records(settings).get(str(output.resolve()))
    if not record or not output.is_dir() or record.get("site") != site_id(output):
        return None
    return record


def up_to_date(record: dict | None, inputs: Inputs) -> Problems | None:
    """The recorded warnings if the site was built from these very inputs."""
    if not record or record.get("digest") != inputs.digest:
        return None
    problems = Problems()
    for item in record.get("warnings", []):
        problems.add(Problem(**{**item, "severity": Severity(item["severity"])}))
    return problems


def remember(
    settings: dict,
    output: Path,
    inputs: Inputs,
    problems: Problems,
    facts: dict | None = None,
) -> None:
    """Record a good build's inputs, its warnings (to report them again) and
    the facts ``replikk.incremental`` needs to update it next time."""
    records = _records(settings)
    records[str(output.resolve())] = {
        "digest": inputs.digest,
        "frame": inputs.frame,
        "bodies": inputs.bodies,
        "stats": inputs.stats,
        "site": site_id(output),
        "warnings": [asdict(p) for p in problems.warnings],
        "facts": facts or {},
    }
    path = _record_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(records), encoding="utf-8")
    temporary.replace(path)
