"""One import run: read every file, link the debate, decide what to write.

:func:`make_plan` reads every JATS file (a bad one does not stop the others),
finds the archive's articles and profiles, gives each article its slug and
path, links each reply to what it answers (an article of this run, one of the
archive, or an external work titled from the reference list), checks the
converse relations against the other side, applies corrections, and finds
every collision before anything is written. :func:`carry_out` then writes
what the plan says, or nothing.

A file this importer wrote starts its text with a line such as::

    <!-- jats-import source=a.xml sha256=3f…: … -->

the SHA-256 of the file without that line. A new import replaces the file
only while its text still has that digest: a file edited since is kept,
unless ``--force``. The line holds no clock, so importing the same JATS twice
writes the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pelican.settings import DEFAULT_CONFIG

from ..debate.targets import TargetSyntaxError, normalise_doi, split_targets
from ..scaffold import file_text, slug_of
from .authors import (
    Profile,
    differences,
    existing_profiles,
    header,
    header_of,
    profile_text,
)
from .markdown import IMAGE_MARK
from .model import Imported, Kind, Note, Person
from .parse import DEFAULT_CATEGORY, JATS_SECTIONS, parse_file
from .xml import JatsError

FIELD_ORDER = (
    "Title",
    "Date",
    "Modified",
    "Slug",
    "Category",
    "Tags",
    "Lang",
    "Authors",
    "Reply_to",
    "Reply_to_title",
    "Summary",
    "DOI",
    "Received",
    "Accepted",
    "Competing_interests",
    "Correction",
    "Retracted",
)
MARKER = re.compile(
    r"^<!-- jats-import source=(?P<source>\S+) sha256=(?P<digest>[0-9a-f]{64})\b"
    r".*-->\n\n?",
    re.MULTILINE,
)
MARKER_TEXT = (
    "<!-- jats-import source={source} sha256={digest}: the text as imported;"
    " after an edit a new import keeps this file unless --force -->\n\n"
)
SLUG_REGEX_SUBSTITUTIONS = DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]
IMAGES_FOLDER = "jats"  # under the first of STATIC_PATHS


@dataclass(slots=True)
class Archived:
    """An article already in the content folder (its header only)."""

    path: Path
    slug: str
    doi: str | None
    date: str
    reply_to: list[str]
    imported: bool  # written by this importer (it has the marker line)


@dataclass(slots=True)
class Write:
    """One file the run writes (or would write)."""

    path: Path
    text: str | bytes
    status: str  # new, updated, unchanged, kept, replaced
    source: str  # the JATS file it comes from
    what: str  # article, sub-article, profile, image


@dataclass
class Plan:
    files: list[Path]
    items: list[Imported] = field(default_factory=list)  # good files' articles
    bad: dict[str, list[Note]] = field(default_factory=dict)  # file → errors
    notes: list[Note] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    paths: dict[int, Path] = field(default_factory=dict)  # id(item) → its file


# -- the archive ---------------------------------------------------------------


def jats_files(paths: list[Path]) -> tuple[list[Path], list[Note]]:
    """The files to read: each file named, each ``*.xml`` under a folder."""
    found: list[Path] = []
    notes: list[Note] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*.xml") if p.is_file())
            if not inside:
                notes.append(
                    Note(str(path), None, "folder holds no .xml file", Kind.WARNING)
                )
            found += inside
        elif path.is_file():
            found.append(path)
        else:
            notes.append(Note(str(path), None, "no such file or folder", Kind.ERROR))
    return list(dict.fromkeys(found)), notes


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def unmarked(text: str) -> tuple[str, str | None]:
    """The text without its import line, and the digest that line records."""
    match = MARKER.search(text)
    if match is None:
        return text, None
    return text[: match.start()] + text[match.end() :], match.group("digest")


def archive(content: Path, excludes: list[str]) -> list[Archived]:
    """Every article of the content folder, read from its header."""
    found: list[Archived] = []
    if not content.is_dir():
        return found
    skip = [content / e for e in excludes]
    for path in sorted(content.rglob("*.md")):
        if any(path.is_relative_to(s) for s in skip):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        meta = header_of(text)
        if not meta.get("title"):
            continue
        doi = None
        if meta.get("doi"):
            try:
                doi = normalise_doi(meta["doi"])
            except TargetSyntaxError:
                doi = None
        found.append(
            Archived(
                path=path,
                slug=meta.get("slug") or path.stem,
                doi=doi,
                date=meta.get("date", "")[:10],
                reply_to=split_targets(meta.get("reply_to", "")),
                imported=MARKER.search(text) is not None,
            )
        )
    return found


def _answers(targets: list[str], doi: str | None, slug: str) -> bool:
    for target in targets:
        if target == slug:
            return True
        try:
            if doi and normalise_doi(target) == doi:
                return True
        except TargetSyntaxError:
            continue
    return False


# -- the plan -----------------------------------------------------------------


class Planner:
    def __init__(self, into: Path, content: Path, settings: Mapping, force: bool):
        self.into = into
        self.content = content
        self.settings = {
            "SLUG_REGEX_SUBSTITUTIONS": SLUG_REGEX_SUBSTITUTIONS,
            **settings,
        }
        self.force = force
        self.archived = archive(
            content, list(settings.get("ARTICLE_EXCLUDES", ["authors", "pages"]))
        )
        self.by_doi = {a.doi: a for a in self.archived if a.doi}
        self.by_slug: dict[str, list[Archived]] = {}
        for a in self.archived:
            self.by_slug.setdefault(a.slug, []).append(a)
        authors = settings.get("REPLIKK_AUTHORS_PATH", "authors")
        self.authors_folder = content / authors
        self.profiles = existing_profiles(self.authors_folder)
        static = list(settings.get("STATIC_PATHS", ["images"])) or ["images"]
        self.images_folder = content / static[0] / IMAGES_FOLDER

    # Each check below adds errors to ``bad`` (by file) and notes to ``notes``.

    def plan(self, plan: Plan, skip_bad: bool) -> None:
        items = [i for i in plan.items if i.source not in plan.bad]
        self._slugs(items, plan)
        if skip_bad:
            items = [i for i in items if i.source not in plan.bad]
        for _ in range(len(items) + 1):  # a file dropped changes what resolves
            errors = self._link(items, plan)
            if not errors or not skip_bad:
                break
            items = [i for i in items if i.source not in plan.bad]
        if plan.bad and not skip_bad:
            return
        items = [i for i in items if i.source not in plan.bad]
        self._profiles(items, plan)
        for item in items:
            self._article(item, plan)

    def _error(
        self, plan: Plan, item: Imported, message: str, xpath: str | None = None
    ):
        note = Note(item.source, xpath or item.xpath, message, Kind.ERROR)
        plan.bad.setdefault(item.source, []).append(note)

    def _slugs(self, items: list[Imported], plan: Plan) -> None:
        self._dois(items, plan)
        self._paths(items, plan)

    def _dois(self, items: list[Imported], plan: Plan) -> None:
        by_doi: dict[str, Imported] = {}
        for item in items:
            if not item.doi:
                continue
            other = by_doi.get(item.doi)
            if other is not None and other.source != item.source:
                self._error(
                    plan,
                    item,
                    f"DOI {item.doi} is also the DOI of {other.label}: one of them is "
                    "wrong",
                )
                self._error(
                    plan,
                    other,
                    f"DOI {item.doi} is also the DOI of {item.label}: one of them is "
                    "wrong",
                )
            elif other is not None:
                self._error(
                    plan,
                    item,
                    f"DOI {item.doi} is also the DOI of {other.xpath} in the same file",
                )
            by_doi.setdefault(item.doi, item)
            archived = self.by_doi.get(item.doi)
            if archived is not None and not archived.imported:
                self._error(
                    plan,
                    item,
                    f"DOI {item.doi} is already in the archive: {archived.path} "
                    "(written by hand, not imported; not replaced)",
                )

    def _paths(self, items: list[Imported], plan: Plan) -> None:
        paths: dict[Path, Imported] = {}
        for item in items:
            previous = self.by_doi.get(item.doi) if item.doi else None
            if previous is not None and previous.imported:
                item.slug = previous.slug
                path = previous.path
            else:
                if item.parent is not None and item.parent in items:
                    base = f"{_top(item).slug}-{slug_of(item.title, self.settings)}"
                else:
                    base = slug_of(item.title, self.settings) or "article"
                item.slug = base
                year = item.date.year if item.date else "undated"
                path = self.into / str(year) / f"{item.slug}.md"
            taken = paths.get(path)
            if (
                taken is not None
                and taken.source == item.source
                and item.is_sub_article
            ):
                number = 2
                while (path := path.with_name(f"{item.slug}-{number}.md")) in paths:
                    number += 1
                item.slug = path.stem
            elif taken is not None:
                self._error(
                    plan,
                    item,
                    f"slug {item.slug!r} is also the slug of {taken.label}: change "
                    "one title",
                )
                self._error(
                    plan,
                    taken,
                    f"slug {item.slug!r} is also the slug of {item.label}: change one "
                    "title",
                )
            paths[path] = item
            plan.paths[id(item)] = path
            for archived in self.by_slug.get(item.slug, []):
                if archived.path.resolve() != path.resolve():
                    self._error(
                        plan,
                        item,
                        f"slug {item.slug!r} is already used by {archived.path}",
                    )

    def _link(self, items: list[Imported], plan: Plan) -> bool:
        """Reply_to of every item, converse relations checked, corrections
        applied; True if an error was found."""
        found = False
        run_doi = {i.doi: i for i in items if i.doi}
        for item in items:
            item.fields.pop("Reply_to", None)
            item.fields.pop("Reply_to_title", None)
        for item in items:
            targets: list[str] = []
            titles: list[str] = []
            answered: list[tuple[str, str | None]] = []  # (date, label)
            if item.parent is not None and item.parent in items:
                parent = item.parent
                targets.append(f"doi:{parent.doi}" if parent.doi else parent.slug)
                answered.append(
                    (parent.date.isoformat() if parent.date else "", parent.label)
                )
                item.note(
                    item.xpath,
                    f"Reply_to: {targets[-1]} (the "
                    f"{'decision letter' if parent.is_sub_article else 'article'} it "
                    "is printed with)",
                    Kind.MAPPED,
                )
            for relation in item.relations:
                value = f"doi:{relation.target}" if relation.is_doi else relation.target
                if "," in value:
                    self._error(
                        plan,
                        item,
                        f"target {value!r} holds a comma, which Reply_to cannot",
                        relation.xpath,
                    )
                    found = True
                    continue
                if value in targets:
                    continue
                targets.append(value)
                self._resolve(item, relation, value, run_doi, titles, answered)
            if targets:
                item.fields["Reply_to"] = ", ".join(targets)
            if len(titles) == 1:
                item.fields["Reply_to_title"] = titles[0]
            mine = item.date.isoformat() if item.date else ""
            for when, label in answered:
                if mine and when and mine < when:
                    self._error(
                        plan,
                        item,
                        f"dated {mine}, before what it answers ({label}, {when})",
                    )
                    found = True
            self._converse(item, items, run_doi, plan)
            self._corrections(item, run_doi, plan)
        return found

    def _resolve(
        self,
        item: Imported,
        relation,
        value: str,
        run_doi: dict,
        titles: list[str],
        answered: list[tuple[str, str]],
    ) -> None:
        """Report where a Reply_to target leads; note its date and title."""
        inside = run_doi.get(relation.target) if relation.is_doi else None
        archived = self.by_doi.get(relation.target) if relation.is_doi else None
        if inside is not None:
            where = f"the imported {inside.label} ({inside.slug})"
            answered.append(
                (inside.date.isoformat() if inside.date else "", inside.label)
            )
        elif archived is not None:
            where = f"the archive's {archived.path}"
            answered.append((archived.date, str(archived.path)))
        else:
            title = item.reference_titles.get(relation.target) or relation.title
            if not title:
                where = (
                    "an external work with no title known"
                    " (it is not in the reference list)"
                )
                item.note(relation.xpath, f"Reply_to {value}: {where}", Kind.WARNING)
                return
            titles.append(title)
            source = (
                "the reference list"
                if relation.target in item.reference_titles
                else "the related-article's text"
            )
            where = f"an external work, titled {title!r} from {source}"
        item.note(
            relation.xpath,
            f"Reply_to: {value} ({relation.type}) → {where}",
            Kind.MAPPED,
        )

    def _converse(
        self, item: Imported, items: list[Imported], run_doi: dict, plan: Plan
    ):
        for relation in item.converse:
            other = run_doi.get(relation.target) if relation.is_doi else None
            archived = self.by_doi.get(relation.target) if relation.is_doi else None
            if relation.type == "companion":
                if other is not None:
                    agrees = any(
                        r.type == "companion" and r.target == item.doi
                        for r in other.converse
                    )
                    if not agrees:
                        item.note(
                            relation.xpath,
                            f"companion {relation.target}: {other.label} does not "
                            "name this article as its companion",
                            Kind.WARNING,
                        )
                        continue
                item.note(
                    relation.xpath,
                    f"companion {relation.target}: companions are not replies; the "
                    "content format has no field for them",
                    Kind.UNMAPPED,
                )
                continue
            kind = {
                "commentary": "comments on",
                "correction-forward": "corrects",
                "retraction-forward": "retracts",
            }[relation.type]
            if other is not None:
                agrees = (
                    any(r.target == item.doi for r in other.relations)
                    or other.parent is item
                )
                if agrees:
                    item.note(
                        relation.xpath,
                        f"{relation.type} {relation.target}: {other.label} answers "
                        "this article, as it says",
                        Kind.MAPPED,
                    )
                else:
                    item.note(
                        relation.xpath,
                        f"{relation.type} {relation.target}: says {other.label} "
                        f"{kind} this article, but that file does not say so (no "
                        f"related-article naming {item.doi})",
                        Kind.WARNING,
                    )
            elif archived is not None:
                if _answers(archived.reply_to, item.doi, item.slug):
                    item.note(
                        relation.xpath,
                        f"{relation.type} {relation.target}: the archive's "
                        f"{archived.path} answers this article, as it says",
                        Kind.MAPPED,
                    )
                else:
                    item.note(
                        relation.xpath,
                        f"{relation.type} {relation.target}: says the archive's "
                        f"{archived.path} {kind} this article, but its Reply_to does "
                        "not name it",
                        Kind.WARNING,
                    )
            else:
                item.note(
                    relation.xpath,
                    f"{relation.type} {relation.target}: not in the archive nor in "
                    "this import, so nothing links it here (import it to link the "
                    "debate)",
                    Kind.UNMAPPED,
                )

    def _corrections(self, item: Imported, run_doi: dict, plan: Plan) -> None:
        for relation in item.corrects:
            field = (
                "Retracted"
                if relation.type in {"retracted-article", "partial-retraction"}
                else "Correction"
            )
            notice = item.notice or item.title
            when = item.date.isoformat() if item.date else ""
            target = run_doi.get(relation.target) if relation.is_doi else None
            if target is not None:
                if target.date and item.date and item.date < target.date:
                    item.note(
                        relation.xpath,
                        f"{field}: the notice is dated before {target.label}: not "
                        "applied",
                        Kind.WARNING,
                    )
                    continue
                target.fields["Modified"] = f"{when} 00:00"
                target.fields[field] = notice
                target.note(
                    target.xpath,
                    f"{field} and Modified {when}: from the notice {item.label}",
                    Kind.MAPPED,
                )
                item.note(
                    relation.xpath,
                    f"{relation.type}: {field} and Modified written into "
                    f"{target.label}",
                    Kind.MAPPED,
                )
                continue
            archived = self.by_doi.get(relation.target) if relation.is_doi else None
            if archived is not None:
                item.note(
                    relation.xpath,
                    f"{relation.type}: the archive's {archived.path} is not changed "
                    f"by an import; add to it by hand: 'Modified: {when} 00:00' and "
                    f"'{field}: {notice[:80]}…'",
                    Kind.WARNING,
                )
            else:
                item.note(
                    relation.xpath,
                    f"{relation.type}: {relation.target} is not in the archive; the "
                    "notice replies to it as an external work",
                    Kind.UNMAPPED,
                )

    def _profiles(self, items: list[Imported], plan: Plan) -> None:
        planned: dict[str, tuple[Person, Imported]] = {}
        taken = {p.path for p in self.profiles.values()}
        seen: set[int] = set()  # a reply's authors may be its article's
        for item in items:
            for person in item.authors:
                if id(person) in seen:
                    continue
                seen.add(id(person))
                existing = self.profiles.get(person.name)
                if existing is not None:
                    self._compare(item, person, existing)
                    continue
                if person.name in planned:
                    first, origin = planned[person.name]
                    for difference in differences(_as_profile(first), person):
                        item.note(
                            person.xpath,
                            f"{person.name}: says {difference}, unlike "
                            f"{origin.label}; the profile is written from the first",
                            Kind.WARNING,
                        )
                    continue
                planned[person.name] = (person, item)
                slug = slug_of(person.name, self.settings) or "author"
                path = self.authors_folder / f"{slug}.md"
                number = 2
                while path in taken or (
                    path.exists() and header(path).get("name") != person.name
                ):
                    path = self.authors_folder / f"{slug}-{number}.md"
                    number += 1
                taken.add(path)
                plan.writes.append(
                    Write(path, profile_text(person), "new", item.source, "profile")
                )
                item.note(
                    person.xpath, f"profile {path} for {person.name}", Kind.MAPPED
                )

    def _compare(self, item: Imported, person: Person, profile: Profile) -> None:
        found = differences(profile, person)
        if found:
            item.note(
                person.xpath,
                f"the profile {profile.path} is kept as it is; the article says "
                + "; ".join(found),
                Kind.WARNING,
            )

    def _article(self, item: Imported, plan: Plan) -> None:
        path = plan.paths[id(item)]
        images = self.images_folder / item.slug
        url = "{static}/" + images.relative_to(self.content).as_posix() + "/"
        text = render(item, url)
        status = "new"
        if path.exists():
            current = path.read_text(encoding="utf-8")
            rest, recorded = unmarked(current)
            if current == text:
                status = "unchanged"
            elif recorded is not None and digest(rest) == recorded:
                status = "updated"
            elif self.force:
                status = "replaced"
            else:
                status = "kept"
        what = "sub-article" if item.is_sub_article else "article"
        plan.writes.append(Write(path, text, status, item.source, what))
        for image in item.images:
            target = images / image.name
            data = image.source.read_bytes()
            state = "new"
            if target.exists():
                state = "unchanged" if target.read_bytes() == data else "updated"
            plan.writes.append(Write(target, data, state, item.source, "image"))


def _top(item: Imported) -> Imported:
    while item.parent is not None and item.is_sub_article:
        item = item.parent
    return item


def _as_profile(person: Person) -> Profile:
    return Profile(Path(), person.name, person.email, person.affiliations, person.orcid)


def render(item: Imported, images_url: str) -> str:
    """The article's file: header, import line, body, references."""
    fields = dict(item.fields)
    fields["Slug"] = item.slug
    ordered = {k: fields[k] for k in FIELD_ORDER if fields.get(k)}
    body = item.body.replace(IMAGE_MARK, images_url)
    if item.references:
        heading = "References" if item.lang == "en" else "Referanser"
        entries = "\n".join(f"{n}. {text}" for n, text in enumerate(item.references, 1))
        body = (
            f"{body}\n\n## {heading}\n\n{entries}"
            if body
            else f"## {heading}\n\n{entries}"
        )
    text = file_text(ordered, body)
    head, _, rest = text.partition("\n\n")
    marker = MARKER_TEXT.format(source=_source_name(item.source), digest=digest(text))
    return f"{head}\n\n{marker}{rest}"


def _source_name(source: str) -> str:
    return Path(source).name.replace(" ", "%20")


def make_plan(
    paths: list[Path],
    into: Path,
    content: Path,
    settings: Mapping,
    *,
    skip_bad: bool,
    force: bool,
) -> Plan:
    """Everything an import would do, and every problem, before any write."""
    files, notes = jats_files(paths)
    plan = Plan(files, notes=notes)
    sections = settings.get("JATS_SECTIONS", JATS_SECTIONS)
    default = settings.get("DEFAULT_CATEGORY", DEFAULT_CATEGORY)
    for path in files:
        try:
            items = parse_file(path, sections, default)
        except JatsError as exc:
            where = f"line {exc.line}"
            message = (
                exc.message
                if not exc.line or where in exc.message
                else f"{exc.message} ({where})"
            )
            plan.bad[str(path)] = [Note(str(path), None, message, Kind.ERROR)]
            continue
        for item in items:
            errors = [n for n in item.notes if n.kind is Kind.ERROR]
            if errors:
                plan.bad.setdefault(item.source, []).extend(errors)
        plan.items += items
    Planner(into, content, settings, force).plan(plan, skip_bad)
    return plan


def carry_out(plan: Plan) -> None:
    """Write what the plan says: each file whole or not at all."""
    for write in plan.writes:
        if write.status in {"unchanged", "kept"}:
            continue
        write.path.parent.mkdir(parents=True, exist_ok=True)
        data = write.text.encode("utf-8") if isinstance(write.text, str) else write.text
        handle, temporary = tempfile.mkstemp(dir=write.path.parent, prefix=".import-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, write.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
