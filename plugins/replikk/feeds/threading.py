"""Atom Threading Extensions (RFC 4685) for feedgen.

feedgen has no threading support, so this is one written with its extension
mechanism: register it on a feed with :func:`register` and set each entry's
``entry.thr`` fields. It writes, per entry:

- one ``thr:in-reply-to`` per answered resource (``ref`` its id, ``href`` its
  page, RFC 4685 §3), plus a ``link rel="related"`` to the same page for
  readers that ignore threading;
- for an answered entry, a ``link rel="replies"`` to a feed holding the
  replies, with ``thr:count`` and ``thr:updated`` (§4), and ``thr:total`` (§5).

RSS 2.0 has no threading of its own, but admits elements of other namespaces:
RSS items get the same ``thr:in-reply-to`` and ``thr:total``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

THR = "http://purl.org/syndication/thread/1.0"
NAMESPACE = "thr"  # the attribute feedgen hangs the extension on
# feedgen writes Atom elements unqualified under a default xmlns; ours follow.


@dataclass(frozen=True, slots=True)
class InReplyTo:
    """What an entry answers: ``ref`` its permanent id, ``href`` where to read it."""

    ref: str
    href: str | None = None
    type: str | None = "text/html"


@dataclass(frozen=True, slots=True)
class Replies:
    """The replies to an entry: a feed holding them, how many, the latest one's date."""

    href: str
    count: int
    updated: datetime | None = None
    type: str = "application/atom+xml"


class ThreadingExtension(BaseExtension):
    """The feed half: declares the ``thr`` namespace."""

    def extend_ns(self) -> dict[str, str]:
        return {"thr": THR}


class ThreadingEntryExtension(BaseEntryExtension):
    """The entry half: ``entry.thr.in_reply_to(...)``, ``entry.thr.replies(...)``."""

    def __init__(self) -> None:
        self._in_reply_to: list[InReplyTo] = []
        self._replies: Replies | None = None

    def in_reply_to(self, *targets: InReplyTo) -> list[InReplyTo]:
        """Add what this entry answers; returns all of them."""
        self._in_reply_to.extend(targets)
        return list(self._in_reply_to)

    def replies(self, replies: Replies | None = None) -> Replies | None:
        if replies is not None:
            self._replies = replies
        return self._replies

    def _write_in_reply_to(self, entry) -> None:
        for target in self._in_reply_to:
            elem = xml_elem(f"{{{THR}}}in-reply-to", entry, ref=target.ref)
            if target.href:
                elem.attrib["href"] = target.href
                if target.type:
                    elem.attrib["type"] = target.type

    def _write_total(self, entry) -> None:
        if self._replies is not None:
            xml_elem(f"{{{THR}}}total", entry).text = str(self._replies.count)

    def extend_atom(self, entry):
        self._write_in_reply_to(entry)
        for target in self._in_reply_to:
            if target.href:
                link = xml_elem("link", entry, rel="related")
                link.attrib["href"] = target.href
                if target.type:
                    link.attrib["type"] = target.type
        replies = self._replies
        if replies is not None:
            link = xml_elem(
                "link",
                entry,
                rel="replies",
                type=replies.type,
                href=replies.href,
            )
            link.attrib[f"{{{THR}}}count"] = str(replies.count)
            if replies.updated is not None:
                link.attrib[f"{{{THR}}}updated"] = replies.updated.isoformat()
        self._write_total(entry)
        return entry

    def extend_rss(self, entry):
        self._write_in_reply_to(entry)
        self._write_total(entry)
        return entry


def register(feed) -> None:
    """Make ``entry.thr`` available on every entry of a feedgen ``FeedGenerator``."""
    feed.register_extension(NAMESPACE, ThreadingExtension, ThreadingEntryExtension)


def register_entry(entry) -> None:
    """Make ``entry.thr`` available on one feedgen ``FeedEntry`` made on its own."""
    entry.register_extension(NAMESPACE, ThreadingEntryExtension)
