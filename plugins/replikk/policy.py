"""The publish policy: what a published article must have, stated once.

``PUBLISH_REQUIRES`` lists what every published article needs: any article
field (``"DOI"``, ``"Accepted"``, ``"Received"``, ``"Summary"``,
``"Competing_interests"`` …) and ``"author_profile"`` (every author has a
profile in ``content/authors/``). ``PUBLISH_POLICY`` says what a gap is:
nothing (``"ignore"``, the default: a preview build and a plain
``invoke check``, as an author may preview before the editors add a DOI), a
``"warning"``, or an ``"error"`` (``publishconf.py``: ``invoke publish``
refuses to publish it).

Text the scaffold writes for the author to replace
(:func:`replikk.scaffold.placeholder_texts`) is an error in anything but a
draft, whatever ``PUBLISH_POLICY`` says.

A draft is not published, so neither rule applies to it, except in
``invoke check --for publish`` (``FOR_PUBLISH``): that check judges every
article as it will be when published, drafts included, so that a pull
request is checked the way publishing will check it. A draft's placeholders
are then errors (the author has not finished it); what it lacks of
``PUBLISH_REQUIRES`` is a warning (the editors add DOI and Accepted when they
accept it, before they remove ``Status: draft``).

Plain Python on plain data, except :func:`check_profiles` at the end (glue).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain

from .metadata import ARTICLE_FIELDS
from .problems import Problem, Problems, Severity, did_you_mean

REQUIRES = "PUBLISH_REQUIRES"
SEVERITY = "PUBLISH_POLICY"
# Set by ``invoke check --for publish`` (build.check): drafts are judged as
# they will be published. A runtime key: not part of any reading's digest.
FOR_PUBLISH = "_REPLIKK_FOR_PUBLISH"
AUTHOR_PROFILE = "author_profile"
IGNORE = "ignore"

# What to write, for the fields a journal is likely to require.
NEEDED = {
    "DOI": "'DOI: 10.5555/replikk.YYYY.NNN', given by the editors when they"
    " accept the article",
    "Accepted": "'Accepted: YYYY-MM-DD', the day the editors accepted it",
    "Received": "'Received: YYYY-MM-DD', the day the editors received it",
    "Summary": "'Summary:' with one or two sentences saying what it says",
    "Competing_interests": "'Competing_interests:' with the authors' statement",
}
DRAFT_NOTE = "; it is a draft, checked as it will be published"


class PolicyError(ValueError):
    """A PUBLISH_* setting with a value the policy cannot use."""


@dataclass(frozen=True, slots=True)
class Policy:
    """A build's publish policy, read from its settings."""

    requires: tuple[str, ...] = ()  # canonical field names, and AUTHOR_PROFILE
    severity: Severity | None = None  # of a required thing missing; None: ignored
    drafts: bool = False  # judge drafts as they will be published

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(r for r in self.requires if r != AUTHOR_PROFILE)

    @property
    def profiles(self) -> bool:
        return AUTHOR_PROFILE in self.requires

    def applies(self, draft: bool) -> bool:
        """Whether an article is judged: every one but a draft, and drafts
        too in a check for publishing."""
        return self.drafts or not draft

    def gap(self, draft: bool) -> Severity | None:
        """What a required thing missing is: a draft's is a warning even for
        publishing (the editors fill in DOI and Accepted when they accept it,
        before Status: draft goes)."""
        if self.severity is None or not self.applies(draft):
            return None
        return Severity.WARNING if draft else self.severity


def policy_of(settings: Mapping[str, object]) -> Policy:
    """The policy a build's settings state; PolicyError names a bad value."""
    requires = settings.get(REQUIRES) or ()
    if isinstance(requires, str) or not isinstance(requires, list | tuple):
        raise PolicyError(
            f'{REQUIRES} must be a list such as ["DOI", "Accepted",'
            f' "{AUTHOR_PROFILE}"], not {requires!r}'
        )
    extra = {f.lower(): f for f in settings.get("REPLIKK_EXTRA_FIELDS", ()) or ()}
    known = {**ARTICLE_FIELDS, **extra, AUTHOR_PROFILE: AUTHOR_PROFILE}
    names = []
    for item in requires:
        name = known.get(str(item).lower()) if isinstance(item, str) else None
        if name is None:
            hint = did_you_mean(str(item), known.values())
            raise PolicyError(
                f"{REQUIRES}: {item!r} is neither an article field nor"
                f" {AUTHOR_PROFILE!r}" + (f" ({hint})" if hint else "")
            )
        names.append(name)
    severity = settings.get(SEVERITY) or IGNORE
    if severity != IGNORE and severity not in tuple(Severity):
        raise PolicyError(
            f"{SEVERITY} must be 'ignore', 'warning' or 'error', not {severity!r}"
        )
    return Policy(
        tuple(dict.fromkeys(names)),
        None if severity == IGNORE else Severity(severity),
        bool(settings.get(FOR_PUBLISH)),
    )


def _flat(text: str) -> str:
    """Whitespace as one space (a placeholder may be wrapped or typeset)."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def _is_draft(meta: Mapping[str, list[str]]) -> bool:
    return [v.strip() for v in meta.get("status", [])] == ["draft"]


def _given(meta: Mapping[str, list[str]], name: str) -> bool:
    return any(v.strip() for v in meta.get(name.lower(), []))


def body_lines(text: str) -> list[tuple[int, str]]:
    """The lines after a Markdown file's metadata header, with their numbers."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    return [(i + 1, line) for i, line in enumerate(lines) if i > start]


def check_article(
    source: str,
    meta: Mapping[str, list[str]],
    text: str,
    policy: Policy,
    placeholders: Iterable[str] | None = None,
) -> list[Problem]:
    """Every way one article falls short of the policy.

    ``meta`` is the header as written (lower-cased keys, a list of lines per
    key), ``text`` the whole file. ``placeholders`` defaults to the scaffold's.
    """
    draft = _is_draft(meta)
    if not policy.applies(draft):
        return []
    if placeholders is None:
        from .scaffold import placeholder_texts  # noqa: PLC0415 -- no cycle at import

        placeholders = placeholder_texts()
    note = DRAFT_NOTE if draft else ""
    severity = policy.gap(draft)
    # A translation is cited by its original's DOI and has none of its own.
    translation = _flat(" ".join(meta.get("translation", []))).lower() == "true"
    problems = []
    for name in policy.fields if severity else ():
        if name == "DOI" and translation:
            continue
        if not _given(meta, name):
            problems.append(
                Problem(
                    source,
                    f"is missing, and publishing requires it ({REQUIRES}){note}",
                    field=name,
                    hint="add " + NEEDED.get(name, f"a '{name}:' line to the header"),
                    severity=severity,
                )
            )
    texts = sorted({_flat(p) for p in placeholders if _flat(p)})
    for name in ("Title", "Summary", "Authors"):
        value = _flat(" ".join(meta.get(name.lower(), [])))
        for placeholder in texts:
            if placeholder in value:
                problems.append(_placeholder(source, name, placeholder, note))
    body = body_lines(text)
    flat = _flat(" ".join(line for _, line in body))
    for placeholder in texts:
        if placeholder in flat:
            line = next((n for n, lt in body if placeholder in _flat(lt)), None)
            problems.append(_placeholder(source, "body", placeholder, note, line))
    return problems


def _placeholder(
    source: str, field: str, placeholder: str, note: str, line: int | None = None
) -> Problem:
    return Problem(
        source,
        f"replace the scaffold's placeholder {placeholder!r} with your own text{note}",
        field=field,
        value=placeholder,
        line=line,
        hint=None if note else "or keep Status: draft until it is written",
    )


def profile_problems(
    source: str, missing: Iterable[str], policy: Policy, draft: bool = False
) -> list[Problem]:
    """An author without a profile, when the policy requires one."""
    severity = policy.gap(draft)
    if not policy.profiles or severity is None:
        return []
    note = DRAFT_NOTE if draft else ""
    return [
        Problem(
            source,
            f"{name!r} has no author profile, which publishing requires"
            f" ({REQUIRES}: {AUTHOR_PROFILE}){note}",
            field="Authors",
            value=name,
            hint="add content/authors/<name>.md with 'Name: " + name + "'",
            severity=severity,
        )
        for name in missing
    ]


# --- Pelican glue ----------------------------------------------------------


def check_profiles(generator, problems: Problems) -> set[str]:
    """After profiles are attached to authors (``authors.attach_profiles``):
    every article the policy judges names only authors with a profile. Returns
    the authors it reported, whose plain "no author profile" warning their
    problem replaces (``authors.warn_missing_profiles``)."""
    policy = policy_of(generator.settings)
    if not policy.profiles:
        return set()
    drafts = chain(generator.drafts, generator.drafts_translations)
    published = chain(generator.articles, generator.translations)
    found = []
    for article, draft in chain(
        ((a, False) for a in published), ((a, True) for a in drafts)
    ):
        missing = [
            a.name
            for a in getattr(article, "authors", ())
            if getattr(a, "profile", None) is None
        ]
        found += profile_problems(article.source_path, missing, policy, draft)
    problems.extend(found)
    return {p.value for p in found}
