"""Author profiles: ``content/authors/*.md`` matched to articles by name."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from pelican.contents import Page

from .problems import Problems


@dataclass(slots=True)
class Profile:
    """One author's profile, as templates see it (``author.profile``)."""

    name: str
    source: str
    email: str | None = None
    affiliations: list[str] = field(default_factory=list)
    orcid: str | None = None
    bio: str = ""  # HTML

    @property
    def orcid_url(self) -> str | None:
        if not self.orcid:
            return None
        return f"https://orcid.org/{self.orcid.removeprefix('https://orcid.org/')}"


def profile_files(generator) -> list[Path]:
    """The author profiles' files, in the order they are read: every one in
    the authors' folder, or those a focused preview names
    (``REPLIKK_PREVIEW["profiles"]``, relative to the content folder)."""
    preview = generator.settings.get("REPLIKK_PREVIEW")
    if preview:
        return [Path(generator.path) / name for name in preview["profiles"]]
    folder = generator.settings.get("REPLIKK_AUTHORS_PATH", "authors")
    root = Path(generator.path) / folder
    return sorted(root.rglob("*.md")) if root.is_dir() else []


def read_profiles(generator, problems: Problems) -> dict[str, Profile]:
    """Read every profile once per build; a second profile for a name is an error."""
    profiles: dict[str, Profile] = {}
    for path in profile_files(generator):
        relative = str(path.relative_to(generator.path))
        try:
            page = generator.readers.read_file(
                base_path=generator.path, path=relative, content_class=Page
            )
        except Exception:  # the reader has already recorded the problem
            continue
        meta = page.metadata
        name = str(meta.get("name", "")).strip()
        if not name:
            continue
        if name in profiles:
            problems.error(
                str(path),
                f"a profile for {name!r} already exists in {profiles[name].source}",
                field="Name",
                value=name,
            )
            continue
        affiliation = meta.get("affiliation") or ""
        profiles[name] = Profile(
            name=name,
            source=str(path),
            email=meta.get("email"),
            affiliations=[a.strip() for a in affiliation.split(";") if a.strip()],
            orcid=meta.get("orcid"),
            bio=page.content,
        )
    return profiles


def attach_profiles(generator, profiles: dict[str, Profile]) -> dict[str, str]:
    """Give every Author object its profile; return the authors without one,
    each with the first file that names them."""
    missing: dict[str, str] = {}
    for article in chain(
        generator.articles,
        generator.translations,
        generator.drafts,
        generator.drafts_translations,
    ):
        for author in getattr(article, "authors", ()):
            author.profile = profiles.get(author.name)
            if author.profile is None:
                missing.setdefault(author.name, article.source_path)
    generator.context["author_profiles"] = profiles
    return missing


def warn_missing_profiles(
    missing: dict[str, str], problems: Problems, judged: set[str]
) -> None:
    """One warning per author without a profile, but for those the publish
    policy has judged already (``policy.check_profiles``)."""
    for name, source in missing.items():
        if name in judged:
            continue
        problems.warning(
            source,
            f"no author profile for {name!r}",
            field="Authors",
            value=name,
            hint="add one in content/authors/ if the author is ours",
        )
