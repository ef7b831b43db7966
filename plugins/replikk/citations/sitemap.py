"""``sitemap.xml`` and ``robots.txt``.

Plain Python: the glue hands in every page's absolute URL and the date its
content last changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True, slots=True)
class Entry:
    """One page of the site."""

    loc: str  # absolute URL
    lastmod: datetime | None = None


def sitemap_xml(entries: Iterable[Entry]) -> str:
    """A sitemap (sitemaps.org 0.9); each URL once, in the order given."""
    ET.register_namespace("", SITEMAP_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    seen: set[str] = set()
    for entry in entries:
        if entry.loc in seen:
            continue
        seen.add(entry.loc)
        url = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = entry.loc
        if entry.lastmod is not None:
            ET.SubElement(
                url, f"{{{SITEMAP_NS}}}lastmod"
            ).text = entry.lastmod.isoformat()
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'


def robots_txt(disallow: Iterable[str], sitemap_url: str | None) -> str:
    """Let every crawler in, except into ``disallow``; name the sitemap."""
    lines = ["User-agent: *"]
    paths = [p for p in disallow if p]
    lines += [f"Disallow: {p}" for p in paths] or ["Disallow:"]
    if sitemap_url:
        lines += ["", f"Sitemap: {sitemap_url}"]
    return "\n".join(lines) + "\n"
