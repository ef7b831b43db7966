"""`invoke serve` and `invoke livereload` answer a missing path with the site's
404 page and status 404, as the published site's web server does."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tornado import httpserver, netutil, web

from pelican.plugins.replikk.server import LivereloadHandler

from .conftest import ROOT

MISSING = "/2024/denne-artikkelen-finnes-ikke/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, method: str = "GET") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.headers["Content-Type"], reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


@contextmanager
def invoke_serve(site: Path) -> Iterator[str]:
    """`invoke serve --port <free> --site <site>`, a real process, until ready."""
    port = _free_port()
    command = ["serve", "--port", str(port), "--site", str(site)]
    # Its log goes to a file: a pipe nobody reads could fill and block it.
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "invoke", *command],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while not _listening(port):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"invoke serve did not start:\n{log.read().decode()}")
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def served_url(sample_site) -> Iterator[str]:
    with invoke_serve(sample_site.output) as url:
        yield url


def test_a_missing_page_gets_the_sites_404_page_with_status_404(
    served_url, sample_site
):
    status, content_type, body = _get(served_url + MISSING)
    assert status == 404
    assert content_type == "text/html; charset=utf-8"
    assert body == (sample_site.output / "404.html").read_bytes()


def test_a_missing_page_asked_with_head_gets_404_and_no_body(served_url):
    status, content_type, body = _get(served_url + MISSING, method="HEAD")
    assert (status, content_type, body) == (404, "text/html; charset=utf-8", b"")


@pytest.mark.parametrize(
    ("path", "file"),
    [
        ("/", "index.html"),
        ("/om/", "om/index.html"),
        ("/om", "om/index.html"),  # Pelican's server guesses the folder's page
        ("/robots.txt", "robots.txt"),
    ],
)
def test_an_existing_page_is_served_with_status_200(
    served_url, sample_site, path, file
):
    status, _, body = _get(served_url + path)
    assert status == 200
    assert body == (sample_site.output / file).read_bytes()


@contextmanager
def tornado_serving(root: Path) -> Iterator[str]:
    """livereload's handler in a Tornado application, as `invoke livereload`
    serves output/ (without the file watcher)."""
    ready = threading.Event()
    held: dict = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        app = web.Application(
            [
                (
                    r"/(.*)",
                    LivereloadHandler,
                    {"path": str(root), "default_filename": "index.html"},
                )
            ]
        )
        sockets = netutil.bind_sockets(0, "127.0.0.1")
        server = httpserver.HTTPServer(app)
        server.add_sockets(sockets)
        held.update(loop=loop, server=server, port=sockets[0].getsockname()[1])
        ready.set()
        loop.run_forever()
        server.stop()
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield f"http://127.0.0.1:{held['port']}"
    finally:
        held["loop"].call_soon_threadsafe(held["loop"].stop)
        thread.join(10)


def test_livereload_answers_a_missing_page_with_the_sites_404_page(sample_site):
    with tornado_serving(sample_site.output) as url:
        status, content_type, body = _get(url + MISSING)
        assert status == 404
        assert content_type == "text/html; charset=utf-8"
        assert body == (sample_site.output / "404.html").read_bytes()
        assert _get(url + "/om/")[0] == 200
