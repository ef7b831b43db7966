"""Pelican glue for typography: called by the reader, as part of a file's reading.

The reading cache (``replikk.readcache``) keeps each file's reading, so
typography applied in :class:`reader.ReplikkMarkdownReader` is done
once per file and reused while the file and the settings are unchanged;
Pelican's own ``TYPOGRIFY`` runs after the reader, on every build, and must
stay False.
"""

from __future__ import annotations

from pelican import signals

from . import Options, typeset


def typeset_document(content: str, metadata: dict, settings: dict) -> tuple[str, dict]:
    """A file's body and its text fields (TYPOGRAPHY_FIELDS) set in its language."""
    return typeset_body(content, metadata, settings), typeset_fields(metadata, settings)


def typeset_body(content: str, metadata: dict, settings: dict) -> str:
    """A file's body (HTML) set in the language its metadata gives."""
    options = Options.from_settings(settings)
    if not options.enabled or not content:
        return content
    lang = str(metadata.get("lang") or settings.get("DEFAULT_LANG", "nb"))
    return typeset(content, lang, caps=options.caps, ignore_tags=options.ignore_tags)


def typeset_fields(
    metadata: dict, settings: dict, known: dict[str, tuple[str, str]] | None = None
) -> dict:
    """A file's text fields (TYPOGRAPHY_FIELDS) set in its language, in place.

    ``known`` maps a field to a value and its typeset form already worked out
    (by a worker process reading ahead); it is used when the value matches.
    """
    options = Options.from_settings(settings)
    if not options.enabled:
        return metadata
    lang = str(metadata.get("lang") or settings.get("DEFAULT_LANG", "nb"))
    common = {"caps": options.caps, "ignore_tags": options.ignore_tags}
    for name in options.fields:
        value = metadata.get(name)
        if isinstance(value, str) and value:
            done = (known or {}).get(name)
            if done is not None and done[0] == value:
                metadata[name] = done[1]
            else:
                metadata[name] = typeset(value, lang, markup=False, **common)
    return metadata


def check_settings(pelican) -> None:
    """Bad TYPOGRAPHY_* settings stop the build before any file is read."""
    Options.from_settings(pelican.settings)
    if pelican.settings.get("TYPOGRIFY") and pelican.settings.get("TYPOGRAPHY", True):
        raise ValueError(
            "TYPOGRIFY must be False when TYPOGRAPHY is on: typogrify would set"
            " Norwegian text in English, after the content cache, on every build"
        )


def register() -> None:
    signals.initialized.connect(check_settings)
