"""Pelican glue for the debate diagram: a Jinja filter for the templates.

``{{ debate | debate_diagram(lang, SITEURL) }}`` writes the debate's diagram (a
tree of links, see :mod:`.diagram`) with its words and dates in the page's
language (``theme/strings``) and its links under ``SITEURL``.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..i18n import LocalDate, add_filters, strings_of
from .diagram import Words, render_html
from .graph import Debate, Node


@dataclass(frozen=True)
class DebateDiagram:
    """The ``debate_diagram`` filter. A class, not a closure, because the
    settings that hold it are pickled to reach the reading workers."""

    strings: dict[str, dict[str, str]]
    default_lang: str

    def __call__(
        self, debate: Debate, lang: str | None = None, siteurl: str = ""
    ) -> Markup:
        """The debate's diagram, its words in ``lang``, its links under ``siteurl``."""
        lang = lang if lang in self.strings else self.default_lang
        table = self.strings[lang]
        localdate = LocalDate(self.strings, self.default_lang)
        # A theme without the diagram's strings still gets a diagram, in English.
        default = Words()
        words = Words(
            starts=table.get("diagram_starts", default.starts),
            answers=table.get("diagram_answers", default.answers),
            external=table.get("external_article", default.external),
            by=table.get("diagram_by", default.by),
            also_answers=table.get("also_answers", default.also_answers),
            in_reply_to=table.get("in_reply_to", default.in_reply_to),
        )

        def href(node: Node) -> str:
            if node.external:
                return node.href or ""
            return f"{siteurl}/{node.article.url}"

        def lang_of(node: Node) -> str | None:
            other = getattr(node.article, "lang", None)
            return other if other and other != lang else None

        html = render_html(
            debate,
            title=table.get("diagram_title", "{title}").format(title=debate.title),
            ident=f"diagram-{debate.slug}",
            words=words,
            date_format=lambda value: localdate(value, lang),
            href=href,
            lang_of=lang_of,
        )
        return Markup(html)  # render_html escapes every text it writes


def install(settings: dict) -> None:
    """Add the ``debate_diagram`` filter to Pelican's template environment."""
    strings = strings_of(settings)
    default_lang = settings.get("DEFAULT_LANG", "nb")
    add_filters(settings, debate_diagram=DebateDiagram(strings, default_lang))
