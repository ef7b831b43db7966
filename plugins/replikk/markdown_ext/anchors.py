"""Heading anchors spelt as the URL slugs are: "Samtalen og bildet hører
sammen" gets ``#samtalen-og-bildet-horer-sammen``.

Python-Markdown's ``toc`` extension makes ids with its own ``slugify``, which
drops every letter that has no ASCII decomposition (æ, ø, å become nothing).
Pelican's ``slugify`` folds them (æ → ae, ø → o, å → a) with the site's
``SLUG_REGEX_SUBSTITUTIONS``. The reader gives ``toc`` this one unless the
settings name a ``slugify`` of their own.
"""

from __future__ import annotations

from functools import partial

from pelican.utils import slugify

TOC = "markdown.extensions.toc"


def heading_slug(value: str, separator: str, regex_subs=()) -> str:
    """``toc``'s ``slugify(value, separator)``, folded like Pelican's slugs."""
    slug = slugify(value, regex_subs=regex_subs)
    return slug.replace("-", separator) if separator != "-" else slug


def with_heading_slugs(markdown: dict, regex_subs) -> dict:
    """``MARKDOWN`` settings whose ``toc`` (when used) folds æ, ø and å."""
    configs = markdown.get("extension_configs", {})
    toc = configs.get(TOC)
    if toc is None or "slugify" in toc:
        return markdown
    subs = tuple(tuple(pair) for pair in regex_subs)
    toc = {**toc, "slugify": partial(heading_slug, regex_subs=subs)}
    return {**markdown, "extension_configs": {**configs, TOC: toc}}
