"""Debian's Chromium as every browser check here starts it: the tests'
browser (tests/conftest.py), the screenshots and Lighthouse.

Without the background-networking flags Chromium keeps trying to reach
Google's hosts, which this closed network refuses; the sandbox needs a user
namespace that a CI container running as root does not have."""

from __future__ import annotations

DEFAULT = "/usr/bin/chromium"
ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
