"""Every output path has one owner.

Two sources that would write the same file (a page with ``Slug: debatt`` and
the debates index, two articles with one slug, a static file and a feed) stop
the build with one error naming both, before the second one is written. Every
write of a build goes through :func:`claim`: Pelican's writer (our
:class:`OwningWriter`, given to Pelican through its ``get_writer`` signal),
the feeds, the citation files, the static files and the search index. A build
writes in one process, so one record of owners sees every write, in every
mode (serial or with reading workers, cached or cold, full or preview).

The failed build's staging folder is removed (``build.py``): the last good
site stays where it was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pelican import signals
from pelican.paginator import Paginator
from pelican.utils import sanitised_join
from pelican.writers import Writer

from .problems import ContentError, Problem, Problems, problems_of

OWNERS = "_REPLIKK_OWNERS"  # this build's record, in its settings

# What a page made from a template, not from a file, is called in messages.
_TEMPLATES = {
    "index": "the front page",
    "archives": "the archive",
    "period_archives": "an archive page of one period",
    "tags": "the list of topics",
    "categories": "the list of sections",
    "authors": "the list of authors",
    "debates": "the debates index",
    "search": "the search page",
    "404": "the 404 page",
}
_LISTS = {"tag": "topic", "category": "section", "author": "author"}


@dataclass(frozen=True)
class Owner:
    """Who writes a file: a content file (``source``), or a page the build
    makes (``label`` alone)."""

    label: str
    source: str | None = None
    field: str | None = None  # the field of the source that names the path


@dataclass
class Owners:
    files: dict[str, Owner] = field(default_factory=dict)
    trees: dict[str, Owner] = field(default_factory=dict)

    def claim(self, relative: str, owner: Owner) -> None:
        path = os.path.normpath(relative).replace(os.sep, "/")
        first = self.files.get(path) or self._tree_of(path)
        if first is not None and first != owner:
            raise _collision(path, first, owner)
        self.files[path] = owner

    def claim_tree(self, folder: str, owner: Owner) -> None:
        prefix = os.path.normpath(folder).replace(os.sep, "/").rstrip("/") + "/"
        for path, first in self.files.items():
            if path.startswith(prefix) and first != owner:
                raise _collision(path, first, owner)
        self.trees[prefix] = owner

    def _tree_of(self, path: str) -> Owner | None:
        return next(
            (o for prefix, o in self.trees.items() if path.startswith(prefix)), None
        )


class OutputCollision(ContentError):
    """Two owners for one output path."""


def _collision(path: str, first: Owner, second: Owner) -> OutputCollision:
    # Name the file an author can change; the generated page is the other.
    blamed, other = (
        (second, first) if second.source or not first.source else (first, second)
    )
    source = blamed.source or "(site)"
    other_name = other.source or other.label
    what = "" if blamed.source else f"{blamed.label} "
    problem = Problem(
        source,
        f"{what}writes {path}, which {other_name} writes too",
        field=blamed.field,
        hint=(
            "give one of them another Slug or Save_as"
            if blamed.field
            else "move or rename one of them"
        ),
    )
    return OutputCollision(Problems([problem]))


def owners_of(settings: dict) -> Owners:
    owners = settings.get(OWNERS)
    if not isinstance(owners, Owners):
        owners = settings[OWNERS] = Owners()
    return owners


def claim(
    settings: dict, relative: str, label: str, owner: Owner | None = None
) -> Path:
    """Claim an output file for ``owner`` (or a page the build makes, called
    ``label``); its absolute path. Raises :class:`OutputCollision` (and
    records the problem) if another owns it."""
    try:
        owners_of(settings).claim(relative, owner or Owner(label))
    except OutputCollision as error:
        _record(settings, error)
        raise
    return Path(sanitised_join(settings["OUTPUT_PATH"], relative))


def claim_tree(settings: dict, folder: str, label: str) -> None:
    """Claim a whole folder of the output (the search index)."""
    try:
        owners_of(settings).claim_tree(folder, Owner(label))
    except OutputCollision as error:
        _record(settings, error)
        raise


def _record(settings: dict, error: OutputCollision) -> None:
    """The build's collector reports the collision with every other problem."""
    problems_of(settings).extend(error.problems.items)


def owner_of_write(template_name: str | None, kwargs: dict) -> Owner | None:
    """Who asks Pelican's writer for a page, from what it hands the template.

    None for a topic, section or author whose name makes no slug: Pelican
    skips writing its page ("has an invalid slug"), and so claims nothing."""
    for key in ("article", "page"):
        content = kwargs.get(key)
        if content is not None and getattr(content, "source_path", None):
            return Owner(
                f"the page of {content.source_path}", content.source_path, "Slug"
            )
    for key, noun in _LISTS.items():
        item = kwargs.get(key)
        if item is not None:
            if not getattr(item, "slug", True):
                return None
            return Owner(f"the page of the {noun} «{item}»")
    debate = kwargs.get("debate")
    if debate is not None:
        return Owner(f"the page of the debate «{getattr(debate, 'title', debate)}»")
    label = _TEMPLATES.get(template_name or "", f"the {template_name} page")
    return Owner(label)


class OwningWriter(Writer):
    """Pelican's writer, claiming every file before it writes it."""

    def _paths(self, name, kwargs, paginated, template_name, url) -> list[str]:
        """What one ``write_file`` call writes: the page, and its further
        pages if Pelican paginates it (found with Pelican's Paginator, as
        ``write_file`` finds them)."""
        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
        templates = self.settings["PAGINATED_TEMPLATES"]
        if not (paginated and template_name in templates):
            return [name]
        per_page = templates[template_name] or self.settings["DEFAULT_PAGINATION"]
        objects = next(iter(paginated.values()))
        paginator = Paginator(name, url, objects, self.settings, per_page)
        return [paginator.page(n).save_as for n in range(1, paginator.num_pages + 1)]

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        owner = owner_of_write(template_name, kwargs) if name else None
        if owner is not None:
            for path in self._paths(name, kwargs, paginated, template_name, url):
                claim(self.settings, path, owner.label, owner)
        return super().write_file(
            name,
            template,
            context,
            relative_urls=relative_urls,
            paginated=paginated,
            template_name=template_name,
            override_output=override_output,
            url=url,
            **kwargs,
        )

    def write_feed(self, elements, context, path=None, *args, **kwargs):
        if path:
            claim(self.settings, path, f"the feed {path}")
        return super().write_feed(elements, context, path, *args, **kwargs)


def new_record(pelican) -> None:
    """Each build starts with no owners (``initialized``)."""
    pelican.settings[OWNERS] = Owners()


def claim_static(generators) -> None:
    """Static files are copied, not written by the writer: claimed once the
    site is known (``all_generators_finalized``)."""
    if not generators:
        return
    context = generators[0].context
    settings = generators[0].settings
    for static in context.get("staticfiles", []):
        save_as = getattr(static, "save_as", None)
        if save_as:
            source = getattr(static, "source_path", None)
            label = f"the static file {source}"
            claim(settings, save_as, label, Owner(label, source))


def use_owning_writer(pelican) -> type[Writer]:
    return OwningWriter


def register() -> None:
    signals.initialized.connect(new_record)
    signals.get_writer.connect(use_owning_writer)
    signals.all_generators_finalized.connect(claim_static)
