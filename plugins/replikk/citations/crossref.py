"""Crossref relations for deposit: which article answers which.

One resource-only deposit file per article with a DOI (Crossref's
``doi_resources`` schema, with the ``relations.xsd`` program) stating
``isReplyTo`` for each answered work that has a DOI and ``hasReply`` for each
reply that has one, so the journal can register the debate's links with
Crossref. Plain Python: the glue hands in DOIs and titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RESOURCES_NS = "http://www.crossref.org/doi_resources_schema/4.4.2"
RESOURCES_XSD = "http://www.crossref.org/schemas/doi_resources4.4.2.xsd"
RELATIONS_NS = "http://www.crossref.org/relations.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
IS_REPLY_TO = "isReplyTo"
HAS_REPLY = "hasReply"


@dataclass(frozen=True, slots=True)
class Relation:
    """One link from the deposited article to another work with a DOI."""

    kind: str  # IS_REPLY_TO or HAS_REPLY
    doi: str
    description: str | None = None


def batch_id(doi: str, stamp: str) -> str:
    """A batch id Crossref accepts: the DOI's safe characters and a stamp."""
    return f"{re.sub(r'[^A-Za-z0-9]+', '-', doi).strip('-')}-{stamp}"[:100]


def _text(value: str) -> str:
    """Character data, escaped as ElementTree escapes it."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    """An attribute value, escaped as ElementTree escapes it."""
    value = _text(value).replace('"', "&quot;")
    return value.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")


def _leaf(indent: str, tag: str, text: str | None, attributes: str = "") -> str:
    """One element without children on a line of its own."""
    if not text:
        return f"{indent}<{tag}{attributes} />\n"
    return f"{indent}<{tag}{attributes}>{_text(text)}</{tag}>\n"


def relations_xml(
    doi: str,
    relations: list[Relation],
    *,
    depositor: str,
    email: str,
    stamp: str,
) -> str:
    """The deposit file for one article's relations.

    Written as text, one element a line and indented by two spaces, the way
    ElementTree writes it after ``ET.indent`` (at a fifth of the cost).
    """
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<doi_batch xmlns="{RESOURCES_NS}" xmlns:rel="{RELATIONS_NS}"'
        f' xmlns:xsi="{XSI_NS}" version="4.4.2"'
        f' xsi:schemaLocation="{RESOURCES_NS} {RESOURCES_XSD}">\n',
        "  <head>\n",
        _leaf("    ", "doi_batch_id", batch_id(doi, stamp)),
        "    <depositor>\n",
        _leaf("      ", "depositor_name", depositor),
        _leaf("      ", "email_address", email),
        "    </depositor>\n",
        "  </head>\n",
        "  <body>\n",
        "    <doi_relations>\n",
        _leaf("      ", "doi", doi),
    ]
    if not relations:
        lines.append("      <rel:program />\n")
    else:
        lines.append("      <rel:program>\n")
        for relation in relations:
            lines.append("        <rel:related_item>\n")
            if relation.description:
                lines.append(
                    _leaf("          ", "rel:description", relation.description)
                )
            kind = f' relationship-type="{_attribute(relation.kind)}"'
            lines.append(
                _leaf(
                    "          ",
                    "rel:inter_work_relation",
                    relation.doi,
                    f'{kind} identifier-type="doi"',
                )
            )
            lines.append("        </rel:related_item>\n")
        lines.append("      </rel:program>\n")
    lines += ["    </doi_relations>\n", "  </body>\n", "</doi_batch>\n"]
    return "".join(lines)
