"""Pull quotes: ``::: pullquote`` … ``:::`` in Markdown, input → expected HTML,
then on the built sample archive."""

from __future__ import annotations

import markdown
import pytest

ASIDE = '<aside aria-hidden="true" class="pullquote">'


def render(text: str, **config) -> str:
    md = markdown.Markdown(
        extensions=[
            "markdown.extensions.extra",
            "pelican.plugins.replikk.markdown_ext.pullquote",
        ],
        extension_configs={"pelican.plugins.replikk.markdown_ext.pullquote": config},
        output_format="html5",
    )
    return md.convert(text)


CASES = {
    "between paragraphs": (
        "Før.\n\n::: pullquote\nEn setning.\n:::\n\nEtter.",
        f"<p>Før.</p>\n{ASIDE}\n<p>En setning.</p>\n</aside>\n<p>Etter.</p>",
    ),
    "inline Markdown inside": (
        "::: pullquote\nEn *viktig* setning.\n:::",
        f"{ASIDE}\n<p>En <em>viktig</em> setning.</p>\n</aside>",
    ),
    "blank lines inside the fence": (
        "::: pullquote\n\nEn.\n\nTo.\n\n:::",
        f"{ASIDE}\n<p>En.</p>\n<p>To.</p>\n</aside>",
    ),
    "pandoc's attribute form and longer fences": (
        ":::: {.pullquote}\nEn.\n::::",
        f"{ASIDE}\n<p>En.</p>\n</aside>",
    ),
    "no blank line before or after": (
        "Før.\n::: pullquote\nEn.\n:::\nEtter.",
        f"<p>Før.</p>\n{ASIDE}\n<p>En.</p>\n</aside>\n<p>Etter.</p>",
    ),
    "special characters stay text": (
        '::: pullquote\nA < B & "C"\n:::',
        f'{ASIDE}\n<p>A &lt; B &amp; "C"</p>\n</aside>',
    ),
    "a fence never closed is left as text": (
        "::: pullquote\nEn.\n\nTo.",
        "<p>::: pullquote\nEn.</p>\n<p>To.</p>",
    ),
    "another class is not a pull quote": (
        "::: note\nEn.\n:::",
        "<p>::: note\nEn.\n:::</p>",
    ),
    "inside a code block it is code": (
        "    ::: pullquote\n    En.\n    :::",
        "<pre><code>::: pullquote\nEn.\n:::\n</code></pre>",
    ),
}


@pytest.mark.parametrize(("source", "expected"), CASES.values(), ids=list(CASES))
def test_pullquote_syntax(source, expected):
    assert render(source) == expected


def test_element_class_and_hiding_are_configurable():
    html = render(
        "::: pullquote\nEn.\n:::",
        element="blockquote",
        hide_from_screen_readers=False,
    )
    assert html == '<blockquote class="pullquote">\n<p>En.</p>\n</blockquote>'


def test_sample_article_pull_quote_is_shown_but_not_read_twice(sample_site):
    page = sample_site.html("2024/smertebehandling-av-ryggpasienter/")
    quotes = page.select(".article-body .pullquote")
    assert len(quotes) == 1
    quote = quotes[0]
    assert quote.name == "aside"
    assert quote["aria-hidden"] == "true"
    sentence = quote.get_text(" ", strip=True).replace("\xa0", " ")
    assert sentence.startswith("Det jeg har lært")
    # The sentence is in the body too: a screen reader still reads it once.
    visible = [
        p.get_text(" ", strip=True).replace("\xa0", " ")
        for p in page.select(".article-body p")
        if not p.find_parent(attrs={"aria-hidden": "true"})
    ]
    assert any(sentence in text for text in visible)


def test_no_fence_is_left_as_text_anywhere_in_the_sample(sample_site):
    for path in sample_site.output.rglob("*.html"):
        assert ":::" not in path.read_text(encoding="utf-8"), path
