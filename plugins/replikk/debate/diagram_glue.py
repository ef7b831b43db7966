"""Pelican glue for the debate diagram: a Jinja filter for the templates.

``{{ debate | debate_diagram(lang) }}`` writes the debate's SVG inline, with
its description and dates in the page's language (``theme/strings``).
"""

from __future__ import annotations

from markupsafe import Markup

from ..i18n import load_strings, make_localdate
from .diagram import Words, render_svg
from .graph import Debate


def make_filter(strings: dict[str, dict[str, str]], default_lang: str):
    localdate = make_localdate(strings, default_lang)

    def debate_diagram(debate: Debate, lang: str | None = None) -> Markup:
        """The debate as inline SVG, its words in ``lang``."""
        lang = lang if lang in strings else default_lang
        table = strings[lang]
        # A theme without the diagram's strings still gets a diagram, in English.
        default = Words()
        words = Words(
            starts=table.get("diagram_starts", default.starts),
            answers=table.get("diagram_answers", default.answers),
            external=table.get("external_article", default.external),
            by=table.get("diagram_by", default.by),
        )
        svg = render_svg(
            debate,
            title=table.get("diagram_title", "{title}").format(title=debate.title),
            ident=f"diagram-{debate.slug}",
            words=words,
            date_format=lambda value: localdate(value, lang, "medium"),
        )
        return Markup(svg)  # render_svg escapes every text it writes

    return debate_diagram


def install(settings: dict) -> None:
    """Add the ``debate_diagram`` filter to Pelican's template environment."""
    strings = load_strings(settings["THEME"])
    settings["JINJA_FILTERS"] = {
        **settings.get("JINJA_FILTERS", {}),
        "debate_diagram": make_filter(strings, settings.get("DEFAULT_LANG", "nb")),
    }
