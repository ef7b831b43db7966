"""A cache key made from a function is the same for the same code, in any
process and whatever else holds its constants (``fingerprint._code_text``)."""

from __future__ import annotations

import os
import subprocess
import sys

from pelican.plugins.replikk import fingerprint

SOURCE = (
    "def chosen(word):\n"
    "    return word in {'alpha', 'beta', 'gamma', 'delta'} and 'its-own-constant'\n"
)


def _function():
    scope: dict = {}
    exec(SOURCE, scope)  # a fresh function object, with constants of its own
    return scope["chosen"]


def test_holding_a_constant_does_not_change_the_key() -> None:
    chosen = _function()
    before = fingerprint._text_of(chosen)
    held = list(chosen.__code__.co_consts)  # marshal would now mark them shared
    assert fingerprint._text_of(chosen) == before
    assert held


def test_the_key_is_the_same_in_every_process() -> None:
    program = (
        "from pelican.plugins.replikk import fingerprint\n"
        f"scope = {{}}\nexec({SOURCE!r}, scope)\n"
        "print(fingerprint.settings_digest({'F': scope['chosen']}))\n"
    )
    keys = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", program],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        keys.add(done.stdout.strip())
    assert len(keys) == 1


def test_different_code_gives_a_different_key() -> None:
    chosen = _function()
    scope: dict = {}
    exec(SOURCE.replace("'delta'", "'epsilon'"), scope)
    assert fingerprint._text_of(chosen) != fingerprint._text_of(scope["chosen"])
