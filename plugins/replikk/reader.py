"""Pelican glue: a Markdown reader that checks each file's metadata as it reads it.

Reading a file has two halves:

1. **The reading** (:meth:`ReplikkMarkdownReader.reading`): Markdown to HTML,
   typography, the article's reference list linked. It depends on the file's
   bytes, its place and what the build reads with, nothing else, and it is
   plain data (strings, lists, dicts). It is what the reading cache keeps
   (``readcache``) and what worker processes make (``workers``).
2. **The rest**, in every build whatever the cache holds: Pelican's metadata
   processing (dates, authors, categories: objects of this build) and every
   check. A file with an error fails the build whether its reading was made
   now or taken from the cache.

A field Pelican cannot parse (``Date: 2024-13-45``) or a field that breaks our
rules becomes a :class:`~replikk.problems.Problem` naming the file, the field
and the value. Every field is read and checked whatever an earlier one held,
so a file's problems are all reported in one run; a file with an error is then
refused (never published), its ``Reply_to`` still checked by the debate
graph (``Problems.refused``). The publish policy (``policy.py``) is applied
here too, to each file's fields and text. The build stops at the end of
reading with every problem at once.
"""

from __future__ import annotations

import codecs
import html
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from markdown import Markdown
from markdown.preprocessors import Preprocessor
from pelican.readers import MarkdownReader

from . import fingerprint, policy, readcache
from .citations.glue import LINKED, link_on_reading, linked_from_plain, linked_to_plain
from .markdown_ext.anchors import with_heading_slugs
from .metadata import Kind, check_metadata, field_name
from .problems import Problem, Problems, Severity
from .typography.glue import typeset_body, typeset_fields

if TYPE_CHECKING:
    from .workers import ReadAhead

# Where a build keeps its reading cache and digest (runtime objects, left out
# of the settings' digest: see fingerprint.NOT_INPUTS).
CACHE = "_REPLIKK_READ_CACHE"
BUILD = "_REPLIKK_BUILD_DIGEST"


class RefusedFile(Exception):
    """A file whose metadata has errors: Pelican skips it, we report why."""


class _NoMeta(Preprocessor):
    """Stands where Markdown's ``meta`` preprocessor was, for Pelican to remove."""

    def run(self, lines: list[str]) -> list[str]:
        return lines


def text_of(data: bytes) -> str:
    """A file's bytes as Pelican's ``pelican_open`` reads them: UTF-8, no BOM,
    carriage returns dropped on Windows."""
    text = data.decode("utf-8")
    if text.startswith(codecs.BOM_UTF8.decode("utf-8")):
        text = text[1:]
    if sys.platform == "win32":
        text = text.replace("\r", "")
    return text


def reading_settings(settings: dict) -> dict:
    """The settings a reader is given: every one the reading cache's key
    holds, and this build's own objects (``_REPLIKK_*``: its cache), but not
    where and how the build runs (``fingerprint.NOT_INPUTS``)."""
    return {
        k: v
        for k, v in settings.items()
        if fingerprint.is_input(k) or k.startswith(fingerprint.RUNTIME_PREFIX)
    }


def build_digest(settings: dict) -> str:
    """This build's digest of what files are read with, made once per build."""
    digest = settings.get(BUILD)
    if digest is None:
        digest = settings[BUILD] = fingerprint.build_digest(settings)
    return digest


def cache_of(settings: dict) -> readcache.ReadCache | None:
    """This build's reading cache, if the build keeps one (``CACHE_CONTENT``)."""
    cache = settings.get(CACHE)
    return cache if isinstance(cache, readcache.ReadCache) else None


class ReplikkMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, plus field-level checks with clear messages.

    One ``Markdown`` for bodies and one for formatted fields per reader, reset
    between files: building one costs ~0.7 ms (loading and configuring every
    extension), a tenth of a plain Pelican build's time per article. An
    extension of ours that keeps state per document implements ``reset()``
    (Python-Markdown's own contract).
    """

    problems: Problems | None = None  # set for each build by the glue
    ahead: ReadAhead | None = None  # readings made by workers (replikk.workers)
    _body_md: Markdown | None = None
    _fields_md: Markdown | None = None
    _publish_policy: policy.Policy | None = None

    def _problems(self) -> Problems:
        if self.problems is None:
            self.problems = Problems()
        return self.problems

    def _policy(self) -> policy.Policy:
        """This build's publish policy (a reader is made for each build)."""
        if self._publish_policy is None:
            self._publish_policy = policy.policy_of(self.settings)
        return self._publish_policy

    def kind_of(self, source_path: str) -> Kind:
        """Article, page or author profile, by the folder the file is in.

        Plain path arithmetic on absolute paths (Pelican gives the reader
        absolute paths): resolving symlinks for every file cost more than the
        check itself.
        """
        parts = Path(self.relative(source_path)).parts
        if not parts or parts[0] == os.pardir:
            return Kind.ARTICLE
        top = parts[0] if len(parts) > 1 else ""
        if top == self.settings.get("REPLIKK_AUTHORS_PATH", "authors"):
            return Kind.AUTHOR
        if top in self.settings.get("PAGE_PATHS", ["pages"]):
            return Kind.PAGE
        return Kind.ARTICLE

    def relative(self, source_path: str) -> str:
        content = os.path.abspath(self.settings["PATH"])
        return Path(os.path.relpath(os.path.abspath(source_path), content)).as_posix()

    # --- Markdown, reused -----------------------------------------------------

    def _markdown(self, attribute: str) -> Markdown:
        md = getattr(self, attribute)
        if md is None:
            settings = with_heading_slugs(
                self.settings["MARKDOWN"],
                self.settings.get("SLUG_REGEX_SUBSTITUTIONS", ()),
            )
            md = Markdown(**settings)
            setattr(self, attribute, md)
        else:
            md.reset()
        return md

    def _fields_markdown(self) -> Markdown:
        """The Markdown Pelican renders formatted fields with: it removes the
        ``meta`` preprocessor first, so one stands there for it to remove."""
        md = self._markdown("_fields_md")
        if "meta" not in md.preprocessors:
            md.preprocessors.register(_NoMeta(md), "meta", 0)
        return md

    def _parse_metadata(self, meta, rendered: dict[str, str] | None = None):
        """Metadata is text, never markup: ``Summary: <script>`` shows as written.

        Templates escape every metadata value they print (``| e``). Formatted
        fields (Summary) are the exception: Markdown turns them into HTML, so
        ``<`` and ``&`` in them are escaped here, before Markdown sees them.
        ``rendered`` holds formatted fields already turned into HTML.
        """
        self._md = self._fields_markdown()
        formatted = {f.lower() for f in self.settings["FORMATTED_FIELDS"]}
        done = {
            n for n in meta if n.lower() in formatted and n.lower() in (rendered or {})
        }
        escaped = {
            name: [html.escape(line, quote=False) for line in value]
            if name.lower() in formatted
            else value
            for name, value in meta.items()
            if name not in done
        }
        output = super()._parse_metadata(escaped)
        if not done:
            return output
        for name in done:
            output[name.lower()] = self.process_metadata(
                name.lower(), rendered[name.lower()]
            )
        # In the file's order, as Pelican gives it.
        order = dict.fromkeys(name.lower() for name in meta)
        return {name: output[name] for name in order if name in output}

    def process_metadata(self, name, value):
        """Pelican's processing of one field; a value it cannot process is
        kept as written (:class:`Unreadable`), so the other fields are still
        read and checked."""
        try:
            return super().process_metadata(name, value)
        except Exception as exc:  # Pelican's processors raise what they like
            return Unreadable(value, _reason(exc, value))

    def _unreadable(self, source_path: str, metadata: dict) -> list[Problem]:
        """The fields Pelican could not process, as problems; each is left in
        ``metadata`` as the text written, for the checks that follow."""
        kind = self.kind_of(source_path)
        found = []
        for name, value in metadata.items():
            if isinstance(value, Unreadable):
                found.append(
                    Problem(
                        source_path,
                        value.reason,
                        field=field_name(name, kind),
                        value=str(value.text),
                    )
                )
                metadata[name] = str(value.text)
        return found

    # --- The reading: one file's, plain data ------------------------------------

    def reading(self, source_path: str, text: str) -> dict:
        """What this file alone makes: the body as HTML (typeset, references
        linked if an article's), the raw metadata, formatted fields as HTML,
        text fields typeset, the reference list as found. Plain data: the
        reading cache keeps it, worker processes make it."""
        self._source_path = source_path
        body_md = self._markdown("_body_md")
        content = body_md.convert(text)
        meta = getattr(body_md, "Meta", None)
        metadata = {} if meta is None else self._parse_metadata(meta)
        # read() reports them; the reading is made of what could be read
        metadata = {k: v for k, v in metadata.items() if not isinstance(v, Unreadable)}
        formatted = {f.lower() for f in self.settings["FORMATTED_FIELDS"]}
        rendered = {
            name: value
            for name, value in metadata.items()
            if name in formatted and isinstance(value, str)
        }
        plain = {k: v for k, v in metadata.items() if isinstance(v, str)}
        typeset_fields(metadata, self.settings)
        fields = {
            name: [value, metadata[name]]
            for name, value in plain.items()
            if metadata[name] is not value
        }
        body = typeset_body(content, metadata, self.settings)
        linked = None
        if self.kind_of(source_path) is Kind.ARTICLE:
            body = link_on_reading(body, metadata, self.settings)
            if LINKED in metadata:
                linked = linked_to_plain(metadata[LINKED])
        return {
            "body": body,
            "meta": meta,
            "rendered": rendered,
            "fields": fields,
            "linked": linked,
        }

    def _reading_of(self, source_path: str) -> tuple[dict, str]:
        """The file's reading (from the cache, from a worker, or made now),
        and its text."""
        with open(source_path, "rb") as file:
            data = file.read()
        try:
            text = text_of(data)
        except UnicodeDecodeError as exc:
            self._problems().add(
                Problem(
                    source_path,
                    f"is not valid UTF-8 (byte {exc.start} is"
                    f" {exc.object[exc.start : exc.start + 1]!r}); save it as UTF-8",
                )
            )
            raise RefusedFile(source_path) from exc
        cache = cache_of(self.settings)
        if cache is None and self.ahead is None:
            return self.reading(source_path, text), text
        key = readcache.key_of(
            data, self.relative(source_path), build_digest(self.settings)
        )
        found = cache.get(key) if cache is not None else None
        if found is not None:
            return found, text
        if self.ahead is not None:
            found = self.ahead.take(key)
        if found is None:
            found = self.reading(source_path, text)
        if cache is not None:
            cache.put(key, found)
        return found, text

    def read(self, source_path):
        reading, text = self._reading_of(source_path)
        self._source_path = source_path
        meta = reading["meta"]
        metadata = (
            {} if meta is None else self._parse_metadata(meta, reading["rendered"])
        )
        kind = self.kind_of(source_path)
        found = self._unreadable(source_path, metadata)
        found += check_metadata(
            source_path,
            metadata,
            kind,
            tuple(self.settings.get("REPLIKK_EXTRA_FIELDS", ())),
        )
        problems = self._problems()
        problems.extend(found)
        if kind is Kind.ARTICLE:
            # The publish policy's gaps never refuse a file: a preview builds
            # it, and the debate graph sees it.
            problems.extend(
                policy.check_article(source_path, meta or {}, text, self._policy())
            )
        if any(p.severity is Severity.ERROR for p in found):
            # What the graph checks of a file it never sees (its Reply_to).
            if kind is Kind.ARTICLE:
                problems.refuse(source_path, metadata)
            raise RefusedFile(source_path)
        known = {name: tuple(pair) for name, pair in reading["fields"].items()}
        metadata = typeset_fields(metadata, self.settings, known)
        if reading["linked"] is not None:
            metadata[LINKED] = linked_from_plain(reading["linked"])
        return reading["body"], metadata


class Unreadable:
    """A field's value as written, which Pelican could not process."""

    __slots__ = ("reason", "text")

    def __init__(self, text: object, reason: str) -> None:
        self.text = text
        self.reason = reason


def _reason(exc: Exception, value: object) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    if "date" in text.lower() and "valid" in text.lower():
        return f"{value!r} is not a valid date; write it as YYYY-MM-DD [HH:MM]"
    return f"{value!r}: {text}"


def open_cache(pelican) -> None:
    """The reading cache replaces Pelican's content cache (``initialized``).

    Pelican's cache keeps what a reader returned until the file's modification
    time changes, with this build's objects pickled in it; ours is keyed by
    the file's bytes and everything it is read with, and holds plain data.
    ``CACHE_CONTENT`` turns it on (saving), ``LOAD_CONTENT_CACHE`` too
    (using it); Pelican's own is then turned off."""
    settings = pelican.settings
    save = bool(settings.get("CACHE_CONTENT"))
    load = save and bool(settings.get("LOAD_CONTENT_CACHE"))
    settings["CACHE_CONTENT"] = settings["LOAD_CONTENT_CACHE"] = False
    settings.pop(BUILD, None)
    if save:
        folder = settings.get("CACHE_PATH") or "cache"
        # A preview uses a few readings: it keeps the others for the next
        # whole build (only a whole build removes what it did not use).
        evict = not settings.get("REPLIKK_PREVIEW")
        settings[CACHE] = readcache.ReadCache(folder, load, save, evict)
    else:
        settings.pop(CACHE, None)


def save_cache(generators) -> None:
    """Every file is read (``all_generators_finalized``, before the checks
    stop a build): what was read new is kept, good files' readings even when
    another file has an error."""
    if generators:
        cache = cache_of(generators[0].settings)
        if cache is not None:
            cache.save()
