"""Pelican glue: a Markdown reader that checks each file's metadata as it reads it.

A field Pelican cannot parse (``Date: 2024-13-45``) or a field that breaks our
rules becomes a :class:`~replikk.problems.Problem` naming the file, the field
and the value; the file is then refused so that it is neither published nor
cached. The build stops at the end of reading with every problem at once.
"""

from __future__ import annotations

import hashlib
import html
import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .citations.glue import LINKED, link_on_reading
from .i18n import strings_of
from .metadata import Kind, check_metadata, field_name
from .problems import Problem, Problems, Severity
from .speed import ReusingMarkdownReader
from .typography.glue import typeset_body, typeset_fields

if TYPE_CHECKING:
    from .parallel import ReadAhead


class Ahead(NamedTuple):
    """A file read ahead by a worker (see ``ReplikkMarkdownReader.read_ahead``)."""

    body: str  # typeset HTML, references linked if an article's
    meta: dict | None  # raw metadata: lists of strings, as in the file
    rendered: dict[str, str]  # formatted fields as HTML
    fields: dict[str, tuple[str, str]]  # text fields: value, typeset value
    linked: bytes | None  # the article's references as linked (LINKED, packed)


# Raise when what the reader makes of a file changes in a way the settings
# do not show: the content cache then reads every file again.
# 2: references linked as read; 3: texts in a file of their own
READER_FORMAT = 3


def read_with(settings: dict) -> str:
    """A digest of what the reader's output depends on besides the file:
    the settings it reads and the words it puts in links."""
    labels = ("ref_back", "ref_in_archive", "ref_crossref_search")
    strings = {
        lang: [table.get(name) for name in labels]
        for lang, table in sorted(strings_of(settings).items())
    }
    read = {
        name: settings.get(name)
        for name in sorted(settings)
        if name.startswith("TYPOGRAPHY")
        or name in ("DEFAULT_LANG", "DEBATE_REFERENCE_HEADINGS", "FORMATTED_FIELDS")
    }
    return hashlib.blake2b(
        repr((READER_FORMAT, read, strings)).encode(), digest_size=16
    ).hexdigest()


class RefusedFile(Exception):
    """A file whose metadata has errors: Pelican skips it, we report why."""


class ReplikkMarkdownReader(ReusingMarkdownReader):
    """Pelican's Markdown reader, plus field-level checks with clear messages."""

    problems: Problems | None = None  # set for each build by the glue
    ahead: ReadAhead | None = None  # files read by workers (replikk.parallel)

    def _problems(self) -> Problems:
        if self.problems is None:
            self.problems = Problems()
        return self.problems

    def kind_of(self, source_path: str) -> Kind:
        """Article, page or author profile, by the folder the file is in.

        Plain path arithmetic on absolute paths (Pelican gives the reader
        absolute paths): resolving symlinks for every file cost more than the
        check itself.
        """
        content = os.path.abspath(self.settings["PATH"])
        relative = os.path.relpath(os.path.abspath(source_path), content)
        parts = Path(relative).parts
        if not parts or parts[0] == os.pardir:
            return Kind.ARTICLE
        top = parts[0] if len(parts) > 1 else ""
        if top == self.settings.get("REPLIKK_AUTHORS_PATH", "authors"):
            return Kind.AUTHOR
        if top in self.settings.get("PAGE_PATHS", ["pages"]):
            return Kind.PAGE
        return Kind.ARTICLE

    def _parse_metadata(self, meta, rendered: dict[str, str] | None = None):
        """Metadata is text, never markup: ``Summary: <script>`` shows as written.

        Templates escape every metadata value they print (``| e``). Formatted
        fields (Summary) are the exception: Markdown turns them into HTML, so
        ``<`` and ``&`` in them are escaped here, before Markdown sees them.
        ``rendered`` holds formatted fields a worker already turned into HTML.
        """
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
        try:
            return super().process_metadata(name, value)
        except Exception as exc:  # Pelican's processors raise what they like
            kind = self.kind_of(self._source_path)
            self._problems().add(
                Problem(
                    self._source_path,
                    _reason(exc, value),
                    field=field_name(name, kind),
                    value=str(value),
                )
            )
            raise RefusedFile(self._source_path) from exc

    def read_ahead(self, source_path) -> Ahead:
        """What a worker process does for :meth:`read` (``replikk.parallel``):
        everything that depends on this file alone, in picklable form.

        The reader that takes the result processes the raw metadata again (its
        values are objects tied to this build) and checks it, reusing the
        HTML of formatted fields and the typeset text fields worked out here.
        """
        content, meta = self.convert(source_path)
        metadata = {} if meta is None else self._parse_metadata(meta)
        formatted = {f.lower() for f in self.settings["FORMATTED_FIELDS"]}
        rendered = {
            name: value
            for name, value in metadata.items()
            if name in formatted and isinstance(value, str)
        }
        plain = {k: v for k, v in metadata.items() if isinstance(v, str)}
        typeset_fields(metadata, self.settings)
        fields = {
            name: (value, metadata[name])
            for name, value in plain.items()
            if metadata[name] is not value
        }
        body = typeset_body(content, metadata, self.settings)
        if self.kind_of(source_path) is Kind.ARTICLE:
            body = link_on_reading(body, metadata, self.settings)
        return Ahead(body, meta, rendered, fields, metadata.get(LINKED))

    def read(self, source_path):
        problems = self._problems()
        ahead = self.ahead.take(source_path) if self.ahead else None
        try:
            if ahead is None:
                content, metadata = super().read(source_path)
            else:
                content = ahead.body
                self._source_path = source_path
                self._md = self.markdown()  # formatted fields may need it
                metadata = (
                    {}
                    if ahead.meta is None
                    else self._parse_metadata(ahead.meta, ahead.rendered)
                )
        except UnicodeDecodeError as exc:
            problems.add(
                Problem(
                    source_path,
                    f"is not valid UTF-8 (byte {exc.start} is"
                    f" {exc.object[exc.start : exc.start + 1]!r}); save it as UTF-8",
                )
            )
            raise RefusedFile(source_path) from exc
        kind = self.kind_of(source_path)
        found = check_metadata(
            source_path,
            metadata,
            kind,
            tuple(self.settings.get("REPLIKK_EXTRA_FIELDS", ())),
        )
        problems.extend(found)
        if any(p.severity is Severity.ERROR for p in found):
            raise RefusedFile(source_path)
        # Here, not in Pelican's TYPOGRIFY: what read() returns is what the
        # content cache keeps, so typography (and linking an article's
        # references) is done once per unchanged file.
        if ahead is None:
            content = typeset_body(content, metadata, self.settings)
            metadata = typeset_fields(metadata, self.settings)
            if kind is Kind.ARTICLE:
                content = link_on_reading(content, metadata, self.settings)
            return content, metadata
        metadata = typeset_fields(metadata, self.settings, ahead.fields)
        if ahead.linked is not None:
            metadata[LINKED] = ahead.linked
        return content, metadata


def _reason(exc: Exception, value: object) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    if "date" in text.lower() and "valid" in text.lower():
        return f"{value!r} is not a valid date; write it as YYYY-MM-DD [HH:MM]"
    return f"{value!r}: {text}"
