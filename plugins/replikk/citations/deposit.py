"""``invoke crossref``: the archive's debate relations as one Crossref deposit.

Reads and checks all content the way ``invoke check`` does, then writes one
resource-only deposit batch (:mod:`.crossref`) holding the relations of every
published article that has a DOI and answers, or is answered by, something
with a DOI; with ``since``, only of those published or changed (their own
dates, or a contribution to their debate: :func:`.glue.lastmod`) on or after
that day. The file is written whole or not at all (a temporary file beside it,
renamed), and never without the depositor's name and e-mail address, which
Crossref's schema requires.

A user's mistake (a missing setting, a malformed date, a folder that does not
exist, errors in the content) is a :class:`DepositError` with one message;
nothing is written then.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, date
from itertools import chain
from pathlib import Path

from ..build import check, settings_for
from ..problems import Problems
from . import cite, crossref
from .glue import doi_of, lastmod, plain
from .settings import resolve

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SETTINGS = {
    "CITATION_CROSSREF_DEPOSITOR": "the depositor's name, as registered with Crossref",
    "CITATION_CROSSREF_EMAIL": "the address Crossref mails the deposit's result to",
}


class DepositError(Exception):
    """A user's mistake: one message saying what to do; nothing was written."""


@dataclass(frozen=True)
class Written:
    """What :func:`write_deposit` wrote."""

    path: Path
    batch_id: str
    articles: int
    relations: int
    problems: Problems  # the content's warnings (there were no errors)


def parse_since(text: str | None) -> date | None:
    """``--since``: a day written YYYY-MM-DD, or None for no limit."""
    if text is None or text == "":
        return None
    if _DAY.fullmatch(text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            pass
    raise DepositError(
        f"--since must be a day written YYYY-MM-DD, such as 2024-06-01,"
        f" not {text!r}; nothing was written"
    )


def out_path(text: str | os.PathLike | None) -> Path:
    """``--out``: a file in a folder that exists."""
    if text is None or str(text).strip() == "":
        raise DepositError(
            "give the file to write with --out FILE,"
            " e.g. --out crossref-deposit.xml; nothing was written"
        )
    path = Path(text)
    if path.is_dir():
        raise DepositError(
            f"--out {str(text)!r} is a folder: give a file name in it,"
            f" e.g. {str(path / 'crossref-deposit.xml')!r}; nothing was written"
        )
    folder = path.parent
    if not folder.is_dir():
        raise DepositError(
            f"--out {str(text)!r}: the folder {str(folder)!r} does not exist;"
            " nothing was written"
        )
    return path


def depositor_of(settings: dict, settings_file: str | os.PathLike) -> tuple[str, str]:
    """The depositor's name and e-mail address, or what to set to give them."""
    values = resolve(settings)
    missing = [
        name
        for name in _SETTINGS
        if not (isinstance(values[name], str) and values[name].strip())
    ]
    if missing:
        wanted = " and ".join(f"{name} ({_SETTINGS[name]})" for name in missing)
        raise DepositError(
            f"Crossref refuses a deposit without the depositor's name and"
            f" e-mail address: set {wanted} in the settings"
            f" ({Path(settings_file).name} or the pelicanconf.py it reads);"
            " nothing was written"
        )
    name = values["CITATION_CROSSREF_DEPOSITOR"]
    email = values["CITATION_CROSSREF_EMAIL"]
    return name.strip(), email.strip()


def relations_of(article) -> list[crossref.Relation]:
    """``isReplyTo`` each answered work with a DOI, ``hasReply`` each reply
    with one (in ``Reply_to`` order, then oldest reply first)."""
    relations = []
    for node in getattr(article, "in_reply_to", []):
        doi = node.doi if node.external else doi_of(node.article)
        if doi:
            title = plain(node.label if node.external else node.article.title)
            relations.append(crossref.Relation(crossref.IS_REPLY_TO, doi, title))
    for reply in getattr(article, "replies", []):
        doi = doi_of(reply)
        if doi:
            relations.append(
                crossref.Relation(crossref.HAS_REPLY, doi, plain(reply.title))
            )
    return relations


def deposits_of(
    context: dict, since: date | None = None
) -> tuple[list[crossref.Deposit], str | None]:
    """Every published article's :class:`.crossref.Deposit`, oldest first,
    and the batch stamp: when the newest of them last changed (UTC,
    ``YYYYMMDDhhmmss``), so the same content gives the same stamp."""
    articles = context.get("articles", [])
    translations = [t for a in articles for t in getattr(a, "translations", [])]
    found = []
    seen: set[str] = set()
    for article in chain(articles, translations):
        doi = doi_of(article)
        if not doi or doi.lower() in seen:
            continue
        relations = relations_of(article)
        changed = lastmod(article)
        if not relations or (since is not None and changed.date() < since):
            continue
        seen.add(doi.lower())
        found.append((article.date, doi, changed, relations))
    found.sort(key=lambda item: (item[0], item[1]))
    deposits = [crossref.Deposit(doi, tuple(rel)) for _, doi, _, rel in found]
    if not found:
        return deposits, None
    newest = max(changed for _, _, changed, _ in found)
    return deposits, cite.formatted(newest.astimezone(UTC), "%Y%m%d%H%M%S")


def write_atomically(path: Path, text: str) -> None:
    """Write the whole file or none: a temporary file beside it, renamed."""
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}-", suffix=".tmp"
        )
    except OSError as exc:
        raise DepositError(
            f"cannot write in {str(path.parent)!r}: {exc.strerror}; nothing was written"
        ) from exc
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)  # mkstemp's file is private; a deposit is not
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise DepositError(
            f"cannot write {str(path)!r}: {exc.strerror}; nothing was written"
        ) from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_deposit(
    settings_file: str | os.PathLike,
    out: str | os.PathLike | None,
    since: str | None = None,
    override: dict | None = None,
) -> Written:
    """Check the content, then write its relations as one deposit batch.

    Raises :class:`DepositError` (nothing written) for a malformed ``since``,
    an ``out`` in a folder that does not exist, a missing depositor's name or
    e-mail, errors in the content, or no relations to deposit.
    """
    day = parse_since(since)
    path = out_path(out)
    depositor, email = depositor_of(
        settings_for(settings_file, override), settings_file
    )
    result = check(settings_file, override)
    problems = result.problems
    if problems.errors:
        count = len(problems.errors)
        raise DepositError(
            f"{count} {'error' if count == 1 else 'errors'} in the content"
            f" (as `invoke check` reports them); nothing was written:\n"
            + problems.report(Path(settings_file).resolve().parent)
        )
    deposits, stamp = deposits_of(result.context or {}, day)
    if not deposits:
        since_text = f" published or changed on or after {day}" if day else ""
        raise DepositError(
            f"no article with a DOI{since_text} answers, or is answered by,"
            " a work with a DOI: nothing to deposit, nothing was written"
        )
    made = crossref.batch(deposits, depositor=depositor, email=email, stamp=stamp)
    write_atomically(path, made.xml)
    return Written(
        path=path,
        batch_id=made.batch_id,
        articles=len(deposits),
        relations=sum(len(d.relations) for d in deposits),
        problems=problems,
    )
