"""Feeds: Atom and RSS 2.0 for the archive, each language and section, Atom
for each tag, author and debate (``FEED_FORMATS``), with RFC 4685 threading.
See README.md beside this file."""

from __future__ import annotations

from pelican import signals

from .glue import FeedsGenerator, plan


def add_generator(pelican):
    return FeedsGenerator


def register() -> None:
    signals.all_generators_finalized.connect(plan)
    signals.get_generators.connect(add_generator)
