"""A spare copy of the site, made after a build, for the next incremental one.

An incremental build (``replikk.incremental``) starts from a copy of the last
site made of hard links. Making it costs a ``mkdir`` per folder and a link
per file: at 1,000 articles about 2,000 folders and 6,500 files, 0.7-1.5 s on
this project's machine, most of an edit's wait after Pelican's reading.

So once a build has swapped its site in, the site it replaced is not simply
deleted: a process of its own turns it into such a copy of the new site (it
already shares every file an edit did not touch, so only those files are
linked again), renames it ``.<site>-spare-<id>`` and records which site it
copies (the site folder's inode and modification time, which change with
every swap). The next incremental build takes the spare with one rename if
the record names the site in place, and otherwise makes its copy as before.

A spare is never served and never written to: builds write a file by
removing it and making a new one (``output.py``), so the site in place,
which shares the spare's files, is not touched. Run as a script (``python
spare.py OLD SITE LEAVE_OUT...``) it uses nothing but the standard library.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import uuid
from pathlib import Path


def site_id(folder: Path) -> list[int]:
    """Which folder is in place: a new build swaps in a new one."""
    stat = folder.stat()
    return [stat.st_ino, stat.st_mtime_ns]


def _record(site: Path) -> Path:
    return site.with_name(f".{site.name}-spare.json")


def _spares(site: Path) -> list[Path]:
    return sorted(site.parent.glob(f".{site.name}-spare-*"))


def discard(site: Path) -> list[Path]:
    """Forget the spare copies of ``site`` (builds that keep none); the
    folders to remove."""
    _record(site).unlink(missing_ok=True)
    return _spares(site)


def take(site: Path, into: Path) -> bool:
    """Move the spare copy of ``site`` to ``into`` (an empty folder); False
    if there is none, or none of the site now in place."""
    record = _record(site)
    try:
        made = json.loads(record.read_text(encoding="utf-8"))
        if made["site"] != site_id(site):
            return False
        spare = site.with_name(made["spare"])
        if spare.parent != site.parent or not spare.name.startswith(f".{site.name}-"):
            return False
        os.replace(spare, into)  # one rename: only one build can take it
    except (OSError, ValueError, KeyError, TypeError):
        return False
    record.unlink(missing_ok=True)
    return True


def make(old: Path, site: Path, leave_out: list[str]) -> None:
    """Turn ``old`` into a spare copy of ``site`` (without ``leave_out``), or
    remove it if that fails or the site is replaced meanwhile."""
    made_for = site_id(site)
    spare = site.with_name(f".{site.name}-spare-{uuid.uuid4().hex[:12]}")
    try:
        mirror(old, site, leave_out)
        old.rename(spare)
        if site_id(site) != made_for:
            raise FileNotFoundError(f"{site} was replaced while its spare was made")
        record = _record(site)
        temporary = record.with_name(f"{record.name}.{spare.name}")
        temporary.write_text(
            json.dumps({"site": made_for, "spare": spare.name}), encoding="utf-8"
        )
        temporary.replace(record)
    except OSError:
        for folder in (old, spare):
            shutil.rmtree(folder, ignore_errors=True)
        return
    for other in _spares(site):
        if other != spare:
            shutil.rmtree(other, ignore_errors=True)


def mirror(copy: Path, source: Path, leave_out: list[str]) -> None:
    """Make ``copy`` (a folder) hold what ``source`` holds but its top-level
    ``leave_out``, each file a hard link to ``source``'s: files that already
    are stay, others are linked again, and what ``source`` does not have is
    removed. Into an empty folder, it is a copy made of hard links."""
    for folder, dirs, files in os.walk(source):
        relative = os.path.relpath(folder, source)
        if relative == ".":
            dirs[:] = [d for d in dirs if d not in leave_out]
        here = os.path.join(copy, relative)
        if not os.path.isdir(here) or os.path.islink(here):
            _remove(here)
            os.mkdir(here)
        have = {entry.name: entry for entry in os.scandir(here)}
        for name in files:
            wanted = os.path.join(folder, name)
            entry = have.pop(name, None)
            if entry is not None:
                if _same_file(entry, wanted):
                    continue
                _remove(entry.path)
            os.link(wanted, os.path.join(here, name))
        for name in dirs:
            entry = have.pop(name, None)
            if entry is not None and not entry.is_dir(follow_symlinks=False):
                _remove(entry.path)
        for entry in have.values():  # not in the source
            _remove(entry.path)


def _same_file(entry: os.DirEntry, path: str) -> bool:
    if entry.is_dir(follow_symlinks=False):
        return False
    mine = entry.stat(follow_symlinks=False)
    theirs = os.stat(path, follow_symlinks=False)
    return (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino)


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


if __name__ == "__main__":
    make(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:])
