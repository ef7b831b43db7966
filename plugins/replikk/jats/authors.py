"""Contributors of a JATS article, and the author profiles made of them.

A ``contrib`` gives a name in display order (``name-style="eastern"``:
family name first), affiliations through ``xref ref-type="aff"`` (or an
``aff`` inside the contrib), an ORCID iD (``contrib-id``), an email (inside
the contrib, or the ``corresp`` its ``xref ref-type="corresp"`` names) and a
``bio``. A profile in ``content/authors/`` is written only for a name that
has none; an existing profile is never changed, and what the article says
differently is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..metadata import orcid_ok
from ..preview import header_fields
from .markdown import Blocks, Context, plain
from .model import Kind, Person
from .xml import local

AUTHOR_TYPES = {"author", "", "co-author"}


def _name(contrib: etree._Element) -> str:
    name = contrib.find("name")
    if name is None:
        name = contrib.find("name-alternatives/name")
    if name is not None:
        given = plain(name.find("given-names"))
        family = plain(name.find("surname"))
        suffix = plain(name.find("suffix"))
        parts = (
            [family, given] if name.get("name-style") == "eastern" else [given, family]
        )
        return " ".join(p for p in [*parts, suffix] if p)
    for other in ("string-name", "collab", "anonymous"):
        found = contrib.find(other)
        if found is not None:
            return plain(found)
    return ""


def _affiliations(contrib: etree._Element, root: etree._Element) -> list[str]:
    found: list[str] = []
    for aff in contrib.findall("aff"):
        found.append(_aff_text(aff))
    for xref in contrib.findall("xref"):
        if xref.get("ref-type") != "aff":
            continue
        for rid in (xref.get("rid") or "").split():
            for aff in root.iter("aff"):
                if aff.get("id") == rid:
                    found.append(_aff_text(aff))
    return list(dict.fromkeys(a for a in found if a))


def _aff_text(aff: etree._Element) -> str:
    """An affiliation without its label ("1", "a"), on one line, no ';'
    (the profile's Affiliation separates affiliations with ';')."""
    parts: list[str] = []
    if aff.text:
        parts.append(aff.text)
    for child in aff:
        if local(child) != "label":
            parts.append("".join(child.itertext()))
        if child.tail:
            parts.append(child.tail)
    text = " ".join("".join(parts).split()).strip(" ,")
    return text.replace(";", ",")


def _email(contrib: etree._Element, root: etree._Element) -> str | None:
    email = contrib.find(".//email")
    if email is not None:
        return plain(email)
    for xref in contrib.findall("xref"):
        if xref.get("ref-type") != "corresp":
            continue
        for corresp in root.iter("corresp"):
            if corresp.get("id") in (xref.get("rid") or "").split():
                found = corresp.find(".//email")
                if found is not None:
                    return plain(found)
    return None


def contributors(
    scope: etree._Element, ctx: Context, root: etree._Element, *, any_type: bool = False
) -> list[Person]:
    """The authors of ``scope`` (article-meta or a front-stub) in display
    order; with ``any_type``, every contributor (a decision letter's editors
    and reviewers) when none is an author."""
    contribs = [
        c for group in scope.findall("contrib-group") for c in group.findall("contrib")
    ]
    authors = [
        c for c in contribs if (c.get("contrib-type") or "").lower() in AUTHOR_TYPES
    ]
    if not authors and any_type:
        authors = contribs
    people: list[Person] = []
    for contrib in authors:
        name = _name(contrib)
        xpath = ctx.xpath(contrib)
        if not name:
            ctx.note(contrib, "contributor without a name is not mapped")
            continue
        if ";" in name:
            ctx.note(
                contrib,
                f"';' in the name {name!r} written as ',' (Authors separates names "
                "with ';')",
                Kind.WARNING,
            )
            name = name.replace(";", ",")
        orcid = None
        for contrib_id in contrib.findall("contrib-id"):
            if (contrib_id.get("contrib-id-type") or "").lower() != "orcid":
                continue
            value = (
                plain(contrib_id)
                .removeprefix("https://orcid.org/")
                .removeprefix("http://orcid.org/")
            )
            if orcid_ok(value):
                orcid = value
            else:
                ctx.note(
                    contrib_id,
                    f"ORCID {plain(contrib_id)!r} is not a valid ORCID iD: left out",
                    Kind.WARNING,
                )
        bio = contrib.find("bio")
        if bio is None:
            bio_text = ""
        else:
            bio_text = "\n\n".join(Blocks(ctx).of(bio, 2))
            if not bio_text:
                bio_text = plain(bio)
        people.append(
            Person(
                name=name,
                xpath=xpath,
                affiliations=_affiliations(contrib, root),
                orcid=orcid,
                email=_email(contrib, root),
                bio=bio_text,
            )
        )
    return people


# -- profiles -----------------------------------------------------------------


@dataclass(slots=True)
class Profile:
    """An author profile as its file's header says."""

    path: Path
    name: str
    email: str | None
    affiliations: list[str]
    orcid: str | None


def header(path: Path) -> dict[str, str]:
    """A content file's metadata (keys lower case), read up to the blank line."""
    try:
        return header_of(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}


def header_of(text: str) -> dict[str, str]:
    """The metadata of a content file's text, as the preview's scan reads it
    (:func:`preview.header_fields`), each field's lines joined."""
    return {key: " ".join(lines) for key, lines in header_fields(text).items()}


def existing_profiles(folder: Path) -> dict[str, Profile]:
    """Every profile in the authors' folder, by Name."""
    found: dict[str, Profile] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*.md")):
        meta = header(path)
        name = meta.get("name", "").strip()
        if not name:
            continue
        found.setdefault(
            name,
            Profile(
                path,
                name,
                meta.get("email") or None,
                [
                    a.strip()
                    for a in meta.get("affiliation", "").split(";")
                    if a.strip()
                ],
                (meta.get("orcid") or "").removeprefix("https://orcid.org/") or None,
            ),
        )
    return found


def differences(profile: Profile, person: Person) -> list[str]:
    """What the article says that the profile does not (the profile stays)."""
    found: list[str] = []
    if person.orcid and person.orcid != profile.orcid:
        found.append(f"ORCID {person.orcid!r} (the profile has {profile.orcid!r})")
    if person.email and person.email.lower() != (profile.email or "").lower():
        found.append(f"Email {person.email!r} (the profile has {profile.email!r})")
    missing = [a for a in person.affiliations if a not in profile.affiliations]
    if missing:
        found.append(
            f"Affiliation {'; '.join(missing)!r} (the profile has"
            f" {'; '.join(profile.affiliations)!r})"
        )
    return found


def profile_text(person: Person) -> str:
    """A new profile file, in the order docs/authoring.md shows."""
    fields = {
        "Name": person.name,
        "Email": person.email or "",
        "Affiliation": "; ".join(person.affiliations),
        "ORCID": person.orcid or "",
    }
    head = "\n".join(f"{k}: {v}" for k, v in fields.items() if v)
    return f"{head}\n\n{person.bio}\n" if person.bio else f"{head}\n"
