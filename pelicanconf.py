"""Settings for a local preview build: ``invoke build`` writes ``output/``.

What every Replikk site shares comes from the package
(``pelican.plugins.replikk.defaults``); below is what is this archive's own.
Production overrides live in publishconf.py. Paths are relative to this file.
"""

from pelican.plugins.replikk.defaults import *  # noqa: F403

AUTHOR = "Replikk"
SITENAME = "Replikk"
SITESUBTITLE = "Debattarkiv"
# This repository's own site uses its theme/ (the package installs it as its
# theme; a site made by `replikk init` takes it from there).
THEME = "theme"

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

# Our feeds (plugins/replikk/feeds/README.md lists every setting).
# Entry ids are tag:FEED_ID_DOMAIN,<date>:<slug> (or the DOI): never change it.
FEED_ID_DOMAIN = "replikk.example.org"
FEED_ID_SINCE = "2024-01-01"

# `invoke import-jats` files an imported article in the section its JATS
# <subj-group> or article-type maps to (docs/importing.md has the default):
# JATS_SECTIONS = {"letter": "Debatt", "editorial": "Leder"}

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

# The journal, for citations and metadata.
JOURNAL_TITLE = "Replikk"
JOURNAL_ABBREVIATION = "Replikk"

# Citations and metadata (plugins/replikk/README.md lists every CITATION_* setting).
JOURNAL_ISSN = None  # e.g. "0029-2001": shown in citations once the journal has one
JOURNAL_FIRST_YEAR = 2024  # the year of volume 1: 2024 is volume 1, 2025 volume 2
# The footer (theme/templates/partials/footer.html) says how to reach the
# editors; each is shown only when set. CONTACT_URL is site-relative ("om/")
# or absolute. The footer's ISSN is JOURNAL_ISSN (above), once there is one.
CONTACT_EMAIL = "redaksjonen@replikk.example.org"
CONTACT_URL = "om/"
