"""Fixtures shared by the tests of the built site (`test_site.py`, `test_sandpit_widget.py`).

A test module loads them with ``pytest_plugins = ["tests.site_fixtures"]``: as a plugin
they are registered once per session, however many modules ask. (Imported into each
module instead, each would get its own build and its own Chromium, and Playwright's sync
API cannot run two at once. A ``tests/conftest.py`` would shadow the root conftest that
`test_docs.py` imports.)

The site is built once per session into a temporary folder and served on a loopback
port. Chromium is Debian's (`make test` installs it); Playwright drives it through
`executable_path`, since Playwright's own browser download is not available here.
One session-wide build, server and browser: Playwright's sync API cannot run two
instances at once.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def build(tmp_path_factory):
    """Build the site with `mkdocs build --strict`; return (site folder, build log)."""
    site = tmp_path_factory.mktemp("site")
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    return site, run


@pytest.fixture(scope="session")
def site(build):
    folder, run = build
    if run.returncode != 0:
        pytest.fail("mkdocs build --strict failed:\n" + run.stderr[-4000:])
    return folder


@pytest.fixture(scope="session")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
