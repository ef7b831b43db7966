"""Writing output files: safely over a site copied by hard links, and only
the files an incremental build must write.

An incremental build (``replikk.incremental``) starts from a copy of the last
site made of hard links, which share their bytes with the site still being
served. Writing into such a file in place would change the live site too, so
every write here first removes the file and then creates a new one. When the
build says which files it needs (``ONLY_OUTPUTS``: paths relative to the
output folder), every other write is skipped before anything is rendered.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from pelican import signals
from pelican.writers import Writer

ONLY_OUTPUTS = "_REPLIKK_ONLY_OUTPUTS"  # set by replikk.incremental


def wanted(settings: dict, relative: str) -> bool:
    """Whether this build writes the file at ``relative`` (to the output folder)."""
    only = settings.get(ONLY_OUTPUTS)
    return only is None or os.path.normpath(relative) in only


def fresh(path: str | os.PathLike) -> None:
    """Unlink ``path`` if it is there, so a write makes a new file."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def write_bytes(settings: dict, relative: str, data: bytes) -> None:
    """Write a file of the site, unless this build does not need it."""
    if not wanted(settings, relative):
        return
    path = Path(settings["OUTPUT_PATH"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh(path)
    path.write_bytes(data)


class ReplikkWriter(Writer):
    """Pelican's writer: new files (never through a hard link), and only the
    pages this build needs."""

    def write_file(self, name, template, context, *args, **kwargs):
        if not wanted(self.settings, name):
            return None
        return super().write_file(name, template, context, *args, **kwargs)

    def _open_w(self, filename, encoding, override=False):
        if filename != os.devnull and filename not in self._written_files:
            fresh(filename)
        return super()._open_w(filename, encoding, override)


def use_our_writer(pelican) -> type[Writer]:
    return ReplikkWriter


def register() -> None:
    signals.get_writer.connect(use_our_writer)
