""" "Reply to this article" in the browser: the git host's own new-file editor,
with the reply ``invoke new --reply-to`` would write already in it.

With ``REPOSITORY_URL`` set, every published article (and translation) gets
``article.reply_scaffold``: the :class:`~.scaffold.Scaffold` of a reply to it
(made by the same :func:`~.scaffold.reply_scaffold` as ``invoke new``) and
``.url``, the host's "new file" page for it. It is made anew in every build,
after the citations part has given the answered article its Vancouver text,
and only when a template asks for it; it is never kept in the reading cache.

Each host's new-file page takes the file's folder in its path and the name and
text as query parameters:

- GitHub: ``/OWNER/REPO/new/BRANCH/FOLDER?filename=NAME&value=TEXT``
- GitLab: ``/GROUP/PROJECT/-/new/BRANCH/FOLDER?file_name=NAME&content=TEXT``
- Forgejo and Gitea: ``/OWNER/REPO/_new/BRANCH/FOLDER?filename=NAME&value=TEXT``
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from urllib.parse import quote, urlsplit

from pelican import signals
from pelican.generators import ArticlesGenerator

from .problems import problems_of
from .scaffold import Answered, Scaffold, ScaffoldError, reply_scaffold

# Where each kind of host keeps its new-file page, and its query's names.
HOSTS = {
    "github": ("new", "filename", "value"),
    "gitlab": ("-/new", "file_name", "content"),
    "forgejo": ("_new", "filename", "value"),
}
HOST_ALIASES = {"gitea": "forgejo"}
# Hosts known by name; any other needs REPOSITORY_HOST.
KNOWN_HOSTS = {
    "github.com": "github",
    "gitlab.com": "gitlab",
    "codeberg.org": "forgejo",
}


class RepositoryError(ValueError):
    """A REPOSITORY_* setting that cannot make a link."""

    def __init__(self, name: str, value: object, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name, self.value, self.reason = name, value, reason


@dataclass(frozen=True)
class Repository:
    """Where the archive's content lives, as ``REPOSITORY_*`` says."""

    url: str  # https://host/owner/repo, no trailing slash or .git
    host: str  # github | gitlab | forgejo
    branch: str = "main"
    content: str = "content"  # the content folder, from the repository's root

    def new_file_url(self, path: str, text: str) -> str:
        """The host's new-file page for ``path`` (in the content folder)
        holding ``text``."""
        page, name_key, text_key = HOSTS[self.host]
        folder, name = posixpath.split(posixpath.join(self.content, path))
        where = "/".join(
            quote(part, safe="") for part in (self.branch, *folder.split("/")) if part
        )
        query = f"{name_key}={quote(name, safe='')}&{text_key}={quote(text, safe='')}"
        return f"{self.url}/{page}/{where}?{query}"


def repository_of(settings: dict) -> Repository | None:
    """The ``REPOSITORY_*`` settings, or None without ``REPOSITORY_URL``;
    raise RepositoryError for a value that cannot make a link."""
    url = settings.get("REPOSITORY_URL")
    if not url:
        return None
    parts = urlsplit(str(url))
    path = parts.path.strip("/").removesuffix(".git")
    if parts.scheme not in {"http", "https"} or not parts.netloc or "/" not in path:
        raise RepositoryError(
            "REPOSITORY_URL",
            url,
            "not the address of a repository (https://host/owner/name)",
        )
    host = settings.get("REPOSITORY_HOST") or _host_by_name(parts.hostname or "")
    host = HOST_ALIASES.get(str(host).lower(), str(host).lower()) if host else None
    if host not in HOSTS:
        raise RepositoryError(
            "REPOSITORY_HOST",
            settings.get("REPOSITORY_HOST"),
            f"say which kind of host {parts.hostname} is: github, gitlab or forgejo",
        )
    branch = str(settings.get("REPOSITORY_BRANCH") or "main")
    content = str(settings.get("REPOSITORY_CONTENT_PATH", "content")).strip("/")
    return Repository(f"{parts.scheme}://{parts.netloc}/{path}", host, branch, content)


def _host_by_name(hostname: str) -> str | None:
    if hostname in KNOWN_HOSTS:
        return KNOWN_HOSTS[hostname]
    for kind in ("github", "gitlab", "forgejo", "gitea"):
        if kind in hostname.split("."):
            return kind
    return None


class ReplyScaffold:
    """A reply to one article and the host's page that opens it: made when a
    template first asks."""

    def __init__(self, article, settings: dict, graph, repository: Repository) -> None:
        self._article, self._settings = article, settings
        self._graph, self._repository = graph, repository

    @cached_property
    def scaffold(self) -> Scaffold | None:
        node = self._graph.nodes.get(self._article.slug)
        if node is None:
            return None
        # A translation's readers answer in its language (``--lang`` of its
        # own); the original's page writes what ``invoke new`` writes.
        original = node.article
        lang = self._article.lang if self._article is not original else None
        try:
            return reply_scaffold(
                Answered(node.key, node), self._settings, self._graph, lang=lang
            )
        except ScaffoldError:
            return None  # a language with no placeholders: no prefilled file

    @property
    def path(self) -> str | None:
        return self.scaffold.path if self.scaffold else None

    @property
    def text(self) -> str | None:
        return self.scaffold.text if self.scaffold else None

    @cached_property
    def url(self) -> str | None:
        made = self.scaffold
        return self._repository.new_file_url(made.path, made.text) if made else None


def finalize(generators) -> None:
    """Once per build, after the citations part (``all_generators_finalized``)."""
    articles = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    if articles is None:
        return
    try:
        repository = repository_of(articles.settings)
    except RepositoryError as exc:
        problems_of(articles.context).error(
            "(settings)", exc.reason, field=exc.name, value=repr(exc.value)
        )
        return
    graph = articles.context.get("debate_graph")
    everything = chain(
        articles.articles,
        articles.translations,
        articles.drafts,
        articles.drafts_translations,
        articles.hidden_articles,
        articles.hidden_translations,
    )
    published = {id(a) for a in chain(articles.articles, articles.translations)}
    for article in everything:
        article.reply_scaffold = (
            ReplyScaffold(article, articles.settings, graph, repository)
            if repository is not None and graph is not None and id(article) in published
            else None
        )


def register() -> None:
    signals.all_generators_finalized.connect(finalize)
