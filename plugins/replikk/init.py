"""``replikk init PATH``: a new journal's site, ready to build.

It writes the settings (importing Replikk's shared ones, so an upgrade reaches
the site), ``tasks.py`` (Replikk's tasks, from the package), the content
skeleton in the chosen language (``skeleton/<lang>/``: the pages a journal
needs, one example article and one example reply, their authors), the GitHub
Actions workflow (``skeleton/common/``), ``requirements.txt`` pinning this
version of Replikk, and the ``package.json``/``package-lock.json`` that pin
Pagefind. All of it is written into a new folder beside PATH and moved into
place at the end: a failed init leaves nothing.
"""

from __future__ import annotations

import datetime
import json
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
SKELETON = HERE / "skeleton"
NPM = HERE / "npm"
LANGS = ("nb", "nn", "en")


class InitError(Exception):
    """Why ``init`` wrote nothing."""


@dataclass(frozen=True)
class Language:
    """What differs between a site in one language and another."""

    about: str
    policy: str
    submit: str
    section: str
    articles: str  # the folder articles are written in
    submitted: str  # where replies are scaffolded (NEW_REPLY_PATH)
    subtitle: str


LANGUAGES = {
    "nb": Language(
        "om",
        "redaksjonell-policy",
        "send-inn-et-svar",
        "Debatt",
        "artikler",
        "artikler/innsendt",
        "Debattarkiv",
    ),
    "nn": Language(
        "om",
        "redaksjonell-policy",
        "send-inn-eit-svar",
        "Debatt",
        "artiklar",
        "artiklar/innsendt",
        "Debattarkiv",
    ),
    "en": Language(
        "about",
        "editorial-policy",
        "submit-a-reply",
        "Debate",
        "articles",
        "articles/submitted",
        "Debate archive",
    ),
}

PELICANCONF = '''\
"""Settings for a local preview build: ``invoke build`` writes ``output/``.

What every Replikk site shares comes from the package; below is what is this
journal's own (Replikk's plugin README lists every setting). Production
overrides live in publishconf.py.
"""

from pathlib import Path

from pelican.plugins.replikk.defaults import *  # noqa: F403

SITENAME = {name!r}
SITESUBTITLE = {subtitle!r}
AUTHOR = {name!r}
DEFAULT_LANG = {lang!r}
DEFAULT_CATEGORY = {section!r}

# Templates of the site's own: a file in templates/ with the name of one of
# the theme's (e.g. templates/partials/footer.html) is used instead of it.
THEME_TEMPLATES_OVERRIDES = [str(Path(__file__).resolve().parent / "templates")]

# The page that tells readers how to answer an article (its slug).
SUBMIT_PAGE = {submit!r}
# Replies scaffolded by `invoke new --reply-to` are drafts in this folder.
NEW_REPLY_PATH = {submitted!r}
# Where the site's files live: set, "Reply to this article" opens the git
# host's new-file editor with the reply prefilled (GitHub, GitLab, Forgejo).
# REPOSITORY_URL = "https://github.com/OWNER/REPOSITORY"

# Feed entry ids are tag:FEED_ID_DOMAIN,<date>:<slug>: never change them once
# the site is published.
FEED_ID_DOMAIN = {domain!r}
FEED_ID_SINCE = {since!r}

# What every published article must have (`invoke publish` and
# `invoke check --for publish` apply it). Add "DOI" once the journal
# deposits with Crossref.
PUBLISH_REQUIRES = ["Accepted", "Summary", "Competing_interests", "author_profile"]

# The journal, for citations and metadata.
JOURNAL_TITLE = {name!r}
JOURNAL_ABBREVIATION = {name!r}
JOURNAL_ISSN = None  # e.g. "1234-5678", once the journal has one
JOURNAL_FIRST_YEAR = {year!r}
CONTACT_EMAIL = None  # e.g. "editors@example.org"
CONTACT_URL = {contact!r}
'''

PUBLISHCONF = '''\
"""Production settings: ``invoke publish``. Only overrides of pelicanconf.py."""

import os
import sys

sys.path.append(os.path.dirname(__file__))
from pelicanconf import *  # noqa: E402, F403

SITEURL = os.environ.get("REPLIKK_SITEURL", {siteurl!r})
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL

# Drafts are previewed locally only: a published site holds no draft at all.
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""

# The publish policy (PUBLISH_REQUIRES, in pelicanconf.py) is enforced: an
# article missing what it names is not published, and the build stops.
PUBLISH_POLICY = "error"
'''

TASKS = '''\
"""Replikk's tasks for this site (`invoke --list`), from the package: an
upgrade of Replikk brings them here."""

from pathlib import Path

from pelican.plugins.replikk.tasks import collection

ns = collection(Path(__file__).resolve().parent)
'''

GITIGNORE = """\
output/
cache/
.venv/
node_modules/
__pycache__/
.output-*/
.pagefind-*/
"""

TEMPLATES_README = """\
# The site's own templates

A file here is used instead of the theme's file of the same name, e.g.
`partials/footer.html` or `article.html` (Pelican's
`THEME_TEMPLATES_OVERRIDES`, set in pelicanconf.py). Copy the one file you
change from Replikk's theme (`replikk theme-path` prints where it is), not
the whole theme: the rest stays Replikk's and is upgraded with it.
"""

README = """\
# $name

A debate archive built with [Replikk](https://pypi.org/project/replikk/).

    python3 -m venv .venv
    .venv/bin/pip install -r requirements.txt
    .venv/bin/invoke build

writes the site to `output/`; `.venv/bin/invoke serve` shows it at
http://127.0.0.1:8000/. `.venv/bin/invoke --list` lists every task:
`new --reply-to SLUG` scaffolds a reply, `check` checks all content,
`publish` builds for the web. `.github/workflows/site.yml` checks pull
requests and publishes `main` to GitHub Pages.
"""


def version() -> str:
    try:
        return metadata.version("replikk")
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed
        return "0.1.0"


def requirement() -> tuple[str, str]:
    """How the new site's ``requirements.txt`` names this Replikk, and a
    comment: the version from an index, or where it was installed from
    (PEP 610's ``direct_url.json``: a git commit, an archive, a folder)."""
    try:
        dist = metadata.distribution("replikk")
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed
        return f"replikk=={version()}", ""
    direct = dist.read_text("direct_url.json")
    if not direct:
        return f"replikk=={dist.version}", ""
    origin = json.loads(direct)
    url = origin["url"]
    vcs = origin.get("vcs_info")
    if vcs:
        return f"replikk @ {vcs['vcs']}+{url}@{vcs['commit_id']}", ""
    note = ""
    if url.startswith("file:"):
        note = (
            "# Replikk came from a folder on this machine: elsewhere (the site's\n"
            f"# workflow too) use replikk=={dist.version} from PyPI or a git URL.\n"
        )
    return f"replikk @ {url}", note


def _dates(today: datetime.date) -> dict[str, str]:
    days = datetime.timedelta
    return {
        "received_date": (today - days(14)).isoformat(),
        "accepted_date": (today - days(7)).isoformat(),
        "article_date": (today - days(1)).isoformat(),
        "reply_date": today.isoformat(),
        "article_year": str((today - days(1)).year),
    }


def _files(lang: str, name: str, siteurl: str, today: datetime.date):
    """(relative path, text) of every file the site starts with."""
    language = LANGUAGES[lang]
    domain = urlsplit(siteurl).hostname or "example.org"
    fields = {
        "name": name,
        "subtitle": language.subtitle,
        "lang": lang,
        "section": language.section,
        "submit": language.submit,
        "submitted": language.submitted,
        "domain": domain,
        "since": today.isoformat(),
        "year": today.year,
        "contact": f"{language.about}/",
        "siteurl": siteurl or "https://example.org",
    }
    yield "pelicanconf.py", PELICANCONF.format(**fields)
    yield "publishconf.py", PUBLISHCONF.format(**fields)
    yield "tasks.py", TASKS
    pinned, note = requirement()
    yield (
        "requirements.txt",
        (
            "# Replikk, as this site was made with it: it brings Pelican, the plugin,\n"
            "# the theme and the tasks. Upgrade by changing the pin.\n"
            f"{note}{pinned}\n"
        ),
    )
    yield ".gitignore", GITIGNORE
    yield "templates/README.md", TEMPLATES_README
    substitutions = {"name": name, "siteurl": siteurl, **_dates(today)}
    yield "README.md", Template(README).substitute(substitutions)
    yield from _skeleton(SKELETON / lang, substitutions)
    # Package data holds no dot-folders: skeleton/common/github/ is .github/.
    for relative, text in _skeleton(SKELETON / "common", substitutions):
        yield relative.replace("github/", ".github/", 1), text
    for file in ("package.json", "package-lock.json"):
        yield file, (NPM / file).read_text(encoding="utf-8")


def _skeleton(folder: Path, substitutions: dict):
    """(relative path, text) of each file under ``folder``, filled in."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            text = Template(path.read_text(encoding="utf-8")).substitute(substitutions)
            yield path.relative_to(folder).as_posix(), text


def init(
    target: Path,
    lang: str = "nb",
    name: str = "",
    siteurl: str = "",
    today: datetime.date | None = None,
) -> list[Path]:
    """Write a new site at ``target`` (which must not exist, or be empty);
    the paths written, relative to it."""
    if lang not in LANGUAGES:
        raise InitError(f"--lang {lang!r}: one of {', '.join(LANGS)}")
    if siteurl and urlsplit(siteurl).scheme not in ("http", "https"):
        raise InitError(
            f"--siteurl {siteurl!r}: an absolute http(s) address,"
            " e.g. https://debatt.example.org"
        )
    target = Path(target).absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InitError(f"{target} exists and is not empty: nothing was written")
    name = name.strip() or target.name
    files = list(
        _files(lang, name, siteurl.rstrip("/"), today or datetime.date.today())
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for relative, text in files:
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        (staging / "content" / "images").mkdir(exist_ok=True)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [Path(relative) for relative, _ in files]
