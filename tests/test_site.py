"""The built site: a strict build, then every page in headless Chromium, in both palettes.

The site is built once per session into a temporary folder and served on a loopback
port. Chromium is Debian's (`make test` installs it); Playwright drives it through
`executable_path`, since Playwright's own browser download is not available here.
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

from mvc.plotting import contrast_ratio

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
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


def pages(folder: Path) -> list[str]:
    """Every page of the built site, as a path relative to its root ("" for the home page)."""
    found = sorted(p.parent.relative_to(folder).as_posix() for p in folder.rglob("index.html"))
    return ["" if p == "." else p + "/" for p in found]


def test_strict_build_is_clean(build):
    _, run = build
    assert run.returncode == 0, run.stderr[-4000:]
    warnings = [line for line in run.stderr.splitlines() if line.startswith("WARNING")]
    assert not warnings, "\n".join(warnings)


def test_site_has_the_chapters_and_reference(site):
    assert {"", "derivatives/", "reference/", "contributing/"} <= set(pages(site))
    assert (site / "404.html").is_file()


def test_katex_is_served_by_the_site(site):
    katex = site / "assets" / "katex"
    assert (katex / "katex.min.js").is_file() and (katex / "contrib" / "auto-render.min.js").is_file()
    stylesheet = (katex / "katex.min.css").read_text()
    fonts = {name for name in os.listdir(katex / "fonts")}
    for name in fonts:
        assert name in stylesheet
    assert "KaTeX_Main-Regular.woff2" in fonts


def test_no_page_links_outside_the_site(site):
    # Anchors may link out (a reader clicks them); what loads by itself must not.
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf8")
        for marker in ('src="http', "src='http", 'rel="stylesheet" href="http', "fonts.googleapis",
                       "cdn.jsdelivr", "unpkg.com", "pyodide"):
            assert marker not in text, f"{html.relative_to(site)} loads {marker!r} from elsewhere"


# --- in the browser -----------------------------------------------------------------------

PAGE_CHECK = """() => {
  const article = document.querySelector("article") || document.body;
  const clone = article.cloneNode(true);
  clone.querySelectorAll("pre, code, .katex, script, style, svg").forEach(n => n.remove());
  const text = clone.textContent;
  const figures = [...document.querySelectorAll("figure.mvc-figure")].map(f => {
    const box = f.querySelector("svg").getBoundingClientRect();
    return {width: box.width, height: box.height, color: getComputedStyle(f.querySelector("svg")).color,
            caption: (f.querySelector("figcaption") || {}).textContent || ""};
  });
  return {
    rawTex: ["$", "\\\\(", "\\\\[", "\\\\frac", "\\\\mathrm"].filter(s => text.includes(s)),
    unrendered: [...document.querySelectorAll(".arithmatex")].filter(n => !n.querySelector(".katex")).length,
    errors: document.querySelectorAll(".katex-error").length,
    katex: document.querySelectorAll(".katex").length,
    figures,
    background: getComputedStyle(document.body).backgroundColor,
    scheme: document.body.getAttribute("data-md-color-scheme"),
  };
}"""


def _hex(rgb: str) -> str:
    parts = [int(float(v)) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    return "#" + "".join(f"{v:02x}" for v in parts)


def _visit(browser, server, path, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems, requests = [], []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url} {r.failure}"))
    page.on("request", lambda r: requests.append(r.url))
    response = page.goto(f"{server}/{path}", wait_until="networkidle")
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    # "networkidle" can come before the scripts subscribed to document$ have run (a
    # loaded machine shows it): wait until KaTeX has had its turn, then check the page.
    page.wait_for_function(TYPESET)
    return context, page, problems, requests


TYPESET = """() => [...document.querySelectorAll('.arithmatex')]
  .every(n => n.querySelector('.katex, .katex-error'))"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_renders_cleanly(browser, server, site, scheme):
    for path in pages(site):
        context, page, problems, requests = _visit(browser, server, path, scheme)
        report = page.evaluate(PAGE_CHECK)
        context.close()
        where = f"{path or 'home'} ({scheme})"
        assert not problems, f"{where}: {problems}"
        outside = [url for url in requests if not url.startswith(server + "/") and not url.startswith("data:")]
        assert not outside, f"{where} requested {outside}"
        assert report["scheme"] == ("slate" if scheme == "dark" else "default"), where
        assert not report["rawTex"], f"{where}: raw TeX left in the text: {report['rawTex']}"
        assert report["unrendered"] == 0 and report["errors"] == 0, f"{where}: {report}"
        background = _hex(report["background"])
        for figure in report["figures"]:
            assert figure["width"] > 100 and figure["height"] > 50, f"{where}: {figure}"
            assert figure["caption"].strip(), f"{where}: a figure without a caption"
            ink = contrast_ratio(_hex(figure["color"]), background)
            assert ink >= 7, f"{where}: figure text contrast {ink:.1f} on {background}"


@pytest.mark.browser
def test_chapter_one_has_math_and_figures_in_both_palettes(browser, server):
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        context, page, problems, _ = _visit(browser, server, "derivatives/", scheme)
        report = page.evaluate(PAGE_CHECK)
        page.screenshot(path=str(ARTIFACTS / f"derivatives-{scheme}.png"), full_page=True)
        context.close()
        assert not problems
        assert report["katex"] >= 50, report["katex"]
        assert len(report["figures"]) >= 6


@pytest.mark.browser
def test_palette_toggle_switches_scheme(browser, server):
    context, page, problems, _ = _visit(browser, server, "derivatives/", "light")
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    page.click("label[for='__palette_1']")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    context.close()
    assert not problems


@pytest.mark.browser
def test_search_works_offline(browser, server):
    context, page, problems, _ = _visit(browser, server, "", "light")
    page.click("input.md-search__input")
    page.keyboard.type("complex step", delay=20)
    link = page.wait_for_selector(".md-search-result__item a[href*='derivatives']")
    page.wait_for_selector(".md-search-result .katex")  # previews are typeset too
    raw = page.evaluate("""() => [...document.querySelectorAll('.md-search-result__article')]
        .some(a => a.textContent.includes('\\\\('))""")
    assert link is not None and not raw
    context.close()
    assert not problems


@pytest.mark.browser
def test_instant_navigation_typesets_the_new_page(browser, server):
    context, page, problems, _ = _visit(browser, server, "", "light")
    page.click("article a[href$='derivatives/']")
    page.wait_for_url("**/derivatives/")
    page.wait_for_selector(".katex", timeout=10_000)
    report = page.evaluate(PAGE_CHECK)
    context.close()
    assert not problems
    assert report["unrendered"] == 0 and report["katex"] >= 50
