"""A focused preview: the articles being written and everything their pages show.

``invoke preview PATH…`` (and ``invoke livereload``) builds, with the real
settings and theme, only the files the given articles' pages and their
debates' pages depend on:

- the given articles and their translations;
- every article of their debates, both ways, transitively (a debate is
  joined through answered articles and through external targets they share);
- the articles that cite them and the articles they cite (their "Sitert i
  arkivet" and "I arkivet" links);
- for every article included, what it answers, up to its debate's first
  article (so every ``Reply_to`` resolves as in the full build);
- the profiles of every included article's authors.

So the given articles' pages and their debates' pages are the same, byte for
byte, as in a build of the whole archive (``tests/test_preview.py``); lists,
feeds and the search index show only the focused part, which the build says
and the preview's front page shows.

Finding them reads every content file's header and reference list: a
:class:`Scan` keeps what each file says under a digest of its bytes, the
plugin's code and the settings, in ``CACHE_PATH/replikk-scan.json``.
Superset rules (a URL's last segment taken as a slug) only ever add files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pelican.utils import slugify

from . import fingerprint
from .debate.targets import (
    DoiTarget,
    SlugTarget,
    TargetSyntaxError,
    parse_target,
    strip_doi_prefix,
)

NAME = "replikk-scan.json"
FORMAT = 1  # raise when what a file's facts hold changes

_DOI = re.compile(r"10\.\d{4,9}/[^\s<>\"']+", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_TRAILING = ".,;:)]"


class PreviewError(ValueError):
    """A path given to preview is not an article of the content folder."""


@dataclass(frozen=True)
class Focus:
    """What a focused build reads: article files and author profile files,
    relative to the content folder."""

    given: list[str]
    articles: list[str]
    profiles: list[str]


def header_fields(text: str) -> dict[str, list[str]]:
    """A Markdown file's metadata as Python-Markdown's meta extension reads
    it: ``Key: value`` lines up to the first blank line, indented lines
    continuing the last key."""
    fields: dict[str, list[str]] = {}
    last = None
    for line in text.splitlines():
        if not line.strip():
            break
        if line[:1] in (" ", "\t") and last is not None:
            fields[last].append(line.strip())
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            break
        last = key.strip().lower()
        fields.setdefault(last, []).append(value.strip())
    return fields


def _keys_cited(text: str, headings: list[str]) -> list[str]:
    """DOIs (lower case) and URLs in the reference list (after its heading)."""
    wanted = {h.strip().lower() for h in headings}
    lines = text.splitlines()
    start = None
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("#") and stripped.lstrip("#").strip().lower() in wanted:
            start = number
    if start is None:
        return []
    tail = "\n".join(lines[start + 1 :])
    keys = {m.group().rstrip(_TRAILING).lower() for m in _DOI.finditer(tail)}
    keys |= {m.group().rstrip(_TRAILING) for m in _URL.finditer(tail)}
    return sorted(keys)


def facts_of(text: str, settings: dict) -> dict:
    """What the focus needs to know of one article file."""
    header = header_fields(text)

    def one(name: str) -> str:
        return " ".join(header.get(name, [])).strip()

    slug = one("slug") or slugify(
        one("title"),
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )
    targets = [
        t.strip()
        for t in re.split(r"[;,\n]", "\n".join(header.get("reply_to", [])))
        if t.strip()
    ]
    authors = [
        a.strip()
        for a in re.split(r"[;,]", one("authors") or one("author"))
        if a.strip()
    ]
    doi = strip_doi_prefix(one("doi")) if one("doi") else None
    return {
        "slug": slug,
        "doi": doi.lower() if doi else None,
        "reply_to": targets,
        "authors": authors,
        "cites": _keys_cited(text, settings.get("DEBATE_REFERENCE_HEADINGS", [])),
    }


class Scan:
    """Every article file's facts and every profile's name, kept between
    previews under a digest of each file's bytes, the plugin's code and the
    settings."""

    def __init__(self, settings: dict) -> None:
        self.settings = settings
        self.content = Path(settings["PATH"]).resolve()
        self.path = Path(settings.get("CACHE_PATH") or "cache") / NAME
        code = fingerprint.files_digest([fingerprint.PLUGIN])
        self.salt = f"{FORMAT}|{code}|{fingerprint.settings_digest(settings)}".encode()
        self.kept = self._load()
        self.facts: dict[str, dict] = {}  # relative path -> facts
        self.profiles: dict[str, str] = {}  # author name -> relative path

    def _load(self) -> dict:
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return kept if isinstance(kept, dict) else {}

    def _facts(self, path: Path, reader) -> dict | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        key = hashlib.blake2b(self.salt + b"\0" + data, digest_size=20).hexdigest()
        found = self.kept.get(key)
        if found is None:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("utf-8", "replace")
            found = reader(text)
        self.seen[key] = found
        return found

    def run(self) -> Scan:
        self.seen: dict[str, dict] = {}
        authors = self.settings.get("REPLIKK_AUTHORS_PATH", "authors")
        excluded = {*self.settings.get("ARTICLE_EXCLUDES", []), authors}
        for relative in _markdown_files(self.content, self.settings):
            top = relative.split("/", 1)[0] if "/" in relative else ""
            if top == authors:
                facts = self._facts(
                    self.content / relative,
                    lambda text: {
                        "name": " ".join(header_fields(text).get("name", []))
                    },
                )
                if facts and facts.get("name"):
                    self.profiles.setdefault(facts["name"].strip(), relative)
            elif top not in excluded:
                facts = self._facts(
                    self.content / relative, lambda text: facts_of(text, self.settings)
                )
                if facts is not None:
                    self.facts[relative] = facts
        if self.seen != self.kept:
            self._save()
        return self

    def _save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f"{NAME}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(self.seen), encoding="utf-8")
            temporary.replace(self.path)
        except OSError:
            pass  # no kept scan is only slower


def _markdown_files(content: Path, settings: dict) -> Iterable[str]:
    """Every Markdown file under the content folder, relative, with ``/``."""
    for folder, folders, files in os.walk(content):
        folders.sort()
        for name in sorted(files):
            if name.endswith(".md"):
                path = Path(folder, name).relative_to(content)
                yield path.as_posix()


def changed_articles(settings: dict, before: dict[str, str]) -> dict[str, str]:
    """Each article file's digest now; ``before`` (the last call's) is
    updated to it and the files that are new or changed are returned, with
    their digests, for ``invoke livereload`` to preview."""
    content = Path(settings["PATH"]).resolve()
    authors = settings.get("REPLIKK_AUTHORS_PATH", "authors")
    excluded = {*settings.get("ARTICLE_EXCLUDES", []), authors}
    now = {}
    for relative in _markdown_files(content, settings):
        top = relative.split("/", 1)[0] if "/" in relative else ""
        if top in excluded:
            continue
        try:
            data = (content / relative).read_bytes()
        except OSError:
            continue
        now[relative] = hashlib.blake2b(data, digest_size=16).hexdigest()
    changed = {k: v for k, v in now.items() if before.get(k) != v}
    first = not before
    before.clear()
    before.update(now)
    return {} if first else changed


def focus(settings: dict, paths: Iterable[str | os.PathLike]) -> Focus:
    """The files a focused build of ``paths`` (article files) reads."""
    scan = Scan(settings).run()
    given = []
    for path in paths:
        relative = _relative(Path(path), scan.content)
        if relative not in scan.facts:
            raise PreviewError(
                f"{path}: not an article of the content folder {scan.content}"
            )
        given.append(relative)
    return _closure(scan, given)


def _relative(path: Path, content: Path) -> str:
    try:
        return path.resolve().relative_to(content).as_posix()
    except ValueError:
        return path.as_posix()


def _closure(scan: Scan, given: list[str]) -> Focus:
    facts = scan.facts
    by_slug: dict[str, list[str]] = {}
    by_doi: dict[str, str] = {}
    for relative, fact in facts.items():
        by_slug.setdefault(fact["slug"], []).append(relative)
        if fact["doi"]:
            by_doi.setdefault(fact["doi"], relative)

    def found(key: str) -> list[str]:
        """Archive files a target or cited key may name (a superset)."""
        if key.lower() in by_doi:
            return [by_doi[key.lower()]]
        last = key.rstrip("/").rsplit("/", 1)[-1]
        if "://" in key and last.endswith(".html"):
            last = key.rstrip("/").rsplit("/", 2)[-2]
        return by_slug.get(last, []) if "://" in key else by_slug.get(key, [])

    def targets(relative: str) -> tuple[list[str], list[str]]:
        """Files and external keys a file answers."""
        files, externals = [], []
        for raw in facts[relative]["reply_to"]:
            try:
                target = parse_target(raw)
            except TargetSyntaxError:
                continue
            if isinstance(target, SlugTarget):
                files += by_slug.get(target.slug, [])
                continue
            key = target.doi if isinstance(target, DoiTarget) else target.url
            files += found(key)
            # Articles answering one outside work share a debate; kept even
            # if the key names an archive file (a superset only adds).
            externals.append(f"external:{key.lower()}")
        return files, externals

    # The debate graph: files and external targets, joined both ways.
    edges: dict[str, set[str]] = {}
    for relative in facts:
        files, externals = targets(relative)
        for other in [*files, *externals, *by_slug[facts[relative]["slug"]]]:
            edges.setdefault(relative, set()).add(other)
            edges.setdefault(other, set()).add(relative)

    debate = _reach(given, lambda node: edges.get(node, ()))
    included = {node for node in debate if node in facts}
    # Whom they cite, and who cites them.
    keys = {}
    for relative in included:
        fact = facts[relative]
        keys[fact["slug"]] = relative
        if fact["doi"]:
            keys[fact["doi"]] = relative
    for relative, fact in facts.items():
        for key in fact["cites"]:
            last = key.rstrip("/").rsplit("/", 1)[-1]
            if key.lower() in keys or last in keys:
                included.add(relative)
    for relative in list(debate & facts.keys()):
        for key in facts[relative]["cites"]:
            included.update(found(key))
    # What every included file answers, up to its debate's first article.
    included = _reach(
        included,
        lambda node: [*targets(node)[0], *by_slug[facts[node]["slug"]]],
    )
    authors = {name for node in included for name in facts[node]["authors"]}
    profiles = sorted(scan.profiles[name] for name in authors if name in scan.profiles)
    return Focus(given=given, articles=sorted(included), profiles=profiles)


def _reach(start: Iterable[str], neighbours) -> set[str]:
    seen = set(start)
    queue = deque(seen)
    while queue:
        node = queue.popleft()
        for other in neighbours(node):
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return seen
