"""The GitHub Actions workflow `replikk init` writes into a new site works as written.

The template (plugins/replikk/skeleton/common/github/workflows/site.yml) is a
`string.Template` text; `init` renders it into the site's
`.github/workflows/site.yml`. Rendered, it must be YAML that GitHub accepts
(checked against SchemaStore's github-workflows schema, which check-jsonschema
ships, so no network), name only actions that exist, check and build every
pull request, and publish main's `output/` to GitHub Pages. The skeleton holds
no dot-names (package data skips them), and its placeholders are the ones its
README lists.
"""

from __future__ import annotations

import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML is in the dev dependencies")

ROOT = Path(__file__).resolve().parent.parent
SKELETON = ROOT / "plugins" / "replikk" / "skeleton"
TEMPLATE = SKELETON / "common" / "github" / "workflows" / "site.yml"

# Every action the workflow may use, at the major version it names. Each was
# checked on 2026-12-04 with the search tools: `fetch github:<repo>` gave the
# repository's tags, where the major tag (vN) points at the same commit as the
# newest release vN.x.y, and `git show vN:action.yml` showed its inputs and
# outputs; configure-pages's stored mirror ends at v5, so v6 was checked in the
# v6.0.0 release notes (actions/configure-pages PR #186, "upgrade to node 24",
# quoted by dependency-update pull requests) and its action.yml's outputs.
VERIFIED_ACTIONS = {
    # v7.0.1 (2026-07-17), node24.
    "actions/checkout@v7",
    # v7.0.0 (2026-07-19), node24; inputs python-version, cache.
    "actions/setup-python@v7",
    # v7.0.0 (2026-07-13), node24; inputs node-version, cache.
    "actions/setup-node@v7",
    # v6.0.0 (node24; v5 runs on the deprecated node20); output base_url.
    "actions/configure-pages@v6",
    # v5.0.0 (2026-04-08), composite over upload-artifact v7; input path.
    "actions/upload-pages-artifact@v5",
    # v5.0.0 (2026-03-24), node24; output page_url.
    "actions/deploy-pages@v5",
}

SAMPLE = {"name": 'Tidsskrift for "prøver": nr. 1 & 2'}


def _render(values: dict[str, str] | None = None) -> str:
    return string.Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        values or SAMPLE
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("site") / "site.yml"
    path.write_text(_render(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def workflow(rendered) -> dict:
    data = yaml.safe_load(rendered.read_text(encoding="utf-8"))
    # YAML 1.1 (PyYAML) reads the key `on` as True; GitHub reads it as "on".
    if True in data:
        data["on"] = data.pop(True)
    return data


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _runs(workflow: dict, when: str) -> list[str]:
    """The commands of the steps that run on the event ``when`` describes."""
    return [
        step["run"]
        for step in workflow["jobs"]["site"]["steps"]
        if "run" in step and step.get("if", when) == when
    ]


def test_template_names_only_its_placeholder_and_keeps_expressions():
    template = string.Template(TEMPLATE.read_text(encoding="utf-8"))
    assert template.is_valid()
    assert set(template.get_identifiers()) == {"name"}
    text = _render()
    assert "${{ github.event_name" in text
    assert "$${{" not in text


def test_rendered_workflow_is_yaml_with_its_triggers(workflow):
    assert workflow["name"] == "site"
    assert set(workflow["on"]) == {"pull_request", "push", "workflow_dispatch"}
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert set(workflow["jobs"]) == {"site", "deploy"}


def _schema_check(path) -> subprocess.CompletedProcess:
    """check-jsonschema with SchemaStore's github-workflows schema, on a file."""
    pytest.importorskip(
        "check_jsonschema", reason="check-jsonschema is in the dev dependencies"
    )
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_rendered_workflow_is_valid_against_the_github_workflow_schema(rendered):
    result = _schema_check(rendered)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_refuses_a_broken_workflow(tmp_path):
    """The schema check above would catch a mistake (a misspelt key)."""
    broken = tmp_path / "site.yml"
    broken.write_text(_render().replace("runs-on:", "run-on:", 1), encoding="utf-8")
    result = _schema_check(broken)
    assert result.returncode == 1, result.stdout + result.stderr


def test_workflow_uses_only_verified_actions(workflow):
    used = {step["uses"] for step in _steps(workflow) if "uses" in step}
    assert used <= VERIFIED_ACTIONS, sorted(used - VERIFIED_ACTIONS)
    # One version of each action.
    assert len({uses.split("@")[0] for uses in used}) == len(used)


def test_pull_request_is_checked_for_publishing_and_built(workflow):
    runs = _runs(workflow, "github.event_name == 'pull_request'")
    install = runs[0]
    assert "python -m venv .venv" in install
    assert ".venv/bin/python -m pip install -r requirements.txt" in install
    assert "npm ci" in install
    assert runs[1:] == [
        ".venv/bin/invoke check --for publish",
        ".venv/bin/invoke build",
    ]
    setup = {
        step["uses"].split("@")[0]: step.get("with", {})
        for step in workflow["jobs"]["site"]["steps"]
        if "uses" in step
    }
    assert setup["actions/setup-python"] == {"python-version": "3.12", "cache": "pip"}
    assert setup["actions/setup-node"]["cache"] == "npm"


def test_main_publishes_output_and_deploys_it_to_pages(workflow):
    site = workflow["jobs"]["site"]["steps"]
    on_main = [s for s in site if s.get("if") == "github.event_name != 'pull_request'"]
    assert [s.get("uses", s.get("run")) for s in on_main] == [
        "actions/configure-pages@v6",
        ".venv/bin/invoke publish",
        "actions/upload-pages-artifact@v5",
    ]
    configure, publish, upload = on_main
    # The site's address: the repository's variable, else where Pages serves it.
    assert (
        f"steps.{configure['id']}.outputs.base_url"
        in (publish["env"]["REPLIKK_SITEURL"])
    )
    assert upload["with"]["path"].rstrip("/") == "output"

    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "site"
    assert "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    (step,) = deploy["steps"]
    assert step["uses"] == "actions/deploy-pages@v5"
    assert deploy["environment"]["url"] == (
        f"${{{{ steps.{step['id']}.outputs.page_url }}}}"
    )


def test_runs_on_main_share_one_pages_group_and_are_never_cut_off(workflow):
    group = workflow["concurrency"]["group"]
    assert "'pages'" in group
    cancel = workflow["concurrency"]["cancel-in-progress"]
    # Only a pull request's older run is cancelled.
    assert cancel == "${{ github.event_name == 'pull_request' }}"
    assert workflow["permissions"] == {"contents": "read"}


def test_skeleton_holds_no_dot_names():
    """Package data globbing skips dot-files and dot-folders: `init` writes
    github/ as .github/."""
    dotted = [
        str(path.relative_to(SKELETON))
        for path in SKELETON.rglob("*")
        if any(part.startswith(".") for part in path.relative_to(SKELETON).parts)
    ]
    assert dotted == []


def test_skeleton_placeholders_are_the_ones_its_readme_lists():
    readme = (SKELETON / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `\$(\w+)` \|", readme, re.MULTILINE))
    used: set[str] = set()
    for path in SKELETON.rglob("*"):
        if path.is_file() and path.name != "README.md":
            template = string.Template(path.read_text(encoding="utf-8"))
            assert template.is_valid(), path
            used |= set(template.get_identifiers())
    assert used == listed
