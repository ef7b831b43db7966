"""Production settings: ``invoke publish``. Only overrides of pelicanconf.py."""

import os
import sys

sys.path.append(os.path.dirname(__file__))
from pelicanconf import *

SITEURL = os.environ.get("REPLIKK_SITEURL", "https://replikk.example.org")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL

DELETE_OUTPUT_DIRECTORY = True

# Drafts are previewed locally only: a published site holds no draft at all.
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""

# The publish policy (PUBLISH_REQUIRES, in pelicanconf.py) is enforced: an
# article missing what it names is not published, and the build stops.
PUBLISH_POLICY = "error"
