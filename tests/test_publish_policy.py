"""The publish policy (issue #23): every problem of every file in one run,
counts that agree with their number, drafts without a date, unreplaced
scaffold text, and what a published article must have (PUBLISH_REQUIRES)."""

from __future__ import annotations

import json

import pytest

from pelican.plugins.replikk.build import check
from pelican.plugins.replikk.policy import Policy, PolicyError, check_article, policy_of
from pelican.plugins.replikk.problems import (
    ContentError,
    Problems,
    Severity,
    counted,
    summary,
)
from pelican.plugins.replikk.scaffold import placeholder_texts

from .conftest import PUBLISH_SETTINGS, invoke

BODY = next(t for t in placeholder_texts() if t.startswith("Skriv"))
SUMMARY = next(t for t in placeholder_texts() if t.startswith("Ingress"))
DONE = {"DOI": "10.5555/replikk.2024.901", "Accepted": "2023-12-20"}
FULL = {**DONE, "Summary": "Et svar.", "Competing_interests": "Ingen."}


def _found(result, name: str) -> list[tuple[str | None, str]]:
    return [
        (p.field, str(p.severity))
        for p in result.problems.items
        if p.source.endswith(name)
    ]


# --- every problem at once -----------------------------------------------


def test_one_file_reports_every_problem_in_one_check(content, check_content):
    content.article("malet", **FULL)
    content.article(
        "svar",
        Date="2024-02-01 10:00",
        Received="2024-03-01",  # after Date
        Reply_tto="malet",  # misspelt field
        Accepted="2024-02-31",  # no such day
    )
    found = _found(check_content(content.root), "svar.md")
    assert ("Received", "error") in found
    assert ("reply_tto", "error") in found
    assert ("Accepted", "error") in found


def test_an_unreadable_date_hides_nothing_else(content, check_content):
    content.article("malet", **FULL)
    content.article("svar", Date="2024-13-45", Reply_to="malt", Accepted="2024-02-31")
    result = check_content(content.root)
    by_field = {p.field: p for p in result.problems.items}
    assert "2024-13-45" in by_field["Date"].message
    assert "2024-02-31" in by_field["Accepted"].message
    # A refused file's target is still checked, with its suggestion.
    assert by_field["Reply_to"].hint == "did you mean 'malet'?"


def test_a_rule_error_does_not_hide_a_wrong_target(content, check_content):
    """The issue's case: Received after Date hid a misspelt Reply_to."""
    content.article("malet", **FULL)
    content.article(
        "svar", Date="2024-02-01 10:00", Received="2024-03-01", Reply_to="malt"
    )
    found = _found(check_content(content.root), "svar.md")
    assert found.count(("Received", "error")) == 1
    assert found.count(("Reply_to", "error")) == 1


def test_invoke_check_lists_all_three_and_counts_them(project):
    (project / "content/artikler/svar.md").write_text(
        "Title: Svar\nDate: 2024-05-01 10:00\nAuthors: Ingrid Solvang\n"
        "Received: 2024-06-01\nReply_tto: rad-er-behandling\n"
        "Accepted: 2024-02-31\n\nTekst.\n",
        encoding="utf-8",
    )
    checked = invoke(project, "check")
    assert checked.returncode == 1
    out = checked.stdout
    assert "svar.md:4: error: Received:" in out
    assert "svar.md:5: error: reply_tto:" in out
    assert "svar.md:6: error: Accepted:" in out
    # (and the publish policy's gaps, as warnings in a plain check)
    assert out.splitlines()[-1].startswith("3 errors, ")


# --- counts --------------------------------------------------------------


@pytest.mark.parametrize(
    ("errors", "warnings", "line"),
    [
        (0, 0, "0 errors, 0 warnings"),
        (1, 0, "1 error, 0 warnings"),
        (2, 1, "2 errors, 1 warning"),
        (1, 2, "1 error, 2 warnings"),
    ],
)
def test_summary_counts_agree_with_their_number(errors, warnings, line):
    problems = Problems()
    for _ in range(errors):
        problems.error("a.md", "x")
    for _ in range(warnings):
        problems.warning("a.md", "y")
    assert summary(problems) == line


def test_a_failed_build_counts_one_error_as_one(content, build_site):
    content.article("a", Date="2024-13-45")
    with pytest.raises(ContentError) as failed:
        build_site(content.root)
    assert str(failed.value).startswith("1 error in content, nothing was written")
    assert counted(2, "error") == "2 errors"


# --- drafts without a date -----------------------------------------------


def test_a_draft_without_date_checks_and_builds_under_utkast(
    content, check_content, build_site
):
    content.article("fast", **FULL)
    content.article("utkast", Date=None, Status="draft", Reply_to="fast")
    assert not check_content(content.root).problems.errors
    site = build_site(content.root)
    page = site.html("utkast/utkast/")
    assert page.h1 is not None
    # Lists, feeds, sitemap and search never meet it.
    own = site.output / "utkast"
    for path in site.output.rglob("*"):
        if path.is_file() and own not in path.parents and path.suffix != ".css":
            text = path.read_bytes().decode("utf-8", errors="replace")
            assert "utkast/utkast" not in text, path
            assert "9999" not in text, path


def test_only_a_draft_may_leave_date_out(content, check_content):
    content.article("a", Date=None)
    content.article("b", Date=None, Status="hidden")
    result = check_content(content.root)
    missing = {p.source.rsplit("/", 1)[-1] for p in result.problems.errors}
    assert missing == {"a.md", "b.md"}
    assert all("Status: draft" in (p.hint or "") for p in result.problems.errors)


# --- placeholders ---------------------------------------------------------


def _scaffolded(content, status: str | None):
    return content.article(
        "svaret",
        body=f"{BODY} (1)\n\n## Referanser\n\n1. Noe.",
        Summary=SUMMARY,
        Status=status,
        **DONE,
        Competing_interests="Ingen.",
    )


def test_placeholders_are_errors_in_what_is_not_a_draft(content, check_content):
    _scaffolded(content, None)
    result = check_content(content.root)
    errors = {(p.field, p.value): p for p in result.problems.errors}
    assert set(errors) == {("Summary", SUMMARY), ("body", BODY)}
    body = errors[("body", BODY)]
    assert "replace the scaffold's placeholder" in body.message
    assert body.line is not None
    assert body.line > 5  # the body's line, not the header's


def test_a_draft_may_hold_placeholders_until_checked_for_publishing(
    content, check_content
):
    _scaffolded(content, "draft")
    assert not check_content(content.root).problems.errors
    result = check(
        PUBLISH_SETTINGS,
        {"PATH": str(content.root), "OUTPUT_PATH": str(content.root / "out")},
        for_publish=True,
    )
    errors = {p.field for p in result.problems.errors}
    assert errors == {"Summary", "body"}
    assert all("it is a draft" in p.message for p in result.problems.errors)


# --- PUBLISH_REQUIRES ----------------------------------------------------


def test_publish_refuses_an_article_missing_what_the_policy_requires(
    content, build_site
):
    content.article("uten-doi", Summary="S.", Competing_interests="Ingen.")
    site = build_site(content.root)  # a preview leaves it to publishing
    assert not site.result.problems.items
    with pytest.raises(ContentError) as failed:
        build_site(content.root, PUBLISH_SETTINGS)
    text = str(failed.value)
    assert "uten-doi.md:1: error: DOI: is missing, and publishing requires it" in text
    assert "'DOI: 10.5555/replikk.YYYY.NNN'" in text
    assert "uten-doi.md:1: error: Accepted:" in text


def test_a_translation_uses_its_originals_doi(content, check_content):
    content.article("orig", **FULL)
    content.article(
        "orig",
        folder="en",
        Lang="en",
        Translation="true",
        Accepted="2023-12-20",
        Summary="A reply.",
        Competing_interests="None.",
    )
    result = check_content(content.root, PUBLISH_SETTINGS)
    assert not result.problems.items, result.problems.report()


def test_author_profile_rule_names_the_author_and_the_file(content, check_content):
    content.article("gjest", Authors="Gjest Gjestesen", **FULL)
    preview = check_content(content.root)
    assert [(p.field, p.severity) for p in preview.problems.items] == [
        ("Authors", Severity.WARNING)
    ]
    published = check_content(content.root, PUBLISH_SETTINGS)
    [error] = published.problems.items
    assert error.severity is Severity.ERROR
    assert error.source.endswith("gjest.md")
    assert "'Gjest Gjestesen' has no author profile" in error.message
    assert "author_profile" in error.message


def test_a_policy_names_only_fields_it_knows():
    with pytest.raises(PolicyError, match="did you mean 'DOI'"):
        policy_of({"PUBLISH_REQUIRES": ["DIO"]})
    with pytest.raises(PolicyError, match="must be a list"):
        policy_of({"PUBLISH_REQUIRES": "DOI"})
    with pytest.raises(PolicyError, match="'warning' or 'error'"):
        policy_of({"PUBLISH_POLICY": "strict"})
    assert policy_of({"PUBLISH_REQUIRES": ["doi"]}).requires == ("DOI",)


@pytest.mark.parametrize(
    ("meta", "fields"),
    [
        ({"title": ["T"]}, {"DOI"}),
        ({"title": ["T"], "doi": ["10.5555/x"]}, set()),
        ({"title": ["T"], "status": ["draft"]}, set()),  # not judged
        ({"title": ["T"], "translation": ["true"]}, set()),
        ({"title": [SUMMARY], "doi": ["10.5555/x"]}, {"Title"}),
    ],
)
def test_check_article_on_plain_data(meta, fields):
    policy = Policy(("DOI",), Severity.ERROR)
    found = check_article("a.md", meta, "Title: T\n\nTekst.\n", policy)
    assert {p.field for p in found} == fields


# --- the commands --------------------------------------------------------


def test_the_sample_archive_passes_check_for_publish(project):
    checked = invoke(project, "check", "--for", "publish")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 errors" in checked.stdout
    assert "Drafts, checked as they will be published:" in checked.stdout

    as_json = invoke(project, "check", "--for", "publish", "--format", "json")
    report = json.loads(as_json.stdout)
    assert report["errors"] == 0
    assert report["policy"]["for"] == "publish"
    assert "DOI" in report["policy"]["requires"]
    assert report["policy"]["severity"] == "error"
    assert report["policy"]["drafts_checked"]


def test_check_for_publish_fails_an_unfinished_draft_and_publish_an_article(
    project,
):
    reply = project / "content/artikler/svar.md"
    reply.write_text(
        "Title: Svar\nStatus: draft\nAuthors: Ingrid Solvang\n"
        "Reply_to: rad-er-behandling\n"
        f"Summary: {SUMMARY}\nCompeting_interests: Ingen.\n\n{BODY} (1)\n",
        encoding="utf-8",
    )
    assert invoke(project, "check").returncode == 0
    checked = invoke(project, "check", "--for", "publish")
    assert checked.returncode == 1
    assert "svar.md:5: error: Summary: replace the scaffold's placeholder" in (
        checked.stdout
    )
    assert "svar.md:8: error: body:" in checked.stdout
    assert "warning: DOI:" in checked.stdout  # the editors' part, named
    assert checked.stdout.splitlines()[-1].startswith("2 errors, ")

    # Filled in and no longer a draft, but without DOI: publish refuses it.
    reply.write_text(
        "Title: Svar\nDate: 2024-06-01 10:00\nAuthors: Ingrid Solvang\n"
        "Reply_to: rad-er-behandling\nSummary: Et svar.\n"
        "Competing_interests: Ingen.\n\nMin tekst.\n",
        encoding="utf-8",
    )
    assert invoke(project, "check").returncode == 0
    published = invoke(project, "publish")
    assert published.returncode == 1
    assert "svar.md:1: error: DOI: is missing, and publishing requires it" in (
        published.stderr
    )
    assert "svar.md:1: error: Accepted:" in published.stderr
    assert invoke(project, "check", "--for", "publish").returncode == 1


def test_check_help_describes_for_publish(project):
    shown = invoke(project, "--help", "check")
    assert "--for" in shown.stdout
    assert "PUBLISH_REQUIRES" in shown.stdout
