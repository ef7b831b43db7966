"""``invoke crossref``: the debates' relations as one Crossref deposit batch.

Built from tests/data/citations-debate with the real settings, and from the
bundled archive in a project copy as an editor runs it; read back with lxml
and, where Crossref's XSDs are at hand (tests/data/crossref-schema/README.md),
validated against them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from pelican.plugins.replikk.citations import crossref
from pelican.plugins.replikk.citations.deposit import DepositError, write_deposit

from .conftest import invoke

ROOT = Path(__file__).resolve().parent.parent
PUBLISH_SETTINGS = ROOT / "publishconf.py"
SCHEMA = Path(__file__).resolve().parent / "data" / "crossref-schema"
# doi_resources4.4.2.xsd and what it includes and imports; common4.4.2.xsd
# imports MathML 3 from the W3C's address, read here from mathml3/.
SCHEMA_FILES = (
    "doi_resources4.4.2.xsd",
    "common4.4.2.xsd",
    "relations.xsd",
    "fundref.xsd",
    "AccessIndicators.xsd",
    "clinicaltrials.xsd",
    "mathml3/mathml3.xsd",
    "mathml3/mathml3-common.xsd",
    "mathml3/mathml3-content.xsd",
    "mathml3/mathml3-presentation.xsd",
    "mathml3/mathml3-strict-content.xsd",
)
MATHML_XSD = "http://www.w3.org/Math/XMLSchema/mathml3/mathml3.xsd"
NS = {"c": crossref.RESOURCES_NS, "rel": crossref.RELATIONS_NS}
DEPOSITOR = {
    "CITATION_CROSSREF_DEPOSITOR": "Replikk",
    "CITATION_CROSSREF_EMAIL": "doi@replikk.example.org",
}


# -- reading a batch back --------------------------------------------------------


def parse(path: Path) -> etree._Element:
    return etree.fromstring(path.read_bytes())


def stated(root: etree._Element) -> dict[str, list[tuple[str, str]]]:
    """DOI -> its (relationship-type, DOI) pairs, in the batch's order."""
    [body] = root.findall("c:body", NS)
    return {
        item.findtext("c:doi", namespaces=NS): [
            (r.get("relationship-type"), r.text)
            for r in item.findall(".//rel:inter_work_relation", NS)
        ]
        for item in body.findall("c:doi_relations", NS)
    }


class _LocalMathML(etree.Resolver):
    def resolve(self, url, pubid, context):
        if url == MATHML_XSD:
            return self.resolve_filename(
                str(SCHEMA / "mathml3" / "mathml3.xsd"), context
            )
        return None


@pytest.fixture(scope="module")
def crossref_schema() -> etree.XMLSchema:
    """Crossref's doi_resources 4.4.2 schema, read offline."""
    missing = [name for name in SCHEMA_FILES if not (SCHEMA / name).is_file()]
    if missing:
        pytest.skip(
            "Crossref's XSDs are not in tests/data/crossref-schema/ (Crossref"
            " publishes them without a licence that lets us copy them into"
            " this repository; its README says where to get them); missing: "
            + ", ".join(missing)
        )
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalMathML())
    return etree.XMLSchema(etree.parse(str(SCHEMA / "doi_resources4.4.2.xsd"), parser))


def assert_valid(schema: etree.XMLSchema, root: etree._Element) -> None:
    assert schema.validate(root), "\n".join(str(e) for e in schema.error_log)


# -- a small debate, with the real settings -----------------------------------------


@pytest.fixture
def debate(scenario) -> Path:
    """An article, a reply to it, and a reply to an article outside the archive
    (tests/data/citations-debate)."""
    return scenario("citations-debate")


@pytest.fixture
def deposit(debate, tmp_path):
    """Write the deposit of ``debate`` with the publish settings."""

    def _deposit(since: str | None = None, out: Path | None = None, **settings):
        out = out or tmp_path / "deposit.xml"
        # The policy (PUBLISH_REQUIRES) is tests/test_publish_policy.py's
        # subject; these articles lack Accepted dates it would ask for.
        override = {"PATH": str(debate), "PUBLISH_POLICY": "ignore", **DEPOSITOR}
        override |= settings
        return write_deposit(PUBLISH_SETTINGS, out, since, override)

    return _deposit


def add_reply(debate: Path) -> None:
    """A reply (10.5555/test.004, 2024-05-02) to "Trening også"."""
    (debate / "enda-et-svar.md").write_text(
        "Title: Enda et svar\nSlug: enda-et-svar\nAuthors: Kari Nordmann\n"
        "Date: 2024-05-02 12:00\nReply_to: trening-ogsa\nDOI: 10.5555/test.004\n\n"
        "Svar.\n",
        encoding="utf-8",
    )


def test_deposit_states_each_articles_replies_and_what_it_answers(deposit):
    written = deposit()
    root = parse(written.path)
    assert stated(root) == {
        "10.5555/test.001": [("hasReply", "10.5555/test.002")],
        "10.5555/test.002": [("isReplyTo", "10.5555/test.001")],
        "10.5555/test.003": [("isReplyTo", "10.1016/s0140-6736(18)30480-x")],
    }
    descriptions = root.xpath("//rel:description/text()", namespaces=NS)
    assert descriptions == ["Trening også", "Samtalen først", "What low back pain is"]
    assert root.findtext("c:head/c:depositor/c:depositor_name", namespaces=NS) == (
        "Replikk"
    )
    assert root.findtext("c:head/c:depositor/c:email_address", namespaces=NS) == (
        "doi@replikk.example.org"
    )
    batch_id = root.findtext("c:head/c:doi_batch_id", namespaces=NS)
    assert batch_id == written.batch_id
    # The newest article (lancet-svar, 2024-03-01 09:00 in Oslo) in UTC.
    assert batch_id.startswith("20240301080000-")
    assert (written.articles, written.relations) == (3, 3)


def test_deposit_validates_against_crossrefs_schema(deposit, crossref_schema):
    assert_valid(crossref_schema, parse(deposit().path))


def test_same_content_same_bytes_and_a_new_reply_a_new_batch(deposit, debate):
    first = deposit().path.read_bytes()
    assert deposit().path.read_bytes() == first
    add_reply(debate)
    written = deposit()
    root = parse(written.path)
    assert stated(root)["10.5555/test.002"] == [
        ("isReplyTo", "10.5555/test.001"),
        ("hasReply", "10.5555/test.004"),
    ]
    assert stated(root)["10.5555/test.004"] == [("isReplyTo", "10.5555/test.002")]
    assert written.batch_id.startswith("20240502100000-")
    assert written.batch_id not in first.decode()


@pytest.mark.parametrize(
    ("since", "dois"),
    [
        ("2024-02-20", ["10.5555/test.001", "10.5555/test.002", "10.5555/test.003"]),
        # samtalen-forst's newest change is its reply's date, 2024-02-20.
        ("2024-02-21", ["10.5555/test.003"]),
        ("2024-03-01", ["10.5555/test.003"]),
    ],
)
def test_since_keeps_the_articles_published_or_changed_on_or_after_the_day(
    deposit, since: str, dois: list[str]
):
    assert list(stated(parse(deposit(since).path))) == dois


def test_since_counts_a_correction_and_a_reply_in_the_debate(deposit, debate):
    original = debate / "samtalen-forst.md"
    text = original.read_text(encoding="utf-8")
    original.write_text(
        text.replace(
            "Date: 2024-02-06 09:00\n",
            "Date: 2024-02-06 09:00\nModified: 2024-04-02 12:00\n",
        ),
        encoding="utf-8",
    )
    assert list(stated(parse(deposit("2024-04-01").path))) == ["10.5555/test.001"]
    add_reply(debate)
    # Every article of the debate shows the new reply; the one it answers
    # gets a new hasReply.
    assert list(stated(parse(deposit("2024-05-01").path))) == [
        "10.5555/test.001",
        "10.5555/test.002",
        "10.5555/test.004",
    ]


def test_no_relations_since_the_day_writes_nothing(deposit, tmp_path):
    out = tmp_path / "deposit.xml"
    with pytest.raises(DepositError, match="nothing to deposit, nothing was written"):
        deposit("2024-03-02", out)
    assert not out.exists()


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"CITATION_CROSSREF_EMAIL": None}, ["CITATION_CROSSREF_EMAIL"]),
        ({"CITATION_CROSSREF_EMAIL": "  "}, ["CITATION_CROSSREF_EMAIL"]),
        ({"CITATION_CROSSREF_DEPOSITOR": None}, ["CITATION_CROSSREF_DEPOSITOR"]),
        (
            {"CITATION_CROSSREF_DEPOSITOR": "", "CITATION_CROSSREF_EMAIL": ""},
            ["CITATION_CROSSREF_DEPOSITOR", "CITATION_CROSSREF_EMAIL"],
        ),
    ],
)
def test_no_deposit_without_the_depositors_name_and_email(
    deposit, tmp_path, settings: dict, named: list[str]
):
    out = tmp_path / "deposit.xml"
    out.write_text("the last deposit", encoding="utf-8")
    with pytest.raises(DepositError) as refused:
        deposit(out=out, **settings)
    message = str(refused.value)
    assert all(name in message for name in named)
    assert message.endswith("nothing was written")
    assert out.read_text(encoding="utf-8") == "the last deposit"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_errors_in_the_content_are_reported_and_nothing_is_written(
    deposit, debate, tmp_path
):
    (debate / "feil.md").write_text(
        "Title: Feil\nSlug: feil\nAuthors: Kari Nordmann\nDate: 2024-05-02 12:00\n"
        "Reply_to: samtalen-forts\n\nSvar.\n",
        encoding="utf-8",
    )
    out = tmp_path / "deposit.xml"
    with pytest.raises(DepositError, match=r"1 error in the content") as refused:
        deposit(out=out)
    assert "feil.md" in str(refused.value)
    assert "did you mean 'samtalen-forst'?" in str(refused.value)
    assert not out.exists()


def test_a_bad_crossref_email_is_a_settings_error(deposit, tmp_path):
    with pytest.raises(DepositError, match=r"CITATION_CROSSREF_EMAIL.*'redaksjonen'"):
        deposit(CITATION_CROSSREF_EMAIL="redaksjonen")
    assert not (tmp_path / "deposit.xml").exists()


# -- as an editor runs it, in a copy of the project -----------------------------------


def set_depositor(project: Path) -> None:
    with (project / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        for name, value in DEPOSITOR.items():
            settings.write(f"{name} = {value!r}\n")


@pytest.fixture
def crossref_schema_or_none(request) -> etree.XMLSchema | None:
    """The schema if it is at hand; the run is worth checking without it."""
    if not all((SCHEMA / name).is_file() for name in SCHEMA_FILES):
        return None
    return request.getfixturevalue("crossref_schema")


def test_invoke_crossref_deposits_the_archives_replies_both_ways(
    project, crossref_schema_or_none
):
    set_depositor(project)
    done = invoke(project, "crossref", "--out", "deposit.xml")
    assert done.returncode == 0, done.stderr
    assert "deposit.xml" in done.stdout
    root = parse(project / "deposit.xml")
    relations = stated(root)
    assert len(relations) >= 5
    pairs = {
        (doi, kind, other) for doi, rel in relations.items() for kind, other in rel
    }
    # Each reply in the batch is stated from both ends.
    for doi, kind, other in pairs:
        if kind == "isReplyTo" and other in relations:
            assert (other, "hasReply", doi) in pairs, (doi, other)
    assert {kind for _, kind, _ in pairs} == {"isReplyTo", "hasReply"}
    batch_id = root.findtext("c:head/c:doi_batch_id", namespaces=NS)
    assert f"(batch {batch_id})" in done.stdout
    if crossref_schema_or_none is not None:
        assert_valid(crossref_schema_or_none, root)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--out", "deposit.xml"),
            "crossref: Crossref refuses a deposit without the depositor's name"
            " and e-mail address: set CITATION_CROSSREF_DEPOSITOR",
        ),
        (
            ("--out", "deposit.xml", "--since", "1.6.2024"),
            "crossref: --since must be a day written YYYY-MM-DD, such as"
            " 2024-06-01, not '1.6.2024'",
        ),
        (
            ("--out", "utdata/deposit.xml"),
            "crossref: --out 'utdata/deposit.xml': the folder 'utdata' does not exist",
        ),
        ((), "crossref: give the file to write with --out FILE"),
    ],
)
def test_invoke_crossref_refuses_with_one_message_and_writes_nothing(
    project, args: tuple[str, ...], message: str
):
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    done = invoke(project, "crossref", *args)
    assert done.returncode == 1
    assert done.stderr.startswith(message), done.stderr
    assert done.stderr.strip().endswith("nothing was written")
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    after = sorted(
        p.relative_to(project)
        for p in project.rglob("*")
        if "__pycache__" not in p.parts
    )
    assert after == [p for p in before if "__pycache__" not in p.parts]
