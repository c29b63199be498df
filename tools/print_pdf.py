"""Print the whole course (the print-site plugin's page) to one PDF with headless Chromium.

    python tools/print_pdf.py SITE_DIR OUTPUT.pdf

`make pdf` builds the site and runs this. The page is served over HTTP (the theme's
scripts, which typeset the math, do not run from file:// URLs) and printed once KaTeX
has typeset it, in the light palette, on A4. Chromium is Debian's, or $CHROMIUM.
`make test` prints it from the page sweep's own load of the print page
(`tests/test_site.py`, with `print_loaded`), so the biggest page loads once.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
CEILING = 300  # seconds: what only a hung page takes; a slow machine waits, it does not fail


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(folder: Path):
    """Serve `folder` on a free local port; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def print_pdf(browser, base_url: str, output: Path) -> Path:
    """Print ``base_url/print_page/`` to `output` with a Playwright `browser`."""
    context = browser.new_context(color_scheme="light")
    context.set_default_timeout(CEILING * 1000)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/print_page/", wait_until="load")
        page.wait_for_selector("body[data-math-typeset]", state="attached")
        print_loaded(page, output)
    finally:
        context.close()
    return output


def print_loaded(page, output: Path) -> Path:
    """Print the print page, loaded in `page` and typeset, to `output` on A4."""
    page.emulate_media(media="print")
    page.pdf(
        path=str(output),
        format="A4",
        print_background=True,
        margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
    )
    return output


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    site, output = Path(argv[0]), Path(argv[1])
    if not (site / "print_page" / "index.html").is_file():
        print(f"{site} has no print_page/: build the site first (make build)", file=sys.stderr)
        return 1
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if executable is None:
        print("no chromium: install Debian's (make browser) or set CHROMIUM", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, serve(site) as base_url:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            print_pdf(browser, base_url, output)
        finally:
            browser.close()
    print(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
