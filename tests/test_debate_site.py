"""The debate plugin on real builds: pages, links both ways, and bad input."""

from __future__ import annotations

import pytest

from pelican.plugins.replikk.problems import ContentError

from .conftest import ROOT as PROJECT

# The sample archive's first debate (content/artikler/2024/).
ROOT = "2024/smertebehandling-av-ryggpasienter/"
REPLY_B = "2024/ryggpasienter-trenger-mer-enn-gode-rad/"
REPLY_E = "2024/bildediagnostikk-er-ikke-fienden/"
DRAFT_SLUG = "ryggsmerter-og-arbeidsliv"


def hrefs(node) -> list[str]:
    return [a["href"] for a in node.find_all("a", href=True)]


def test_debate_line_links_what_an_article_answers(sample_site):
    page = sample_site.html(REPLY_B)
    banner = page.select_one(".debate-line")
    assert banner is not None
    assert any(h.endswith(ROOT) for h in hrefs(banner))
    assert banner.select_one("a.u-in-reply-to")


def test_answered_article_lists_every_reply_in_publication_order(sample_site):
    page = sample_site.html(ROOT)
    links = [h for h in hrefs(page.select_one(".debate-aside")) if h.count("/") >= 2]
    replies = [h for h in links if "/2024/" in h or h.startswith("../")]
    order = [
        h
        for h in replies
        if h.rstrip("/").split("/")[-1]
        in {
            "ryggpasienter-trenger-mer-enn-gode-rad",
            "bildediagnostikk-er-ikke-fienden",
        }
    ]
    assert [h.rstrip("/").split("/")[-1] for h in order] == [
        "ryggpasienter-trenger-mer-enn-gode-rad",
        "bildediagnostikk-er-ikke-fienden",
    ]


def test_draft_reply_is_never_listed_or_in_a_debate(sample_site):
    for url in (ROOT, "debatt/smertebehandling-av-ryggpasienter/", "debatt/", ""):
        assert DRAFT_SLUG not in sample_site.text(url), url


def test_every_debate_has_a_page_with_its_whole_exchange(sample_site):
    index = sample_site.html("debatt/")
    items = index.select(".debate-item")
    assert len(items) >= 4
    for item in items:
        url = item.find(["h2", "h3"]).a["href"]
        slug = url.rstrip("/").split("/")[-1]
        page = sample_site.html(f"debatt/{slug}/")
        count = int(item.select_one(".meta").get_text().split()[0])
        articles = page.select(".contribution h3:not(.external-root) a")
        assert len(articles) == count, slug


def test_four_level_debate_page_shows_depths(sample_site):
    page = sample_site.html("debatt/smertebehandling-av-ryggpasienter/")
    depths = [
        int(li["style"].split(":")[1]) for li in page.select(".debate-timeline > li")
    ]
    assert max(depths) == 3
    assert depths[0] == 0


def test_debate_started_outside_the_archive_shows_the_external_root(sample_site):
    page = sample_site.html("debatt/korsryggsmerter-i-norsk-allmennpraksis/")
    root = page.select_one(".external-root a")
    assert root["href"].lower() == "https://doi.org/10.1016/s0140-6736(18)30480-x"
    assert "low back pain" in root.get_text()


def test_translation_shares_the_debate_of_its_original(sample_site):
    original = sample_site.html("2025/sentralisert-legevakt-gjev-betre-kvalitet/")
    english = sample_site.html("2025/sentralisert-legevakt-gjev-betre-kvalitet/en/")
    assert english.html["lang"] == "en"
    for page in (original, english):
        box = page.select_one(".debate-aside")
        assert box is not None
        assert any("debatt/lang-veg-til-legevakta/" in h for h in hrefs(box))


def test_debates_index_is_sorted_by_last_activity(sample_site):
    dates = [
        item.select("time")[-1]["datetime"]
        for item in sample_site.html("debatt/").select(".debate-item")
    ]
    assert dates == sorted(dates, reverse=True)


def test_standalone_article_has_no_debate_tree_or_line(sample_site):
    page = sample_site.html("2024/debatten-er-en-del-av-vitenskapen/")
    assert page.select_one(".debate-tree") is None
    assert page.select_one(".debate-line") is None


# --- bad input ------------------------------------------------------------


def test_unknown_target_stops_the_build_naming_file_line_and_suggestion(
    content, build_site
):
    content.article("smertebehandling-av-ryggpasienter")
    content.article(
        "svar",
        Reply_to="smertebehandling-av-rygpasienter",
        Date="2024-01-02 10:00",
    )
    with pytest.raises(ContentError) as caught:
        build_site(content.root)
    message = str(caught.value)
    assert "svar.md:4: error: Reply_to:" in message
    assert "'smertebehandling-av-rygpasienter'" in message
    assert "did you mean 'smertebehandling-av-ryggpasienter'?" in message


def test_failed_build_leaves_the_last_good_site_untouched(content, build_site):
    content.article("a")
    site = build_site(content.root)
    before = sorted(p.relative_to(site.output) for p in site.output.rglob("*"))
    content.article("b", Reply_to="a", Date="2023-01-01 10:00")  # before its target
    with pytest.raises(ContentError):
        build_site(content.root)
    after = sorted(p.relative_to(site.output) for p in site.output.rglob("*"))
    assert after == before
    leftovers = [p.name for p in site.output.parent.iterdir() if p.name != "output"]
    assert not [n for n in leftovers if n.startswith(".output")]


def test_every_error_of_a_build_is_reported_at_once(content, build_site):
    content.article("a", DOI="10.5555/x.1")
    content.article("b", DOI="10.5555/X.1", Date="2024-01-02 10:00")
    content.article("c", Reply_to="c", Date="2024-01-03 10:00")
    content.article("d", Reply_to=" ", Date="2024-01-04 10:00")
    content.article("e", DOI="11.5555/nope", Date="2024-01-05 10:00")
    with pytest.raises(ContentError) as caught:
        build_site(content.root)
    errors = caught.value.problems.errors
    assert {(p.source.rsplit("/", 1)[-1], p.field) for p in errors} == {
        ("b.md", "DOI"),
        ("c.md", "Reply_to"),
        ("d.md", "Reply_to"),
        ("e.md", "DOI"),
    }


def test_cycle_stops_the_build_naming_every_file(content, build_site):
    content.article("a", Reply_to="c")
    content.article("b", Reply_to="a")
    content.article("c", Reply_to="b")
    with pytest.raises(ContentError) as caught:
        build_site(content.root)
    message = str(caught.value)
    assert "cycle through 3 articles" in message
    assert all(f"{n}.md" in message for n in "abc")


def test_reply_pointing_only_at_a_draft_is_an_error(content, build_site):
    content.article("utkast", Status="draft")
    content.article("svar", Reply_to="utkast", Date="2024-01-02 10:00")
    with pytest.raises(ContentError) as caught:
        build_site(content.root)
    assert "'utkast' is a draft article" in str(caught.value)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("Date", "2024-13-45", "svar.md:4: error: Date: '2024-13-45' is not a"),
        ("Received", "13.01.2024", "Received: '13.01.2024' is not a date in the"),
        ("Lang", "no", "Lang: unknown language 'no'; use one of nb, nn, en"),
        ("Lang", "no", "(did you mean 'nb'?)"),
        ("Replyto", "a", "unknown field 'replyto' (did you mean 'Reply_to'?)"),
        (
            "Recieved",
            "2024-01-01",
            "unknown field 'recieved' (did you mean 'Received'?)",
        ),
    ],
)
def test_broken_metadata_field_is_named_with_its_value(
    content, build_site, field, value, expected
):
    content.article("a")
    content.article("svar", **{field: value})
    with pytest.raises(ContentError) as caught:
        build_site(content.root)
    assert expected in str(caught.value)


def test_missing_title_is_an_error_not_a_skipped_file(content, build_site):
    content.raw("notitle.md", "Date: 2024-01-01\nAuthors: Kari Nordmann\n\nTekst.\n")
    with pytest.raises(ContentError) as caught:
        build_site(content.root)
    assert "notitle.md:1: error: Title: is required but missing" in str(caught.value)


def test_invalid_utf8_is_reported_not_crashed(content, build_site):
    content.raw(
        "latin1.md", "Title: Blåbær\nDate: 2024-01-01\n\nTekst.\n".encode("latin-1")
    )
    with pytest.raises(ContentError) as caught:
        build_site(content.root)
    assert "latin1.md: error: is not valid UTF-8" in str(caught.value)


def test_check_reports_the_same_errors_and_writes_nothing(
    content, check_content, tmp_path
):
    content.article("a")
    content.article("b", Reply_to="aa", Date="2024-01-02 10:00")
    result = check_content(content.root)
    (problem,) = result.problems.errors
    assert problem.field == "Reply_to"
    assert problem.line == 4
    assert not (tmp_path / "unused").exists()


def test_author_without_profile_is_a_warning_not_an_error(content, build_site):
    content.article("a", Authors="Ekstern Forfatter")
    site = build_site(content.root)
    (warning,) = site.result.problems.warnings
    assert "no author profile for 'Ekstern Forfatter'" in warning.message


def test_sample_archive_builds_without_errors_or_warnings(sample_site):
    assert not sample_site.result.problems.items


def test_reply_to_a_hidden_article_only_is_an_error(content, build_site):
    content.article("skjult", Status="hidden")
    content.article("svar", Reply_to="skjult", Date="2024-01-02 10:00")
    with pytest.raises(ContentError) as caught:
        build_site(content.root)
    assert "'skjult' is a hidden article" in str(caught.value)


def test_a_second_build_in_the_same_process_starts_fresh(content, build_site):
    content.article("a")
    content.article("b", Reply_to="a", Date="2024-01-02 10:00")
    first = build_site(content.root)
    assert first.html("debatt/").select(".debate-item")
    (content.root / "b.md").unlink()
    content.article("c", Authors="Ekstern")
    second = build_site(content.root)
    assert not second.html("debatt/").select(".debate-item")
    assert not (second.output / "debatt" / "a").exists()
    # Only this build's warning, not the first build's problems again.
    assert [p.value for p in second.result.problems.items] == ["Ekstern"]


def test_correction_and_retraction_are_shown_and_the_debate_holds(content, build_site):
    content.article(
        "a",
        Modified="2024-02-01 10:00",
        Retracted="Dataene i tabell 2 var feil.",
    )
    content.article(
        "b",
        Reply_to="a",
        Date="2024-01-02 10:00",
        Modified="2024-01-03 10:00",
        Correction="Tallet er 1 200, ikke 2 000.",
    )
    site = build_site(content.root)
    retracted = site.html("2024/a/").select_one(".notice-retracted")
    assert "Trukket tilbake" in retracted.get_text()
    assert "tabell 2" in retracted.get_text()
    assert retracted.time["datetime"].startswith("2024-02-01")
    corrected = site.html("2024/b/").select_one(".notice-correction")
    assert "1 200" in corrected.get_text()
    # The retracted article is still what the reply answers.
    assert site.html("2024/b/").select_one(".debate-line a")["href"].endswith("2024/a/")


def test_correction_without_a_modified_date_is_an_error(content, build_site):
    content.article("a", Correction="Rettet et tall.")
    with pytest.raises(ContentError) as caught:
        build_site(content.root)
    assert "Correction: needs a Modified date" in str(caught.value)


def test_debates_index_is_paginated(build_site):
    site = build_site(PROJECT / "content", DEFAULT_PAGINATION=2)
    first = site.html("debatt/")
    assert len(first.select(".debate-item")) == 2
    following = first.select_one(".pagination a[rel=next]")["href"]
    assert following.endswith("debatt/side/2/")
    second = site.html("debatt/side/2/")
    assert len(second.select(".debate-item")) == 2
    titles = [
        item.find(["h2", "h3"]).get_text()
        for page in ("debatt/", "debatt/side/2/", "debatt/side/3/")
        for item in site.html(page).select(".debate-item")
    ]
    assert len(titles) == len(set(titles)) == 5
