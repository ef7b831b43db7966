"""Crossref relations for deposit: which article answers which.

One resource-only deposit batch for the archive (Crossref's ``doi_resources``
4.4.2 schema, with the ``relations.xsd`` program): for each article with a
DOI, ``isReplyTo`` for each answered work that has a DOI and ``hasReply`` for
each reply that has one, so the journal can register the debates' links with
Crossref (``invoke crossref``). Plain Python: the caller hands in DOIs and
titles.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
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


@dataclass(frozen=True, slots=True)
class Deposit:
    """One article's relations: its DOI (the work that claims them) and them."""

    doi: str
    relations: tuple[Relation, ...]


def batch_id(stamp: str, body: str) -> str:
    """A batch id Crossref accepts (4 to 100 characters): the stamp and a
    digest of the batch's relations, so the same relations give the same id
    and any change a new one."""
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:20]
    return f"{stamp}-{digest}"


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


def _relations(deposit: Deposit) -> list[str]:
    """One ``<doi_relations>`` element, indented for its place in the body."""
    lines = [
        "    <doi_relations>\n",
        _leaf("      ", "doi", deposit.doi),
        "      <rel:program>\n",
    ]
    for relation in deposit.relations:
        lines.append("        <rel:related_item>\n")
        if relation.description:
            lines.append(_leaf("          ", "rel:description", relation.description))
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
    lines += ["      </rel:program>\n", "    </doi_relations>\n"]
    return lines


@dataclass(frozen=True, slots=True)
class Batch:
    """A deposit batch: its id (for Crossref's reply) and its XML."""

    batch_id: str
    xml: str


def batch(
    deposits: Iterable[Deposit], *, depositor: str, email: str, stamp: str
) -> Batch:
    """The deposit batch: one ``<body>`` with every deposit's relations.

    Crossref's ``doi_resources`` 4.4.2 head has no ``<timestamp>``: the
    stamp (when the newest of the deposited articles last changed) is part
    of the batch id. Written as text, one element a line and indented by two
    spaces, the way ElementTree writes it after ``ET.indent``.
    """
    if not depositor or not email:
        raise ValueError("a deposit names its depositor and an e-mail address")
    body = "".join(line for d in deposits for line in _relations(d))
    identifier = batch_id(stamp, body)
    xml = "".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<doi_batch xmlns="{RESOURCES_NS}" xmlns:rel="{RELATIONS_NS}"'
            f' xmlns:xsi="{XSI_NS}" version="4.4.2"'
            f' xsi:schemaLocation="{RESOURCES_NS} {RESOURCES_XSD}">\n',
            "  <head>\n",
            _leaf("    ", "doi_batch_id", identifier),
            "    <depositor>\n",
            _leaf("      ", "depositor_name", depositor),
            _leaf("      ", "email_address", email),
            "    </depositor>\n",
            "  </head>\n",
            "  <body>\n",
            body,
            "  </body>\n",
            "</doi_batch>\n",
        ]
    )
    return Batch(identifier, xml)
