"""The settings every Replikk site shares: ``from pelican.plugins.replikk.defaults
import *`` at the top of a site's ``pelicanconf.py``, then what is its own.

Here is what the plugin and theme are made for: the plugin and the packaged
theme, where content lives, the archive's addresses, the Markdown the content
format is written in, and Pelican's own feeds turned off (the plugin writes
the feeds). A site overrides any of them after the import; an upgrade of
Replikk brings the new defaults to every site that has not.

Paths are relative to the folder of the site's settings file, as in Pelican.
"""

from __future__ import annotations

from pathlib import Path


def _theme() -> str:
    """The packaged theme, or in a source checkout (``pip install -e .``) the
    repository's top-level ``theme/``, which is what the package installs."""
    here = Path(__file__).resolve().parent
    packaged = here / "theme"
    return str(packaged if packaged.is_dir() else here.parents[1] / "theme")


PLUGINS = ["pelican.plugins.replikk"]
THEME = _theme()

SITEURL = ""
RELATIVE_URLS = True

PATH = "content"
OUTPUT_PATH = "output"
CACHE_PATH = "cache"

TIMEZONE = "Europe/Oslo"
DEFAULT_LANG = "nb"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"

# Articles may live anywhere under content/ except these folders.
ARTICLE_PATHS = [""]
ARTICLE_EXCLUDES = ["authors", "pages"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "Debatt"

ARTICLE_URL = "{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{slug}/index.html"
ARTICLE_LANG_URL = "{date:%Y}/{slug}/{lang}/"
ARTICLE_LANG_SAVE_AS = "{date:%Y}/{slug}/{lang}/index.html"
DRAFT_URL = "utkast/{slug}/"
DRAFT_SAVE_AS = "utkast/{slug}/index.html"
DRAFT_LANG_URL = "utkast/{slug}/{lang}/"
DRAFT_LANG_SAVE_AS = "utkast/{slug}/{lang}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_URL = "{slug}/{lang}/"
PAGE_LANG_SAVE_AS = "{slug}/{lang}/index.html"
CATEGORY_URL = "seksjon/{slug}/"
CATEGORY_SAVE_AS = "seksjon/{slug}/index.html"
CATEGORIES_SAVE_AS = "seksjon/index.html"
TAG_URL = "emne/{slug}/"
TAG_SAVE_AS = "emne/{slug}/index.html"
TAGS_SAVE_AS = "emne/index.html"
AUTHOR_URL = "forfatter/{slug}/"
AUTHOR_SAVE_AS = "forfatter/{slug}/index.html"
AUTHORS_SAVE_AS = "forfatter/index.html"
ARCHIVES_SAVE_AS = "arkiv/index.html"
YEAR_ARCHIVE_SAVE_AS = "arkiv/{date:%Y}/index.html"
YEAR_ARCHIVE_URL = "arkiv/{date:%Y}/"
MONTH_ARCHIVE_SAVE_AS = "arkiv/{date:%Y}/{date:%m}/index.html"
MONTH_ARCHIVE_URL = "arkiv/{date:%Y}/{date:%m}/"
DAY_ARCHIVE_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "archives", "tags", "categories", "authors", "404"]
DEFAULT_PAGINATION = 20
PAGINATED_TEMPLATES = {
    "index": None,
    "tag": None,
    "category": None,
    "author": None,
    "debates": None,
    "period_archives": None,
}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/side/{number}/", "{base_name}/side/{number}/index.html"),
)

# Slugs are readable ASCII: æ → ae, ø → o, å → a.
SLUG_REGEX_SUBSTITUTIONS = [
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
]

# Markdown only: reStructuredText files are not part of the content format.
READERS = {"rst": None}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {"permalink": False},
        "markdown.extensions.meta": {},
        "pelican.plugins.replikk.markdown_ext.pullquote": {},
    },
    "output_format": "html5",
}
TYPOGRIFY = False

# Pelican's own feeds stay off: the feeds part (plugins/replikk/feeds/) writes
# Atom and RSS for the archive, languages and sections, and Atom for tags,
# authors and debates (FEED_FORMATS), in preview and publish builds alike.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
FEED_ATOM = None
FEED_RSS = None
FEED_ALL_RSS = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_RSS = None
FEED_MAX_ITEMS = 50
FEED_LOCAL_SITEURL = "http://127.0.0.1:8000"

# The debate plugin (plugins/replikk/README.md lists every setting).
DEBATE_URL = "debatt/{slug}/"
DEBATE_SAVE_AS = "debatt/{slug}/index.html"
DEBATES_URL = "debatt/"
DEBATES_SAVE_AS = "debatt/index.html"
DEBATE_REFERENCE_HEADINGS = ["Referanser", "References"]

DELETE_OUTPUT_DIRECTORY = True
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
# The content cache (livereload) is written after every build: unzipped it
# takes a tenth of the time (0.02 s instead of 0.24 s at 1,000 articles).
GZIP_CACHE = False
