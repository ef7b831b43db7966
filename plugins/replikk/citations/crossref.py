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
from xml.etree import ElementTree as ET

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


def relations_xml(
    doi: str,
    relations: list[Relation],
    *,
    depositor: str,
    email: str,
    stamp: str,
) -> str:
    """The deposit file for one article's relations."""
    ET.register_namespace("", RESOURCES_NS)
    ET.register_namespace("rel", RELATIONS_NS)
    ET.register_namespace("xsi", XSI_NS)

    def q(ns: str, tag: str) -> str:
        return f"{{{ns}}}{tag}"

    root = ET.Element(
        q(RESOURCES_NS, "doi_batch"),
        {
            "version": "4.4.2",
            q(XSI_NS, "schemaLocation"): f"{RESOURCES_NS} {RESOURCES_XSD}",
        },
    )
    head = ET.SubElement(root, q(RESOURCES_NS, "head"))
    ET.SubElement(head, q(RESOURCES_NS, "doi_batch_id")).text = batch_id(doi, stamp)
    person = ET.SubElement(head, q(RESOURCES_NS, "depositor"))
    ET.SubElement(person, q(RESOURCES_NS, "depositor_name")).text = depositor
    ET.SubElement(person, q(RESOURCES_NS, "email_address")).text = email
    body = ET.SubElement(root, q(RESOURCES_NS, "body"))
    item = ET.SubElement(body, q(RESOURCES_NS, "doi_relations"))
    ET.SubElement(item, q(RESOURCES_NS, "doi")).text = doi
    program = ET.SubElement(item, q(RELATIONS_NS, "program"))
    for relation in relations:
        related = ET.SubElement(program, q(RELATIONS_NS, "related_item"))
        if relation.description:
            ET.SubElement(
                related, q(RELATIONS_NS, "description")
            ).text = relation.description
        ET.SubElement(
            related,
            q(RELATIONS_NS, "inter_work_relation"),
            {"relationship-type": relation.kind, "identifier-type": "doi"},
        ).text = relation.doi
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'
