"""The debate graph on plain data: resolution, both directions, debates, bad input."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from pelican.plugins.replikk.debate.graph import Entry, Withheld, build_graph
from pelican.plugins.replikk.debate.targets import (
    DoiTarget,
    SlugTarget,
    TargetSyntaxError,
    UrlTarget,
    parse_target,
)
from pelican.plugins.replikk.problems import Severity


def entry(key: str, day: int, reply_to: str | None = None, **kw) -> Entry:
    return Entry(
        key,
        f"content/{key}.md",
        kw.pop("title", key.title()),
        datetime(2024, 1, day, kw.pop("hour", 9)),
        reply_to=reply_to,
        **kw,
    )


def messages(graph, severity=Severity.ERROR) -> list[str]:
    return [p.format() for p in graph.problems.items if p.severity is severity]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "smertebehandling-av-ryggpasienter",
            SlugTarget("smertebehandling-av-ryggpasienter"),
        ),
        ("10.4045/tidsskr.23.0737", DoiTarget("10.4045/tidsskr.23.0737")),
        ("doi:10.4045/TIDSSKR.23.0737", DoiTarget("10.4045/tidsskr.23.0737")),
        ("DOI: 10.4045/tidsskr.23.0737", DoiTarget("10.4045/tidsskr.23.0737")),
        (
            "https://doi.org/10.1016/S0140-6736(18)30489-6",
            DoiTarget("10.1016/s0140-6736(18)30489-6"),
        ),
        (
            "http://dx.doi.org/10.1136/bmj.324.7342.886",
            DoiTarget("10.1136/bmj.324.7342.886"),
        ),
        ("https://example.org/a/b?c=1", UrlTarget("https://example.org/a/b?c=1")),
    ],
)
def test_targets_are_classified_by_spelling(text, expected):
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "10.12/x",
        "doi:nonsense",
        "https://doi.org/10.abc/x",
        "ftp://x.org/a",
        "Two words",
        "http://",
    ],
)
def test_malformed_targets_are_refused(text):
    with pytest.raises(TargetSyntaxError):
        parse_target(text)


def test_replies_are_linked_both_ways_in_publication_order():
    graph = build_graph(
        [
            entry("a", 1),
            entry("late", 3, "a"),
            entry("early", 2, "a", hour=14),
            entry("same-day", 2, "a", hour=9),
        ]
    )
    a = graph.nodes["a"]
    assert [c.key for c in a.children] == ["same-day", "early", "late"]
    assert [p.key for p in graph.nodes["late"].parents] == ["a"]
    assert not graph.problems.items


def test_reply_to_two_articles_joins_them_in_one_debate():
    graph = build_graph(
        [
            entry("f", 1),
            entry("g", 2, doi="10.5555/replikk.2024.008"),
            entry("h", 3, "f, doi:10.5555/REPLIKK.2024.008"),
        ]
    )
    (debate,) = graph.debates
    assert debate.root.key == "f"
    assert [n.key for n in debate.articles] == ["f", "g", "h"]
    h = next(i for i in debate.tree if i.node.key == "h")
    assert [n.key for n in h.also_answers] == ["g"]
    assert debate.count == 3


def test_debate_four_levels_deep_has_depths_in_tree_order():
    graph = build_graph(
        [
            entry("a", 1),
            entry("b", 2, "a"),
            entry("c", 3, "b"),
            entry("d", 4, "c"),
            entry("e", 2, "a", hour=15),
        ]
    )
    (debate,) = graph.debates
    assert [(i.node.key, i.depth) for i in debate.tree] == [
        ("a", 0),
        ("b", 1),
        ("c", 2),
        ("d", 3),
        ("e", 1),
    ]
    assert debate.depth == 4
    assert debate.first_date == datetime(2024, 1, 1, 9)
    assert debate.last_date == datetime(2024, 1, 4, 9)


def test_external_doi_target_becomes_the_root_with_its_given_title():
    graph = build_graph(
        [
            entry(
                "x1",
                2,
                "https://doi.org/10.1016/S0140-6736(18)30480-X",
                reply_to_title="What low back pain is",
            ),
            entry("x2", 3, "x1"),
        ]
    )
    (debate,) = graph.debates
    assert debate.root.external
    assert debate.root.href == "https://doi.org/10.1016/s0140-6736(18)30480-x"
    assert debate.title == "What low back pain is"
    assert debate.slug == "x1"
    assert [(i.node.key, i.depth) for i in debate.tree][1:] == [("x1", 1), ("x2", 2)]


def test_external_title_falls_back_to_the_reference_list_then_the_doi():
    from_refs = build_graph(
        [
            entry(
                "r",
                2,
                "10.1371/journal.pmed.0020124",
                cited={"10.1371/journal.pmed.0020124": "Why most"},
            )
        ]
    )
    assert from_refs.debates[0].title == "Why most"
    assert not from_refs.problems.items

    untitled = build_graph([entry("r", 2, "https://example.org/paper")])
    assert untitled.debates[0].title == "https://example.org/paper"
    (warning,) = untitled.problems.warnings
    assert "no title is known" in warning.message


def test_url_target_matching_our_own_article_resolves_to_it():
    graph = build_graph(
        [
            entry("a", 1, urls=("2024/a/", "https://replikk.example.org/2024/a/")),
            entry("b", 2, "https://replikk.example.org/2024/a/index.html"),
        ]
    )
    assert [p.key for p in graph.nodes["b"].parents] == ["a"]


def test_standalone_article_is_in_no_debate():
    graph = build_graph([entry("lone", 1), entry("a", 1), entry("b", 2, "a")])
    assert graph.nodes["lone"].debate is None
    assert len(graph.debates) == 1


def test_debates_are_sorted_by_last_activity():
    graph = build_graph(
        [entry("a", 1), entry("b", 5, "a"), entry("c", 2), entry("d", 3, "c")]
    )
    assert [d.slug for d in graph.debates] == ["a", "c"]


def test_participants_in_order_of_joining():
    graph = build_graph(
        [
            entry("a", 1, authors=("Kari", "Ola")),
            entry("b", 2, "a", authors=("Per",)),
            entry("c", 3, "b", authors=("Kari",)),
        ]
    )
    assert graph.debates[0].participants == ["Kari", "Ola", "Per"]


def test_misspelt_slug_names_file_field_value_and_suggestion():
    graph = build_graph(
        [
            entry("smertebehandling-av-ryggpasienter", 1),
            entry("b", 2, "smertebehandling-av-rygpasienter"),
        ]
    )
    (problem,) = graph.problems.errors
    assert problem.source == "content/b.md"
    assert problem.field == "Reply_to"
    assert problem.value == "smertebehandling-av-rygpasienter"
    assert problem.hint == "did you mean 'smertebehandling-av-ryggpasienter'?"


def test_reply_to_itself_is_an_error():
    graph = build_graph([entry("a", 1, "a")])
    assert "cannot answer itself" in graph.problems.errors[0].message


def test_cycle_names_every_file_in_it():
    graph = build_graph([entry("a", 1, "c"), entry("b", 1, "a"), entry("c", 1, "b")])
    (problem,) = graph.problems.errors
    assert "cycle through 3 articles" in problem.message
    for name in ("content/a.md", "content/b.md", "content/c.md"):
        assert name in problem.message


def test_reply_dated_before_its_target_is_an_error():
    graph = build_graph([entry("a", 5), entry("b", 2, "a")])
    (problem,) = graph.problems.errors
    assert problem.field == "Date"
    assert "before 'a'" in problem.message


def test_duplicate_and_malformed_dois_are_errors():
    graph = build_graph(
        [
            entry("a", 1, doi="10.5555/x.1"),
            entry("b", 2, doi="doi:10.5555/X.1"),
            entry("c", 3, doi="10.55/bad"),
        ]
    )
    errors = graph.problems.errors
    assert [(p.source, p.field) for p in errors] == [
        ("content/b.md", "DOI"),
        ("content/c.md", "DOI"),
    ]
    assert "already the DOI of content/a.md" in errors[0].message
    assert "malformed DOI" in errors[1].message


def test_empty_reply_to_is_an_error():
    graph = build_graph([entry("a", 1, " , ")])
    assert "given but empty" in graph.problems.errors[0].message


def test_reply_only_to_a_draft_is_an_error_and_draft_is_never_a_reply():
    graph = build_graph(
        [entry("a", 1), entry("b", 2, "draft")],
        withheld=[Withheld("draft", "content/draft.md", "draft")],
    )
    (problem,) = graph.problems.errors
    assert "draft article (content/draft.md)" in problem.message
    assert graph.nodes["a"].children == []


def test_reply_to_a_draft_and_an_article_warns_and_keeps_the_article():
    graph = build_graph(
        [entry("a", 1), entry("b", 2, "a, draft")],
        withheld=[Withheld("draft", "content/draft.md", "draft")],
    )
    assert not graph.problems.errors
    assert [p.key for p in graph.nodes["b"].parents] == ["a"]
    assert len(graph.problems.warnings) == 1


def test_all_errors_of_one_build_are_reported_together():
    graph = build_graph(
        [
            entry("a", 1, "a"),
            entry("b", 2, "nope"),
            entry("c", 3, ""),
            entry("d", 1, "b"),
        ]
    )
    fields = sorted((p.source, p.field) for p in graph.problems.errors)
    assert fields == [
        ("content/a.md", "Reply_to"),
        ("content/b.md", "Reply_to"),
        ("content/c.md", "Reply_to"),
        ("content/d.md", "Date"),
    ]


def test_a_debate_500_levels_deep_is_walked_without_recursion():
    start = datetime(2024, 1, 1)
    entries = [
        Entry(
            f"n{i}", f"c/n{i}.md", "T", start + timedelta(hours=i), reply_to=f"n{i - 1}"
        )
        for i in range(1, 500)
    ]
    entries.insert(0, Entry("n0", "c/n0.md", "T", start))
    graph = build_graph(entries)
    assert not graph.problems.errors
    assert graph.debates[0].depth == 500


def test_every_article_appears_once_in_a_large_debate_tree():
    entries = [entry("root", 1)]
    entries += [
        Entry(
            f"r{i}",
            f"c/r{i}.md",
            "T",
            datetime(2024, 1, 2),
            reply_to="root" if i % 2 else f"r{i - 1}",
        )
        for i in range(1, 4000)
    ]
    graph = build_graph(entries)
    (debate,) = graph.debates
    assert len(debate.tree) == 4000
    assert len({id(i.node) for i in debate.tree}) == 4000
