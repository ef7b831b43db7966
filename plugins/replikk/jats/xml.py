"""Read a JATS file safely: no network, no DTD, no entity of any kind.

lxml's parser is told to resolve no entities, load no DTD and fetch nothing
(``no_network``), with libxml2's limits on depth and text size in force
(``huge_tree=False``). What such a parser still accepts is checked after:

- a DOCTYPE that declares entities (external ones are XXE, internal ones
  the "billion laughs") is refused whatever the entities say;
- an entity reference left in the tree names an entity only the DTD defines
  (``&nbsp;``): the DTD is never loaded, so the file cannot be read offline;
- the root must be JATS's ``<article>``.

Each refusal is a :class:`JatsError` naming the file and what is wrong.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

XLINK = "http://www.w3.org/1999/xlink"
MATHML = "http://www.w3.org/1998/Math/MathML"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
JATS_VERSIONS = ("1.0", "1.1", "1.1d1", "1.1d2", "1.1d3", "1.2", "1.2d1", "1.2d2")
JATS_VERSIONS += ("1.3", "1.3d1", "1.3d2")


class JatsError(Exception):
    """Why a file cannot be imported at all."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        super().__init__(source, message, line)
        self.source = source
        self.message = message
        self.line = line

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


def parser() -> etree.XMLParser:
    """The only parser the importer uses (a new one per file: lxml parsers
    keep state between documents)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def read(path: Path) -> etree._ElementTree:
    """The file's tree, or JatsError saying why it cannot be read."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise JatsError(source, f"cannot be read: {exc.strerror}") from None
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg or exc).split(" (<string>")[0]
        if b"<!ENTITY" in data:  # libxml2 stopped an expansion before we could
            raise JatsError(
                source,
                "declares entities in its DOCTYPE: entity declarations are"
                f" refused (entity expansion; the parser said: {message})",
                exc.lineno or None,
            ) from None
        hint = ""
        if "Entity" in message and "not defined" in message:
            hint = (
                " (a named entity only a DTD defines: the importer loads no"
                " DTD, so write the character itself or a numeric reference)"
            )
        elif message.startswith("Namespace prefix"):
            hint = (
                " (the JATS DTD declares xmlns:xlink and xmlns:mml, but the"
                " importer loads no DTD: declare them on <article>)"
            )
        raise JatsError(
            source, f"is not well-formed XML: {message}{hint}", exc.lineno or None
        ) from None
    tree = root.getroottree()
    _refuse_entities(source, tree)
    if not isinstance(root.tag, str) or root.tag != "article":
        name = root.tag if isinstance(root.tag, str) else "?"
        raise JatsError(
            source,
            f"is not a JATS article: its root element is <{name}>, not <article>",
            root.sourceline,
        )
    return tree


def _refuse_entities(source: str, tree: etree._ElementTree) -> None:
    dtd = tree.docinfo.internalDTD
    declared = list(dtd.iterentities()) if dtd is not None else []
    if declared:
        external = [e for e in declared if e.system_url]
        if external:
            first = external[0]
            raise JatsError(
                source,
                f"declares an external entity ({first.name!r} →"
                f" {first.system_url!r}) in its DOCTYPE: external entities are"
                " never resolved (XXE); remove the declaration",
                1,
            )
        names = ", ".join(repr(e.name) for e in declared[:3])
        raise JatsError(
            source,
            f"declares entities in its DOCTYPE ({names}): entity declarations"
            " are refused (entity expansion); write the text itself",
            1,
        )
    for entity in tree.getroot().iter(etree.Entity):
        system = tree.docinfo.system_url or "its DTD"
        raise JatsError(
            source,
            f"uses the entity {entity.text} that only {system} defines: the"
            " DTD cannot be resolved offline and is never loaded; write the"
            " character itself or a numeric reference (&#160;)",
            entity.sourceline,
        )


def href(element: etree._Element) -> str | None:
    """An element's ``xlink:href``, stripped."""
    value = element.get(f"{{{XLINK}}}href")
    return value.strip() if value else None


def local(element: etree._Element) -> str:
    """An element's name without its namespace ('' for anything but an element)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]
