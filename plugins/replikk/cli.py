"""The ``replikk`` command: ``replikk init PATH`` starts a journal's site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import init as site_init


def _init(arguments: argparse.Namespace) -> int:
    try:
        written = site_init.init(
            Path(arguments.path),
            lang=arguments.lang,
            name=arguments.name,
            siteurl=arguments.siteurl,
        )
    except site_init.InitError as exc:
        print(f"replikk init: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote a new site of {len(written)} files to {arguments.path}. Build it:")
    print(
        f"  cd {arguments.path} && python3 -m venv .venv"
        " && .venv/bin/pip install -r requirements.txt && .venv/bin/invoke build"
    )
    return 0


def _versions(arguments: argparse.Namespace) -> int:
    from . import versions  # noqa: PLC0415 -- imports Pelican

    found = versions.rows()
    print(versions.table(found))
    return 1 if versions.problems(found) else 0


def _theme_path(arguments: argparse.Namespace) -> int:
    from .defaults import THEME  # noqa: PLC0415

    print(THEME)
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="replikk",
        description="Replikk: a static site generator for debate-article archives.",
    )
    main.add_argument("--version", action="version", version=site_init.version())
    commands = main.add_subparsers(dest="command", required=True)
    start = commands.add_parser(
        "init", help="write a new journal's site, ready to build, at PATH"
    )
    start.add_argument("path", metavar="PATH", help="a new or empty folder")
    start.add_argument(
        "--lang",
        choices=site_init.LANGS,
        default="nb",
        help="the site's language: pages, examples and interface (default nb)",
    )
    start.add_argument(
        "--name", default="", help="the journal's name (default: PATH's folder name)"
    )
    start.add_argument(
        "--siteurl",
        default="",
        help="where the site will be published, e.g. https://debatt.example.org",
    )
    start.set_defaults(run=_init)
    commands.add_parser(
        "versions",
        help="the versions of Pelican, Markdown, feedgen and Pagefind: installed"
        " and supported",
    ).set_defaults(run=_versions)
    commands.add_parser(
        "theme-path", help="where Replikk's theme is (to copy one template from)"
    ).set_defaults(run=_theme_path)
    return main


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    return arguments.run(arguments)


if __name__ == "__main__":
    sys.exit(main())
