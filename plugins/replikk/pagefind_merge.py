"""Merge Pagefind bundles built over disjoint sets of pages into one bundle.

Pagefind holds every page's words in memory while it builds an index (about
0.3 MB per article, 1.7 GB at 5,000 articles), with no option to bound it.
So the build indexes the articles in batches, one Pagefind run each, and
merges the batches' bundles here into the bundle one run over all pages
would have written: the same pages, words, word positions, filters and
metadata, so the same search results.

This reads Pagefind's own index format (Pagefind is pinned in
pyproject.toml; tests/test_search_index.py compares a merged bundle with one
run's, so a Pagefind version that changes the format fails there first).
Per language:

- ``pagefind.<hash>.pf_meta``: [version, pages [[fragment hash, word
  count]], index chunks [[from, to, hash]], filters [[name, hash]], sorts,
  meta fields];
- ``index/<hash>.pf_index``: [[words]], a word being [word, pages,
  variants], a page [page number, locations, meta locations] with page
  numbers delta-encoded (the first absolute), a variant [form, pages];
  words sorted, in chunks of about 20,000 locations;
- ``filter/<hash>.pf_filter``: [name, [[value, [page numbers]]]];
- ``fragment/<hash>.pf_fragment``: one page's JSON, the same in any bundle.

Each file is gzipped CBOR after the ``pagefind_dcd`` signature. Words and
locations are copied as bytes; only page numbers are renumbered. From about
2,000 articles two processes merge the words, each a share of the ranges of
words (:func:`_ranges`); the chunks are cut by one, as one process cuts them.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import json
import multiprocessing
import os
import pickle
import shutil
from bisect import bisect_left
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import groupby, pairwise
from pathlib import Path

SIGNATURE = b"pagefind_dcd"
CHUNK_LOCATIONS = 20_000  # Pagefind's index chunk size
# gzip's level for the files the merge writes: at 20,000 articles level 4
# compresses the index in 1.5 s of CPU instead of 4.9 s at level 6, for 5 %
# more bytes (32 MB instead of 30; a search fetches a few chunks of ~70 KB).
COMPRESSION = 4
ARRAY, TEXT, UINT = 4, 3, 0


class BundleFormatError(ValueError):
    """A bundle is not in the Pagefind format this module knows."""


# --- CBOR, as much of it as Pagefind writes ---


_BYTES = [bytes([b]) for b in range(256)]


def _head(major: int, value: int) -> bytes:
    """A CBOR item head in its shortest form, as Pagefind's encoder writes it."""
    base = major << 5
    if value < 24:
        return _BYTES[base | value]
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([base | info]) + value.to_bytes(size, "big")
    raise BundleFormatError(f"integer too large for CBOR: {value}")


def _read_head(data: bytes, i: int) -> tuple[int, int, int]:
    """(major type, value, next offset) of the item head at ``i``."""
    first = data[i]
    info = first & 31
    if info < 24:
        return first >> 5, info, i + 1
    if info > 27:
        raise BundleFormatError(f"unexpected CBOR head {first:#x} at {i}")
    size = 1 << (info - 24)
    return first >> 5, int.from_bytes(data[i + 1 : i + 1 + size], "big"), i + 1 + size


def _expect(data: bytes, i: int, major: int) -> tuple[int, int]:
    kind, value, i = _read_head(data, i)
    if kind != major:
        raise BundleFormatError(f"expected CBOR type {major}, found {kind} at {i}")
    return value, i


def decode(data: bytes, i: int = 0) -> tuple[object, int]:
    """A whole item: integers, text and arrays (the small files: meta, filters)."""
    kind, value, i = _read_head(data, i)
    if kind == UINT:
        return value, i
    if kind == 1:
        return -1 - value, i
    if kind == TEXT:
        return data[i : i + value].decode("utf-8"), i + value
    if kind == ARRAY:
        items = []
        for _ in range(value):
            item, i = decode(data, i)
            items.append(item)
        return items, i
    raise BundleFormatError(f"unexpected CBOR type {kind} at {i}")


def encode(item: object) -> bytes:
    if isinstance(item, str):
        raw = item.encode("utf-8")
        return _head(TEXT, len(raw)) + raw
    if isinstance(item, int):
        return _head(UINT, item) if item >= 0 else _head(1, -1 - item)
    if isinstance(item, list):
        return _head(ARRAY, len(item)) + b"".join(encode(x) for x in item)
    raise BundleFormatError(f"cannot encode {item!r}")


def read_file(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise BundleFormatError(f"{path} is not a Pagefind index file")
    return data[len(SIGNATURE) :]


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        gzip.compress(SIGNATURE + data, compresslevel=COMPRESSION, mtime=0)
    )


class _Files:
    """Writes index chunks in threads beside the merge (zlib lets go of the
    GIL while it compresses: a quarter of a merge's time), a few at a time."""

    def __init__(self, threads: int = 2) -> None:
        self.pool = ThreadPoolExecutor(threads)
        self.pending: deque[Future] = deque()
        self.most = 4 * threads  # chunks waiting to be written, at most

    def write(self, path: Path, data: bytes) -> None:
        while len(self.pending) >= self.most:
            self.pending.popleft().result()
        self.pending.append(self.pool.submit(write_file, path, data))

    def close(self) -> None:
        """Wait until every chunk is written; raise the first failure."""
        try:
            while self.pending:
                self.pending.popleft().result()
        finally:
            self.pool.shutdown(cancel_futures=True)


# --- the word index ---


# One word's pages in one bundle: (count, first page's number, last page's
# number, the first page's locations as encoded, the other pages as encoded,
# what Pagefind counts towards a chunk's size). A merge rewrites only the
# first page's number and copies the rest as bytes. A plain tuple: it is what
# a kept bundle's pickle holds, and a merge at 20,000 articles spent 1.2 s
# making objects of them.
Pages = tuple[int, int, int, bytes, bytes, int]


def _read_pages(data: bytes, i: int) -> tuple[Pages, int]:
    # The hot loop of a merge, once per page of every word, so the CBOR heads
    # are read inline: [page delta, [locations], [meta locations]].
    count = data[i] - 0x80  # an array head, read inline when short
    if 0 <= count < 24:
        i += 1
    else:
        count, i = _expect(data, i, ARRAY)
    page = locations = 0
    first_rest = b""
    others = i
    for n in range(count):
        if data[i] != 0x83:  # [page, locs, meta]
            raise BundleFormatError(f"a page is not [page, locs, meta] at {i}")
        info = data[i + 1]
        if info < 24:
            page += info
            i += 2
        else:
            size = 1 << (info - 24)
            page += int.from_bytes(data[i + 2 : i + 2 + size], "big")
            i += 2 + size
        rest = i
        for _ in range(2):  # the locations, then the meta locations
            length = data[i] - 0x80
            if 0 <= length < 24:
                i += 1
            else:
                length, i = _expect(data, i, ARRAY)
            locations += length
            for _ in range(length):
                info = data[i] & 31
                i += 1 if info < 24 else 1 + (1 << (info - 24))
        if n == 0:
            first, first_rest, others = page, data[rest:i], i
    if not count:
        first = 0
    return (count, first, page, first_rest, data[others:i], locations + count), i


def _write_pages(parts: list[tuple[Pages, int]]) -> bytes:
    """Pages of several bundles as one list, each bundle's page numbers
    shifted by its offset (only each bundle's first delta changes)."""
    if len(parts) == 1:  # most words are in one bundle only
        (count, first, _, first_rest, others, _), offset = parts[0]
        if not count:
            return b"\x80"
        return b"".join(
            (
                _head(ARRAY, count),
                b"\x83",
                _head(UINT, first + offset),
                first_rest,
                others,
            )
        )
    out = [_head(ARRAY, sum(p[0] for p, _ in parts))]
    previous = 0
    for (count, first, last, first_rest, others, _), offset in parts:
        if count:
            out += [b"\x83", _head(UINT, first + offset - previous), first_rest, others]
            previous = last + offset
    return b"".join(out)


# A word of one bundle: (word as UTF-8, word as encoded, pages,
# ((variant form as encoded, pages), ...)). Words sort by their UTF-8 bytes,
# as Pagefind sorts them.
Word = tuple[bytes, bytes, Pages, tuple[tuple[bytes, Pages], ...]]


def _read_text(data: bytes, i: int) -> tuple[bytes, bytes, int]:
    """A text item: (its UTF-8, the item as encoded, next offset)."""
    length = data[i] - 0x60  # a text head, read inline when short
    if 0 <= length < 24:
        start = i + 1
    else:
        length, start = _expect(data, i, TEXT)
    return data[start : start + length], data[i : start + length], start + length


def _read_words(data: bytes) -> Iterator[Word]:
    if data[0] != 0x81:  # [words]
        raise BundleFormatError("an index chunk is not [words]")
    count, i = _expect(data, 1, ARRAY)
    for _ in range(count):
        if data[i] != 0x83:  # [word, pages, variants]
            raise BundleFormatError(f"a word is not [word, pages, variants] at {i}")
        word, encoded, i = _read_text(data, i + 1)
        pages, i = _read_pages(data, i)
        count_variants, i = _expect(data, i, ARRAY)
        variants = []
        for _ in range(count_variants):
            if data[i] != 0x82:  # [form, pages]
                raise BundleFormatError(f"a variant is not [form, pages] at {i}")
            _, form, i = _read_text(data, i + 1)
            found, i = _read_pages(data, i)
            variants.append((form, found))
        yield word, encoded, pages, tuple(variants)


def _merge_word(found: list[tuple[Word, int]]) -> tuple[bytes, int]:
    """One word of every bundle that has it, encoded; and its chunk size."""
    parts = [(word[2], offset) for word, offset in found]
    out = [b"\x83", found[0][0][1], _write_pages(parts)]
    if not any(word[3] for word, _ in found):
        out.append(b"\x80")  # no variants
    else:
        variants: dict[bytes, list[tuple[Pages, int]]] = {}
        for word, offset in found:
            for form, pages in word[3]:
                variants.setdefault(form, []).append((pages, offset))
        out.append(_head(ARRAY, len(variants)))
        for form in sorted(variants, key=lambda f: decode(f)[0]):
            out += [b"\x82", form, _write_pages(variants[form])]
    return b"".join(out), sum(pages[5] for pages, _ in parts)


# --- bundles ---


# A kept bundle's words as read, for the next merge (pickles are read 15x
# faster than the CBOR is parsed), one file per index chunk. Files in a
# bundle's subfolder are never merged into the index.
PARSED = "replikk-parsed"
PARSED_FORMAT = 2


@dataclass
class _Index:
    """One language's index in one bundle."""

    bundle: Path
    meta: list  # the pf_meta file, decoded
    language: str = ""
    offset: int = 0  # how many pages come before this bundle's
    keep: bool = False  # keep the words as read, for the next merge
    # The first and last chunks the latest range of words read: the range
    # before or after it shares one.
    kept: dict[int, list[Word]] = field(default_factory=dict)

    @property
    def pages(self) -> list:
        return self.meta[1]

    def words(
        self, low: bytes | None = None, high: bytes | None = None
    ) -> Iterator[tuple[Word, int]]:
        """The words from ``low`` (or the first) up to ``high`` (or the last),
        reading only the chunks that may hold them."""
        first_read = None
        for n, (start, end, _) in enumerate(self.meta[2]):
            if high is not None and start.encode() >= high:
                return  # a chunk's words start with its `from`
            to = end.encode()  # ... and end with words that start with `to`
            if low is not None and low > to and not low.startswith(to):
                continue
            words = self._chunk(n)
            if first_read is None:
                first_read = n
            self.kept = {first_read: self.kept.get(first_read, words), n: words}
            if not words:
                continue
            first, past = 0, len(words)
            if low is not None and not low <= words[0][0]:
                first = bisect_left(words, low, key=_text_of)
            if high is not None and not words[-1][0] < high:
                past = bisect_left(words, high, first, key=_text_of)
            for word in words[first:past]:
                yield word, self.offset

    def _chunk(self, n: int) -> list[Word]:
        """Index chunk ``n``'s words, from the kept pickle if there is one."""
        if n in self.kept:
            return self.kept[n]
        parsed = self.bundle / PARSED / f"{self.language}-{PARSED_FORMAT}-{n}.pickle"
        try:
            with parsed.open("rb") as handle:
                words = pickle.load(handle)
        except FileNotFoundError:
            name = self.meta[2][n][2]
            words = list(
                _read_words(read_file(self.bundle / "index" / f"{name}.pf_index"))
            )
            if self.keep:
                parsed.parent.mkdir(exist_ok=True)
                # Two processes may both write it: each its own file, renamed.
                temporary = parsed.with_suffix(f".{os.getpid()}.tmp")
                with temporary.open("wb") as handle:
                    pickle.dump(words, handle, protocol=pickle.HIGHEST_PROTOCOL)
                temporary.replace(parsed)
        return words

    def filters(self) -> Iterator[tuple[str, str, list[int]]]:
        for _, name in self.meta[3]:
            (filter_name, values), _ = decode(
                read_file(self.bundle / "filter" / f"{name}.pf_filter")
            )
            for value, numbers in values:
                yield filter_name, value, [n + self.offset for n in numbers]


def _word_of(found: tuple[Word, int]) -> bytes:
    return found[0][0]


def _text_of(word: Word) -> bytes:
    return word[0]


def _name(language: str, data: bytes, used: set[str], length: int = 7) -> str:
    """A file name as Pagefind makes one: the language, '_', the start of a
    SHA-1 of the content, longer when it is taken."""
    digest = hashlib.sha1(data).hexdigest()
    while (name := f"{language}_{digest[:length]}") in used:
        length += 1
    used.add(name)
    return name


def _prefixes(left: str, right: str) -> tuple[str, str]:
    """The shortest prefixes that still tell two neighbouring chunks apart."""
    common = 0
    for a, b in zip(left, right, strict=False):
        if a != b:
            break
        common += 1
    return left[: common + 1], right[: common + 1]


class _Writer:
    """Writes one language's merged index into the target bundle."""

    def __init__(
        self, language: str, target: Path, fragments: set[str], files: _Files
    ) -> None:
        self.language, self.target = language, target
        self.fragments = fragments  # shared by all languages: one folder
        self.names: set[str] = set()
        self.files = files

    def pages(self, parts: list[_Index]) -> list[list]:
        """Every page, in bundle order; fragments move over, renamed only
        when two bundles chose the same name."""
        pages = []
        into = os.path.join(self.target, "fragment", "")  # paths as text: one
        for part in parts:  # Path per fragment cost 1.5 s at 20,000 articles
            renamed: dict[str, str] = {}
            source_folder = os.path.join(part.bundle, "fragment", "")
            for fragment, word_count in part.pages:
                if fragment not in renamed:
                    source = f"{source_folder}{fragment}.pf_fragment"
                    name = fragment
                    if name in self.fragments:
                        with open(source, "rb") as handle:
                            name = _name(self.language, handle.read(), self.fragments)
                    self.fragments.add(name)
                    renamed[fragment] = name
                    _place(source, f"{into}{name}.pf_fragment")
                pages.append([renamed[fragment], word_count])
        return pages

    def words(self, parts: list[_Index], processes: int = 1) -> list[list[str]]:
        """The bundles' sorted words merged and chunked as Pagefind chunks
        them; the chunks' [from, to, file name].

        With two processes or more, this one merges the ranges of words
        (:func:`_ranges`) from the first on and a forked one from the last
        back, each taking the next until they meet (the ranges cost unevenly:
        numbers and DOIs are many words of few bytes). The forked one keeps
        each range's merged words in a file; this one chunks them after its
        own, so the chunks are cut where one process would cut them.
        """
        chunks = _Chunks(self)
        ranges = _ranges(parts)
        if processes < 2 or len(ranges) < 2:
            for low, high in ranges:
                chunks.add_all(_merge_range(parts, low, high))
        else:
            fork = multiprocessing.get_context("fork")
            # The last range is the forked one's from the start.
            claims = fork.Array("i", [0, len(ranges) - 1])
            with ProcessPoolExecutor(
                1, mp_context=fork, initializer=_share_claims, initargs=(claims,)
            ) as pool:
                back = pool.submit(_merge_back, parts, ranges, self.target / "index")
                while (n := _claim(claims, front=True)) is not None:
                    chunks.add_all(_merge_range(parts, *ranges[n]))
                for kept in back.result():
                    with open(kept, "rb") as handle:
                        chunks.add_all(pickle.load(handle))
                    os.remove(kept)
        named = chunks.close()
        for left, right in pairwise(named):
            to, right[0] = _prefixes(left[1], right[0])
            if to >= left[0]:  # as Pagefind: a range never ends before it starts
                left[1] = to
        return named

    def write_chunk(self, words: list[bytes]) -> str:
        """Write one chunk of encoded words; its file name."""
        data = _head(ARRAY, 1) + _head(ARRAY, len(words)) + b"".join(words)
        name = _name(self.language, data, self.names)
        self.files.write(self.target / "index" / f"{name}.pf_index", data)
        return name

    def filters(self, parts: list[_Index]) -> list[list[str]]:
        """Each filter's values with their pages; the filters' [name, file name]."""
        values: dict[str, dict[str, list[int]]] = {}
        for part in parts:
            for name, value, numbers in part.filters():
                values.setdefault(name, {}).setdefault(value, []).extend(numbers)
        filters = []
        for name, pages in sorted(values.items()):
            data = encode([name, [[value, pages[value]] for value in sorted(pages)]])
            file_name = _name(self.language, data, self.names)
            write_file(self.target / "filter" / f"{file_name}.pf_filter", data)
            filters.append([name, file_name])
        return filters

    def meta(
        self, version: str, pages: list, chunks: list, filters: list, fields: list
    ) -> str:
        data = encode([version, pages, chunks, filters, [], fields])
        name = _name(self.language, data, set(), len(self.language) + 8)
        write_file(self.target / f"pagefind.{name}.pf_meta", data)
        return name


# The words are merged in ranges cut where the bundles' index chunks start,
# at most RANGES of about the same size (the chunks' files' sizes), so that
# two processes can share them out; the chunks are cut across the ranges as
# if there were none. An index of fewer than RANGE_LEAST chunks in all its
# bundles is one range (a second process would not pay for itself).
RANGES = 16
RANGE_LEAST = 200  # about 2,000 articles: below, a fork costs what it saves


def _ranges(parts: list[_Index]) -> list[tuple[bytes | None, bytes | None]]:
    """[low, high) of each range of words; None: no bound."""
    chunks = sorted(
        (start.encode(), (part.bundle / "index" / f"{name}.pf_index").stat().st_size)
        for part in parts
        for start, _, name in part.meta[2]
    )
    keys: list[bytes] = []
    if len(chunks) >= RANGE_LEAST:
        total = sum(size for _, size in chunks)
        done = 0
        for start, size in chunks:
            if done * RANGES >= total * (len(keys) + 1) and start > max(
                keys, default=b""
            ):
                keys.append(start)
            done += size
    return list(zip([None, *keys], [*keys, None], strict=True))


# A merged word: (the word as UTF-8, the word encoded, its chunk size).
Merged = tuple[bytes, bytes, int]


def _merge_range(
    parts: list[_Index], low: bytes | None, high: bytes | None
) -> Iterator[Merged]:
    """The bundles' words from ``low`` up to ``high``, merged, in order."""
    merged = heapq.merge(*(p.words(low, high) for p in parts), key=_word_of)
    for word, found in groupby(merged, key=_word_of):
        encoded, locations = _merge_word(list(found))
        yield word, encoded, locations


class _Chunks:
    """Merged words, in order, cut into chunks of about CHUNK_LOCATIONS
    locations as Pagefind cuts them, each written as soon as it is whole."""

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer
        self.chunks: list[list[str]] = []
        self.words: list[bytes] = []
        self.first = self.last = b""
        self.size = 0

    def add_all(self, words: Iterable[Merged]) -> None:
        for word, encoded, locations in words:
            if not self.words:
                self.first = word
            self.words.append(encoded)
            self.last = word
            self.size += locations
            if self.size >= CHUNK_LOCATIONS:
                self._write()

    def close(self) -> list[list[str]]:
        """Each chunk's [first word, last word, file name]."""
        if self.words:
            self._write()
        return self.chunks

    def _write(self) -> None:
        name = self.writer.write_chunk(self.words)
        self.chunks.append([self.first.decode(), self.last.decode(), name])
        self.words, self.size = [], 0


# In the forked process that merges ranges from the last back: the ranges
# taken so far from each end, shared with the process that takes them from
# the first on (a multiprocessing Array of two: [front, back]).
_claims = None


def _share_claims(claims) -> None:
    global _claims  # noqa: PLW0603 -- set once in the forked process
    _claims = claims


def _claim(claims, front: bool) -> int | None:
    """The next range to merge from the front or the back; None: all taken."""
    with claims.get_lock():
        low, high = claims[0], claims[1]
        if low >= high:
            return None
        if front:
            claims[0] = low + 1
            return low
        claims[1] = high - 1
        return high - 1


def _merge_back(
    parts: list[_Index], ranges: list[tuple[bytes | None, bytes | None]], into: Path
) -> list[str]:
    """In the forked process: the ranges from the last back (the last is
    always this one's), until the other process has taken the rest, each
    range's merged words pickled into a file in ``into``; the files, in
    range order."""
    kept: list[str] = []
    n: int | None = len(ranges) - 1  # given; the others are taken
    while n is not None:
        path = os.path.join(into, f".{os.getpid()}-{n}.words")
        with open(path, "wb") as handle:
            words = list(_merge_range(parts, *ranges[n]))
            pickle.dump(words, handle, protocol=pickle.HIGHEST_PROTOCOL)
        kept.append(path)
        n = _claim(_claims, front=False)
    return kept[::-1]


def _merge_language(
    language: str,
    parts: list[_Index],
    target: Path,
    fragments: set[str],
    files: _Files,
    *,
    processes: int = 1,
) -> str:
    """Merge one language's indexes; the name of its merged meta file."""
    offset = 0
    for part in parts:
        if part.meta[4]:
            raise BundleFormatError(
                f"{part.bundle}: pages sorted with data-pagefind-sort cannot be "
                "indexed in batches"
            )
        part.offset = offset
        offset += len(part.pages)
    writer = _Writer(language, target, fragments, files)
    return writer.meta(
        parts[0].meta[0],
        writer.pages(parts),
        writer.words(parts, processes),
        writer.filters(parts),
        sorted({field for part in parts for field in part.meta[5]}),
    )


def _entry(bundle: Path) -> dict:
    return json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))


def _move_assets(bundles: list[Path], target: Path) -> None:
    """The search scripts, styles and WebAssembly (the same in every bundle,
    but a language's WebAssembly only where the language is)."""
    index_files = {"pagefind-entry.json"}
    for bundle in bundles:
        for item in bundle.iterdir():
            if (
                item.is_file()
                and item.suffix != ".pf_meta"
                and item.name not in index_files
                and not (target / item.name).exists()
            ):
                _place(item, target / item.name)


def _place(source: str | Path, target: str | Path) -> None:
    """A file of a bundle in the merged bundle: a hard link (bundles may be
    kept for the next build and are never written to), a copy across file
    systems."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _merge_languages(
    bundles: list[Path],
    entries: list[dict],
    target: Path,
    files: _Files,
    *,
    keep: bool,
    processes: int,
) -> dict[str, dict]:
    """Each language's merged index; the entry file's ``languages``."""
    languages: dict[str, dict] = {}
    fragments: set[str] = set()
    for language in sorted({lang for e in entries for lang in e["languages"]}):
        found = [
            (bundle, entry["languages"][language])
            for bundle, entry in zip(bundles, entries, strict=True)
            if language in entry["languages"]
        ]
        parts = [
            _Index(
                bundle,
                decode(read_file(bundle / f"pagefind.{info['hash']}.pf_meta"))[0],
                language,
                keep=keep,
            )
            for bundle, info in found
        ]
        languages[language] = {
            "hash": _merge_language(
                language, parts, target, fragments, files, processes=processes
            ),
            "wasm": found[0][1]["wasm"],
            "page_count": sum(len(p.pages) for p in parts),
        }
    return languages


def merge_bundles(
    bundles: list[Path], target: Path, keep: bool = False, processes: int = 1
) -> None:
    """Merge Pagefind bundles of disjoint sets of pages into ``target``, a
    new folder; the bundles are left as they were. ``keep``: the bundles are
    kept for later merges, which read them faster if they keep their words as
    read (in a subfolder, ``PARSED``). ``processes``: how many may merge the
    words (forked, where the system can)."""
    if not bundles:
        raise ValueError("no bundles to merge")
    entries = [_entry(b) for b in bundles]
    for sub in ("index", "filter", "fragment"):
        (target / sub).mkdir(parents=True)
    _move_assets(bundles, target)
    files = _Files()
    try:
        languages = _merge_languages(
            bundles, entries, target, files, keep=keep, processes=processes
        )
    finally:
        files.close()
    entry = {
        "version": entries[0]["version"],
        "languages": languages,
        "include_characters": entries[0]["include_characters"],
    }
    (target / "pagefind-entry.json").write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
