"""The debate diagram: a tree of links in the thread's order, legible on a phone.

Pure tests on plain data (the graph from plain entries, the HTML parsed back as
XML, which also proves every tag is closed), then the built sample archive read
back with bs4, then the same pages in Debian's Chromium (sizes, positions,
colours, no script) with axe-core and the Nu Html Checker.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from pelican.plugins.replikk.debate.diagram import (
    MAX_NESTING,
    Words,
    describe,
    render_html,
)
from pelican.plugins.replikk.debate.graph import Entry, build_graph

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
DEBATES = [
    "smertebehandling-av-ryggpasienter",  # four levels
    "fastlegeordningen-trenger-flere-hender",  # a reply to two articles
    "er-de-fleste-forskningsfunn-fortsatt-falske",  # an external start
    "korsryggsmerter-i-norsk-allmennpraksis",
    "lang-veg-til-legevakta",  # nynorsk
]
PHONE = {"width": 390, "height": 844}


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


def parse(html: str) -> ET.Element:
    return ET.fromstring(html)


def titles(root: ET.Element) -> list[str]:
    return [a.text for a in root.iter("a") if a.get("class") == "diagram-title"]


def nodes(root: ET.Element) -> list[ET.Element]:
    return [li for li in root.iter("li") if "diagram-node" in li.get("class", "")]


def parent_title(root: ET.Element, li: ET.Element) -> str | None:
    """The title of the node whose list holds ``li`` (None at the top)."""
    parents = {child: parent for parent in root.iter() for child in parent}
    ol = parents[li]
    if "diagram-tree" in ol.get("class", ""):
        return None
    return next(a.text for a in parents[ol].iter("a"))


# A debate whose two branches interleave in time: b and d answer a, c answers b
# but comes after d. Its thread (each reply under what it answers) is a b c d.
BRANCHES = (
    entry("a", 1),
    entry("b", 2, "a", authors=("Ola Nordmann",)),
    entry("d", 3, "a", authors=("Per Hansen",)),
    entry("c", 20, "b"),
)


def test_contributions_are_listed_in_the_thread_order_each_under_its_target():
    debate = debate_of(*BRANCHES)
    root = parse(render_html(debate, title="t"))
    assert titles(root) == ["A", "B", "C", "D"]
    assert titles(root) == [item.node.label for item in debate.tree]
    under = {li.find("div/a").text: parent_title(root, li) for li in nodes(root)}
    assert under == {"A": None, "B": "A", "C": "B", "D": "A"}


def test_every_contribution_is_a_link_to_its_article():
    debate = debate_of(*BRANCHES)
    html = render_html(debate, title="t", href=lambda node: f"/x/{node.key}/")
    links = {a.text: a.get("href") for a in parse(html).iter("a")}
    assert links == {"A": "/x/a/", "B": "/x/b/", "C": "/x/c/", "D": "/x/d/"}


def test_each_contribution_shows_its_authors_and_date():
    html = render_html(debate_of(*BRANCHES), title="t")
    metas = [
        "".join(span.itertext())
        for span in parse(html).iter("span")
        if span.get("class") == "diagram-meta"
    ]
    assert metas[1] == "Ola Nordmann · 2024-01-02"
    assert '<time datetime="2024-01-02T09:00:00">' in html


def test_the_list_is_named_and_the_exchange_told_in_sentences():
    html = render_html(debate_of(*BRANCHES), title="The debate", ident="d1")
    root = parse(html)
    assert root.get("id") == "d1"
    tree = root.find("ol")
    assert tree.get("aria-label") == "The debate"
    summary = root.find("p")
    assert summary.get("class") == "diagram-summary"
    assert summary.text.startswith("A (Kari Nordmann, 2024-01-01) starts the debate.")
    assert "role" not in html  # a list of links, not an image


def test_long_titles_are_written_in_full():
    title = "Fastlegeordningen trenger flere hender, ikke lengre lister og mer"
    debate = debate_of(entry("a", 1, title=title), entry("b", 2, "a"))
    html = render_html(debate, title="t")
    assert title in titles(parse(html))
    assert "…" not in html


def test_a_reply_to_two_articles_sits_under_the_first_and_links_the_other():
    debate = debate_of(
        entry("a", 1), entry("b", 2), entry("c", 3, "a, b", title="Both")
    )
    html = render_html(
        debate,
        title="t",
        words=Words(also_answers="svarer også på"),
        href=lambda n: n.key,
    )
    root = parse(html)
    both = next(li for li in nodes(root) if li.find("div/a").text == "Both")
    assert parent_title(root, both) == "A"
    also = next(s for s in both.iter("span") if s.get("class") == "diagram-also")
    assert also.text == "svarer også på: "
    assert [(a.text, a.get("href")) for a in also.iter("a")] == [("B", "b")]


def test_an_external_start_links_to_its_address():
    debate = debate_of(
        entry("a", 5, "doi:10.1000/xyz", reply_to_title="An outside paper"),
        entry("b", 6, "a"),
    )
    html = render_html(debate, title="t", words=Words(external="ekstern"))
    first = nodes(parse(html))[0]
    assert "node-external" in first.get("class")
    assert first.find("div/a").text == "An outside paper"
    assert first.find("div/a").get("href") == "https://doi.org/10.1000/xyz"
    assert first.find("div/span").text == "ekstern"


def test_a_title_in_another_language_is_marked():
    debate = debate_of(*BRANCHES)
    html = render_html(
        debate, title="t", lang_of=lambda n: "en" if n.key == "c" else None
    )
    langs = {a.text: a.get("lang") for a in parse(html).iter("a")}
    assert langs == {"A": None, "B": None, "C": "en", "D": None}


def test_a_very_deep_exchange_stops_nesting_and_names_the_target():
    chain = [entry("n0", 1)]
    chain += [entry(f"n{i}", i + 1, f"n{i - 1}") for i in range(1, MAX_NESTING + 3)]
    root = parse(render_html(debate_of(*chain), title="t"))
    assert titles(root) == [e.title for e in chain]
    deepest = nodes(root)[-1]
    assert parent_title(root, deepest) == chain[MAX_NESTING - 1].title
    answers = next(
        s for s in deepest.iter("span") if s.get("class") == "diagram-answers"
    )
    assert answers.text == "In reply to: "
    assert [a.text for a in answers.iter("a")] == [chain[-2].title]


def test_titles_and_names_are_escaped_text():
    nasty = 'A < B & "C" </script>'
    debate = debate_of(entry("a", 1, title=nasty), entry("b", 2, "a", authors=("<b>",)))
    html = render_html(debate, title=nasty)
    assert "</script>" not in html
    root = parse(html)  # well-formed, so nothing leaked as markup
    assert root.find("ol").get("aria-label") == nasty
    assert nasty in root.find("p").text
    assert titles(root)[0] == nasty


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


def test_description_follows_the_thread():
    text = describe(debate_of(*BRANCHES))
    assert [text.index(f"{k} (") for k in "ABCD"] == sorted(
        text.index(f"{k} (") for k in "ABCD"
    )


# --- the built sample archive ---------------------------------------------


def _diagram_titles(page) -> list[str]:
    return [a.get_text() for a in page.select(".debate-diagram a.diagram-title")]


def test_debate_page_shows_the_diagram_in_its_language(sample_site):
    page = sample_site.html("debatt/smertebehandling-av-ryggpasienter/")
    diagram = page.select_one("figure .debate-diagram")
    tree = diagram.select_one("ol.diagram-tree")
    assert tree["aria-label"].startswith("Debatten i bilde: Smertebehandling")
    summary = diagram.select_one(".diagram-summary").get_text()
    assert "svarer på" in summary
    assert "20. februar 2024" in summary
    assert len(diagram.select("li.diagram-node")) == 5
    assert len(tree.select(":scope > li > ol > li > ol > li > ol > li")) == 1
    assert page.select_one("figure figcaption").get_text(strip=True)
    # The diagram needs no script (the header's search field is the only one).
    scripts = [s["src"] for s in page.find_all("script", src=True)]
    assert all(src.endswith("js/search-field.js") for src in scripts)


def test_nynorsk_debate_is_described_in_nynorsk(sample_site):
    page = sample_site.html("debatt/lang-veg-til-legevakta/")
    summary = page.select_one(".debate-diagram .diagram-summary").get_text()
    assert "svarar på" in summary
    assert "startar debatten" in summary
    assert "tråden" in page.select_one("figure figcaption").get_text()


@pytest.mark.parametrize("slug", DEBATES)
def test_every_node_links_to_a_page_of_the_site(sample_site, slug):
    url = f"/debatt/{slug}/"
    links = sample_site.html(url).select(".debate-diagram a[href]")
    assert links
    for link in links:
        href = link["href"]
        if href.startswith("https://"):  # an external article
            assert "node-external" in link.find_parent("li")["class"]
            continue
        target = urlsplit(urljoin(f"http://site{url}", href)).path
        assert sample_site.path(target).is_file(), f"{href} on {url}"


@pytest.mark.parametrize("slug", DEBATES)
def test_diagram_order_is_the_thread_order(sample_site, slug):
    debate = sample_site.html(f"/debatt/{slug}/")
    shown = _diagram_titles(debate)
    timeline = [h.a.get_text() for h in debate.select(".debate-timeline h3")]
    assert shown == timeline
    # …and the debate tree beside each article of the debate.
    first = next(
        a for a in debate.select(".debate-timeline h3 a") if "//" not in a["href"]
    )
    article = sample_site.html(
        urlsplit(urljoin(f"http://site/debatt/{slug}/", first["href"])).path
    )
    tree = [
        li.find(["a", "strong"]).get_text()
        for li in article.select("ol.debate-tree > li")
    ]
    assert shown == tree


@pytest.mark.parametrize("slug", DEBATES)
def test_titles_are_not_cut(sample_site, slug):
    page = sample_site.html(f"/debatt/{slug}/")
    diagram = page.select_one(".debate-diagram")
    assert "…" not in diagram.get_text()
    assert sorted(_diagram_titles(page)) == sorted(
        h.a.get_text() for h in page.select(".debate-timeline h3")
    )


def test_a_title_in_another_language_than_the_debate_is_marked(sample_site):
    page = sample_site.html("/debatt/er-de-fleste-forskningsfunn-fortsatt-falske/")
    link = next(
        a
        for a in page.select(".debate-diagram a.diagram-title")
        if " ".join(a.get_text().split()) == "Replication is not the whole answer"
    )
    assert link["lang"] == "en"


# --- in a browser ------------------------------------------------------------

# For each diagram link: its dot (the ::before box) and the first line of its
# title, in viewport pixels, and what the dot's centre hits.
GEOMETRY = """() => [...document.querySelectorAll('.debate-diagram a.diagram-title')]
  .map(a => {
    const label = a.parentElement.getBoundingClientRect();
    const dot = getComputedStyle(a, '::before');
    const left = label.left + parseFloat(dot.left);
    const top = label.top + parseFloat(dot.top);
    const width = parseFloat(dot.width), height = parseFloat(dot.height);
    const line = a.getClientRects()[0];
    const cx = left + width / 2, cy = top + height / 2;
    const li = a.closest('li');
    const elbow = getComputedStyle(li, '::before');
    const box = li.getBoundingClientRect();
    return {
      title: a.textContent, left, right: left + width, cx, cy,
      textLeft: line.left, textTop: line.top, textBottom: line.bottom,
      hit: document.elementFromPoint(cx, cy) === a,
      elbow: elbow.content === 'none' ? null : {
        x: box.left + parseFloat(elbow.left) + parseFloat(elbow.borderLeftWidth) / 2,
        y: box.top + parseFloat(elbow.top) + parseFloat(elbow.height)
           - parseFloat(elbow.borderBottomWidth) / 2,
        end: box.left + parseFloat(elbow.left) + parseFloat(elbow.width),
      },
      depth: (() => { let d = 0, n = li;
        while ((n = n.parentElement.closest('li.diagram-node'))) d++; return d; })(),
    };
  })"""

# Every element of the diagram and its caption that holds text itself: its
# computed size and the height of its first line box as drawn.
TEXT_SIZES = """() => [...document.querySelectorAll(
    'figure.debate-figure *:not(.diagram-summary)')]
  .filter(el => [...el.childNodes].some(
    n => n.nodeType === 3 && n.textContent.trim()))
  .map(el => {
    const range = document.createRange();
    const text = [...el.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
    range.selectNodeContents(text);
    const rect = range.getClientRects()[0];
    return [el.className || el.tagName, parseFloat(getComputedStyle(el).fontSize),
            rect.height, el.getBoundingClientRect().right];
  })"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("slug", DEBATES)
def test_on_a_phone_no_text_is_smaller_than_13px(phone, sample_url, slug):
    phone.goto(f"{sample_url}/debatt/{slug}/")
    sizes = phone.evaluate(TEXT_SIZES)
    assert len(sizes) >= 4
    for name, size, height, right in sizes:
        assert size >= 13, f"{name}: {size}px"
        assert height >= 13, f"{name}: drawn {height}px high"
        assert right <= PHONE["width"], f"{name} runs off the screen"
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


@pytest.mark.browser
@pytest.mark.parametrize("width", [PHONE["width"], 1280])
def test_each_dot_sits_beside_its_title_and_is_part_of_its_link(
    browser, sample_url, width
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{sample_url}/debatt/smertebehandling-av-ryggpasienter/")
        for node in page.evaluate(GEOMETRY):
            gap = node["textLeft"] - node["right"]
            assert 0 <= gap <= 12, f"{node['title']}: dot {gap}px from its title"
            assert node["textTop"] <= node["cy"] <= node["textBottom"], node["title"]
            assert node["hit"], f"the dot of {node['title']} is not its link"
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("media", ["screen", "print"])
def test_a_line_runs_from_each_article_to_each_reply(page, sample_url, media):
    page.set_viewport_size(PHONE)
    page.emulate_media(media=media)
    page.goto(f"{sample_url}/debatt/smertebehandling-av-ryggpasienter/")
    placed = page.evaluate(GEOMETRY)
    stack: list[dict] = []  # the open ancestors, in the thread's order
    for node in placed:
        del stack[node["depth"] :]
        if stack:
            parent, elbow = stack[-1], node["elbow"]
            assert abs(elbow["x"] - parent["cx"]) <= 1, node["title"]
            assert abs(elbow["y"] - node["cy"]) <= 1.5, node["title"]
            assert abs(elbow["end"] - node["left"]) <= 1, node["title"]
        else:
            assert node["elbow"] is None
        stack.append(node)
    assert max(n["depth"] for n in placed) == 3


@pytest.mark.browser
def test_the_diagram_works_without_javascript(phone, sample_url):
    phone.goto(f"{sample_url}/debatt/fastlegeordningen-trenger-flere-hender/")
    links = phone.locator(".debate-diagram a.diagram-title")
    assert links.count() == 4
    assert all(links.nth(i).is_visible() for i in range(4))
    links.nth(1).click()
    assert phone.url.endswith("/2024/flere-hender-er-ikke-nok/")


@pytest.mark.browser
def test_a_focused_title_shows_its_focus(page, sample_url):
    page.goto(f"{sample_url}/debatt/smertebehandling-av-ryggpasienter/")
    page.locator(".debate-diagram a.diagram-title").first.focus()
    page.keyboard.press("Tab")  # focus-visible comes with the keyboard
    focused = page.evaluate(
        "() => { const a = document.activeElement; return [a.className,"
        " getComputedStyle(a).outlineStyle,"
        " getComputedStyle(a, '::before').boxShadow]; }"
    )
    assert focused[0] == "diagram-title"
    assert focused[1] != "none"
    assert focused[2] != "none"


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(float(v) for v in re.findall(r"[\d.]+", colour)[:3])


def _contrast(one: str, two: str) -> float:
    def luminance(colour: str) -> float:
        channels = [
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
            for c in (v / 255 for v in _rgb(colour))
        ]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


COLOURS = """() => {
  const frame = getComputedStyle(document.querySelector('.diagram-frame'));
  const bg = frame.backgroundColor === 'rgba(0, 0, 0, 0)'
    ? getComputedStyle(document.body).backgroundColor : frame.backgroundColor;
  const q = s => document.querySelector('.debate-diagram ' + s);
  const pseudo = (s, p) => getComputedStyle(q(s), p);
  return {
    bg,
    text: ['a.diagram-title', '.diagram-meta', '.diagram-also', '.diagram-also a']
      .map(s => q(s) && getComputedStyle(q(s)).color).filter(Boolean),
    marks: [
      pseudo('a.diagram-title', '::before').borderLeftColor,
      pseudo('.node-root a.diagram-title', '::before').backgroundColor,
      pseudo('ol .diagram-node', '::before').borderLeftColor,
      pseudo('.has-replies > .diagram-label', '::after').borderLeftColor,
      pseudo('.diagram-also', '::before').borderTopColor,
    ],
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_dots_and_lines_stand_out_from_the_background(browser, sample_url, scheme):
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(f"{sample_url}/debatt/fastlegeordningen-trenger-flere-hender/")
        colours = page.evaluate(COLOURS)
        assert len(colours["text"]) == 4
        for colour in colours["text"]:
            assert _contrast(colour, colours["bg"]) >= 4.5, colour
        for colour in colours["marks"]:
            assert _contrast(colour, colours["bg"]) >= 3, colour
    finally:
        context.close()


@pytest.mark.browser
def test_the_diagram_prints_black_on_white(page, sample_url):
    page.goto(f"{sample_url}/debatt/fastlegeordningen-trenger-flere-hender/")
    page.emulate_media(media="print", color_scheme="dark")
    colours = page.evaluate(COLOURS)
    assert _rgb(colours["bg"]) == (255, 255, 255)
    for colour in colours["text"] + colours["marks"]:
        assert _rgb(colour) == (0, 0, 0), colour


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("slug", DEBATES[:3])
def test_debate_page_has_no_axe_violations(browser, sample_url, slug, scheme):
    if not AXE.is_file():
        pytest.skip(f"{AXE.relative_to(ROOT)} is missing; run `npm ci`")
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(f"{sample_url}/debatt/{slug}/")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values:"
            " ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        assert result["passes"]
        assert [v["id"] for v in result["violations"]] == []
    finally:
        context.close()


def test_debate_pages_are_valid_html(sample_site):
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        pytest.skip("needs java and node_modules/vnu-jar (`npm ci`)")
    pages = [str(sample_site.path(f"/debatt/{slug}/")) for slug in DEBATES]
    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    assert [m["message"] for m in messages] == []
