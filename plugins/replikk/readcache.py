"""What reading a file gave, kept between builds under a digest of its inputs.

Reading a Markdown file (Markdown, typography, its reference list) depends on
the file's bytes, its place in the content folder and what the build reads
with (``fingerprint.build_digest``: every setting, the plugin's and theme's
files, the packages' versions). The key is a digest of all of these, so an
entry is used only where a cold build would make the same thing: never by
modification time, never by a list of what might change.

Values are plain data (strings, lists, dicts) in an SQLite database,
``CACHE_PATH/replikk-readings.sqlite``: a reading's body as text, the rest as
JSON (the body apart, so reading it back makes one string, not a second,
passing copy of it inside a JSON text). A cache that cannot be read
is removed with one line saying why, and the build goes on cold. A whole
build removes the entries no build of the last :data:`KEEP_BUILDS` used, so
the file does not grow with every edit (a preview, which uses a few, removes
nothing).

Only what depends on one file alone is kept: metadata is processed, checked
and linked to the rest of the archive anew in every build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from contextlib import closing, suppress
from pathlib import Path

logger = logging.getLogger(__name__)

NAME = "replikk-readings.sqlite"
KEEP_BUILDS = 4  # preview and publish settings side by side, and two more
# New readings are written to the database when they reach this size, not
# all held to the end of reading (at 20,000 articles ~800 MB).
FLUSH_BYTES = 8 * 2**20
# Raise when a stored value's shape changes: old entries are then misses.
FORMAT = 2


def key_of(data: bytes, relative: str, build: str) -> str:
    """The key of one file's reading: its bytes, its path, the build's digest."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{FORMAT}\0{build}\0{relative}\0".encode())
    digest.update(data)
    return digest.hexdigest()


class ReadCache:
    """One build's view of the cache: look up, add, and save at the end."""

    def __init__(
        self, folder: str | os.PathLike, load: bool, save: bool, evict: bool = True
    ) -> None:
        self.path = Path(folder) / NAME
        self.load, self.save_new, self.evict = load, save, evict
        self.new: dict[str, tuple[str, str]] = {}  # (body, rest), not yet written
        self.pending = 0
        self.used: set[str] = set()
        self.generation: int | None = None
        self._db: sqlite3.Connection | None = None
        if load:
            self._db = self._open()

    def _open(self) -> sqlite3.Connection | None:
        if not self.path.exists():
            return None
        try:
            db = sqlite3.connect(self.path, timeout=30)
            db.execute("SELECT key, body, rest, generation FROM readings LIMIT 1")
        except sqlite3.DatabaseError as error:
            self._discard(error)
            return None
        return db

    def _discard(self, error: Exception) -> None:
        logger.warning(
            "Reading cache %s cannot be read (%s): removed, reading every file",
            self.path,
            error,
        )
        self.close()
        with suppress(OSError):
            self.path.unlink()

    def get(self, key: str) -> dict | None:
        """The stored reading, or None (a miss, or an entry that cannot be read)."""
        self.used.add(key)
        row = self.new.get(key) or self._row("SELECT body, rest", key)
        if row is None:
            return None
        body, rest = row
        try:
            value = json.loads(rest)
        except (TypeError, ValueError):
            return None
        if not isinstance(value, dict) or not isinstance(body, str):
            return None
        return {"body": body, **value}

    def has(self, key: str) -> bool:
        """Whether the cache holds ``key`` (its value is not read)."""
        return key in self.new or self._row("SELECT 1", key) is not None

    def _row(self, select: str, key: str) -> tuple | None:
        """``select`` of the stored row for ``key``; None if there is none or
        the database cannot be read (then it is discarded)."""
        if self._db is None:
            return None
        try:
            return self._db.execute(
                f"{select} FROM readings WHERE key = ?", (key,)
            ).fetchone()
        except sqlite3.DatabaseError as error:
            self._discard(error)
            return None

    def put(self, key: str, value: dict) -> None:
        self.used.add(key)
        if not self.save_new:
            return
        rest = {k: v for k, v in value.items() if k != "body"}
        row = (value["body"], json.dumps(rest, ensure_ascii=False))
        self.new[key] = row
        self.pending += len(row[0]) + len(row[1])
        if self.pending >= FLUSH_BYTES:
            self._flush()

    def _writable(self) -> sqlite3.Connection:
        """The database, made if need be, and this build's generation."""
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30)
        if self.generation is None:
            with self._db as db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS readings (key TEXT PRIMARY KEY,"
                    " body TEXT, rest TEXT, generation INTEGER)"
                )
                db.execute("CREATE TABLE IF NOT EXISTS builds (n INTEGER)")
                row = db.execute("SELECT max(n) FROM builds").fetchone()
            self.generation = (row[0] or 0) + 1
        return self._db

    def _flush(self) -> None:
        """Write the new readings (each under the digest of what it was made
        from: one written by a build that then fails is still right)."""
        try:
            with self._writable() as db:
                db.executemany(
                    "INSERT OR REPLACE INTO readings VALUES (?, ?, ?, ?)",
                    ((k, b, r, self.generation) for k, (b, r) in self.new.items()),
                )
        except sqlite3.DatabaseError as error:
            self._discard(error)
            self.save_new = False
        except OSError as error:
            logger.warning("Could not save the reading cache %s: %s", self.path, error)
            self.save_new = False
        self.new.clear()
        self.pending = 0

    def save(self) -> None:
        """Write what this build read new; keep what the last builds used."""
        if self.save_new:
            self._flush()
        if not self.save_new:
            self.close()
            return
        try:
            db = self._writable()
            generation = self.generation
            with db:
                db.execute("DELETE FROM builds")
                db.execute("INSERT INTO builds VALUES (?)", (generation,))
                db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT)")
                db.execute("DELETE FROM used")
                db.executemany("INSERT INTO used VALUES (?)", ((k,) for k in self.used))
                db.execute(
                    "UPDATE readings SET generation = ?"
                    " WHERE key IN (SELECT key FROM used)",
                    (generation,),
                )
                if self.evict:
                    db.execute(
                        "DELETE FROM readings WHERE generation <= ?",
                        (generation - KEEP_BUILDS,),
                    )
        except sqlite3.DatabaseError as error:
            self._discard(error)
        except OSError as error:
            logger.warning("Could not save the reading cache %s: %s", self.path, error)
        finally:
            self.close()

    def close(self) -> None:
        if self._db is not None:
            with closing(self._db):
                pass
            self._db = None
