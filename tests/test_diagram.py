"""The debate diagram: an accessible SVG of who answered whom, and when.

Pure tests on plain data (the graph from plain entries, the SVG parsed back as
XML), then one on a built site: the debate page carries it inline.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from replikk.debate.diagram import COLUMN, RADIUS, Words, describe, layout, render_svg
from replikk.debate.graph import Entry, build_graph

SVG = "{http://www.w3.org/2000/svg}"


def entry(key, day, reply_to=None, authors=("Kari Nordmann",), title=None, **kw):
    return Entry(
        key=key,
        source=f"{key}.md",
        title=title or key.replace("-", " ").capitalize(),
        date=datetime(2024, 1, day, 9, 0),
        authors=authors,
        reply_to=reply_to,
        **kw,
    )


def debate_of(*entries):
    graph = build_graph(list(entries))
    assert not graph.problems.errors, graph.problems.errors
    assert len(graph.debates) == 1
    return graph.debates[0]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def circles(root: ET.Element) -> list[tuple[float, float]]:
    return [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]


# A debate whose two branches interleave in time: b and d answer a, c answers b
# but comes after d.
BRANCHES = (
    entry("a", 1),
    entry("b", 2, "a", authors=("Ola Nordmann",)),
    entry("d", 3, "a", authors=("Per Hansen",)),
    entry("c", 20, "b"),
)


def test_svg_is_an_image_named_by_its_title_and_described():
    svg = parse(render_svg(debate_of(*BRANCHES), title="The debate", ident="d1"))
    assert svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title is not None and title.text == "The debate"
    assert svg.get("aria-labelledby") == title.get("id") == "d1-title"
    assert svg.get("aria-describedby") == desc.get("id") == "d1-desc"
    assert svg.get("viewBox").startswith("0 0 ")


def test_every_contribution_is_a_node_and_every_answer_an_edge():
    svg = parse(render_svg(debate_of(*BRANCHES), title="t"))
    assert len(circles(svg)) == 4
    assert len(list(svg.iter(f"{SVG}path"))) == 3
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Ola Nordmann · 2024-01-02" in labels


def test_nodes_go_down_with_time_and_right_with_depth():
    placed = {p.node.key: p for p in layout(debate_of(*BRANCHES))}
    assert placed["a"].y < placed["b"].y < placed["d"].y < placed["c"].y
    assert placed["a"].x < placed["b"].x == placed["d"].x < placed["c"].x


def test_a_long_pause_leaves_more_room_than_a_short_one():
    placed = {p.node.key: p for p in layout(debate_of(*BRANCHES))}
    assert placed["c"].y - placed["d"].y > placed["d"].y - placed["b"].y


def test_no_edge_runs_through_a_node_it_does_not_join():
    # b → c passes the row of d, which sits in b's column.
    svg = render_svg(debate_of(*BRANCHES), title="t")
    root = parse(svg)
    nodes = circles(root)
    for path in root.iter(f"{SVG}path"):
        numbers = re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))
        start = (float(numbers[0]), float(numbers[1]))
        vertical = re.search(r"H(-?[\d.]+)V(-?[\d.]+)H(-?[\d.]+)", path.get("d"))
        assert vertical, path.get("d")
        lane, bottom, end_x = (float(g) for g in vertical.groups())
        end = (end_x, bottom)
        for cx, cy in nodes:
            if (cx, cy) in (start, end):
                continue
            if min(start[1], bottom) <= cy <= max(start[1], bottom):
                assert abs(cx - lane) > RADIUS, f"{path.get('d')} crosses {cx},{cy}"
    assert COLUMN / 2 > RADIUS


def test_a_reply_to_two_articles_gets_a_dashed_second_edge():
    debate = debate_of(
        entry("a", 1), entry("b", 2), entry("c", 3, "a, b", title="Both")
    )
    svg = parse(render_svg(debate, title="t"))
    classes = [p.get("class") for p in svg.iter(f"{SVG}path")]
    assert sorted(classes) == ["edge", "edge edge-also"]


def test_an_external_start_is_drawn_before_its_first_reply():
    debate = debate_of(
        entry("a", 5, "doi:10.1000/xyz", reply_to_title="An outside paper"),
        entry("b", 6, "a"),
    )
    placed = layout(debate)
    assert placed[0].node.external
    assert placed[0].y < placed[1].y
    svg = parse(render_svg(debate, title="t", words=Words(external="ekstern")))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "An outside paper" in texts
    assert "ekstern" in texts


def test_titles_and_names_are_escaped_text():
    nasty = 'A < B & "C" </script>'
    debate = debate_of(entry("a", 1, title=nasty), entry("b", 2, "a", authors=("<b>",)))
    svg = render_svg(debate, title=nasty)
    assert "</script>" not in svg
    root = parse(svg)  # well-formed XML, so nothing leaked as markup
    assert root.find(f"{SVG}title").text == nasty
    assert nasty in root.find(f"{SVG}desc").text
    assert any(t.text == nasty for t in root.iter(f"{SVG}text"))


def test_long_titles_are_cut_at_a_word_with_an_ellipsis():
    title = "Fastlegeordningen trenger flere hender, ikke lengre lister og mer"
    debate = debate_of(entry("a", 1, title=title), entry("b", 2, "a"))
    texts = [t.text for t in parse(render_svg(debate, title="t")).iter(f"{SVG}text")]
    cut = next(t for t in texts if t.startswith("Fastlegeordningen"))
    assert cut.endswith("…")
    assert title.startswith(cut[:-1])
    assert cut[:-1].split()[-1] in title.split()


def test_description_says_who_answered_whom_in_the_page_language():
    words = Words(
        starts="{node} starter debatten.",
        answers="{reply} svarer på {target}.",
        by="«{title}» ({authors}, {date})",
    )
    text = describe(debate_of(*BRANCHES[:2]), words, lambda d: f"{d.day}. januar")
    assert text == (
        "«A» (Kari Nordmann, 1. januar) starter debatten."
        " «B» (Ola Nordmann, 2. januar) svarer på A."
    )


def test_debate_page_shows_the_diagram_inline_in_its_language(sample_site):
    page = sample_site.html("debatt/smertebehandling-av-ryggpasienter/")
    svg = page.select_one("figure svg.debate-diagram")
    assert svg is not None
    assert svg["role"] == "img"
    title = page.find(id=svg["aria-labelledby"])
    assert title.name == "title"
    assert title.get_text().startswith("Debatten i bilde: Smertebehandling")
    desc = page.find(id=svg["aria-describedby"]).get_text()
    assert "svarer på" in desc
    assert "20. feb. 2024" in desc
    assert len(svg.find_all("circle")) == 5
    assert page.select_one("figure figcaption").get_text(strip=True)
    # The diagram needs no script (the header's search field is the only one).
    scripts = [s["src"] for s in page.find_all("script", src=True)]
    assert all(src.endswith("js/search-field.js") for src in scripts)


def test_nynorsk_debate_is_described_in_nynorsk(sample_site):
    page = sample_site.html("debatt/lang-veg-til-legevakta/")
    svg = page.select_one("svg.debate-diagram")
    desc = page.find(id=svg["aria-describedby"]).get_text()
    assert "svarar på" in desc
    assert "startar debatten" in desc
