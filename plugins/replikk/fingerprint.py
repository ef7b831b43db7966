"""Digests of what a build is made from, for keys of caches.

A cache entry is only as sound as its key: here a key names everything its
value was made from, not a list of what might change. :func:`build_digest`
covers the settings (every one, in a canonical form), the plugin's and the
theme's files, the versions of the packages that read and write content, and
Python's; a cache keyed by it and by the bytes of its input cannot give what
a cold build would not.

Plain Python: no Pelican here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import sys
import types
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import metadata
from pathlib import Path

# The packages whose code turns content into pages. A new version of any of
# them changes the key of everything cached.
PACKAGES = (
    "pelican",
    "markdown",
    "beautifulsoup4",
    "smartypants",
    "typogrify",
    "babel",
    "jinja2",
    "feedgen",
    "lxml",
)

# Settings that say where and how a build runs, never how a file is read:
# where it writes (a fresh staging folder each build) and keeps its cache,
# which files it reads (a focused preview reads some, a whole build all), how
# many processes read, and this build's own objects (its problem collector;
# every ``_REPLIKK_*`` key: its cache, its workers, its record of owners).
# The reader is never given them (``reader.reading_settings``), so nothing a
# reading holds can depend on them.
NOT_INPUTS = frozenset(
    {
        "OUTPUT_PATH",
        "CACHE_PATH",
        "REPLIKK_PROBLEMS",
        "REPLIKK_RUNNER_REPORTS",
        "ARTICLE_PATHS",
        "ARTICLE_EXCLUDES",
        "PAGE_EXCLUDES",  # Pelican adds ARTICLE_PATHS to it
        "REPLIKK_PREVIEW",
        "REPLIKK_PROCESSES",
        "REPLIKK_PARALLEL_MIN_FILES",
    }
)
RUNTIME_PREFIX = "_REPLIKK_"


def is_input(name: str) -> bool:
    """Whether a setting is part of what a file's reading is made from."""
    return name not in NOT_INPUTS and not name.startswith(RUNTIME_PREFIX)


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _canonical(value: object, out: list[str], seen: set[int]) -> None:
    """Append a text that is equal for equal values across processes."""
    if value is None or isinstance(value, bool | int | float | complex | str | bytes):
        out.append(f"{type(value).__name__}:{value!r}")
        return
    if isinstance(value, os.PathLike):
        out.append(f"path:{os.fspath(value)!r}")
        return
    if isinstance(value, re.Pattern):
        out.append(f"re:{value.pattern!r}:{value.flags}")
        return
    marker = id(value)
    if marker in seen:  # a cycle: its place is enough
        out.append("<cycle>")
        return
    seen.add(marker)
    try:
        _canonical_container(value, out, seen)
    finally:
        seen.discard(marker)


def _canonical_container(value: object, out: list[str], seen: set[int]) -> None:
    if isinstance(value, Mapping):
        out.append(f"{type(value).__name__}{{")
        items = [(_text_of(k), v) for k, v in value.items()]
        for key, item in sorted(items, key=lambda kv: kv[0]):
            out.append(key)
            _canonical(item, out, seen)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append(f"{type(value).__name__}[")
        for item in value:
            _canonical(item, out, seen)
        out.append("]")
    elif isinstance(value, set | frozenset):
        out.append(f"{type(value).__name__}<{','.join(sorted(map(_text_of, value)))}>")
    elif callable(value) and hasattr(value, "__code__"):
        code = _code_text(value.__code__)
        out.append(f"fn:{value.__module__}.{value.__qualname__}:{_hex(code)}")
        _canonical(getattr(value, "__defaults__", None), out, seen)
    elif isinstance(value, type) or (
        callable(value) and hasattr(value, "__qualname__")
    ):
        out.append(f"named:{value.__module__}.{value.__qualname__}")
    elif dataclasses.is_dataclass(value):
        out.append(f"dc:{type(value).__module__}.{type(value).__qualname__}(")
        for f in dataclasses.fields(value):
            if f.compare:  # a field left out of equality is a memo
                out.append(f.name)
                _canonical(getattr(value, f.name), out, seen)
        out.append(")")
    elif hasattr(value, "__dict__"):
        out.append(f"obj:{type(value).__module__}.{type(value).__qualname__}(")
        _canonical(vars(value), out, seen)
        out.append(")")
    else:
        out.append(f"repr:{_ADDRESS.sub('', repr(value))}")


def _code_text(code: types.CodeType) -> bytes:
    """A function's code, the same for the same source in any process.

    Not ``marshal.dumps``: marshal marks an object it writes as shared when
    its reference count is above one, so the bytes of the same code change
    once something else holds one of its constants, and it writes a
    frozenset constant (``x in {"a", "b"}``) in the process's hash order.
    """
    parts = [
        code.co_code,
        repr(
            (
                code.co_names,
                code.co_varnames,
                code.co_freevars,
                code.co_cellvars,
                code.co_argcount,
                code.co_posonlyargcount,
                code.co_kwonlyargcount,
                code.co_flags,
            )
        ).encode(),
    ]
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            parts.append(_code_text(constant))
        else:
            parts.append(_text_of(constant).encode("utf-8", "surrogatepass"))
    return b"\x1e".join(parts)


def _text_of(value: object) -> str:
    out: list[str] = []
    _canonical(value, out, set())
    return "\x1f".join(out)


def _hex(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def settings_digest(settings: Mapping[str, object]) -> str:
    """Every setting but where the build writes, in a canonical form."""
    inputs = {k: v for k, v in settings.items() if is_input(k)}
    return _hex(_text_of(inputs).encode("utf-8", "surrogatepass"))


def files_digest(folders: Iterable[str | os.PathLike]) -> str:
    """The names and bytes of every file under the folders (caches and
    bytecode left out)."""
    digest = hashlib.blake2b(digest_size=16)
    for folder in folders:
        root = Path(folder)
        if not root.is_dir():
            digest.update(f"missing:{root}\0".encode())
            continue
        for path in sorted(root.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


@cache
def versions() -> str:
    """Python's version and each package's in :data:`PACKAGES`."""
    found = [sys.version]
    for name in PACKAGES:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} absent")
    return ";".join(found)


PLUGIN = Path(__file__).resolve().parent


def build_digest(settings: Mapping[str, object]) -> str:
    """What every file of a build is read with: settings, the plugin's and
    the theme's files (the site's overrides of its templates too), the
    packages' and Python's versions."""
    theme = settings.get("THEME")
    overrides = [
        folder
        for folder in settings.get("THEME_TEMPLATES_OVERRIDES") or ()
        if Path(folder).is_dir()
    ]
    code = files_digest([PLUGIN, *([theme] if theme else []), *overrides])
    return _hex(f"{settings_digest(settings)}|{code}|{versions()}".encode())
