"""Plain Pelican, the benchmark's baseline: no plugins, the built-in ``simple``
theme, Pelican's default settings otherwise (typogrify off; ``run.py`` turns
it on for the second configuration). PATH and OUTPUT_PATH are set by run.py.
"""

SITENAME = "Replikk (plain Pelican)"
SITEURL = ""
TIMEZONE = "Europe/Oslo"
DEFAULT_LANG = "nb"
THEME = "simple"
PLUGINS = []
# The author profiles are not articles; plain Pelican would skip them anyway
# (no Title), but only after reading them.
ARTICLE_EXCLUDES = ["authors", "pages"]
TYPOGRIFY = False
