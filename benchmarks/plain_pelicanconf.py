"""Plain Pelican, the benchmark's baseline: no plugins, Pelican's default theme
(``notmyidea``), every kind of feed on, Pelican's default settings otherwise
(typogrify off). PATH and OUTPUT_PATH are set by run.py.
"""

SITENAME = "Replikk (plain Pelican)"
SITEURL = "https://replikk.example.org"
TIMEZONE = "Europe/Oslo"
DEFAULT_LANG = "nb"
PLUGINS = []
# The author profiles are not articles; plain Pelican would skip them anyway
# (no Title), but only after reading them.
ARTICLE_EXCLUDES = ["authors", "pages"]
TYPOGRIFY = False

# Every kind of feed Pelican writes, Atom and RSS.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
TAG_FEED_ATOM = "feeds/tag-{slug}.atom.xml"
TAG_FEED_RSS = "feeds/tag-{slug}.rss.xml"
AUTHOR_FEED_ATOM = "feeds/author-{slug}.atom.xml"
AUTHOR_FEED_RSS = "feeds/author-{slug}.rss.xml"
TRANSLATION_FEED_ATOM = "feeds/all-{lang}.atom.xml"
TRANSLATION_FEED_RSS = "feeds/all-{lang}.rss.xml"
