"""Serve a built site as a web server would: ``x/`` is ``x/index.html``, and a
missing path gets the site's own ``404.html`` with status 404.

Used by ``invoke serve`` (in the foreground), ``invoke livereload`` (its
handler for Tornado), and the screenshot and Lighthouse tools (in a thread)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path

from livereload.handlers import StaticFileHandler
from pelican.server import ComplexHTTPRequestHandler

NOT_FOUND_PAGE = "404.html"
HTML = "text/html; charset=utf-8"


def not_found_page(root: Path | str) -> bytes | None:
    """The bytes of the site's 404 page, or None if the site has none."""
    try:
        return (Path(root) / NOT_FOUND_PAGE).read_bytes()
    except OSError:
        return None


class SiteServer(ThreadingHTTPServer):
    """A threading HTTP server for one folder (a browser opens several
    connections at once)."""

    daemon_threads = True

    def __init__(
        self, root: Path | str, address: tuple[str, int], quiet: bool = False
    ) -> None:
        self.root = str(root)
        self.quiet = quiet
        super().__init__(address, SiteHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class SiteHandler(ComplexHTTPRequestHandler):
    """Pelican's handler (``x/`` → ``x/index.html``, ``x`` → ``x.html``) with
    the site's 404 page where Pelican's sends an empty reply."""

    server: SiteServer

    @property
    def base_path(self) -> str:  # ComplexHTTPRequestHandler's root
        return self.server.root

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if self.get_path_that_exists(path) is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        super().do_GET()

    def send_error(self, code: int, message=None, explain=None) -> None:
        page = not_found_page(self.server.root) if code == 404 else None
        if page is None:
            super().send_error(code, message, explain)
            return
        self.log_error("code %d, message %s", code, message or "Not Found")
        self.send_response(code, message)
        self.send_header("Content-Type", HTML)
        self.send_header("Content-Length", str(len(page)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(page)

    def log_message(self, format: str, *args) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)


@contextmanager
def served(root: Path | str, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve a built site on a free port in a thread; yield its base URL."""
    # Pelican's handler warns of every path it cannot find: the 404 page does.
    pelican_server = logging.getLogger("pelican.server")
    level = pelican_server.level
    pelican_server.setLevel(logging.ERROR)
    server = SiteServer(root, (host, 0), quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        pelican_server.setLevel(level)


class LivereloadHandler(StaticFileHandler):
    """livereload's (Tornado's) static handler with the site's 404 page."""

    def write_error(self, status_code: int, **kwargs) -> None:
        page = not_found_page(self.root) if status_code == 404 else None
        if page is None:
            super().write_error(status_code, **kwargs)
            return
        self.set_header("Content-Type", HTML)
        self.finish(page)
