"""The built site: a strict build, then every page in headless Chromium, in both palettes.

The fixtures that build, serve and browse the site, and the page sweep that loads each
page once and looks at it in every view, live in `tests/site_fixtures.py`, so that every
browser test of the run shares one build, and each worker one Chromium.
"""

from __future__ import annotations

import html.parser
import os
import re
import urllib.parse
from pathlib import Path

import pytest

from mvc.plotting import contrast_ratio
from tests.site_fixtures import (
    VIEWS,
    after,
    build_site,
    each_page,
    on_page,
    probe,
    site_pages,
    views_of,
    visit,
)

pytest_plugins = ["tests.site_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


def pages(folder: Path) -> list[str]:
    """Every page of the built site as a path from its root ("" for the home page), and the 404."""
    found = sorted(p.parent.relative_to(folder).as_posix() for p in folder.rglob("index.html"))
    return ["" if p == "." else p + "/" for p in found] + ["404.html"]


@pytest.mark.early
def test_two_clean_builds_are_byte_identical(site, tmp_path):
    """Every file of two clean builds, figures, labs, search index and sitemap included
    (the sitemap's dates come from SOURCE_DATE_EPOCH, which the Makefile sets to the last
    commit's time). No page may print anything that changes between builds, such as a
    wall-clock time."""
    again = tmp_path / "again"
    run = build_site(again)
    assert run.returncode == 0, run.stderr[-4000:]
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    differ = sorted(str(path) for path in first if first[path] != second[path])
    assert not differ, f"differ between two builds: {differ}"


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def test_every_internal_link_and_anchor_resolves(site):
    parsed = {}
    for page in site.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf8"))
        parsed[page] = parser
    broken = []
    for page, parser in parsed.items():
        for href in parser.hrefs:
            split = urllib.parse.urlsplit(href)
            if split.scheme or split.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            path = urllib.parse.unquote(split.path)
            if path.startswith("/"):  # the 404 page links from the root of site_url
                prefix = urllib.parse.urlsplit(os.environ.get("SITE_URL", "/")).path or "/"
                target = (site / path.removeprefix(prefix.rstrip("/")).lstrip("/")).resolve()
            else:
                target = (page.parent / path).resolve() if path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {href} (no such file)")
            elif split.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else set()
                if urllib.parse.unquote(split.fragment) not in ids:
                    broken.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_every_page_has_a_description(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf8")
        match = re.search(r'<meta name="description" content="([^"]*)"', text)
        assert match and len(match[1]) > 30, f"{page.relative_to(site)} has no description"


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
    assert (katex / "katex.min.js").is_file() and (
        katex / "contrib" / "auto-render.min.js"
    ).is_file()
    stylesheet = (katex / "katex.min.css").read_text()
    fonts = {name for name in os.listdir(katex / "fonts")}
    for name in fonts:
        assert name in stylesheet
    assert "KaTeX_Main-Regular.woff2" in fonts


def test_no_page_links_outside_the_site(site):
    # Anchors may link out (a reader clicks them); what loads by itself must not.
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf8")
        for marker in (
            'src="http',
            "src='http",
            'rel="stylesheet" href="http',
            "fonts.googleapis",
            "cdn.jsdelivr",
            "unpkg.com",
            "pyodide",
        ):
            assert marker not in text, f"{page.relative_to(site)} loads {marker!r} from elsewhere"


# --- in the browser: every page, in every view (tests/site_fixtures.py's sweep) -----------

PAGE_CHECK = """() => {
  const article = document.querySelector("article") || document.body;
  const clone = article.cloneNode(true);
  clone.querySelectorAll("pre, code, .katex, script, style, svg").forEach(n => n.remove());
  const text = clone.textContent;
  // Figures on screen (the still figures that stand in for the widgets on paper are not).
  const figures = [...document.querySelectorAll("figure.mvc-figure")]
    .filter(f => !f.closest(".mvc-print-only")).map(f => {
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
    headings: [...document.querySelectorAll("article h1, article h2, article h3, article h4, article h5, article h6")]
      .map(h => Number(h.tagName[1])),
    unnamedImages: [...document.querySelectorAll("article svg[role=img], article img")]
      .filter(n => !(n.getAttribute("aria-label") || n.getAttribute("alt")
                     || (n.querySelector(":scope > title") || {}).textContent || "").trim()).length,
  };
}"""
probe("page", PAGE_CHECK)


def _hex(rgb: str) -> str:
    parts = [int(float(v)) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    return "#" + "".join(f"{v:02x}" for v in parts)


def _visit(browser, server, path, scheme):
    """`tests.site_fixtures.visit`, under the name the widget tests import."""
    return visit(browser, server, path, scheme)


def test_the_sweep_covers_every_page_of_the_built_site(site):
    assert sorted(site_pages()) == sorted(pages(site))


@pytest.mark.browser
@each_page
def test_page_renders_cleanly_in_every_view(path, swept, server, record_property):
    record_property("sweep_seconds", swept.seconds)  # in test-artifacts/junit.xml
    where = path or "home"
    assert swept.status == 200, f"{where}: HTTP {swept.status}"
    assert not swept.problems, f"{where}: {swept.problems}"
    outside = [
        url
        for url in swept.requests
        if not url.startswith(server + "/") and not url.startswith("data:")
    ]
    assert not outside, f"{where} requested {outside}"
    for view in views_of(path):
        _check_view(f"{where} ({view.name})", path, view, swept.probes[view.name]["page"])
        if view.axe != "none":
            assert not swept.axe[view.name], (
                f"{where} ({view.name}): accessibility: {swept.axe[view.name]}"
            )


def _check_view(where, path, view, report):
    levels = report["headings"]
    one_title = levels.count(1) == 1 or path == "print_page/"  # the print page has them all
    assert levels and levels[0] == 1 and one_title, f"{where}: headings {levels}"
    jumps = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert not jumps, f"{where}: heading levels skip: {jumps}"
    assert report["unnamedImages"] == 0, f"{where}: an image without a text alternative"
    assert not report["rawTex"], f"{where}: raw TeX left in the text: {report['rawTex']}"
    assert report["unrendered"] == 0 and report["errors"] == 0, f"{where}: {report}"
    background = _hex(report["background"])
    for figure in report["figures"]:
        assert figure["width"] > 100 and figure["height"] > 50, f"{where}: {figure}"
        assert figure["caption"].strip(), f"{where}: a figure without a caption"
        ink = contrast_ratio(_hex(figure["color"]), background)
        assert ink >= 7, f"{where}: figure text contrast {ink:.1f} on {background}"


# --8<-- [start:probe]
probe("palette", "() => document.body.getAttribute('data-md-color-scheme')")


@pytest.mark.browser
@each_page
def test_every_view_shows_its_palette(path, swept):
    for view in views_of(path):
        expected = "slate" if view.scheme == "dark" else "default"
        assert swept.probes[view.name]["palette"] == expected, f"{path or 'home'} ({view.name})"


# --8<-- [end:probe]


DESK = [view for view in VIEWS if view.pages is None]  # the views of every page: at a desk


def _screenshot(page, view):
    if view not in DESK:
        return None
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"derivatives-{view.name}.png"
    page.screenshot(path=str(shot))  # the window: a whole page's PNG costs seconds to encode
    return shot


after("derivatives/", "screenshot", _screenshot)


@pytest.mark.browser
@on_page("derivatives/")
def test_chapter_one_has_math_and_figures_in_both_palettes(path, swept):
    for view in DESK:
        report = swept.probes[view.name]["page"]
        assert report["katex"] >= 50, report["katex"]
        assert len(report["figures"]) >= 6
        assert swept.after["screenshot"][view.name].stat().st_size > 10_000


def _load_printer():
    import importlib.util

    spec = importlib.util.spec_from_file_location("print_pdf", ROOT / "tools" / "print_pdf.py")
    printer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(printer)
    return printer


def _print(page, view):
    """The print page to PDF, as `make pdf` prints it: in the light palette."""
    if view.name != "light":
        return None
    ARTIFACTS.mkdir(exist_ok=True)
    return _load_printer().print_loaded(page, ARTIFACTS / "course.pdf")


after("print_page/", "pdf", _print)


@pytest.mark.browser
@on_page("print_page/")
def test_the_whole_course_prints_to_one_pdf(path, swept, site):
    import pypdfium2  # pdfium's text extraction: a second for the whole course (pypdf: 15 s)

    pdf = pypdfium2.PdfDocument(swept.after["pdf"]["light"])
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    chapters = re.findall(
        r'<h1 id="[^"]*">([^<]+)<', (site / "print_page" / "index.html").read_text()
    )
    assert len(pdf) >= 10 + 5 * len(chapters), len(pdf)
    for heading in ["What is calculus?", "The chain rule", "Summary", "Exercises", "Chapter map"]:
        assert heading in text, heading
    assert "\\(" not in text and "\\frac" not in text, "math left untypeset in the PDF"


# --- in the browser: interactions -----------------------------------------------------


@pytest.mark.browser
def test_the_site_follows_the_readers_palette_and_the_toggle_switches_it(browser, server):
    context, page, problems, _ = visit(browser, server, "", "dark")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    page.click("label[for='__palette_0']")
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'default'")
    context.close()
    assert not problems


@pytest.mark.browser
def test_search_works_offline(browser, server):
    context, page, problems, _ = visit(browser, server, "", "light")
    page.click("input.md-search__input")
    page.keyboard.type("complex step", delay=20)
    link = page.wait_for_selector(".md-search-result__item a[href*='derivatives']")
    # Previews are typeset too (the first may sit in a folded "more results" group).
    page.wait_for_selector(".md-search-result .katex >> visible=true")
    raw = page.evaluate("""() => [...document.querySelectorAll('.md-search-result__article')]
        .some(a => a.textContent.includes('\\\\('))""")
    assert link is not None and not raw
    page.fill("input.md-search__input", "")
    page.keyboard.type("Jacobian", delay=20)
    assert page.wait_for_selector(".md-search-result__item a[href*='multivariate']")
    context.close()
    assert not problems


@pytest.mark.browser
def test_instant_navigation_typesets_the_new_page(browser, server):
    context, page, problems, _ = visit(browser, server, "", "light")
    page.click("article a[href$='derivatives/']")
    page.wait_for_url("**/derivatives/")
    page.wait_for_selector(".katex")  # KaTeX typesets the whole page at once
    report = page.evaluate(PAGE_CHECK)
    context.close()
    assert not problems
    assert report["unrendered"] == 0 and report["katex"] >= 50


def test_every_chapter_links_its_notebook(site):
    import json

    chapters = ["derivatives"]  # at least; every chapter page with a download must have its file
    linked = []
    for page in site.glob("*/index.html"):
        text = page.read_text(encoding="utf8")
        match = re.search(r'<a (?=[^>]*download)[^>]*href="\.\./([\w-]+\.ipynb)"', text)
        if match:
            notebook = json.loads((site / match[1]).read_text(encoding="utf8"))
            assert notebook["nbformat"] == 4 and len(notebook["cells"]) > 3, match[1]
            linked.append(page.parent.name)
    assert set(chapters) <= set(linked), linked


def test_pages_stay_within_their_size_budgets(site):
    """Every page but the print page under 250 KB as a server sends it (gzip-compressed)
    and under 1.4 MB of HTML; the sizes of every page, as sent and gzip-compressed, are
    written to test-artifacts/page-sizes.txt. (Math typeset by the build is markup-heavy,
    about 1.5 KB of HTML a formula, but compresses ten to one; the 270 KB KaTeX script
    it replaces is no longer sent to every page.)"""
    import gzip

    ARTIFACTS.mkdir(exist_ok=True)
    rows, over = [], []
    for page in sorted(site.rglob("*.html")):
        raw = page.read_bytes()
        sent = len(gzip.compress(raw, mtime=0))
        path = page.relative_to(site).as_posix()
        rows.append(f"{len(raw) / 1e3:9.1f} KB {sent / 1e3:8.1f} KB gz  {path}")
        if path.startswith("print_page/"):
            continue
        if sent > 250e3 or len(raw) > 1.4e6:
            over.append(f"{path}: {len(raw) / 1e3:.0f} KB, {sent / 1e3:.0f} KB gzip-compressed")
    (ARTIFACTS / "page-sizes.txt").write_text("\n".join(rows) + "\n")
    assert not over, over


# --- the labs: notebook pages and their downloads (docs/hooks/labs.py) ---------------------


@pytest.mark.parametrize("lab", sorted(p.stem for p in (ROOT / "docs" / "labs").glob("*.py")))
def test_lab_page_offers_its_executed_notebook(site, lab):
    import nbformat

    page = site / "labs" / lab / "index.html"
    html = page.read_text(encoding="utf8")
    assert page.stat().st_size < 1_000_000, f"{lab}: {page.stat().st_size} bytes"
    assert f'href="{lab}.ipynb" download' in html
    for foreign in ("x-mathjax-config", "mermaid.esm", "require.min.js", '<script src="">'):
        assert foreign not in html, f"{lab} page still holds {foreign!r}"
    notebook = nbformat.read(site / "labs" / lab / f"{lab}.ipynb", as_version=4)
    nbformat.validate(notebook)
    # Every cell executed but the first, the reader's install line (tests/test_reach.py).
    code = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and "%pip install" not in cell.source
    ]
    assert code and all(cell.execution_count for cell in code), "not executed"
    kinds = {key for cell in code for out in cell.outputs for key in out.get("data", {})}
    assert "text/html" in kinds  # the figures
    assert not (site / "labs" / lab / f"{lab}.py").exists()  # not the source as a "download"
