"""Settings for a local preview build: ``invoke build`` writes ``output/``.

Production overrides live in publishconf.py. Paths are relative to this file.
"""

AUTHOR = "Replikk"
SITENAME = "Replikk"
SITESUBTITLE = "Debattarkiv"
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"
OUTPUT_PATH = "output"
CACHE_PATH = "cache"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["replikk"]

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
# Sections are named in the default language; pages in another language name
# them from here (a section missing here keeps its own name).
CATEGORY_NAMES = {
    "nn": {"Leder": "Leiar"},
    "en": {
        "Debatt": "Debate",
        "Kronikk": "Feature",
        "Kommentar": "Commentary",
        "Leder": "Editorial",
    },
}
# The page that tells readers how to answer an article (by its Slug): every
# article's "Reply to this article" leads there, in the page's language if the
# page has a translation.
SUBMIT_PAGE = "send-inn-et-svar"
# Where the archive's files live (plugins/replikk/README.md, "Reply in the
# browser"): set, every article's "Reply to this article" opens the host's
# new-file editor with the reply `invoke new --reply-to` would write. This
# sample has no public repository, so the link leads to SUBMIT_PAGE.
# REPOSITORY_URL = "https://github.com/owner/replikk"  # GitLab, Forgejo, Gitea too
# REPOSITORY_HOST = "forgejo"  # github | gitlab | forgejo, for a host of its own
# REPOSITORY_BRANCH = "main"
# REPOSITORY_CONTENT_PATH = "content"  # this folder, from the repository's root
# Replies are drafts in this section and folder, whatever the date:
# REPLY_CATEGORY = "Debatt"  # default: DEFAULT_CATEGORY
# NEW_REPLY_PATH = "artikler/innsendt"

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
        "replikk.markdown_ext.pullquote": {},
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

# Our feeds (plugins/replikk/feeds/README.md lists every setting).
# Entry ids are tag:FEED_ID_DOMAIN,<date>:<slug> (or the DOI): never change it.
FEED_ID_DOMAIN = "replikk.example.org"
FEED_ID_SINCE = "2024-01-01"
FEED_MAX_ITEMS = 50
FEED_LOCAL_SITEURL = "http://127.0.0.1:8000"

# The debate plugin (plugins/replikk/README.md lists every setting).
DEBATE_URL = "debatt/{slug}/"
DEBATE_SAVE_AS = "debatt/{slug}/index.html"
DEBATES_URL = "debatt/"
DEBATES_SAVE_AS = "debatt/index.html"
DEBATE_REFERENCE_HEADINGS = ["Referanser", "References"]

# The publish policy (plugins/replikk/README.md, "Publish policy"): what every
# published article must have. Ours: the DOI that "Om Replikk" promises for
# every article (a translation uses its original's), the day the editors
# accepted it, the standfirst and the competing-interests statement that
# docs/authoring.md requires, and a profile for every author. A preview
# ignores it (an author previews before the editors add the DOI);
# publishconf.py enforces it, and `invoke check --for publish` checks as it does.
PUBLISH_REQUIRES = [
    "DOI",
    "Accepted",
    "Summary",
    "Competing_interests",
    "author_profile",
]

# The journal, for citations and metadata.
JOURNAL_TITLE = "Replikk"
JOURNAL_ABBREVIATION = "Replikk"

DELETE_OUTPUT_DIRECTORY = True
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
# The content cache (livereload) is written after every build: unzipped it
# takes a tenth of the time (0.02 s instead of 0.24 s at 1,000 articles).
GZIP_CACHE = False
# Citations and metadata (plugins/replikk/README.md lists every CITATION_* setting).
JOURNAL_ISSN = None  # e.g. "0029-2001": shown in citations once the journal has one
JOURNAL_FIRST_YEAR = 2024  # the year of volume 1: 2024 is volume 1, 2025 volume 2
# The footer (theme/templates/partials/footer.html) says how to reach the
# editors; each is shown only when set. CONTACT_URL is site-relative ("om/")
# or absolute. The footer's ISSN is JOURNAL_ISSN (above), once there is one.
CONTACT_EMAIL = "redaksjonen@replikk.example.org"
CONTACT_URL = "om/"
