"""Linear versions of Pelican 4.12's quadratic loops, gated on the exact code.

Pelican finds which articles belong to a tag, category, author, year or
translation group by testing list membership (``a in some_list``) inside a loop
over all articles. Each test is linear, so each of these steps is quadratic in
the number of articles: at 20,000 articles they cost tens of seconds. The
versions below compute exactly the same lists, in the same order, with
dictionaries keyed by object identity (Pelican's content objects compare by
identity: they define no ``__eq__``). Each is written so that it could be
offered to Pelican as it is (``docs/performance.md`` lists them).

**Gated.** A plugin cannot replace the built-in ArticlesGenerator
(``get_generators`` only adds generators), so these replace Pelican's own
functions. Each replacement is installed only if Pelican's version is the
one it was written for *and* the source of the function it replaces has the
digest recorded here (:data:`GATES`). Otherwise Pelican's own code runs, and
the build says so once (a warning naming the function). ``tests/test_patches.py``
fails if any gate does not open on the pinned Pelican, and compares every page
built with and without the replacements.
"""

from __future__ import annotations

import calendar
import hashlib
import inspect
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

import pelican
import pelican.generators
from pelican.contents import Content
from pelican.generators import ArticlesGenerator
from pelican.utils import get_original_items

logger = logging.getLogger(__name__)

PELICAN_VERSION = "4.12.0"


def in_order_of(order: Iterable[Content], members: Iterable[Content]) -> list:
    """``[a for a in order if a in members]``, in linear time.

    Each member once, in the order of ``order``; members not in ``order`` are
    left out, as the list comprehension leaves them out.
    """
    wanted = {id(a) for a in members}
    if not wanted:
        return []
    return [a for a in order if id(a) in wanted]


class _Positions:
    """Where each article stands in one ordered list, to sort subsets by it."""

    def __init__(self, order: list[Content]) -> None:
        self.order = order
        self.index = {id(a): i for i, a in enumerate(order)}

    def subset(self, members: Iterable[Content]) -> list[Content]:
        """Same result as ``[a for a in order if a in members]``, in
        O(k log k) for k members instead of O(len(order))."""
        found = {id(a): a for a in members if id(a) in self.index}
        return sorted(found.values(), key=lambda a: self.index[id(a)])


def _write_pages(
    generator: ArticlesGenerator,
    write: Callable,
    kind: str,
    groups: Iterable[tuple[object, list[Content]]],
) -> None:
    """Pelican's generate_tags/_categories/_authors, with linear ``dates``."""
    template = generator.get_template(kind)
    positions = _Positions(generator.dates)
    for item, articles in groups:
        try:
            write(
                item.save_as,
                template,
                generator.context,
                url=item.url,
                **{kind: item},
                articles=articles,
                dates=positions.subset(articles),
                template_name=kind,
                blog=True,
                page_name=item.page_name,
                all_articles=generator.articles,
            )
        except pelican.generators.FileOverwriteFailedError:
            if not item.slug:
                logger.info(
                    '%s "%s" has an invalid slug; skipping writing its page...',
                    kind.capitalize(),
                    item,
                )
                continue
            logger.error('Failed to write %s page for "%s".', kind.capitalize(), item)
            raise


def generate_tags(self: ArticlesGenerator, write: Callable) -> None:
    """Generate tag pages (linear ``dates``)."""
    _write_pages(self, write, "tag", self.tags.items())


def generate_categories(self: ArticlesGenerator, write: Callable) -> None:
    """Generate category pages (linear ``dates``)."""
    _write_pages(self, write, "category", self.categories)


def generate_authors(self: ArticlesGenerator, write: Callable) -> None:
    """Generate author pages (linear ``dates``)."""
    _write_pages(self, write, "author", self.authors)


_GRANULARITY = {
    "year": attrgetter("date.year"),
    "month": attrgetter("date.year", "date.month"),
    "day": attrgetter("date.year", "date.month", "date.day"),
}


def _build_period_archives(self, sorted_articles, articles, settings):
    """Pelican's period archives; each period's ``articles`` found by
    bucketing once instead of testing every article against every period."""
    period_archives = defaultdict(list)
    for granularity, key_func in _GRANULARITY.items():
        save_as_fmt = settings[f"{granularity.upper()}_ARCHIVE_SAVE_AS"]
        url_fmt = settings[f"{granularity.upper()}_ARCHIVE_URL"]
        if not save_as_fmt:
            continue
        by_period: dict[object, list] = defaultdict(list)
        for article in articles:
            by_period[key_func(article)].append(article)
        for period, group in groupby(sorted_articles, key=key_func):
            dates = list(group)
            archive = {
                "dates": dates,
                "articles": in_order_of(by_period.get(period, ()), dates),
            }
            d = dates[0].date
            archive["save_as"] = save_as_fmt.format(date=d)
            archive["url"] = url_fmt.format(date=d)
            if granularity == "year":
                archive["period"] = (period,)
                archive["period_num"] = (period,)
            else:
                month_name = calendar.month_name[period[1]]
                if granularity == "month":
                    archive["period"] = (period[0], month_name)
                else:
                    archive["period"] = (period[0], month_name, period[2])
                archive["period_num"] = tuple(period)
            period_archives[granularity].append(archive)
    return period_archives


def process_translations(
    content_list: list[Content],
    translation_id: str | Collection[str] | None = None,
) -> tuple[list[Content], list[Content]]:
    """Pelican's ``process_translations`` with a linear last step."""
    if not translation_id:
        return content_list, []
    if isinstance(translation_id, str):
        translation_id = {translation_id}
    index: list[Content] = []
    try:
        content_list.sort(key=attrgetter(*translation_id))
    except TypeError:
        raise TypeError(
            f"Cannot unpack {translation_id}, 'translation_id' must be falsy, a"
            " string or a collection of strings"
        ) from None
    except AttributeError:
        raise AttributeError(
            f"Cannot use {translation_id} as 'translation_id', there "
            "appear to be items without these metadata "
            "attributes"
        ) from None
    for key, group in groupby(content_list, attrgetter(*translation_id)):
        id_vals = (key,) if len(translation_id) == 1 else key
        with_str = "with" + ", ".join([' {} "{{}}"'] * len(translation_id)).format(
            *translation_id
        ).format(*id_vals)
        items = list(group)
        index.extend(get_original_items(items, with_str))
        for a in items:
            a.translations = [x for x in items if x is not a]
    originals = {id(x) for x in index}
    translations = [x for x in content_list if id(x) not in originals]
    return index, translations


def _update_content(self, content: str, siteurl: str) -> str:
    """Pelican's ``Content._update_content``, resolving each linked file once.

    Pelican resolves every ``{filename}`` link on its own (parse the URL, find
    the content it names, join it to the page's siteurl: ~35 µs), and does it
    again for every page depth a text is shown at. An article's in-text
    citations and back-links all point at the article itself with different
    fragments (``{filename}/a.md#ref-1``, ``…#ref-2``, …): here the first such
    link is resolved by Pelican and the others reuse its result, with their own
    fragment. ``{attach}`` links (which move files) are always left to Pelican.
    """
    if not content:
        return content
    resolved: dict[tuple[str, str], str] = {}

    def replace(m: re.Match) -> str:
        what, value = m.group("what"), m.group("value")
        if what == "attach" or "#" not in value:
            return self._link_replacer(siteurl, m)
        target, fragment = value.split("#", 1)
        markup, quote = m.group("markup"), m.group("quote")
        known = resolved.get((what, target))
        if known is not None:
            return f"{markup}{quote}{known}#{fragment}{quote}"
        result = self._link_replacer(siteurl, m)
        head, tail = f"{markup}{quote}", f"#{fragment}{quote}"
        if result.startswith(head) and result.endswith(tail):
            resolved[(what, target)] = result[len(head) : -len(tail)]
        return result

    return self._get_intrasite_link_regex().sub(replace, content)


def get_content(self, siteurl: str) -> str:
    """Pelican's ``Content.get_content``, without its memo.

    Pelican memoizes it in one dictionary on the class, keyed by content
    object and page depth, for the life of the process: at the end of a build
    every article's text is held a second (and third) time, and under
    ``invoke livereload`` every build's articles stay in memory for good. Each
    text is asked for once per page that shows it (its own page; its entry,
    made once, in the feeds), so the memo saved nothing.
    """
    content = self._get_content() if hasattr(self, "_get_content") else self._content
    return self._update_content(content, siteurl)


def _source_digest(function: object) -> str | None:
    """The digest of a function's source (of what a decorator wraps)."""
    function = getattr(function, "func", function)  # pelican.utils.memoized
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return None
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Gate:
    """One replacement: where it goes, and the digest of what it replaces."""

    owner: object
    name: str
    replacement: Callable
    digest: str

    @property
    def original(self) -> object:
        # As stored on the owner itself: a descriptor (Pelican's memoized)
        # looked up on its class would be bound to nothing.
        return vars(self.owner).get(self.name)

    def opens(self) -> bool:
        """Whether Pelican's code is the code the replacement was written for."""
        return (
            pelican.__version__ == PELICAN_VERSION
            and _source_digest(self.original) == self.digest
        )


GATES = (
    Gate(ArticlesGenerator, "generate_tags", generate_tags, "37f65d284c713dd4"),
    Gate(
        ArticlesGenerator,
        "generate_categories",
        generate_categories,
        "cfb524524a3caae3",
    ),
    Gate(ArticlesGenerator, "generate_authors", generate_authors, "982c57fcfcf0435e"),
    Gate(
        ArticlesGenerator,
        "_build_period_archives",
        _build_period_archives,
        "c19e3024444c4c43",
    ),
    Gate(
        pelican.generators,
        "process_translations",
        process_translations,
        "895f109099fe40b9",
    ),
    Gate(Content, "_update_content", _update_content, "b446bacdf3e46a3a"),
    Gate(Content, "get_content", get_content, "5b963ce7e6237a1b"),
)

_MARK = "_replikk_linear"
_ORIGINALS: dict[tuple[int, str], object] = {}


def patch() -> list[str]:
    """Install every replacement whose gate opens; the names of those that
    did not (Pelican's own code runs there). Calling it again changes nothing."""
    closed = []
    for gate in GATES:
        if getattr(gate.original, _MARK, False):
            continue
        if not gate.opens():
            closed.append(gate.name)
            continue
        _ORIGINALS[(id(gate.owner), gate.name)] = gate.original
        setattr(gate.replacement, _MARK, True)
        setattr(gate.owner, gate.name, gate.replacement)
    for name in closed:
        logger.warning(
            "Pelican %s: %s is not the code Replikk's linear version replaces"
            " (written for Pelican %s); Pelican's own runs",
            pelican.__version__,
            name,
            PELICAN_VERSION,
        )
    return closed


def unpatch() -> None:
    """Put Pelican's own versions back (for tests that compare the two)."""
    for gate in GATES:
        original = _ORIGINALS.pop((id(gate.owner), gate.name), None)
        if original is not None:
            setattr(gate.owner, gate.name, original)


def patched() -> bool:
    return all(getattr(gate.original, _MARK, False) for gate in GATES)
